"""The representation's selection answered straight from rows, without executing it.

``graphql.render`` executes the representation's selection (``representation.selection``)
on an object; every write renders that way several times (the object for its event and
its answer, each stock item before and after a move, each event to publish), and the
GraphQL engine is most of that work. Yet every field a representation carries is declared
by its type's ``Table``: a column read as ``Mapped.from_model`` reads it, an object of the
same row, or a relation (``One``/``Many``) loaded by its declaration. So the answer is
known without a resolver: each value completed by its GraphQL type as the executor
completes it (a leaf by its ``serialize``, a list item by item, an object field by field),
the related rows of every subject loaded together, one statement a relation and level.

``Plan.of`` walks the same ``carried`` fields the selection names, in the same order, so
the answer is the dict executing the selection would give, key for key. A field that
only its own resolver can answer makes ``Plan.of`` return None, and the caller executes
the selection instead. ``tests/test_direct_render.py`` compares both for every kind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
)
from strawberry.types.field import StrawberryField

from stateset_gql.graphql.compiled.mapping import REGISTRY, Many, One
from stateset_gql.graphql.loaders import Loaders
from stateset_gql.graphql.objects import Mapped, relation_of
from stateset_gql.graphql.representation.selection import carried

# A value of a field as the executor completes it.
Complete = Callable[[Any, "_Build"], Any]


@dataclass(frozen=True)
class _Related:
    """A relation field of one answer still to fill: ``into[name]`` gets the row (or
    rows) of ``source`` under ``key``, answered by ``plan``."""

    into: dict[str, Any]
    name: str
    source: One | Many
    key: Any
    plan: Plan


@dataclass
class _Build:
    """One owner's answers in the making: the loaders of that owner's rows, and the
    relations still to load."""

    loaders: Loaders
    waiting: list[_Related] = field(default_factory=list)


@dataclass(frozen=True)
class _Field:
    name: str  # the GraphQL name, the answer's key
    attribute: str  # the Strawberry object's attribute holding the value
    complete: Complete | None  # None: a relation
    relation: tuple[One | Many, str, Plan] | None = None  # source, the key's attribute, plan


_FILLING: set[str] = set()


class Plan:
    """How one object type's answer is built from its Strawberry object."""

    _made: ClassVar[dict[str, Plan | None]] = {}

    def __init__(self, type_: GraphQLObjectType, cls: type[Mapped]) -> None:
        self.type_ = type_
        self.cls = cls
        self.fields: list[_Field] = []

    @classmethod
    def of(cls, type_: GraphQLObjectType) -> Plan | None:
        """The plan of ``type_``, or None when a field it carries needs its resolver (or
        the type contains itself)."""
        if type_.name not in cls._made:
            mapped = _mapped_class(type_)
            if mapped is None or type_.name not in REGISTRY.tables or type_.name in _FILLING:
                return None
            plan = cls(type_, mapped)
            _FILLING.add(type_.name)
            try:
                cls._made[type_.name] = plan if plan._fill() else None
            finally:
                _FILLING.discard(type_.name)
        return cls._made[type_.name]

    def _fill(self) -> bool:
        for name, graphql_field in carried(self.type_).items():
            definition = graphql_field.extensions.get("strawberry-definition")
            if not isinstance(definition, StrawberryField):
                return False
            related = relation_of(self.cls, name)
            if related is not None:
                source, local, _target = related
                target_type = _object_type(graphql_field.type)
                target_plan = Plan.of(target_type) if target_type is not None else None
                if target_plan is None:
                    return False
                self.fields.append(_Field(name, definition.python_name, None,
                                          (source, local, target_plan)))  # fmt: skip
                continue
            if definition.base_resolver is not None:
                return False  # its own resolver: only executing answers it
            complete = _completer(graphql_field.type)
            if complete is None:
                return False
            self.fields.append(_Field(name, definition.python_name, complete))
        return True

    def build(self, obj: Any, build: _Build) -> dict[str, Any]:
        """``obj``'s answer; its relations are left in ``build.waiting`` to load."""
        answer: dict[str, Any] = {}
        for field_ in self.fields:
            if field_.complete is not None:
                answer[field_.name] = field_.complete(getattr(obj, field_.attribute), build)
                continue
            assert field_.relation is not None
            source, local, plan = field_.relation
            key = getattr(obj, local)
            answer[field_.name] = [] if isinstance(source, Many) else None
            if key is not None:
                build.waiting.append(_Related(answer, field_.name, source, key, plan))
        return answer


def _mapped_class(type_: GraphQLObjectType) -> type[Mapped] | None:
    definition = type_.extensions.get("strawberry-definition")
    origin = getattr(definition, "origin", None)
    return origin if isinstance(origin, type) and issubclass(origin, Mapped) else None


def _object_type(type_: GraphQLOutputType) -> GraphQLObjectType | None:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_ if isinstance(type_, GraphQLObjectType) else None


def _completer(type_: GraphQLOutputType) -> Complete | None:
    """Completes a value of ``type_`` as the executor does; None if it cannot here."""
    if isinstance(type_, GraphQLNonNull):
        inner = _completer(type_.of_type)
        if inner is None:
            return None

        def non_null(value: Any, build: _Build) -> Any:
            if value is None:
                raise ValueError(f"null for a non-null {type_}")
            return inner(value, build)

        return non_null
    if isinstance(type_, GraphQLList):
        item = _completer(type_.of_type)
        if item is None:
            return None
        return lambda value, build: None if value is None else [item(v, build) for v in value]
    if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
        serialize = type_.serialize
        return lambda value, _build: None if value is None else serialize(value)
    if isinstance(type_, GraphQLObjectType):
        plan = Plan.of(type_)
        if plan is None:
            return None
        return lambda value, build: None if value is None else plan.build(value, build)
    return None


async def answers(items: Sequence[tuple[Plan, Any, Loaders]]) -> list[dict[str, Any]]:
    """Each object's answer by its plan (``Loaders``: those of the object's owner), the
    related rows loaded level by level: one statement a relation, level and owner."""
    builds: dict[int, _Build] = {}
    made = []
    for plan, obj, loaders in items:
        build = builds.setdefault(id(loaders), _Build(loaders))
        made.append(plan.build(obj, build))
    while any(build.waiting for build in builds.values()):
        for build in builds.values():
            waiting, build.waiting = build.waiting, []
            by_source: dict[One | Many, list[_Related]] = {}
            for related in waiting:
                by_source.setdefault(related.source, []).append(related)
            for source, relations in by_source.items():
                keys = list(dict.fromkeys(related.key for related in relations))
                rows = await build.loaders.load(source, keys)
                loaded = dict(zip(keys, rows, strict=True))
                for related in relations:
                    found = loaded[related.key]
                    plan = related.plan
                    if isinstance(source, Many):
                        answer: Any = [plan.build(plan.cls.from_model(r), build) for r in found]
                    else:
                        answer = (
                            None if found is None else plan.build(plan.cls.from_model(found), build)
                        )
                    related.into[related.name] = answer
    return made
