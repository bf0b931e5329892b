"""Schemathesis over /openapi.json: generated requests for every route, a bounded number
of cases each; no answer may be a 5xx or disagree with the documented schema."""

from __future__ import annotations

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


@pytest.fixture(scope="module")
def fuzz_account(server: LiveServer) -> Account:
    # One account for the whole run (a growth plan), so generated writes stay out of the
    # other tests' way.
    return new_account(server.database_url, name="Fuzz", plan="growth")


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_never_break_the_contract(
    case: schemathesis.Case[Any], server: LiveServer, fuzz_account: Account
) -> None:
    response = case.call(
        base_url=server.base_url, headers={"Authorization": f"Bearer {fuzz_account.sk_test}"}
    )
    case.validate_response(response, checks=CHECKS)
    assert isinstance(response.status_code, int)


def test_the_fuzzed_server_still_answers(client: httpx.Client) -> None:
    assert client.get("/health").status_code == 200
