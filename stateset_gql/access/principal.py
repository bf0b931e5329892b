"""Who is calling: the owner (account and mode) and the key's type and scopes."""

from __future__ import annotations

from dataclasses import dataclass

from stateset_gql.access.ratelimits import UNLIMITED, PlanLimits
from stateset_gql.access.scopes import grants
from stateset_gql.db.owner import Owner
from stateset_gql.errors import PermissionDenied


@dataclass(frozen=True)
class Principal:
    owner: Owner
    key_id: str
    key_type: str  # sk, rk or pk
    scopes: frozenset[str]
    plan: str
    account_name: str
    # The key's rate limits, decided at authentication so admitting needs no query.
    limits: PlanLimits = UNLIMITED

    @property
    def mode(self) -> str:
        return "live" if self.owner.livemode else "test"

    def can(self, scope: str) -> bool:
        return grants(self.scopes, scope)

    def require(self, scope: str) -> Owner:
        if not self.can(scope):
            raise PermissionDenied(
                f"This API key does not have the '{scope}' scope needed for this request",
                param=None,
                extra={"required_scope": scope},
            )
        return self.owner
