"""Prefixed, time-sortable ids: ``cus_`` + 10 characters of milliseconds + 16 random.

The body is lower-case Crockford base32 (a ULID), so ids of one prefix sort by the time
they were made. Within one millisecond the random part is incremented, so ids made by
one process also sort in the order they were made.
"""

from __future__ import annotations

import os
import threading
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_RANDOM_BITS = 80
_lock = threading.Lock()
_last_ms = 0
_last_random = 0

PREFIXES = frozenset(
    {
        "acct",
        "key",
        "cus",
        "ord",
        "pay",
        "re",
        "inv",
        "ret",
        "sub",
        "evt",
        "we",
        "wd",
        "job",
        "file",
        "req",
    }
)


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, rem = divmod(value, 32)
        chars.append(_ALPHABET[rem])
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    if prefix not in PREFIXES:
        raise ValueError(f"unknown id prefix {prefix!r}")
    global _last_ms, _last_random
    with _lock:
        now = time.time_ns() // 1_000_000
        if now <= _last_ms:
            now = _last_ms
            _last_random = (_last_random + 1) % (1 << _RANDOM_BITS)
        else:
            _last_random = int.from_bytes(os.urandom(10), "big")
        _last_ms = now
        rand = _last_random
    return f"{prefix}_{_encode(now, 10)}{_encode(rand, 16)}"
