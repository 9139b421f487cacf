"""The migrations build the schema the models describe, and carry stored rows forward."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tamis.store.sql import migrate
from tamis.store.sql import models as m
from tamis.store.sql.engine import create_engines

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_the_migrated_schema_is_the_models_schema(database_url: str) -> None:
    engines = create_engines(database_url)
    try:
        migrate.upgrade(engines)
        with engines.write.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), m.Base.metadata) == []
    finally:
        engines.dispose()


def _item(item_id: str, *parts: dict[str, Any], erased: bool = False) -> dict[str, Any]:
    return {
        "id": item_id,
        "tenant_id": "ten_a",
        "external_id": item_id,
        "parts": list(parts),
        "content_digest": "0" * 64,
        "status": "moderated",
        "created_at": NOW,
        "erased_at": NOW if erased else None,
    }


def test_items_stored_before_0006_are_found_holding_their_files(database_url: str) -> None:
    photo, original, clip, gone = "a" * 64, "b" * 64, "c" * 64, "d" * 64
    engines = create_engines(database_url)
    try:
        migrate.upgrade(engines, "0005")
        with engines.write.begin() as connection:
            tenant = {"id": "ten_a", "slug": "a", "name": "A", "created_at": NOW}
            connection.execute(sa.insert(m.Tenant), [tenant])
            connection.execute(
                sa.insert(m.Item),
                [
                    _item("itm_text", {"kind": "text", "text": f"{photo} is only words"}),
                    _item(
                        "itm_photo",
                        {"kind": "text", "text": "look"},
                        {
                            "kind": "image",
                            "digest": photo,
                            "original": {"digest": original, "kept": True},
                        },
                        {"kind": "video", "digest": clip},
                    ),
                    _item(
                        "itm_again",
                        {
                            "kind": "image",
                            "digest": photo,
                            "original": {"digest": "e" * 64, "kept": False},
                        },
                    ),
                    _item(
                        "itm_gone", {"kind": "image", "digest": gone, "erased": True}, erased=True
                    ),
                ],
            )
        migrate.upgrade(engines)
        with engines.read.connect() as connection:
            held = connection.execute(sa.select(m.ItemMedia.item_id, m.ItemMedia.digest)).all()
        assert sorted(tuple(row) for row in held) == [
            ("itm_again", photo),
            ("itm_photo", photo),
            ("itm_photo", original),
            ("itm_photo", clip),
        ]
    finally:
        engines.dispose()
