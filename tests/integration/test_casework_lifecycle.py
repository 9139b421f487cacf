"""The whole life of an item, through real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from tamis.jobs.worker import housekeeping
from tests.integration.conftest import Api
from tests.integration.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def _keys(api: Api) -> dict[str, str]:
    made = {}
    for name, scopes in {
        "site": ["items:write", "items:read", "reports"],
        "alice": ["moderator", "items:read"],
        "bruno": ["moderator", "items:read"],
    }.items():
        r = api.client.post("/v1/keys", json={"name": name, "scopes": scopes}, headers=api.auth())
        made[name] = r.json()["secret"]
    return made


def _deliver(api: Api) -> None:
    with httpx.Client() as client:
        while housekeeping(api.rt, client):
            pass


def _events(receiver: Receiver, secret: str) -> list[dict[str, object]]:
    return [Webhook(secret).verify(d.body, d.headers) for d in receiver.deliveries]


def test_item_reports_hide_decision_appeal_reversal(api: Api, receiver: Receiver) -> None:
    keys = _keys(api)
    hook = api.client.post("/v1/webhooks", json={"url": receiver.url}, headers=api.auth()).json()
    site, alice, bruno = (api.auth(keys[k]) for k in ("site", "alice", "bruno"))

    item = api.client.post(
        "/v1/items",
        headers=site,
        json={
            "external_id": "photo-77",
            "author_id": "acct-9",
            "author_locale": "fr-FR",
            "context_url": "https://news.example/photo-77",
            "parts": [{"type": "text", "text": "Coucher de soleil sur la corniche"}],
        },
    ).json()
    assert item["action"] == "allow"

    receipts = []
    for reader in ("r1", "r2", "r2", "r3"):
        r = api.client.post(
            "/v1/reports",
            headers=site,
            json={
                "item_id": item["id"],
                "reporter_id": reader,
                "category": "sexual/suggestive",
                "explanation": "not for a news site",
                "good_faith": True,
            },
        )
        receipts.append(r)
    assert [r.status_code for r in receipts] == [201, 201, 409, 201]
    assert [r.json().get("hidden") for r in receipts if r.status_code == 201] == [
        False,
        False,
        True,
    ]
    anonymous = api.client.post(
        "/v1/reports",
        headers=site,
        json={
            "external_id": "photo-77",
            "reporter_kind": "anonymous",
            "category": "spam",
            "good_faith": True,
        },
    )
    assert anonymous.status_code == 201 and anonymous.json()["hidden"] is False

    [auto] = api.client.get(f"/v1/items/{item['id']}/decisions", headers=site).json()
    assert auto["visibility"] == "disabled" and auto["decided_by"] == "tamis:reports"
    assert auto["statement"]["source"] == "notice" and auto["automated"] == "fully"
    assert auto["notice"]["locale"] == "fr"

    human = api.client.post(
        f"/v1/items/{item['id']}/decisions",
        headers=alice,
        json={
            "moderator_id": "alice",
            "visibility": "removed",
            "category": "sexual/suggestive",
            "clause": "sexual-content",
            "facts": "The photo shows explicit nudity.",
        },
    )
    assert human.status_code == 201, human.text
    human = human.json()
    assert human["supersedes"] == auto["id"] and human["automated"] == "not"
    assert human["statement"]["terms_url"].startswith("https://")
    assert (
        api.client.get(f"/v1/reports/{receipts[0].json()['report_id']}", headers=site).json()[
            "decision_id"
        ]
        == human["id"]
    )

    appeal = api.client.post(
        "/v1/appeals",
        headers=site,
        json={
            "decision_id": human["id"],
            "appellant_kind": "author",
            "appellant_id": "acct-9",
            "reason": "It is a sunset, there is no nudity.",
        },
    ).json()
    same = api.client.post(
        f"/v1/appeals/{appeal['id']}/decision",
        headers=alice,
        json={"moderator_id": "alice", "outcome": "reversed", "reasons": "I was wrong"},
    )
    assert same.status_code == 422 and "another moderator" in same.json()["detail"]
    machine = api.client.post(
        f"/v1/appeals/{appeal['id']}/decision",
        headers=bruno,
        json={"moderator_id": "tamis:policy", "outcome": "upheld", "reasons": "auto"},
    )
    assert machine.status_code == 422 and "automated" in machine.json()["detail"]
    decided = api.client.post(
        f"/v1/appeals/{appeal['id']}/decision",
        headers=bruno,
        json={
            "moderator_id": "bruno",
            "outcome": "reversed",
            "reasons": "The photo is a landscape; the reports were mistaken.",
        },
    )
    assert decided.status_code == 201, decided.text
    restored = decided.json()["new_decision"]
    assert restored["visibility"] == "none" and restored["appeal_id"] == appeal["id"]
    history = api.client.get("/v1/authors/acct-9", headers=site).json()
    assert history["strikes"]["active"] == 0
    assert [d["state"] for d in history["decisions"]] == ["superseded", "reversed", "in_force"]

    today = datetime.now(UTC).date()
    period = f"start={today}&end={today + timedelta(days=1)}"
    statements = api.client.get(f"/v1/dsa/statements?{period}", headers=api.auth()).json()
    exported = statements["statements"]
    assert [s["decision_visibility"] for s in exported] == [
        ["DECISION_VISIBILITY_CONTENT_DISABLED"],
        ["DECISION_VISIBILITY_CONTENT_REMOVED"],
    ]
    assert {s["puid"] for s in exported} == {"photo-77"}
    assert [s["source_type"] for s in exported] == ["SOURCE_ARTICLE_16", "SOURCE_ARTICLE_16"]
    assert [s["automated_decision"] for s in exported] == [
        "AUTOMATED_DECISION_FULLY",
        "AUTOMATED_DECISION_NOT_AUTOMATED",
    ]
    assert exported[1]["incompatible_content_ground"] == "sexual-content"
    figures = api.client.get(f"/v1/dsa/report?{period}", headers=api.auth()).json()
    assert figures["notices"]["received"] == 4  # 3 identified readers and 1 anonymous
    assert figures["notices"]["settled"] == 4
    assert figures["actions"]["total"] == 2
    assert figures["actions"]["reversed_on_appeal"] == 1
    assert figures["complaints"]["received"] == 1 and figures["complaints"]["reversed"] == 1
    rate = figures["automated_means"]["reversal_rate"]
    # The automated hide was confirmed (made a removal) by a person, then the removal was
    # reversed on appeal: the automated decision itself was not lifted by anyone.
    assert (rate["numerator"], rate["denominator"]) == (0, 1)

    _deliver(api)
    events = _events(receiver, hook["secret"])
    types = [e["type"] for e in events]
    for expected in (
        "report.received",
        "item.hidden",
        "decision.made",
        "report.outcome",
        "appeal.received",
        "appeal.decided",
        "decision.reversed",
    ):
        assert expected in types, (expected, types)
    outcomes = [e["data"] for e in events if e["type"] == "report.outcome"]
    assert {o["reporter_id"] for o in outcomes} == {"r1", "r2", "r3", None}
    assert all(o["outcome"] == "removed" for o in outcomes)
    assert json.dumps(events).count("Coucher de soleil") == 0


def test_reporters_can_appeal_a_decision_not_to_act(api: Api) -> None:
    keys = _keys(api)
    site, alice, bruno = (api.auth(keys[k]) for k in ("site", "alice", "bruno"))
    item = api.client.post(
        "/v1/items",
        headers=site,
        json={"external_id": "c-1", "author_id": "a-1", "text": "Un commentaire"},
    ).json()
    api.client.post(
        "/v1/reports",
        headers=site,
        json={
            "item_id": item["id"],
            "reporter_id": "r1",
            "category": "harassment",
            "good_faith": True,
        },
    )
    keep = api.client.post(
        f"/v1/items/{item['id']}/decisions",
        headers=alice,
        json={
            "moderator_id": "alice",
            "visibility": "none",
            "category": "harassment",
            "clause": "insults",
            "facts": "No insult found.",
        },
    ).json()
    stranger = api.client.post(
        "/v1/appeals",
        headers=site,
        json={
            "decision_id": keep["id"],
            "appellant_kind": "reporter",
            "appellant_id": "r9",
            "reason": "it is harassment",
        },
    )
    assert stranger.status_code == 403
    appeal = api.client.post(
        "/v1/appeals",
        headers=site,
        json={
            "decision_id": keep["id"],
            "appellant_kind": "reporter",
            "appellant_id": "r1",
            "reason": "It targets me by name.",
        },
    ).json()
    new = api.client.post(
        f"/v1/appeals/{appeal['id']}/decision",
        headers=bruno,
        json={
            "moderator_id": "bruno",
            "outcome": "reversed",
            "visibility": "disabled",
            "clause": "insults",
            "reasons": "Targeted harassment on a second reading.",
        },
    ).json()
    assert new["status"] == "reversed"
    assert new["new_decision"]["visibility"] == "disabled"
    history = api.client.get("/v1/authors/a-1", headers=site).json()
    assert history["strikes"]["active"] == 1


def test_policy_verdicts_become_automated_decisions(api: Api) -> None:
    item = api.client.post(
        "/v1/items",
        headers=api.auth(),
        json={
            "external_id": "c-2",
            "author_id": "a-2",
            "author_locale": "es",
            "text": "eres un gilipollas",
        },
    ).json()
    [decision] = api.client.get(f"/v1/items/{item['id']}/decisions", headers=api.auth()).json()
    assert decision["decided_by"] == "tamis:policy" and decision["automated"] == "fully"
    assert decision["statement"]["automated_detection"] is True
    assert decision["statement"]["source"] == "own_initiative"
    assert decision["notice"]["locale"] == "es"
    assert "gilipollas" not in json.dumps(decision)


def test_account_actions_and_erasure(api: Api) -> None:
    item = api.client.post(
        "/v1/items",
        headers=api.auth(),
        json={"external_id": "c-3", "author_id": "a-3", "text": "connard"},
    ).json()
    r = api.client.post(
        "/v1/authors/a-3/decisions",
        headers=api.auth(),
        json={
            "moderator_id": "mod-1",
            "account": "suspended",
            "category": "harassment",
            "clause": "insults",
            "facts": "Repeated insults over a week.",
            "account_end_date": "2027-01-01T00:00:00Z",
        },
    )
    assert r.status_code == 201, r.text
    history = api.client.get("/v1/authors/a-3", headers=api.auth()).json()
    assert [a["account"] for a in history["account_actions"]] == ["suspended"]

    erased = api.client.delete(f"/v1/items/{item['id']}/content", headers=api.auth())
    assert erased.status_code == 200
    body = erased.json()
    assert body["erased"] is True and "text" not in body["parts"][0]
    assert body["content_digest"] == item["content_digest"]
    assert api.client.get(f"/v1/items/{item['id']}/decisions", headers=api.auth()).json()
    while api.rt.audit.seal():
        pass
    from tamis.audit.chain import verify

    assert verify(api.rt.audit.sealed()).ok


def test_erasing_one_item_keeps_a_photo_another_item_still_shows(api: Api) -> None:
    import base64

    from tests import drawn

    photo = base64.b64encode(drawn.picture(2)).decode()
    items = [
        api.client.post(
            "/v1/items",
            headers=api.auth(),
            json={"external_id": f"p{i}", "parts": [{"type": "image", "data": photo}]},
        ).json()
        for i in range(2)
    ]
    digest = items[0]["parts"][0]["digest"]
    api.client.delete(f"/v1/items/{items[0]['id']}/content", headers=api.auth())
    assert api.rt.media.get(tenant_id=api.tenant_id, digest=digest) is not None
    api.client.delete(f"/v1/items/{items[1]['id']}/content", headers=api.auth())
    assert api.rt.media.get(tenant_id=api.tenant_id, digest=digest) is None


def test_a_photo_sent_again_while_its_erasure_deletes_it_is_kept(api: Api) -> None:
    import base64
    import time
    from concurrent.futures import ThreadPoolExecutor

    from tests import drawn

    photo = base64.b64encode(drawn.picture(4)).decode()

    def post(external_id: str) -> dict[str, object]:
        body = {"external_id": external_id, "parts": [{"type": "image", "data": photo}]}
        r = api.client.post("/v1/items", headers=api.auth(), json=body)
        assert r.status_code == 201, r.text
        return dict(r.json())

    digest = post("first")["parts"][0]["digest"]  # type: ignore[index]
    with ThreadPoolExecutor(1) as pool, api.rt.store.write() as tx:
        # An erasure midway, as items.erase_content does it: record held, file being deleted.
        tx.media.lock(tenant_id=api.tenant_id, digest=digest)
        tx.media.mark_erased(tenant_id=api.tenant_id, digest=digest)
        again = pool.submit(post, "again")
        time.sleep(1.0)  # the second request reaches the held record meanwhile
        api.rt.media.delete(tenant_id=api.tenant_id, digest=digest)
    again.result()
    assert api.rt.media.get(tenant_id=api.tenant_id, digest=digest) is not None
