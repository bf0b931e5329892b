"""REST's list envelope, around a page of the representation, as Stripe writes it:
``{"object": "list", "url", "data", "has_more", "next_cursor"}``, and ``total_count``
when it was asked for.

A page comes from the compiled read engine with its objects already JSON text, or is
made here of the connection the resolvers answered.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLOutputType

from stateset_gql.graphql.representation.convert import to_representation
from stateset_gql.graphql.representation.form import Page


def page_of(connection: dict[str, Any], item_type: GraphQLOutputType) -> Page:
    """A connection in GraphQL's form as a page of the representation."""
    info = connection["pageInfo"]
    return Page(
        nodes=[to_representation(edge["node"], item_type) for edge in connection["edges"]],
        has_next_page=info["hasNextPage"],
        end_cursor=info["endCursor"],
        total_count=connection.get("totalCount"),
    )


def list_envelope(page: Page, url: str, *, include_total: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "object": "list",
        "url": url,
        "data": page.nodes,
        "has_more": page.has_next_page,
        "next_cursor": page.end_cursor if page.has_next_page else None,
    }
    if include_total:
        body["total_count"] = page.total_count
    return body
