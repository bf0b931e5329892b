"""request_logs: every authenticated API request, kept 30 days (API.md section 15)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from stateset_gql.db.base import JSONType, UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "request_logs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("livemode", sa.Boolean(), nullable=False),
        sa.Column("api_key_id", sa.String(length=40), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("graphql_operation", sa.String(length=200), nullable=True),
        sa.Column("error", JSONType, nullable=True),
        sa.Column("created", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"],
            name=op.f("fk_request_logs_account_id_accounts"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_logs")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_request_logs_account_id_livemode_created_id"),
        "request_logs",
        ["account_id", "livemode", "created", "id"],
    )
    op.create_index(
        op.f("ix_request_logs_account_id_livemode_path_created"),
        "request_logs",
        ["account_id", "livemode", "path", "created"],
    )
    op.create_index(op.f("ix_request_logs_created"), "request_logs", ["created"])


def downgrade() -> None:
    op.drop_index(op.f("ix_request_logs_created"), table_name="request_logs")
    op.drop_index(
        op.f("ix_request_logs_account_id_livemode_path_created"), table_name="request_logs"
    )
    op.drop_index(
        op.f("ix_request_logs_account_id_livemode_created_id"), table_name="request_logs"
    )
    op.drop_table("request_logs")
