"""The suite's database fixtures give real, empty, isolated databases."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _select_one(url: str) -> None:
    with psycopg.connect(_libpq(url)) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.execute("SHOW server_encoding").fetchone() == ("UTF8",)


@pytest.mark.postgres
def test_postgres_url_is_a_run_database(postgres_url: str) -> None:
    assert postgres_url.startswith("postgresql+psycopg://")
    assert "/tamis_test_" in postgres_url
    _select_one(postgres_url)


def test_database_url_is_fresh_and_usable(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as conn:
            assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1
            assert sa.inspect(conn).get_table_names() == []
            conn.execute(sa.text("CREATE TABLE probe (id INTEGER PRIMARY KEY)"))
    finally:
        engine.dispose()
    if database_url.startswith("postgresql"):
        _select_one(database_url)


@pytest.mark.slow
@pytest.mark.postgres
def test_private_server_path_works(private_postgres_server: Any) -> None:
    """What a CI machine with no server on 5432 would do: initdb, start, use, stop."""
    server = private_postgres_server
    assert server.own and server.port != 5432
    assert server.base_dir is not None and (server.base_dir / "data" / "PG_VERSION").is_file()
    started = time.perf_counter()
    with server.fresh_database() as url:
        created = time.perf_counter() - started
        _select_one(url)
    assert created < 5, f"creating a database took {created:.2f}s"
