"""Labelled examples: by hand through the API, and from moderators' decisions on items."""

from __future__ import annotations

from typing import Any

from tests.integration.conftest import Api


def _moderator(api: Api) -> dict[str, str]:
    r = api.client.post(
        "/v1/keys", headers=api.auth(), json={"name": "mod", "scopes": ["moderator"]}
    )
    return api.auth(r.json()["secret"])


def _examples(api: Api, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    r = api.client.get("/v1/examples", headers=headers, params=params)
    assert r.status_code == 200, r.text
    return list(r.json()["examples"])


def test_examples_by_hand_page_filter_and_delete(api: Api) -> None:
    mod = _moderator(api)
    made = []
    for i, (category, violating) in enumerate(
        [("spam", True), ("custom/crypto-shilling", True), ("spam", False)]
    ):
        r = api.client.post(
            "/v1/examples",
            headers=mod,
            json={"text": f"texte {i}", "category": category, "violating": violating},
        )
        assert r.status_code == 201, r.text
        made.append(r.json())
    assert made[1]["category"] == "custom/crypto-shilling" and made[1]["source"] == "api"

    first = api.client.get("/v1/examples", headers=mod, params={"limit": 2}).json()
    assert [e["id"] for e in first["examples"]] == [made[0]["id"], made[1]["id"]]
    rest = _examples(api, mod, limit=2, after=first["next"])
    assert [e["id"] for e in rest] == [made[2]["id"]]
    assert [e["text"] for e in _examples(api, mod, category="spam")] == ["texte 0", "texte 2"]

    _, rival = api.new_tenant("rival")
    assert (
        api.client.delete(f"/v1/examples/{made[0]['id']}", headers=api.auth(rival)).status_code
        == 404
    )
    assert api.client.delete(f"/v1/examples/{made[0]['id']}", headers=mod).status_code == 204
    assert api.client.delete(f"/v1/examples/{made[0]['id']}", headers=mod).status_code == 404
    assert _examples(api, api.auth(rival)) == []


def test_bad_examples_are_refused_with_a_reason(api: Api) -> None:
    mod = _moderator(api)
    for body, words in [
        ({"text": "x", "category": "rudeness", "violating": True}, "custom/<name>"),
        ({"text": "x", "category": "custom/Bad Name", "violating": True}, "custom/<name>"),
        ({"text": "   ", "category": "spam", "violating": True}, "some text"),
        ({"text": "x", "category": "spam", "violating": True, "language": "de"}, "language"),
    ]:
        r = api.client.post("/v1/examples", headers=mod, json=body)
        assert r.status_code in (400, 422), r.text
        assert words in r.text
    assert _examples(api, mod) == []


def test_a_moderators_decision_on_an_item_becomes_its_example(api: Api) -> None:
    mod = _moderator(api)
    item = api.client.post(
        "/v1/items",
        headers=api.auth(),
        json={"external_id": "c-1", "author_id": "a-1", "text": "Gagnez un iPhone ici"},
    ).json()

    def decide(visibility: str, moderator: str) -> None:
        r = api.client.post(
            f"/v1/items/{item['id']}/decisions",
            headers=mod,
            json={
                "moderator_id": moderator,
                "visibility": visibility,
                "category": "spam",
                "clause": "spam",
                "facts": "Prize bait.",
            },
        )
        assert r.status_code == 201, r.text

    decide("disabled", "mod-1")
    (example,) = _examples(api, mod)
    assert example["text"] == "Gagnez un iPhone ici"
    assert (example["category"], example["violating"], example["source"]) == (
        "spam",
        True,
        "decision",
    )
    assert example["item_id"] == item["id"]

    decide("none", "mod-2")  # a later decision replaces what the item teaches
    (example,) = _examples(api, mod)
    assert (example["category"], example["violating"]) == ("spam", False)

    r = api.client.delete(f"/v1/items/{item['id']}/content", headers=api.auth())
    assert r.status_code == 200, r.text
    assert _examples(api, mod) == []


def test_automated_decisions_teach_nothing(api: Api) -> None:
    mod = _moderator(api)
    for i in range(3):  # three readers hide the item: an automated decision
        r = api.client.post(
            "/v1/reports",
            headers=api.auth(),
            json={
                "external_id": "c-2" if i else None,
                "item_id": None if i else _item(api),
                "reporter_id": f"r-{i}",
                "category": "toxicity/insult",
                "good_faith": True,
            },
        )
        assert r.status_code == 201, r.text
    assert r.json()["hidden"] is True
    assert _examples(api, mod) == []


def _item(api: Api) -> str:
    r = api.client.post(
        "/v1/items",
        headers=api.auth(),
        json={"external_id": "c-2", "author_id": "a-2", "text": "Quelle bande d'idiots"},
    )
    return str(r.json()["id"])


def test_listing_by_a_category_that_does_not_exist_is_refused(api: Api) -> None:
    answer = api.client.get("/v1/examples?category=toxic", headers=_moderator(api))
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("category is one of sexual/explicit")
