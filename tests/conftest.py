"""Fixtures shared by the whole suite: real databases, never fakes of our own code.

- ``postgres_server`` (session): a PostgreSQL server found on 127.0.0.1:5432 or started
  privately (see ``tests/pg.py`` and ``TAMIS_TEST_PG``). If none can be had, every test
  that needs it fails with a message saying why; nothing is skipped.
- ``postgres_url`` (session): ``postgresql+psycopg://`` URL of a database created for this
  test run and dropped at its end.
- ``fresh_postgres_url`` (function): a new empty database per test.
- ``sqlite_url`` (function): ``sqlite:///`` URL of a new file under the test's tmp_path.
- ``database_url`` (function): parametrised over ``sqlite`` and ``postgres``, a fresh,
  empty database per test either way (the ``postgres`` case is marked ``postgres``).
- ``private_postgres_server`` (session): always a privately started server, for tests that
  must prove the start-your-own path or that stop and restart a server.

A test that uses any PostgreSQL fixture is marked ``postgres`` automatically, so
``-m "not postgres"`` deselects it explicitly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

if __package__:  # tests/ made a package: this is tests.conftest
    from . import pg
else:  # pytest's default rootdir-relative import puts tests/ itself on sys.path
    import pg  # type: ignore[no-redef,unused-ignore]

_PG_FIXTURES = frozenset(
    {"postgres_server", "postgres_url", "fresh_postgres_url", "private_postgres_server"}
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _PG_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)


def _start(mode: str | None) -> pg.PostgresServer:
    try:
        return pg.acquire(mode)
    except pg.PostgresUnavailable as exc:
        reason = str(exc)
    pytest.fail(f"PostgreSQL is required for this test and none could be had:\n{reason}", False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[pg.PostgresServer]:
    server = _start(None)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def private_postgres_server() -> Iterator[pg.PostgresServer]:
    server = _start("own")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: pg.PostgresServer) -> Iterator[str]:
    with postgres_server.fresh_database() as url:
        yield url


@pytest.fixture
def fresh_postgres_url(postgres_server: pg.PostgresServer) -> Iterator[str]:
    with postgres_server.fresh_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tamis.sqlite3'}"


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tamis.sqlite3'}"
        return
    server: pg.PostgresServer = request.getfixturevalue("postgres_server")
    with server.fresh_database() as url:
        yield url
