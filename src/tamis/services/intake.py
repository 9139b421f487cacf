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
reading requests meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from tamis.store import interfaces as ports
from tamis.store.sql.store import SqlStore, SqlTransaction, SqlWebhooks

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
            with self.store.write() as tx:
                tx.webhooks = _BatchWebhooks(tx.session)
                for work in batch:
                    try:
                        with tx.session.begin_nested():
                            outcomes.append(work(tx))
                    except Exception as error:  # each piece of work fails alone
                        outcomes.append(error)
        except Exception as error:  # the commit failed: nothing in the batch was written
            return [error] * len(batch)
        self.after_commit()
        return outcomes


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
