"""``python -m stateset_gql.rest.export DIR``: writes openapi.json and postman.json."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson

from stateset_gql.graphql.schema import build_schema
from stateset_gql.rest.openapi import openapi
from stateset_gql.rest.postman import collection


def main(directory: str) -> None:
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    options = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
    (out / "openapi.json").write_bytes(orjson.dumps(openapi(build_schema()), option=options))
    (out / "postman.json").write_bytes(orjson.dumps(collection(), option=options))
    sys.stdout.write(f"wrote {out / 'openapi.json'} and {out / 'postman.json'}\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs")
