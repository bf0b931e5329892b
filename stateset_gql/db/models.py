"""Every table, imported in one place for Alembic and for tests."""

from stateset_gql.access.models import Account, ApiKey, IdempotencyRecord
from stateset_gql.customers.models import Customer
from stateset_gql.db.base import Base
from stateset_gql.events.models import Event, EventCounter

__all__ = ["Account", "ApiKey", "Base", "Customer", "Event", "EventCounter", "IdempotencyRecord"]
