"""The same write sent by several requests at once: one takes effect, none gets a 5xx."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tamis.api.app import create_app
from tamis.core import policy as policies
from tamis.services.runtime import Runtime
from tests.integration.conftest import Api

AT_ONCE = 8


def _at_once(send: Callable[[int], Any]) -> list[Any]:
    """`send(0)` … `send(AT_ONCE - 1)`, all at once."""
    with ThreadPoolExecutor(AT_ONCE) as pool:
        return list(pool.map(send, range(AT_ONCE)))


@pytest.mark.parametrize(
    ("path", "added"),
    [
        ("/v1/lexicon/terms", {"list": "block", "term": "frobnicate", "category": "spam"}),
        ("/v1/links/rules", {"list": "block", "pattern": "*.scam.example", "category": "spam"}),
    ],
)
def test_a_rule_added_and_removed_by_requests_at_once_changes_once(
    api: Api, path: str, added: dict[str, str]
) -> None:
    key = {k: v for k, v in added.items() if k != "category"}
    for round in range(3):
        adds = _at_once(lambda _: api.client.post(path, json=added, headers=api.auth()))
        assert [r.status_code for r in adds] == [201] * AT_ONCE, round
        assert [r.json()["changed"] for r in adds].count(True) == 1
        removals = _at_once(
            lambda _: api.client.request("DELETE", path, json=key, headers=api.auth())
        )
        assert [r.status_code for r in removals] == [200] * AT_ONCE, round
        assert [r.json()["removed"] for r in removals].count(True) == 1


def _moderators(api: Api) -> list[dict[str, str]]:
    made = []
    for n in range(AT_ONCE):
        scopes = {"name": f"mod{n}", "scopes": ["moderator", "items:read"]}
        secret = api.client.post("/v1/keys", json=scopes, headers=api.auth()).json()["secret"]
        made.append(api.auth(secret))
    return made


def _decision(moderator: str, visibility: str = "removed") -> dict[str, str]:
    return {
        "moderator_id": moderator,
        "visibility": visibility,
        "category": "toxicity/insult",
        "facts": "Insults another reader.",
        "legal_ground": "Terms of use, section 3",
    }


def test_decisions_and_appeals_at_once_on_one_item_settle_one_after_another(api: Api) -> None:
    moderators = _moderators(api)
    item = api.client.post(
        "/v1/items",
        json={"external_id": "c-1", "author_id": "acct-1", "text": "bonjour"},
        headers=api.auth(),
    ).json()
    url = f"/v1/items/{item['id']}/decisions"

    def decide(n: int) -> Any:
        return api.client.post(url, json=_decision(f"mod{n}"), headers=moderators[n])

    made = _at_once(decide)
    assert [r.status_code for r in made] == [201] * AT_ONCE
    history = api.client.get(url, headers=api.auth()).json()
    assert sorted(d["state"] for d in history) == ["in_force"] + ["superseded"] * (AT_ONCE - 1)
    superseded = [d["supersedes"] for d in history if d["supersedes"]]
    assert len(superseded) == len(set(superseded)) == AT_ONCE - 1, "one line of decisions"
    [current] = [d for d in history if d["state"] == "in_force"]

    appeal = {
        "decision_id": current["id"],
        "appellant_kind": "author",
        "appellant_id": "acct-1",
        "reason": "It was a greeting.",
    }
    filed = _at_once(lambda _: api.client.post("/v1/appeals", json=appeal, headers=api.auth()))
    assert sorted(r.status_code for r in filed) == [201] + [409] * (AT_ONCE - 1)
    [appeal_id] = [r.json()["id"] for r in filed if r.status_code == 201]

    others = [n for n in range(AT_ONCE) if f"mod{n}" != current["decided_by"].split(":")[-1]]

    def judge(k: int) -> Any:
        n = others[k % len(others)]
        outcome = {"moderator_id": f"mod{n}", "outcome": "reversed", "reasons": "A greeting."}
        return api.client.post(
            f"/v1/appeals/{appeal_id}/decision", json=outcome, headers=moderators[n]
        )

    outcomes = _at_once(judge)
    assert sorted(r.status_code for r in outcomes) == [201] + [409] * (AT_ONCE - 1)
    states = [d["state"] for d in api.client.get(url, headers=api.auth()).json()]
    assert states.count("in_force") == 1 and states.count("reversed") == 1


def test_an_item_erased_by_requests_at_once_is_erased_once(api: Api) -> None:
    item = api.client.post(
        "/v1/items", json={"external_id": "c-2", "text": "bonjour"}, headers=api.auth()
    ).json()
    erasures = _at_once(
        lambda _: api.client.delete(f"/v1/items/{item['id']}/content", headers=api.auth())
    )
    assert [r.status_code for r in erasures] == [200] * AT_ONCE
    api.rt.audit.seal()
    erased = [e for e in api.rt.audit.sealed() if e.type == "item.erased"]
    assert len(erased) == 1


@contextmanager
def _second_process(api: Api) -> Iterator[TestClient]:
    """Another app on the same database, as `tamis serve` runs one per core."""
    runtime = Runtime.open(api.rt.settings)
    try:
        with TestClient(create_app(api.rt.settings, runtime=runtime)) as client:
            # Two apps in one process: FastAPI builds an app's routes on first use inside
            # warnings.catch_warnings(), which is not thread-safe before Python 3.14, and a
            # warning let through is an error in tests. Build both apps' routes in turn first.
            for warmed in (api.client, client):
                assert warmed.get("/__build_routes__").status_code == 404
            yield client
    finally:
        runtime.close()


def test_readers_reporting_through_two_processes_hide_an_item_once(api: Api) -> None:
    for round in range(3):
        item = api.client.post(
            "/v1/items", json={"external_id": f"r-{round}", "text": "bonjour"}, headers=api.auth()
        ).json()
        with _second_process(api) as other:
            clients = (api.client, other)

            def report(n: int, item: dict[str, Any] = item, clients: Any = clients) -> Any:
                body = {
                    "item_id": item["id"],
                    "reporter_id": f"reader-{n}",
                    "category": "spam",
                    "good_faith": True,
                }
                return clients[n % 2].post("/v1/reports", json=body, headers=api.auth())

            receipts = _at_once(report)
        assert [r.status_code for r in receipts] == [201] * AT_ONCE
        assert [r.json()["hidden"] for r in receipts].count(True) == 1, round
        decisions = api.client.get(f"/v1/items/{item['id']}/decisions", headers=api.auth())
        assert len(decisions.json()) == 1, round


def test_policies_stored_at_once_by_two_processes_get_consecutive_versions(api: Api) -> None:
    source = policies.default_source()
    with _second_process(api) as other:
        clients = (api.client, other)

        def put(n: int) -> Any:
            body = source.replace("\ndescription: ", f"\ndescription: take {n}. ", 1)
            headers = {**api.auth(), "content-type": "application/yaml"}
            return clients[n % 2].put("/v1/policy", content=body.encode(), headers=headers)

        stored = _at_once(put)
    assert [r.status_code for r in stored] == [200] * AT_ONCE, [r.text[:200] for r in stored]
    versions = sorted(r.json()["version"] for r in stored)
    assert versions == list(range(versions[0], versions[0] + AT_ONCE))
