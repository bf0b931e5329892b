"""Every table, imported in one place for Alembic and for tests."""

from stateset_gql.access.models import Account, ApiKey, IdempotencyRecord
from stateset_gql.customers.models import Customer
from stateset_gql.db.base import Base
from stateset_gql.events.models import Event, EventCounter
from stateset_gql.files.models import File, FileChunk
from stateset_gql.inventory.models import InventoryItem
from stateset_gql.jobs.models import Job, JobResultPart
from stateset_gql.orders.models import Order, OrderLineItem
from stateset_gql.payments.models import Payment, Refund
from stateset_gql.requestlogs.models import RequestLog
from stateset_gql.returns.models import Return, ReturnItem
from stateset_gql.subscriptions.models import CustomerSubscription
from stateset_gql.webhooks.models import WebhookCursor, WebhookDelivery, WebhookEndpoint

__all__ = [
    "Account",
    "ApiKey",
    "Base",
    "Customer",
    "CustomerSubscription",
    "Event",
    "EventCounter",
    "File",
    "FileChunk",
    "IdempotencyRecord",
    "InventoryItem",
    "Job",
    "JobResultPart",
    "Order",
    "OrderLineItem",
    "Payment",
    "Refund",
    "RequestLog",
    "Return",
    "ReturnItem",
    "WebhookCursor",
    "WebhookDelivery",
    "WebhookEndpoint",
]
