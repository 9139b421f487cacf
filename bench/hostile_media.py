"""Hostile media against the real server: statuses, crashes and the server's peak memory.

Why: the bar is "a corpus of crafted files (bombs, truncated, polyglot, zero-byte, extreme
aspect ratios, endless GIFs) gets 4xx answers, 0 crashes, 0 5xx, with peak memory of the
server under 1 GB". This starts `tamis serve` (one process per core, every model loaded) on a
fresh data directory, then sends, over `--connections` concurrent connections:

1. the peer: ordinary 640×480 JPEGs (drawn), as many requests as the hostile round;
2. the hostile corpus of tests/hostile_media.py, `--rounds` times over, each file as a
   multipart upload to `POST /v1/items`.

Memory is the proportional set size (PSS: shared pages split between the processes sharing
them) summed over every process of the server's session, the sandboxed decoders included,
sampled every 20 ms; a crash is a server process that disappeared or a connection dropped.

    .venv/bin/python bench/hostile_media.py [--rounds 3 --connections 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from api_latency import free_port, start_server, stop_server, wait_healthy  # noqa: E402
from tests import drawn  # noqa: E402
from tests.hostile_media import cases  # noqa: E402

KEY = re.compile(r"tamis_sk_[A-Za-z0-9_-]+")
BAR_BYTES = 1024**3


def session_pids(leader: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == leader:
            pids.append(int(stat.parent.name))
    return pids


def pss_of(pids: list[int]) -> dict[int, int]:
    sizes = {}
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    sizes[pid] = int(line.split()[1]) * 1024
                    break
        except OSError:
            continue
    return sizes


def pss_bytes(pids: list[int]) -> int:
    return sum(pss_of(pids).values())


def role(pid: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "gone"
    return "decoder" if b"sandbox" in command else "server"


class Peak:
    """The highest PSS of the server's processes while running, sampled in a thread."""

    def __init__(self, leader: int) -> None:
        self.leader, self.peak, self.running = leader, 0, True
        self.at_peak: dict[str, int] = {}
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while self.running:
            sizes = pss_of(session_pids(self.leader))
            total = sum(sizes.values())
            if total > self.peak:
                self.peak, self.at_peak = total, {}
                for pid, size in sizes.items():
                    kind = role(pid)
                    self.at_peak[kind] = self.at_peak.get(kind, 0) + size
            time.sleep(0.02)

    def stop(self) -> int:
        self.running = False
        self.thread.join()
        return self.peak


async def send(
    base: str, key: str, files: list[tuple[str, bytes, str]], connections: int
) -> tuple[Counter[int], int, float]:
    statuses: Counter[int] = Counter()
    dropped = 0
    queue = list(enumerate(files))
    started = time.perf_counter()

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal dropped
        while queue:
            i, (name, data, declared) = queue.pop()
            try:
                r = await client.post(
                    f"{base}/v1/items",
                    data={"external_id": f"{name}-{i}"},
                    files=[("image", (name, data, declared))],
                    headers={"Authorization": f"Bearer {key}"},
                )
                statuses[r.status_code] += 1
            except httpx.HTTPError:
                dropped += 1

    async with httpx.AsyncClient(timeout=120) as client:
        await asyncio.gather(*(worker(client) for _ in range(connections)))
    return statuses, dropped, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()

    corpus = cases()
    hostile = [
        (name, case.data, case.declared_type or "image/jpeg")
        for _ in range(args.rounds)
        for name, case in corpus.items()
    ]
    ordinary = [
        (f"photo{i}.jpg", drawn.picture(i, (640, 480)), "image/jpeg") for i in range(len(hostile))
    ]
    expected = {name: case.status or 201 for name, case in corpus.items()}

    with tempfile.TemporaryDirectory(prefix="tamis-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        env = {**os.environ, "TAMIS_DATA_DIR": str(data_dir)}
        init = subprocess.run(
            [sys.executable, "-m", "tamis", "init"], env=env, capture_output=True, text=True
        )
        found = KEY.search(init.stdout)
        if found is None:
            raise SystemExit(f"no admin key in `tamis init` output:\n{init.stdout}{init.stderr}")
        port, log = free_port(), Path(tmp) / "server.log"
        server = start_server(data_dir, port, log)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(base, server, log)
            before = set(session_pids(server.pid))
            idle = pss_bytes(sorted(before))
            results = {}
            shares: dict[str, dict[str, int]] = {}
            for label, files in (("ordinary JPEGs", ordinary), ("hostile corpus", hostile)):
                peak = Peak(server.pid)
                statuses, dropped, seconds = asyncio.run(
                    send(base, found.group(0), files, args.connections)
                )
                results[label] = (statuses, dropped, seconds, peak.stop())
                shares[label] = peak.at_peak
            alive = server.poll() is None
        finally:
            stop_server(server)
        wrong = [
            line
            for line in log.read_text().splitlines()
            if "Traceback" in line or "unexpected" in line
        ]

    print(
        f"tamis serve ({len(before)} processes at rest, PSS {idle / 2**20:.0f} MiB); "
        f"{len(corpus)} hostile files × {args.rounds} rounds; {args.connections} connections"
    )
    for label, (statuses, dropped, seconds, peak) in results.items():
        print(
            f"  {label:15} {sum(statuses.values()):4} answers {dict(sorted(statuses.items()))}, "
            f"dropped {dropped}, {seconds:5.1f} s, peak PSS {peak / 2**20:6.0f} MiB"
        )
        parts = ", ".join(f"{k} {v / 2**20:.0f}" for k, v in sorted(shares[label].items()))
        print(f"  {'':15} at the peak (MiB): {parts}")
    hostile_statuses, dropped, _, peak = results["hostile corpus"]
    ordinary_peak = results["ordinary JPEGs"][3]
    print(f"  peak hostile / ordinary  {peak / ordinary_peak:.2f}x")
    server_errors = sum(n for s, n in hostile_statuses.items() if s >= 500)
    print(
        f"  5xx {server_errors}, dropped connections {dropped}, server alive {alive}, "
        f"errors in the server log {len(wrong)}"
    )
    wanted = Counter(expected[name] for name, _, _ in hostile)
    print(f"  expected statuses {dict(sorted(wanted.items()))}")
    ok = server_errors == 0 and dropped == 0 and alive and not wrong and peak < BAR_BYTES
    print(f"bar: 0 5xx, 0 crashes, peak < 1 GiB: {'meets' if ok else 'misses'}")


if __name__ == "__main__":
    main()
