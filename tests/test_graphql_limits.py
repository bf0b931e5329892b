"""GraphQL document limits (API.md section 11): tokens, depth, aliases and cost are
measured before anything runs, quickly, and nothing refused is kept."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest

from tests.support import Account, LiveServer, data, error, gql


def fragment_bomb(levels: int) -> str:
    """Each fragment spreads the next twice: 2**(levels-1) spreads of the last."""
    chain = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels - 1)
    )
    return f"query {{ ...F0 }} {chain} fragment F{levels - 1} on Query {{ account {{ id }} }}"


def health_while(server: LiveServer, hostile: Callable[[httpx.Client], Any]) -> float:
    """The longest ``/health`` took while ``hostile`` ran on another connection."""
    done = threading.Event()

    def run() -> None:
        try:
            with httpx.Client(base_url=server.base_url, timeout=120) as http:
                hostile(http)
        finally:
            done.set()

    thread = threading.Thread(target=run)
    thread.start()
    slowest = 0.0
    with httpx.Client(base_url=server.base_url, timeout=120) as http:
        polls = 0
        while not done.is_set() or polls < 5:
            started = time.perf_counter()
            assert http.get("/health").status_code == 200
            slowest = max(slowest, time.perf_counter() - started)
            polls += 1
    thread.join()
    return slowest


def too_complex(response: httpx.Response, limit: str) -> dict[str, Any]:
    """The QUERY_TOO_COMPLEX error's one detail, after checking how it was answered."""
    assert response.status_code == 200, response.text
    extensions = error(response)
    assert extensions["code"] == "QUERY_TOO_COMPLEX", extensions
    assert extensions["status"] == 400
    assert extensions["type"] == "invalid_request_error"
    [detail] = extensions["details"]
    assert detail["code"] == "QUERY_TOO_COMPLEX"
    assert detail["limit"] == limit
    return dict(detail)


@pytest.mark.parametrize("levels", [20, 30])
def test_a_fragment_bomb_is_refused_at_once_and_health_stays_quick(
    server: LiveServer, account: Account, levels: int
) -> None:
    answers: list[httpx.Response] = []

    def bomb(http: httpx.Client) -> None:
        answers.append(gql(http, account.keys["pk_test"], fragment_bomb(levels)))

    started = time.perf_counter()
    slowest = health_while(server, bomb)
    assert time.perf_counter() - started < 2
    assert slowest < 1, f"/health waited {slowest:.2f}s"
    detail = too_complex(answers[0], "cost")
    assert detail["max"] == 10_000
    assert detail["value"] == 2 ** (levels - 1) * 2  # account and its id, in every spread


def test_a_two_megabyte_document_stops_at_the_byte_limit(
    server: LiveServer, account: Account
) -> None:
    answers: list[httpx.Response] = []
    document = "{ " + "account { id } " * 140_000 + "}"
    assert len(document) > 2_000_000

    # Encoded before the clock starts: the test's own client shares the server's process.
    body = orjson.dumps({"query": document})
    headers = {"Authorization": f"Bearer {account.sk_test}", "Content-Type": "application/json"}

    def huge(http: httpx.Client) -> None:
        answers.append(http.post("/graphql", content=body, headers=headers))

    slowest = health_while(server, huge)
    assert slowest < 1, f"/health waited {slowest:.2f}s"
    detail = too_complex(answers[0], "bytes")
    assert (detail["max"], detail["value"]) == (100_000, len(document))
    # Under the bytes, the tokens still stop the parser at the 4,001st.
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        small = "{ " + "account { id } " * 2_000 + "}"
        detail = too_complex(
            http.post("/graphql", json={"query": small}, headers=headers), "tokens"
        )
    assert (detail["max"], detail["value"]) == (4000, 4001)


def test_one_field_repeated_hundreds_of_times_is_refused_before_validation_stalls(
    server: LiveServer, account: Account
) -> None:
    # Under every other limit, but validation compares every pair of the 790 fields.
    answers: list[httpx.Response] = []
    document = "{ " + "account { id } " * 790 + "}"

    def repeated(http: httpx.Client) -> None:
        answers.append(gql(http, account.keys["pk_test"], document))

    slowest = health_while(server, repeated)
    assert slowest < 1, f"/health waited {slowest:.2f}s"
    detail = too_complex(answers[0], "repeats")
    assert (detail["max"], detail["value"]) == (10, 790)


def test_a_field_repeated_ten_times_is_answered(client: httpx.Client, account: Account) -> None:
    repeated = "{ " + "account { id } " * 10 + "}"
    assert data(gql(client, account.sk_test, repeated))["account"]["id"] == account.id


def test_depth_13_is_refused_naming_depth(client: httpx.Client, account: Account) -> None:
    nested = "{ account " + "{ a " * 12 + "{ id }" + " }" * 12 + " }"
    detail = too_complex(gql(client, account.sk_test, nested), "depth")
    assert (detail["max"], detail["value"]) == (12, 13)


def test_depth_12_is_measured_and_left_to_validation(
    client: httpx.Client, account: Account
) -> None:
    nested = "{ account " + "{ a " * 11 + "{ id }" + " }" * 11 + " }"
    assert error(gql(client, account.sk_test, nested))["code"] == "VALIDATION_ERROR"


def test_31_aliases_are_refused_naming_aliases(client: httpx.Client, account: Account) -> None:
    aliased = "{ " + " ".join(f"a{i}: account {{ id }}" for i in range(31)) + " }"
    detail = too_complex(gql(client, account.sk_test, aliased), "aliases")
    assert (detail["max"], detail["value"]) == (30, 31)


def test_30_aliases_are_allowed(client: httpx.Client, account: Account) -> None:
    aliased = "{ " + " ".join(f"a{i}: account {{ id }}" for i in range(30)) + " }"
    assert len(data(gql(client, account.sk_test, aliased))) == 30


def test_aliases_in_a_fragment_count_once_per_spread(
    client: httpx.Client, account: Account
) -> None:
    aliases = " ".join(f"a{i}: id" for i in range(16))
    query = (
        "{ one: account { ...A } two: account { ...A } } "
        f"fragment A on Account {{ {aliases} }}"
    )
    detail = too_complex(gql(client, account.sk_test, query), "aliases")
    assert detail["value"] == 2 + 2 * 16


def test_aliased_lists_over_the_cost_limit_are_refused_naming_cost(
    client: httpx.Client, account: Account
) -> None:
    # Each alias: 1 + 100 x (nodes 1 + id, sku, onHand) = 401; 25 of them 10,025.
    lists = " ".join(
        f"i{i}: inventoryItems(first: 100) {{ nodes {{ id sku onHand }} }}" for i in range(25)
    )
    detail = too_complex(gql(client, account.keys["pk_test"], f"{{ {lists} }}"), "cost")
    assert (detail["max"], detail["value"]) == (10_000, 10_025)


def test_a_variable_first_counts_in_the_cost(client: httpx.Client, account: Account) -> None:
    query = "query($n: Int!) { inventoryItems(first: $n) { nodes { id } } }"
    detail = too_complex(gql(client, account.sk_test, query, {"n": 5000}), "cost")
    assert detail["value"] == 1 + 5000 * 2


def test_a_kept_document_is_measured_again_for_each_first_it_is_given(
    client: httpx.Client, account: Account
) -> None:
    # Kept after its first answer, measured once per value of `first`: the same
    # document passes with 3 and is refused with 5,000 however often it ran before.
    query = (
        "query($n: Int!, $after: String) "
        "{ inventoryItems(first: $n, after: $after) { nodes { id } } }"
    )
    for _ in range(3):
        answered = gql(client, account.sk_test, query, {"n": 3, "after": None})
        data(answered)
        assert answered.json()["extensions"]["cost"]["requested"] == 1 + 3 * 2
    detail = too_complex(gql(client, account.sk_test, query, {"n": 5000}), "cost")
    assert detail["value"] == 1 + 5000 * 2
    again = gql(client, account.sk_test, query, {"n": 4})
    assert again.json()["extensions"]["cost"]["requested"] == 1 + 4 * 2


def test_every_response_carries_its_cost(client: httpx.Client, account: Account) -> None:
    # customers 1 + 2 x (nodes 1 + id 1 + email 1) = 7; account 1 + id 1 = 2.
    answered = gql(
        client,
        account.sk_test,
        "{ customers(first: 2) { nodes { id email } } account { id } }",
    )
    data(answered)
    assert answered.json()["extensions"] == {"cost": {"requested": 9, "limit": 10_000}}
    # Lists without `first` count 10: orders 1 + 10 x (nodes 1 + lineItems 1 + 10 x sku).
    listed = gql(client, account.sk_test, "{ orders { nodes { lineItems { sku } } } }")
    data(listed)
    assert listed.json()["extensions"]["cost"]["requested"] == 1 + 10 * (1 + 1 + 10 * 1)


def test_refused_documents_carry_their_cost_too(client: httpx.Client, account: Account) -> None:
    invalid = gql(client, account.sk_test, "{ account { id nope } }")
    assert error(invalid)["code"] == "VALIDATION_ERROR"
    assert invalid.json()["extensions"]["cost"] == {"requested": 3, "limit": 10_000}
    bomb = gql(client, account.sk_test, fragment_bomb(20))
    assert bomb.json()["extensions"]["cost"]["requested"] == 2**20


def test_requests_refused_before_their_document_ran_carry_a_cost_of_nothing(
    client: httpx.Client, account: Account
) -> None:
    nothing = {"requested": 0, "limit": 10_000}
    anonymous = client.post("/graphql", json={"query": "{ account { id } }"})
    assert anonymous.status_code == 401
    assert anonymous.json()["extensions"]["cost"] == nothing
    no_query = gql(client, account.sk_test, " ")
    assert no_query.status_code == 400
    assert no_query.json()["extensions"]["cost"] == nothing


def test_a_fragment_cycle_is_refused(client: httpx.Client, account: Account) -> None:
    cycle = "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"
    found = error(gql(client, account.sk_test, cycle))
    assert found["code"] == "VALIDATION_ERROR"
    assert "within itself" in found["message"]


def test_a_long_chain_of_fragments_is_refused_not_failed(
    client: httpx.Client, account: Account
) -> None:
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(440))
    query = f"query {{ ...F0 }} {chain} fragment F440 on Query {{ account {{ id }} }}"
    answered = gql(client, account.sk_test, query)
    assert answered.status_code == 200
    assert error(answered)["code"] == "VALIDATION_ERROR"


def test_only_documents_that_passed_are_kept(
    server: LiveServer, client: httpx.Client, account: Account
) -> None:
    documents = server.app.state.engine.documents
    before = len(documents)
    refused = [
        *(f"{{ account {{ id{i} }} " for i in range(10)),  # syntax
        *(f"{{ account {{ id nope{i} }} }}" for i in range(10)),  # validation
        *(fragment_bomb(15 + i) for i in range(10)),  # cost
        *("{ " + " ".join(f"a{j}: account {{ id }}" for j in range(31 + i)) + " }"
          for i in range(10)),  # aliases
    ]  # fmt: skip
    for query in refused:
        assert gql(client, account.sk_test, query).json()["errors"]
    assert len(documents) == before
    data(gql(client, account.sk_test, f"{{ account {{ id }} }} # {time.perf_counter_ns()}"))
    assert len(documents) == before + 1
