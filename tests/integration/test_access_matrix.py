"""Every route × every scope × two tenants: no key gets a 2xx it must not get.

The table below must name every route the app serves, so a new route cannot ship without
saying which scope it needs.
"""

from __future__ import annotations

import pytest

from tamis.services.keys import SCOPES
from tests.integration.conftest import Api

ITEM = {"external_id": "m-1", "text": "bonjour"}
ROUTES: dict[tuple[str, str], tuple[str | None, dict[str, object] | bytes | None]] = {
    ("GET", "/v1/health"): (None, None),
    ("POST", "/v1/moderate"): ("moderate", {"text": "bonjour"}),
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
    ("GET", "/v1/webhooks"): ("admin", None),
    ("POST", "/v1/webhooks"): ("admin", {"url": "https://hooks.example.org/x"}),
    ("GET", "/v1/webhooks/deliveries"): ("admin", None),
    ("GET", "/v1/jobs"): ("admin", None),
    ("POST", "/v1/jobs/{job_id}/retry"): ("admin", None),
}


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
    api.rt.jobs.claim(worker="w", lease_seconds=60)
    job_id = api.rt.jobs.list(tenant_id=api.tenant_id)[0].id
    ids = {"item_id": item["id"], "key_id": own["id"], "job_id": str(job_id)}
    assert r.status_code == 202

    revoke = ("DELETE", "/v1/keys/{key_id}")  # last: it revokes the key under test
    for method, path in [*(r for r in ROUTES if r != revoke), revoke]:
        needed = ROUTES[(method, path)][0]
        if needed is not None and "{" in path:
            # The rival tenant's key, even with the right scope, must not reach our objects.
            rival_status = _call(api, rival["secret"], method, path, ids)
            assert not 200 <= rival_status < 300, f"rival reached {method} {path}"
        allowed = needed is None or scope == "admin" or scope == needed
        status = _call(api, own["secret"], method, path, ids)
        if not allowed:
            assert status == 403, f"{scope} key got {status} on {method} {path}"
        else:
            assert status not in (401, 403), f"{scope} key refused on {method} {path}"
