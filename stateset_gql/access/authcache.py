"""The authentication cache: a key's hash → its principal, for a few seconds.

A request whose key was seen within ``seconds`` opens no transaction to authenticate.
What could make a cached principal wrong is announced on ``KEYS_CHANNEL`` after the
commit that changed it: a key revoked (``{"key": id}``) or an account's plan or limits
changed (``{"account": id}``). The committing process drops the entries before it
answers; every process drops them as the message arrives. On ``memory://`` the command
line reaches no server, and on Redis a message can be lost while the connection is down:
the TTL bounds how long a server may still accept the key (and while the process's
subscription is not answering, ``live`` is false and nothing is served from the cache at
all).

A lookup that raced a drop never stores what it read: ``generation`` moves on every
drop, and ``put`` refuses a principal read before the last one.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.access.principal import Principal
from stateset_gql.db.uow import Notice, notify

KEYS_CHANNEL = "stateset.keys"
DEFAULT_SIZE = 10_000


def key_changed(session: AsyncSession, key_id: str) -> None:
    """After commit, every process forgets the key (revoked)."""
    notify(session, Notice(KEYS_CHANNEL, orjson.dumps({"key": key_id}).decode()))


def account_changed(session: AsyncSession, account_id: str) -> None:
    """After commit, every process forgets the account's keys (plan, limits)."""
    notify(session, Notice(KEYS_CHANNEL, orjson.dumps({"account": account_id}).decode()))


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
    def __init__(self, *, seconds: float, size: int = DEFAULT_SIZE) -> None:
        self.seconds = seconds
        self.size = size
        # Whether invalidations are being heard (the app points it at its subscription).
        self.live: Callable[[], bool] = lambda: True
        self.generation = 0
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._by_key: dict[str, str] = {}
        self._by_account: dict[str, set[str]] = {}

    @property
    def enabled(self) -> bool:
        return self.seconds > 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, digest: str) -> Principal | None:
        if not self.enabled or not self.live():
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
        if not self.enabled or generation != self.generation or not self.live():
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
