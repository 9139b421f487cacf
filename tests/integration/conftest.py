"""An app per test on a real database (SQLite file or PostgreSQL), driven over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tamis.api.app import create_app
from tamis.services import tenants
from tamis.services.runtime import Runtime
from tamis.settings import Settings


@dataclass
class Api:
    client: TestClient
    rt: Runtime
    key: str
    tenant_id: str

    def auth(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.key}"}

    def new_tenant(self, slug: str) -> tuple[str, str]:
        with self.rt.store.write() as tx:
            tenant, secret = tenants.create(tx, slug=slug)
        return tenant.id, secret


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[Api]:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, workers=0)
    rt = Runtime.open(settings)
    with rt.store.write() as tx:
        tenant, secret = tenants.create(tx, slug="news")
    with TestClient(create_app(settings, runtime=rt), raise_server_exceptions=False) as client:
        yield Api(client, rt, secret, tenant.id)
    rt.close()
