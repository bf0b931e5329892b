"""Lists (API.md section 5), driven through ``customers(...)`` on a live server.

Every resource lists through the same mechanism (``stateset_gql.db.listing``), so the
customer list stands for all of them: keyset cursors that neither skip nor repeat while
rows are inserted, every filter operator, multi-key ordering, the limits and their errors,
a constant number of SQL statements per page, and isolation by account and mode.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import httpx
import orjson
import pytest

from tests.support import Account, LiveServer, create_customer, data, error, gql, new_account

# ------------------------------------------------------------------------------ helpers

NODE_FIELDS = "id email name created"

LIST = f"""
query List($first: Int!, $after: String, $offset: Int, $where: CustomerWhere,
           $orderBy: [CustomerOrder!]) {{
  customers(first: $first, after: $after, offset: $offset, where: $where, orderBy: $orderBy) {{
    totalCount
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
    edges {{ cursor node {{ {NODE_FIELDS} }} }}
    nodes {{ {NODE_FIELDS} }}
  }}
}}
"""

ALIASES_PER_REQUEST = 30  # the schema's MaxAliasesLimiter


def list_request(
    client: httpx.Client,
    key: str,
    *,
    first: int = 10,
    after: str | None = None,
    offset: int | None = None,
    where: dict[str, Any] | None = None,
    order_by: list[dict[str, str]] | None = None,
) -> httpx.Response:
    variables: dict[str, Any] = {"first": first, "after": after, "offset": offset}
    variables.update(where=where, orderBy=order_by)
    return gql(client, key, LIST, variables)


def list_page(
    client: httpx.Client,
    key: str,
    *,
    first: int = 10,
    after: str | None = None,
    offset: int | None = None,
    where: dict[str, Any] | None = None,
    order_by: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """One page of ``customers(...)``: its connection, checked to be self-consistent."""
    response = list_request(
        client, key, first=first, after=after, offset=offset, where=where, order_by=order_by
    )
    page: dict[str, Any] = data(response)["customers"]
    edges, info = page["edges"], page["pageInfo"]
    assert page["nodes"] == [edge["node"] for edge in edges]
    assert info["startCursor"] == (edges[0]["cursor"] if edges else None)
    assert info["endCursor"] == (edges[-1]["cursor"] if edges else None)
    assert len(edges) <= first
    return page


def ids(page: dict[str, Any]) -> list[str]:
    return [node["id"] for node in page["nodes"]]


def page_through(
    client: httpx.Client,
    key: str,
    *,
    first: int,
    where: dict[str, Any] | None = None,
    order_by: list[dict[str, str]] | None = None,
    between_pages: Callable[[], object] | None = None,
) -> list[str]:
    """Every id, following ``endCursor`` until ``hasNextPage`` is false."""
    seen: list[str] = []
    after: str | None = None
    for _ in range(1000):
        page = list_page(client, key, first=first, after=after, where=where, order_by=order_by)
        seen.extend(ids(page))
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        assert len(page["nodes"]) == first
        after = page["pageInfo"]["endCursor"]
        if between_pages is not None:
            between_pages()
    raise AssertionError("the list never ended")


def create_many(
    client: httpx.Client, key: str, inputs: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Customers from ``inputs``, in order, up to 30 per request as aliased mutations."""
    created: list[dict[str, Any]] = []
    for start in range(0, len(inputs), ALIASES_PER_REQUEST):
        chunk = inputs[start : start + ALIASES_PER_REQUEST]
        params = ", ".join(f"$i{n}: CreateCustomerInput!" for n in range(len(chunk)))
        fields = " ".join(
            f"c{n}: createCustomer(input: $i{n}) {{ {NODE_FIELDS} }}" for n in range(len(chunk))
        )
        variables = {f"i{n}": item for n, item in enumerate(chunk)}
        result = data(gql(client, key, f"mutation Many({params}) {{ {fields} }}", variables))
        created.extend(result[f"c{n}"] for n in range(len(chunk)))
    return created


def create_numbered(
    server: LiveServer, key: str, count: int, *, prefix: str, workers: int = 4
) -> list[dict[str, Any]]:
    """``count`` customers made by a few clients at once (for lists too long to make slowly)."""
    inputs = [
        {"email": f"{prefix}{n:04d}@example.com", "name": f"{prefix} {n}"} for n in range(count)
    ]
    chunks = [
        inputs[start : start + ALIASES_PER_REQUEST]
        for start in range(0, count, ALIASES_PER_REQUEST)
    ]

    def make(chunk: list[dict[str, Any]]) -> list[dict[str, Any]]:
        with httpx.Client(base_url=server.base_url, timeout=30) as own:
            return create_many(own, key, chunk)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [customer for made in pool.map(make, chunks) for customer in made]


@contextmanager
def inserting_concurrently(server: LiveServer, key: str) -> Iterator[Callable[[], list[str]]]:
    """A thread that keeps creating customers until the block ends.

    Yields ``wait_for_more()``: the first call starts the thread; every call blocks until at
    least one more customer was created since the last, so each page of a walk is read
    after a fresh insert. It returns every id created so far.
    """
    created: list[str] = []
    progress = threading.Condition()
    stop = threading.Event()
    failures: list[Exception] = []

    def insert() -> None:
        try:
            with httpx.Client(base_url=server.base_url, timeout=30) as own:
                n = 0
                while not stop.is_set():
                    made = create_many(own, key, [{"email": f"late{n}@example.com"}])
                    n += 1
                    with progress:
                        created.append(made[0]["id"])
                        progress.notify_all()
        except (AssertionError, httpx.HTTPError) as exc:  # reported by the main thread
            failures.append(exc)
            with progress:
                progress.notify_all()

    seen = 0

    def wait_for_more() -> list[str]:
        nonlocal seen
        if thread.ident is None:
            thread.start()
        with progress:
            assert progress.wait_for(lambda: len(created) > seen or bool(failures), timeout=20)
            assert not failures, failures
            seen = len(created)
            return list(created)

    thread = threading.Thread(target=insert, daemon=True)
    try:
        yield wait_for_more
    finally:
        stop.set()
        if thread.ident is not None:
            thread.join(timeout=30)
    assert not failures, failures


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def assert_bad_request(response: httpx.Response, param: str) -> dict[str, Any]:
    """An error as API.md section 4 says: HTTP 200, then a 400 VALIDATION_ERROR on ``param``."""
    assert response.status_code == 200, response.text
    assert response.json()["data"] is None
    extensions = error(response)
    assert extensions["code"] == "VALIDATION_ERROR", extensions
    assert extensions["type"] == "invalid_request_error"
    assert extensions["status"] == 400
    assert extensions["param"] == param, extensions
    assert extensions["request_id"].startswith("req_")
    assert isinstance(extensions["details"], list)
    return extensions


def forge_cursor(payload: object) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


# ---------------------------------------------------------- cursors under concurrent inserts


def test_paging_newest_first_while_customers_are_inserted_shows_each_original_once(
    server: LiveServer, client: httpx.Client, account: Account
) -> None:
    originals = {c["id"] for c in create_numbered(server, account.sk_test, 250, prefix="orig")}
    assert len(originals) == 250

    with inserting_concurrently(server, account.sk_test) as wait_for_more:
        walked = page_through(client, account.sk_test, first=25, between_pages=wait_for_more)
        inserted = wait_for_more()

    assert len(inserted) >= 10  # at least one insert landed between every two pages
    assert len(walked) == len(set(walked)), "a customer was listed twice"
    # Newest first: whatever is inserted once the walk has begun sorts before its cursor.
    assert set(walked) == originals


def test_paging_oldest_first_while_customers_are_inserted_repeats_nothing(
    server: LiveServer, client: httpx.Client, account: Account
) -> None:
    made = create_numbered(server, account.sk_test, 250, prefix="orig")
    originals = {c["id"] for c in made}
    oldest_first = [{"field": "CREATED", "direction": "ASC"}]

    with inserting_concurrently(server, account.sk_test) as wait_for_more:
        walked = page_through(
            client,
            account.sk_test,
            first=25,
            order_by=oldest_first,
            between_pages=wait_for_more,
        )
        inserted = set(wait_for_more())

    assert len(walked) == len(set(walked)), "a customer was listed twice"
    assert originals <= set(walked)
    assert set(walked) <= originals | inserted
    # The originals come first, in the order they were created (ids sort by creation).
    first_originals = [i for i in walked if i in originals]
    assert walked[:250] == first_originals == sorted(originals)


# -------------------------------------------------------------------------------- filters

# Chosen so that comparisons give the same answer under any collation: no two e-mails or
# names differ only in letter case or punctuation where a range comparison looks at them.
PEOPLE = [
    {"email": "ana@example.com", "name": "ana"},
    {"email": "Bob@Example.com", "name": "Bob Ray"},
    {"email": "carla@shop.io", "name": "carla"},
    {"email": "dan_x@shop.io", "name": "dan"},
    {"email": "danax@shop.io", "name": "dana"},
    {"email": "eve@example.org", "name": "eve"},
]
ANA, BOB, CARLA, DAN, DANA, EVE = (p["email"] for p in PEOPLE)
SHOP = [CARLA, DAN, DANA]

TEXT_FILTERS: list[tuple[str, dict[str, Any], list[str]]] = [
    ("eq", {"email": {"_eq": ANA}}, [ANA]),
    ("eq-is-exact-about-case", {"email": {"_eq": "bob@example.com"}}, []),
    ("ne", {"email": {"_ne": ANA}}, [BOB, CARLA, DAN, DANA, EVE]),
    ("gt", {"email": {"_gt": CARLA}}, [DAN, DANA, EVE]),
    ("gte", {"email": {"_gte": CARLA}}, [CARLA, DAN, DANA, EVE]),
    ("lt", {"email": {"_lt": CARLA}}, [ANA, BOB]),
    ("lte", {"email": {"_lte": CARLA}}, [ANA, BOB, CARLA]),
    ("between-is-inclusive", {"email": {"_between": [CARLA, DANA]}}, [CARLA, DAN, DANA]),
    ("in", {"email": {"_in": [ANA, EVE, "nobody@example.com"]}}, [ANA, EVE]),
    ("in-empty-matches-nothing", {"email": {"_in": []}}, []),
    ("like-suffix", {"email": {"_like": "%@shop.io"}}, SHOP),
    ("like-infix-is-case-sensitive", {"email": {"_like": "%example%"}}, [ANA, EVE]),
    ("like-prefix-wrong-case", {"email": {"_like": "bob@%"}}, []),
    ("like-prefix-right-case", {"email": {"_like": "Bob@%"}}, [BOB]),
    ("like-underscore-is-one-character", {"email": {"_like": "dan_x@%"}}, [DAN, DANA]),
    ("like-no-wildcard-is-equality", {"email": {"_like": "carla@shop.io"}}, [CARLA]),
    ("ilike-exact", {"email": {"_ilike": "BOB@example.COM"}}, [BOB]),
    ("ilike-wildcards", {"email": {"_ilike": "%@EXAMPLE.%"}}, [ANA, BOB, EVE]),
    ("name-eq", {"name": {"_eq": "dan"}}, [DAN]),
    ("name-ne", {"name": {"_ne": "dan"}}, [ANA, BOB, CARLA, DANA, EVE]),
    ("name-gte-and-lte", {"name": {"_gte": "carla", "_lte": "dana"}}, [CARLA, DAN, DANA]),
    ("name-lt", {"name": {"_lt": "carla"}}, [ANA, BOB]),
    ("name-gt", {"name": {"_gt": "dan"}}, [DANA, EVE]),
    ("name-in", {"name": {"_in": ["eve", "Eve", "ana"]}}, [ANA, EVE]),
    ("name-between", {"name": {"_between": ["carla", "dan"]}}, [CARLA, DAN]),
    ("name-like-is-case-sensitive", {"name": {"_like": "bob%"}}, []),
    ("name-like-right-case", {"name": {"_like": "Bob%"}}, [BOB]),
    ("name-ilike", {"name": {"_ilike": "BOB%"}}, [BOB]),
    ("name-like-underscore-needs-a-character", {"name": {"_like": "dan_"}}, [DANA]),
    ("name-like-percent-may-be-empty", {"name": {"_like": "dan%"}}, [DAN, DANA]),
    ("or", {"_or": [{"email": {"_eq": ANA}}, {"name": {"_eq": "eve"}}]}, [ANA, EVE]),
    (
        "and",
        {"_and": [{"email": {"_like": "%@shop.io"}}, {"name": {"_ne": "dan"}}]},
        [CARLA, DANA],
    ),
    ("not", {"_not": {"email": {"_like": "%@shop.io"}}}, [ANA, BOB, EVE]),
    ("not-of-empty-in-matches-all", {"_not": {"email": {"_in": []}}}, [p["email"] for p in PEOPLE]),
    (
        "fields-and-or-are-anded",
        {
            "email": {"_like": "%@shop.io"},
            "_or": [{"name": {"_eq": "dan"}}, {"name": {"_eq": "ana"}}],
        },
        [DAN],
    ),
    (
        "nested",
        {
            "_or": [
                {
                    "_and": [
                        {"email": {"_like": "%@shop.io"}},
                        {"_not": {"name": {"_like": "dan%"}}},
                    ]
                },
                {"_not": {"_or": [{"email": {"_ilike": "%.io"}}, {"name": {"_lt": "eve"}}]}},
            ]
        },
        [CARLA, EVE],
    ),
]


@pytest.fixture(scope="module")
def people_key(server: LiveServer) -> str:
    """A key to an account holding only ``PEOPLE``; the filter table only reads it."""
    owner = new_account(server.database_url, name="People")
    with httpx.Client(base_url=server.base_url, timeout=30) as own:
        create_many(own, owner.sk_test, PEOPLE)
    return owner.sk_test


@pytest.mark.parametrize(
    ("where", "expected"),
    [pytest.param(where, expected, id=name) for name, where, expected in TEXT_FILTERS],
)
def test_text_filter_selects_exactly_the_matching_customers(
    client: httpx.Client, people_key: str, where: dict[str, Any], expected: list[str]
) -> None:
    page = list_page(
        client,
        people_key,
        first=100,
        where=where,
        order_by=[{"field": "EMAIL", "direction": "ASC"}],
    )
    emails = [node["email"] for node in page["nodes"]]
    assert sorted(emails) == sorted(expected)
    assert page["totalCount"] == len(expected)
    assert page["pageInfo"]["hasNextPage"] is False


def test_like_is_case_sensitive_on_every_database(client: httpx.Client, account: Account) -> None:
    create_many(
        client,
        account.sk_test,
        [
            {"email": "mixed@example.com", "name": "Mixed Case"},
            {"email": "lower@example.com", "name": "mixed case"},
            {"email": "upper@example.com", "name": "MIXED CASE"},
        ],
    )

    def names(where: dict[str, Any]) -> list[str]:
        page = list_page(client, account.sk_test, first=10, where={"name": where})
        return sorted(node["name"] for node in page["nodes"])

    assert names({"_like": "Mixed%"}) == ["Mixed Case"]
    assert names({"_like": "mixed case"}) == ["mixed case"]
    assert names({"_like": "%CASE"}) == ["MIXED CASE"]
    assert names({"_like": "m_xed%"}) == ["mixed case"]
    assert names({"_ilike": "mixed%"}) == ["MIXED CASE", "Mixed Case", "mixed case"]
    assert names({"_ilike": "M_XED CASE"}) == ["MIXED CASE", "Mixed Case", "mixed case"]


def test_like_treats_glob_characters_as_ordinary_characters(
    client: httpx.Client, account: Account
) -> None:
    create_many(
        client,
        account.sk_test,
        [
            {"email": "star@example.com", "name": "a*b?c[d]"},
            {"email": "plain@example.com", "name": "axbycdd"},
        ],
    )
    for pattern in ("a*b?c[d]", "a*b%", "%[d]", "a_b_c_d_"):
        page = list_page(client, account.sk_test, where={"name": {"_like": pattern}})
        assert [n["name"] for n in page["nodes"]] == ["a*b?c[d]"], pattern


def made_in_sequence(client: httpx.Client, key: str, count: int) -> list[dict[str, Any]]:
    """Customers created one request at a time, so each has a later ``created``."""
    made = [create_many(client, key, [{"email": f"t{n}@example.com"}])[0] for n in range(count)]
    times = [parse_time(c["created"]) for c in made]
    assert times == sorted(times)
    assert len(set(times)) == count
    return made


def test_datetime_filters_compare_instants(client: httpx.Client, account: Account) -> None:
    made = made_in_sequence(client, account.sk_test, 5)
    t = [c["created"] for c in made]
    every = [c["id"] for c in made]

    def matching(created: dict[str, Any]) -> list[str]:
        page = list_page(
            client,
            account.sk_test,
            where={"created": created},
            order_by=[{"field": "CREATED", "direction": "ASC"}],
        )
        assert page["totalCount"] == len(page["nodes"])
        return ids(page)

    assert matching({"_eq": t[2]}) == every[2:3]
    assert matching({"_ne": t[2]}) == every[:2] + every[3:]
    assert matching({"_gt": t[2]}) == every[3:]
    assert matching({"_gte": t[2]}) == every[2:]
    assert matching({"_lt": t[2]}) == every[:2]
    assert matching({"_lte": t[2]}) == every[:3]
    assert matching({"_in": [t[0], t[4]]}) == [every[0], every[4]]
    assert matching({"_in": []}) == []
    assert matching({"_between": [t[1], t[3]]}) == every[1:4]
    assert matching({"_gte": t[1], "_lt": t[3]}) == every[1:3]
    # The same instant written in another zone is the same instant.
    elsewhere = parse_time(t[2]).astimezone(timezone(timedelta(hours=5, minutes=30)))
    assert matching({"_eq": elsewhere.isoformat()}) == every[2:3]
    assert matching({"_gt": elsewhere.isoformat()}) == every[3:]


def test_a_date_alone_means_that_whole_utc_day(client: httpx.Client, account: Account) -> None:
    made = made_in_sequence(client, account.sk_test, 3)
    days = {parse_time(c["created"]).astimezone(UTC).date() for c in made}
    first_day, last_day = min(days), max(days)  # one day, unless run across midnight UTC
    every = sorted(c["id"] for c in made)

    def on(day: date) -> list[str]:
        return sorted(c["id"] for c in made if parse_time(c["created"]).date() == day)

    def matching(created: dict[str, Any]) -> list[str]:
        page = list_page(client, account.sk_test, where={"created": created})
        assert page["totalCount"] == len(page["nodes"])
        return sorted(ids(page))

    before, after = first_day - timedelta(days=1), last_day + timedelta(days=1)
    iso = date.isoformat
    # A date-only high bound covers that whole day, though every row is later than its 00:00.
    assert matching({"_between": [iso(first_day), iso(last_day)]}) == every
    assert matching({"_between": ["2000-01-01", iso(last_day)]}) == every
    assert matching({"_between": ["2000-01-01", iso(before)]}) == []
    assert matching({"_lte": iso(last_day)}) == every
    assert matching({"_lte": iso(before)}) == []
    assert matching({"_lt": iso(first_day)}) == []
    assert matching({"_lt": iso(after)}) == every
    assert matching({"_gt": iso(before)}) == every
    assert matching({"_gt": iso(last_day)}) == []
    assert matching({"_gte": iso(first_day)}) == every
    assert matching({"_gte": iso(after)}) == []
    assert matching({"_eq": iso(last_day)}) == on(last_day)
    assert matching({"_ne": iso(last_day)}) == sorted(set(every) - set(on(last_day)))
    assert matching({"_in": [iso(first_day), iso(last_day)]}) == every
    assert matching({"_in": [iso(before)]}) == []
    # A date-only low bound starts at that day's 00:00; a date-time bound is exact.
    noon_before = datetime.combine(before, datetime.min.time(), UTC) + timedelta(hours=12)
    assert matching({"_between": [noon_before.isoformat(), iso(last_day)]}) == every


def test_filters_combine_with_pagination_and_total_count(
    client: httpx.Client, account: Account
) -> None:
    inputs = [
        {"email": f"p{n:02d}@{'shop.io' if n % 2 else 'example.com'}", "name": f"p{n:02d}"}
        for n in range(40)
    ]
    made = create_many(client, account.sk_test, inputs)
    shop = [c["id"] for c in made if c["email"].endswith("@shop.io")]
    where = {"email": {"_like": "%@shop.io"}, "name": {"_ne": "p01"}}
    expected = [i for i in reversed(shop) if i != made[1]["id"]]  # newest first

    totals: list[int] = []
    after: str | None = None
    walked: list[str] = []
    while True:
        page = list_page(client, account.sk_test, first=7, after=after, where=where)
        totals.append(page["totalCount"])
        walked.extend(ids(page))
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert walked == expected
    assert totals == [19, 19, 19]  # the total ignores the page, never the filter
    by_offset = list_page(client, account.sk_test, first=7, offset=14, where=where)
    assert ids(by_offset) == expected[14:]
    assert by_offset["totalCount"] == 19


# -------------------------------------------------------------------------------- orderBy


def test_order_by_several_fields_sorts_by_each_in_turn(
    client: httpx.Client, account: Account
) -> None:
    inputs = [
        {"email": "b1@example.com", "name": "beta"},
        {"email": "a1@example.com", "name": "alpha"},
        {"email": "b3@example.com", "name": "beta"},
        {"email": "g1@example.com", "name": "gamma"},
        {"email": "a2@example.com", "name": "alpha"},
        {"email": "b2@example.com", "name": "beta"},
    ]
    create_many(client, account.sk_test, inputs)
    name_then_email_desc = [
        {"field": "NAME", "direction": "ASC"},
        {"field": "EMAIL", "direction": "DESC"},
    ]
    expected = ["a2", "a1", "b3", "b2", "b1", "g1"]

    page = list_page(client, account.sk_test, first=100, order_by=name_then_email_desc)
    assert [n["email"].split("@")[0] for n in page["nodes"]] == expected
    walked = page_through(client, account.sk_test, first=2, order_by=name_then_email_desc)
    assert walked == ids(page)

    email_desc = list_page(
        client, account.sk_test, first=100, order_by=[{"field": "EMAIL", "direction": "DESC"}]
    )
    assert [n["email"][:2] for n in email_desc["nodes"]] == sorted(
        (i["email"][:2] for i in inputs), reverse=True
    )


def test_ties_are_broken_the_same_way_on_every_page(client: httpx.Client, account: Account) -> None:
    names = ["kim", "lee", "kim", "kim", "lee", "kim", "max", "lee", "kim"]
    made = create_many(
        client,
        account.sk_test,
        [{"email": f"tie{n}@example.com", "name": name} for n, name in enumerate(names)],
    )
    by_name = [{"field": "NAME", "direction": "ASC"}]

    one_page = ids(list_page(client, account.sk_test, first=100, order_by=by_name))
    again = ids(list_page(client, account.sk_test, first=100, order_by=by_name))
    for first in (1, 2, 4):
        assert page_through(client, account.sk_test, first=first, order_by=by_name) == one_page
    assert again == one_page

    name_of = {c["id"]: c["name"] for c in made}
    assert [name_of[i] for i in one_page] == sorted(names)
    for name in set(names):
        tied = [i for i in one_page if name_of[i] == name]
        assert tied == sorted(tied), "ties follow the id, which sorts by creation"


def test_customers_without_a_name_are_paged_like_any_other(
    client: httpx.Client, account: Account
) -> None:
    inputs = [
        {"email": "n1@example.com", "name": "nia"},
        {"email": "n2@example.com"},
        {"email": "n3@example.com", "name": "abe"},
        {"email": "n4@example.com"},
        {"email": "n5@example.com", "name": "zed"},
        {"email": "n6@example.com"},
        {"email": "n7@example.com", "name": "nia"},
    ]
    made = create_many(client, account.sk_test, inputs)
    name_of = {c["id"]: c["name"] for c in made}

    for direction in ("ASC", "DESC"):
        order = [{"field": "NAME", "direction": direction}]
        one_page = ids(list_page(client, account.sk_test, first=100, order_by=order))
        assert sorted(one_page) == sorted(name_of)
        for first in (1, 2, 3):
            walked = page_through(client, account.sk_test, first=first, order_by=order)
            assert walked == one_page, (direction, first)
        # A missing name sorts after every name, the same on every database.
        named = [name_of[i] for i in one_page if name_of[i] is not None]
        if direction == "ASC":
            assert named == sorted(named)
            assert [name_of[i] for i in one_page[-3:]] == [None, None, None]
        else:
            assert named == sorted(named, reverse=True)
            assert [name_of[i] for i in one_page[:3]] == [None, None, None]


def test_oldest_first_is_the_default_order_reversed(client: httpx.Client, account: Account) -> None:
    made = create_many(client, account.sk_test, [{"email": f"o{n}@example.com"} for n in range(12)])
    newest_first = page_through(client, account.sk_test, first=5)
    oldest_first = page_through(
        client, account.sk_test, first=5, order_by=[{"field": "CREATED", "direction": "ASC"}]
    )
    assert oldest_first == [c["id"] for c in made]
    assert newest_first == oldest_first[::-1]
    by_id_desc = page_through(
        client, account.sk_test, first=5, order_by=[{"field": "ID", "direction": "DESC"}]
    )
    assert by_id_desc == newest_first


# -------------------------------------------------------------------------- limits, errors


@pytest.mark.parametrize(
    ("arguments", "param"),
    [
        pytest.param({"first": 0}, "first", id="first-0"),
        pytest.param({"first": -1}, "first", id="first-negative"),
        pytest.param({"first": 101}, "first", id="first-101"),
        pytest.param({"offset": 10_001}, "offset", id="offset-10001"),
        pytest.param({"offset": -1}, "offset", id="offset-negative"),
        pytest.param({"offset": 1, "after": "any"}, "offset", id="offset-with-after"),
        pytest.param({"after": "not a cursor"}, "after", id="garbage-cursor"),
        pytest.param({"after": "bm90IGpzb24"}, "after", id="base64-not-json"),
        pytest.param({"after": forge_cursor({"a": 1})}, "after", id="json-not-a-cursor"),
        pytest.param({"after": forge_cursor(["-created,-id", [1, 2]])}, "after", id="cursor-ints"),
        pytest.param(
            {"after": forge_cursor(["-created,-id", ["yesterday", "cus_x"]])},
            "after",
            id="cursor-text-for-a-time",
        ),
        pytest.param(
            {"after": forge_cursor(["-created,-id", [{"t": "2024-01-01T00:00:00"}, 7]])},
            "after",
            id="cursor-naive-time-and-int-id",
        ),
        pytest.param(
            {"after": forge_cursor(["-created,-id", [None, "cus_x"]])},
            "after",
            id="cursor-null-time",
        ),
        pytest.param(
            {"after": forge_cursor(["-created,-id", [{"t": "2024-01-01T00:00:00+00:00"}]])},
            "after",
            id="cursor-too-short",
        ),
        pytest.param(
            {"where": {"created": {"_between": ["2024-01-01"]}}},
            "where.created",
            id="between-one-bound",
        ),
        pytest.param(
            {"where": {"name": {"_between": ["a", "b", "c"]}}},
            "where.name",
            id="between-three-bounds",
        ),
    ],
)
def test_a_list_request_out_of_bounds_is_a_validation_error(
    client: httpx.Client, account: Account, arguments: dict[str, Any], param: str
) -> None:
    assert_bad_request(list_request(client, account.sk_test, **arguments), param)


def test_a_cursor_from_a_list_in_another_order_is_refused(
    client: httpx.Client, account: Account
) -> None:
    create_many(client, account.sk_test, [{"email": f"x{n}@example.com"} for n in range(3)])
    by_email = [{"field": "EMAIL", "direction": "ASC"}]
    cursor = list_page(client, account.sk_test, first=1, order_by=by_email)["pageInfo"]["endCursor"]

    extensions = assert_bad_request(list_request(client, account.sk_test, after=cursor), "after")
    assert "sort order" in extensions["message"]
    by_email_desc = [{"field": "EMAIL", "direction": "DESC"}]
    assert_bad_request(
        list_request(client, account.sk_test, after=cursor, order_by=by_email_desc), "after"
    )
    # The same order takes it.
    page = list_page(client, account.sk_test, first=5, after=cursor, order_by=by_email)
    assert [n["email"] for n in page["nodes"]] == ["x1@example.com", "x2@example.com"]


def test_the_largest_page_and_offset_are_allowed(client: httpx.Client, account: Account) -> None:
    create_many(client, account.sk_test, [{"email": f"l{n}@example.com"} for n in range(3)])
    assert len(list_page(client, account.sk_test, first=100)["nodes"]) == 3
    far = list_page(client, account.sk_test, first=1, offset=10_000)
    assert far["nodes"] == []
    assert far["totalCount"] == 3
    assert far["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": None,
        "endCursor": None,
    }


def test_offset_skips_that_many_customers(client: httpx.Client, account: Account) -> None:
    made = create_many(client, account.sk_test, [{"email": f"s{n}@example.com"} for n in range(12)])
    oldest_first = [{"field": "CREATED", "direction": "ASC"}]
    every = [c["id"] for c in made]

    page = list_page(client, account.sk_test, first=3, offset=5, order_by=oldest_first)
    assert ids(page) == every[5:8]
    assert page["pageInfo"]["hasPreviousPage"] is True
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["totalCount"] == 12

    tail = list_page(client, account.sk_test, first=10, offset=5, order_by=oldest_first)
    assert ids(tail) == every[5:]
    assert tail["pageInfo"]["hasNextPage"] is False

    start = list_page(client, account.sk_test, first=3, offset=0, order_by=oldest_first)
    assert ids(start) == every[:3]
    assert start["pageInfo"]["hasPreviousPage"] is False

    # The cursor of an offset page continues right after it.
    after = page["pageInfo"]["endCursor"]
    following = list_page(client, account.sk_test, first=3, after=after, order_by=oldest_first)
    assert ids(following) == every[8:11]


def test_page_info_and_edges_describe_the_page(client: httpx.Client, account: Account) -> None:
    empty = list_page(client, account.sk_test, first=5)
    assert empty == {
        "totalCount": 0,
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
        "edges": [],
        "nodes": [],
    }

    made = create_many(client, account.sk_test, [{"email": f"e{n}@example.com"} for n in range(5)])
    newest_first = [c["id"] for c in reversed(made)]

    first = list_page(client, account.sk_test, first=2)
    assert ids(first) == newest_first[:2]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert first["pageInfo"]["startCursor"] != first["pageInfo"]["endCursor"]

    # Any edge's cursor continues right after that edge.
    middle = list_page(client, account.sk_test, first=2, after=first["edges"][0]["cursor"])
    assert ids(middle) == newest_first[1:3]
    assert middle["pageInfo"]["hasPreviousPage"] is True

    last = list_page(client, account.sk_test, first=3, after=first["pageInfo"]["endCursor"])
    assert ids(last) == newest_first[2:]
    assert last["pageInfo"]["hasNextPage"] is False  # exactly full: no phantom next page

    beyond = list_page(client, account.sk_test, first=3, after=last["pageInfo"]["endCursor"])
    assert beyond["nodes"] == []
    assert beyond["pageInfo"]["hasNextPage"] is False
    assert beyond["pageInfo"]["hasPreviousPage"] is True
    assert beyond["totalCount"] == 5

    default = data(gql(client, account.sk_test, "{ customers { nodes { id } } }"))["customers"]
    assert len(default["nodes"]) == 5  # the default page holds 10


# ---------------------------------------------------------------------- statement counts


def test_a_page_costs_the_same_statements_whatever_its_size(
    server: LiveServer, client: httpx.Client, account: Account
) -> None:
    create_numbered(server, account.sk_test, 100, prefix="count")
    list_page(client, account.sk_test, first=5)  # warm anything a first request warms

    counts: dict[int, int] = {}
    for first in (5, 100):
        with server.count_statements() as statements:
            page = list_page(client, account.sk_test, first=first)
        assert len(page["nodes"]) == first
        assert page["totalCount"] == 100
        counts[first] = len(statements)
        # The key, then the page and its count (SQLite adds a BEGIN per session); on
        # PostgreSQL the compiled read engine counts inside the page's one statement.
        assert len(statements) <= 6, statements
        compiled = server.database_url.startswith("postgresql")
        reads = [s for s in statements if "FROM customers" in s]
        assert len(reads) == (1 if compiled else 2), statements
    assert counts[5] == counts[100], counts


# ----------------------------------------------------------------------------- isolation


def test_lists_show_only_the_callers_account_and_mode(
    server: LiveServer, client: httpx.Client, account: Account
) -> None:
    other = new_account(server.database_url, name="Other Shop")
    mine = create_many(client, account.sk_test, [{"email": f"m{n}@example.com"} for n in range(3)])
    live = create_many(client, account.sk_live, [{"email": f"m{n}@example.com"} for n in range(2)])
    theirs = create_many(client, other.sk_test, [{"email": f"m{n}@example.com"} for n in range(4)])

    everything: dict[str, Any] = {"email": {"_like": "%"}}
    for key, expected in (
        (account.sk_test, mine),
        (account.sk_live, live),
        (other.sk_test, theirs),
    ):
        page = list_page(client, key, first=100, where=everything)
        assert sorted(ids(page)) == sorted(c["id"] for c in expected)
        assert page["totalCount"] == len(expected)
        walked = page_through(
            client, key, first=1, order_by=[{"field": "EMAIL", "direction": "ASC"}]
        )
        assert sorted(walked) == sorted(c["id"] for c in expected)
        assert all(node["id"] in {c["id"] for c in expected} for node in page["nodes"])

    # A cursor taken from another account's list reveals nothing of that account.
    foreign = list_page(client, other.sk_test, first=1)["pageInfo"]["endCursor"]
    page = list_page(client, account.sk_test, first=100, after=foreign)
    assert set(ids(page)) <= {c["id"] for c in mine}


def test_deleted_customers_leave_the_list(client: httpx.Client, account: Account) -> None:
    made = create_many(client, account.sk_test, [{"email": f"d{n}@example.com"} for n in range(4)])
    deleted = data(
        gql(
            client,
            account.sk_test,
            "mutation($id: ID!) { deleteCustomer(id: $id) { id deleted } }",
            {"id": made[1]["id"]},
        )
    )
    assert deleted["deleteCustomer"] == {"id": made[1]["id"], "deleted": True}
    page = list_page(client, account.sk_test, first=10)
    assert ids(page) == [made[3]["id"], made[2]["id"], made[0]["id"]]
    assert page["totalCount"] == 3


def test_not_equal_includes_customers_with_no_value(client: httpx.Client, account: Account) -> None:
    named = create_customer(client, account.sk_test, name="Ann")
    unnamed = create_customer(client, account.sk_test)
    other = create_customer(client, account.sk_test, name="Bob")
    query = '{ customers(where: {name: {_ne: "Ann"}}) { nodes { id } } }'
    ids = {n["id"] for n in data(gql(client, account.sk_test, query))["customers"]["nodes"]}
    assert ids == {unnamed["id"], other["id"]}
    assert named["id"] not in ids
