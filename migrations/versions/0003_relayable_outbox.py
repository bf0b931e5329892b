"""relayable outbox: events.published_at, and event data kept as written

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 23:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import stateset_gql.db.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNPUBLISHED = sa.text("published_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(
            sa.Column("published_at", stateset_gql.db.base.UTCDateTime(timezone=True))
        )
        batch.alter_column(
            "data",
            existing_type=sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            type_=sa.JSON(),
            postgresql_using="data::json",
        )
    # Events written before this revision were published when they committed.
    op.execute("UPDATE events SET published_at = created")
    op.create_index(
        "ix_events_unpublished",
        "events",
        ["created"],
        postgresql_where=UNPUBLISHED,
        sqlite_where=UNPUBLISHED,
    )


def downgrade() -> None:
    op.drop_index("ix_events_unpublished", table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.alter_column(
            "data",
            existing_type=sa.JSON(),
            type_=sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            postgresql_using="data::jsonb",
        )
        batch.drop_column("published_at")
