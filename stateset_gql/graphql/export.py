"""Prints the schema as SDL: ``python -m stateset_gql.graphql.export > schema.graphql``."""

from __future__ import annotations

import sys

import strawberry

from stateset_gql.graphql.schema import build_schema


def sdl(schema: strawberry.Schema | None = None) -> str:
    return (schema or build_schema()).as_str() + "\n"


if __name__ == "__main__":
    sys.stdout.write(sdl())
