from __future__ import annotations

import httpx

from tests.support import Account, create_customer, data, gql


def test_a_customer_created_with_a_test_key_is_listed(
    client: httpx.Client, account: Account
) -> None:
    created = create_customer(client, account.sk_test, email="ana@example.com", name="Ana")
    listed = data(gql(client, account.sk_test, "{ customers { totalCount nodes { id email } } }"))
    assert listed["customers"]["totalCount"] == 1
    assert listed["customers"]["nodes"] == [{"id": created["id"], "email": "ana@example.com"}]
