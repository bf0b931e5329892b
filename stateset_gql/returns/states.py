"""The return lifecycle (API.md section 8)."""

from __future__ import annotations

from stateset_gql.states import TransitionTable

RETURN = TransitionTable(
    "return",
    {
        "requested": {"approved", "rejected"},
        "approved": {"received"},
        "received": {"processed"},
        "processed": set(),
        "rejected": set(),
    },
    calls={
        "approved": "approve_return",
        "received": "receive_return",
        "processed": "process_return",
        "rejected": "reject_return",
    },
)

# Returns that still claim their items against the order's shipped quantities.
CLAIMING = frozenset({"requested", "approved", "received", "processed"})
