"""The line tamis never crosses, checked end to end: a photo of a person goes in, and no face,
gender or age label comes out anywhere — response, database row, event, webhook, log line.

The nudity model underneath does detect a face in this photo (tests/unit/test_nudity.py shows
it), so this test is not vacuous: the labels exist one layer down and must stop there.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tamis.jobs.worker import run_one
from tamis.store.sql import models as m
from tests.integration.conftest import Api

PORTRAIT = Path(__file__).parents[1] / "data" / "astronaut.jpg"
PERSON_LABELS = re.compile(
    r"\bfaces?\b|face_|_face|female|\bmale\b|\bm[ae]n\b|\bwom[ae]n\b|gender|\bages?\b"
    r"|\bboy\b|\bgirl\b|ethnic|\bskin\b|\brace\b",
    re.IGNORECASE,
)


def test_no_face_gender_or_age_label_leaves_tamis(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api.client.post(
        "/v1/webhooks",
        headers=api.auth(),
        json={"url": "https://hooks.example.org/tamis", "events": ["item.moderated"]},
    )
    photo = base64.b64encode(PORTRAIT.read_bytes()).decode()
    seen: list[str] = []
    for run_async in (False, True):
        body = {
            "external_id": f"portrait-{run_async}",
            "async": run_async,
            "parts": [{"type": "image", "data": photo}],
        }
        r = api.client.post("/v1/items", json=body, headers=api.auth())
        assert r.status_code in (201, 202), r.text
        seen.append(r.text)
        if run_async:
            assert run_one(api.rt, "test-worker")
        item = api.client.get(f"/v1/items/{r.json()['id']}", headers=api.auth())
        seen.append(item.text)
        assert "image-nudity" in item.text, "the nudity analyzer judged the photo"
    checked = api.client.post(
        "/v1/moderate", json={"parts": [{"type": "image", "data": photo}]}, headers=api.auth()
    )
    seen.append(checked.text)
    api.rt.audit.seal()

    with Session(api.rt.store.engines.write) as s:
        for table in m.Base.metadata.sorted_tables:
            if table.name in ("policies", "api_keys"):
                continue  # the policy's own prose and key hashes, not produced by analyzers
            rows = s.execute(select(table)).all()
            seen.append(json.dumps([list(map(str, row)) for row in rows]))
    seen.extend(record.getMessage() for record in caplog.records)

    outbox = [text for text in seen if "item.moderated" in text]
    assert outbox, "the webhook payload was written and is among what is checked"
    leaks = sorted({match.group(0) for text in seen for match in PERSON_LABELS.finditer(text)})
    assert leaks == [], f"person labels leaked: {leaks}"
