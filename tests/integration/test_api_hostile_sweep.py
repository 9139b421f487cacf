"""Every route of the API, fed hostile bodies and query strings: a 4xx that says why, never a 5xx.

`test_api_bad_input` checks each refusal of `POST /v1/items` exactly; this sweep checks the
floor everywhere else, so a route added later without a guard fails here: every path in the
OpenAPI schema, every method, the same malformed and adversarial inputs. Afterwards the item
and the policy that were there before are unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from tests.integration.conftest import Api

BODIES: dict[str, bytes] = {
    "nested 5,000 deep": b"[" * 5_000 + b"]" * 5_000,
    "lone surrogates": b'{"text": "\\ud800", "input": "\\udfff", "comment": {"text": "\\ud800"}}',
    "NUL characters": b'{"text": "a\\u0000", "input": ["\\u0000"], "comment": {"text": "\\u0000"}}',
    "wrong types": b'{"text": 5, "input": {"a": 1}, "comment": "x", "requestedAttributes": []}',
    "5,000-item array": b'{"input": [' + b",".join([b'"a"'] * 5_000) + b"]}",
    "empty object": b"{}",
    "null": b"null",
    "overflowing number": b"1e999999",
    "huge integer": b'{"limit": 99999999999999999999999999999999, "text": "a"}',
    "bidi controls": b'{"text": "\\u202e\\u2066", "input": "\\u202e", "comment": {"text": "x"}}',
    "100,000-character key": b'{"' + b"k" * 100_000 + b'": 1}',
    "not UTF-8": b"\xff\xfe\x00",
}
QUERIES = (
    "limit=-1",
    "limit=99999999999999999999",
    "cursor=%ff%fe",
    "since=not-a-date",
    "status=x&status=y",
    "category=%00",
)


def _says_why(r: Any) -> str:
    """The human-readable reason in any of the API's three error shapes."""
    body = r.json()
    if "error" in body:  # the OpenAI and Perspective compatible endpoints answer in their own
        return str(body["error"]["message"])
    assert r.headers["content-type"].startswith("application/problem+json"), r.text[:200]
    return str(body["detail"])


def test_every_route_refuses_hostile_input_clearly_and_loses_nothing(api: Api) -> None:
    kept = api.client.post(
        "/v1/items", json={"external_id": "keep", "text": "bonjour"}, headers=api.auth()
    ).json()
    policy = api.client.get("/v1/policy", headers=api.auth()).json()
    routes = [
        (method.upper(), path)
        for path, methods in api.client.app.openapi()["paths"].items()  # type: ignore[attr-defined]
        for method in methods
    ]
    assert len(routes) > 30
    headers = {**api.auth(), "content-type": "application/json"}
    swept = 0
    for method, template in routes:
        # a real item where a route names one (never for DELETE: that would delete it)
        item = kept["id"] if method != "DELETE" else "it_missing"
        path = re.sub(r"\{[^}]+\}", "x", template.replace("{item_id}", item))
        if "{" in template:  # an id far past any integer column
            huge = re.sub(r"\{[^}]+\}", "9" * 40, template)
            r = api.client.request(method, huge, headers=api.auth())
            assert r.status_code < 500, (method, template, "huge id", r.text[:300])
        if method == "GET":
            for query in QUERIES:
                r = api.client.get(f"{path}?{query}", headers=api.auth())
                assert r.status_code < 500, (template, query, r.text[:300])
                if r.status_code >= 400:
                    assert _says_why(r), (template, query)
                swept += 1
            continue
        for name, body in BODIES.items():
            r = api.client.request(method, path, content=body, headers=headers)
            assert 400 <= r.status_code < 500, (method, template, name, r.status_code, r.text[:300])
            assert _says_why(r), (method, template, name)
            swept += 1
    assert swept > 300
    assert api.client.get(f"/v1/items/{kept['id']}", headers=api.auth()).json() == kept
    assert api.client.get("/v1/policy", headers=api.auth()).json() == policy
