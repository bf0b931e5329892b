"""The unit of work: one transaction, and the events its changes emit (the outbox).

Services record changes through ``uow.session`` and announce them with ``uow.emit``;
they never commit. An event names its *subject* (``Subject("order", id)``), not a body:
the body is the object's one representation (what ``GET /v1/<resource>/{id}`` answers),
rendered by the ``Renderer`` the caller gives the unit of work, at commit, in the same
transaction. A service that changes an object takes ``await uow.snapshot(subject)``
first; ``previous_attributes`` is then the snapshot's fields that differ from the
object after that change: the next snapshot of the same subject, or the final render.

The caller commits once, and ``commit`` writes the events first, in the same
transaction, so no change is ever without its event and no event without its change.
Their ``sequence`` comes from the owner's event counter row, locked last, after every
other lock the transaction takes, and held to the end, which keeps lock order fixed and
makes ``sequence`` follow commit order. On PostgreSQL the database takes it at commit
(a deferred trigger numbers the transaction's events as it commits, migration 0008), so
the row is held for the commit alone and the events are written unnumbered (the outbox
reads their numbers back); on SQLite, whose writers the database serializes, the last
statement takes it.

The rows every writer of a product wants (its stock) are touched last: a service that
moves stock defers the move (``settle_last``), and ``commit`` renders what it can first,
then settles (the hot rows locked, changed, their events rendered), numbers and writes
the events and commits at once — the hot rows are held for those statements alone, not
for the rest of the request's Python. ``hot_locked_for`` says how long they were held.

A change that other processes must hear of but that is no event (a key revoked, an
account's plan changed: their cached principals) leaves a ``Notice`` on the session
(``notify``); whoever commits takes them (``take_notices``) and announces them after the
commit. A rollback drops them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from stateset_gql.db.base import utcnow
from stateset_gql.db.owner import Owner
from stateset_gql.events.models import Event, EventCounter
from stateset_gql.ids import new_id


@dataclass(frozen=True)
class Subject:
    """What an event is about: a resource kind (``order``, ``customer``...) and its id;
    ``row``, when the caller holds it, spares the renderer a lookup."""

    kind: str
    id: str
    owner: Owner
    row: Any = field(default=None, compare=False, repr=False)


# Renders subjects as their one representation, in the unit of work's transaction.
Renderer = Callable[[AsyncSession, Sequence[Subject]], Awaitable[list[dict[str, Any]]]]

# Takes ``count`` sequence numbers of an owner's counter; built once.
_COUNT_EVENTS = (
    update(EventCounter)
    .where(EventCounter.owned_by_params())
    .values(value=EventCounter.value + bindparam("count"))
    .returning(EventCounter.value)
)

# The events' INSERT in one statement (PostgreSQL), without their ``sequence``: the
# database numbers them at commit (migration 0008's deferred trigger takes the owner's
# counter then), in the order inserted. ``data`` is the text ``json.dumps`` wrote, kept
# verbatim by ``json_to_recordset`` (plain JSON, not JSONB).
_INSERT_EVENTS = text(
    """
    INSERT INTO events
        (id, account_id, livemode, type, created, data, object_id, request_id,
         idempotency_key)
    SELECT e.id, CAST(:owner_account AS varchar), CAST(:owner_livemode AS boolean),
        e.type, e.created, e.data, e.object_id, CAST(:request_id AS varchar),
        CAST(:idempotency_key AS varchar)
    FROM json_to_recordset(CAST(:events AS json))
        AS e(id varchar, position bigint, type varchar, created timestamptz, data json,
             object_id varchar)
    ORDER BY e.position
    """
)

# Fields every change touches: never reported as a previous attribute.
ALWAYS_CHANGED = frozenset({"updated"})


@dataclass(frozen=True)
class Notice:
    """A message to publish on ``channel`` once the transaction has committed."""

    channel: str
    message: str


_NOTICES = "stateset.notices"


def notify(session: AsyncSession | Session, notice: Notice) -> None:
    """Announce ``notice`` after the session's transaction commits."""
    session.info.setdefault(_NOTICES, []).append(notice)


def take_notices(session: AsyncSession | Session) -> list[Notice]:
    """The notices left since the last take: the committer's to announce."""
    notices: list[Notice] = session.info.pop(_NOTICES, [])
    return notices


def event_subject(event: Event) -> Subject:
    return Subject("event", event.id, event.owner, event)


@dataclass
class PendingEvent:
    subject: Subject
    type: str
    created: datetime
    before: dict[str, Any] | None
    # The body when it is not the subject as of commit (a deleted object, as it was).
    rendered: dict[str, Any] | None = None


def previous_attributes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields that changed, as they were."""
    return {k: v for k, v in before.items() if k not in ALWAYS_CHANGED and after.get(k) != v}


# Work on the hot rows, run by ``settle``.
Settlement = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Mark:
    """How far a unit of work had come (``UnitOfWork.mark``): what to forget when the
    changes since are rolled back to a savepoint."""

    pending: int
    settlements: int
    taken: dict[Subject, int]
    notices: int


class Unsettled(Exception):
    """A deferred move failed at settlement: ``error`` (a domain error, say 409 for stock
    no longer there) of the root field ``field`` that deferred it, in the ``operation``
    running then (a batch's index; None outside a batch)."""

    def __init__(self, field: Any, error: Exception, operation: Any = None) -> None:
        super().__init__(str(error))
        self.field = field
        self.error = error
        self.operation = operation


@dataclass
class UnitOfWork:
    session: AsyncSession
    render: Renderer | None = None
    request_id: str | None = None
    idempotency_key: str | None = None
    pending: list[PendingEvent] = field(default_factory=list)
    # Who a deferred move belongs to, as the caller names it (the root field running now:
    # the runner answers a failed move as that field's error).
    current_field: Any = None
    # Which of several operations sharing this unit of work runs now (an atomic batch's
    # index), named to a deferred move's failure likewise.
    current_operation: Any = None
    # Seconds the hot rows were held, from their lock to the commit (None: none locked),
    # and the account's event counter likewise.
    hot_locked_for: float | None = None
    counter_locked_for: float | None = None
    _taken: dict[Subject, list[dict[str, Any]]] = field(default_factory=dict)
    _settlements: list[tuple[Any, Any, Settlement]] = field(default_factory=list)
    _hot_since: float | None = None
    _counter_since: float | None = None
    _counter_at_commit: bool = False

    def mark(self) -> Mark:
        """Where the unit of work stands, for ``rewind``."""
        return Mark(
            pending=len(self.pending),
            settlements=len(self._settlements),
            taken={subject: len(bodies) for subject, bodies in self._taken.items()},
            notices=len(self.session.info.get(_NOTICES, ())),
        )

    def rewind(self, mark: Mark) -> None:
        """Forgets the events, deferred moves, snapshots and notices announced since
        ``mark``: the caller rolled their changes back (to a savepoint taken with it)."""
        del self.pending[mark.pending :]
        del self._settlements[mark.settlements :]
        for subject in list(self._taken):
            kept = mark.taken.get(subject, 0)
            if kept:
                del self._taken[subject][kept:]
            else:
                del self._taken[subject]
        notices = self.session.info.get(_NOTICES)
        if notices is not None:
            del notices[mark.notices :]

    def settle_last(self, settlement: Settlement) -> None:
        """Run ``settlement`` at commit, after everything else the request does."""
        self._settlements.append((self.current_field, self.current_operation, settlement))

    def hot_rows_locked(self) -> None:
        """The transaction now holds a hot row's lock (kept until it ends)."""
        if self._hot_since is None:
            self._hot_since = time.perf_counter()

    async def settle(self) -> None:
        """Runs the deferred moves, in order; ``Unsettled`` names the field whose failed.
        The events announced so far are rendered first, outside the hot rows' locks."""
        if not self._settlements:
            return
        await self._prerender()
        settlements, self._settlements = self._settlements, []
        for field_name, operation, settlement in settlements:
            try:
                await settlement()
            except Exception as exc:
                raise Unsettled(field_name, exc, operation) from exc

    async def _prerender(self) -> None:
        """Each pending event's object as of now, for subjects no settlement touches."""
        waiting = [p for p in self.pending if p.rendered is None]
        subjects = list(dict.fromkeys(p.subject for p in waiting))
        if not subjects:
            return
        final = dict(zip(subjects, await self._render(subjects), strict=True))
        for pending in waiting:
            pending.rendered = final[pending.subject]

    async def _render(self, subjects: Sequence[Subject]) -> list[dict[str, Any]]:
        if self.render is None:
            raise RuntimeError("this unit of work was made without a renderer")
        await self.session.flush()
        return await self.render(self.session, subjects)

    async def snapshot(self, subject: Subject) -> dict[str, Any]:
        """The subject's representation now: take it before changing the subject."""
        return (await self.snapshots([subject]))[0]

    async def snapshots(self, subjects: Sequence[Subject]) -> list[dict[str, Any]]:
        """Several snapshots in one render."""
        taken = await self._render(subjects)
        for subject, body in zip(subjects, taken, strict=True):
            self._taken.setdefault(subject, []).append(body)
        return taken

    def _after(self, pending: PendingEvent, final: dict[str, Any]) -> dict[str, Any]:
        """The subject as the change announced by ``pending`` left it: the snapshot taken
        after its ``before`` (by a later change), else the subject as of commit. Events
        that share one ``before`` (two facts of one change) share their ``after``."""
        taken = self._taken.get(pending.subject, [])
        for index, body in enumerate(taken[:-1]):
            if body is pending.before:
                return taken[index + 1]
        return final

    def emit(
        self,
        type: str,
        subject: Subject,
        *,
        before: dict[str, Any] | None = None,
        rendered: dict[str, Any] | None = None,
    ) -> None:
        """Announce a change of ``subject``; ``before`` is its snapshot before the change
        (None for a new object: no ``previous_attributes``)."""
        self.pending.append(
            PendingEvent(
                subject=subject, type=type, created=utcnow(), before=before, rendered=rendered
            )
        )

    async def _bodies(self) -> list[dict[str, Any]]:
        """Each pending event's ``data``: the object as of commit, and what it was."""
        subjects = list(dict.fromkeys(p.subject for p in self.pending if p.rendered is None))
        final = dict(zip(subjects, await self._render(subjects), strict=True)) if subjects else {}
        bodies: list[dict[str, Any]] = []
        for pending in self.pending:
            obj = pending.rendered if pending.rendered is not None else final[pending.subject]
            data: dict[str, Any] = {"object": obj}
            if pending.before is not None:
                after = self._after(pending, obj)
                data["previous_attributes"] = previous_attributes(pending.before, after)
            bodies.append(data)
        return bodies

    async def write_events(self) -> list[Event]:
        if not self.pending:
            return []
        bodies = await self._bodies()
        written: list[Event] = []
        owners = sorted(
            {p.subject.owner for p in self.pending}, key=lambda o: (o.account_id, o.livemode)
        )
        for owner in owners:
            batch = [
                (p, body) for p, body in zip(self.pending, bodies, strict=True)
                if p.subject.owner == owner
            ]  # fmt: skip
            made = [
                Event(
                    id=new_id("evt"),
                    account_id=owner.account_id,
                    livemode=owner.livemode,
                    type=pending.type,
                    created=pending.created,
                    data=body,
                    object_id=pending.subject.id,
                    request_id=self.request_id,
                    idempotency_key=self.idempotency_key,
                )
                for pending, body in batch
            ]
            if self._numbered_at_commit():
                self._counter_at_commit = True
                if self._in_one_statement():
                    await self._insert(owner, made)
                else:
                    self.session.add_all(made)
            else:
                await self._count(owner, made)
                self.session.add_all(made)
            written.extend(made)
        self.pending.clear()
        self._taken.clear()
        return written

    def _counter_locked(self) -> None:
        if self._counter_since is None:
            self._counter_since = time.perf_counter()

    def _numbered_at_commit(self) -> bool:
        """PostgreSQL numbers events as the transaction commits (a deferred trigger);
        SQLite, whose writers the database serializes, in the transaction."""
        return self.session.get_bind().dialect.name == "postgresql"

    def _in_one_statement(self) -> bool:
        """PostgreSQL, with the JSON columns written as ``json.dumps`` writes them."""
        dialect = self.session.get_bind().dialect
        return dialect.name == "postgresql" and getattr(dialect, "_json_serializer", 0) is None

    async def _count(self, owner: Owner, events: list[Event]) -> None:
        """Takes the events' sequence numbers from the owner's counter."""
        self._counter_locked()
        last = (
            await self.session.execute(_COUNT_EVENTS, {**owner.params(), "count": len(events)})
        ).scalar_one()
        for offset, event in enumerate(events):
            event.sequence = last - len(events) + 1 + offset

    async def _insert(self, owner: Owner, events: list[Event]) -> None:
        """The events' INSERT in one statement, one round trip, for the commit to number."""
        rows = [
            {"id": e.id, "position": n, "type": e.type, "created": e.created.isoformat(),
             "data": e.data, "object_id": e.object_id}
            for n, e in enumerate(events, start=1)
        ]  # fmt: skip
        params = {
            **owner.params(), "request_id": self.request_id,
            "idempotency_key": self.idempotency_key, "events": json.dumps(rows),
        }  # fmt: skip
        await self.session.execute(_INSERT_EVENTS, params)

    async def commit(self) -> list[Event]:
        """Settle, write the events and commit; returns the events now committed."""
        await self.settle()
        events = await self.write_events()
        if self._counter_at_commit:
            # The counter is taken by the commit itself: held for its round trip at most.
            self._counter_locked()
        await self.session.commit()
        done = time.perf_counter()
        if self._hot_since is not None:
            self.hot_locked_for, self._hot_since = done - self._hot_since, None
        if self._counter_since is not None:
            self.counter_locked_for, self._counter_since = done - self._counter_since, None
        self._counter_at_commit = False
        return events

    async def rollback(self) -> None:
        self.pending.clear()
        self._taken.clear()
        self._settlements.clear()
        self._hot_since = self._counter_since = None
        self._counter_at_commit = False
        take_notices(self.session)
        if self.session.in_transaction():  # a read answered without it has nothing to undo
            await self.session.rollback()
