"""Engines for SQLite (the embedded default) and PostgreSQL, set up for durability.

SQLite runs in WAL mode with `synchronous=FULL` (an acknowledged write survives a power cut),
a busy timeout, foreign keys on, and writers that start with `BEGIN IMMEDIATE` so two writers
queue for the lock instead of failing half-way with "database is locked". Readers use a second
engine whose transactions stay deferred, so reads never wait for the write lock.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import ConnectionPoolEntry

from tamis.errors import ConfigurationError

BUSY_TIMEOUT_MS = 30_000


@dataclass(frozen=True, slots=True)
class Engines:
    write: Engine
    read: Engine

    @property
    def is_sqlite(self) -> bool:
        return self.write.dialect.name == "sqlite"

    def dispose(self) -> None:
        self.write.dispose()
        if self.read is not self.write:
            self.read.dispose()


def create_engines(url: str) -> Engines:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise ConfigurationError(
                "tamis needs an SQLite *file* (e.g. sqlite:///data/tamis.db), not :memory:"
            )
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return Engines(write=_sqlite(url, immediate=True), read=_sqlite(url, immediate=False))
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=10)
        return Engines(write=engine, read=engine)
    raise ConfigurationError(
        f"unsupported database {parsed.get_backend_name()!r}: use sqlite:///PATH or "
        "postgresql://USER@HOST/DB"
    )


def _sqlite(url: str, *, immediate: bool) -> Engine:
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        pool_size=8 if not immediate else 4,
        max_overflow=8,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            f"busy_timeout={BUSY_TIMEOUT_MS}",
            "foreign_keys=ON",
        ):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
