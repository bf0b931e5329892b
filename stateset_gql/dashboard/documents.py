"""The GraphQL documents the dashboard runs, one per page read or form action.

Each is a document a client could send to ``/graphql`` itself: the dashboard has no
other way in (``console.py``). Lists are pages of 25 (``first``/``after``); nothing
counts or loads a whole table.
"""

from __future__ import annotations

PAGE_SIZE = 25

HOME = """
query DashboardHome {
  account {
    id name plan mode keyId keyType scopes
    limits { perMinute perDay burstPerSecond concurrent }
  }
}
"""

KEYS = """
query DashboardKeys($after: String) {
  apiKeys(first: 25, after: $after) {
    nodes { id type name scopes redacted revoked created }
    pageInfo { hasNextPage endCursor }
  }
}
"""

KEY = """
query DashboardKey($id: ID!) {
  apiKeys(first: 1, where: {id: {_eq: $id}}) {
    nodes { id type name scopes redacted revoked created }
  }
}
"""

CREATE_KEY = """
mutation DashboardCreateKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { id type name scopes redacted secret }
}
"""

REVOKE_KEY = """
mutation DashboardRevokeKey($id: ID!) { revokeApiKey(id: $id) { id deleted } }
"""

ENDPOINT_FIELDS = "id url enabledEvents description status created"

ENDPOINTS = f"""
query DashboardEndpoints($after: String) {{
  webhookEndpoints(first: 25, after: $after) {{
    nodes {{ {ENDPOINT_FIELDS} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""

DELIVERIES_FIELDS = """
webhookDeliveries(endpointId: $id, first: 25) {
  nodes {
    id eventId eventType status created nextAttemptAt
    attempts { attemptedAt statusCode durationMs error responseBody }
  }
}
"""

ENDPOINT = f"""
query DashboardEndpoint($id: ID!) {{
  webhookEndpoint(id: $id) {{ {ENDPOINT_FIELDS} }}
  {DELIVERIES_FIELDS}
}}
"""

DELIVERIES = f"""
query DashboardDeliveries($id: ID!) {{
  {DELIVERIES_FIELDS}
}}
"""

CREATE_ENDPOINT = f"""
mutation DashboardCreateEndpoint($input: CreateWebhookEndpointInput!) {{
  createWebhookEndpoint(input: $input) {{ {ENDPOINT_FIELDS} secret }}
}}
"""

UPDATE_ENDPOINT = f"""
mutation DashboardUpdateEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {{
  updateWebhookEndpoint(id: $id, input: $input) {{ {ENDPOINT_FIELDS} }}
}}
"""

ROTATE_SECRET = """
mutation DashboardRotateSecret($id: ID!, $expire: Int!) {
  rotateWebhookSecret(id: $id, expirePreviousIn: $expire) { id secret }
}
"""

SEND_TEST = """
mutation DashboardSendTest($id: ID!, $type: String!) {
  sendTestWebhook(id: $id, type: $type) { id eventType status }
}
"""

REDELIVER = """
mutation DashboardRedeliver($id: ID!) {
  redeliverWebhook(id: $id) { id endpointId status }
}
"""

EVENTS = """
query DashboardEvents($after: String, $type: String) {
  events(first: 25, after: $after, type: $type) {
    nodes { id type created sequence request { id idempotencyKey } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

EVENT = """
query DashboardEvent($id: ID!) {
  event(id: $id) { id type created sequence livemode data request { id idempotencyKey } }
  webhookEndpoints(first: 25) { nodes { id url } }
}
"""

DELIVERY_FIELDS = """
id endpointId eventType status created
attempts { attemptedAt statusCode durationMs error responseBody }
"""


def event_deliveries(endpoints: int) -> str:
    """One event's deliveries to each of ``endpoints`` endpoints, in one document (one
    request against the key's rate limits): ``d0`` for ``$e0``, ``d1`` for ``$e1``..."""
    params = "".join(f", $e{i}: ID!" for i in range(endpoints))
    fields = "".join(
        f"d{i}: webhookDeliveries(endpointId: $e{i}, first: 10, "
        f"where: {{eventId: {{_eq: $event}}}}) {{ nodes {{ {DELIVERY_FIELDS} }} }}\n"
        for i in range(endpoints)
    )
    return f"query DashboardEventDeliveries($event: ID!{params}) {{\n{fields}}}"


ORDERS = """
query DashboardOrders($after: String, $where: OrderWhere) {
  orders(first: 25, after: $after, where: $where) {
    nodes { id status amount currency customerId location created }
    pageInfo { hasNextPage endCursor }
  }
}
"""

ORDER = """
query DashboardOrder($id: ID!) {
  order(id: $id) {
    id status amount amountPaid amountRefunded currency customerId location created
    carrier trackingNumber paidAt shippedAt deliveredAt cancelledAt
    lineItems { sku name quantity unitAmount }
  }
}
"""

# An object's events, oldest first: an order's timeline.
OBJECT_EVENTS = """
query DashboardObjectEvents($id: ID!) {
  events(first: 100, where: {objectId: {_eq: $id}}, orderBy: [{field: SEQUENCE}]) {
    nodes { id type created request { id } }
  }
}
"""

CUSTOMERS = """
query DashboardCustomers($after: String, $where: CustomerWhere) {
  customers(first: 25, after: $after, where: $where) {
    nodes { id email name phone created }
    pageInfo { hasNextPage endCursor }
  }
}
"""

INVENTORY = """
query DashboardInventory($after: String, $where: InventoryItemWhere) {
  inventoryItems(first: 25, after: $after, where: $where) {
    nodes { id sku name location onHand reserved available created }
    pageInfo { hasNextPage endCursor }
  }
}
"""

RETURNS = """
query DashboardReturns($after: String, $where: ReturnWhere) {
  returns(first: 25, after: $after, where: $where) {
    nodes { id orderId status reason refundAmount currency created }
    pageInfo { hasNextPage endCursor }
  }
}
"""

REQUEST_LOG_FIELDS = (
    "id method path status durationMs apiKeyId idempotencyKey graphqlOperation created"
)

REQUEST_LOGS = f"""
query DashboardRequestLogs($after: String, $where: RequestLogWhere) {{
  requestLogs(first: 25, after: $after, where: $where) {{
    nodes {{ {REQUEST_LOG_FIELDS} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""

REQUEST_LOG = f"""
query DashboardRequestLog($id: ID!) {{
  requestLog(id: $id) {{ {REQUEST_LOG_FIELDS} error livemode }}
}}
"""

LAST_ERRORS = f"""
query DashboardLastErrors($since: DateOrDateTime!, $key: ID!) {{
  requestLogs(first: 5, where: {{status: {{_gte: 400}}}}) {{ nodes {{ {REQUEST_LOG_FIELDS} }} }}
  today: requestLogs(first: 1, where: {{created: {{_gte: $since}}, apiKeyId: {{_eq: $key}}}}) {{
    totalCount
  }}
}}
"""
