"""A real PostgreSQL server for the test suite, found or started, never faked.

The suite prefers a server that already answers on 127.0.0.1:5432 with trust auth (the
developer's own, or CI's). When none answers, it starts a throwaway one from the machine's
own binaries (``initdb``/``pg_ctl`` under ``/usr/lib/postgresql/*/bin``) in a temporary
directory, on a free port, with its Unix socket in that directory, and stops it at the end.
Either way each test run works in databases of its own (``tamis_test_<random>``), created
here and dropped at the end, so concurrent runs on one machine never see each other.

PostgreSQL refuses to run as root, so as root the private server runs as the ``postgres``
system user (or a dedicated ``tamis-pg`` user created for the purpose).

Environment:

``TAMIS_TEST_PG``
    ``auto`` (default): use 127.0.0.1:5432 if it answers, else start one.
    ``own``: always start a private server. ``running``: never start one.
``TAMIS_TEST_PG_HOST`` / ``TAMIS_TEST_PG_PORT``
    where to look for a running server (default 127.0.0.1 and 5432).
"""

from __future__ import annotations

import atexit
import contextlib
import getpass
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5432
PRIVATE_USER = "tamis-pg"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be found or started; the message says what to do."""


@dataclass
class PostgresServer:
    """Where a server answers, as whom, and how to reach it from SQLAlchemy and psycopg."""

    host: str
    port: int
    user: str
    own: bool = False
    base_dir: Path | None = None
    bin_dir: Path | None = None
    run_as: str | None = None
    _stopped: bool = field(default=False, repr=False)

    def conninfo(self, dbname: str = "postgres") -> str:
        return psycopg.conninfo.make_conninfo(
            host=self.host, port=self.port, user=self.user, dbname=dbname, connect_timeout=5
        )

    def url(self, dbname: str) -> str:
        """A SQLAlchemy URL (``postgresql+psycopg://``) for *dbname* on this server."""
        return f"postgresql+psycopg://{quote(self.user, safe='')}@{self.host}:{self.port}/{dbname}"

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self.conninfo(), autocommit=True)

    def create_database(self, prefix: str = "tamis_test") -> str:
        """Create an empty database with a random name and return the name."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        # template0: never connected to (no "being accessed by other users"), always UTF8-able.
        stmt = sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
            sql.Identifier(name)
        )
        with self.admin() as conn:
            for attempt in range(20):
                try:
                    conn.execute(stmt)
                    break
                except pg_errors.ObjectInUse:  # another run is copying the template right now
                    if attempt == 19:
                        raise
                    time.sleep(0.05)
        return name

    def drop_database(self, name: str) -> None:
        if self._stopped:
            return
        with self.admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    @contextlib.contextmanager
    def fresh_database(self, prefix: str = "tamis_test") -> Iterator[str]:
        """Create a randomly named database, yield its SQLAlchemy URL, drop it afterwards."""
        name = self.create_database(prefix)
        try:
            yield self.url(name)
        finally:
            self.drop_database(name)

    def stop(self) -> None:
        """Stop a private server and delete its directory; a no-op for a found one."""
        if not self.own or self._stopped:
            return
        self._stopped = True
        assert self.base_dir is not None and self.bin_dir is not None
        with contextlib.suppress(Exception):
            _run(
                [
                    str(self.bin_dir / "pg_ctl"),
                    "-D",
                    str(self.base_dir / "data"),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                run_as=self.run_as,
            )
        shutil.rmtree(self.base_dir, ignore_errors=True)


def find_running(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> PostgresServer | None:
    """The server on host:port if it answers with trust auth for a superuser, else None."""
    with socket.socket() as s:
        s.settimeout(1.0)
        if s.connect_ex((host, port)) != 0:
            return None
    users = ["postgres", "root", getpass.getuser()]
    for user in dict.fromkeys(users):
        server = PostgresServer(host=host, port=port, user=user)
        try:
            with server.admin() as conn:
                row = conn.execute(
                    "SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user"
                ).fetchone()
                if row and row[0]:
                    return server
        except psycopg.Error:
            continue
    return None


def find_bin_dir() -> Path | None:
    """The directory holding initdb/pg_ctl/postgres, newest major version first."""

    def version(p: str) -> tuple[int, ...]:
        m = re.search(r"/postgresql/([\d.]+)/bin", p)
        return tuple(int(x) for x in m.group(1).split(".")) if m else (0,)

    candidates = sorted(
        (str(p) for p in Path("/usr/lib/postgresql").glob("*/bin")), key=version, reverse=True
    )
    candidates += sorted((str(p) for p in Path("/usr").glob("pgsql-*/bin")), reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(str(Path(initdb).parent))
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True
            ).stdout.strip()
            candidates.append(out)
    for c in candidates:
        d = Path(c)
        if all((d / exe).is_file() for exe in ("initdb", "pg_ctl", "postgres")):
            return d
    return None


def _run(cmd: list[str], *, run_as: str | None, log: Path | None = None) -> None:
    if run_as is not None:
        runner = shutil.which("runuser") or shutil.which("su")
        if runner is None:
            raise PostgresUnavailable("running as root, but neither runuser nor su is available")
        if runner.endswith("runuser"):
            cmd = [runner, "-u", run_as, "--", *cmd]
        else:
            cmd = [runner, "-s", "/bin/sh", run_as, "-c", " ".join(_shquote(c) for c in cmd)]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, check=False, cwd="/", stdin=subprocess.DEVNULL
    )
    if proc.returncode != 0:
        detail = proc.stdout + proc.stderr
        if log is not None and log.exists():
            detail += "\n--- server log ---\n" + log.read_text(errors="replace")[-4000:]
        raise PostgresUnavailable(f"{' '.join(cmd)} failed ({proc.returncode}):\n{detail}")


def _shquote(s: str) -> str:
    return "'" + s.replace("'", "'\"'\"'") + "'"


def _service_user() -> str | None:
    """Who runs the private server: None for a non-root user (itself), else a system user."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", PRIVATE_USER):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    useradd = shutil.which("useradd")
    if useradd is None:
        raise PostgresUnavailable(
            "running as root and no 'postgres' user exists to run a private PostgreSQL server"
        )
    subprocess.run(
        [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PRIVATE_USER],
        check=True,
        capture_output=True,
    )
    return PRIVATE_USER


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((DEFAULT_HOST, 0))
        return int(s.getsockname()[1])


def start_own() -> PostgresServer:
    """initdb + pg_ctl start a private, fsync-less server in a temporary directory."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable(
            "no PostgreSQL server answers on 127.0.0.1:5432 and no PostgreSQL binaries "
            "(initdb, pg_ctl) were found under /usr/lib/postgresql/*/bin or on PATH. "
            "Run 'make test' (it installs the Debian 'postgresql' package) or "
            "'apt-get install postgresql'."
        )
    run_as = _service_user()
    # Not under pytest's tmp dir: that one is 0700 root-owned and the server user can't enter.
    base = Path(tempfile.mkdtemp(prefix="tamis-pg-"))
    data = base / "data"
    log = base / "server.log"
    if run_as is not None:
        pw = pwd.getpwnam(run_as)
        os.chown(base, pw.pw_uid, pw.pw_gid)
    try:
        _run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ],
            run_as=run_as,
        )
        last_error: Exception | None = None
        for _ in range(5):
            port = _free_port()
            opts = (
                f"-p {port} -k {base} -c listen_addresses={DEFAULT_HOST} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            )
            try:
                _run(
                    [
                        str(bin_dir / "pg_ctl"),
                        "-D",
                        str(data),
                        "-l",
                        str(log),
                        "-o",
                        opts,
                        "-w",
                        "-t",
                        "60",
                        "start",
                    ],
                    run_as=run_as,
                    log=log,
                )
            except PostgresUnavailable as exc:  # most likely the port was taken meanwhile
                last_error = exc
                continue
            server = PostgresServer(
                host=DEFAULT_HOST,
                port=port,
                user="postgres",
                own=True,
                base_dir=base,
                bin_dir=bin_dir,
                run_as=run_as,
            )
            atexit.register(server.stop)
            return server
        raise PostgresUnavailable(f"could not start a private PostgreSQL server: {last_error}")
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise


def acquire(mode: str | None = None) -> PostgresServer:
    """A server per ``TAMIS_TEST_PG`` (or *mode*): ``auto``, ``own`` or ``running``."""
    mode = (mode or os.environ.get("TAMIS_TEST_PG", "auto")).strip().lower()
    if mode not in {"auto", "own", "running"}:
        raise PostgresUnavailable(f"TAMIS_TEST_PG must be auto, own or running, not {mode!r}")
    host = os.environ.get("TAMIS_TEST_PG_HOST", DEFAULT_HOST)
    port = int(os.environ.get("TAMIS_TEST_PG_PORT", str(DEFAULT_PORT)))
    if mode in {"auto", "running"}:
        found = find_running(host, port)
        if found is not None:
            return found
        if mode == "running":
            raise PostgresUnavailable(
                f"TAMIS_TEST_PG=running, but no PostgreSQL server with trust auth for "
                f"postgres/root answers on {host}:{port}"
            )
    return start_own()


@contextlib.contextmanager
def server(mode: str | None = None) -> Iterator[PostgresServer]:
    srv = acquire(mode)
    try:
        yield srv
    finally:
        srv.stop()
