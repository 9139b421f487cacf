from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from tamis.audit import checkpoint
from tamis.audit.chain import verify
from tamis.ids import utcnow
from tamis.jobs.worker import run_one
from tamis.store.sql import models as m
from tests.integration.conftest import Api


def _submit_async(api: Api, external_id: str, text: str = "bonjour") -> str:
    r = api.client.post(
        "/v1/items",
        headers=api.auth(),
        json={"external_id": external_id, "text": text, "async": True},
    )
    assert r.status_code == 202
    return str(r.json()["id"])


def _expire_leases(api: Api) -> None:
    with Session(api.rt.store.engines.write) as s, s.begin():
        s.execute(update(m.Job).values(lease_until=utcnow() - timedelta(seconds=1)))


def test_a_job_whose_worker_died_is_claimed_again_then_dead_lettered(api: Api) -> None:
    item_id = _submit_async(api, "poison")
    attempts = api.rt.settings.job_max_attempts
    for attempt in range(1, attempts + 1):
        claim = api.rt.jobs.claim(worker=f"doomed-{attempt}", lease_seconds=60)
        assert claim.job is not None and claim.job.attempts == attempt
        _expire_leases(api)  # the worker "died": it never completes nor fails the job
    assert run_one(api.rt, "survivor")  # finds the exhausted job and dead-letters it
    dead = api.client.get("/v1/jobs?state=dead", headers=api.auth()).json()
    assert [j["payload"]["item_id"] for j in dead] == [item_id]
    assert dead[0]["attempts"] == attempts
    item = api.client.get(f"/v1/items/{item_id}", headers=api.auth()).json()
    assert item["status"] == "failed"
    r = api.client.post(f"/v1/jobs/{dead[0]['id']}/retry", headers=api.auth())
    assert r.status_code == 200
    assert run_one(api.rt, "after-fix")
    assert (
        api.client.get(f"/v1/items/{item_id}", headers=api.auth()).json()["status"] == "moderated"
    )


def test_a_failing_job_backs_off_and_is_dead_lettered_after_max_attempts(api: Api) -> None:
    _submit_async(api, "x")
    with Session(api.rt.store.engines.write) as s, s.begin():  # an item that vanished
        s.execute(update(m.Job).values(payload={"missing": True}))
    for _ in range(api.rt.settings.job_max_attempts):
        with Session(api.rt.store.engines.write) as s, s.begin():
            s.execute(update(m.Job).values(run_after=utcnow()))
        assert run_one(api.rt, "w")
    [job] = api.rt.jobs.list(tenant_id=api.tenant_id)
    assert job.state == "dead" and "KeyError" in (job.last_error or "")


def test_events_are_chained_verified_and_tampering_is_caught(api: Api) -> None:
    for i in range(5):
        api.client.post("/v1/items", headers=api.auth(), json={"external_id": f"e{i}", "text": "a"})
    while api.rt.audit.seal():
        pass
    result = verify(api.rt.audit.sealed())
    assert result.ok and result.events >= 10
    key = checkpoint.load_or_create_key(api.rt.settings.audit_key_path)
    point = checkpoint.sign(key, seq=result.head_seq, head_hash=result.head_hash, at=utcnow())
    assert checkpoint.signature_valid(point, key.public_key())
    forged = checkpoint.Checkpoint(
        point.seq + 1, point.hash, point.created_at, point.public_key, point.signature
    )
    assert not checkpoint.signature_valid(forged, key.public_key())

    with Session(api.rt.store.engines.write) as s, s.begin():
        s.execute(update(m.Event).where(m.Event.seq == 3).values(subject="rewritten"))
    broken = verify(api.rt.audit.sealed())
    assert not broken.ok and broken.events == 2 and "altered" in (broken.problem or "")


def test_events_never_hold_content(api: Api) -> None:
    secret_text = "ce texte ne doit jamais entrer dans le journal"
    api.client.post(
        "/v1/items", headers=api.auth(), json={"external_id": "private", "text": secret_text}
    )
    api.rt.audit.seal()
    for event in api.rt.audit.sealed():
        assert "jamais" not in repr(event)


@pytest.mark.parametrize("n", [50])
def test_sealing_keeps_up_with_concurrent_writers(api: Api, n: int) -> None:
    import threading

    def write(k: int) -> None:
        for i in range(n // 5):
            api.client.post(
                "/v1/items", headers=api.auth(), json={"external_id": f"t{k}-{i}", "text": "a"}
            )

    threads = [threading.Thread(target=write, args=(k,)) for k in range(5)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while any(t.is_alive() for t in threads) and time.monotonic() < deadline:
        api.rt.audit.seal()
    for t in threads:
        t.join()
    while api.rt.audit.seal():
        pass
    result = verify(api.rt.audit.sealed())
    assert result.ok and result.events >= 2 * n
    assert api.rt.audit.unsealed() == 0
