"""events numbered at commit: on PostgreSQL a deferred trigger takes the account's event
counter as the transaction commits, not at its last statement

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 02:00:00

An event is inserted without its ``sequence``; at commit, a constraint trigger deferred to
the end of the transaction numbers each of the transaction's events, in the order they
were inserted, from the owner's ``event_counters`` row. The counter's lock is then held
from the commit's start to its end, inside the server, instead of from the request's last
statement across a round trip and a turn of the client's event loop to its COMMIT. The
lock is still released only once the commit is visible, so sequences still follow commit
order. SQLite, whose writers are serialized by the database itself, numbers in the
transaction as before; the column is nullable on both.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NUMBER_EVENT = """
CREATE FUNCTION stateset_number_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    numbered bigint;
BEGIN
    UPDATE event_counters SET value = value + 1
    WHERE account_id = NEW.account_id AND livemode = NEW.livemode
    RETURNING value INTO numbered;
    IF numbered IS NULL THEN
        RAISE EXCEPTION 'no event counter for account % (livemode %)',
            NEW.account_id, NEW.livemode;
    END IF;
    UPDATE events SET sequence = numbered WHERE id = NEW.id;
    RETURN NULL;
END
$$
"""

NUMBER_AT_COMMIT = """
CREATE CONSTRAINT TRIGGER events_numbered_at_commit
AFTER INSERT ON events
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW WHEN (NEW.sequence IS NULL)
EXECUTE FUNCTION stateset_number_event()
"""


def upgrade() -> None:
    with op.batch_alter_table("events") as batch_op:
        batch_op.alter_column("sequence", existing_type=sa.BigInteger(), nullable=True)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NUMBER_EVENT)
        op.execute(NUMBER_AT_COMMIT)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER events_numbered_at_commit ON events")
        op.execute("DROP FUNCTION stateset_number_event()")
    with op.batch_alter_table("events") as batch_op:
        batch_op.alter_column("sequence", existing_type=sa.BigInteger(), nullable=False)
