from __future__ import annotations

import base64
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select
from sqlalchemy.orm import Session

from tamis.jobs.worker import run_one
from tamis.store.sql import models as m
from tests import drawn
from tests.integration.conftest import Api


def _item(external_id: str, text: str = "salut connard", **extra: object) -> dict[str, object]:
    return {
        "external_id": external_id,
        "author_id": "acct-42",
        "author_locale": "fr-FR",
        "parts": [{"type": "text", "text": text}],
        **extra,
    }


def test_sync_item_is_stored_with_its_verdict(api: Api) -> None:
    r = api.client.post("/v1/items", json=_item("c-1"), headers=api.auth())
    assert r.status_code == 201, r.text
    item = r.json()
    assert item["status"] == "moderated" and item["verdict"]["flagged"] is True
    got = api.client.get(f"/v1/items/{item['id']}", headers=api.auth()).json()
    assert got["verdict"] == item["verdict"] and got["author_id"] == "acct-42"


def test_async_item_is_queued_then_moderated_by_a_worker(api: Api) -> None:
    r = api.client.post("/v1/items", json=_item("c-2", **{"async": True}), headers=api.auth())
    assert r.status_code == 202
    item_id = r.json()["id"]
    assert r.json()["status"] == "pending"
    assert run_one(api.rt, "test-worker")
    got = api.client.get(f"/v1/items/{item_id}", headers=api.auth()).json()
    assert got["status"] == "moderated" and got["action"] != "allow"


def test_an_item_with_a_caption_and_photos_is_one_item(api: Api) -> None:
    photo = base64.b64encode(drawn.picture(1)).decode()
    body = {
        "external_id": "post-1",
        "parts": [
            {"type": "text", "text": "Beau temps à Rabat"},
            {"type": "image", "data": photo, "media_type": "image/jpeg"},
            {"type": "image", "data": photo},
            {"type": "link", "url": "https://example.org/a"},
        ],
    }
    item = api.client.post("/v1/items", json=body, headers=api.auth()).json()
    kinds = [p["kind"] for p in item["parts"]]
    assert kinds == ["text", "image", "image", "link"]
    assert item["parts"][1]["digest"] == item["parts"][2]["digest"]
    assert "data" not in item["parts"][1]
    assert api.rt.media.get(tenant_id=api.tenant_id, digest=item["parts"][1]["digest"])
    assert item["verdict"]["categories"]["sexual/explicit"] is not None
    assert "violence/graphic" in item["verdict"]["unsupported"]


def test_idempotency_key_replays_and_creates_nothing_twice(api: Api) -> None:
    headers = {**api.auth(), "Idempotency-Key": "req-1"}
    first = api.client.post("/v1/items", json=_item("c-3"), headers=headers)
    again = api.client.post("/v1/items", json=_item("c-3"), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    other = api.client.post("/v1/items", json=_item("c-4"), headers=headers)
    assert other.status_code == 409
    assert "different request" in other.json()["detail"]


def test_duplicate_external_id_is_a_conflict(api: Api) -> None:
    api.client.post("/v1/items", json=_item("c-5"), headers=api.auth())
    r = api.client.post("/v1/items", json=_item("c-5"), headers=api.auth())
    assert r.status_code == 409


def test_a_refused_item_leaves_no_file_behind(api: Api) -> None:
    def post(external_id: str, seed: int) -> int:
        photo = base64.b64encode(drawn.picture(seed)).decode()
        body = {"external_id": external_id, "parts": [{"type": "image", "data": photo}]}
        return api.client.post("/v1/items", json=body, headers=api.auth()).status_code

    def files() -> list[str]:
        return sorted(p.name for p in api.rt.media.root.rglob("*") if p.is_file())

    assert post("photo-1", seed=1) == 201
    stored = files()
    assert len(stored) == 1
    assert post("photo-1", seed=2) == 409
    assert files() == stored, "the refused item's photo was written to disk"


def test_the_same_photo_in_items_sent_at_once_is_stored_once(api: Api) -> None:
    photo = base64.b64encode(drawn.picture(3)).decode()

    def post(n: int) -> int:
        body = {"external_id": f"share-{n}", "parts": [{"type": "image", "data": photo}]}
        return api.client.post("/v1/items", json=body, headers=api.auth()).status_code

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(post, range(16))) == [201] * 16
    assert len([p for p in api.rt.media.root.rglob("*") if p.is_file()]) == 1


def test_tenants_never_see_each_other(api: Api) -> None:
    item_id = api.client.post("/v1/items", json=_item("c-6"), headers=api.auth()).json()["id"]
    _, other_key = api.new_tenant("rival")
    assert api.client.get(f"/v1/items/{item_id}", headers=api.auth(other_key)).status_code == 404
    r = api.client.post("/v1/items", json=_item("c-6"), headers=api.auth(other_key))
    assert r.status_code == 201, "external ids are per tenant"


def test_scopes_and_revocation(api: Api) -> None:
    r = api.client.post(
        "/v1/keys", json={"name": "site", "scopes": ["moderate"]}, headers=api.auth()
    )
    assert r.status_code == 201
    narrow, key_id = r.json()["secret"], r.json()["id"]
    assert narrow.startswith("tamis_sk_") and len(narrow) >= 9 + 32
    assert (
        api.client.post("/v1/moderate", json={"text": "hi"}, headers=api.auth(narrow)).status_code
        == 200
    )
    assert (
        api.client.post("/v1/items", json=_item("c-7"), headers=api.auth(narrow)).status_code == 403
    )
    assert api.client.get("/v1/keys", headers=api.auth(narrow)).status_code == 403
    listed = api.client.get("/v1/keys", headers=api.auth()).json()
    assert all("secret" not in k or k["secret"] is None for k in listed)
    assert api.client.delete(f"/v1/keys/{key_id}", headers=api.auth()).status_code == 200
    r = api.client.post("/v1/moderate", json={"text": "hi"}, headers=api.auth(narrow))
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
    assert api.client.post("/v1/moderate", json={"text": "hi"}).status_code == 401


def test_revoking_a_key_again_changes_nothing_and_records_one_event(api: Api) -> None:
    r = api.client.post(
        "/v1/keys", json={"name": "site", "scopes": ["moderate"]}, headers=api.auth()
    )
    key_id = r.json()["id"]
    first = api.client.delete(f"/v1/keys/{key_id}", headers=api.auth())
    again = api.client.delete(f"/v1/keys/{key_id}", headers=api.auth())
    assert first.status_code == again.status_code == 200
    assert first.json()["revoked_at"] == again.json()["revoked_at"] is not None
    with Session(api.rt.store.engines.write) as s:
        events = s.scalars(select(m.Event.type).where(m.Event.subject == key_id)).all()
    assert events == ["key.created", "key.revoked"]


def test_every_creating_post_honours_idempotency_keys(api: Api) -> None:
    for path, body in (
        ("/v1/keys", {"name": "k", "scopes": ["moderate"]}),
        ("/v1/webhooks", {"url": "https://hooks.example.org/tamis"}),
    ):
        headers = {**api.auth(), "Idempotency-Key": f"once-{path}"}
        first = api.client.post(path, json=body, headers=headers)
        again = api.client.post(path, json=body, headers=headers)
        assert first.status_code == again.status_code == 201
        assert first.json()["id"] == again.json()["id"]
        if path == "/v1/keys":  # a key's secret is shown once and never stored, even for replay
            assert first.json()["secret"] and again.json()["secret"] is None
        else:
            assert first.json() == again.json()
    assert len(api.client.get("/v1/keys", headers=api.auth()).json()) == 2  # admin + k
    assert len(api.client.get("/v1/webhooks", headers=api.auth()).json()) == 1
