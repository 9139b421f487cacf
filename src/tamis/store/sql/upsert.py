"""Writes that must not collide when two requests make them at once.

Looking a row up and then inserting it lets two concurrent requests both find nothing and
both insert; on PostgreSQL the second then fails on the unique key (a 500 to its caller).
Each function here is one statement that the database settles (`INSERT … ON CONFLICT`,
`DELETE … WHERE`), on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, or_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def insert_for(session: Session) -> Any:
    """The `insert` construct of the session's dialect, which knows `on_conflict_*`."""
    return sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert


def upsert(
    session: Session,
    table: Table,
    values: dict[str, Any],
    *,
    key: Sequence[str],
    update: Sequence[str],
) -> bool:
    """Insert the row, or set its `update` columns where the row with that `key` exists and
    differs; True when a row was inserted or changed."""
    stmt = insert_for(session)(table).values(**values)
    if update:
        differs = or_(*(table.c[c].is_distinct_from(stmt.excluded[c]) for c in update))
        stmt = stmt.on_conflict_do_update(
            index_elements=list(key), set_={c: stmt.excluded[c] for c in update}, where=differs
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(key))
    return session.execute(stmt.returning(table.c[key[0]])).first() is not None


def delete_rows(session: Session, table: Table, *where: ColumnElement[bool]) -> int:
    """Delete the rows matching `where`; how many there were."""
    done = session.execute(delete(table).where(*where))
    return int(done.rowcount)  # type: ignore[attr-defined]
