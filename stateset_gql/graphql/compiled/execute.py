"""Runs a compiled plan: one statement per root field, its JSON spliced in unparsed.

``CompiledReads.run`` answers None whenever the resolver path must answer instead:
the operation does not compile, the key lacks a scope the selection needs, an argument
is refused (a bad cursor, a filter over its limits), or an object asked for by id is
not there. The resolver path then runs the whole operation and says why, in its words.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection
from enum import Enum
from typing import Any

import orjson
from graphql import DocumentNode, GraphQLSchema, OperationDefinitionNode
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.utilities import get_operation_ast
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler

from stateset_gql.access.principal import Principal
from stateset_gql.db.listing import Order, PageRequest
from stateset_gql.db.owner import Owner
from stateset_gql.db.pages import PageShape, page_shape, shaped_query
from stateset_gql.errors import StateSetError
from stateset_gql.graphql.compiled import sql
from stateset_gql.graphql.compiled.compiler import (
    DIALECT,
    REQUEST_OWNER,
    REQUEST_OWNER_PARAMS,
    Compiler,
    NotCompilable,
)
from stateset_gql.graphql.compiled.fragment import SQL, Param, Value, from_format, join
from stateset_gql.graphql.compiled.mapping import column_sql
from stateset_gql.graphql.compiled.plan import (
    COUNT,
    PAGE,
    ROW_ORDER,
    PageStatement,
    Plan,
    RootPlan,
    cursor_slot,
    switches,
)
from stateset_gql.graphql.internals import bind_processors
from stateset_gql.graphql.representation.form import GRAPHQL, Form, Page
from stateset_gql.naming import to_snake

CACHED_PLANS = 1024
# A connection's statements a root keeps, one per page shape.
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


def statement_fragment(
    statement: Select[Any], named: Collection[str], *, narrowed: bool
) -> tuple[SQL, dict[str, Any]]:
    """A page's (or count's) statement as a fragment: each value named in ``named`` a
    ``Param`` a request gives, and the processors execution applies to them. Any other
    value is the shape's own (a narrowing argument's, part of the shape's key) and stays
    in as it is; on a root that narrows nothing there is none, and one would be a value
    the key misses."""
    compiled = statement.compile(dialect=DIALECT, compile_kwargs={"render_postcompile": True})
    assert isinstance(compiled, SQLCompiler)
    processors = bind_processors(compiled)
    pieces: list[Param | Value] = []
    kept: dict[str, Any] = {}
    for name in compiled.positiontup or ():
        processor: Any = processors.get(name)
        if name in named:
            pieces.append(Param(name))
            if processor is not None:
                kept[name] = processor
            continue
        if not narrowed:
            raise RuntimeError(f"a page statement binds {name!r}, which its shape does not name")
        value = compiled.binds[name].effective_value
        pieces.append(
            Value(processor(value) if processor is not None and value is not None else value)
        )
    return from_format(compiled.string, pieces), kept


class CompiledReads:
    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.plans: OrderedDict[tuple[Any, ...], Plan | None] = OrderedDict()
        self.switches: dict[tuple[str, str | None], tuple[str, ...] | None] = {}
        # How many connection statements were built (once per root and page shape).
        self.built = 0

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
        principal: Principal,
        reader: AsyncEngine,
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
        if plan is None or not all(principal.can(s) for s in plan.scopes):
            return None
        # One pooled connection (autocommit: a read needs no transaction) for the
        # operation's statements; a compiled read needs no ORM session.
        try:
            async with reader.connect() as connection:
                return await self._roots(plan, coerced, principal, connection, form)
        except StateSetError:
            return None

    async def _roots(
        self,
        plan: Plan,
        coerced: VariableValues,
        principal: Principal,
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
                if variant is None or not all(principal.can(s) for s in variant.scopes):
                    return None
                value = await self._object(variant, args, principal.owner, connection)
            elif root.kind == "object":
                value = await self._object(root, args, principal.owner, connection)
            else:
                value = await self._connection(root, args, principal.owner, connection, form)
            if value is None:
                return None
            data[root.key] = value
        return data

    async def _object(
        self, root: RootPlan, args: dict[str, Any], owner: Owner, connection: AsyncConnection
    ) -> orjson.Fragment | None:
        given = {"account_id": owner.account_id, "livemode": owner.livemode, "id": args["id"]}
        text, values = root.template.render(given)
        result = await connection.exec_driver_sql(text, tuple(values))
        answer = result.scalar()
        return None if answer is None else orjson.Fragment(answer)

    async def _connection(
        self,
        root: RootPlan,
        args: dict[str, Any],
        owner: Owner,
        connection: AsyncConnection,
        form: Form,
    ) -> orjson.Fragment | Page:
        statement, values = self._page(root, args, owner)
        row: Any = (await connection.exec_driver_sql(statement.prepared.text, values)).one()
        if not form.pages:
            return orjson.Fragment(row[0])
        return Page(orjson.Fragment(row[0]), row[1], row[2], row[3])

    def _page(
        self, root: RootPlan, args: dict[str, Any], owner: Owner
    ) -> tuple[PageStatement, tuple[Any, ...]]:
        """The connection's statement for the page ``args`` ask of ``owner``'s rows (built
        once per page shape) and the values to run it with."""
        assert root.root is not None
        assert root.root.spec is not None
        request = page_request(args)
        shape = page_shape(root.root.spec, request)
        # A narrowing argument (``events(type:)``) writes its value into the SQL: part of
        # the key, so each value it takes is a statement of its own.
        narrowing = tuple(args.get(name) for name in sorted(root.root.arguments))
        key = (shape.key, narrowing)
        statement = root.prepared.get(key)
        if statement is None:
            statement = self._statement(root, shape, args)
            if len(root.prepared) < PREPARED_SHAPES:
                root.prepared[key] = statement
        params = {
            **shape.params,
            "account_id": owner.account_id,
            "livemode": owner.livemode,
            "first": request.first,
            "previous": request.after is not None or bool(request.offset),
        }
        return statement, statement.values(params)

    def connection_statement(
        self, query: str, document: DocumentNode, owner: Owner
    ) -> tuple[str, tuple[Any, ...]]:
        """The one statement a query of one connection root (no variables) sends for
        ``owner``, and its values: what a bare client of PostgreSQL would run for the same
        answer (``bench/bare.py`` is one)."""
        operation = get_operation_ast(document)
        assert operation is not None
        coerced = get_variable_values(self.schema, (), {})
        assert not isinstance(coerced, list)
        plan = self.plan(query, document, operation, coerced, None, GRAPHQL)
        if plan is None or len(plan.roots) != 1 or plan.roots[0].kind != "connection":
            raise ValueError("not a query of one compiled connection")
        root = plan.roots[0]
        assert root.node is not None
        assert root.field_def is not None
        statement, values = self._page(
            root, get_argument_values(root.field_def, root.node, coerced), owner
        )
        return statement.prepared.text, values

    def _statement(self, root: RootPlan, shape: PageShape, args: dict[str, Any]) -> PageStatement:
        """The connection's statement for a page shape, built once: the page's rows (and
        their count) for the request's owner, every value a parameter."""
        assert root.root is not None
        assert root.root.spec is not None
        self.built += 1
        base = root.root.owned(REQUEST_OWNER)
        narrowed = root.root.narrow is not None
        if root.root.narrow is not None:
            base = root.root.narrow(base, args)
        query = shaped_query(spec=root.root.spec, base=base, shape=shape)
        named = {*shape.params, *REQUEST_OWNER_PARAMS}
        slots: dict[str, SQL | str] = {}
        processors: dict[str, Any] = {}
        page, kept = statement_fragment(query.statement, named, narrowed=narrowed)
        slots[PAGE.name] = page
        processors.update(kept)
        if root.total:
            count, kept = statement_fragment(query.count_statement, named, narrowed=narrowed)
            slots[COUNT.name] = count
            processors.update(kept)
        prepared = self._template(root, tuple(shape.order)).fill(slots).prepare()
        return PageStatement(prepared, processors)

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
