"""Generated from sdks/manifest.json by sdks/generate.py: do not edit by hand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, NotRequired, TypedDict

from ._objects import StatesetObject

# Enums: the values REST sends and accepts.
ApiKeyType = Literal["sk", "rk", "pk"]
CustomerSubscriptionInterval = Literal["week", "month", "year"]
CustomerSubscriptionStatus = Literal["active", "cancelled"]
JobErrorPolicy = Literal["continue", "stop"]
JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
JobType = Literal["bulk_mutation", "bulk_query"]
Mode = Literal["test", "live"]
OrderStatus = Literal[
    "pending",
    "paid",
    "processing",
    "shipped",
    "delivered",
    "cancelled",
    "refunded",
]
PaymentMethod = Literal["card", "external"]
PaymentStatus = Literal["succeeded", "failed"]
Plan = Literal["free", "starter", "growth", "scale", "enterprise"]
RefundStatus = Literal["succeeded"]
ReturnStatus = Literal["requested", "approved", "received", "processed", "rejected"]
WebhookDeliveryStatus = Literal["pending", "succeeded", "failed"]
WebhookEndpointStatus = Literal["enabled", "disabled"]


@dataclass(kw_only=True)
class Account(StatesetObject):
    """Who is calling: the account, mode, key type, scopes and plan."""

    id: str
    object: str
    name: str
    plan: Plan
    livemode: bool
    mode: Mode
    key_id: str
    key_type: ApiKeyType
    scopes: list[str]
    limits: RateLimits


@dataclass(kw_only=True)
class Address(StatesetObject):
    """A Address as REST answers it."""

    line1: str | None
    line2: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None


@dataclass(kw_only=True)
class ApiKey(StatesetObject):
    """A ApiKey as REST answers it."""

    id: str
    object: str
    livemode: bool
    created: str
    updated: str
    type: ApiKeyType
    name: str | None
    scopes: list[str]
    redacted: str
    revoked: bool
    secret: str | None


@dataclass(kw_only=True)
class Customer(StatesetObject):
    """A Customer as REST answers it."""

    id: str
    object: str
    livemode: bool
    created: str
    updated: str
    email: str
    name: str | None
    phone: str | None
    address: Address | None
    metadata: Any


@dataclass(kw_only=True)
class CustomerSubscription(StatesetObject):
    """A CustomerSubscription as REST answers it."""

    id: str
    object: str
    livemode: bool
    created: str
    updated: str
    customer_id: str
    plan: str
    amount: int
    currency: str
    interval: CustomerSubscriptionInterval
    status: CustomerSubscriptionStatus
    current_period_start: str
    current_period_end: str
    cancelled_at: str | None
    metadata: Any


@dataclass(kw_only=True)
class DeletedObject(StatesetObject):
    """What a delete answers: the id, the object's type, and `deleted`."""

    id: str
    object: str
    deleted: bool


@dataclass(kw_only=True)
class Event(StatesetObject):
    """A Event as REST answers it."""

    id: str
    object: str
    type: str
    api_version: str
    created: str
    livemode: bool
    account: str
    sequence: int
    data: Any
    request: EventRequest


@dataclass(kw_only=True)
class EventRequest(StatesetObject):
    """A EventRequest as REST answers it."""

    id: str | None
    idempotency_key: str | None


@dataclass(kw_only=True)
class InventoryItem(StatesetObject):
    """Stock of one sku at one location."""

    id: str
    object: str
    livemode: bool
    created: str
    updated: str
    sku: str
    name: str
    location: str
    on_hand: int
    reserved: int
    available: int
    low_stock_threshold: int
    metadata: Any


@dataclass(kw_only=True)
class Job(StatesetObject):
    """A bulk job: a mutation run once a line of variables, or a query exported. Its results: `GET
    /v1/jobs/{id}/results` (JSONL).
    """

    id: str
    object: str
    type: JobType
    status: JobStatus
    total: int
    processed: int
    succeeded: int
    failed: int
    error_policy: JobErrorPolicy
    error: Any
    created: str
    started_at: str | None
    finished_at: str | None
    results_expires_at: str | None
    livemode: bool


@dataclass(kw_only=True)
class LineItem(StatesetObject):
    """A LineItem as REST answers it."""

    sku: str
    name: str
    quantity: int
    unit_amount: int
    amount: int


@dataclass(kw_only=True)
class Order(StatesetObject):
    """A Order as REST answers it."""

    id: str
    object: str
    livemode: bool
    created: str
    updated: str
    customer_id: str | None
    currency: str
    subtotal: int
    tax: int
    shipping_cost: int
    amount: int
    amount_paid: int
    amount_refunded: int
    status: OrderStatus
    location: str
    shipping_address: Address | None
    carrier: str | None
    tracking_number: str | None
    cancellation_reason: str | None
    paid_at: str | None
    shipped_at: str | None
    delivered_at: str | None
    cancelled_at: str | None
    metadata: Any
    line_items: list[LineItem]
    payments: list[Payment]
    refunds: list[Refund]


@dataclass(kw_only=True)
class Payment(StatesetObject):
    """A Payment as REST answers it."""

    id: str
    object: str
    livemode: bool
    created: str
    updated: str
    metadata: Any
    order_id: str
    amount: int
    currency: str
    status: PaymentStatus
    method: PaymentMethod
    card: PaymentCard | None
    decline_code: str | None
    failure_message: str | None
    external_reference: str | None


@dataclass(kw_only=True)
class PaymentCard(StatesetObject):
    """What is kept of a card: never its number or security code."""

    brand: str
    last4: str
    exp_month: int | None
    exp_year: int | None


@dataclass(kw_only=True)
class RateLimits(StatesetObject):
    """The plan's request limits for one key."""

    per_minute: int | None
    per_day: int | None
    burst_per_second: int | None
    concurrent: int | None


@dataclass(kw_only=True)
class Refund(StatesetObject):
    """A Refund as REST answers it."""

    id: str
    object: str
    livemode: bool
    created: str
    updated: str
    metadata: Any
    order_id: str
    payment_id: str | None
    amount: int
    currency: str
    reason: str | None
    status: RefundStatus


@dataclass(kw_only=True)
class RequestLog(StatesetObject):
    """One API request as it was answered (kept 30 days); its id is the response's `X-Request-Id`.
    Never a key's secret, a card number or a request body.
    """

    id: str
    object: str
    method: str
    path: str
    status: int
    duration_ms: float
    api_key_id: str
    idempotency_key: str | None
    graphql_operation: str | None
    error: Any
    created: str
    livemode: bool


@dataclass(kw_only=True)
class Return(StatesetObject):
    """A Return as REST answers it."""

    id: str
    object: str
    livemode: bool
    created: str
    updated: str
    order_id: str
    status: ReturnStatus
    reason: str | None
    rejection_reason: str | None
    restock: bool
    refund_amount: int | None
    refund_id: str | None
    currency: str
    approved_at: str | None
    received_at: str | None
    processed_at: str | None
    rejected_at: str | None
    metadata: Any
    items: list[ReturnItem]


@dataclass(kw_only=True)
class ReturnItem(StatesetObject):
    """A ReturnItem as REST answers it."""

    sku: str
    quantity: int


@dataclass(kw_only=True)
class WebhookAttempt(StatesetObject):
    """A WebhookAttempt as REST answers it."""

    attempted_at: str
    status_code: int | None
    duration_ms: int
    error: str | None
    response_body: str | None


@dataclass(kw_only=True)
class WebhookDelivery(StatesetObject):
    """A WebhookDelivery as REST answers it."""

    id: str
    object: str
    livemode: bool
    created: str
    updated: str
    endpoint_id: str
    event_id: str
    event_type: str
    status: WebhookDeliveryStatus
    attempts: list[WebhookAttempt]
    next_attempt_at: str | None
    metadata: Any


@dataclass(kw_only=True)
class WebhookEndpoint(StatesetObject):
    """A WebhookEndpoint as REST answers it."""

    id: str
    object: str
    livemode: bool
    created: str
    updated: str
    url: str
    enabled_events: list[str]
    description: str | None
    status: WebhookEndpointStatus
    secret: str | None
    metadata: Any


class AddressInput(TypedDict):
    """The body of AddressInput."""

    line1: NotRequired[str | None]
    line2: NotRequired[str | None]
    city: NotRequired[str | None]
    state: NotRequired[str | None]
    postal_code: NotRequired[str | None]
    country: NotRequired[str | None]


class AdjustInventoryInput(TypedDict):
    """A counted change of stock on hand: positive adds, negative removes."""

    delta: int
    reason: NotRequired[str | None]


class CardInput(TypedDict):
    """A test card (test mode only)."""

    number: str
    exp_month: int
    exp_year: int
    cvc: str


class CreateApiKeyInput(TypedDict):
    """The body of CreateApiKeyInput."""

    type: ApiKeyType
    name: NotRequired[str | None]
    scopes: NotRequired[list[str] | None]


class CreateCustomerInput(TypedDict):
    """The body of CreateCustomerInput."""

    email: str
    name: NotRequired[str | None]
    phone: NotRequired[str | None]
    address: NotRequired[AddressInput | None]
    metadata: NotRequired[Any]


class CreateCustomerSubscriptionInput(TypedDict):
    """The body of CreateCustomerSubscriptionInput."""

    customer_id: str
    plan: str
    amount: int
    currency: str
    interval: CustomerSubscriptionInterval
    metadata: NotRequired[Any]


class CreateInventoryItemInput(TypedDict):
    """The body of CreateInventoryItemInput."""

    sku: str
    name: str
    location: NotRequired[str | None]
    on_hand: NotRequired[int | None]
    low_stock_threshold: NotRequired[int | None]
    metadata: NotRequired[Any]


class CreateJobInput(TypedDict):
    """A job, as `POST /v1/jobs` takes it."""

    type: JobType
    mutation: NotRequired[str | None]
    query: NotRequired[str | None]
    variables_file: NotRequired[str | None]
    variables: NotRequired[list[Any] | None]
    error_policy: NotRequired[JobErrorPolicy | None]


class CreateOrderInput(TypedDict):
    """The body of CreateOrderInput."""

    currency: str
    line_items: list[LineItemInput]
    customer_id: NotRequired[str | None]
    tax: NotRequired[int | None]
    shipping_cost: NotRequired[int | None]
    location: NotRequired[str | None]
    shipping_address: NotRequired[AddressInput | None]
    metadata: NotRequired[Any]


class CreateReturnInput(TypedDict):
    """The body of CreateReturnInput."""

    order_id: str
    items: list[ReturnItemInput]
    reason: NotRequired[str | None]
    restock: NotRequired[bool | None]
    metadata: NotRequired[Any]


class CreateWebhookEndpointInput(TypedDict):
    """The body of CreateWebhookEndpointInput."""

    url: str
    enabled_events: list[str]
    description: NotRequired[str | None]
    metadata: NotRequired[Any]


class LineItemInput(TypedDict):
    """The body of LineItemInput."""

    sku: str
    name: str
    quantity: int
    unit_amount: int


class PayOrderInput(TypedDict):
    """Test mode pays with `card`; live mode records a payment taken elsewhere with
    `externalReference`.
    """

    card: NotRequired[CardInput | None]
    external_reference: NotRequired[str | None]


class ProcessReturnInput(TypedDict):
    """The body of ProcessReturnInput."""

    refund_amount: NotRequired[int | None]


class RefundOrderInput(TypedDict):
    """`amount` defaults to all that is still refundable."""

    amount: NotRequired[int | None]
    reason: NotRequired[str | None]


class ReturnItemInput(TypedDict):
    """The body of ReturnItemInput."""

    sku: str
    quantity: int


class ShipOrderInput(TypedDict):
    """The body of ShipOrderInput."""

    carrier: str
    tracking_number: str


class TransferInventoryInput(TypedDict):
    """Moves available stock of one sku between two locations."""

    sku: str
    from_location: str
    to_location: str
    quantity: int


class UpdateCustomerInput(TypedDict):
    """Fields to change; a metadata key set to "" is removed."""

    email: NotRequired[str | None]
    name: NotRequired[str | None]
    phone: NotRequired[str | None]
    address: NotRequired[AddressInput | None]
    metadata: NotRequired[Any]


class UpdateInventoryItemInput(TypedDict):
    """Fields to change; a metadata key set to "" is removed. Stock changes only through
    `adjustInventory`, orders and transfers.
    """

    name: NotRequired[str | None]
    low_stock_threshold: NotRequired[int | None]
    metadata: NotRequired[Any]


class UpdateOrderInput(TypedDict):
    """Fields to change. Only metadata (a key set to "" is removed) may change once the order is no
    longer pending.
    """

    customer_id: NotRequired[str | None]
    tax: NotRequired[int | None]
    shipping_cost: NotRequired[int | None]
    shipping_address: NotRequired[AddressInput | None]
    metadata: NotRequired[Any]


class UpdateWebhookEndpointInput(TypedDict):
    """Fields to change; a metadata key set to "" is removed."""

    url: NotRequired[str | None]
    enabled_events: NotRequired[list[str] | None]
    description: NotRequired[str | None]
    status: NotRequired[WebhookEndpointStatus | None]
    metadata: NotRequired[Any]


# The fields holding objects, which StatesetObject.construct builds.
Account._nested = {
    "limits": RateLimits,
}
Customer._nested = {
    "address": Address,
}
Event._nested = {
    "request": EventRequest,
}
Order._nested = {
    "shipping_address": Address,
    "line_items": LineItem,
    "payments": Payment,
    "refunds": Refund,
}
Payment._nested = {
    "card": PaymentCard,
}
Return._nested = {
    "items": ReturnItem,
}
WebhookDelivery._nested = {
    "attempts": WebhookAttempt,
}
