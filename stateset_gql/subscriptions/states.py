"""The customer subscription lifecycle."""

from __future__ import annotations

from stateset_gql.states import TransitionTable

SUBSCRIPTION = TransitionTable("subscription", {"active": {"cancelled"}, "cancelled": set()})
