"""Group commit: many small writes from concurrent requests, one durable transaction.

A reader's report is a few small rows, but each transaction on SQLite costs an fsync
(`synchronous=FULL`) and a turn at the single write lock, so one transaction per report caps
ingestion far below what a news site sees when a story goes viral. Here concurrent requests
hand their work to the process's intake; it runs whatever has gathered while the previous
batch was committing as one batch (the caller's `many`, which answers each request as if it
had run alone), commits once, and only then answers every request: an acknowledged write is
durable, as before. Should the batch fail as a whole (a race with another writer on
PostgreSQL, a repeated idempotency key), each request runs again alone in its own SAVEPOINT.
There is no timer: a lone request is committed at once, and batches grow only as fast as
requests queue up.

The batch runs in a worker thread, one batch at a time per process, so the event loop keeps
reading requests meanwhile; on SQLite the processes take turns to write (see
`tamis.store.sql.engine`), and a batch is made of what is waiting *once its turn has come*,
so what arrived during the wait rides along instead of waiting for the next turn. The
statements of a batch are few and set-based (see `services.reports.submit_many`): each one
gives up the GIL to the busy event loop and waits to get it back, so their number, not only
their cost, sets how long the write lock is held.

Audit events and outbox messages are only ever written during a batch, never read back, so
they are gathered and inserted together just before the commit (those of a request that
failed are dropped with its savepoint).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import Table, insert

from tamis.ids import new_id, utcnow
from tamis.store import interfaces as ports
from tamis.store.sql import models as m
from tamis.store.sql.store import SqlEvents, SqlOutbox, SqlStore, SqlTransaction, SqlWebhooks

R = TypeVar("R")
Many = Callable[[SqlTransaction, Sequence[R]], Sequence[Any]]
"""Does a batch of requests in a transaction; an outcome per request, a result or an error."""

MAX_BATCH = 256


class RunAlone(Exception):
    """Raised by a batch that cannot be done together: each request then runs alone."""


class Intake(Generic[R]):
    """Runs concurrent callers' requests in shared write transactions (one per batch)."""

    def __init__(
        self,
        store: SqlStore,
        many: Many[R],
        *,
        after_commit: Callable[[], None] = lambda: None,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self.store = store
        self.many = many
        self.after_commit = after_commit
        self.max_batch = max_batch
        self._waiting: list[tuple[R, asyncio.Future[Any]]] = []
        self._guard = threading.Lock()  # the loop adds to `_waiting`, the batch thread takes
        self._drainer: asyncio.Task[None] | None = None

    async def run(self, request: R) -> Any:
        """The request's outcome once its transaction has committed; raised if an error."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        with self._guard:
            self._waiting.append((request, future))
        if self._drainer is None:
            self._drainer = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            await asyncio.sleep(0)  # let requests already read in this loop turn join
            while self._waiting:
                for future, outcome in await asyncio.to_thread(self._commit):
                    if future.done():  # the caller went away; the write stands
                        continue
                    if isinstance(outcome, BaseException):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            self._drainer = None

    def _take(self) -> list[tuple[R, asyncio.Future[Any]]]:
        with self._guard:
            batch = self._waiting[: self.max_batch]
            del self._waiting[: self.max_batch]
        return batch

    def _commit(self) -> list[tuple[asyncio.Future[Any], Any]]:
        """Once this process has its turn to write, everything waiting by then, committed."""
        batch: list[tuple[R, asyncio.Future[Any]]] | None = None
        try:
            with self.store.write() as tx:
                batch = self._take()
                requests = [request for request, _ in batch]
                rows = _Rows()
                tx.events = _BatchEvents(tx.session, rows)
                tx.outbox = _BatchOutbox(tx.session, rows)
                tx.webhooks = _BatchWebhooks(tx.session)
                try:
                    with tx.session.begin_nested():
                        outcomes = list(self.many(tx, requests))
                except Exception:  # something broke the batch as a whole: each request alone
                    rows.drop(0)
                    outcomes = [self._alone(tx, rows, request) for request in requests]
                rows.insert(tx)
        except Exception as error:  # nothing in the batch was written
            return [(future, error) for _, future in (batch if batch is not None else self._take())]
        self.after_commit()
        return [(future, outcome) for (_, future), outcome in zip(batch, outcomes, strict=True)]

    def _alone(self, tx: SqlTransaction, rows: _Rows, request: R) -> Any:
        mark = len(rows)
        try:
            with tx.session.begin_nested():
                return self.many(tx, [request])[0]
        except Exception as error:
            rows.drop(mark)
            return error


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
