"""What the session's transaction has inserted, so its children need no query.

A row inserted by this transaction can only have children this transaction inserted
too: no other transaction sees it before the commit, and so none can refer to it. Every
child table here is written through the ORM, so its new rows pass through the session.
``children_of_new`` answers the children of such a parent from those rows, and the
order's line items, payments and refunds that ``createOrder`` just wrote (and that its
answer and its event render) are not read back.

The record is the session's (``session.info``), kept by session events: an object joins
it when its INSERT is flushed; the record is emptied when the transaction ends and on any
rollback (a savepoint's too, whose rows are gone). A row deleted since, one with an
attribute the database would have to refresh, or a table written by a statement of its
own (``session.execute(insert(...))``, not a flush) makes the caller query as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import TextClause, event, inspect
from sqlalchemy.orm import InstrumentedAttribute, ORMExecuteState, Session, SessionTransaction

_RECORD = "stateset.inserted"
# In the record: tables written by a statement of their own ("*": any table, unknown).
_WRITTEN = "*written"
_WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _record(session: Session) -> dict[str, dict[Any, Any]]:
    record: dict[str, dict[Any, Any]] = session.info.setdefault(_RECORD, {})
    return record


@event.listens_for(Session, "pending_to_persistent")
def _inserted(session: Session, instance: Any) -> None:
    state = inspect(instance)
    table = state.mapper.local_table.name
    _record(session).setdefault(table, {})[state.identity] = instance


@event.listens_for(Session, "do_orm_execute")
def _statement(state: ORMExecuteState) -> None:
    statement: Any = state.statement
    if state.is_insert or state.is_update or state.is_delete:
        # ``select(Model).from_statement(update(...))`` wraps the DML as its ``element``.
        dml = getattr(statement, "element", statement)
        table = getattr(getattr(dml, "table", None), "name", "*")
    elif isinstance(statement, TextClause) and _WRITES.search(statement.text):
        table = "*"
    else:
        return
    _record(state.session).setdefault(_WRITTEN, {})[table] = True


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, _previous: SessionTransaction) -> None:
    session.info.pop(_RECORD, None)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_RECORD, None)


def _parent_table(parent: InstrumentedAttribute[Any]) -> str | None:
    columns: Sequence[Any] = getattr(parent.property, "columns", ())
    keys = list(columns[0].foreign_keys) if len(columns) == 1 else []
    return keys[0].column.table.name if len(keys) == 1 else None


def children_of_new(
    session: Session,
    *,
    model: type[Any],
    parent: InstrumentedAttribute[Any],
    keys: Sequence[Any],
    order_by: Sequence[Any],
) -> dict[Any, list[Any]] | None:
    """For the keys whose parent row this transaction inserted, their children in
    ``order_by`` order (plain columns only); None when that cannot be told safely."""
    record = session.info.get(_RECORD)
    table = _parent_table(parent)
    child_table = inspect(model).local_table.name
    written = record.get(_WRITTEN, {}) if record else {}
    if not record or table is None or table not in record or "*" in written:
        return None
    if child_table in written:
        return None
    new = {key for key in keys if (key,) in record[table]}
    if not new:
        return None
    if not all(isinstance(o, InstrumentedAttribute) for o in order_by):
        return None
    found: dict[Any, list[Any]] = {key: [] for key in new}
    for row in record.get(child_table, {}).values():
        if not isinstance(row, model):
            continue
        state = inspect(row)
        if state.deleted or state.was_deleted or state.detached or state.expired_attributes:
            return None
        owner = getattr(row, parent.key)
        if owner in found:
            found[owner].append(row)
    names = [o.key for o in order_by]
    for rows in found.values():
        rows.sort(key=lambda row: tuple(getattr(row, name) for name in names))
    return found
