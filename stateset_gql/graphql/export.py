"""Prints the schema as SDL: ``python -m stateset_gql.graphql.export > schema.graphql``."""

from __future__ import annotations

import sys

from stateset_gql.graphql.schema import schema


def sdl() -> str:
    return schema.as_str() + "\n"


if __name__ == "__main__":
    sys.stdout.write(sdl())
