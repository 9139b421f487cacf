"""Tenant administration through the API: keys, policy, lexicon, webhooks, jobs.

All of it needs the `admin` scope and acts only inside the key's own tenant.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from tamis.api import creating
from tamis.api.deps import Admin, IdempotencyHeader, PageLimit, RuntimeDep
from tamis.api.schemas import CategoryName, StrictIn
from tamis.errors import InvalidInput, NotFound
from tamis.services import keys, lexicon, policies, webhooks
from tamis.store.interfaces import Transaction, WebhookRecord

keys_router = APIRouter(prefix="/v1/keys", tags=["keys"])
policy_router = APIRouter(prefix="/v1/policy", tags=["policy"])
lexicon_router = APIRouter(prefix="/v1/lexicon", tags=["lexicon"])
webhooks_router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
jobs_router = APIRouter(prefix="/v1/jobs", tags=["jobs"])


class KeyCreate(StrictIn):
    name: str = Field(min_length=1, max_length=200)
    scopes: list[str] = Field(min_length=1, description=", ".join(sorted(keys.SCOPES)))


class KeyPublic(BaseModel):
    id: str
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None
    secret: str | None = Field(None, description="Shown once, when the key is created.")


@keys_router.get("", response_model=list[KeyPublic])
def list_keys(rt: RuntimeDep, principal: Admin) -> list[KeyPublic]:
    with rt.store.read() as tx:
        records = tx.keys.list(tenant_id=principal.tenant_id)
    return [KeyPublic(**_key(r)) for r in records]


def _key(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.name,
        "prefix": r.prefix,
        "scopes": list(r.scopes),
        "created_at": r.created_at,
        "revoked_at": r.revoked_at,
    }


@keys_router.post("", status_code=201, response_model=KeyPublic)
async def create_key(
    request: Request,
    body: KeyCreate,
    rt: RuntimeDep,
    principal: Admin,
    idempotency_key: IdempotencyHeader = None,
) -> JSONResponse:
    def make(tx: Transaction) -> dict[str, Any]:
        record, secret = keys.create(
            tx, tenant_id=principal.tenant_id, name=body.name, scopes=body.scopes
        )
        return KeyPublic(**_key(record), secret=secret).model_dump(mode="json")

    return await creating.create(
        request,
        rt,
        tenant_id=principal.tenant_id,
        key=idempotency_key,
        make=make,
        forget=frozenset({"secret"}),  # a key's secret is shown once and never stored
    )


@keys_router.delete("/{key_id}", response_model=KeyPublic)
def revoke_key(key_id: str, rt: RuntimeDep, principal: Admin) -> KeyPublic:
    with rt.store.write() as tx:
        record = keys.revoke(tx, rt.keys, tenant_id=principal.tenant_id, key_id=key_id)
    return KeyPublic(**_key(record))


class PolicyPublic(BaseModel):
    version: int
    name: str
    digest: str
    created_at: datetime | None
    source: str


@policy_router.get("", response_model=PolicyPublic)
def get_policy(rt: RuntimeDep, principal: Admin) -> PolicyPublic:
    with rt.store.read() as tx:
        record = tx.policies.current(tenant_id=principal.tenant_id)
    if record is None:
        raise NotFound("this tenant has no stored policy; the default applies")
    return PolicyPublic(
        version=record.version,
        name=record.name,
        digest=record.digest,
        created_at=record.created_at,
        source=record.source,
    )


@policy_router.put(
    "",
    response_model=PolicyPublic,
    openapi_extra={
        "requestBody": {
            "content": {"application/yaml": {"schema": {"type": "string"}}},
            "required": True,
        }
    },
)
async def put_policy(request: Request, rt: RuntimeDep, principal: Admin) -> PolicyPublic:
    try:
        source = (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("send the policy as UTF-8 YAML") from None
    with rt.store.write() as tx:
        record = policies.set_policy(tx, tenant_id=principal.tenant_id, source=source)
    rt.policies.forget(principal.tenant_id)
    return PolicyPublic(
        version=record.version,
        name=record.name,
        digest=record.digest,
        created_at=record.created_at,
        source=record.source,
    )


class TermRemove(StrictIn):
    list: Literal["block", "allow"]
    term: str = Field(min_length=1, max_length=200)
    category: str | None = Field(None, description="Ignored: the term leaves its list.")


class TermIn(TermRemove):
    category: CategoryName | None = Field(None, description="What a blocked term scores.")


class TermPublic(BaseModel):
    list: str
    term: str
    category: str | None
    created_at: datetime


@lexicon_router.get("", response_model=list[TermPublic])
def list_terms(rt: RuntimeDep, principal: Admin) -> list[TermPublic]:
    with rt.store.read() as tx:
        rows = tx.lexicon.list(tenant_id=principal.tenant_id)
    return [
        TermPublic(list=r.list, term=r.term, category=r.category, created_at=r.created_at)
        for r in rows
    ]


@lexicon_router.post("/terms", status_code=201)
def add_term(body: TermIn, rt: RuntimeDep, principal: Admin) -> dict[str, bool]:
    with rt.store.write() as tx:
        changed = lexicon.add_term(
            tx,
            tenant_id=principal.tenant_id,
            list_name=body.list,
            term=body.term,
            category=body.category,
        )
    rt.terms.forget(principal.tenant_id)
    return {"changed": changed}


@lexicon_router.delete("/terms")
def remove_term(
    rt: RuntimeDep,
    principal: Admin,
    body: TermRemove = Body(...),  # noqa: B008
) -> dict[str, bool]:
    with rt.store.write() as tx:
        removed = lexicon.remove_term(
            tx, tenant_id=principal.tenant_id, list_name=body.list, term=body.term
        )
    rt.terms.forget(principal.tenant_id)
    return {"removed": removed}


class WebhookCreate(StrictIn):
    url: str = Field(min_length=8, max_length=2048, pattern=r"^https?://")
    events: list[str] = Field(default_factory=lambda: ["*"])


class WebhookPublic(BaseModel):
    id: str
    url: str
    events: list[str]
    active: bool
    created_at: datetime
    secret: str | None = Field(None, description="Shown once: verify signatures with it.")

    @classmethod
    def of(cls, w: WebhookRecord, *, show_secret: bool = False) -> WebhookPublic:
        return cls(
            id=w.id,
            url=w.url,
            events=list(w.events),
            active=w.active,
            created_at=w.created_at,
            secret=w.secret if show_secret else None,
        )


@webhooks_router.get("", response_model=list[WebhookPublic])
def list_webhooks(rt: RuntimeDep, principal: Admin) -> list[WebhookPublic]:
    with rt.store.read() as tx:
        rows = tx.webhooks.list(tenant_id=principal.tenant_id)
    return [WebhookPublic.of(w) for w in rows]


@webhooks_router.post("", status_code=201, response_model=WebhookPublic)
async def create_webhook(
    request: Request,
    body: WebhookCreate,
    rt: RuntimeDep,
    principal: Admin,
    idempotency_key: IdempotencyHeader = None,
) -> JSONResponse:
    def make(tx: Transaction) -> dict[str, Any]:
        w = webhooks.create(tx, tenant_id=principal.tenant_id, url=body.url, events=body.events)
        return WebhookPublic.of(w, show_secret=True).model_dump(mode="json")

    return await creating.create(
        request, rt, tenant_id=principal.tenant_id, key=idempotency_key, make=make
    )


@webhooks_router.post("/{webhook_id}/rotate", response_model=WebhookPublic)
def rotate_webhook_secret(
    webhook_id: str,
    rt: RuntimeDep,
    principal: Admin,
    overlap_hours: Annotated[float, Query(ge=0, le=24 * 30)] = 24.0,
) -> WebhookPublic:
    """A new secret; the old one still signs (a second signature) for `overlap_hours`."""
    with rt.store.write() as tx:
        w = webhooks.rotate(
            tx, tenant_id=principal.tenant_id, webhook_id=webhook_id, overlap_hours=overlap_hours
        )
    return WebhookPublic.of(w, show_secret=True)


class DeliveryPublic(BaseModel):
    webhook_id: str = Field(description="The stable `webhook-id` header of every attempt.")
    endpoint: str
    event_type: str
    state: str
    attempts: int
    last_status: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


@webhooks_router.get("/deliveries", response_model=list[DeliveryPublic])
def list_deliveries(
    rt: RuntimeDep,
    principal: Admin,
    state: str | None = None,
    limit: PageLimit = 100,
) -> list[DeliveryPublic]:
    rows = rt.deliveries.list(tenant_id=principal.tenant_id, state=state, limit=limit)
    return [
        DeliveryPublic(
            webhook_id=r.message_id,
            endpoint=r.webhook_id,
            event_type=r.event_type,
            state=r.state,
            attempts=r.attempts,
            last_status=r.last_status,
            last_error=r.last_error,
            created_at=r.created_at,
            delivered_at=r.delivered_at,
        )
        for r in rows
    ]


class JobPublic(BaseModel):
    id: int
    kind: str
    state: str
    attempts: int
    max_attempts: int
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None
    payload: dict[str, Any]


@jobs_router.get("", response_model=list[JobPublic])
def list_jobs(
    rt: RuntimeDep,
    principal: Admin,
    state: str | None = None,
    limit: PageLimit = 100,
) -> list[JobPublic]:
    rows = rt.jobs.list(tenant_id=principal.tenant_id, state=state, limit=limit)
    return [
        JobPublic(
            id=j.id,
            kind=j.kind,
            state=j.state,
            attempts=j.attempts,
            max_attempts=j.max_attempts,
            last_error=j.last_error,
            created_at=j.created_at,
            finished_at=j.finished_at,
            payload=j.payload,
        )
        for j in rows
    ]


@jobs_router.post("/{job_id}/retry")
def retry_job(
    rt: RuntimeDep, principal: Admin, job_id: int = Path(ge=1, le=2**63 - 1)
) -> dict[str, bool]:
    if not rt.jobs.retry(tenant_id=principal.tenant_id, job_id=job_id):
        raise NotFound(f"no dead-lettered job {job_id} in this tenant")
    return {"queued": True}
