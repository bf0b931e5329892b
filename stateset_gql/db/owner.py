"""The tenant rule: every row belongs to one account and one mode, and a query sees only
its owner's rows.

The rule is written here once, as ``owned_by`` on the ``OwnerScoped`` mixin, and every
query of an owned table says it that way: a new table or query cannot spell it slightly
differently (or forget the mode).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import ColumnElement, Select, and_, bindparam, select, tuple_

if TYPE_CHECKING:
    from sqlalchemy.orm import Mapped


@dataclass(frozen=True)
class Owner:
    """Every object belongs to one account and one mode; queries are always scoped by it."""

    account_id: str
    livemode: bool

    def params(self) -> dict[str, Any]:
        """The bind parameters of ``OwnerScoped.owned_by_params``."""
        return {"owner_account": self.account_id, "owner_livemode": self.livemode}


class OwnerScoped:
    """A table whose rows carry ``account_id`` and ``livemode`` (declared by the table
    itself: some make them the primary key)."""

    # The columns that say whose a row is: SQL written by hand (the compiled reads)
    # matches rows on these, as ``same_owner_as`` does.
    OWNER_COLUMNS = ("account_id", "livemode")

    # Declared for the type checker only: at run time the mapped class has them, and a
    # mixin annotation would make the declarative base add columns of its own.
    if TYPE_CHECKING:
        account_id: Mapped[str]
        livemode: Mapped[bool]

    @property
    def owner(self) -> Owner:
        """The owner of this row."""
        return Owner(self.account_id, self.livemode)

    @classmethod
    def owned_by(cls, owner: Owner) -> ColumnElement[bool]:
        """The condition a row of ``owner`` meets."""
        return and_(cls.account_id == owner.account_id, cls.livemode == owner.livemode)

    @classmethod
    def owned_by_any(cls, owners: Collection[Owner]) -> ColumnElement[bool]:
        """The condition a row of any of ``owners`` meets."""
        keys = [(owner.account_id, owner.livemode) for owner in owners]
        return tuple_(cls.account_id, cls.livemode).in_(keys)

    @classmethod
    def owned_by_params(cls) -> ColumnElement[bool]:
        """``owned_by`` with the owner left to bind (``Owner.params``), for a statement
        built once and run for any owner."""
        return and_(
            cls.account_id == bindparam("owner_account"),
            cls.livemode == bindparam("owner_livemode"),
        )

    @classmethod
    def same_owner_as(cls, other: type[OwnerScoped]) -> ColumnElement[bool]:
        """Joins two owned tables row to row of one owner."""
        return and_(*(getattr(cls, c) == getattr(other, c) for c in cls.OWNER_COLUMNS))

    @classmethod
    def select_owned(cls, owner: Owner) -> Select[Self]:
        """Every row of ``owner``."""
        return select(cls).where(cls.owned_by(owner))
