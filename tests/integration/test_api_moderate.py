from __future__ import annotations

from tests.integration.conftest import Api


def test_moderate_answers_a_full_verdict(api: Api) -> None:
    text = "Va te faire foutre, connard"
    r = api.client.post("/v1/moderate", json={"text": text}, headers=api.auth())
    assert r.status_code == 200, r.text
    v = r.json()
    assert v["flagged"] is True
    assert v["action"] in {"review", "hide", "remove"}
    assert v["categories"]["toxicity/insult"] >= 0.9
    assert v["categories"]["self_harm"] is None and "self_harm" in v["unsupported"]
    assert v["severity"]["toxicity/insult"] >= 1
    assert v["clause"] == "insults"
    assert v["policy"]["name"] == "default" and v["policy"]["version"] == 1
    assert {a["name"] for a in v["analyzers"]} >= {"lexicon", "langid"}
    assert any(lang["code"] == "fr" and lang["script"] == "Latn" for lang in v["languages"])
    spans = {
        text[e["start"] : e["end"]] for e in v["evidence"] if e["category"] == "toxicity/insult"
    }
    assert "connard" in spans


def test_moderate_stores_nothing(api: Api) -> None:
    api.client.post("/v1/moderate", json={"text": "connard"}, headers=api.auth())
    with api.rt.store.read() as tx:
        assert tx.items.by_external_id(tenant_id=api.tenant_id, external_id="x") is None
    events = [e.type for e in _events(api)]
    assert "item.received" not in events and "item.moderated" not in events


def test_benign_text_is_allowed(api: Api) -> None:
    r = api.client.post(
        "/v1/moderate",
        json={"text": "Le Conseil municipal a voté le budget."},
        headers=api.auth(),
    )
    assert r.json()["action"] == "allow" and r.json()["flagged"] is False


def test_policy_change_takes_effect_and_is_recorded(api: Api) -> None:
    source = api.client.get("/v1/policy", headers=api.auth()).json()["source"]
    insults = source.index("clause: insults")
    strict = source[:insults] + source[insults:].replace("hide: 0.9", "remove: 0.9", 1)
    r = api.client.put("/v1/policy", content=strict.encode(), headers=api.auth())
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    v = api.client.post("/v1/moderate", json={"text": "connard"}, headers=api.auth()).json()
    assert v["action"] == "remove" and v["policy"]["version"] == 2
    assert any(e.type == "policy.changed" and e.subject == "policy:2" for e in _events(api))


def test_invalid_policy_names_the_line(api: Api) -> None:
    r = api.client.put(
        "/v1/policy", content=b"name: x\nterms_url: u\nrules:\n  - clause: a\n", headers=api.auth()
    )
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "line 4" in r.json()["detail"]


def test_tenant_terms_block_and_allow(api: Api) -> None:
    r = api.client.post(
        "/v1/lexicon/terms",
        headers=api.auth(),
        json={"list": "block", "term": "frobnicate", "category": "spam"},
    )
    assert r.status_code == 201
    v = api.client.post(
        "/v1/moderate", json={"text": "please frobnicate now"}, headers=api.auth()
    ).json()
    assert v["categories"]["spam"] is not None and v["categories"]["spam"] > 0.5
    api.client.post(
        "/v1/lexicon/terms", headers=api.auth(), json={"list": "allow", "term": "connard"}
    )
    v = api.client.post("/v1/moderate", json={"text": "connard"}, headers=api.auth()).json()
    assert v["action"] == "allow"
    _, other_key = api.new_tenant("other")
    v = api.client.post("/v1/moderate", json={"text": "connard"}, headers=api.auth(other_key))
    assert v.json()["action"] != "allow", "one tenant's allow-list leaked into another's"


def _events(api: Api) -> list:  # type: ignore[type-arg]
    api.rt.audit.seal()
    return list(api.rt.audit.sealed())


def test_docs_and_health(api: Api) -> None:
    assert api.client.get("/docs").status_code == 200
    spec = api.client.get("/openapi.json").json()
    assert {"/v1/moderate", "/v1/items", "/v1/items/{item_id}", "/v1/health"} <= set(spec["paths"])
    health = api.client.get("/v1/health").json()
    assert health["status"] == "ok" and {a["name"] for a in health["analyzers"]} >= {"lexicon"}


def test_stateless_requests_are_counted(api: Api) -> None:
    from tamis.jobs.worker import flush_counters

    for text in ("bonjour", "connard", "connard"):
        api.client.post("/v1/moderate", json={"text": text}, headers=api.auth())
    flush_counters(api.rt)
    api.client.post("/v1/moderate", json={"text": "connard"}, headers=api.auth())
    flush_counters(api.rt)
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from tamis.store.sql import models as m

    with Session(api.rt.store.engines.read) as s:
        counts = {c.name: c.value for c in s.scalars(select(m.Counter))}
    assert counts == {"moderate.allow": 1, "moderate.hide": 3}
