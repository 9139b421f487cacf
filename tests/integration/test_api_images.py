"""Images through the HTTP API: every way in, what is stored, and what a bad file gets."""

from __future__ import annotations

import base64
import io
from typing import Any

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from tamis.core import policy as policies
from tamis.jobs.worker import run_one
from tamis.media import digest_of
from tamis.media.decode import sniff
from tamis.store.sql import models as m
from tests import drawn
from tests.integration.conftest import Api

IMAGE_ANALYZERS = {"image-nudity", "image-ocr"}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_an_upload_is_judged_by_the_image_analyzers(api: Api) -> None:
    photo = drawn.picture(5, (640, 480))
    r = api.client.post(
        "/v1/moderate",
        files=[("image", ("holiday.jpg", photo, "image/jpeg"))],
        data={"text": "Vacances à Agadir"},
        headers=api.auth(),
    )
    assert r.status_code == 200, r.text
    verdict = r.json()
    assert {a["name"] for a in verdict["analyzers"]} >= IMAGE_ANALYZERS
    assert verdict["categories"]["sexual/explicit"] is not None
    assert verdict["action"] == "allow"


def test_base64_json_and_multipart_give_the_same_verdict(api: Api) -> None:
    photo = drawn.picture(6)
    as_json = api.client.post(
        "/v1/moderate",
        json={"parts": [{"type": "image", "data": _b64(photo)}]},
        headers=api.auth(),
    ).json()
    as_form = api.client.post(
        "/v1/moderate", files=[("image", ("p.jpg", photo, "image/jpeg"))], headers=api.auth()
    ).json()
    assert as_json["categories"] == as_form["categories"]


def insult_boxes(api: Api, image: bytes, name: str, mime: str) -> list[dict[str, Any]]:
    """The `toxicity/insult` evidence of a flagged verdict on one uploaded image, each a box
    in that image."""
    r = api.client.post("/v1/moderate", files=[("image", (name, image, mime))], headers=api.auth())
    verdict = r.json()
    assert verdict["flagged"], verdict
    boxes = [e for e in verdict["evidence"] if e["category"] == "toxicity/insult"]
    assert boxes and all(e["kind"] == "image_box" and e["part"] == 0 for e in boxes)
    return boxes


def test_a_meme_with_an_insult_is_flagged_where_the_words_are(api: Api) -> None:
    boxes = insult_boxes(api, drawn.meme("you stupid idiot"), "meme.jpg", "image/jpeg")
    assert all(e["y"] < 240 for e in boxes), "the caption is drawn in the top half"


def test_an_arabic_insult_in_a_screenshot_is_flagged_where_the_words_are(api: Api) -> None:
    image = Image.new("RGB", (640, 480), "white")
    drawn.write(image, "مرحبا بكم في موقعنا", 22, 60, x=80, fill="black", outline=None)
    x, y, _, h = drawn.write(image, "يا حمار اسكت", 22, 300, x=80, fill="black", outline=None)
    boxes = insult_boxes(api, drawn.encode(image, "PNG"), "shot.png", "image/png")
    assert all(e["y"] <= y + h and y <= e["y"] + e["height"] for e in boxes), (boxes, (x, y))


def test_an_arabic_insult_in_an_outlined_meme_caption_is_flagged_where_it_is(api: Api) -> None:
    image = drawn.backdrop(8)
    x, y, _, h = drawn.write(image, "يا حمار اسكت", 44, -16)
    boxes = insult_boxes(api, drawn.encode(image, "JPEG"), "meme.jpg", "image/jpeg")
    assert all(e["y"] <= y + h and y <= e["y"] + e["height"] for e in boxes), (boxes, (x, y))


def test_a_url_on_a_private_address_is_refused_before_any_connection(api: Api) -> None:
    for url in ("http://127.0.0.1/cat.jpg", "http://2130706433/cat.jpg", "http://[::1]/x.png"):
        r = api.client.post(
            "/v1/moderate",
            json={"parts": [{"type": "image", "url": url}]},
            headers=api.auth(),
        )
        assert r.status_code == 422, r.text
        assert "parts[0]" in r.json()["detail"] and "public" in r.json()["detail"]


def test_a_stored_image_is_re_encoded_and_keeps_its_hashes(api: Api) -> None:
    photo = drawn.picture(7, (320, 240), fmt="PNG")
    r = api.client.post(
        "/v1/items",
        data={"external_id": "post-7", "author_id": "acct-1"},
        files=[("image", ("p.png", photo, "image/png"))],
        headers=api.auth(),
    )
    assert r.status_code == 201, r.text
    [part] = r.json()["parts"]
    assert (part["format"], part["width"], part["height"]) == ("png", 320, 240)
    assert part["md5"] and len(part["pdq"][0]["hash"]) == 64
    assert part["original"] == {
        "digest": digest_of(photo),
        "size": len(photo),
        "media_type": "image/png",
        "kept": False,
    }
    stored = api.rt.media.get(tenant_id=api.tenant_id, digest=part["digest"])
    assert stored is not None and stored != photo and sniff(stored) is not None
    assert api.rt.media.get(tenant_id=api.tenant_id, digest=digest_of(photo)) is None
    with Session(api.rt.store.engines.write) as s:
        row = s.scalars(select(m.Media).where(m.Media.digest == part["digest"])).one()
    assert (row.md5, row.pdq) == (part["md5"], part["pdq"][0]["hash"])


def test_originals_are_kept_when_the_policy_asks_and_erased_with_the_item(api: Api) -> None:
    source = policies.default_source().replace("keep_originals: false", "keep_originals: true")
    assert api.client.put("/v1/policy", content=source, headers=api.auth()).status_code == 200
    photo = drawn.picture(8)
    item = api.client.post(
        "/v1/items",
        json={"external_id": "p8", "parts": [{"type": "image", "data": _b64(photo)}]},
        headers=api.auth(),
    ).json()
    [part] = item["parts"]
    assert part["original"]["kept"] is True
    assert api.rt.media.get(tenant_id=api.tenant_id, digest=digest_of(photo)) == photo
    api.client.delete(f"/v1/items/{item['id']}/content", headers=api.auth())
    assert api.rt.media.get(tenant_id=api.tenant_id, digest=digest_of(photo)) is None
    assert api.rt.media.get(tenant_id=api.tenant_id, digest=part["digest"]) is None
    erased = api.client.get(f"/v1/items/{item['id']}", headers=api.auth()).json()["parts"][0]
    assert erased["erased"] and erased["md5"] == part["md5"], "hashes outlive the pixels"


def test_a_queued_image_is_judged_by_the_worker_from_the_stored_copy(api: Api) -> None:
    body = {
        "external_id": "p9",
        "async": True,
        "parts": [{"type": "image", "data": _b64(drawn.picture(9))}],
    }
    r = api.client.post("/v1/items", json=body, headers=api.auth())
    assert r.status_code == 202
    assert run_one(api.rt, "test-worker")
    got = api.client.get(f"/v1/items/{r.json()['id']}", headers=api.auth()).json()
    assert got["status"] == "moderated"
    assert {a["name"] for a in got["verdict"]["analyzers"]} >= IMAGE_ANALYZERS


def test_a_file_that_is_not_an_image_is_415_and_nothing_is_stored(api: Api) -> None:
    pdf = b"%PDF-1.7\n1 0 obj << >> endobj\n"
    r = api.client.post(
        "/v1/items",
        data={"external_id": "p10"},
        files=[("image", ("cat.png", pdf, "image/png"))],
        headers=api.auth(),
    )
    assert r.status_code == 415, r.text
    assert r.headers["content-type"] == "application/problem+json"
    with Session(api.rt.store.engines.write) as s:
        assert s.scalars(select(m.Item)).first() is None


def test_form_mistakes_get_clear_answers(api: Api) -> None:
    photo = drawn.picture(11)
    wrong_field = api.client.post(
        "/v1/moderate", files=[("photo", ("p.jpg", photo, "image/jpeg"))], headers=api.auth()
    )
    assert wrong_field.status_code == 422 and "'image'" in wrong_field.json()["detail"]
    for parts in ("not json", "[" * 5000 + "]" * 5000, '{"type": "text"}'):
        bad_parts = api.client.post(
            "/v1/moderate",
            data={"parts": parts},
            files=[("image", ("p.jpg", photo, "image/jpeg"))],
            headers=api.auth(),
        )
        assert bad_parts.status_code == 422, bad_parts.text
        assert "'parts'" in bad_parts.json()["detail"]
    both = api.client.post(
        "/v1/moderate",
        json={"parts": [{"type": "image", "data": _b64(photo), "url": "https://example.org/p"}]},
        headers=api.auth(),
    )
    assert both.status_code == 422 and "not both" in both.json()["detail"]


def test_an_animated_gif_is_sampled_and_its_frames_hashed(api: Api) -> None:
    frames = [Image.open(io.BytesIO(drawn.picture(20 + i, (120, 90)))) for i in range(12)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    item = api.client.post(
        "/v1/items",
        json={"external_id": "gif", "parts": [{"type": "image", "data": _b64(out.getvalue())}]},
        headers=api.auth(),
    ).json()
    [part] = item["parts"]
    assert part["format"] == "gif" and 1 < part["frames"] <= 12
    assert len(part["pdq"]) == part["frames"]


def test_a_retried_upload_is_replayed_though_its_form_boundary_changed(api: Api) -> None:
    headers = {**api.auth(), "Idempotency-Key": "upload-1"}
    photo = drawn.picture(30)
    answers = [
        api.client.post(
            "/v1/items",
            data={"external_id": "retry"},
            files=[("image", ("p.jpg", photo, "image/jpeg"))],
            headers=headers,
        )
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    other = api.client.post(
        "/v1/items",
        data={"external_id": "retry"},
        files=[("image", ("p.jpg", drawn.picture(31), "image/jpeg"))],
        headers=headers,
    )
    assert other.status_code in (409, 422), "the same key with another file is refused"
