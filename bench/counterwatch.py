"""How much of a run the event counters are held, and how many writers queue for
them, sampled from PostgreSQL.

Every write of an account updates its ``event_counters`` row and keeps it until its
commit; the next writer waits. While a transaction holds the row, the row's committed
version carries that transaction's id as its ``xmax``, and the transaction is running
(``pg_stat_activity.backend_xid``): so a counter is *held* when its ``xmax`` is the id of
a running transaction. One that waits for the row has the table's ``RowExclusiveLock``
and a lock not granted (the holder's transaction id, or the row's tuple lock): those are
*queued*. Sampled every ``INTERVAL`` seconds on a connection of its own while a run goes
on: a counter held near 100% of the time is what its writes pass through one at a time
(whatever holds it so long); well under, it is not what bounds them.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass

import asyncpg

INTERVAL = 0.01

_SAMPLE = """
SELECT
    (SELECT count(*) FROM event_counters c
     WHERE EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.backend_xid = c.xmax)),
    (SELECT count(*) FROM pg_locks l
     WHERE l.locktype = 'relation'
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.relation = 'event_counters'::regclass
       AND l.mode = 'RowExclusiveLock' AND l.granted
       AND EXISTS (SELECT 1 FROM pg_locks w WHERE w.pid = l.pid AND NOT w.granted))
"""


@dataclass
class Watched:
    samples: int = 0
    held: int = 0  # counters held, summed over the samples
    queued: int = 0  # transactions waiting for one, likewise

    def held_share(self, counters: int = 1) -> float | None:
        """The share of the samples each of ``counters`` (the accounts writing) was
        held, on average."""
        return self.held / self.samples / counters if self.samples else None

    def mean_queued(self, counters: int = 1) -> float | None:
        """How many transactions waited for each counter, on average."""
        return self.queued / self.samples / counters if self.samples else None

    def add(self, other: Watched) -> None:
        self.samples += other.samples
        self.held += other.held
        self.queued += other.queued


class CounterWatch:
    """Samples the counter from a thread of its own between ``start`` and ``stop``."""

    def __init__(self, dsn: str, interval: float = INTERVAL) -> None:
        self.dsn, self.interval = dsn, interval
        self.watched = Watched()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._sample()), daemon=True)

    def start(self) -> CounterWatch:
        self._thread.start()
        self._ready.wait(timeout=10)
        return self

    def stop(self) -> Watched:
        self._stop.set()
        self._thread.join(timeout=10)
        if self._error is not None:
            raise self._error
        return self.watched

    async def _sample(self) -> None:
        try:
            conn = await asyncpg.connect(self.dsn, timeout=10)
        except BaseException as exc:  # noqa: BLE001 - raised by stop
            self._error = exc
            self._ready.set()
            return
        try:
            statement = await conn.prepare(_SAMPLE)
            self._ready.set()
            while not self._stop.is_set():
                row = await statement.fetchrow()
                assert row is not None
                self.watched.samples += 1
                self.watched.held += row[0]
                self.watched.queued += row[1]
                await asyncio.sleep(self.interval)
        except BaseException as exc:  # noqa: BLE001 - raised by stop
            self._error = exc
        finally:
            self._ready.set()
            await conn.close()
