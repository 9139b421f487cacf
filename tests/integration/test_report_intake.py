"""Reports filed together give what filing them one by one would: the intake's batch path."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tamis.errors import Conflict, InvalidInput, NotFound
from tamis.services import reports
from tests.integration.conftest import Api


def _item(api: Api, external_id: str) -> str:
    r = api.client.post(
        "/v1/items",
        headers=api.auth(),
        json={"external_id": external_id, "parts": [{"type": "text", "text": "Bonjour"}]},
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _report(reporter: str | None, category: str = "toxicity/insult") -> reports.NewReport:
    return reports.NewReport(
        reporter_id=reporter,
        reporter_kind="user" if reporter else "anonymous",
        category=category,
    )


def test_a_batch_answers_each_report_as_if_filed_alone(api: Api) -> None:
    a, b = _item(api, "a"), _item(api, "b")
    policy = api.rt.policies.get(api.tenant_id)  # 3 distinct readers hide an item

    def by_id(item_id: str, report: reports.NewReport) -> reports.Submission:
        return reports.Submission(api.tenant_id, policy, report, item_id=item_id)

    batch = [
        by_id(a, _report("u1")),
        by_id(a, _report("u2")),
        by_id(a, _report("u1", "spam")),  # one report per reader and item
        by_id("itm_unknown", _report("u9")),
        by_id(a, _report(None)),  # anonymous: recorded, never counted
        by_id(a, _report("u3")),  # the third reader: hides the item
        by_id(a, _report("u4")),  # already hidden
        reports.Submission(api.tenant_id, policy, _report("u5"), external_id="b"),
        by_id(b, _report("u6", "other")),  # 'other' needs a reason
        reports.Submission(api.tenant_id, policy, _report("u7")),  # names no item
    ]
    with api.rt.store.write() as tx:
        outcomes = reports.submit_many(tx, batch)

    kinds = [type(o).__name__ for o in outcomes]
    assert kinds == [
        "Receipt", "Receipt", "Conflict", "NotFound", "Receipt",
        "Receipt", "Receipt", "Receipt", "InvalidInput", "InvalidInput",
    ]  # fmt: skip
    assert isinstance(outcomes[2], Conflict) and isinstance(outcomes[3], NotFound)
    assert isinstance(outcomes[8], InvalidInput)
    receipts = [o for o in outcomes if isinstance(o, reports.Receipt)]
    assert [r.hidden for r in receipts] == [False, False, False, True, False, False]
    assert receipts[-1].report.item_id == b

    with api.rt.store.read() as tx:
        decided = tx.decisions.for_item(tenant_id=api.tenant_id, item_id=a)
        assert [(d.visibility, d.decided_by) for d in decided] == [("disabled", "tamis:reports")]
        assert not tx.decisions.for_item(tenant_id=api.tenant_id, item_id=b)
        counts = tx.reports.reporters(tenant_id=api.tenant_id, keys=[(a, "toxicity/insult")])
        assert counts == {(a, "toxicity/insult"): 4}
        assert len(tx.reports.unsettled(tenant_id=api.tenant_id, item_id=a)) == 5


def test_concurrent_reports_over_http_share_batches_and_keep_their_answers(api: Api) -> None:
    item = _item(api, "viral")
    headers = api.auth()

    async def burst() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=api.client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://tamis") as client:

            def post(body: dict[str, Any], **extra: str) -> Any:
                return client.post("/v1/reports", json=body, headers={**headers, **extra})

            body = {"item_id": item, "category": "spam", "good_faith": True}
            calls = [post({**body, "reporter_id": f"reader-{i}"}) for i in range(20)]
            calls.append(post({**body, "reporter_id": "reader-3"}))  # a repeat
            retry = {**body, "reporter_id": "retry"}
            calls += [post(retry, **{"Idempotency-Key": "k1"}) for _ in range(2)]
            return list(await asyncio.gather(*calls))

    responses = api.client.portal.call(burst)  # type: ignore[union-attr]
    statuses = [r.status_code for r in responses]
    assert statuses[:20] == [201] * 20
    assert statuses[20] == 409, responses[20].text
    assert statuses[21:] == [201, 201]
    assert responses[21].json() == responses[22].json()  # the retry got the first answer
    assert sum(r.json().get("hidden", False) for r in responses) == 1  # spam: after 5 readers
    with api.rt.store.read() as tx:
        counts = tx.reports.reporters(tenant_id=api.tenant_id, keys=[(item, "spam")])
        assert counts == {(item, "spam"): 21}
