"""The engine: executes one GraphQL operation in a context, and nothing else.

The runner owns the transaction around it; the surfaces own parsing and rendering.
``execute`` takes a client's document (parsed, validated and limited by the schema's
extensions); ``execute_trusted`` takes a document the server wrote and validated once
(the REST representation), with none of that per-call work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    execute,
    parse,
    validate,
)
from strawberry.schema._graphql_core import execution_context_class_kwargs
from strawberry.types import ExecutionResult as StrawberryResult
from strawberry.types.graphql import OperationType

from stateset_gql.graphql.context import Context
from stateset_gql.graphql.schema import Schema

QUERY_ONLY = (OperationType.QUERY,)
QUERY_OR_MUTATION = (OperationType.QUERY, OperationType.MUTATION)


@dataclass(frozen=True)
class Operation:
    query: str
    variables: dict[str, Any] | None = None
    operation_name: str | None = None


class GraphQLEngine:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema

    async def execute(
        self, operation: Operation, context: Context, *, write: bool
    ) -> StrawberryResult:
        allowed: Iterable[OperationType] = QUERY_OR_MUTATION if write else QUERY_ONLY
        return await self.schema.execute(
            operation.query,
            variable_values=operation.variables,
            context_value=context,
            operation_name=operation.operation_name,
            allowed_operation_types=allowed,
        )

    def prepare(self, query: str, schema: GraphQLSchema | None = None) -> DocumentNode:
        """Parse and validate a document the server wrote, once."""
        document = parse(query)
        errors = validate(schema or self.schema._schema, document)
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
        result = execute(
            schema or self.schema._schema,
            document,
            root_value=root,
            variable_values=variables,
            context_value=context,
            **execution_context_class_kwargs(self.schema.execution_context_class),
        )
        if isinstance(result, ExecutionResult):
            return result
        awaited: ExecutionResult = await result
        return awaited


def first_error(result: ExecutionResult) -> GraphQLError | None:
    return result.errors[0] if result.errors else None
