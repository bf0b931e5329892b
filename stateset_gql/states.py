"""Transition tables: the one place each lifecycle's allowed moves are written down.

Domains declare ``TransitionTable("order", {"pending": {"paid", "cancelled"}, ...})`` in
their ``states.py`` and move state only through ``table.move(obj, "paid")``. A refused
move is 409 ``RESOURCE_CONFLICT`` whose detail names ``from``, ``to`` and the states
``allowed`` from here; its message says what to call to make each of them, by the
operation's snake_case name (``pay_order``), which each surface renders in its own words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stateset_gql.errors import Conflict, ErrorDetail


class TransitionTable:
    def __init__(
        self,
        kind: str,
        transitions: Mapping[str, set[str] | frozenset[str]],
        calls: Mapping[str, str] | None = None,
    ) -> None:
        """``calls``: the operation that makes each state (``{"paid": "pay_order"}``)."""
        self.kind = kind
        self.transitions = {state: frozenset(targets) for state, targets in transitions.items()}
        self.calls = dict(calls or {})
        unknown = {t for targets in self.transitions.values() for t in targets} - set(
            self.transitions
        )
        if unknown:
            raise ValueError(f"{kind}: targets without a row of their own: {sorted(unknown)}")

    @property
    def states(self) -> frozenset[str]:
        return frozenset(self.transitions)

    def allows(self, current: str, target: str) -> bool:
        return target in self.transitions.get(current, frozenset())

    def allowed(self, current: str) -> list[str]:
        """The states ``current`` may move to, in the table's order."""
        targets = self.transitions.get(current, frozenset())
        return [state for state in self.transitions if state in targets]

    def refusal(self, current: str, target: str, why: str | None = None) -> Conflict:
        allowed = self.allowed(current)
        message = f"{why or f'A {current} {self.kind} cannot become {target}'}; " + (
            f"from {current} it can become {' or '.join(allowed)}" if allowed
            else f"nothing can change a {current} {self.kind}"
        )  # fmt: skip
        calls = [self.calls[state] for state in allowed if state in self.calls]
        if calls:
            message += f": call {' or '.join(calls)}"
        return Conflict(
            message,
            param="status",
            details=[
                ErrorDetail(
                    param="status",
                    code="INVALID_STATE_TRANSITION",
                    message=message,
                    extra=(("from", current), ("to", target), ("allowed", allowed)),
                )
            ],
        )

    def check(self, current: str, target: str) -> None:
        if not self.allows(current, target):
            raise self.refusal(current, target)

    def move(self, obj: Any, target: str) -> str:
        """Sets ``obj.status`` to ``target`` if the table allows it; returns the old state."""
        current: str = obj.status
        self.check(current, target)
        obj.status = target
        return current
