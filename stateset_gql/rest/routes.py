"""The route table: each REST route is one GraphQL root field (API.md section 10).

Adding a route is one line here; the engine derives arguments, the selection, the
response shape and the OpenAPI description from the schema. ``EXCLUDED`` names the root
fields that deliberately have no route, and a test fails when a field is in neither.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RestRoute:
    method: str
    path: str
    field: str
    # 201 for creation; everything else that succeeds is 200.
    status: int = 200
    # Path parameters whose GraphQL argument has another name: (("id", "endpointId"),).
    rename: tuple[tuple[str, str], ...] = ()
    summary: str = ""
    # The SDK method's name where the path's last segment is not it (API.md section 17).
    method_name: str = ""

    @property
    def is_mutation(self) -> bool:
        return self.method != "GET"


def _resource(
    plural: str, path: str, *, one: str, create: str | None = None, update: str | None = None,
    delete: str | None = None,
) -> list[RestRoute]:  # fmt: skip
    routes = [
        RestRoute("GET", path, plural, summary=f"List {plural}"),
        RestRoute("GET", f"{path}/{{id}}", one, summary=f"Retrieve one {one}"),
    ]
    if create:
        routes.append(RestRoute("POST", path, create, status=201, summary=f"Create a {one}"))
    if update:
        routes.append(RestRoute("PATCH", f"{path}/{{id}}", update, summary=f"Update a {one}"))
    if delete:
        routes.append(RestRoute("DELETE", f"{path}/{{id}}", delete, summary=f"Delete a {one}"))
    return routes


def _actions(path: str, actions: dict[str, str]) -> list[RestRoute]:
    return [
        RestRoute("POST", f"{path}/{{id}}/{action}", name, summary=action.capitalize())
        for action, name in actions.items()
    ]


ROUTES: list[RestRoute] = [
    RestRoute("GET", "/v1/account", "account", summary="The calling key's account"),
    *_resource(
        "customers", "/v1/customers", one="customer",
        create="createCustomer", update="updateCustomer", delete="deleteCustomer",
    ),
    *_resource(
        "orders", "/v1/orders", one="order", create="createOrder", update="updateOrder",
    ),
    *_actions("/v1/orders", {
        "pay": "payOrder", "process": "processOrder", "ship": "shipOrder",
        "deliver": "deliverOrder", "cancel": "cancelOrder", "refund": "refundOrder",
    }),
    RestRoute(
        "POST", "/v1/inventory/transfers", "transferInventory", summary="Transfer stock",
        method_name="transfer",
    ),
    *_resource(
        "inventoryItems", "/v1/inventory", one="inventoryItem",
        create="createInventoryItem", update="updateInventoryItem",
    ),
    *_actions("/v1/inventory", {"adjust": "adjustInventory"}),
    *_resource("returns", "/v1/returns", one="return", create="createReturn"),
    *_actions("/v1/returns", {
        "approve": "approveReturn", "receive": "receiveReturn",
        "process": "processReturn", "reject": "rejectReturn",
    }),
    *_resource(
        "customerSubscriptions", "/v1/subscriptions", one="customerSubscription",
        create="createCustomerSubscription",
    ),
    *_actions("/v1/subscriptions", {"cancel": "cancelCustomerSubscription"}),
    *_resource("events", "/v1/events", one="event"),
    *_resource("requestLogs", "/v1/request_logs", one="requestLog"),
    *_resource(
        "webhookEndpoints", "/v1/webhook_endpoints", one="webhookEndpoint",
        create="createWebhookEndpoint", update="updateWebhookEndpoint",
        delete="deleteWebhookEndpoint",
    ),
    RestRoute(
        "POST", "/v1/webhook_endpoints/{id}/rotate_secret", "rotateWebhookSecret",
        summary="Rotate the signing secret",
    ),
    RestRoute(
        "POST", "/v1/webhook_endpoints/{id}/test", "sendTestWebhook",
        summary="Send a test.webhook event",
    ),
    RestRoute(
        "GET", "/v1/webhook_endpoints/{id}/deliveries", "webhookDeliveries",
        rename=(("id", "endpointId"),), summary="List an endpoint's deliveries",
    ),
    RestRoute(
        "GET", "/v1/webhook_deliveries/{id}", "webhookDelivery",
        summary="Retrieve one webhook delivery",
    ),
    RestRoute(
        "POST", "/v1/webhook_deliveries/{id}/redeliver", "redeliverWebhook",
        summary="Attempt a delivery once more, now",
    ),
    *_resource("jobs", "/v1/jobs", one="job", create="createJob"),
    *_actions("/v1/jobs", {"cancel": "cancelJob"}),
    RestRoute("GET", "/v1/api_keys", "apiKeys", summary="List API keys"),
    RestRoute("POST", "/v1/api_keys", "createApiKey", status=201, summary="Create an API key"),
    RestRoute("DELETE", "/v1/api_keys/{id}", "revokeApiKey", summary="Revoke an API key"),
]  # fmt: skip

# Root fields served by GraphQL alone, and why.
EXCLUDED: dict[str, str] = {
    "node": "GraphQL's global lookup; REST addresses each resource by its own path",
    "runBulkMutation": "GraphQL's spelling of POST /v1/jobs with type bulk_mutation",
    "runBulkQuery": "GraphQL's spelling of POST /v1/jobs with type bulk_query",
}
