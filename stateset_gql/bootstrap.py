"""First-run chores: the demo account of an empty development database."""

from __future__ import annotations

from sqlalchemy import func, select

from stateset_gql.access import service
from stateset_gql.access.models import Account
from stateset_gql.db.engine import Database
from stateset_gql.settings import Settings


def makes_demo_account(settings: Settings) -> bool:
    """Only a development process on the embedded database makes one: a PostgreSQL
    database may be shared or on its way to production, and a secret key printed into
    its logs would outlive the demo."""
    return settings.env == "development" and settings.is_sqlite


async def ensure_demo_account(db: Database) -> str | None:
    """Creates the demo account when there is none; returns its sk_test_ key, once."""
    async with db.session(write=True) as session, session.begin():
        count = (await session.execute(select(func.count()).select_from(Account))).scalar_one()
        if count:
            return None
        _account, keys = await service.create_account(session=session, name="Demo", plan="free")
        return keys["sk_test"].secret
