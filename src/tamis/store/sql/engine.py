"""Engines for SQLite (the embedded default) and PostgreSQL, set up for durability.

SQLite runs in WAL mode with `synchronous=FULL` (an acknowledged write survives a power cut),
a busy timeout, foreign keys on, and writers that start with `BEGIN IMMEDIATE` so two writers
queue for the lock instead of failing half-way with "database is locked". Readers use a second
engine whose transactions stay deferred, so reads never wait for the write lock.

Writers on SQLite also take turns (`Engines.transaction()`): a lock shared by the process's
threads, then a file lock beside the database shared by its processes. A writer waiting there
wakes the moment the other lets go, where SQLite's busy handler sleeps in growing steps and
lets a busy writer take the lock again and again while another starves.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import ConnectionPoolEntry

from tamis.errors import ConfigurationError

BUSY_TIMEOUT_MS = 30_000


class WriteTurn:
    """One writer at a time on an SQLite file, across threads and processes, in turn."""

    _registry: ClassVar[dict[str, WriteTurn]] = {}
    _registry_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._owner: int | None = None
        """The thread holding the turn; it may take it again (a nested write)."""
        self._depth = 0
        self._fd: int | None = None
        self._pid = 0

    @classmethod
    def of(cls, database: str) -> WriteTurn:
        path = str(Path(database).resolve()) + ".write-lock"
        with cls._registry_lock:
            return cls._registry.setdefault(path, cls(path))

    @contextmanager
    def __call__(self) -> Iterator[None]:
        me = threading.get_ident()
        if self._owner == me:  # a nested write in the same thread
            self._depth += 1
        else:
            self._lock.acquire()
            fcntl.flock(self._file(), fcntl.LOCK_EX)
            self._owner, self._depth = me, 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                fcntl.flock(self._file(), fcntl.LOCK_UN)
                self._lock.release()

    def _file(self) -> int:
        if self._fd is None or self._pid != os.getpid():  # a forked child opens its own
            self._fd, self._pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
        return self._fd


@dataclass(frozen=True, slots=True)
class Engines:
    write: Engine
    read: Engine
    turn: WriteTurn | None = field(default=None)
    """SQLite only: writers take turns through it (see the module's docstring)."""

    @property
    def is_sqlite(self) -> bool:
        return self.write.dialect.name == "sqlite"

    @contextmanager
    def transaction(self, **session: Any) -> Iterator[Session]:
        """A write transaction in its own session, committed on a clean exit."""
        turn = self.turn() if self.turn is not None else nullcontext()
        with turn, Session(self.write, **session) as s, s.begin():
            yield s

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
        return Engines(
            write=_sqlite(url, immediate=True),
            read=_sqlite(url, immediate=False),
            turn=WriteTurn.of(parsed.database),
        )
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
