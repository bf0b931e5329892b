"""jobs: bulk mutations and exports run by the worker (API.md section 14)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-09 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from stateset_gql.db.base import JSONType, UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("livemode", sa.Boolean(), nullable=False),
        sa.Column("api_key_id", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("variables", JSONType, nullable=True),
        sa.Column("variables_file_id", sa.String(length=40), nullable=True),
        sa.Column("error_policy", sa.String(length=10), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("processed", sa.BigInteger(), nullable=False),
        sa.Column("succeeded", sa.BigInteger(), nullable=False),
        sa.Column("failed", sa.BigInteger(), nullable=False),
        sa.Column("error", JSONType, nullable=True),
        sa.Column("validated", sa.Boolean(), nullable=False),
        sa.Column("next_line", sa.BigInteger(), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("lease_token", sa.String(length=40), nullable=True),
        sa.Column("lease_until", UTCDateTime(timezone=True), nullable=True),
        sa.Column("request_id", sa.String(length=40), nullable=True),
        sa.Column("created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated", UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("results_expires_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"],
            name=op.f("fk_jobs_account_id_accounts"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )  # fmt: skip
    op.create_index(op.f("ix_jobs_status_created"), "jobs", ["status", "created"])
    op.create_index(
        op.f("ix_jobs_account_id_livemode_created_id"),
        "jobs",
        ["account_id", "livemode", "created", "id"],
    )
    op.create_index(op.f("ix_jobs_results_expires_at"), "jobs", ["results_expires_at"])
    op.create_table(
        "job_result_parts",
        sa.Column("job_id", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"],
            name=op.f("fk_job_result_parts_job_id_jobs"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", "number", name=op.f("pk_job_result_parts")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("job_result_parts")
    op.drop_index(op.f("ix_jobs_results_expires_at"), table_name="jobs")
    op.drop_index(op.f("ix_jobs_account_id_livemode_created_id"), table_name="jobs")
    op.drop_index(op.f("ix_jobs_status_created"), table_name="jobs")
    op.drop_table("jobs")
