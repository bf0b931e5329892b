"""Each list is declared once, in its domain's ``ListSpec``: GraphQL's ``where`` and
``orderBy`` and REST's filters and ``sort`` must offer exactly what the spec declares.

The operators each kind of field takes are written out here, as API.md section 5 states
them, so a filter input that drifts from its kind fails too.
"""

from __future__ import annotations

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)
from starlette.datastructures import QueryParams

from stateset_gql.access.service import KEY_LIST_SPEC
from stateset_gql.customers import service as customers
from stateset_gql.db.listing import ListSpec
from stateset_gql.errors import BadRequest
from stateset_gql.events import service as events
from stateset_gql.graphql.schema import build_schema
from stateset_gql.inventory import service as inventory
from stateset_gql.jobs import service as jobs
from stateset_gql.naming import to_camel, to_snake
from stateset_gql.orders import service as orders
from stateset_gql.requestlogs import service as request_logs
from stateset_gql.rest.openapi import openapi
from stateset_gql.rest.operations import operation_for
from stateset_gql.rest.params import CONNECTION_ARGS, list_arguments
from stateset_gql.rest.routes import ROUTES, RestRoute
from stateset_gql.returns import service as returns
from stateset_gql.subscriptions import service as subscriptions
from stateset_gql.webhooks import deliveries as webhook_deliveries
from stateset_gql.webhooks import endpoints as webhook_endpoints

# Every connection field of the schema, by its coordinate, and the spec it lists by.
LISTS: dict[str, ListSpec] = {
    "Query.customers": customers.LIST_SPEC,
    "Query.orders": orders.LIST_SPEC,
    "Query.inventoryItems": inventory.LIST_SPEC,
    "Query.returns": returns.LIST_SPEC,
    "Query.customerSubscriptions": subscriptions.LIST_SPEC,
    "Query.events": events.LIST_SPEC,
    "Query.apiKeys": KEY_LIST_SPEC,
    "Query.webhookEndpoints": webhook_endpoints.LIST_SPEC,
    "Query.webhookDeliveries": webhook_deliveries.LIST_SPEC,
    "Query.jobs": jobs.LIST_SPEC,
    "Query.requestLogs": request_logs.LIST_SPEC,
}
ORDERED = ("_eq", "_ne", "_gt", "_gte", "_lt", "_lte", "_in", "_between")
OPERATORS: dict[str, set[str]] = {
    "string": {*ORDERED, "_like", "_ilike"},
    "id": {*ORDERED, "_like", "_ilike"},
    "int": set(ORDERED),
    "datetime": set(ORDERED),
    "bool": {"_eq", "_ne"},
    "enum": {"_eq", "_ne", "_in"},
}
# A value each kind parses from a query string; an enum's is read from its GraphQL enum.
SAMPLES = {"string": "x", "id": "x", "int": "1", "datetime": "2024-01-31", "bool": "true"}


SCHEMA = build_schema()


def graphql_schema() -> GraphQLSchema:
    built: GraphQLSchema = SCHEMA._schema
    return built


def connection_fields() -> set[str]:
    found = set()
    for type_ in graphql_schema().type_map.values():
        if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__"):
            for name, field in type_.fields.items():
                if get_named_type(field.type).name.endswith("Connection"):
                    found.add(f"{type_.name}.{name}")
    return found


def list_field(coordinate: str) -> GraphQLField:
    type_name, field_name = coordinate.split(".")
    type_ = graphql_schema().get_type(type_name)
    assert isinstance(type_, GraphQLObjectType)
    field: GraphQLField = type_.fields[field_name]
    return field


def where_fields(coordinate: str) -> dict[str, GraphQLInputObjectType]:
    """The ``where`` input's fields by their snake_case name, each with its filter type."""
    where = list_field(coordinate).args.get("where")
    if where is None:
        return {}
    where_type = get_named_type(where.type)
    assert isinstance(where_type, GraphQLInputObjectType)
    assert {"_and", "_or", "_not"} <= set(where_type.fields)
    found = {}
    for name, field in where_type.fields.items():
        if not name.startswith("_"):
            filter_type = get_named_type(field.type)
            assert isinstance(filter_type, GraphQLInputObjectType)
            found[to_snake(name)] = filter_type
    return found


def sort_fields(coordinate: str) -> list[str]:
    order = list_field(coordinate).args.get("orderBy")
    if order is None:
        return []
    order_type = get_named_type(order.type)
    assert isinstance(order_type, GraphQLInputObjectType)
    field_enum = get_named_type(order_type.fields["field"].type)
    assert isinstance(field_enum, GraphQLEnumType)
    return [str(value.value) for value in field_enum.values.values()]


def filterable(spec: ListSpec) -> dict[str, str]:
    return {name: item.kind for name, item in spec.fields.items() if item.filterable}


def sortable(spec: ListSpec) -> list[str]:
    return [name for name, item in spec.fields.items() if item.sortable]


def rest_list(coordinate: str) -> RestRoute:
    field = coordinate.removeprefix("Query.")
    (route,) = [r for r in ROUTES if r.method == "GET" and r.field == field]
    return route


def test_every_connection_field_is_checked_against_its_spec() -> None:
    assert connection_fields() == set(LISTS)


@pytest.mark.parametrize("coordinate", LISTS)
def test_a_spec_sorts_by_default_on_fields_it_declares_sortable(coordinate: str) -> None:
    spec = LISTS[coordinate]
    assert {name for name, _ in spec.default_order} <= set(sortable(spec))


@pytest.mark.parametrize("coordinate", LISTS)
def test_graphql_filters_and_sorts_exactly_what_the_spec_declares(coordinate: str) -> None:
    spec = LISTS[coordinate]
    filters = where_fields(coordinate)
    assert list(filters) == list(filterable(spec))
    for name, kind in filterable(spec).items():
        assert set(filters[name].fields) == OPERATORS[kind], name
    assert sort_fields(coordinate) == sortable(spec)


@pytest.mark.parametrize("coordinate", LISTS)
def test_rest_documents_exactly_the_filters_and_sorts_the_spec_declares(coordinate: str) -> None:
    spec = LISTS[coordinate]
    route = rest_list(coordinate)
    parameters = {p["name"]: p for p in openapi(SCHEMA)["paths"][route.path]["get"]["parameters"]}
    paging = {"limit", "cursor", "offset", "page", "include_total", "sort"}
    # The list field's own arguments (``events(type:)``) are parameters of their own.
    field = operation_for(SCHEMA, route).field
    own = {to_snake(name) for name in field.args if name not in CONNECTION_ARGS}
    # A list under its parent's path (``/v1/webhook_endpoints/{id}/deliveries``).
    in_path = {name for name, p in parameters.items() if p.get("in") == "path"}
    expected = {f"{name}{op}" for name, kind in filterable(spec).items() for op in OPERATORS[kind]}
    assert set(parameters) - paging - own - in_path == expected
    documented = parameters["sort"]["description"].split("of: ", 1)[1].split(", ")
    assert documented == sortable(spec)


@pytest.mark.parametrize("coordinate", LISTS)
def test_rest_accepts_exactly_the_filters_and_sorts_the_spec_declares(coordinate: str) -> None:
    spec = LISTS[coordinate]
    operation = operation_for(SCHEMA, rest_list(coordinate))
    filters = where_fields(coordinate)
    for name, kind in filterable(spec).items():
        if kind == "enum":
            enum = get_named_type(filters[name].fields["_eq"].type)
            assert isinstance(enum, GraphQLEnumType)
            sample = str(next(iter(enum.values.values())).value)
        else:
            sample = SAMPLES[kind]
        where = list_arguments(operation, QueryParams({f"{name}_eq": sample})).variables["where"]
        assert list(where) == [to_camel(name)]
        if to_camel(name) != name:  # GraphQL's name for it is not REST's
            with pytest.raises(BadRequest):
                list_arguments(operation, QueryParams({f"{to_camel(name)}_eq": sample}))
    for name, item in spec.fields.items():
        with pytest.raises(BadRequest):
            list_arguments(operation, QueryParams({"sort": name.upper()}))
        for direction in ("", "-"):
            params = QueryParams({"sort": f"{direction}{name}"})
            if item.sortable:
                (order,) = list_arguments(operation, params).variables["orderBy"]
                assert order["field"] == name.upper()
            else:
                with pytest.raises(BadRequest):
                    list_arguments(operation, params)
