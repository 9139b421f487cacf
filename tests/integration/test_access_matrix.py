"""Every route × every scope × two tenants: no key gets a 2xx it must not get.

The table below must name every route the app serves, so a new route cannot ship without
saying which scope it needs.
"""

from __future__ import annotations

import pytest

from tamis.services.keys import SCOPES
from tests.integration.conftest import Api

ITEM = {"external_id": "m-1", "author_id": "a-1", "text": "bonjour"}
DECISION = {
    "moderator_id": "mod-1",
    "visibility": "disabled",
    "category": "spam",
    "clause": "spam",
    "facts": "Bulk posting.",
}
ROUTES: dict[tuple[str, str], tuple[str | None, dict[str, object] | bytes | None]] = {
    ("GET", "/v1/health"): (None, None),
    ("POST", "/v1/moderate"): ("moderate", {"text": "bonjour"}),
    ("POST", "/v1/moderations"): ("moderate", {"input": "bonjour"}),
    ("POST", "/v1alpha1/comments:analyze"): (
        "moderate",
        {"comment": {"text": "bonjour"}, "requestedAttributes": {"INSULT": {}}},
    ),
    ("POST", "/v1/items"): ("items:write", ITEM),
    ("GET", "/v1/items/{item_id}"): ("items:read", None),
    ("GET", "/v1/keys"): ("admin", None),
    ("POST", "/v1/keys"): ("admin", {"name": "x", "scopes": ["moderate"]}),
    ("DELETE", "/v1/keys/{key_id}"): ("admin", None),
    ("GET", "/v1/policy"): ("admin", None),
    ("PUT", "/v1/policy"): ("admin", b"POLICY"),
    ("GET", "/v1/lexicon"): ("admin", None),
    ("POST", "/v1/lexicon/terms"): ("admin", {"list": "allow", "term": "zut"}),
    ("DELETE", "/v1/lexicon/terms"): ("admin", {"list": "allow", "term": "zut"}),
    ("GET", "/v1/links"): ("admin", None),
    ("POST", "/v1/links/rules"): ("admin", {"list": "allow", "pattern": "example.org"}),
    ("DELETE", "/v1/links/rules"): ("admin", {"list": "allow", "pattern": "example.org"}),
    ("GET", "/v1/webhooks"): ("admin", None),
    ("POST", "/v1/webhooks"): ("admin", {"url": "https://hooks.example.org/x"}),
    ("GET", "/v1/webhooks/deliveries"): ("admin", None),
    ("GET", "/v1/jobs"): ("admin", None),
    ("POST", "/v1/jobs/{job_id}/retry"): ("admin", None),
    ("POST", "/v1/webhooks/{webhook_id}/rotate"): ("admin", None),
    ("GET", "/v1/dsa/statements"): ("admin", None),
    ("GET", "/v1/dsa/report"): ("admin", None),
    ("POST", "/v1/reports"): (
        "reports",
        {"external_id": "m-1", "reporter_id": "r-x", "category": "spam", "good_faith": True},
    ),
    ("GET", "/v1/reports/{report_id}"): ("items:read", None),
    ("POST", "/v1/items/{item_id}/decisions"): ("moderator", DECISION),
    ("GET", "/v1/items/{item_id}/decisions"): ("items:read", None),
    ("GET", "/v1/decisions/{decision_id}"): ("items:read", None),
    ("DELETE", "/v1/items/{item_id}/content"): ("items:write", None),
    ("GET", "/v1/authors/{author_id}"): ("items:read", None),
    ("POST", "/v1/authors/{author_id}/decisions"): (
        "moderator",
        {**DECISION, "account": "suspended"},
    ),
    ("POST", "/v1/appeals"): (
        "reports",
        {
            "decision_id": "{decision_id}",
            "appellant_kind": "author",
            "appellant_id": "a-1",
            "reason": "no",
        },
    ),
    ("GET", "/v1/appeals/{appeal_id}"): ("items:read", None),
    ("POST", "/v1/examples"): (
        "moderator",
        {"text": "achetez maintenant", "category": "spam", "violating": True},
    ),
    ("GET", "/v1/examples"): ("moderator", None),
    ("DELETE", "/v1/examples/{example_id}"): ("moderator", None),
    ("POST", "/v1/appeals/{appeal_id}/decision"): (
        "moderator",
        {"moderator_id": "mod-2", "outcome": "upheld", "reasons": "fine"},
    ),
}
# Authors are the platform's own account ids, so every tenant has its own "a-1": a rival's
# request reaches its own (empty) history, which test_rivals_see_no_author_history checks.
PER_TENANT_NAMESPACE = {"/v1/authors/{author_id}", "/v1/authors/{author_id}/decisions"}


def test_the_table_names_every_route(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    served = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    assert served == set(ROUTES)


def _call(api: Api, key: str, method: str, path: str, ids: dict[str, str]) -> int:
    _, body = ROUTES[(method, path)]
    url = path.format(**ids)
    headers = api.auth(key)
    if body == b"POLICY":
        source = api.client.get("/v1/policy", headers=api.auth()).json()["source"]
        return api.client.request(method, url, content=source.encode(), headers=headers).status_code
    if isinstance(body, dict):
        body = {k: (v.format(**ids) if isinstance(v, str) else v) for k, v in body.items()}
    return api.client.request(method, url, json=body, headers=headers).status_code


@pytest.mark.parametrize("scope", sorted(SCOPES))
def test_no_route_answers_2xx_to_a_key_without_its_scope_or_tenant(api: Api, scope: str) -> None:
    own = api.client.post(
        "/v1/keys", headers=api.auth(), json={"name": scope, "scopes": [scope]}
    ).json()
    _, rival_admin = api.new_tenant("rival")
    rival = api.client.post(
        "/v1/keys", headers=api.auth(rival_admin), json={"name": scope, "scopes": [scope]}
    ).json()
    item = api.client.post("/v1/items", json=ITEM, headers=api.auth()).json()
    r = api.client.post(
        "/v1/items", headers=api.auth(), json={**ITEM, "external_id": "dead", "async": True}
    )
    assert r.status_code == 202
    api.rt.jobs.claim(worker="w", lease_seconds=60)
    job_id = api.rt.jobs.list(tenant_id=api.tenant_id)[0].id
    report = api.client.post(
        "/v1/reports",
        headers=api.auth(),
        json={
            "item_id": item["id"],
            "reporter_id": "r-1",
            "category": "spam",
            "good_faith": True,
        },
    ).json()
    decision = api.client.post(
        f"/v1/items/{item['id']}/decisions", headers=api.auth(), json=DECISION
    ).json()
    appeal = api.client.post(
        "/v1/appeals",
        headers=api.auth(),
        json={
            "decision_id": decision["id"],
            "appellant_kind": "author",
            "appellant_id": "a-1",
            "reason": "please",
        },
    ).json()
    hook = api.client.post(
        "/v1/webhooks", headers=api.auth(), json={"url": "https://hooks.example.org/x"}
    ).json()
    example = api.client.post(
        "/v1/examples", headers=api.auth(), json=ROUTES[("POST", "/v1/examples")][1]
    ).json()
    ids = {
        "item_id": item["id"],
        "key_id": own["id"],
        "job_id": str(job_id),
        "report_id": report["report_id"],
        "decision_id": decision["id"],
        "appeal_id": appeal["id"],
        "author_id": "a-1",
        "webhook_id": hook["id"],
        "example_id": example["id"],
    }

    revoke = ("DELETE", "/v1/keys/{key_id}")  # last: it revokes the key under test
    for method, path in [*(r for r in ROUTES if r != revoke), revoke]:
        needed = ROUTES[(method, path)][0]
        if needed is not None and "{" in path and path not in PER_TENANT_NAMESPACE:
            # The rival tenant's key, even with the right scope, must not reach our objects.
            rival_status = _call(api, rival["secret"], method, path, ids)
            assert not 200 <= rival_status < 300, f"rival reached {method} {path}"
        allowed = needed is None or scope == "admin" or scope == needed
        status = _call(api, own["secret"], method, path, ids)
        if not allowed:
            assert status == 403, f"{scope} key got {status} on {method} {path}"
        else:
            assert status not in (401, 403), f"{scope} key refused on {method} {path}"


def test_rivals_see_no_author_history(api: Api) -> None:
    api.client.post("/v1/items", json=ITEM, headers=api.auth())
    _, rival = api.new_tenant("rival")
    history = api.client.get("/v1/authors/a-1", headers=api.auth(rival)).json()
    assert history["items"] == [] and history["decisions"] == []
    mine = api.client.get("/v1/authors/a-1", headers=api.auth()).json()
    assert len(mine["items"]) == 1


def test_rivals_cannot_report_or_appeal_our_objects_by_id(api: Api) -> None:
    item = api.client.post("/v1/items", json=ITEM, headers=api.auth()).json()
    decision = api.client.post(
        f"/v1/items/{item['id']}/decisions", headers=api.auth(), json=DECISION
    ).json()
    _, rival = api.new_tenant("rival")
    report = api.client.post(
        "/v1/reports",
        headers=api.auth(rival),
        json={"item_id": item["id"], "reporter_id": "r-1", "category": "spam", "good_faith": True},
    )
    assert report.status_code == 404
    appeal = api.client.post(
        "/v1/appeals",
        headers=api.auth(rival),
        json={
            "decision_id": decision["id"],
            "appellant_kind": "author",
            "appellant_id": "a-1",
            "reason": "mine now",
        },
    )
    assert appeal.status_code == 404
