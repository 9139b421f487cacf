from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from tamis.ids import utcnow
from tamis.jobs.worker import purge_media
from tamis.settings import Settings
from tamis.store.sql import models as m
from tests import drawn
from tests.integration.conftest import Api


def test_settings_come_from_a_toml_file_and_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "tamis.toml"
    config.write_text('data_dir = "/srv/tamis"\nmax_parts = 4\nport = 9000\n', "utf-8")
    monkeypatch.setenv("TAMIS_CONFIG", str(config))
    monkeypatch.setenv("TAMIS_PORT", "9100")
    settings = Settings()
    assert settings.data_dir == Path("/srv/tamis") and settings.max_parts == 4
    assert settings.port == 9100
    assert settings.db_url == "sqlite:////srv/tamis/tamis.db"


def test_media_past_retention_are_erased_and_the_erasure_recorded(api: Api) -> None:
    data = drawn.picture(3, fmt="PNG")
    body = {
        "external_id": "p1",
        "parts": [{"type": "image", "data": base64.b64encode(data).decode()}],
    }
    api.rt.settings.media_retention_days = 30
    item = api.client.post("/v1/items", json=body, headers=api.auth()).json()
    digest = item["parts"][0]["digest"]
    assert api.rt.media.get(tenant_id=api.tenant_id, digest=digest), "stored, re-encoded"
    assert purge_media(api.rt) == 0, "nothing is due yet"
    with Session(api.rt.store.engines.write) as s, s.begin():
        s.execute(update(m.Media).values(retain_until=utcnow() - timedelta(seconds=1)))
    assert purge_media(api.rt) == 1
    assert api.rt.media.get(tenant_id=api.tenant_id, digest=digest) is None
    assert purge_media(api.rt) == 0
    api.rt.audit.seal()
    assert any(e.type == "media.expired" and e.subject == digest for e in api.rt.audit.sealed())
    still = api.client.get(f"/v1/items/{item['id']}", headers=api.auth()).json()
    assert still["parts"][0]["digest"] == digest, "the item keeps the digest of what it held"
