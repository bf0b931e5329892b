"""Filter inputs: one per kind of field, each with the nine operators plus ``_ilike``.

A resource's ``where`` input is generated from its domain's ``ListSpec`` by
``where_input``: one of these filters per filterable field, plus ``_and/_or/_not``.
``where_tree`` turns any such input into the plain tree ``db.listing`` compiles.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, Generic, TypeVar

import strawberry
from strawberry.types.base import has_object_definition
from strawberry.types.unset import UnsetType

from stateset_gql.db.listing import ListSpec
from stateset_gql.graphql.scalars import DateOrDateTime

E = TypeVar("E")
W = TypeVar("W")


def op(name: str) -> Any:
    return strawberry.field(name=name, default=strawberry.UNSET)


@strawberry.input(description="Text comparisons. `_like` is case-sensitive; `_ilike` is not.")
class StringFilter:
    eq: str | None = op("_eq")
    ne: str | None = op("_ne")
    gt: str | None = op("_gt")
    gte: str | None = op("_gte")
    lt: str | None = op("_lt")
    lte: str | None = op("_lte")
    in_: list[str] | None = op("_in")
    like: str | None = op("_like")
    ilike: str | None = op("_ilike")
    between: list[str] | None = op("_between")


@strawberry.input(description="Id comparisons.")
class IDFilter:
    eq: strawberry.ID | None = op("_eq")
    ne: strawberry.ID | None = op("_ne")
    gt: strawberry.ID | None = op("_gt")
    gte: strawberry.ID | None = op("_gte")
    lt: strawberry.ID | None = op("_lt")
    lte: strawberry.ID | None = op("_lte")
    in_: list[strawberry.ID] | None = op("_in")
    like: str | None = op("_like")
    ilike: str | None = op("_ilike")
    between: list[strawberry.ID] | None = op("_between")


@strawberry.input(description="Integer comparisons (money is in minor units).")
class IntFilter:
    eq: int | None = op("_eq")
    ne: int | None = op("_ne")
    gt: int | None = op("_gt")
    gte: int | None = op("_gte")
    lt: int | None = op("_lt")
    lte: int | None = op("_lte")
    in_: list[int] | None = op("_in")
    between: list[int] | None = op("_between")


@strawberry.input(description="Time comparisons; a date alone means that whole UTC day.")
class DateTimeFilter:
    eq: DateOrDateTime | None = op("_eq")
    ne: DateOrDateTime | None = op("_ne")
    gt: DateOrDateTime | None = op("_gt")
    gte: DateOrDateTime | None = op("_gte")
    lt: DateOrDateTime | None = op("_lt")
    lte: DateOrDateTime | None = op("_lte")
    in_: list[DateOrDateTime] | None = op("_in")
    between: list[DateOrDateTime] | None = op("_between")


@strawberry.input(description="Boolean comparisons.")
class BooleanFilter:
    eq: bool | None = op("_eq")
    ne: bool | None = op("_ne")


@strawberry.input(description="Comparisons of one enum.")
class EnumFilter(Generic[E]):
    eq: E | None = op("_eq")
    ne: E | None = op("_ne")
    in_: list[E] | None = op("_in")


_FILTERS: dict[str, Any] = {
    "string": StringFilter,
    "id": IDFilter,
    "int": IntFilter,
    "datetime": DateTimeFilter,
    "bool": BooleanFilter,
}


def _filter_type(kind: str, enum: type[Enum] | None) -> Any:
    return _FILTERS[kind] if enum is None else EnumFilter[enum]  # type: ignore[valid-type]


def where_input(
    spec: ListSpec, *, enums: Mapping[str, type[Enum]] | None = None
) -> Callable[[type[W]], type[W]]:
    """Makes the decorated (empty) class the ``where`` input of ``spec``, so a list filters
    by exactly the fields its domain declares. ``enums`` gives each enum field its
    GraphQL enum."""
    enums = dict(enums or {})
    enum_fields = {n for n, item in spec.fields.items() if item.kind == "enum" and item.filterable}
    if set(enums) != enum_fields:
        raise ValueError(f"enums must name exactly the enum fields: {sorted(enum_fields)}")

    def build(cls: type[W]) -> type[W]:
        annotations: dict[str, Any] = {}
        for name, item in spec.fields.items():
            if item.filterable:
                annotations[name] = _filter_type(item.kind, enums.get(name)) | None
                setattr(cls, name, strawberry.UNSET)
        nested: Any = cls
        for attr, name, type_ in (
            ("and_", "_and", list[nested]),
            ("or_", "_or", list[nested]),
            ("not_", "_not", nested),
        ):
            annotations[attr] = type_ | None
            setattr(cls, attr, strawberry.field(name=name, default=strawberry.UNSET))
        cls.__annotations__ = annotations
        return strawberry.input(cls)

    return build


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if has_object_definition(value):
        return where_tree(value)
    return value


def where_tree(where: Any) -> dict[str, Any]:
    """``CustomerWhere(email=StringFilter(like="%x"), and_=[...])`` → plain dict tree."""
    tree: dict[str, Any] = {}
    for item in dataclasses.fields(where):
        value = getattr(where, item.name)
        if value is None or isinstance(value, UnsetType):
            continue
        key = item.name.rstrip("_")
        if key in ("and", "or"):
            tree[key] = [where_tree(sub) for sub in value]
        elif key == "not":
            tree[key] = where_tree(value)
        else:
            tree[key] = {
                sub.name.rstrip("_"): _plain(getattr(value, sub.name))
                for sub in dataclasses.fields(value)
                if not isinstance(getattr(value, sub.name), UnsetType | None)
            }
    return tree
