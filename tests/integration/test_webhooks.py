from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from standardwebhooks.webhooks import Webhook

from tamis.ids import utcnow
from tamis.jobs.worker import run_one
from tamis.outbox.sender import deliver_due
from tamis.store.sql import models as m
from tests.integration.conftest import Api
from tests.integration.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(fail_first=2)
    yield r
    r.close()


def _due_now(api: Api) -> None:
    with Session(api.rt.store.engines.write) as s, s.begin():
        s.execute(update(m.OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))


def test_async_verdict_is_delivered_signed_retried_with_one_id(
    api: Api, receiver: Receiver
) -> None:
    hook = api.client.post(
        "/v1/webhooks", headers=api.auth(), json={"url": receiver.url, "events": ["item.moderated"]}
    ).json()
    r = api.client.post(
        "/v1/items",
        headers=api.auth(),
        json={"external_id": "w1", "text": "connard", "async": True},
    )
    item_id = r.json()["id"]
    assert run_one(api.rt, "w")
    with httpx.Client() as client:
        for _ in range(3):
            deliver_due(api.rt.deliveries, client)
            _due_now(api)
    assert len(receiver.deliveries) == 3
    ids = {d.headers["webhook-id"] for d in receiver.deliveries}
    assert len(ids) == 1, "every retry carries the same webhook-id"
    last = receiver.deliveries[-1]
    payload = Webhook(hook["secret"]).verify(last.body, last.headers)
    assert payload["type"] == "item.moderated"
    assert payload["data"]["item_id"] == item_id
    assert payload["data"]["verdict"]["flagged"] is True
    log = api.client.get("/v1/webhooks/deliveries", headers=api.auth()).json()
    assert log[0]["state"] == "delivered" and log[0]["attempts"] == 3
    assert log[0]["webhook_id"] in ids
    with httpx.Client() as client:
        assert deliver_due(api.rt.deliveries, client) == 0


def test_rotation_signs_with_both_secrets(api: Api, receiver: Receiver) -> None:
    receiver.fail_first = 0
    hook = api.client.post("/v1/webhooks", headers=api.auth(), json={"url": receiver.url}).json()
    old_secret = hook["secret"]
    new_secret = "whsec_" + "bmV3LXNlY3JldC1mb3Itcm90YXRpb24tdGVzdHM="
    with Session(api.rt.store.engines.write) as s, s.begin():
        s.execute(update(m.Webhook).values(secret=new_secret, previous_secret=old_secret))
    api.client.post(
        "/v1/items", headers=api.auth(), json={"external_id": "w2", "text": "hi", "async": True}
    )
    run_one(api.rt, "w")
    with httpx.Client() as client:
        deliver_due(api.rt.deliveries, client)
    [delivery] = receiver.deliveries
    assert len(delivery.headers["webhook-signature"].split(" ")) == 2
    for secret in (old_secret, new_secret):
        assert json.loads(delivery.body) == Webhook(secret).verify(delivery.body, delivery.headers)


def test_rotating_through_the_api_keeps_both_signatures_during_the_overlap(
    api: Api, receiver: Receiver
) -> None:
    receiver.fail_first = 0
    hook = api.client.post("/v1/webhooks", headers=api.auth(), json={"url": receiver.url}).json()
    rotated = api.client.post(
        f"/v1/webhooks/{hook['id']}/rotate?overlap_hours=1", headers=api.auth()
    ).json()
    assert rotated["secret"] != hook["secret"]
    api.client.post(
        "/v1/items", headers=api.auth(), json={"external_id": "w3", "text": "hi", "async": True}
    )
    run_one(api.rt, "w")
    with httpx.Client() as client:
        deliver_due(api.rt.deliveries, client)
    [delivery] = receiver.deliveries
    for secret in (hook["secret"], rotated["secret"]):
        Webhook(secret).verify(delivery.body, delivery.headers)
    api.client.post(f"/v1/webhooks/{hook['id']}/rotate?overlap_hours=0", headers=api.auth())
    api.client.post(
        "/v1/items", headers=api.auth(), json={"external_id": "w4", "text": "hi", "async": True}
    )
    run_one(api.rt, "w")
    with httpx.Client() as client:
        deliver_due(api.rt.deliveries, client)
    assert len(receiver.deliveries[-1].headers["webhook-signature"].split(" ")) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1/h",
        "https://example.com:99999/h",
        "https:///h",
        "https://exa mple.com/",
        "https://example.com\\@evil.example/",
        "https://user:pass@example.com/h",
        "http://\u3002/",
    ],
)
def test_an_endpoint_no_request_could_reach_is_refused(api: Api, url: str) -> None:
    r = api.client.post("/v1/webhooks", headers=api.auth(), json={"url": url})
    assert r.status_code == 422, r.text
    assert "webhook url" in r.json()["detail"]


def test_a_stored_endpoint_no_request_can_reach_holds_up_no_other(
    api: Api, receiver: Receiver
) -> None:
    receiver.fail_first = 0
    with api.rt.store.write() as tx:  # as an older version, which did not check, stored it
        tx.webhooks.add(
            tenant_id=api.tenant_id, url="http://[::1/h", secret="whsec_" + "A" * 44, events=["*"]
        )
    api.client.post("/v1/webhooks", headers=api.auth(), json={"url": receiver.url})
    r = api.client.post(
        "/v1/items", headers=api.auth(), json={"external_id": "w9", "text": "a", "async": True}
    )
    assert r.status_code == 202
    assert run_one(api.rt, "w")
    with httpx.Client() as client:
        assert deliver_due(api.rt.deliveries, client) == 1
    assert len(receiver.deliveries) == 1
    log = api.client.get("/v1/webhooks/deliveries", headers=api.auth()).json()
    [failed] = [d for d in log if d["state"] != "delivered"]
    assert failed["attempts"] == 1 and "InvalidURL" in failed["last_error"], failed


@pytest.mark.parametrize(
    ("events", "said"),
    [
        (["decison.made"], "no such webhook event: 'decison.made'"),
        (["item.moderated", "item.erased", "Item.Hidden"], "'Item.Hidden', 'item.erased'"),
        ([], "at least one event"),
    ],
)
def test_a_subscription_that_would_hear_nothing_is_refused(
    api: Api, events: list[str], said: str
) -> None:
    r = api.client.post(
        "/v1/webhooks",
        headers=api.auth(),
        json={"url": "https://hooks.example.org/t", "events": events},
    )
    assert r.status_code == 422, r.text
    assert said in r.json()["detail"]
    assert api.client.get("/v1/webhooks", headers=api.auth()).json() == []
