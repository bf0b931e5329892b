"""The StateSet API's Python client.

import stateset

client = stateset.Client(api_key="sk_test_...")
order = client.orders.create(currency="usd", line_items=[...])
order = client.orders.pay(order.id, card={...})
"""

from . import _types as types
from ._bulk import Batch, BatchOperation, BatchResult, File, FileInput
from ._client import AsyncClient, Client
from ._core import NOT_GIVEN, LastResponse, NotGiven, RequestOptions
from ._errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    CardError,
    ConflictError,
    IdempotencyError,
    InvalidRequestError,
    NotFoundError,
    PermissionError,
    RateLimitError,
    SignatureVerificationError,
    StatesetError,
    SubscriberTooSlowError,
)
from ._objects import AsyncPage, Page, StatesetObject
from ._streams import AsyncByteStream, AsyncJsonLines, ByteStream, JsonLines
from ._subscribe import AsyncSubscription, Subscription
from ._version import VERSION
from ._webhook import Webhook, WebhookSignature

__version__ = VERSION

__all__ = [
    "NOT_GIVEN",
    "VERSION",
    "APIConnectionError",
    "APIError",
    "AsyncByteStream",
    "AsyncClient",
    "AsyncJsonLines",
    "AsyncPage",
    "AsyncSubscription",
    "AuthenticationError",
    "Batch",
    "BatchOperation",
    "BatchResult",
    "ByteStream",
    "CardError",
    "Client",
    "ConflictError",
    "File",
    "FileInput",
    "IdempotencyError",
    "InvalidRequestError",
    "JsonLines",
    "LastResponse",
    "NotFoundError",
    "NotGiven",
    "Page",
    "PermissionError",
    "RateLimitError",
    "RequestOptions",
    "SignatureVerificationError",
    "StatesetError",
    "StatesetObject",
    "SubscriberTooSlowError",
    "Subscription",
    "Webhook",
    "WebhookSignature",
    "types",
]
