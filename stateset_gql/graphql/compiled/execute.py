"""Runs a compiled plan: one statement per root field, its JSON spliced in unparsed.

``CompiledReads.run`` answers None whenever the resolver path must answer instead:
the operation does not compile, the key lacks a scope the selection needs, an argument
is refused (a bad cursor, a filter over its limits), or an object asked for by id is
not there. The resolver path then runs the whole operation and says why, in its words.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import MutableMapping
from enum import Enum
from functools import lru_cache
from typing import Any, NamedTuple

import orjson
from graphql import DocumentNode, GraphQLSchema, OperationDefinitionNode
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.utilities import get_operation_ast
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler

from stateset_gql.db.listing import Order, PageRequest
from stateset_gql.db.pages import page_query
from stateset_gql.errors import StateSetError
from stateset_gql.graphql.compiled import sql
from stateset_gql.graphql.compiled.compiler import DIALECT, Compiler, NotCompilable
from stateset_gql.graphql.compiled.fragment import SQL, Param, format_places, from_format, join
from stateset_gql.graphql.compiled.mapping import column_sql
from stateset_gql.graphql.compiled.plan import (
    COUNT,
    PAGE,
    ROW_ORDER,
    Plan,
    RootPlan,
    cursor_slot,
    switches,
)
from stateset_gql.graphql.context import Context
from stateset_gql.graphql.internals import bind_processors, cache_key
from stateset_gql.graphql.representation.form import GRAPHQL, Form, Page
from stateset_gql.naming import to_snake

CACHED_PLANS = 1024
# A connection's statements a root keeps numbered, by sort order and page statement.
PREPARED_SHAPES = 256


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return where_tree(value)
    return value


def where_tree(where: dict[str, Any]) -> dict[str, Any]:
    """A coerced ``where`` argument as the plain tree ``db.listing`` compiles (what
    ``graphql.filters.where_tree`` makes of the resolver path's input objects)."""
    tree: dict[str, Any] = {}
    for key, value in where.items():
        if value is None:
            continue
        name = to_snake(key.lstrip("_"))
        if name in ("and", "or"):
            tree[name] = [where_tree(sub) for sub in value]
        elif name == "not":
            tree[name] = where_tree(value)
        else:
            tree[name] = {op.lstrip("_"): _plain(v) for op, v in value.items() if v is not None}
    return tree


def page_request(args: dict[str, Any]) -> PageRequest:
    order = args.get("orderBy", args.get("order_by")) or []
    return PageRequest(
        first=args["first"],
        after=args.get("after"),
        offset=args.get("offset"),
        where=where_tree(args["where"]) if args.get("where") is not None else None,
        order=[
            Order(field=_plain(item["field"]), descending=_plain(item.get("direction")) == "desc")
            for item in order
        ],
    )


# Page statements compiled once per shape (SQLAlchemy's cache key: the statement's
# structure, not its values), as SQLAlchemy's own statement cache does.
_COMPILED: OrderedDict[Any, SQLCompiler] = OrderedDict()


def _compiled(statement: Select[Any]) -> tuple[SQLCompiler, MutableMapping[str, Any]]:
    key = cache_key(statement)
    cached = _COMPILED.get(key.key) if key is not None else None
    if cached is not None and key is not None:
        _COMPILED.move_to_end(key.key)
        return cached, cached.construct_params(extracted_parameters=key.bindparams)
    compiled = statement.compile(dialect=DIALECT, cache_key=key)
    assert isinstance(compiled, SQLCompiler)
    if compiled.post_compile_params:
        # ``IN`` lists are written out, one parameter per value: compiled each time.
        compiled = statement.compile(dialect=DIALECT, compile_kwargs={"render_postcompile": True})
        assert isinstance(compiled, SQLCompiler)
    elif key is not None:
        _COMPILED[key.key] = compiled
        if len(_COMPILED) > CACHED_PLANS:
            _COMPILED.popitem(last=False)
    return compiled, compiled.construct_params()


class Bound(NamedTuple):
    """A SQLAlchemy statement compiled: its text (``%s`` for each value) and values."""

    text: str
    values: list[Any]

    def params(self, slot: str) -> dict[str, Any]:
        """Its values as the parameters ``slot_fragment`` names."""
        return {f"{slot}:{i}": value for i, value in enumerate(self.values)}


def _bound(statement: Select[Any]) -> Bound:
    compiled, params = _compiled(statement)
    # What execution itself applies to each value (``UTCDateTime`` writes UTC).
    processors = bind_processors(compiled)
    values = []
    for name in compiled.positiontup or ():
        value = params[name]
        processor: Any = processors.get(name)
        values.append(processor(value) if processor is not None and value is not None else value)
    return Bound(compiled.string, values)


@lru_cache(maxsize=CACHED_PLANS)
def slot_fragment(slot: str, text: str) -> SQL:
    """A compiled statement's text as a fragment whose values are parameters named
    ``{slot}:{i}``: the same text makes the same fragment, whatever its values."""
    return from_format(text, [Param(f"{slot}:{i}") for i in range(format_places(text))])


class CompiledReads:
    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.plans: OrderedDict[tuple[Any, ...], Plan | None] = OrderedDict()
        self.switches: dict[tuple[str, str | None], tuple[str, ...] | None] = {}

    def plan(
        self,
        query: str,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: Any,
        name: str | None,
        form: Form,
    ) -> Plan | None:
        head = (query, name)
        if head not in self.switches:
            if len(self.switches) > CACHED_PLANS:
                self.switches.clear()
            self.switches[head] = switches(document)
        names = self.switches[head]
        if names is None:
            return None
        key = (query, name, form, tuple(variables.coerced.get(n) for n in names))
        if key in self.plans:
            self.plans.move_to_end(key)
            return self.plans[key]
        try:
            plan: Plan | None = Compiler(
                schema=self.schema,
                document=document,
                operation=operation,
                variables=variables,
                form=form,
            ).plan()
        except NotCompilable:
            plan = None
        self.plans[key] = plan
        if len(self.plans) > CACHED_PLANS:
            self.plans.popitem(last=False)
        return plan

    async def run(
        self,
        query: str,
        document: DocumentNode,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: Context,
        *,
        form: Form = GRAPHQL,
    ) -> dict[str, Any] | None:
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            return None
        coerced = get_variable_values(
            self.schema, operation.variable_definitions or (), variables or {}
        )
        if isinstance(coerced, list):
            return None
        plan = self.plan(query, document, operation, coerced, operation_name, form)
        if plan is None or not all(context.principal.can(s) for s in plan.scopes):
            return None
        # One pooled connection of its own for the operation's statements, not the
        # request's ORM session: a compiled read needs none of its machinery.
        reader = context.session.bind
        assert isinstance(reader, AsyncEngine)
        try:
            async with reader.connect() as connection:
                return await self._roots(plan, coerced, context, connection, form)
        except StateSetError:
            return None

    async def _roots(
        self,
        plan: Plan,
        coerced: VariableValues,
        context: Context,
        connection: AsyncConnection,
        form: Form,
    ) -> dict[str, Any] | None:
        data: dict[str, Any] = {}
        for root in plan.roots:
            if root.kind == "typename":
                data[root.key] = orjson.Fragment(root.constant)
                continue
            assert root.node is not None
            assert root.field_def is not None
            args = get_argument_values(root.field_def, root.node, coerced)
            value: orjson.Fragment | Page | None
            if root.kind == "node":
                # The id's prefix says which table; an unknown one, or a type the key
                # may not read, is the resolver path's to answer.
                variant = root.variants.get(str(args["id"]).partition("_")[0])
                if variant is None or not all(context.principal.can(s) for s in variant.scopes):
                    return None
                value = await self._object(variant, args, context, connection)
            elif root.kind == "object":
                value = await self._object(root, args, context, connection)
            else:
                value = await self._connection(root, args, context, connection, form)
            if value is None:
                return None
            data[root.key] = value
        return data

    async def _object(
        self, root: RootPlan, args: dict[str, Any], context: Context, connection: AsyncConnection
    ) -> orjson.Fragment | None:
        owner = context.principal.owner
        given = {"account_id": owner.account_id, "livemode": owner.livemode, "id": args["id"]}
        text, values = root.template.render(given)
        result = await connection.exec_driver_sql(text, tuple(values))
        answer = result.scalar()
        return None if answer is None else orjson.Fragment(answer)

    async def _connection(
        self,
        root: RootPlan,
        args: dict[str, Any],
        context: Context,
        connection: AsyncConnection,
        form: Form,
    ) -> orjson.Fragment | Page:
        assert root.root is not None
        assert root.root.spec is not None
        request = page_request(args)
        base = root.root.owned(context.principal.owner)
        if root.root.narrow is not None:
            base = root.root.narrow(base, args)
        query = page_query(spec=root.root.spec, base=base, request=request)
        bound = {PAGE.name: _bound(query.statement)}
        if root.total:
            bound[COUNT.name] = _bound(query.count_statement)
        # Each value a request adds is bound only where the selection uses it.
        params = {
            "first": request.first,
            "previous": request.after is not None or bool(request.offset),
        }
        for slot, statement in bound.items():
            params.update(statement.params(slot))
        order = tuple(query.order)
        shape = (order, *(statement.text for statement in bound.values()))
        prepared = root.prepared.get(shape)
        if prepared is None:
            slots = {slot: slot_fragment(slot, b.text) for slot, b in bound.items()}
            prepared = self._template(root, order).fill(slots).prepare()
            if len(root.prepared) < PREPARED_SHAPES:
                root.prepared[shape] = prepared
        text, values = prepared.text, prepared.values(params)
        row: Any = (await connection.exec_driver_sql(text, tuple(values))).one()
        if not form.pages:
            return orjson.Fragment(row[0])
        return Page(orjson.Fragment(row[0]), row[1], row[2], row[3])

    @staticmethod
    def _template(root: RootPlan, order: tuple[tuple[str, bool], ...]) -> SQL:
        """The root's fragment for one sort order: row order and cursors filled in, once."""
        text = root.by_order.get(order)
        if text is not None:
            return text
        assert root.root is not None
        assert root.root.spec is not None
        spec = root.root.spec
        signature = ",".join(f"{'-' if desc else ''}{name}" for name, desc in order)
        columns = [
            (
                "id" if name == "id" else spec.fields[name].kind,
                spec.id_column if name == "id" else spec.fields[name].column,
                desc,
            )
            for name, desc in order
        ]
        slots: dict[str, SQL | str] = {
            ROW_ORDER.name: join(
                (f"{column_sql(c, 'p')} {'DESC' if d else 'ASC'}" for _, c, d in columns), ", "
            )
        }
        for alias in root.cursor_aliases:
            cursor = sql.cursor(signature, [(kind, column_sql(c, alias)) for kind, c, _ in columns])
            slots[cursor_slot(alias).name] = cursor
        template = root.template.fill(slots)
        root.by_order[order] = template
        return template
