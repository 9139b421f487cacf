"""The OpenAI and Perspective compatibility endpoints, over real HTTP through the ASGI app.

Scores are never written down here: every expected value comes from `POST /v1/moderate` on the
same text, or from the fixed score of `tamis.testing.KeywordAnalyzer`, so these tests keep
holding as analyzers improve. Runtimes built on keyword analyzers make coverage exact, which
is what the refusals of unscorable attributes need.
"""

from __future__ import annotations

import base64
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from tamis.api.app import create_app
from tamis.services import tenants
from tamis.services.compat_openai import CATEGORIES, SOURCES
from tamis.services.compat_perspective import ATTRIBUTES, NEEDED
from tamis.services.runtime import Runtime
from tamis.settings import Settings
from tamis.testing import KeywordAnalyzer
from tests import drawn
from tests.integration.conftest import Api

ANALYZE = "/v1alpha1/comments:analyze"
TEXTS = [
    "Va te faire foutre, connard",
    "Le Conseil municipal a voté le budget.",
    "واش نتا حمار؟ شكرا بزاف",
    "You are an idiot. Have a nice day.",
    "Eres un idiota, vete a la mierda.",
]


def _verdict(api: Api, text: str) -> dict[str, Any]:
    r = api.client.post("/v1/moderate", json={"text": text}, headers=api.auth())
    assert r.status_code == 200, r.text
    verdict: dict[str, Any] = r.json()
    return verdict


def _analyze(api: Api, body: dict[str, Any], **params: str) -> Any:
    headers = {} if "key" in params else api.auth()
    return api.client.post(ANALYZE, json=body, params=params, headers=headers)


def _comment(text: str, *attributes: str, **extra: Any) -> dict[str, Any]:
    return {"comment": {"text": text}, "requestedAttributes": {a: {} for a in attributes}, **extra}


def _error_type(response: Any) -> str:
    body = response.json()
    assert response.status_code == 400, response.text
    assert body["error"]["code"] == 400 and body["error"]["status"] == "INVALID_ARGUMENT"
    detail = body["error"]["details"][0]
    assert detail["@type"] == "type.googleapis.com/google.commentanalyzer.v1alpha1.Error"
    error_type: str = detail["errorType"]
    return error_type


# --- OpenAI -------------------------------------------------------------------------------


def test_openai_shape_flags_by_policy_and_names_what_it_cannot_score(api: Api) -> None:
    text = TEXTS[0]
    r = api.client.post("/v1/moderations", json={"input": text}, headers=api.auth())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"].startswith("modr-") and body["model"].startswith("tamis-")
    [result] = body["results"]
    verdict = _verdict(api, text)
    for field in ("categories", "category_scores", "category_applied_input_types"):
        assert set(result[field]) == set(CATEGORIES)
    assert result["flagged"] is verdict["flagged"] is True
    assert result["categories"]["harassment"] is True  # the insults clause acted on an insult
    acted = {reason["category"] for reason in verdict["reasons"]}
    for name in CATEGORIES:
        known = [verdict["categories"][c] for c in SOURCES[name]]
        scored = [s for s in known if s is not None]
        assert result["category_scores"][name] == max(scored, default=0.0), name
        assert result["categories"][name] is any(c in acted for c in SOURCES[name]), name
        assert result["category_applied_input_types"][name] == (["text"] if scored else [])
        assert (name in result["tamis"]["unsupported"]) is (not scored)
        assert (name in result["tamis"]["partial"]) is (0 < len(scored) < len(known))
    assert "illicit" in result["tamis"]["unsupported"]  # no tamis category maps to it
    assert result["category_scores"]["illicit"] == 0.0
    assert result["tamis"]["action"] == verdict["action"]


@pytest.mark.parametrize("text", TEXTS)
def test_openai_scores_equal_moderate_scores(api: Api, text: str) -> None:
    verdict = _verdict(api, text)
    result = api.client.post("/v1/moderations", json={"input": [text]}, headers=api.auth()).json()[
        "results"
    ][0]
    for name in CATEGORIES:
        scored = [verdict["categories"][c] for c in SOURCES[name]]
        expected = max((s for s in scored if s is not None), default=0.0)
        assert result["category_scores"][name] == expected
    assert result["flagged"] is verdict["flagged"]


def test_openai_array_input_gives_one_result_per_text_in_order(api: Api) -> None:
    r = api.client.post(
        "/v1/moderations", json={"input": [TEXTS[0], TEXTS[1]], "model": "omni-moderation-latest"}
    )
    assert r.status_code == 401  # no key: refused before anything is judged
    r = api.client.post(
        "/v1/moderations",
        json={"input": [TEXTS[0], TEXTS[1]], "model": "omni-moderation-latest"},
        headers=api.auth(),
    )
    assert r.status_code == 200, r.text
    assert [res["flagged"] for res in r.json()["results"]] == [True, False]


def test_openai_multimodal_parts_are_one_input_images_included(api: Api) -> None:
    parts = [{"type": "text", "text": "Bonjour"}, {"type": "text", "text": "connard"}]
    r = api.client.post("/v1/moderations", json={"input": parts}, headers=api.auth())
    assert r.status_code == 200, r.text
    [result] = r.json()["results"]
    assert result["flagged"] is True
    photo = base64.b64encode(drawn.picture(4)).decode()
    image = {"type": "image_url", "image_url": {"url": f"data:image/jpeg;base64,{photo}"}}
    r = api.client.post("/v1/moderations", json={"input": [image]}, headers=api.auth())
    assert r.status_code == 200, r.text
    [result] = r.json()["results"]
    assert result["flagged"] is False and result["category_scores"]["sexual"] < 0.5
    private = {"type": "image_url", "image_url": {"url": "http://169.254.169.254/latest"}}
    r = api.client.post("/v1/moderations", json={"input": [*parts, private]}, headers=api.auth())
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "parts[2]" in r.json()["detail"] and "public" in r.json()["detail"]


def test_openai_bad_input_is_a_4xx_that_says_what_to_do(api: Api) -> None:
    post = api.client.post
    r = post("/v1/moderations", json={"input": []}, headers=api.auth())
    assert r.status_code == 422 and "empty list" in r.json()["detail"]
    r = post("/v1/moderations", json={"input": ["x"] * 33}, headers=api.auth())
    assert r.status_code == 413 and "at most 32" in r.json()["detail"]
    r = post("/v1/moderations", json={"input": "x" * 20_001}, headers=api.auth())
    assert r.status_code == 413 and "limit is 20000" in r.json()["detail"]
    r = post("/v1/moderations", json={"text": "connard"}, headers=api.auth())
    assert r.status_code == 422 and "input" in r.json()["detail"]


def test_openai_flagged_follows_the_tenants_policy(api: Api) -> None:
    source = api.client.get("/v1/policy", headers=api.auth()).json()["source"]
    insults = source.index("clause: insults")
    lenient = source[:insults] + re.sub(
        r"thresholds: \{[^}]*\}", "thresholds: {review: 1.0}", source[insults:], count=1
    )
    text = "Tu es un idiot"
    verdict = _verdict(api, text)
    assert verdict["categories"]["toxicity/insult"] < 1.0, "pick a text scored below 1.0"
    before = api.client.post("/v1/moderations", json={"input": text}, headers=api.auth())
    assert before.json()["results"][0]["flagged"] is True
    assert api.client.put("/v1/policy", content=lenient.encode(), headers=api.auth()).is_success
    after = api.client.post("/v1/moderations", json={"input": text}, headers=api.auth())
    [result] = after.json()["results"]
    assert result["flagged"] is False and result["categories"]["harassment"] is False
    assert result["category_scores"] == before.json()["results"][0]["category_scores"]
    assert result["tamis"]["policy_version"] == 2


# --- Perspective --------------------------------------------------------------------------


@pytest.mark.parametrize("text", TEXTS)
def test_perspective_answers_what_moderate_covers_and_refuses_the_rest(api: Api, text: str) -> None:
    verdict = _verdict(api, text)
    cats = verdict["categories"]
    for attribute, sources in ATTRIBUTES.items():
        r = _analyze(api, _comment(text, attribute))
        needed = (NEEDED[attribute],) if attribute in NEEDED else sources
        if any(cats[c] is None for c in needed):
            assert _error_type(r) == "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE", attribute
            assert attribute in r.json()["error"]["message"]
            continue
        assert r.status_code == 200, r.text
        value = r.json()["attributeScores"][attribute]["summaryScore"]
        assert value["type"] == "PROBABILITY"
        scored = [c for c in sources if cats[c] is not None]
        if attribute == "SEVERE_TOXICITY":
            expected = max(cats[c] * verdict["severity"][c] / 3 for c in scored)
        else:
            expected = max(cats[c] for c in scored)
        assert value["value"] == pytest.approx(expected, abs=1e-6), attribute


def test_perspective_shape_languages_and_client_token(api: Api) -> None:
    text = TEXTS[0]
    r = _analyze(
        api,
        _comment(text, "INSULT", "PROFANITY", clientToken="c-42", doNotStore=True),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body["attributeScores"]) == {"INSULT", "PROFANITY"}
    insult = body["attributeScores"]["INSULT"]
    assert "spanScores" not in insult  # only when spanAnnotations is true
    assert insult["summaryScore"]["value"] == _verdict(api, text)["categories"]["toxicity/insult"]
    assert body["languages"] == ["fr"] and "fr" in body["detectedLanguages"]
    assert body["clientToken"] == "c-42"

    r = _analyze(api, _comment(text, "INSULT", languages=["fr-FR"]))
    assert r.status_code == 200 and r.json()["languages"] == ["fr"]


def test_perspective_score_threshold_leaves_low_scores_out(api: Api) -> None:
    body = _comment(TEXTS[0], "INSULT", "PROFANITY")
    body["requestedAttributes"]["PROFANITY"] = {"scoreThreshold": 0.99, "scoreType": "PROBABILITY"}
    verdict = _verdict(api, TEXTS[0])
    assert verdict["categories"]["toxicity/profanity"] < 0.99, "pick a text scored below 0.99"
    scores = _analyze(api, body).json()["attributeScores"]
    assert "INSULT" in scores and "PROFANITY" not in scores


def test_perspective_refusals_in_perspectives_shape(api: Api) -> None:
    for empty in ("  ", "\u200b\u2060\ufeff", "\u3000\u00a0\n"):
        assert _error_type(_analyze(api, _comment(empty, "INSULT"))) == "COMMENT_EMPTY"
    assert _error_type(_analyze(api, _comment("a" * 20_001, "INSULT"))) == "COMMENT_TOO_LONG"
    assert _error_type(_analyze(api, _comment("bonjour"))) == "NO_REQUESTED_ATTRIBUTES"
    r = _analyze(api, _comment("bonjour", "FLIRTATION"))
    assert _error_type(r) == "INVALID_REQUEST" and "FLIRTATION" in r.json()["error"]["message"]
    assert _error_type(_analyze(api, {"requestedAttributes": {"INSULT": {}}})) == "INVALID_REQUEST"
    flag = _comment("bonjour") | {"requestedAttributes": {"INSULT": {"scoreThreshold": True}}}
    assert _error_type(_analyze(api, flag)) == "INVALID_REQUEST"
    r = _analyze(api, _comment("bonjour", "INSULT") | {"comment": {"text": "x", "type": "HTML"}})
    assert _error_type(r) == "INVALID_REQUEST" and "comment.type" in r.json()["error"]["message"]

    r = _analyze(api, _comment("Guten Tag, du Idiot", "INSULT", "PROFANITY", languages=["de"]))
    assert _error_type(r) == "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE"
    error = r.json()["error"]
    assert "de" in error["message"] and "ary" in error["message"]
    payloads = [d["languageNotSupportedByAttributeError"] for d in error["details"]]
    assert [p["attribute"] for p in payloads] == ["INSULT", "PROFANITY"]
    assert payloads[0]["requestedLanguages"] == ["de"]
    for odd in ("-", "", "_"):  # reduced to no code at all: the message names what was sent
        r = _analyze(api, _comment("bonjour", "INSULT", languages=[odd]))
        assert _error_type(r) == "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE"
        assert f"languages: {odd!r}." in r.json()["error"]["message"]


def test_perspective_accepts_the_key_in_the_query_string(api: Api) -> None:
    body = _comment("connard", "INSULT")
    assert _analyze(api, body, key=api.key).status_code == 200
    r = _analyze(api, body, key="tamis_sk_nope")
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    r = api.client.post(ANALYZE, json=body)
    assert r.status_code == 401 and "?key=" in r.json()["detail"]
    reader = api.client.post(
        "/v1/keys", headers=api.auth(), json={"name": "r", "scopes": ["items:read"]}
    ).json()
    assert _analyze(api, body, key=reader["secret"]).status_code == 403


# --- Exact coverage: runtimes of keyword analyzers ------------------------------------------

THREAT = KeywordAnalyzer("kill", "violence/threat", 0.9)
INSULT = KeywordAnalyzer("badword", "toxicity/insult", 0.8)
INSULT_AR = KeywordAnalyzer("غبي", "toxicity/insult", 0.8)
TOXICITY_SET = (
    THREAT,
    KeywordAnalyzer("hurt", "violence/threat", 0.6),
    KeywordAnalyzer("badword", "toxicity/insult", 0.9),
    KeywordAnalyzer("damn", "toxicity/profanity", 0.7),
    KeywordAnalyzer("vermin", "hate", 0.6),
    KeywordAnalyzer("exterminate", "hate/threat", 0.95),
    KeywordAnalyzer("loser", "harassment", 0.5),
)


@pytest.fixture
def keywords(sqlite_url: str, tmp_path: Path) -> Iterator[Api]:
    """An app whose analyzers the test sets (`api.rt.analyzers = ...`) before calling it."""
    settings = Settings(data_dir=tmp_path / "data", database_url=sqlite_url, workers=0)
    rt = Runtime.open(settings)
    with rt.store.write() as tx:
        tenant, secret = tenants.create(tx, slug="news")
    with TestClient(create_app(settings, runtime=rt), raise_server_exceptions=False) as client:
        yield Api(client, rt, secret, tenant.id)
    rt.close()


def test_an_attribute_missing_one_category_is_refused_never_zero(keywords: Api) -> None:
    keywords.rt.analyzers = (INSULT,)
    r = _analyze(keywords, _comment("you badword", "INSULT"))
    assert r.json()["attributeScores"]["INSULT"]["summaryScore"]["value"] == 0.8
    r = _analyze(keywords, _comment("you badword", "INSULT", "TOXICITY", "PROFANITY", "THREAT"))
    assert _error_type(r) == "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE"
    error = r.json()["error"]
    assert [d["languageNotSupportedByAttributeError"]["attribute"] for d in error["details"]] == [
        "PROFANITY",
        "THREAT",
    ]
    assert "violence/threat" in error["message"] and "It can score" in error["message"]
    # TOXICITY needs insults scored; what else it covers counts when it is scored
    r = _analyze(keywords, _comment("you badword", "TOXICITY"))
    assert r.json()["attributeScores"]["TOXICITY"]["summaryScore"]["value"] == 0.8

    openai = keywords.client.post(
        "/v1/moderations", json={"input": "you badword"}, headers=keywords.auth()
    ).json()["results"][0]
    assert openai["category_scores"]["harassment"] == 0.8
    assert "harassment" in openai["tamis"]["partial"]  # harassment and threats went unscored
    assert openai["category_scores"]["hate"] == 0.0 and "hate" in openai["tamis"]["unsupported"]


def test_severe_toxicity_weighs_toxicity_by_severity(keywords: Api) -> None:
    keywords.rt.analyzers = TOXICITY_SET
    wanted = "TOXICITY", "SEVERE_TOXICITY", "THREAT", "IDENTITY_ATTACK"

    def scores(text: str) -> dict[str, float]:
        r = _analyze(keywords, _comment(text, *wanted))
        assert r.status_code == 200, r.text
        return {k: v["summaryScore"]["value"] for k, v in r.json()["attributeScores"].items()}

    threat = scores("I will kill you")  # threat: severity 3 at 0.9
    assert threat["TOXICITY"] == threat["THREAT"] == threat["SEVERE_TOXICITY"] == 0.9
    weak = scores("I could hurt you")  # an uncertain threat steps down to severity 2
    assert weak["SEVERE_TOXICITY"] == pytest.approx(0.6 * 2 / 3, abs=1e-6)
    insult = scores("you badword")  # insult: severity 1 at 0.9
    assert insult["TOXICITY"] == 0.9
    assert insult["SEVERE_TOXICITY"] == pytest.approx(0.9 / 3, abs=1e-6)
    swearing = scores("damn")  # profanity: severity 0
    assert swearing["TOXICITY"] == 0.7 and swearing["SEVERE_TOXICITY"] == 0.0
    assert scores("exterminate the vermin")["IDENTITY_ATTACK"] == 0.95


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Bonjour à tous 😀🎉. Franchement, t'es un badword ! Merci 🙏", "badword !"),
        ("مرحبا بالجميع 🌹🌹. أنت غبي جدا؟ شكرا لكم", "أنت غبي جدا؟"),
        ("First line 👍\nsecond line, badword\nthird 🙂", "second line, badword"),
    ],
)
def test_span_scores_point_at_the_sentence_in_utf16_units(
    keywords: Api, text: str, target: str
) -> None:
    keywords.rt.analyzers = (INSULT, INSULT_AR)
    r = _analyze(keywords, _comment(text, "INSULT", spanAnnotations=True))
    assert r.status_code == 200, r.text
    spans = r.json()["attributeScores"]["INSULT"]["spanScores"]
    assert len(spans) == 3
    utf16 = text.encode("utf-16-le")
    pieces = [utf16[2 * s["begin"] : 2 * s["end"]].decode("utf-16-le") for s in spans]
    assert "".join(pieces).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace(
        "\n", ""
    )
    [hit] = [p for p, s in zip(pieces, spans, strict=True) if s["score"]["value"] > 0]
    assert hit.endswith(target)
    assert all(s["score"]["type"] == "PROBABILITY" for s in spans)


# --- The official openai client, and the access log, against a real server -----------------


@pytest.fixture
def server(api: Api) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(api.rt.settings, runtime=api.rt),
        log_config=None,
        access_log=True,
        ws="none",
        lifespan="on",
    )
    live = uvicorn.Server(config)
    thread = threading.Thread(target=live.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not live.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    live.should_exit = True
    thread.join(10)
    sock.close()


@pytest.mark.slow
def test_the_official_openai_client_parses_the_answer(api: Api, server: str) -> None:
    from openai import OpenAI

    with OpenAI(base_url=f"{server}/v1", api_key=api.key, max_retries=0) as client:
        answer = client.moderations.create(
            model="omni-moderation-latest", input=[TEXTS[0], TEXTS[1]]
        )
    assert answer.model.startswith("tamis-")
    first, second = answer.results
    assert first.flagged is True and second.flagged is False
    assert first.categories.harassment is True
    assert (
        first.category_scores.harassment == _verdict(api, TEXTS[0])["categories"]["toxicity/insult"]
    )
    assert first.category_applied_input_types.harassment == ["text"]
    assert first.model_extra is not None and "illicit" in first.model_extra["tamis"]["unsupported"]


@pytest.mark.slow
def test_the_key_in_the_query_string_stays_out_of_the_access_log(
    api: Api, server: str, caplog: pytest.LogCaptureFixture
) -> None:
    import httpx

    caplog.set_level(logging.INFO, logger="uvicorn.access")
    with httpx.Client(base_url=server) as client:
        r = client.post(ANALYZE, params={"key": api.key}, json=_comment("connard", "INSULT"))
        assert r.status_code == 200, r.text
        r = client.post(ANALYZE, params={"key": api.key}, content=b"{not json")
        assert r.status_code == 400, r.text
    lines = [rec.getMessage() for rec in caplog.records if rec.name == "uvicorn.access"]
    assert any("/v1alpha1/comments" in line for line in lines), "no access log: proves nothing"
    assert all(api.key not in line for line in lines)
