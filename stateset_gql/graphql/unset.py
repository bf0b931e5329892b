"""Strawberry's "not given" as the domain's: every ``to_domain`` goes through ``given``."""

from __future__ import annotations

from typing import TypeVar

import strawberry

from stateset_gql.unset import UNSET, Unset

T = TypeVar("T")


def given(value: T) -> T | Unset:
    """``value``, or the domain's ``UNSET`` when the client left the field out."""
    return UNSET if value is strawberry.UNSET else value
