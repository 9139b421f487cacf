"""Every crafted file of the hostile corpus, sent as an item over HTTP: a 4xx or a stored
image, never a 5xx, and nothing half-written. The decoder's own tests
(tests/integration/test_decode_sandbox.py) cover time and memory; this one covers the API.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tamis.media.decode import BIG_PIXELS, probe, sniff
from tamis.store.sql import models as m
from tests.hostile_media import cases
from tests.integration.conftest import Api


def test_hostile_files_get_a_4xx_and_valid_odd_ones_are_stored(api: Api) -> None:
    answers: dict[str, int] = {}
    refused_for_memory = 0
    for name, case in cases().items():
        r = api.client.post(
            "/v1/items",
            data={"external_id": name},
            files=[("image", (f"{name}.bin", case.data, case.declared_type or "image/jpeg"))],
            headers=api.auth(),
        )
        answers[name] = r.status_code
        if case.valid and r.status_code == 413:
            # Valid, but over the server's decoding memory (TAMIS_IMAGE_DECODE_MEMORY_MIB).
            assert "MiB of memory" in r.json()["detail"] and _pixels(case.data) > BIG_PIXELS
            refused_for_memory += 1
        elif case.valid:
            assert r.status_code == 201, (name, r.text)
            stored = r.json()["parts"][0]
            data = api.rt.media.get(tenant_id=api.tenant_id, digest=stored["digest"])
            assert data is not None and (case.payload is None or case.payload not in data)
        else:
            assert r.status_code == case.status, (name, case.why, r.text)
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["detail"].startswith("parts[0]: "), (name, r.text)
    assert not [n for n, status in answers.items() if status >= 500]
    with Session(api.rt.store.engines.write) as s:
        items = s.scalar(select(func.count()).select_from(m.Item))
        events = s.scalar(select(func.count()).select_from(m.Event))
    valid = sum(case.valid for case in cases().values()) - refused_for_memory
    assert items == valid, "only the files that decoded made items"
    assert events is not None and events >= valid
    after = api.client.post(
        "/v1/items",
        data={"external_id": "after"},
        files=[("image", ("ok.jpg", next(c.data for c in cases().values() if c.valid), "x"))],
        headers=api.auth(),
    )
    assert after.status_code == 201, "the decoder pool survived the corpus"


def _pixels(data: bytes) -> int:
    fmt = sniff(data)
    header = probe(data, fmt) if fmt else None
    return header.width * header.height if header else 0
