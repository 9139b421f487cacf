"""A tenant's link rules through the API: domains and URLs to block or allow, with wildcards.

Admin scope, the key's own tenant only, like the lexicon routes. A rule takes effect within
seconds in every process (the terms cache of this one is dropped at once).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Body
from pydantic import BaseModel, Field

from tamis.api.deps import Admin, RuntimeDep
from tamis.api.schemas import CategoryName, StrictIn
from tamis.services import links

router = APIRouter(prefix="/v1/links", tags=["links"])

_PATTERN = (
    "example.com (and every host below it), *.example.com (only below), *.xyz (a whole TLD), "
    "example.com/promo* (a path; * matches anything)"
)


class LinkRuleIn(StrictIn):
    list: Literal["block", "allow"]
    pattern: str = Field(min_length=1, max_length=links.MAX_PATTERN, description=_PATTERN)
    category: CategoryName | None = Field(
        None, description="For a block rule: the category it scores at 1.0 (default spam)."
    )


class LinkRuleRemove(StrictIn):
    list: Literal["block", "allow"]
    pattern: str = Field(min_length=1, max_length=links.MAX_PATTERN)


class LinkRulePublic(BaseModel):
    list: str
    pattern: str = Field(description="The rule in normal form (lower-case, punycode host).")
    category: str | None
    created_at: datetime


class LinkRuleChange(BaseModel):
    pattern: str
    changed: bool


@router.get("", response_model=list[LinkRulePublic])
def list_rules(rt: RuntimeDep, principal: Admin) -> list[LinkRulePublic]:
    with rt.store.read() as tx:
        rows = tx.link_rules.list(tenant_id=principal.tenant_id)
    return [
        LinkRulePublic(list=r.list, pattern=r.pattern, category=r.category, created_at=r.created_at)
        for r in rows
    ]


@router.post("/rules", status_code=201, response_model=LinkRuleChange)
def add_rule(body: LinkRuleIn, rt: RuntimeDep, principal: Admin) -> LinkRuleChange:
    with rt.store.write() as tx:
        pattern, changed = links.add_rule(
            tx,
            tenant_id=principal.tenant_id,
            list_name=body.list,
            pattern=body.pattern,
            category=body.category,
        )
    rt.terms.forget(principal.tenant_id)
    return LinkRuleChange(pattern=pattern, changed=changed)


@router.delete("/rules")
def remove_rule(
    rt: RuntimeDep,
    principal: Admin,
    body: LinkRuleRemove = Body(...),  # noqa: B008
) -> dict[str, bool]:
    with rt.store.write() as tx:
        removed = links.remove_rule(
            tx, tenant_id=principal.tenant_id, list_name=body.list, pattern=body.pattern
        )
    rt.terms.forget(principal.tenant_id)
    return {"removed": removed}
