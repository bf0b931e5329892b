"""events.object_id: the id of the object an event is about, indexed for its timeline

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("events", sa.Column("object_id", sa.String(length=40), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE events SET object_id = data -> 'object' ->> 'id'")
    else:
        op.execute("UPDATE events SET object_id = json_extract(data, '$.object.id')")
    op.create_index(
        op.f("ix_events_account_id_livemode_object_id_sequence"),
        "events",
        ["account_id", "livemode", "object_id", "sequence"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_events_account_id_livemode_object_id_sequence"), table_name="events")
    op.drop_column("events", "object_id")
