"""The order lifecycle (API.md section 8)."""

from __future__ import annotations

from stateset_gql.states import TransitionTable

# ``refunded`` is reached when amount_refunded == amount, from any state that was paid.
ORDER = TransitionTable(
    "order",
    {
        "pending": {"paid", "cancelled"},
        "paid": {"processing", "cancelled", "refunded"},
        "processing": {"shipped", "cancelled", "refunded"},
        "shipped": {"delivered", "refunded"},
        "delivered": {"refunded"},
        "cancelled": set(),
        "refunded": set(),
    },
    calls={
        "paid": "pay_order",
        "processing": "process_order",
        "shipped": "ship_order",
        "delivered": "deliver_order",
        "cancelled": "cancel_order",
        "refunded": "refund_order",
    },
)

# States whose line items are reserved (not yet consumed by shipping).
RESERVING = frozenset({"pending", "paid", "processing"})
# States in which money has been taken and may be refunded.
REFUNDABLE = frozenset({"paid", "processing", "shipped", "delivered"})
