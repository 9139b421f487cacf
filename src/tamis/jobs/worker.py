"""Workers: run queued jobs and the housekeeping that keeps promises made elsewhere.

The same loops run as threads inside `tamis serve` (the embedded default) or on their own
with `tamis worker`. Housekeeping seals audit events into the chain, delivers webhooks from
the outbox, flushes request counters and erases media past their retention.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from tamis.ids import new_id, utcnow
from tamis.outbox.sender import deliver_due
from tamis.services import items
from tamis.services.runtime import Runtime
from tamis.store.interfaces import JobRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Handler:
    run: Callable[[Runtime, JobRecord], None]
    dead: Callable[[Runtime, JobRecord], None] | None = None


HANDLERS: dict[str, Handler] = {
    items.JOB_KIND: Handler(items.process, items.dead_lettered),
}


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{new_id('w')[-8:]}"


def run_one(rt: Runtime, worker: str) -> bool:
    """Claim and run one job; returns False when nothing was due."""
    claim = rt.jobs.claim(worker=worker, lease_seconds=rt.settings.job_lease_seconds)
    for dead in claim.dead:
        _on_dead(rt, dead)
    job = claim.job
    if job is None:
        return bool(claim.dead)
    handler = HANDLERS.get(job.kind)
    if handler is None:
        rt.jobs.fail(job_id=job.id, worker=worker, error=f"no handler for job kind {job.kind!r}")
        return True
    try:
        handler.run(rt, job)
    except Exception as exc:
        log.exception("job %s (%s) failed on attempt %d", job.id, job.kind, job.attempts)
        state = rt.jobs.fail(job_id=job.id, worker=worker, error=f"{type(exc).__name__}: {exc}")
        if state == "dead":
            _on_dead(rt, job)
    else:
        rt.jobs.complete(job_id=job.id, worker=worker)
    return True


def _on_dead(rt: Runtime, job: JobRecord) -> None:
    log.error("job %s (%s) dead-lettered after %d attempts", job.id, job.kind, job.attempts)
    handler = HANDLERS.get(job.kind)
    if handler is not None and handler.dead is not None:
        handler.dead(rt, job)


def flush_counters(rt: Runtime) -> None:
    counts = rt.counters.drain()
    if counts:
        rt.store.add_counts(counts)


def purge_media(rt: Runtime) -> int:
    now = utcnow()
    with rt.store.read() as tx:
        expired = tx.media.expired(now=now, limit=500)
    purged = 0
    for tenant_id, digest in expired:
        with rt.store.write() as tx:
            state = tx.media.lock(tenant_id=tenant_id, digest=digest)
            if state is None or not state.expired(now):
                continue  # sent again since, and kept for longer
            rt.media.delete(tenant_id=tenant_id, digest=digest)
            tx.media.mark_erased(tenant_id=tenant_id, digest=digest)
            tx.events.append(
                tenant_id=tenant_id, type="media.expired", subject=digest, digest=digest
            )
        purged += 1
    return purged


def housekeeping(rt: Runtime, client: httpx.Client) -> int:
    """One pass of everything periodic; returns how much work it found."""
    work = rt.audit.seal()
    work += deliver_due(rt.deliveries, client)
    flush_counters(rt)
    work += purge_media(rt)
    return work


class Workers:
    """Job threads and one housekeeping thread, for `tamis serve` and `tamis worker`.

    Idle loops poll less and less often (up to `max_idle_seconds`), so an idle server costs
    nothing, and are woken at once by work queued in this process; work queued by another
    process is found at the next poll.
    """

    def __init__(
        self,
        rt: Runtime,
        *,
        job_threads: int,
        poll_seconds: float = 0.1,
        max_idle_seconds: float = 2.0,
    ) -> None:
        self.rt = rt
        self.job_threads = job_threads
        self.poll = poll_seconds
        self.max_idle = max_idle_seconds
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        for i in range(self.job_threads):
            self._spawn(self._jobs_loop, f"tamis-jobs-{i}")
        self._spawn(self._housekeeping_loop, "tamis-housekeeping")

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        self.rt.jobs_ready.set()
        self.rt.outbox_ready.set()
        for thread in self.threads:
            thread.join(timeout)
        self.threads.clear()

    def _loop(self, wake: threading.Event, step: Callable[[], object]) -> None:
        idle = self.poll
        while not self.stopping.is_set():
            wake.clear()
            try:
                busy = bool(step())
            except Exception:
                log.exception("worker loop error; retrying")
                busy = False
            if busy:
                idle = self.poll
            else:
                wake.wait(idle)
                idle = min(idle * 2, self.max_idle)

    def _jobs_loop(self) -> None:
        worker = worker_name()
        self._loop(self.rt.jobs_ready, lambda: run_one(self.rt, worker))

    def _housekeeping_loop(self) -> None:
        with httpx.Client(follow_redirects=False) as client:
            self._loop(self.rt.outbox_ready, lambda: housekeeping(self.rt, client))
