"""Readers' report ingestion through the real server, beside SQLite's own durable floor.

Why: the bar is "report ingestion >= 1,000 reports/s on 2 cores with the auto-hide rule
evaluated, on SQLite". Only the real server (`tamis serve`, one process per core), fed over
HTTP from another process, answers that: auth, validation, the duplicate check, the audit
event, the auto-hide rule (distinct reporters against the policy's threshold, and the hide
decision with its notice when it is reached) and a durable commit before each answer.

The generator is closed-loop: many keep-alive connections, each sending its next report as
soon as the previous one is answered, so the figure is what the server sustains. Reports go
to 2,000 items made beforehand, skewed so that popular items cross the default thresholds
(5 distinct reporters for spam, 3 for other categories) and get hidden during the run.

The peer, measured in the same run, is the raw durable floor: plain `sqlite3` inserting one
small row per transaction with the same pragmas (WAL, synchronous=FULL) — what one commit per
report would allow with no server and no Python above the driver. After the run the server
is stopped and the reports in the database are counted against the ones acknowledged.

    .venv/bin/python bench/reports.py [--seconds 20 --connections 64]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_latency import (  # a sibling script, not a package
    KEY,
    cpu_seconds,
    free_port,
    machine_busy_seconds,
    pct,
    start_server,
    stop_server,
    wait_healthy,
)

BAR = 1000.0
ITEMS = 2000
CATEGORIES = ("spam", "spam", "spam", "toxicity/insult", "harassment", "hate")


class Client:
    """One keep-alive HTTP/1.1 connection, spoken by hand (a few tens of microseconds a call)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def call(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.lower().split(b"\r\n"):
            if line.startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return int(head[9:12]), await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def post(path: str, key: str, body: Mapping[str, object]) -> bytes:
    data = json.dumps(body).encode()
    return (
        f"POST {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
    ).encode() + data


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    hidden: int = 0
    accepted: int = 0


class Load:
    """Reports to popular and quiet items, by ever new reporters (so none is a duplicate)."""

    def __init__(self, key: str, item_ids: list[str], seed: int) -> None:
        self.key, self.items = key, item_ids
        self.rng = random.Random(seed)
        self.n = 0

    def next(self) -> bytes:
        self.n += 1
        item = self.items[min(int(self.rng.paretovariate(1.2)) - 1, len(self.items) - 1)]
        if self.rng.random() < 0.5:
            item = self.rng.choice(self.items)
        body = {
            "item_id": item,
            "reporter_id": f"r{self.n}",
            "category": self.rng.choice(CATEGORIES),
            "good_faith": True,
        }
        return post("/v1/reports", self.key, body)


async def drive(port: int, load: Load, connections: int, seconds: float, tally: Tally) -> float:
    clients = [Client(port) for _ in range(connections)]
    end = time.perf_counter() + seconds

    async def worker(client: Client) -> None:
        while time.perf_counter() < end:
            raw = load.next()
            sent = time.perf_counter()
            try:
                status, body = await client.call(raw)
            except (OSError, asyncio.IncompleteReadError):
                tally.statuses[0] += 1
                client.close()
                continue
            tally.latencies.append(time.perf_counter() - sent)
            tally.statuses[status] += 1
            if 200 <= status < 300:
                tally.accepted += 1
                tally.hidden += b'"hidden":true' in body
        client.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in clients))
    return time.perf_counter() - start


async def make_items(port: int, key: str, n: int) -> list[str]:
    ids: list[str] = []
    todo = list(range(n))

    async def worker() -> None:
        client = Client(port)
        while todo:
            i = todo.pop()
            body = {"external_id": f"post-{i}", "author_id": f"a{i % 300}", "text": "Nice photo."}
            status, answer = await client.call(post("/v1/items", key, body))
            if status not in (200, 201):
                raise SystemExit(f"POST /v1/items: {status} {answer[:300]!r}")
            ids.append(json.loads(answer)["id"])
        client.close()

    await asyncio.gather(*(worker() for _ in range(16)))
    return ids


async def make_key(port: int, admin: str) -> str:
    client = Client(port)
    status, answer = await client.call(
        post("/v1/keys", admin, {"name": "bench", "scopes": ["reports"]})
    )
    client.close()
    if status != 201:
        raise SystemExit(f"POST /v1/keys: {status} {answer[:300]!r}")
    secret: str = json.loads(answer)["secret"]
    return secret


def sqlite_floor(path: Path, seconds: float) -> float:
    """Small rows, one per durable transaction, as fast as plain `sqlite3` commits them."""
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL"):
        db.execute(f"PRAGMA {pragma}")
    db.execute("CREATE TABLE reports (id TEXT PRIMARY KEY, item_id TEXT, reporter_id TEXT)")
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        n += 1
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO reports VALUES (?, ?, ?)", (f"rpt{n}", "itm", f"r{n}"))
        db.execute("COMMIT")
    rate = n / (time.perf_counter() - start)
    db.close()
    return rate


def count_reports(data_dir: Path) -> tuple[int, int, int]:
    db = sqlite3.connect(data_dir / "tamis.db")
    reports = db.execute("SELECT count(*) FROM reports").fetchone()[0]
    hides = db.execute(
        "SELECT count(*) FROM decisions WHERE decided_by = 'tamis:reports'"
    ).fetchone()[0]
    events = db.execute("SELECT count(*) FROM events WHERE type = 'report.received'").fetchone()[0]
    db.close()
    return reports, hides, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="timed run")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--floor-seconds", type=float, default=3.0)
    args = parser.parse_args()

    tamis_cli = Path(sys.executable).with_name("tamis")
    with tempfile.TemporaryDirectory(prefix="tamis-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        env = {**os.environ, "TAMIS_DATA_DIR": str(data_dir), "TAMIS_LOG_LEVEL": "warning"}
        init = subprocess.run(
            [str(tamis_cli), "init"], env=env, capture_output=True, text=True, check=True
        )
        found = KEY.search(init.stdout)
        if found is None:
            raise SystemExit(f"no admin key in `tamis init` output:\n{init.stdout}")
        port = free_port()
        log = Path(tmp) / "server.log"
        server = start_server(data_dir, port, log)
        try:
            wait_healthy(f"http://127.0.0.1:{port}", server, log)
            key = asyncio.run(make_key(port, found.group(0)))
            t = time.perf_counter()
            item_ids = asyncio.run(make_items(port, found.group(0), ITEMS))
            print(f"{len(item_ids)} items created in {time.perf_counter() - t:.1f} s")
            load = Load(key, item_ids, seed=1)
            warm = Tally()
            asyncio.run(drive(port, load, args.connections, args.warmup, warm))
            tally = Tally()
            cpu0, busy0 = cpu_seconds(server.pid), machine_busy_seconds()
            me0 = time.process_time()
            wall = asyncio.run(drive(port, load, args.connections, args.seconds, tally))
            server_cpu = cpu_seconds(server.pid) - cpu0
            busy = machine_busy_seconds() - busy0
            bench_cpu = time.process_time() - me0
        finally:
            stop_server(server)
        stored, hides, events = count_reports(data_dir)
        floor = sqlite_floor(Path(tmp) / "floor.db", args.floor_seconds)

    rate = tally.accepted / wall
    errors = sum(n for s, n in tally.statuses.items() if not 200 <= s < 300)
    acknowledged = warm.accepted + tally.accepted
    print(
        f"\nPOST /v1/reports, {args.connections} connections, {args.seconds:.0f} s "
        f"(after {args.warmup:.0f} s warm-up), server on {os.cpu_count()} cores"
    )
    print(f"  statuses          {dict(sorted(tally.statuses.items()))}")
    print(f"  accepted          {tally.accepted} ({rate:,.0f} reports/s), errors {errors}")
    print(
        f"  latency           p50 {pct(tally.latencies, 50):.1f} ms, "
        f"p99 {pct(tally.latencies, 99):.1f} ms"
    )
    print(f"  hidden by reports {tally.hidden} receipts said so; {hides} hide decisions stored")
    print(
        f"  CPU               server {server_cpu / wall:.2f} cores, generator "
        f"{bench_cpu / wall:.2f} cores, machine busy {busy / wall:.2f} cores"
    )
    print("\nraw durable floor (sqlite3, one row per commit, WAL, synchronous=FULL)")
    print(f"  rows/s            {floor:,.0f}")
    print(f"  tamis / floor     {rate / floor:.2f}x")
    same = stored == acknowledged and events == stored
    print(
        f"\nreports acknowledged {acknowledged}, in the database {stored} "
        f"({events} report.received events): {'match' if same else 'MISMATCH'}"
    )
    verdict = "meets" if rate >= BAR else "misses"
    print(f"bar >= {BAR:,.0f} reports/s: {verdict} ({rate:,.0f}/s)")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
