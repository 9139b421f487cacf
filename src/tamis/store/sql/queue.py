"""The durable job queue on the jobs table: leases, retries with backoff, a dead-letter state.

A worker claims a job by taking a lease. If the worker dies (a crash, SIGKILL, a lost
machine) the lease runs out and another worker claims the job again; every claim counts as
an attempt, so a poison input that kills its worker is dead-lettered after `max_attempts`
instead of retrying forever. PostgreSQL workers skip rows others hold (`SKIP LOCKED`);
SQLite serialises writers anyway.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tamis.ids import utcnow
from tamis.store.interfaces import JobRecord
from tamis.store.sql import models as m
from tamis.store.sql.engine import Engines


def _job(row: m.Job) -> JobRecord:
    return JobRecord(
        id=row.id,
        tenant_id=row.tenant_id,
        kind=row.kind,
        payload=row.payload,
        state=row.state,
        attempts=row.attempts,
        max_attempts=row.max_attempts,
        run_after=row.run_after,
        lease_until=row.lease_until,
        last_error=row.last_error,
        created_at=row.created_at,
        finished_at=row.finished_at,
    )


@dataclass(frozen=True, slots=True)
class Claim:
    job: JobRecord | None
    dead: tuple[JobRecord, ...]


def backoff(attempt: int, *, base: float = 1.0, cap: float = 300.0) -> float:
    """Seconds before the next try: exponential, capped, with full jitter."""
    return random.uniform(0, min(cap, base * 2**attempt))  # noqa: S311 - jitter, not secrecy


class SqlJobQueue:
    def __init__(self, engines: Engines) -> None:
        self.engines = engines

    def claim(self, *, worker: str, lease_seconds: float) -> Claim:
        """Lease the oldest due job; jobs found to have exhausted their attempts die on the way."""
        now = utcnow()
        dead: list[JobRecord] = []
        with self.engines.transaction(expire_on_commit=False) as s:
            while True:
                query = (
                    select(m.Job)
                    .where(
                        ((m.Job.state == "queued") & (m.Job.run_after <= now))
                        | ((m.Job.state == "running") & (m.Job.lease_until < now))
                    )
                    .order_by(m.Job.id)
                    .limit(1)
                )
                if not self.engines.is_sqlite:
                    query = query.with_for_update(skip_locked=True)
                row = s.scalar(query)
                if row is None:
                    return Claim(None, tuple(dead))
                if row.attempts >= row.max_attempts:
                    # Its last attempt never reported back: the worker died on it.
                    row.state, row.finished_at = "dead", now
                    row.last_error = row.last_error or "worker lost the job on every attempt"
                    dead.append(_job(row))
                    continue
                row.state = "running"
                row.attempts += 1
                row.worker = worker
                row.lease_until = now + timedelta(seconds=lease_seconds)
                s.flush()
                return Claim(_job(row), tuple(dead))

    def complete(self, *, job_id: int, worker: str) -> None:
        with self.engines.transaction() as s:
            s.execute(
                update(m.Job)
                .where(m.Job.id == job_id, m.Job.worker == worker, m.Job.state == "running")
                .values(state="done", finished_at=utcnow(), lease_until=None)
            )

    def fail(self, *, job_id: int, worker: str, error: str) -> str:
        """Record a failed attempt; returns the job's new state (`queued` or `dead`)."""
        now = utcnow()
        with self.engines.transaction() as s:
            row = s.get(m.Job, job_id)
            if row is None or row.worker != worker or row.state != "running":
                return row.state if row else "missing"
            row.last_error = error[:2000]
            row.lease_until = None
            if row.attempts >= row.max_attempts:
                row.state, row.finished_at = "dead", now
            else:
                row.state = "queued"
                row.run_after = now + timedelta(seconds=backoff(row.attempts))
            return row.state

    def extend(self, *, job_id: int, worker: str, lease_seconds: float) -> None:
        with self.engines.transaction() as s:
            s.execute(
                update(m.Job)
                .where(m.Job.id == job_id, m.Job.worker == worker, m.Job.state == "running")
                .values(lease_until=utcnow() + timedelta(seconds=lease_seconds))
            )

    def list(
        self, *, tenant_id: str | None, state: str | None = None, limit: int = 100
    ) -> Sequence[JobRecord]:
        query = select(m.Job).order_by(m.Job.id.desc()).limit(limit)
        if tenant_id is not None:
            query = query.where(m.Job.tenant_id == tenant_id)
        if state is not None:
            query = query.where(m.Job.state == state)
        with Session(self.engines.read) as s:
            return [_job(r) for r in s.scalars(query)]

    def retry(self, *, tenant_id: str | None, job_id: int) -> bool:
        """Give a dead-lettered job a fresh set of attempts."""
        query = (
            update(m.Job)
            .where(m.Job.id == job_id, m.Job.state == "dead")
            .values(state="queued", attempts=0, run_after=utcnow(), finished_at=None)
        )
        if tenant_id is not None:
            query = query.where(m.Job.tenant_id == tenant_id)
        with self.engines.transaction() as s:
            return bool(s.execute(query).rowcount)  # type: ignore[attr-defined]
