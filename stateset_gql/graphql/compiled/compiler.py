"""A checked query document → one SQL statement per root field that writes its JSON.

The walk follows graphql-core's own field collection (fragments, ``@skip``/``@include``
with the request's variables, merged fields), so a selection means here exactly what it
means to the resolver path. Each field is read as its type's ``Table`` declares
(``mapping``); anything undeclared raises ``NotCompilable`` and the whole operation
runs on the resolver path.

A root field's SQL is a fragment (``fragment``) with slots: a connection's page
(``db.listing``'s statement, built per request from the arguments) and the values only
a request knows are put in at run time (``execute``), each a bound parameter, so the
text stays the same from one request to the next and PostgreSQL runs it as one
prepared statement.
"""

from __future__ import annotations

from dataclasses import replace
from typing import cast

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    get_named_type,
    get_nullable_type,
)
from graphql.execution.collect_fields import (
    FieldDetails,
    FragmentDetails,
    GroupedFieldSet,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import VariableValues
from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import asyncpg

from stateset_gql.db.owner import Owner, OwnerScoped
from stateset_gql.graphql.compiled import sql
from stateset_gql.graphql.compiled.fragment import SQL, Param, Slot, from_format
from stateset_gql.graphql.compiled.mapping import (
    REGISTRY,
    Col,
    Const,
    JsonKey,
    One,
    Registry,
    Root,
    Same,
    Source,
    Table,
    column_name,
    column_sql,
)
from stateset_gql.graphql.compiled.plan import (
    COUNT,
    FIRST,
    PAGE,
    PREVIOUS,
    ROW_ORDER,
    Plan,
    RootPlan,
    cursor_slot,
)
from stateset_gql.graphql.limits import is_connection
from stateset_gql.graphql.representation.form import Form

# SQLAlchemy writes a statement for a ``format`` driver (``%s`` per value), which
# ``fragment.from_format`` reads into a fragment; the values become ``$n`` at the end.
DIALECT = asyncpg.dialect(paramstyle="format")  # type: ignore[no-untyped-call]
# A connection's own arguments, which ``execute.page_request`` reads.
PAGE_ARGUMENTS = frozenset({"first", "after", "offset", "where", "orderBy"})

# The request's owner, whose rows a root reads: bound when the plan runs.
REQUEST_OWNER = Owner(cast(str, bindparam("account_id")), cast(bool, bindparam("livemode")))
REQUEST_OWNER_PARAMS = ("account_id", "livemode")


def owned_by(alias: str, owner: str) -> str:
    """The tenant rule for a related row, written here alone: the row ``alias`` belongs
    to the account and mode of the row ``owner`` it is read from. (A root's rows are
    its domain's ``owned`` query for ``REQUEST_OWNER``.)"""
    return " AND ".join(f"{alias}.{c} = {owner}.{c}" for c in OwnerScoped.OWNER_COLUMNS)


class NotCompilable(Exception):
    """The operation runs on the resolver path."""


def fragments_of(document: DocumentNode) -> dict[str, FragmentDetails]:
    return {
        d.name.value: FragmentDetails(d)
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }


class Compiler:
    def __init__(
        self,
        *,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: VariableValues,
        form: Form,
        registry: Registry = REGISTRY,
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.variables = variables
        self.form = form
        self.registry = registry
        self.fragments = fragments_of(document)
        self.scopes: set[str] = set()
        self.aliases = 0

    # ------------------------------------------------------------------ roots

    def plan(self) -> Plan:
        if self.operation.operation is not OperationType.QUERY:
            raise NotCompilable("not a query")
        query_type = self.schema.query_type
        assert query_type is not None
        grouped = collect_fields(
            self.schema, self.fragments, self.variables, query_type, self.operation
        ).grouped_field_set
        roots = [self._root(key, details, query_type) for key, details in grouped.items()]
        return Plan(roots=tuple(roots), scopes=frozenset(self.scopes))

    def _root(self, key: str, details: list[FieldDetails], parent: GraphQLObjectType) -> RootPlan:
        self._check(details)
        node = details[0].node
        name = node.name.value
        if name == "__typename":
            return RootPlan(key=key, kind="typename", constant=orjson.dumps(parent.name).decode())
        if name == "node" and self.registry.nodes:
            return self._node_root(key, node, parent, details)
        root = self.registry.roots.get(name)
        field_def = parent.fields.get(name)
        if root is None or field_def is None:
            raise NotCompilable(f"root field {name}")
        self.scopes.add(root.scope)
        if root.spec is None:
            return self._object_root(key, name, node, field_def, root, details)
        return self._connection_root(key, name, node, field_def, root, details)

    def _node_root(
        self, key: str, node: FieldNode, parent: GraphQLObjectType, details: list[FieldDetails]
    ) -> RootPlan:
        """``node(id)``: one object plan per id prefix the registry knows, chosen at run time
        by the id; each needs its own root's scope (and its selection's), checked then. A
        prefix whose selection does not compile is left out: such an id runs on the
        resolvers."""
        field_def = parent.fields["node"]
        if set(field_def.args) != {"id"}:
            raise NotCompilable("node: arguments")
        outer = self.scopes
        variants: dict[str, RootPlan] = {}
        for prefix, name in self.registry.nodes.items():
            root = self.registry.roots.get(name)
            if root is None or root.spec is not None:
                continue
            type_ = self.schema.get_type(root.type_name)
            if not isinstance(type_, GraphQLObjectType):
                continue
            self.scopes = {root.scope}
            try:
                plan = self._object_root(key, name, node, field_def, root, details, type_)
            except NotCompilable:
                continue
            finally:
                scopes, self.scopes = frozenset(self.scopes), outer
            variants[prefix] = replace(plan, scopes=scopes)
        if not variants:
            raise NotCompilable("node: no type compiles")
        return RootPlan(key=key, kind="node", node=node, field_def=field_def, variants=variants)

    def _object_root(
        self,
        key: str,
        name: str,
        node: FieldNode,
        field_def: GraphQLField,
        root: Root,
        details: list[FieldDetails],
        type_: GraphQLObjectType | None = None,
    ) -> RootPlan:
        if set(field_def.args) != {"id"}:
            raise NotCompilable(f"{name}: arguments")
        statement = root.owned(REQUEST_OWNER).where(root.id_column == bindparam("id"))
        compiled = statement.compile(dialect=DIALECT)
        rows = from_format(compiled.string, [Param(name) for name in compiled.positiontup or ()])
        type_ = type_ or self._object_type(field_def)
        table = self._table(type_.name)
        alias = self._alias()
        value = self._object(table, type_, self._subfields(type_, details), alias)
        return RootPlan(
            key=key,
            kind="object",
            template=SQL("SELECT ", value, " FROM (", rows, f") AS {alias}"),
            field_name=name,
            node=node,
            field_def=field_def,
            root=root,
        )

    def _connection_root(
        self,
        key: str,
        name: str,
        node: FieldNode,
        field_def: GraphQLField,
        root: Root,
        details: list[FieldDetails],
    ) -> RootPlan:
        connection = get_named_type(field_def.type)
        if not is_connection(connection) or not isinstance(connection, GraphQLObjectType):
            raise NotCompilable(f"{name}: not a connection")
        if not set(field_def.args) <= PAGE_ARGUMENTS | root.arguments:
            raise NotCompilable(f"{name}: arguments")
        edge_type = self._object_type(connection.fields["edges"])
        node_type = self._object_type(edge_type.fields["node"])
        table = self._table(node_type.name)
        grouped = self._subfields(connection, details)
        cursors: list[str] = []
        total = False

        def cursor_of(alias: str) -> Slot:
            cursors.append(alias)
            return cursor_slot(alias)

        def rows(element: SQL, alias: str) -> SQL:
            source = SQL(f"FROM rows AS {alias} WHERE {alias}._n <= ", FIRST)
            return sql.json_array(element, source, f"{alias}._n")

        def edge_cursor(where: SQL | str) -> SQL:
            alias = self._alias()
            return SQL(
                "(SELECT ", cursor_of(alias), f" FROM rows AS {alias} WHERE {alias}._n = ",
                where, ")",
            )  # fmt: skip

        end_cursor = edge_cursor(SQL("least(k._c, ", FIRST, ")"))
        entries: list[tuple[str, sql.Expr]] = []
        nodes: SQL | None = None
        for out, sub in grouped.items():
            self._check(sub)
            field_name = sub[0].node.name.value
            if field_name == "__typename":
                entries.append((out, sql.json_literal(connection.name)))
            elif field_name == "nodes":
                alias = self._alias()
                fields = self._subfields(node_type, sub)
                nodes = rows(self._object(table, node_type, fields, alias), alias)
                entries.append((out, nodes))
            elif field_name == "edges":
                alias = self._alias()
                edge: list[tuple[str, sql.Expr]] = []
                for edge_key, edge_sub in self._subfields(edge_type, sub).items():
                    self._check(edge_sub)
                    edge_field = edge_sub[0].node.name.value
                    if edge_field == "__typename":
                        edge.append((edge_key, sql.json_literal(edge_type.name)))
                    elif edge_field == "cursor":
                        edge.append((edge_key, SQL("'\"' || ", cursor_of(alias), " || '\"'")))
                    elif edge_field == "node":
                        fields = self._subfields(node_type, edge_sub)
                        value = self._object(table, node_type, fields, alias)
                        edge.append((edge_key, value))
                        if self.form.pages:
                            nodes = rows(value, alias)
                    else:
                        raise NotCompilable(f"edge field {edge_field}")
                entries.append((out, rows(sql.json_object(self._keys(edge)), alias)))
            elif field_name == "pageInfo":
                info_type = self._object_type(connection.fields["pageInfo"])
                info: list[tuple[str, sql.Expr]] = []
                for info_key, info_sub in self._subfields(info_type, sub).items():
                    self._check(info_sub)
                    info_field = info_sub[0].node.name.value
                    if info_field == "__typename":
                        info.append((info_key, sql.json_literal(info_type.name)))
                    elif info_field == "hasNextPage":
                        info.append((info_key, sql.boolean(SQL("k._c > ", FIRST))))
                    elif info_field == "hasPreviousPage":
                        info.append((info_key, sql.boolean(PREVIOUS)))
                    elif info_field == "startCursor":
                        start = edge_cursor("1")
                        info.append((info_key, sql.or_null(SQL("'\"' || ", start, " || '\"'"))))
                    elif info_field == "endCursor":
                        end = SQL("'\"' || ", end_cursor, " || '\"'")
                        info.append((info_key, sql.or_null(end)))
                    else:
                        raise NotCompilable(f"pageInfo field {info_field}")
                entries.append((out, sql.json_object(self._keys(info))))
            elif field_name == "totalCount":
                total = True
                entries.append((out, SQL("(", COUNT, ")::text")))
            else:
                raise NotCompilable(f"connection field {field_name}")
        head = SQL(
            "WITH page AS (", PAGE, "), rows AS (SELECT p.*, row_number() OVER (ORDER BY ",
            ROW_ORDER, ") AS _n FROM page AS p) SELECT ",
        )  # fmt: skip
        tail = " FROM (SELECT count(*) AS _c FROM rows) AS k"
        if self.form.pages:
            if nodes is None:
                raise NotCompilable("a page without its nodes")
            count = SQL("(", COUNT, ")") if total else SQL("NULL::bigint")
            body = SQL(nodes, ", k._c > ", FIRST, ", ", end_cursor, ", ", count)
        else:
            body = sql.json_object(self._keys(entries))
        return RootPlan(
            key=key,
            kind="connection",
            template=SQL(head, body, tail),
            field_name=name,
            node=node,
            field_def=field_def,
            root=root,
            total=total,
            cursor_aliases=tuple(dict.fromkeys(cursors)),
        )

    # ---------------------------------------------------------------- objects

    def _object(
        self,
        table: Table,
        type_: GraphQLObjectType,
        grouped: GroupedFieldSet,
        alias: str,
        json_column: str | None = None,
    ) -> SQL:
        entries: list[tuple[str, sql.Expr]] = []
        for key, details in grouped.items():
            self._check(details)
            name = details[0].node.name.value
            if name == "__typename":
                entries.append((key, sql.json_literal(type_.name)))
                continue
            source = table.fields.get(name)
            field_def = type_.fields.get(name)
            if source is None or field_def is None or field_def.args:
                raise NotCompilable(f"{type_.name}.{name}")
            entries.append((key, self._value(source, field_def, details, alias, json_column)))
        return sql.json_object(self._keys(entries))

    def _value(
        self,
        source: Source,
        field_def: GraphQLField,
        details: list[FieldDetails],
        alias: str,
        json_column: str | None,
    ) -> SQL:
        if isinstance(source, Const):
            return SQL(sql.json_literal(source.value))
        if isinstance(source, Col):
            column = column_sql(source.column, alias)
            if source.kind == "enum":
                enum = get_named_type(field_def.type)
                assert isinstance(enum, GraphQLEnumType)
                return sql.enum(column, enum, by_value=self.form.enum_values)
            writers = {
                "string": sql.string,
                "int": sql.integer,
                "float": sql.number,
                "bool": sql.boolean,
                "datetime": sql.datetime,
                "json": sql.json_value,
                "json_text": sql.json_text,
            }
            return writers[source.kind](column)
        if isinstance(source, JsonKey):
            if json_column is None:
                raise NotCompilable("a JSON key outside a JSON object")
            return sql.string(f"{json_column} ->> {sql.literal(source.key)}")
        type_ = self._object_type(field_def)
        table = self._table(type_.name)
        if isinstance(source, Same):
            inner = None
            if source.json_object is not None:
                inner = f"{alias}.{column_name(source.json_object)}"
            fields = self._subfields(type_, details)
            value = self._object(table, type_, fields, alias, inner)
            present = [f"{alias}.{column_name(c)} IS NOT NULL" for c in source.present]
            if inner is not None:
                present.append(f"jsonb_typeof({inner}) = 'object'")
            if not present:
                return value
            return SQL(f"CASE WHEN {' AND '.join(present)} THEN ", value, " ELSE 'null' END")
        if source.scope is not None:
            self.scopes.add(source.scope)
        child = self._alias()
        value = self._object(table, type_, self._subfields(type_, details), child)
        match = (
            f"FROM {table.table_name} AS {child} WHERE {child}.{column_name(source.remote)} = "
            f"{alias}.{column_name(source.local)}"
        )
        owned = f" AND {owned_by(child, alias)}"
        if isinstance(source, One):
            return sql.or_null(SQL("(SELECT ", value, f" {match}{owned})"))
        if not isinstance(get_nullable_type(field_def.type), GraphQLList):
            raise NotCompilable("a list of rows for a field that is not a list")
        order = ", ".join(f"{child}.{column_name(c)}" for c in source.order_by)
        return sql.json_array(value, match + (owned if source.owned else ""), order)

    # ---------------------------------------------------------------- helpers

    def _keys(self, entries: list[tuple[str, sql.Expr]]) -> list[tuple[str, sql.Expr]]:
        return [(self.form.key(k), v) for k, v in entries]

    def _alias(self) -> str:
        self.aliases += 1
        return f"t{self.aliases}"

    def _table(self, type_name: str) -> Table:
        table = self.registry.tables.get(type_name)
        if table is None:
            raise NotCompilable(f"no table for {type_name}")
        return table

    @staticmethod
    def _object_type(field_def: GraphQLField) -> GraphQLObjectType:
        named = get_named_type(field_def.type)
        if not isinstance(named, GraphQLObjectType):
            raise NotCompilable(f"{named} is not an object type")
        return named

    @staticmethod
    def _check(details: list[FieldDetails]) -> None:
        for item in details:
            if item.defer_usage is not None or item.fragment_variable_values is not None:
                raise NotCompilable("deferred or fragment variables")

    def _subfields(self, type_: GraphQLObjectType, details: list[FieldDetails]) -> GroupedFieldSet:
        return collect_subfields(
            self.schema, self.fragments, self.variables, self.operation, type_, details
        ).grouped_field_set
