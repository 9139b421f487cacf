"""Link rules and near-duplicate floods through real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from tamis.jobs.worker import run_one
from tests.integration.conftest import Api

FLOOD = (
    "Félicitations {n} ! Vous avez gagné un iPhone. Pour le recevoir cliquez vite sur "
    "https://cadeau-gratuit.xyz/claim?id={n}{n} avant minuit, offre limitée {emoji}"
)
EMOJI = ["🎁", "🔥", "✨", "💰", "👉", "🎉", "⭐", "💥"]


def _moderate(api: Api, text: str, key: str | None = None) -> dict[str, Any]:
    r = api.client.post("/v1/moderate", json={"text": text}, headers=api.auth(key))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _post(api: Api, n: int, author: str, **extra: Any) -> dict[str, Any]:
    text = FLOOD.format(n=n, emoji=EMOJI[n % len(EMOJI)])
    body = {"external_id": f"c-{n}-{author}", "author_id": author, "text": text, **extra}
    r = api.client.post("/v1/items", json=body, headers=api.auth())
    assert r.status_code in (201, 202), r.text
    item: dict[str, Any] = r.json()
    return item


def _link_hits(verdict: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in verdict["evidence"] if e["kind"] == "link_hit"]


def _flood(verdict: dict[str, Any]) -> list[dict[str, Any]]:
    """The near-duplicate evidence (the text is spam to the classifier on its own too)."""
    return [e for e in verdict["evidence"] if e["kind"] == "near_duplicates"]


def test_a_block_rule_flags_the_link_in_its_tenant_only(api: Api) -> None:
    text = "Des followers pas chers sur www.Followers-Express.net/offre?utm_source=x !"
    before = _moderate(api, text)  # the spam head may find it spammy; no rule names it yet
    assert not _link_hits(before) and (before["categories"]["spam"] or 0.0) < 1.0

    r = api.client.post(
        "/v1/links/rules",
        json={"list": "block", "pattern": "https://FOLLOWERS-express.net"},
        headers=api.auth(),
    )
    assert r.status_code == 201, r.text
    assert r.json() == {"pattern": "followers-express.net", "changed": True}

    verdict = _moderate(api, text)
    assert verdict["flagged"] is True and verdict["clause"] == "spam"
    assert verdict["categories"]["spam"] == 1.0
    [hit] = _link_hits(verdict)
    assert hit["list"] == "block" and hit["rule"] == "followers-express.net"
    assert text[hit["start"] : hit["end"]] == "www.Followers-Express.net/offre?utm_source=x"

    _, rival = api.new_tenant("rival")
    elsewhere = _moderate(api, text, rival)
    assert not _link_hits(elsewhere) and elsewhere["categories"] == before["categories"]

    rules = api.client.get("/v1/links", headers=api.auth()).json()
    assert [(r["list"], r["pattern"], r["category"]) for r in rules] == [
        ("block", "followers-express.net", "spam")
    ]
    assert api.client.get("/v1/links", headers=api.auth(rival)).json() == []

    r = api.client.request(
        "DELETE",
        "/v1/links/rules",
        json={"list": "block", "pattern": "followers-express.NET"},
        headers=api.auth(),
    )
    assert r.json() == {"removed": True}
    after = _moderate(api, text)
    assert not _link_hits(after) and after["categories"] == before["categories"]


def test_an_allow_rule_silences_the_shortener_heuristic(api: Api) -> None:
    text = "Le replay est ici : https://bit.ly/replay-conseil"
    before = _moderate(api, text)
    assert "link/shortener" in before["markers"] and before["categories"]["spam"] > 0
    api.client.post(
        "/v1/links/rules", json={"list": "allow", "pattern": "bit.ly"}, headers=api.auth()
    )
    after = _moderate(api, text)
    assert "link/shortener" not in after["markers"] and not _link_hits(after)


def test_bad_rules_get_a_problem_that_says_what_to_write(api: Api) -> None:
    for body in (
        {"list": "block", "pattern": "ex*ample.com"},
        {"list": "block", "pattern": "example.com", "category": "nonsense"},
        {"list": "allow", "pattern": "example.com", "category": "spam"},
        {"list": "maybe", "pattern": "example.com"},
    ):
        r = api.client.post("/v1/links/rules", json=body, headers=api.auth())
        assert r.status_code == 422, (body, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    assert api.client.get("/v1/links", headers=api.auth()).json() == []


def test_a_flood_from_many_authors_is_flagged_from_the_threshold_on(api: Api) -> None:
    threshold = api.rt.settings.flood_authors
    for n in range(threshold - 1):
        item = _post(api, n, author=f"acct-{n}")
        assert not _flood(item["verdict"]), n
        assert "near-duplicates" in {a["name"] for a in item["verdict"]["analyzers"]}
    flagged = _post(api, threshold, author="acct-last")
    verdict = flagged["verdict"]
    assert verdict["categories"]["spam"] >= 0.6 and verdict["clause"] == "spam"
    [evidence] = _flood(verdict)
    assert evidence["items"] == threshold and evidence["authors"] == threshold
    assert evidence["window_seconds"] == api.rt.settings.flood_window_seconds
    assert "acct-" not in str(verdict)  # counts only: never the other authors' ids

    # Another tenant's first copy is its own first copy.
    _, rival = api.new_tenant("rival")
    body = {"external_id": "r-1", "author_id": "x", "text": FLOOD.format(n=99, emoji="🎁")}
    rival_item = api.client.post("/v1/items", json=body, headers=api.auth(rival)).json()
    assert not _flood(rival_item["verdict"])

    # The stateless endpoint stores nothing and consults nothing.
    assert not _flood(_moderate(api, FLOOD.format(n=7, emoji="🎁")))


def test_a_flood_grows_stronger_and_async_items_count_too(api: Api) -> None:
    threshold = api.rt.settings.flood_authors
    verdicts = []
    for n in range(threshold * 2):
        item = _post(api, n, author=f"acct-{n}", **{"async": True})
        assert item["status"] == "pending"
    while run_one(api.rt, "test-worker"):
        pass
    with api.rt.store.read() as tx:
        for n in range(threshold * 2):
            record = tx.items.by_external_id(tenant_id=api.tenant_id, external_id=f"c-{n}-acct-{n}")
            assert record is not None and record.verdict is not None
            verdicts.append(record.verdict)
    # Queued items are judged after all were stored: every copy sees the whole flood.
    assert all(_flood(v) and v["categories"]["spam"] >= 0.6 for v in verdicts)


def test_one_author_repeating_is_a_flood_by_item_count(api: Api) -> None:
    limit = api.rt.settings.flood_items
    verdicts = [_post(api, n, author="same")["verdict"] for n in range(limit)]
    assert not any(_flood(v) for v in verdicts[:-1]) and _flood(verdicts[-1])
    assert verdicts[-1]["categories"]["spam"] >= 0.6


def test_erasing_an_item_removes_its_fingerprint(api: Api) -> None:
    threshold = api.rt.settings.flood_authors
    items = [_post(api, n, author=f"acct-{n}") for n in range(threshold - 1)]
    r = api.client.delete(f"/v1/items/{items[0]['id']}/content", headers=api.auth())
    assert r.status_code == 200, r.text
    # One copy fewer in the window: the next is not yet the threshold-th.
    assert not _flood(_post(api, 50, author="acct-50")["verdict"])
