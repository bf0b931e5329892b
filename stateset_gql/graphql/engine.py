"""The engine: executes one GraphQL operation in a context, and nothing else.

The runner owns the transaction around it; the surfaces own reading and rendering.
A client's document is ``check``-ed once, by the pipeline (``pipeline.document``, which
then applies the input boundary), before anything else runs: parsed under the token
limit, measured (``limits``) and validated. Only a document that passed is kept (1,024
of them, least recently used first out), so a hostile document is neither parsed twice
nor remembered. ``execute`` runs what was checked; a document the
server wrote (a REST route's) is parsed and validated once and kept for good, unmeasured.

On PostgreSQL a query first goes to the compiled read engine (``read``, on a pooled
connection of its own: no session); what it cannot answer whole runs on the resolvers
(``execute``), as before. A ``CompiledResult`` says which.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    OperationType,
    execute,
    parse,
    specified_rules,
)
from graphql.utilities import get_operation_ast
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionResult as StrawberryResult

from stateset_gql.access.principal import Principal
from stateset_gql.errors import BadRequest, QueryTooComplex
from stateset_gql.graphql import limits
from stateset_gql.graphql.compiled.execute import CompiledReads
from stateset_gql.graphql.context import Context
from stateset_gql.graphql.internals import core_schema, execution_context_class_kwargs
from stateset_gql.graphql.representation.form import GRAPHQL, Form

if TYPE_CHECKING:
    from stateset_gql.graphql.schema import Schema

CACHED_DOCUMENTS = 1024
RULES = tuple(specified_rules)


@dataclass(frozen=True)
class Checked:
    """A client's document after the limits and validation: the document to run, or
    the errors that refused it; and its cost, as far as it was measured."""

    document: DocumentNode | None
    kind: OperationType | None
    cost: int = 0
    errors: tuple[GraphQLError, ...] = ()


@dataclass(frozen=True)
class Operation:
    query: str
    variables: dict[str, Any] | None = None
    operation_name: str | None = None
    # Set by ``GraphQLEngine.check``; an operation without it runs a server's document.
    checked: Checked | None = None
    # The form a compiled answer is written in: a REST route's is the representation's
    # (snake_case keys, enum values, a list as a ``Page``), as ``to_representation``
    # would write it.
    form: Form = GRAPHQL


@dataclass
class CompiledResult(StrawberryResult):
    """An answer of the compiled read engine: ``data`` holds JSON text to splice in."""


def _extensions(checked: Checked) -> dict[str, Any]:
    return {"cost": {"requested": checked.cost, "limit": limits.MAX_COST}}


def _refused(error: GraphQLError | QueryTooComplex, cost: int = 0) -> Checked:
    if isinstance(error, QueryTooComplex):
        error = GraphQLError(error.message, original_error=error)
    return Checked(document=None, kind=None, cost=cost, errors=(error,))


class GraphQLEngine:
    def __init__(self, schema: Schema, *, compiled: bool = False) -> None:
        self.schema = schema
        self.compiled = CompiledReads(core_schema(schema)) if compiled else None
        self.documents: OrderedDict[str, DocumentNode] = OrderedDict()
        # A checked document's measure, by what it depends on: the operation and the
        # integer variables (only a ``first`` given as a variable reads one).
        self.measures: OrderedDict[tuple[Any, ...], limits.Measure] = OrderedDict()
        self.trusted = lru_cache(maxsize=None)(self.prepare)

    def check(self, operation: Operation) -> Operation:
        """``operation`` with its ``checked`` document. Raises ``BadRequest`` only when the
        operation to run cannot be chosen; every other refusal is in ``checked.errors``."""
        return dataclasses.replace(operation, checked=self._check(operation))

    def _check(self, operation: Operation) -> Checked:
        document = self.documents.get(operation.query)
        cached = document is not None
        if document is None:
            try:
                document = limits.parse_limited(operation.query)
            except (GraphQLError, QueryTooComplex) as error:
                return _refused(error)
        chosen = get_operation_ast(document, operation.operation_name)
        if chosen is None:
            raise BadRequest(
                "Could not choose the operation to run; check 'operationName'",
                param="operationName",
            )
        key = (
            operation.query,
            operation.operation_name,
            *sorted(
                (name, value)
                for name, value in (operation.variables or {}).items()
                if isinstance(value, int) and not isinstance(value, bool)
            ),
        )
        measured = self.measures.get(key) if cached else None
        if measured is None:
            try:
                measured = limits.measure(
                    core_schema(self.schema), document, chosen, operation.variables
                )
            except (GraphQLError, QueryTooComplex) as error:
                return _refused(error)
            try:
                limits.enforce(measured)
            except QueryTooComplex as error:
                return _refused(error, measured.cost)
        if cached:
            self.documents.move_to_end(operation.query)
            self.measures[key] = measured
            self.measures.move_to_end(key)
            if len(self.measures) > CACHED_DOCUMENTS:
                self.measures.popitem(last=False)
        else:
            errors = validate_document(core_schema(self.schema), document, RULES)
            if errors:
                return Checked(None, None, measured.cost, tuple(errors))
            self.documents[operation.query] = document
            if len(self.documents) > CACHED_DOCUMENTS:
                self.documents.popitem(last=False)
        return Checked(document, chosen.operation, measured.cost)

    async def read(
        self, operation: Operation, principal: Principal, reader: AsyncEngine
    ) -> CompiledResult | None:
        """A query answered whole by the compiled read engine on a connection of
        ``reader``'s, or None when the resolvers must answer it (``execute``)."""
        if self.compiled is None:
            return None
        checked = operation.checked or Checked(self.trusted(operation.query), None)
        if checked.document is None:
            return None
        data = await self.compiled.run(
            operation.query,
            checked.document,
            operation.variables,
            operation.operation_name,
            principal,
            reader,
            form=operation.form,
        )
        if data is None:
            return None
        return CompiledResult(data=data, errors=None, extensions=_extensions(checked))

    async def execute(
        self, operation: Operation, context: Context, *, write: bool
    ) -> StrawberryResult:
        """``operation`` on the resolvers, in ``context``'s session."""
        checked = operation.checked or Checked(self.trusted(operation.query), None)
        extensions = _extensions(checked)
        if checked.document is None:
            return StrawberryResult(data=None, errors=list(checked.errors), extensions=extensions)
        result = await self._run(
            checked.document, operation.variables, context, operation.operation_name
        )
        return StrawberryResult(data=result.data, errors=result.errors, extensions=extensions)

    def prepare(self, query: str, schema: GraphQLSchema | None = None) -> DocumentNode:
        """Parse and validate a document the server wrote, once."""
        document = parse(query)
        errors = validate_document(schema or core_schema(self.schema), document, RULES)
        if errors:
            raise ValueError(f"invalid server document: {errors[0].message}")
        return document

    async def execute_trusted(
        self,
        document: DocumentNode,
        variables: dict[str, Any],
        context: Context,
        *,
        schema: GraphQLSchema | None = None,
        root: Any = None,
    ) -> ExecutionResult:
        """``schema`` and ``root``: a selection executed on one object, as its own root."""
        return await self._run(document, variables, context, schema=schema, root=root)

    async def _run(
        self,
        document: DocumentNode,
        variables: dict[str, Any] | None,
        context: Context,
        operation_name: str | None = None,
        *,
        schema: GraphQLSchema | None = None,
        root: Any = None,
    ) -> ExecutionResult:
        try:
            result = execute(
                schema or core_schema(self.schema),
                document,
                root_value=root,
                variable_values=variables,
                context_value=context,
                operation_name=operation_name,
                **execution_context_class_kwargs(self.schema.execution_context_class),
            )
            if isinstance(result, ExecutionResult):
                return result
            awaited: ExecutionResult = await result
        except GraphQLError as error:
            return ExecutionResult(data=None, errors=[error])
        return awaited
