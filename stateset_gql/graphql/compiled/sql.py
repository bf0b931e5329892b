"""PostgreSQL expressions that write a value as JSON text, byte for byte as orjson would.

The resolver path answers with ``orjson.dumps``: compact, keys in selection order,
non-ASCII as UTF-8 and control characters as lower-case ``\\u00XX`` — which is also how
PostgreSQL's ``to_json`` escapes a string. So objects and lists are built by
concatenating text (``json_build_object`` and ``json_agg`` would add spaces), and every
expression here yields non-null text: ``null`` is written out.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from graphql import GraphQLEnumType

from stateset_gql.graphql.compiled.fragment import SQL, join

# An expression: SQL text the compiler wrote, or a fragment holding values to bind.
Expr = SQL | str


def literal(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def json_literal(value: object) -> str:
    """A constant JSON value as an SQL string literal of its text."""
    return literal(orjson.dumps(value).decode())


def or_null(expression: Expr) -> SQL:
    return SQL("coalesce(", expression, ", 'null')")


def string(expression: Expr) -> SQL:
    return or_null(SQL("to_json(", expression, ")::text"))


def integer(expression: Expr) -> SQL:
    return or_null(SQL("(", expression, ")::text"))


def number(expression: Expr) -> SQL:
    """A double precision as Python writes a float: PostgreSQL's shortest text (as
    ``repr``, between 1e-4 and 1e15), a whole number with ``.0`` (``3.0``, not ``3``)."""
    return or_null(
        SQL(
            "CASE WHEN (", expression, ") = trunc(", expression, ") THEN trunc(", expression,
            ")::bigint::text || '.0' ELSE (", expression, ")::text END",
        )
    )  # fmt: skip


def boolean(expression: Expr) -> SQL:
    return SQL(
        "CASE WHEN ", expression, " THEN 'true' WHEN NOT ", expression,
        " THEN 'false' ELSE 'null' END",
    )  # fmt: skip


def iso_time(expression: str, zone: str) -> str:
    """Python's ``isoformat()`` of the UTC time: microseconds only when there are any,
    then ``zone`` (``Z`` for the ``DateTime`` scalar, ``+00:00`` inside cursors)."""
    utc = f"({expression}) AT TIME ZONE 'UTC'"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN date_trunc('second', "
        f"{expression}) = {expression} THEN '' ELSE to_char({utc}, '.US') END || '{zone}'"
    )


def datetime(expression: str) -> SQL:
    return or_null(f"'\"' || {iso_time(expression, 'Z')} || '\"'")


def json_value(expression: str) -> SQL:
    """A JSON column (``metadata``: an object of strings) in its stored key order, as the
    resolver path reads it back. Values are written by PostgreSQL itself, so a string
    is escaped as ``to_json`` escapes it."""
    return SQL(
        f"CASE jsonb_typeof({expression}) WHEN 'object' THEN (SELECT '{{' || "
        f"coalesce(string_agg(to_json(e.key)::text || ':' || e.value::text, ',' "
        f"ORDER BY e.n), '') || '}}' FROM jsonb_each({expression}) WITH ORDINALITY "
        f"AS e(key, value, n)) ELSE coalesce(({expression})::text, 'null') END"
    )


# A member's place among its siblings is its ordinal (from 1); a container's closing
# bracket sorts after all of its members with this one.
_CLOSE = 2147483647


def json_text(expression: str) -> SQL:
    """A plain JSON column's value as orjson writes what the resolver path reads back:
    keys in their stored order, compact, strings as ``to_json`` escapes them (the stored
    text may have been written with spaces and ``\\u`` escapes), at any depth.

    The value is walked once by a recursive query into its nodes, each with its path of
    ordinals, and written as one run of tokens in path order: a node's separator, key
    and opening bracket (or its scalar), then, after every node beneath it, its closing
    bracket. Nested subqueries per level would do the same, but PostgreSQL multiplies
    their row estimates level by level (10^21 for an event's data) and then plans, or
    JIT-compiles, for that."""
    kind = "json_typeof(n.v)"
    members = (
        f"SELECT key, value, o FROM json_each(CASE {kind} WHEN 'object' THEN n.v END) "
        "WITH ORDINALITY AS m(key, value, o) UNION ALL "
        f"SELECT NULL, value, o FROM json_array_elements(CASE {kind} WHEN 'array' THEN n.v "
        "END) WITH ORDINALITY AS a(value, o)"
    )
    opening = (
        "CASE WHEN n.p[cardinality(n.p)] > 1 THEN ',' ELSE '' END || "
        "CASE WHEN n.k IS NULL THEN '' ELSE to_json(n.k)::text || ':' END || "
        f"CASE {kind} WHEN 'object' THEN '{{' WHEN 'array' THEN '[' "
        "WHEN 'string' THEN to_json(n.v #>> '{}')::text ELSE n.v::text END"
    )
    closing = f"CASE {kind} WHEN 'object' THEN '}}' ELSE ']' END"
    return or_null(
        SQL(
            "(WITH RECURSIVE n(p, k, v) AS (SELECT ARRAY[]::int[], NULL::text, (",
            expression,
            f")::json UNION ALL SELECT n.p || e.o::int, e.k, e.v FROM n CROSS JOIN LATERAL "
            f"({members}) AS e(k, v, o)) SELECT string_agg(w.t, '' ORDER BY w.s) FROM "
            f"(SELECT n.p AS s, {opening} AS t FROM n UNION ALL "
            f"SELECT n.p || {_CLOSE}, {closing} FROM n "
            f"WHERE {kind} IN ('object', 'array')) AS w)",
        )
    )


def enum(expression: str, enum_type: GraphQLEnumType, *, by_value: bool) -> SQL:
    """GraphQL writes an enum's name (``PENDING``), the representation its value
    (``pending``)."""
    if by_value:
        return string(expression)
    cases = " ".join(
        f"WHEN {literal(str(item.value))} THEN {json_literal(name)}"
        for name, item in enum_type.values.items()
    )
    return SQL(f"CASE {expression} {cases} ELSE 'null' END")


def concat(parts: Sequence[tuple[Expr, bool]]) -> SQL:
    """Pieces of text, each a literal (True) or an SQL expression (False), joined with
    ``||``; neighbouring literals are merged."""
    merged: list[tuple[Expr, bool]] = []
    for text, is_literal in parts:
        if is_literal and merged and merged[-1][1]:
            merged[-1] = (str(merged[-1][0]) + str(text), True)
        else:
            merged.append((text, is_literal))
    return join(
        (literal(str(text)) if is_literal else SQL("(", text, ")") for text, is_literal in merged),
        " || ",
    )


def json_object(entries: Sequence[tuple[str, Expr]]) -> SQL:
    """``{"key":value,...}`` from (key, SQL expression) pairs, in their order."""
    parts: list[tuple[Expr, bool]] = []
    for i, (key, value) in enumerate(entries):
        parts += [(("," if i else "{") + orjson.dumps(key).decode() + ":", True), (value, False)]
    parts.append(("}" if entries else "{}", True))
    return concat(parts)


def json_array(element: Expr, source: Expr, order: str) -> SQL:
    """``[element,...]`` over the rows of ``source`` (a FROM ... WHERE ...) in ``order``."""
    return SQL(
        "(SELECT '[' || coalesce(string_agg(", element, f", ',' ORDER BY {order}), '') || ']' ",
        source, ")",
    )  # fmt: skip


def cursor(signature: str, values: Sequence[tuple[str, str]]) -> SQL:
    """The keyset cursor of a row, as ``db.listing.encode_cursor`` writes it: the
    base64url (unpadded) of ``["<signature>",[values]]``; ``values`` are (kind, column)."""
    written: list[SQL] = []
    for kind, column in values:
        if kind == "datetime":
            written.append(or_null(f"'{{\"t\":\"' || {iso_time(column, '+00:00')} || '\"}}'"))
        elif kind == "int":
            written.append(integer(column))
        elif kind == "bool":
            written.append(boolean(column))
        else:
            written.append(string(column))
    parts: list[tuple[Expr, bool]] = [("[" + orjson.dumps(signature).decode() + ",[", True)]
    for i, value in enumerate(written):
        parts += [(",", True), (value, False)] if i else [(value, False)]
    text = concat([*parts, ("]]", True)])
    return SQL(
        "rtrim(translate(encode(convert_to(", text, ", 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')"
    )
