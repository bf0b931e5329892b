"""The authentication cache: a key's hash → its principal, for a few seconds.

A request whose key was seen within ``seconds`` opens no transaction to authenticate.
What could make a cached principal wrong (a key revoked, an account's plan or limits
changed) moves the access version (``AccessVersion``, one row) in the same transaction,
and is announced on ``KEYS_CHANNEL`` after the commit that changed it (``{"key": id}`` or
``{"account": id}``). The committing process drops the entries before it answers; every
process listening drops them as the message arrives. Whatever the pub/sub (``memory://``
carries nothing between processes; Redis loses what is said while it is down), each
server reads the version twice a second (``Gate.watch``) and, when it moved, forgets
everything (``seen``). The cache answers only while that reading is recent (``fresh``),
so a key revoked anywhere, by anyone, is refused within a second.

A lookup that raced a drop never stores what it read: ``generation`` moves on every
drop, and ``put`` refuses a principal read before the last one.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass

import orjson
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.access.models import AccessVersion
from stateset_gql.access.principal import Principal
from stateset_gql.db.uow import Notice, notify

KEYS_CHANNEL = "stateset.keys"
DEFAULT_SIZE = 10_000
# How long a reading of the access version vouches for the cache: twice the interval
# between readings (``Gate.watch``), so a slow reading does not empty it.
TRUST_SECONDS = 1.0

_BUMP = update(AccessVersion).where(AccessVersion.id == 1).values(value=AccessVersion.value + 1)
_VERSION = select(AccessVersion.value).where(AccessVersion.id == 1)


async def _move_version(session: AsyncSession) -> None:
    # Called before the change itself, so the version row is the first lock the change
    # takes: two transactions revoking keys never wait on each other in opposite orders.
    moved = await session.execute(_BUMP)
    if getattr(moved, "rowcount", 1) == 0:  # a database made without the migrations
        session.add(AccessVersion(id=1, value=1))
        await session.flush()


async def key_changed(session: AsyncSession, key_id: str) -> None:
    """Before revoking a key: moves the access version in the same transaction; after
    the commit, every process forgets the key."""
    await _move_version(session)
    notify(session, Notice(KEYS_CHANNEL, orjson.dumps({"key": key_id}).decode()))


async def account_changed(session: AsyncSession, account_id: str) -> None:
    """Before changing an account's plan or limits: moves the access version in the same
    transaction; after the commit, every process forgets the account's keys."""
    await _move_version(session)
    notify(session, Notice(KEYS_CHANNEL, orjson.dumps({"account": account_id}).decode()))


async def read_version(session: AsyncSession) -> int:
    """The access version now (0 before anything was revoked or changed)."""
    return int((await session.scalar(_VERSION)) or 0)


def changed(message: str) -> tuple[str | None, str | None] | None:
    """What a message of ``KEYS_CHANNEL`` names: the revoked key's id and the changed
    account's id (either may be None); None for a message that cannot be read."""
    try:
        said = orjson.loads(message)
        key_id, account_id = said.get("key"), said.get("account")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    return (
        key_id if isinstance(key_id, str) else None,
        account_id if isinstance(account_id, str) else None,
    )


@dataclass(frozen=True)
class _Entry:
    principal: Principal
    expires: float


class AuthCache:
    def __init__(
        self, *, seconds: float, size: int = DEFAULT_SIZE, trust_seconds: float = TRUST_SECONDS
    ) -> None:
        self.seconds = seconds
        self.size = size
        self.trust_seconds = trust_seconds
        # The access version last read, and when (monotonic) that reading began.
        self.version: int | None = None
        self.checked = -math.inf
        self.generation = 0
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._by_key: dict[str, str] = {}
        self._by_account: dict[str, set[str]] = {}

    @property
    def enabled(self) -> bool:
        return self.seconds > 0

    def __len__(self) -> int:
        return len(self._entries)

    def fresh(self) -> bool:
        """Whether the version was read lately enough to vouch for what is cached."""
        return time.monotonic() - self.checked <= self.trust_seconds

    def seen(self, version: int, began: float) -> bool:
        """A reading of the access version that began at ``began`` (monotonic); when the
        version moved, everything is forgotten. Whether it moved."""
        moved = version != self.version
        if moved:
            self.clear()
            self.version = version
        self.checked = max(self.checked, began)
        return moved

    def get(self, digest: str) -> Principal | None:
        if not self.enabled or not self.fresh():
            return None
        entry = self._entries.get(digest)
        if entry is None:
            return None
        if entry.expires <= time.monotonic():
            self._remove(digest)
            return None
        return entry.principal

    def put(self, digest: str, principal: Principal, generation: int) -> None:
        """Keep ``principal``, read when the cache was at ``generation``, unless something
        was dropped since."""
        if not self.enabled or generation != self.generation or not self.fresh():
            return
        self._remove(digest)
        self._entries[digest] = _Entry(principal, time.monotonic() + self.seconds)
        self._by_key[principal.key_id] = digest
        self._by_account.setdefault(principal.owner.account_id, set()).add(digest)
        while len(self._entries) > self.size:
            self._remove(next(iter(self._entries)))

    def forget(self, message: str) -> None:
        """Apply a message of ``KEYS_CHANNEL``; one it cannot read empties the cache."""
        self.generation += 1
        named = changed(message)
        if named is None:
            self.clear()
            return
        key_id, account_id = named
        if key_id is not None and key_id in self._by_key:
            self._remove(self._by_key[key_id])
        if account_id is not None:
            for digest in list(self._by_account.get(account_id, ())):
                self._remove(digest)

    def clear(self) -> None:
        """Forget everything (after a reconnect: messages may have been missed)."""
        self.generation += 1
        self._entries.clear()
        self._by_key.clear()
        self._by_account.clear()

    def _remove(self, digest: str) -> None:
        entry = self._entries.pop(digest, None)
        if entry is None:
            return
        principal = entry.principal
        if self._by_key.get(principal.key_id) == digest:
            del self._by_key[principal.key_id]
        digests = self._by_account.get(principal.owner.account_id)
        if digests is not None:
            digests.discard(digest)
            if not digests:
                del self._by_account[principal.owner.account_id]
