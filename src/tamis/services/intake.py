"""Group commit: many small writes from concurrent requests, one durable transaction.

A reader's report is a few small rows, but each transaction on SQLite costs an fsync
(`synchronous=FULL`) and a turn at the single write lock, so one transaction per report caps
ingestion far below what a news site sees when a story goes viral. Here concurrent requests
hand their work to the process's intake; it runs whatever has gathered while the previous
batch was committing, each piece in its own SAVEPOINT (so a duplicate reporter or an unknown
item fails alone, exactly as it would in a transaction of its own), commits once, and only
then answers every request: an acknowledged write is durable, as before. There is no timer:
a lone request is committed at once, and batches grow only as fast as requests queue up.

The batch runs in a worker thread, one batch at a time per process, so the event loop keeps
reading requests meanwhile. On SQLite the server's processes take turns through a file lock
beside the database before they ask for SQLite's write lock: a process waiting on the file
lock wakes the moment the other lets go, where SQLite's busy handler sleeps in growing steps
and lets a busy process take the lock again and again while the other starves.

Audit events and outbox messages are only ever written during a batch, never read back, so
they are gathered and inserted together just before the commit (those of a piece of work that
failed are dropped with its savepoint).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert

from tamis.ids import new_id, utcnow
from tamis.store import interfaces as ports
from tamis.store.sql import models as m
from tamis.store.sql.store import SqlEvents, SqlOutbox, SqlStore, SqlTransaction, SqlWebhooks

Work = Callable[[SqlTransaction], Any]

MAX_BATCH = 256


class Intake:
    """Runs `work(tx)` for concurrent callers in shared write transactions (one per batch)."""

    def __init__(
        self,
        store: SqlStore,
        *,
        after_commit: Callable[[], None] = lambda: None,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self.store = store
        self.after_commit = after_commit
        self.max_batch = max_batch
        self._waiting: list[tuple[Work, asyncio.Future[Any]]] = []
        self._drainer: asyncio.Task[None] | None = None
        engine = store.engines.write
        self._lock_path = (
            Path(f"{engine.url.database}.intake-lock") if store.engines.is_sqlite else None
        )
        self._lock_file: int | None = None

    async def run(self, work: Work) -> Any:
        """`work(tx)`'s result once its transaction has committed; or what it raised."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting.append((work, future))
        if self._drainer is None:
            self._drainer = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            await asyncio.sleep(0)  # let requests already read in this loop turn join
            while self._waiting:
                batch = self._waiting[: self.max_batch]
                del self._waiting[: self.max_batch]
                try:
                    outcomes = await asyncio.to_thread(self._commit, [work for work, _ in batch])
                except Exception as error:  # never leave a caller waiting
                    outcomes = [error] * len(batch)
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if future.done():  # the caller went away; the write stands
                        continue
                    if isinstance(outcome, BaseException):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            self._drainer = None

    def _commit(self, batch: Sequence[Work]) -> list[Any]:
        outcomes: list[Any] = []
        try:
            with self._turn(), self.store.write() as tx:
                rows = _Rows()
                tx.events = _BatchEvents(tx.session, rows)
                tx.outbox = _BatchOutbox(tx.session, rows)
                tx.webhooks = _BatchWebhooks(tx.session)
                for work in batch:
                    mark = len(rows)
                    try:
                        with tx.session.begin_nested():
                            outcomes.append(work(tx))
                    except Exception as error:  # each piece of work fails alone
                        rows.drop(mark)
                        outcomes.append(error)
                rows.insert(tx)
        except Exception as error:  # the commit failed: nothing in the batch was written
            return [error] * len(batch)
        self.after_commit()
        return outcomes

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """This process's turn to write (SQLite: one process at a time, in the order they ask)."""
        if self._lock_path is None:
            yield
            return
        if self._lock_file is None:
            self._lock_file = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)


class _BatchWebhooks(SqlWebhooks):
    """Subscriptions read once per batch: every report in it announces to the same hooks."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._subscribed: dict[tuple[str, str], Sequence[ports.WebhookRecord]] = {}

    def subscribed(self, *, tenant_id: str, event_type: str) -> Sequence[ports.WebhookRecord]:
        key = (tenant_id, event_type)
        if key not in self._subscribed:
            self._subscribed[key] = super().subscribed(tenant_id=tenant_id, event_type=event_type)
        return self._subscribed[key]


_EVENTS = m.Base.metadata.tables[m.Event.__tablename__]
_OUTBOX = m.Base.metadata.tables[m.OutboxMessage.__tablename__]


class _Rows:
    """Rows to insert at the end of the batch, in the order they were written."""

    def __init__(self) -> None:
        self._rows: list[tuple[Table, dict[str, Any]]] = []

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, table: Table, row: dict[str, Any]) -> None:
        self._rows.append((table, row))

    def drop(self, mark: int) -> None:
        del self._rows[mark:]

    def insert(self, tx: SqlTransaction) -> None:
        connection = tx.session.connection()
        for table in (_EVENTS, _OUTBOX):
            rows = [row for t, row in self._rows if t is table]
            if rows:
                connection.execute(insert(table), rows)


class _BatchEvents(SqlEvents):
    def __init__(self, session: Any, rows: _Rows) -> None:
        super().__init__(session)
        self.rows = rows

    def append(
        self,
        *,
        tenant_id: str | None,
        type: str,
        subject: str,
        digest: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        row = {
            "tenant_id": tenant_id,
            "type": type,
            "subject": subject,
            "digest": digest,
            "data": data or {},
            "created_at": utcnow(),
        }
        self.rows.add(_EVENTS, row)


class _BatchOutbox(SqlOutbox):
    def __init__(self, session: Any, rows: _Rows) -> None:
        super().__init__(session)
        self.rows = rows

    def add(
        self, *, tenant_id: str, webhook_id: str, event_type: str, payload: dict[str, Any]
    ) -> str:
        now = utcnow()
        message_id = new_id("msg")
        row = {
            "message_id": message_id,
            "tenant_id": tenant_id,
            "webhook_id": webhook_id,
            "event_type": event_type,
            "payload": payload,
            "state": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        self.rows.add(_OUTBOX, row)
        return message_id
