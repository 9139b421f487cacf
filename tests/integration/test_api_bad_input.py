"""Hostile and malformed requests get a 4xx problem+json, and nothing stored is harmed."""

from __future__ import annotations

import pytest

from tests.integration.conftest import Api

JSON = {"content-type": "application/json"}


def _bodies() -> list[tuple[str, bytes, int]]:
    return [
        ("invalid utf-8", b'{"external_id": "x", "text": "\xff\xfe"}', 400),
        ("10 MB body", b'{"external_id": "x", "text": "' + b"a" * 10_000_000 + b'"}', 413),
        ("nested 10,000 deep", b"[" * 10_000 + b"]" * 10_000, 400),
        ("nested objects", b'{"a":' * 5_000 + b"1" + b"}" * 5_000, 400),
        ("not json", b"{oops", 422),
        ("wrong types", b'{"external_id": 5, "text": ["a"]}', 422),
        ("unknown field", b'{"external_id": "x", "text": "a", "colour": "red"}', 422),
        ("no content", b'{"external_id": "x"}', 422),
        ("empty text", b'{"external_id": "x", "text": ""}', 422),
        ("blank text part", b'{"external_id": "x", "parts": [{"type": "text", "text": " "}]}', 422),
        ("empty parts", b'{"external_id": "x", "parts": []}', 422),
        ("text too long", b'{"external_id": "x", "text": "' + b"a" * 20_001 + b'"}', 413),
        (
            "too many parts",
            b'{"external_id": "x", "parts": ['
            + b",".join([b'{"type": "text", "text": "a"}'] * 17)
            + b"]}",
            413,
        ),
        ("bad base64", b'{"external_id": "x", "parts": [{"type": "image", "data": "%%%"}]}', 422),
        ("bad part type", b'{"external_id": "x", "parts": [{"type": "audio"}]}', 422),
        ("date in seconds", b'{"external_id": "x", "text": "a", "created_at": 1765185000}', 422),
        ("date in digits", b'{"external_id": "x", "text": "a", "created_at": "1765185000"}', 422),
        ("naive date", b'{"external_id": "x", "text": "a", "created_at": "2026-01-01T00:00"}', 422),
        (
            "date past 9999 in UTC",
            b'{"external_id": "x", "text": "a", "created_at": "9999-12-31T23:59:59-14:00"}',
            422,
        ),
        (
            "date before year 1 in UTC",
            b'{"external_id": "x", "text": "a", "created_at": "0001-01-01T00:00:00+14:00"}',
            422,
        ),
        (
            "script as context_url",
            b'{"external_id": "x", "text": "a", "context_url": "javascript:alert(1)"}',
            422,
        ),
        (
            "context_url with no host",
            b'{"external_id": "x", "text": "a", "context_url": "https://"}',
            422,
        ),
        ("lone surrogate", b'{"external_id": "x", "text": "\\ud800"}', 422),
        ("NUL in an id", b'{"external_id": "x\\u0000", "text": "a"}', 422),
        ("NUL in the text", b'{"external_id": "x", "text": "a\\u0000b"}', 422),
    ]


@pytest.mark.parametrize(("name", "body", "status"), _bodies(), ids=[b[0] for b in _bodies()])
def test_bad_input_is_refused_clearly_and_loses_nothing(
    api: Api, name: str, body: bytes, status: int
) -> None:
    kept = api.client.post(
        "/v1/items", json={"external_id": "keep", "text": "bonjour"}, headers=api.auth()
    ).json()
    r = api.client.post("/v1/items", content=body, headers={**api.auth(), **JSON})
    assert r.status_code == status, r.text[:300]
    if status >= 400:
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["detail"]
        with api.rt.store.read() as tx:
            assert tx.items.by_external_id(tenant_id=api.tenant_id, external_id="x") is None
    again = api.client.get(f"/v1/items/{kept['id']}", headers=api.auth()).json()
    assert again == kept


def test_a_multipart_item_dated_out_of_range_is_refused_and_stores_nothing(api: Api) -> None:
    r = api.client.post(
        "/v1/items",
        files={
            "external_id": (None, "x"),
            "text": (None, "a"),
            "created_at": (None, "9999-12-31T23:59:59-14:00"),
        },
        headers=api.auth(),
    )
    assert r.status_code == 422, r.text[:300]
    assert "UTC" in r.text
    with api.rt.store.read() as tx:
        assert tx.items.by_external_id(tenant_id=api.tenant_id, external_id="x") is None


@pytest.mark.parametrize("field", ["text", "parts"])
def test_a_multipart_field_that_is_not_utf8_is_refused_not_misread(api: Api, field: str) -> None:
    latin1 = "café où".encode("latin-1")
    value = latin1 if field == "text" else b'[{"type": "text", "text": "' + latin1 + b'"}]'
    r = api.client.post(
        "/v1/items",
        files={"external_id": (None, "x"), field: (None, value)},
        headers=api.auth(),
    )
    assert r.status_code == 422, r.text[:300]
    assert f"'{field}' is not UTF-8" in r.json()["detail"]
    with api.rt.store.read() as tx:
        assert tx.items.by_external_id(tenant_id=api.tenant_id, external_id="x") is None


def test_a_multipart_field_in_utf8_keeps_its_accents(api: Api) -> None:
    r = api.client.post(
        "/v1/items",
        files={"external_id": (None, "é-1"), "text": (None, "café où ça مرحبا".encode())},
        headers=api.auth(),
    )
    assert r.status_code == 201, r.text[:300]
    assert r.json()["external_id"] == "é-1"
    assert r.json()["parts"][0]["text"] == "café où ça مرحبا"


DECISION = {
    "moderator_id": "alice",
    "category": "spam",
    "facts": "Advertises a scam.",
    "legal_ground": "Consumer protection law",
}


def _moderator(api: Api) -> str:
    scopes = {"name": "mod", "scopes": ["moderator"]}
    secret: str = api.client.post("/v1/keys", json=scopes, headers=api.auth()).json()["secret"]
    return secret


def test_reports_and_decisions_that_contradict_themselves_are_refused(api: Api) -> None:
    item = api.client.post(
        "/v1/items", json={"external_id": "post-1", "text": "bonjour"}, headers=api.auth()
    ).json()
    api.client.post(
        "/v1/items", json={"external_id": "post-2", "text": "salut"}, headers=api.auth()
    )
    report = {"item_id": item["id"], "reporter_id": "r1", "category": "spam", "good_faith": True}
    refused = {
        "another item's external_id": {**report, "external_id": "post-2"},
        "an empty reporter id": {**report, "reporter_id": ""},
    }
    for name, body in refused.items():
        r = api.client.post("/v1/reports", json=body, headers=api.auth())
        assert r.status_code == 422, (name, r.text[:300])
        assert ("post-2" in r.text) == (name == "another item's external_id")
    r = api.client.post("/v1/reports", json={**report, "external_id": "post-1"}, headers=api.auth())
    assert r.status_code == 201, r.text[:300]

    moderator = _moderator(api)
    decision = {**DECISION, "visibility": "removed"}
    url = f"/v1/items/{item['id']}/decisions"
    for scope in (["fr"], ["France"], [], ["FR"] * 251):
        body = {**decision, "territorial_scope": scope}
        r = api.client.post(url, json=body, headers=api.auth(moderator))
        assert r.status_code == 422, (scope[:2], r.text[:300])
    assert api.client.get(url, headers=api.auth()).json() == []
    r = api.client.post(
        url, json={**decision, "territorial_scope": ["FR", "MA"]}, headers=api.auth(moderator)
    )
    assert r.status_code == 201, r.text[:300]


def test_overlong_ids_and_declared_types_are_refused_not_truncated(api: Api) -> None:
    decision = {**DECISION, "account": "suspended"}
    r = api.client.post(
        f"/v1/authors/{'x' * 201}/decisions", json=decision, headers=api.auth(_moderator(api))
    )
    assert r.status_code == 422, r.text[:300]
    r = api.client.post(
        "/v1/items",
        files={
            "external_id": (None, "v-1"),
            "video": ("v.mp4", b"not a video", "video/" + "x" * 500),
        },
        headers=api.auth(),
    )
    assert r.status_code == 422, r.text[:300]
    assert "declared type" in r.json()["detail"]
    with api.rt.store.read() as tx:
        assert tx.items.by_external_id(tenant_id=api.tenant_id, external_id="v-1") is None


def test_a_method_no_route_serves_says_which_ones_do(api: Api) -> None:
    answer = api.client.request("TRACE", "/v1/examples", headers=api.auth())
    assert answer.status_code == 405
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["allow"] == "GET, POST"  # two routes share the path
    assert answer.json()["detail"] == "/v1/examples does not take TRACE; it takes GET, POST"


def test_a_path_no_route_serves_points_to_the_list(api: Api) -> None:
    answer = api.client.get("/v1/itemz", headers=api.auth())
    assert answer.status_code == 404
    assert answer.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "no operation at /v1/itemz; /docs lists them",
    }
