from __future__ import annotations

import logging

import pytest

from tamis.jobs.worker import run_one
from tests.integration.conftest import Api

SECRET = "zébulon-confidentiel connard"


def test_no_text_reaches_the_logs(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    api.client.post("/v1/moderate", json={"text": SECRET}, headers=api.auth())
    api.client.post("/v1/items", json={"external_id": "s1", "text": SECRET}, headers=api.auth())
    api.client.post(
        "/v1/items", headers=api.auth(), json={"external_id": "s2", "text": SECRET, "async": True}
    )
    api.client.post(
        "/v1/items",
        headers=api.auth(),
        json={"external_id": "s3", "text": SECRET, "colour": SECRET},
    )
    api.client.put("/v1/policy", content=SECRET.encode(), headers=api.auth())
    api.client.post("/v1/webhooks", headers=api.auth(), json={"url": "http://127.0.0.1:9/x"})
    api.client.post(
        "/v1/items", headers=api.auth(), json={"external_id": "s4", "text": SECRET, "async": True}
    )
    while run_one(api.rt, "w"):
        pass
    import httpx

    from tamis.jobs.worker import housekeeping

    with httpx.Client() as client:
        housekeeping(api.rt, client)  # a failing webhook delivery logs its failure
    assert caplog.records, "nothing was logged: the test would prove nothing"
    assert "zébulon" not in caplog.text
