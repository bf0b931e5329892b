"""``UNSET``: a field the caller did not send, as opposed to one sent as null.

Service inputs type such a field ``str | Unset | None``; ``value is UNSET`` (or
``isinstance(value, Unset)``) narrows it, because ``Unset`` has one member only. The API
layers translate their own "not given" (``strawberry.UNSET``) into this one.
"""

from __future__ import annotations

import enum
from typing import Final, Literal


class Unset(enum.Enum):
    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> Literal[False]:
        return False


UNSET: Final = Unset.UNSET
