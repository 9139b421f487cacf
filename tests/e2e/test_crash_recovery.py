"""Kill the real server (SIGKILL) mid-stream and check that nothing acknowledged is lost."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tamis.testing import CrashingAnalyzer
from tests.integration.receiver import Receiver

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, data_dir: Path, **env: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "TAMIS_DATA_DIR": str(data_dir),
            "TAMIS_PORT": str(self.port),
            "TAMIS_LOG_LEVEL": "warning",
            **env,
        }
        self.log = data_dir.parent / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tamis", "serve", "--init"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return  # died at once (e.g. a poison job); the caller looks
            try:
                if httpx.get(self.url + "/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError(f"server did not start; log:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the server and every process it started, as a power cut would."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def key(self) -> str:
        match = re.search(r"tamis_sk_[A-Za-z0-9_\-]+", self.log.read_text())
        assert match, self.log.read_text()
        return match.group(0)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def _wait(predicate: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


def test_sigkill_loses_no_accepted_item_and_no_webhook(tmp_path: Path, receiver: Receiver) -> None:
    server = Server(tmp_path / "data", TAMIS_JOB_LEASE_SECONDS="2")
    server.start()
    auth = {"Authorization": f"Bearer {server.key()}"}
    httpx.post(
        server.url + "/v1/webhooks",
        headers=auth,
        json={"url": receiver.url, "events": ["item.moderated"]},
    ).raise_for_status()
    accepted: list[str] = []
    for round_ in range(3):
        for i in range(40):
            try:
                r = httpx.post(
                    server.url + "/v1/items",
                    headers=auth,
                    timeout=5,
                    json={
                        "external_id": f"r{round_}-{i}",
                        "text": f"commentaire {i} connard",
                        "async": True,
                    },
                )
            except httpx.HTTPError:
                continue
            if r.status_code == 202:
                accepted.append(r.json()["id"])
        server.kill()
        server.start()
    assert len(accepted) >= 100

    def all_done() -> bool:
        delivered = {d.body for d in receiver.deliveries}
        return len({b for b in delivered}) >= len(accepted)

    assert _wait(
        lambda: all(
            httpx.get(f"{server.url}/v1/items/{i}", headers=auth).json()["status"] == "moderated"
            for i in accepted
        ),
        120,
    )
    ids_by_item: dict[str, set[str]] = {}
    assert _wait(lambda: _delivered_items(receiver, ids_by_item) >= set(accepted), 120)
    assert all(len(ids) == 1 for ids in ids_by_item.values()), "a duplicate changed webhook-id"
    verify = subprocess.run(
        [sys.executable, "-m", "tamis", "audit", "verify"],
        env=server.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    server.kill()


def _delivered_items(receiver: Receiver, ids_by_item: dict[str, set[str]]) -> set[str]:
    import json

    for d in list(receiver.deliveries):
        item_id = json.loads(d.body)["data"]["item_id"]
        ids_by_item.setdefault(item_id, set()).add(d.headers["webhook-id"])
    return set(ids_by_item)


def test_a_job_that_crashes_its_worker_is_dead_lettered(tmp_path: Path) -> None:
    server = Server(
        tmp_path / "data",
        TAMIS_PROCESSES="1",  # the crash must take the whole server down, not one child
        TAMIS_JOB_LEASE_SECONDS="1",
        TAMIS_JOB_MAX_ATTEMPTS="3",
        TAMIS_ANALYZERS='["lexicon", "tamis.testing:CrashingAnalyzer"]',
    )
    server.start()
    auth = {"Authorization": f"Bearer {server.key()}"}
    r = httpx.post(
        server.url + "/v1/items",
        headers=auth,
        json={"external_id": "poison", "text": f"x {CrashingAnalyzer.CRASH_MARKER}", "async": True},
    )
    assert r.status_code == 202
    item_id = r.json()["id"]
    crashes = 0
    for _ in range(10):
        assert server.proc is not None
        try:
            server.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            break  # it stayed up: the poison job is no longer being run
        crashes += 1
        time.sleep(1.1)  # let the lease run out
        server.start()
    assert crashes == 3
    assert _wait(
        lambda: (
            httpx.get(f"{server.url}/v1/items/{item_id}", headers=auth).json()["status"] == "failed"
        ),
        30,
    )
    dead = httpx.get(server.url + "/v1/jobs?state=dead", headers=auth).json()
    assert [j["payload"]["item_id"] for j in dead] == [item_id]
    ok = httpx.post(
        server.url + "/v1/items", headers=auth, json={"external_id": "fine", "text": "bonjour"}
    )
    assert ok.status_code == 201
    server.kill()


def test_sigkill_loses_no_acknowledged_report_decision_or_webhook(
    tmp_path: Path, receiver: Receiver
) -> None:
    import json
    import threading

    server = Server(tmp_path / "data", TAMIS_JOB_LEASE_SECONDS="2")
    server.start()
    auth = {"Authorization": f"Bearer {server.key()}"}
    httpx.post(
        server.url + "/v1/webhooks", headers=auth, json={"url": receiver.url}
    ).raise_for_status()
    items = [
        httpx.post(
            server.url + "/v1/items",
            headers=auth,
            json={"external_id": f"p{i}", "author_id": f"a{i % 7}", "text": "bonjour"},
        ).json()["id"]
        for i in range(30)
    ]
    reports: list[str] = []
    decisions: list[str] = []
    stop = threading.Event()

    def send_reports() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                r = httpx.post(
                    server.url + "/v1/reports",
                    headers=auth,
                    timeout=5,
                    json={
                        "item_id": items[n % len(items)],
                        "reporter_id": f"reader-{n}",
                        "category": "harassment",
                        "good_faith": True,
                    },
                )
            except httpx.HTTPError:
                time.sleep(0.05)
                continue
            if r.status_code == 201:
                reports.append(r.json()["report_id"])

    sender = threading.Thread(target=send_reports, daemon=True)
    sender.start()
    for round_ in range(3):
        for i in range(15):
            try:
                r = httpx.post(
                    f"{server.url}/v1/items/{items[(round_ * 15 + i) % 30]}/decisions",
                    headers=auth,
                    timeout=5,
                    json={
                        "moderator_id": "mod-1",
                        "visibility": "disabled",
                        "category": "harassment",
                        "clause": "insults",
                        "facts": f"round {round_}",
                    },
                )
            except httpx.HTTPError:
                continue
            if r.status_code == 201:
                decisions.append(r.json()["id"])
        server.kill()
        server.start()
    stop.set()
    sender.join(10)
    assert len(reports) >= 20 and len(decisions) >= 20

    for report_id in reports:
        assert httpx.get(f"{server.url}/v1/reports/{report_id}", headers=auth).status_code == 200
    for decision_id in decisions:
        got = httpx.get(f"{server.url}/v1/decisions/{decision_id}", headers=auth)
        assert got.status_code == 200

    def delivered() -> tuple[dict[str, set[str]], set[str], set[str]]:
        ids: dict[str, set[str]] = {}
        seen_reports, seen_decisions = set(), set()
        for d in list(receiver.deliveries):
            body = json.loads(d.body)
            key = json.dumps(body["data"], sort_keys=True) + body["type"]
            ids.setdefault(key, set()).add(d.headers["webhook-id"])
            if body["type"] == "report.received":
                seen_reports.add(body["data"]["report_id"])
            if body["type"] == "decision.made":
                seen_decisions.add(body["data"]["id"])
        return ids, seen_reports, seen_decisions

    assert _wait(lambda: delivered()[1] >= set(reports) and delivered()[2] >= set(decisions), 120)
    ids, _, _ = delivered()
    assert all(len(v) == 1 for v in ids.values()), "a redelivery changed its webhook-id"
    server.kill()
