"""A small REST client for tests: every call names its key, returns the raw response."""

from __future__ import annotations

from typing import Any

import httpx

CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"}


class Rest:
    def __init__(self, client: httpx.Client, key: str) -> None:
        self.client = client
        self.key = key

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}", **(extra or {})}

    def get(self, path: str, params: Any = None, **headers: str) -> httpx.Response:
        return self.client.get(path, params=params, headers=self._headers(headers))

    def post(
        self, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return self.client.post(
            path, json=body if body is not None else {}, headers=self._headers(headers)
        )

    def patch(self, path: str, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.client.patch(path, json=body, headers=self._headers(headers))

    def delete(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.client.delete(path, headers=self._headers(headers))

    def ok(self, response: httpx.Response, status: int = 200) -> Any:
        assert response.status_code == status, response.text
        return response.json()


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["request_id"] == response.headers["x-request-id"]
    result: dict[str, Any] = body["error"]
    return result


def stocked_order(
    rest: Rest, sku: str = "SKU-1", *, quantity: int = 1, stock: int = 10
) -> dict[str, Any]:
    """A pending order of ``quantity`` units of a freshly stocked sku."""
    rest.ok(rest.post("/v1/inventory", {"sku": sku, "name": sku, "on_hand": stock}), 201)
    order: dict[str, Any] = rest.ok(
        rest.post(
            "/v1/orders",
            {
                "currency": "usd",
                "line_items": [
                    {"sku": sku, "name": sku, "quantity": quantity, "unit_amount": 1250}
                ],
            },
        ),
        201,
    )
    return order
