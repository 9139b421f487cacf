"""Items: store what a platform sends, moderate it now or in a job, and announce the verdict.

The item, its verdict, its audit event, the job that will process it and the webhooks that
announce it are written in one transaction each, so a crash at any point leaves either the
whole step done or none of it; an accepted item is never lost.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tamis.core.content import Content, LinkPart, MediaPart, Part, TextPart
from tamis.core.policy import Policy
from tamis.core.verdict import Verdict
from tamis.errors import NotFound
from tamis.ids import new_id, utcnow
from tamis.media import digest_of
from tamis.services import decisions, floods, idempotency, images
from tamis.services.idempotency import IdempotencyKey
from tamis.services.moderation import judge
from tamis.services.runtime import Runtime
from tamis.store.interfaces import ItemRecord, JobRecord, Transaction

JOB_KIND = "moderate_item"
WEBHOOK_EVENT = "item.moderated"


@dataclass(frozen=True, slots=True)
class NewItem:
    external_id: str
    parts: tuple[images.Incoming, ...]
    author_id: str | None = None
    author_locale: str | None = None
    content_date: datetime | None = None
    context_url: str | None = None


def _stored_parts(intake: images.Intake, *, keep_originals: bool) -> list[dict[str, Any]]:
    """Parts as stored: texts and links inline, media by digest."""
    out: list[dict[str, Any]] = []
    for index, part in enumerate(intake.parts):
        if isinstance(part, TextPart):
            out.append({"kind": "text", "text": part.text})
        elif isinstance(part, LinkPart):
            out.append({"kind": "link", "url": part.url})
        else:
            stored = {"kind": part.kind, "digest": part.digest, "media_type": part.media_type}
            image = intake.images.get(index)
            if image is not None:
                stored.update(image.facts(original_kept=keep_originals))
            out.append(stored)
    return out


def _save_media(
    rt: Runtime, tx: Transaction, *, tenant_id: str, intake: images.Intake, keep_originals: bool
) -> None:
    """Record each file, then write it, last in the item's transaction.

    A submission refused on the way (a duplicate external_id, say) has written no file, and a
    row is never committed without its file. Recording first holds the row, so an erasure of
    the same file that is deleting it finishes before the file is written again.
    """
    days = rt.settings.media_retention_days
    retain_until = utcnow() + timedelta(days=days) if days else None
    for index, part in enumerate(intake.parts):
        if not isinstance(part, MediaPart) or part.data is None:
            continue
        image = intake.images.get(index)
        hashes: dict[str, Any] = {}
        if image is not None and image.decoded.pdq:
            first = image.decoded.pdq[0]
            hashes = {"md5": image.decoded.md5, "pdq": first.hash, "pdq_quality": first.quality}
        tx.media.add(
            tenant_id=tenant_id,
            digest=part.digest,
            media_type=part.media_type,
            size=len(part.data),
            retain_until=retain_until,
            **hashes,
        )
        rt.media.put(tenant_id=tenant_id, data=part.data)
        if image is not None and keep_originals:
            tx.media.add(
                tenant_id=tenant_id,
                digest=digest_of(image.original),
                media_type=image.original_type,
                size=len(image.original),
                retain_until=retain_until,
                **hashes,
            )
            rt.media.put(tenant_id=tenant_id, data=image.original)


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
            stored = MediaPart(p["kind"], p["digest"], p.get("media_type"), data)
            parts.append(images.picture_of(rt, stored))
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
    intake = images.receive(rt, item.parts)
    policy = rt.policies.get(tenant_id)
    keep = policy.document.media.keep_originals
    parts = _stored_parts(intake, keep_originals=keep)
    digest = content_digest(parts)
    verdict = None
    now = utcnow()
    found = floods.fingerprint(intake.parts)
    if not run_async:
        with rt.store.read() as tx:
            flood = floods.check(
                tx,
                rt.settings,
                tenant_id=tenant_id,
                found=found,
                author_id=item.author_id,
                item_id=None,
                now=now,
            )
        content = Content(intake.parts, author_locale=item.author_locale)
        verdict = judge(
            rt,
            tenant_id=tenant_id,
            content=content,
            policy=policy,
            external=() if flood is None else (flood,),
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
            media=_media_held(parts),
        )
        floods.record(
            tx,
            rt.settings,
            tenant_id=tenant_id,
            item_id=record.id,
            author_id=item.author_id,
            found=found,
            now=now,
        )
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
            _record_verdict(tx, policy, record, verdict, announce=False)
        _save_media(rt, tx, tenant_id=tenant_id, intake=intake, keep_originals=keep)
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
    policy = rt.policies.get(tenant_id)
    content = content_of(rt, record)
    with rt.store.read() as tx:
        flood = floods.check(
            tx,
            rt.settings,
            tenant_id=tenant_id,
            found=floods.fingerprint(content.parts),
            author_id=record.author_id,
            item_id=record.id,
            now=utcnow(),
        )
    external = () if flood is None else (flood,)
    verdict = judge(rt, tenant_id=tenant_id, content=content, policy=policy, external=external)
    with rt.store.write() as tx:
        tx.items.lock(tenant_id=tenant_id, item_ids=[item_id])
        current = tx.items.get(tenant_id=tenant_id, item_id=item_id)
        if current is not None and current.status != "moderated":
            _record_verdict(tx, policy, current, verdict, announce=True)
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
        decisions.announce(
            tx,
            tenant_id=tenant_id,
            event_type="item.failed",
            payload={"item_id": item_id, "status": "failed"},
        )


def _record_verdict(
    tx: Transaction, policy: Policy, record: ItemRecord, verdict: Verdict, *, announce: bool
) -> None:
    """Store the verdict, and the automated decision it amounts to when it restricts."""
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
        decisions.announce(
            tx,
            tenant_id=record.tenant_id,
            event_type=WEBHOOK_EVENT,
            payload={"item_id": record.id, "external_id": record.external_id, "verdict": data},
        )
    decisions.from_verdict(tx, policy, item=record, verdict=verdict)


def erase_content(rt: Runtime, *, tenant_id: str, item_id: str) -> ItemRecord:
    """Erase an item's content; its digest, verdict, decisions and statements stay.

    Texts and links are dropped from the stored parts and from the examples the item taught,
    and media deleted from the media store; each part keeps its kind and a digest of what it
    held, so the record still says what was judged without holding it. Events never held
    content, so the audit chain is untouched.
    """
    with rt.store.write() as tx:
        tx.items.lock(tenant_id=tenant_id, item_ids=[item_id])
        record = tx.items.get(tenant_id=tenant_id, item_id=item_id)
        if record is None:
            raise NotFound(f"no item {item_id!r} in this tenant")
        if record.erased_at is not None:
            return record
        erased = [_erased(p) for p in record.parts]
        tx.items.erase(tenant_id=tenant_id, item_id=item_id, parts=erased)
        tx.fingerprints.forget(tenant_id=tenant_id, item_id=item_id)
        tx.examples.forget_item(tenant_id=tenant_id, item_id=item_id)
        tx.events.append(
            tenant_id=tenant_id, type="item.erased", subject=item_id, digest=record.content_digest
        )
        for digest in _media_held(record.parts):
            tx.media.lock(tenant_id=tenant_id, digest=digest)
            # The same photo posted in another item stays until that item is erased too.
            if not tx.items.holding_media(tenant_id=tenant_id, digest=digest):
                tx.media.mark_erased(tenant_id=tenant_id, digest=digest)
                rt.media.delete(tenant_id=tenant_id, digest=digest)
    return get(rt, tenant_id=tenant_id, item_id=item_id)


def _media_held(parts: Sequence[dict[str, Any]]) -> list[str]:
    """Digests of the stored files these parts show: each medium, and its original if kept."""
    held = set()
    for part in parts:
        if part["kind"] in ("image", "video"):
            held.add(part["digest"])
            original = part.get("original") or {}
            if original.get("kept"):
                held.add(original["digest"])
    return sorted(held)


def _erased(part: dict[str, Any]) -> dict[str, Any]:
    if part["kind"] in ("image", "video"):
        # Hashes stay: they let a hash bank recognise the same image if it comes back.
        kept: dict[str, Any] = {k: part[k] for k in ("md5", "pdq") if k in part}
        return {"kind": part["kind"], "digest": part["digest"], "erased": True, **kept}
    held = part.get("text") if part["kind"] == "text" else part.get("url")
    digest = hashlib.sha256((held or "").encode()).hexdigest()
    return {"kind": part["kind"], "digest": digest, "erased": True}
