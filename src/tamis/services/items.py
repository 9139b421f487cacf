"""Items: store what a platform sends, moderate it now or in a job, and announce the verdict.

The item, its verdict, its audit event, the job that will process it and the webhooks that
announce it are written in one transaction each, so a crash at any point leaves either the
whole step done or none of it; an accepted item is never lost.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tamis.core.content import Content, LinkPart, MediaPart, Part, TextPart
from tamis.core.verdict import Verdict
from tamis.errors import NotFound
from tamis.ids import new_id, utcnow
from tamis.services import idempotency
from tamis.services.idempotency import IdempotencyKey
from tamis.services.moderation import judge
from tamis.services.runtime import Runtime
from tamis.store.interfaces import ItemRecord, JobRecord, Transaction

JOB_KIND = "moderate_item"
WEBHOOK_EVENT = "item.moderated"


@dataclass(frozen=True, slots=True)
class NewItem:
    external_id: str
    parts: tuple[Part, ...]
    author_id: str | None = None
    author_locale: str | None = None
    content_date: datetime | None = None
    context_url: str | None = None


def stored_parts(rt: Runtime, *, tenant_id: str, parts: tuple[Part, ...]) -> list[dict[str, Any]]:
    """Parts as stored: texts and links inline, media by digest (their bytes saved here)."""
    out: list[dict[str, Any]] = []
    for part in parts:
        if isinstance(part, TextPart):
            out.append({"kind": "text", "text": part.text})
        elif isinstance(part, LinkPart):
            out.append({"kind": "link", "url": part.url})
        else:
            if part.data is not None:
                rt.media.put(tenant_id=tenant_id, data=part.data)
            out.append({"kind": part.kind, "digest": part.digest, "media_type": part.media_type})
    return out


def _record_media(rt: Runtime, tx: Transaction, *, tenant_id: str, item: NewItem) -> None:
    days = rt.settings.media_retention_days
    retain_until = utcnow() + timedelta(days=days) if days else None
    for part in item.parts:
        if isinstance(part, MediaPart) and part.data is not None:
            tx.media.add(
                tenant_id=tenant_id,
                digest=part.digest,
                media_type=part.media_type,
                size=len(part.data),
                retain_until=retain_until,
            )


def content_digest(parts: list[dict[str, Any]]) -> str:
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def content_of(rt: Runtime, record: ItemRecord) -> Content:
    parts: list[Part] = []
    for p in record.parts:
        if p["kind"] == "text":
            parts.append(TextPart(p.get("text") or ""))
        elif p["kind"] == "link":
            parts.append(LinkPart(p["url"]))
        else:
            data = rt.media.get(tenant_id=record.tenant_id, digest=p["digest"])
            parts.append(MediaPart(p["kind"], p["digest"], p.get("media_type"), data))
    return Content(tuple(parts), author_locale=record.author_locale)


def submit(
    rt: Runtime,
    *,
    tenant_id: str,
    item: NewItem,
    run_async: bool,
    idem: IdempotencyKey | None = None,
    present: Callable[[ItemRecord], dict[str, Any]] | None = None,
) -> ItemRecord:
    """Store an item and moderate it now, or queue it (`run_async`) for a worker.

    With an idempotency key, `present` renders the response that a retry will get back.
    """
    with rt.store.read() as tx:
        idempotency.check(tx, tenant_id=tenant_id, idem=idem)
    parts = stored_parts(rt, tenant_id=tenant_id, parts=item.parts)
    digest = content_digest(parts)
    verdict = None
    if not run_async:
        verdict = judge(
            rt, tenant_id=tenant_id, content=Content(item.parts, author_locale=item.author_locale)
        )
    with rt.store.write() as tx:
        idempotency.check(tx, tenant_id=tenant_id, idem=idem)
        record = tx.items.add(
            tenant_id=tenant_id,
            item_id=new_id("itm"),
            external_id=item.external_id,
            author_id=item.author_id,
            author_locale=item.author_locale,
            content_date=item.content_date,
            context_url=item.context_url,
            parts=parts,
            content_digest=digest,
        )
        _record_media(rt, tx, tenant_id=tenant_id, item=item)
        tx.events.append(
            tenant_id=tenant_id, type="item.received", subject=record.id, digest=digest
        )
        if verdict is None:
            tx.jobs.enqueue(
                tenant_id=tenant_id,
                kind=JOB_KIND,
                payload={"item_id": record.id},
                max_attempts=rt.settings.job_max_attempts,
            )
        else:
            _record_verdict(tx, record, verdict, announce=False)
        record = tx.items.get(tenant_id=tenant_id, item_id=record.id) or record
        if present is not None:
            idempotency.save(
                tx,
                tenant_id=tenant_id,
                idem=idem,
                status_code=202 if run_async else 201,
                body=present(record),
            )
    if run_async:
        rt.jobs_ready.set()
    return record


def get(rt: Runtime, *, tenant_id: str, item_id: str) -> ItemRecord:
    with rt.store.read() as tx:
        record = tx.items.get(tenant_id=tenant_id, item_id=item_id)
    if record is None:
        raise NotFound(f"no item {item_id!r} in this tenant")
    return record


def process(rt: Runtime, job: JobRecord) -> None:
    """The job behind `"async": true`: moderate a stored item and announce its verdict."""
    tenant_id, item_id = job.tenant_id or "", job.payload["item_id"]
    with rt.store.read() as tx:
        record = tx.items.get(tenant_id=tenant_id, item_id=item_id)
    if record is None or record.status == "moderated":
        return
    verdict = judge(rt, tenant_id=tenant_id, content=content_of(rt, record))
    with rt.store.write() as tx:
        current = tx.items.get(tenant_id=tenant_id, item_id=item_id)
        if current is not None and current.status != "moderated":
            _record_verdict(tx, current, verdict, announce=True)
    rt.outbox_ready.set()


def dead_lettered(rt: Runtime, job: JobRecord) -> None:
    tenant_id, item_id = job.tenant_id or "", job.payload.get("item_id")
    if not isinstance(item_id, str):
        return
    with rt.store.write() as tx:
        tx.items.set_status(tenant_id=tenant_id, item_id=item_id, status="failed")
        tx.events.append(
            tenant_id=tenant_id,
            type="item.failed",
            subject=item_id,
            data={"job": job.id, "attempts": job.attempts},
        )
        for hook in tx.webhooks.subscribed(tenant_id=tenant_id, event_type="item.failed"):
            tx.outbox.add(
                tenant_id=tenant_id,
                webhook_id=hook.id,
                event_type="item.failed",
                payload={"item_id": item_id, "status": "failed"},
            )


def _record_verdict(
    tx: Transaction, record: ItemRecord, verdict: Verdict, *, announce: bool
) -> None:
    data = verdict.to_dict()
    tx.items.set_verdict(
        tenant_id=record.tenant_id, item_id=record.id, verdict=data, action=verdict.action.value
    )
    tx.events.append(
        tenant_id=record.tenant_id,
        type="item.moderated",
        subject=record.id,
        digest=record.content_digest,
        data={
            "action": verdict.action.value,
            "clause": verdict.clause,
            "policy": {
                "name": verdict.policy.name,
                "version": verdict.policy.version,
                "digest": verdict.policy.digest,
            },
            "analyzers": [f"{a.name}@{a.version}" for a in verdict.analyzers],
        },
    )
    if announce:
        for hook in tx.webhooks.subscribed(tenant_id=record.tenant_id, event_type=WEBHOOK_EVENT):
            tx.outbox.add(
                tenant_id=record.tenant_id,
                webhook_id=hook.id,
                event_type=WEBHOOK_EVENT,
                payload={"item_id": record.id, "external_id": record.external_id, "verdict": data},
            )
