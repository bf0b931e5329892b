"""Schemathesis over /openapi.json: generated requests for every route, 30 cases each
(over 1,000 in all); no answer may be a 5xx or disagree with the documented schema.

It runs on PostgreSQL alone, the stricter database (a NUL or an overlong string fails
there, where SQLite would store it), so the suite pays for the cases once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from stateset_gql.graphql.schema import build_schema
from stateset_gql.rest.openapi import openapi
from tests.support import Account, LiveServer, new_account

schema = schemathesis.openapi.from_dict(openapi(build_schema()))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


CASES_PER_ROUTE = 30


@pytest.fixture(scope="module")
def fuzz_server(postgres_url: str) -> Iterator[LiveServer]:
    live = LiveServer.start(database_url=postgres_url)
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def fuzz_account(fuzz_server: LiveServer) -> Account:
    # One account for the whole run, on a plan without rate limits, so generated writes
    # stay out of the other tests' way and no case is answered 429 for the pace alone.
    return new_account(fuzz_server.database_url, name="Fuzz", plan="enterprise")


def test_every_route_gets_its_cases() -> None:
    assert len(list(schema.get_all_operations())) * CASES_PER_ROUTE >= 1_000


@schema.parametrize()
# Hypothesis notes a change of the shared `random` state during generation as a strategy
# using it; here the servers of this process run beside it in threads (a library's
# WebSocket ping, a reconnect's jitter). The cases do not depend on that state.
@pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies")
@settings(
    max_examples=CASES_PER_ROUTE,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_never_break_the_contract(
    case: schemathesis.Case[Any], fuzz_server: LiveServer, fuzz_account: Account
) -> None:
    response = case.call(
        base_url=fuzz_server.base_url, headers={"Authorization": f"Bearer {fuzz_account.sk_test}"}
    )
    case.validate_response(response, checks=CHECKS)
    assert isinstance(response.status_code, int)


def test_the_fuzzed_server_still_answers(fuzz_server: LiveServer) -> None:
    assert httpx.get(f"{fuzz_server.base_url}/health").status_code == 200
