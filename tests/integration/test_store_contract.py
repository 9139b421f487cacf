"""The in-memory store of `tamis.testing` and the SQL store keep the same contract."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest

from tamis.errors import Conflict
from tamis.ids import new_id, utcnow
from tamis.services import keys, lexicon, links, policies, tenants
from tamis.store.interfaces import (
    AppealRecord,
    DecisionRecord,
    ExampleRecord,
    Store,
    TextHeadsRecord,
    Transaction,
)
from tamis.store.sql import migrate
from tamis.store.sql.store import SqlStore
from tamis.testing import InMemoryStore


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "memory":
        yield InMemoryStore()
        return
    fixture = "sqlite_url" if request.param == "sqlite" else "fresh_postgres_url"
    sql = SqlStore.from_url(request.getfixturevalue(fixture))
    migrate.upgrade(sql.engines)
    yield sql
    sql.close()


def test_tenant_keys_and_policy(store: Store) -> None:
    with store.write() as tx:
        tenant, secret = tenants.create(tx, slug="a")
    with store.read() as tx:
        key = tx.keys.by_hash(key_hash=keys.hash_key(secret))
        assert key is not None and key.tenant_id == tenant.id and key.scopes == ("admin",)
        assert tx.policies.current(tenant_id=tenant.id).version == 1  # type: ignore[union-attr]
    with store.write() as tx:
        record = policies.set_policy(
            tx,
            tenant_id=tenant.id,
            source=tx.policies.get(tenant_id=tenant.id, version=1).source,  # type: ignore[union-attr]
        )
    assert record.version == 2
    with pytest.raises(Conflict), store.write() as tx:
        tenants.create(tx, slug="a")


def test_a_failed_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.write() as tx:
        tenants.create(tx, slug="ghost")
        raise RuntimeError("crash mid-transaction")
    with store.read() as tx:
        assert tx.tenants.by_slug(slug="ghost") is None


def test_items_are_tenant_scoped(store: Store) -> None:
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")
        b, _ = tenants.create(tx, slug="b")
        item = tx.items.add(
            tenant_id=a.id,
            item_id="itm_1",
            external_id="x",
            author_id=None,
            author_locale=None,
            content_date=None,
            context_url=None,
            parts=[{"kind": "text", "text": "t"}],
            content_digest="0" * 64,
        )
    with store.read() as tx:
        assert tx.items.get(tenant_id=a.id, item_id=item.id) is not None
        assert tx.items.get(tenant_id=b.id, item_id=item.id) is None
        assert tx.items.by_external_id(tenant_id=b.id, external_id="x") is None
    with pytest.raises(Conflict), store.write() as tx:
        tx.items.add(
            tenant_id=a.id,
            item_id="itm_2",
            external_id="x",
            author_id=None,
            author_locale=None,
            content_date=None,
            context_url=None,
            parts=[],
            content_digest="0" * 64,
        )


def test_lexicon_terms(store: Store) -> None:
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")
        assert lexicon.add_term(
            tx, tenant_id=a.id, list_name="block", term="zut", category="toxicity/profanity"
        )
        assert not lexicon.add_term(
            tx, tenant_id=a.id, list_name="block", term="zut", category="toxicity/profanity"
        )
    with store.read() as tx:
        assert [(t.list, t.term) for t in tx.lexicon.list(tenant_id=a.id)] == [("block", "zut")]
    with store.write() as tx:
        assert lexicon.remove_term(tx, tenant_id=a.id, list_name="block", term="zut")
    with store.read() as tx:
        assert tx.lexicon.list(tenant_id=a.id) == []


def test_idempotency_records(store: Store) -> None:
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")
        tx.idempotency.put(
            tenant_id=a.id, key="k", request_digest="d", status_code=201, response={"ok": True}
        )
    with store.read() as tx:
        stored = tx.idempotency.get(tenant_id=a.id, key="k")
        assert stored is not None and stored.response == {"ok": True}
    with pytest.raises(Conflict), store.write() as tx:
        tx.idempotency.put(
            tenant_id=a.id, key="k", request_digest="d", status_code=201, response={}
        )


# --- casework: reports, decisions, appeals, strikes; item erasure; webhook rotation -----------


@dataclass
class _Report:
    """A `NewReport`: what a reporter tells."""

    reporter_id: str | None
    category: str = "toxicity/insult"
    reporter_kind: str = "user"
    other_reason: str | None = None
    explanation: str | None = "rude"
    illegal: bool = False
    law: str | None = None
    good_faith: bool = True


def _add_item(tx: Transaction, tenant_id: str, item_id: str, author_id: str | None = None) -> None:
    tx.items.add(
        tenant_id=tenant_id,
        item_id=item_id,
        external_id=f"ext-{item_id}",
        author_id=author_id,
        author_locale=None,
        content_date=None,
        context_url=None,
        parts=[{"kind": "text", "text": "t"}],
        content_digest="0" * 64,
    )


def _decision(
    decision_id: str,
    tenant_id: str,
    item_id: str | None,
    *,
    author_id: str | None = "u1",
    state: str = "in_force",
    created_at: datetime | None = None,
) -> DecisionRecord:
    return DecisionRecord(
        id=decision_id,
        tenant_id=tenant_id,
        item_id=item_id,
        author_id=author_id,
        visibility="removed" if item_id else "none",
        account=None if item_id else "suspended",
        decided_by="tamis:policy",
        automated="fully",
        source="own_initiative",
        statement={"ground": "incompatible", "facts": ["x"]},
        notice={"locale": "en", "text": "removed"},
        state=state,
        supersedes=None,
        appeal_id=None,
        created_at=created_at or utcnow(),
    )


def _appeal(
    appeal_id: str, tenant_id: str, decision_id: str, *, created_at: datetime | None = None
) -> AppealRecord:
    return AppealRecord(
        id=appeal_id,
        tenant_id=tenant_id,
        decision_id=decision_id,
        appellant_kind="author",
        appellant_id="u1",
        reason="it was a joke",
        status="open",
        decided_by=None,
        outcome_reasons=None,
        outcome_decision_id=None,
        created_at=created_at or utcnow(),
        decided_at=None,
    )


def _ids(prefix: str, n: int) -> list[str]:
    """`n` fresh ids in the order the store sorts them."""
    return sorted(new_id(prefix) for _ in range(n))


def test_a_duplicate_reporter_conflicts_and_writes_nothing(store: Store) -> None:
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")
        b, _ = tenants.create(tx, slug="b")
        _add_item(tx, a.id, "itm_1")
        _add_item(tx, a.id, "itm_2")
        _add_item(tx, b.id, "itm_3")
        first = tx.reports.add(tenant_id=a.id, item_id="itm_1", report=_Report("u1"))
    assert first.id.startswith("rpt_") and first.decision_id is None and first.outcome_at is None
    with pytest.raises(Conflict), store.write() as tx:
        tx.reports.add(tenant_id=a.id, item_id="itm_1", report=_Report("u2"))
        tx.reports.add(tenant_id=a.id, item_id="itm_1", report=_Report("u1"))
    # once per item, whatever the category
    with pytest.raises(Conflict), store.write() as tx:
        tx.reports.add(tenant_id=a.id, item_id="itm_1", report=_Report("u1", category="spam"))
    with store.read() as tx:
        assert tx.reports.by_reporter(tenant_id=a.id, item_id="itm_1", reporter_id="u2") is None
        assert tx.reports.unsettled(tenant_id=a.id, item_id="itm_1") == [first]
        assert tx.reports.get(tenant_id=a.id, report_id=first.id) == first
        assert tx.reports.get(tenant_id=b.id, report_id=first.id) is None
        assert tx.reports.by_reporter(tenant_id=a.id, item_id="itm_1", reporter_id="u1") == first
        assert tx.reports.by_reporter(tenant_id=b.id, item_id="itm_1", reporter_id="u1") is None
    # the same reporter may report another item, and another tenant's item
    with store.write() as tx:
        tx.reports.add(tenant_id=a.id, item_id="itm_2", report=_Report("u1"))
        tx.reports.add(tenant_id=b.id, item_id="itm_3", report=_Report("u1"))


def test_reporters_ignores_anonymous_reports_and_counts_per_category(
    store: Store,
) -> None:
    insult, spam = "toxicity/insult", "spam"
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")
        b, _ = tenants.create(tx, slug="b")
        _add_item(tx, a.id, "itm_1")
        _add_item(tx, a.id, "itm_2")
        for _ in range(3):  # anonymous reports may repeat, and never count
            tx.reports.add(
                tenant_id=a.id,
                item_id="itm_1",
                report=_Report(None, reporter_kind="anonymous", good_faith=False),
            )
    with store.read() as tx:
        assert tx.reports.reporters(tenant_id=a.id, keys=[("itm_1", insult)]) == {
            ("itm_1", insult): 0
        }
        assert len(tx.reports.unsettled(tenant_id=a.id, item_id="itm_1")) == 3
    with store.write() as tx:
        tx.reports.add(tenant_id=a.id, item_id="itm_1", report=_Report("u1"))
        tx.reports.add(tenant_id=a.id, item_id="itm_1", report=_Report("u2"))
        tx.reports.add(tenant_id=a.id, item_id="itm_1", report=_Report("u3", category=spam))
        tx.reports.add(tenant_id=a.id, item_id="itm_2", report=_Report("u4"))
        # reads inside the writing transaction see its own writes
        assert tx.reports.reporters(tenant_id=a.id, keys=[("itm_1", insult)]) == {
            ("itm_1", insult): 2
        }
    keys = [("itm_1", insult), ("itm_1", spam), ("itm_1", "other"), ("itm_2", insult)]
    with store.read() as tx:
        assert tx.reports.reporters(tenant_id=a.id, keys=keys) == dict(
            zip(keys, [2, 1, 0, 1], strict=True)
        )
        assert tx.reports.reporters(tenant_id=b.id, keys=keys) == dict.fromkeys(keys, 0)
        assert tx.reports.reported(
            tenant_id=a.id, pairs=[("itm_1", "u1"), ("itm_1", "u4"), ("itm_2", "u4")]
        ) == {("itm_1", "u1"), ("itm_2", "u4")}
        assert tx.reports.reported(tenant_id=b.id, pairs=[("itm_1", "u1")]) == set()


def test_add_many_is_all_or_nothing(store: Store) -> None:
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")
        _add_item(tx, a.id, "itm_1")
        tx.reports.add(tenant_id=a.id, item_id="itm_1", report=_Report("u1"))
    with pytest.raises(Conflict), store.write() as tx:
        tx.reports.add_many(
            tenant_id=a.id, reports=[("itm_1", _Report("u2")), ("itm_1", _Report("u1"))]
        )
    with store.read() as tx:
        assert tx.reports.reporters(tenant_id=a.id, keys=[("itm_1", "toxicity/insult")]) == {
            ("itm_1", "toxicity/insult"): 1
        }
        found = tx.items.many(tenant_id=a.id, ids=["itm_1", "nope"], external_ids=["ext-x"])
        assert [i.id for i in found] == ["itm_1"]
        found = tx.items.many(tenant_id=a.id, external_ids=["ext-itm_1"])
        assert [i.id for i in found] == ["itm_1"]
        assert tx.items.many(tenant_id="other", ids=["itm_1"], external_ids=["ext-itm_1"]) == []


def test_reports_settle(store: Store) -> None:
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")
        b, _ = tenants.create(tx, slug="b")
        _add_item(tx, a.id, "itm_1")
        _add_item(tx, a.id, "itm_2")
        r1 = tx.reports.add(tenant_id=a.id, item_id="itm_1", report=_Report("u1"))
        r2 = tx.reports.add(tenant_id=a.id, item_id="itm_1", report=_Report(None))
        r3 = tx.reports.add(tenant_id=a.id, item_id="itm_1", report=_Report("u3", category="spam"))
        other = tx.reports.add(tenant_id=a.id, item_id="itm_2", report=_Report("u1"))
        tx.decisions.add(record=_decision("dec_1", a.id, "itm_1"))
    with store.read() as tx:
        assert [r.id for r in tx.reports.unsettled(tenant_id=a.id, item_id="itm_1")] == [
            r1.id,
            r2.id,
            r3.id,
        ]
        assert tx.reports.unsettled(tenant_id=b.id, item_id="itm_1") == []
    before = utcnow()
    with store.write() as tx:
        tx.reports.settle(tenant_id=a.id, report_ids=[r1.id, r2.id], decision_id="dec_1")
        tx.reports.settle(tenant_id=b.id, report_ids=[r3.id], decision_id="dec_1")  # not b's
        tx.reports.settle(tenant_id=a.id, report_ids=[], decision_id="dec_1")
    with store.read() as tx:
        assert tx.reports.unsettled(tenant_id=a.id, item_id="itm_1") == [r3]
        assert tx.reports.unsettled(tenant_id=a.id, item_id="itm_2") == [other]
        for report in (r1, r2):
            settled = tx.reports.get(tenant_id=a.id, report_id=report.id)
            assert settled is not None and settled.decision_id == "dec_1"
            assert settled.outcome_at is not None and settled.outcome_at >= before
            assert replace(settled, decision_id=None, outcome_at=None) == report


def test_reports_between(store: Store) -> None:
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")
        b, _ = tenants.create(tx, slug="b")
        _add_item(tx, a.id, "itm_1")
        _add_item(tx, b.id, "itm_2")
    start = utcnow()
    with store.write() as tx:
        r1 = tx.reports.add(tenant_id=a.id, item_id="itm_1", report=_Report("u1"))
    with store.write() as tx:
        r2 = tx.reports.add(tenant_id=a.id, item_id="itm_1", report=_Report("u2"))
        tx.reports.add(tenant_id=b.id, item_id="itm_2", report=_Report("u1"))
    end = utcnow() + timedelta(seconds=1)
    with store.read() as tx:
        assert tx.reports.between(tenant_id=a.id, start=start, end=end) == [r1, r2]
        # [start, end): the start is in, the end is out
        assert tx.reports.between(tenant_id=a.id, start=r2.created_at, end=end) == [r2]
        if r1.created_at < r2.created_at:
            assert tx.reports.between(tenant_id=a.id, start=start, end=r2.created_at) == [r1]
        assert tx.reports.between(tenant_id=a.id, start=end, end=end + timedelta(days=1)) == []
        assert [r.item_id for r in tx.reports.between(tenant_id=b.id, start=start, end=end)] == [
            "itm_2"
        ]


def test_decisions(store: Store) -> None:
    d1, d2, d3, d4, d5 = _ids("dec", 5)
    t0 = utcnow().replace(microsecond=123456) - timedelta(hours=3)
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")
        b, _ = tenants.create(tx, slug="b")
        _add_item(tx, a.id, "itm_1", author_id="u1")
        _add_item(tx, a.id, "itm_2", author_id="u1")
        _add_item(tx, b.id, "itm_3", author_id="u1")
        first = _decision(d1, a.id, "itm_1", created_at=t0)
        second = _decision(d2, a.id, "itm_1", created_at=t0 + timedelta(hours=1))
        account = _decision(d3, a.id, None, created_at=t0 + timedelta(hours=2))
        elsewhere = _decision(d4, a.id, "itm_2", author_id="u2", created_at=t0)
        theirs = _decision(d5, b.id, "itm_3", created_at=t0)
        for record in (second, first, account, elsewhere, theirs):  # not in id order
            tx.decisions.add(record=record)
    with store.read() as tx:
        assert tx.decisions.get(tenant_id=a.id, decision_id=d1) == first
        assert tx.decisions.get(tenant_id=b.id, decision_id=d1) is None
        assert tx.decisions.current(tenant_id=a.id, item_id="itm_1") == second
        assert tx.decisions.current(tenant_id=b.id, item_id="itm_1") is None
        assert tx.decisions.for_item(tenant_id=a.id, item_id="itm_1") == [first, second]
        assert tx.decisions.for_item(tenant_id=b.id, item_id="itm_1") == []
        assert tx.decisions.for_author(tenant_id=a.id, author_id="u1") == [first, second, account]
        assert tx.decisions.for_author(tenant_id=b.id, author_id="u1") == [theirs]
        between = tx.decisions.between
        day = timedelta(days=1)
        assert between(tenant_id=a.id, start=t0 - day, end=t0 + day) == [
            first,
            second,
            account,
            elsewhere,
        ]
        assert between(tenant_id=a.id, start=t0, end=t0 + timedelta(hours=2)) == [
            first,
            second,
            elsewhere,
        ]
        assert between(tenant_id=a.id, start=second.created_at, end=t0 + day) == [second, account]
        assert between(tenant_id=b.id, start=t0 - day, end=t0 + day) == [theirs]
    with store.write() as tx:
        tx.decisions.set_state(tenant_id=b.id, decision_id=d2, state="reversed")  # not b's
    with store.read() as tx:
        assert tx.decisions.current(tenant_id=a.id, item_id="itm_1") == second
    with store.write() as tx:
        tx.decisions.set_state(tenant_id=a.id, decision_id=d2, state="reversed")
    with store.read() as tx:
        assert tx.decisions.current(tenant_id=a.id, item_id="itm_1") == first
        assert tx.decisions.get(tenant_id=a.id, decision_id=d2) == replace(second, state="reversed")
    with store.write() as tx:
        tx.decisions.set_state(tenant_id=a.id, decision_id=d1, state="superseded")
    with store.read() as tx:
        assert tx.decisions.current(tenant_id=a.id, item_id="itm_1") is None
        assert [d.state for d in tx.decisions.for_item(tenant_id=a.id, item_id="itm_1")] == [
            "superseded",
            "reversed",
        ]


def test_appeals(store: Store) -> None:
    ap1, ap2, ap3 = _ids("apl", 3)
    t0 = utcnow() - timedelta(hours=3)
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")
        b, _ = tenants.create(tx, slug="b")
        _add_item(tx, a.id, "itm_1", author_id="u1")
        _add_item(tx, b.id, "itm_2", author_id="u1")
        tx.decisions.add(record=_decision("dec_1", a.id, "itm_1"))
        tx.decisions.add(record=_decision("dec_2", a.id, "itm_1"))
        tx.decisions.add(record=_decision("dec_3", b.id, "itm_2"))
        first = _appeal(ap1, a.id, "dec_1", created_at=t0)
        second = _appeal(ap2, a.id, "dec_1", created_at=t0 + timedelta(hours=1))
        theirs = _appeal(ap3, b.id, "dec_3", created_at=t0)
        for record in (second, theirs, first):
            tx.appeals.add(record=record)
    with store.read() as tx:
        assert tx.appeals.get(tenant_id=a.id, appeal_id=ap1) == first
        assert tx.appeals.get(tenant_id=b.id, appeal_id=ap1) is None
        assert tx.appeals.for_decision(tenant_id=a.id, decision_id="dec_1") == [first, second]
        assert tx.appeals.for_decision(tenant_id=a.id, decision_id="dec_2") == []
        assert tx.appeals.for_decision(tenant_id=b.id, decision_id="dec_1") == []
        day = timedelta(days=1)
        assert tx.appeals.between(tenant_id=a.id, start=t0 - day, end=t0 + day) == [first, second]
        assert tx.appeals.between(tenant_id=a.id, start=t0, end=second.created_at) == [first]
        assert tx.appeals.between(tenant_id=b.id, start=t0 - day, end=t0 + day) == [theirs]
    before = utcnow()
    with store.write() as tx:
        for tenant in (b, a):  # b's attempt must change nothing
            tx.appeals.decide(
                tenant_id=tenant.id,
                appeal_id=ap1,
                status="reversed" if tenant is a else "upheld",
                decided_by=f"mod_{tenant.slug}",
                reasons="on review, satire",
                outcome_decision_id="dec_2" if tenant is a else None,
            )
    with store.read() as tx:
        decided = tx.appeals.get(tenant_id=a.id, appeal_id=ap1)
        assert decided is not None and decided.decided_at is not None
        assert decided.decided_at >= before
        assert decided == replace(
            first,
            status="reversed",
            decided_by="mod_a",
            outcome_reasons="on review, satire",
            outcome_decision_id="dec_2",
            decided_at=decided.decided_at,
        )
        assert tx.appeals.get(tenant_id=a.id, appeal_id=ap2) == second


def test_strikes(store: Store) -> None:
    expires = utcnow().replace(microsecond=0) + timedelta(days=90)
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")
        b, _ = tenants.create(tx, slug="b")
        _add_item(tx, a.id, "itm_1", author_id="u1")
        _add_item(tx, b.id, "itm_2", author_id="u1")
        for decision_id, tenant, item in (("dec_1", a, "itm_1"), ("dec_2", a, "itm_1")):
            tx.decisions.add(record=_decision(decision_id, tenant.id, item))
        tx.decisions.add(record=_decision("dec_3", b.id, "itm_2"))
        tx.strikes.add(tenant_id=a.id, author_id="u1", decision_id="dec_1", expires_at=expires)
        tx.strikes.add(tenant_id=a.id, author_id="u1", decision_id="dec_2", expires_at=expires)
        tx.strikes.add(tenant_id=a.id, author_id="u2", decision_id="dec_2", expires_at=expires)
        tx.strikes.add(tenant_id=b.id, author_id="u1", decision_id="dec_3", expires_at=expires)
    with store.read() as tx:
        mine = tx.strikes.for_author(tenant_id=a.id, author_id="u1")
        assert [s.decision_id for s in mine] == ["dec_1", "dec_2"]
        assert mine[0].id < mine[1].id
        assert all(s.expires_at == expires and s.lifted_at is None for s in mine)
        assert [s.decision_id for s in tx.strikes.for_author(tenant_id=b.id, author_id="u1")] == [
            "dec_3"
        ]
        assert tx.strikes.for_author(tenant_id=a.id, author_id="u3") == []
    with store.write() as tx:
        tx.strikes.lift(tenant_id=b.id, decision_id="dec_1")  # not b's
        tx.strikes.lift(tenant_id=a.id, decision_id="dec_2")
    with store.read() as tx:
        once = tx.strikes.for_author(tenant_id=a.id, author_id="u1")
        assert once[0] == mine[0]
        assert once[1].lifted_at is not None and replace(once[1], lifted_at=None) == mine[1]
        (other,) = tx.strikes.for_author(tenant_id=a.id, author_id="u2")
        assert other.lifted_at == once[1].lifted_at
        assert tx.strikes.for_author(tenant_id=b.id, author_id="u1")[0].lifted_at is None
    with store.write() as tx:  # lifting again keeps the first lifting's time
        tx.strikes.lift(tenant_id=a.id, decision_id="dec_2")
    with store.read() as tx:
        assert tx.strikes.for_author(tenant_id=a.id, author_id="u1") == once


def test_items_for_author_and_erase(store: Store) -> None:
    i1, i2, i3, i4, i5 = _ids("itm", 5)
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")
        b, _ = tenants.create(tx, slug="b")
        for item_id in (i2, i1, i3):
            _add_item(tx, a.id, item_id, author_id="u1")
        _add_item(tx, a.id, i4, author_id="u2")
        _add_item(tx, b.id, i5, author_id="u1")
    with store.read() as tx:
        newest = tx.items.for_author(tenant_id=a.id, author_id="u1", limit=2)
        assert [i.id for i in newest] == [i3, i2]
        every = tx.items.for_author(tenant_id=a.id, author_id="u1", limit=10)
        assert [i.id for i in every] == [i3, i2, i1]
        assert [i.id for i in tx.items.for_author(tenant_id=b.id, author_id="u1", limit=10)] == [i5]
        assert tx.items.for_author(tenant_id=a.id, author_id="u9", limit=10) == []
        original = tx.items.get(tenant_id=a.id, item_id=i1)
    assert original is not None and original.erased_at is None
    erased_parts = [{"kind": "text", "erased": True, "digest": "1" * 64}]
    before = utcnow()
    with store.write() as tx:
        tx.items.erase(tenant_id=b.id, item_id=i1, parts=erased_parts)  # not b's
    with store.read() as tx:
        assert tx.items.get(tenant_id=a.id, item_id=i1) == original
    with store.write() as tx:
        tx.items.erase(tenant_id=a.id, item_id=i1, parts=erased_parts)
    with store.read() as tx:
        erased = tx.items.get(tenant_id=a.id, item_id=i1)
        assert erased is not None and erased.erased_at is not None
        assert erased.erased_at >= before
        assert erased == replace(original, parts=tuple(erased_parts), erased_at=erased.erased_at)
        untouched = tx.items.get(tenant_id=a.id, item_id=i2)
        assert untouched is not None and untouched.erased_at is None


def test_items_hold_their_media_until_erased(store: Store) -> None:
    photo, original = "a" * 64, "b" * 64
    i1, i2, i3 = _ids("itm", 3)
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")
        b, _ = tenants.create(tx, slug="b")
        for tenant, item_id, media in ((a, i1, [photo, original]), (a, i2, [photo]), (b, i3, [])):
            tx.items.add(
                tenant_id=tenant.id,
                item_id=item_id,
                external_id=item_id,
                author_id=None,
                author_locale=None,
                content_date=None,
                context_url=None,
                parts=[{"kind": "text", "text": f"{original} is only words"}],
                content_digest="0" * 64,
                media=media,
            )
    with store.read() as tx:
        assert tx.items.holding_media(tenant_id=a.id, digest=photo) == 2
        assert tx.items.holding_media(tenant_id=a.id, digest=original) == 1
        assert tx.items.holding_media(tenant_id=b.id, digest=original) == 0, "words hold nothing"
    with store.write() as tx:
        tx.items.erase(tenant_id=b.id, item_id=i1, parts=[])  # not b's
    with store.read() as tx:
        assert tx.items.holding_media(tenant_id=a.id, digest=original) == 1
    with store.write() as tx:
        tx.items.erase(tenant_id=a.id, item_id=i1, parts=[])
    with store.read() as tx:
        assert tx.items.holding_media(tenant_id=a.id, digest=photo) == 1
        assert tx.items.holding_media(tenant_id=a.id, digest=original) == 0


def test_webhooks_rotate(store: Store) -> None:
    until = utcnow().replace(microsecond=0) + timedelta(days=1)
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")
        b, _ = tenants.create(tx, slug="b")
        hook = tx.webhooks.add(
            tenant_id=a.id, url="https://example.test/h", secret="s1", events=["*"]
        )
    assert hook.previous_secret is None and hook.previous_secret_until is None
    with store.write() as tx:
        assert (
            tx.webhooks.rotate(tenant_id=b.id, webhook_id=hook.id, secret="x", previous_until=until)
            is None
        )
        assert (
            tx.webhooks.rotate(
                tenant_id=a.id, webhook_id="whk_none", secret="x", previous_until=until
            )
            is None
        )
    with store.read() as tx:
        assert tx.webhooks.list(tenant_id=a.id) == [hook]
    with store.write() as tx:
        rotated = tx.webhooks.rotate(
            tenant_id=a.id, webhook_id=hook.id, secret="s2", previous_until=until
        )
    assert rotated == replace(hook, secret="s2", previous_secret="s1", previous_secret_until=until)
    later = until + timedelta(days=1)
    with store.write() as tx:
        tx.webhooks.rotate(tenant_id=a.id, webhook_id=hook.id, secret="s3", previous_until=later)
    with store.read() as tx:
        assert tx.webhooks.list(tenant_id=a.id) == [
            replace(hook, secret="s3", previous_secret="s2", previous_secret_until=later)
        ]
        assert tx.webhooks.list(tenant_id=b.id) == []


def _example(tenant_id: str, text: str, item_id: str | None = None) -> ExampleRecord:
    return ExampleRecord(
        id=new_id("exm"),
        tenant_id=tenant_id,
        text=text,
        language=None,
        category="spam" if item_id else "custom/crypto",
        violating=True,
        source="decision" if item_id else "api",
        item_id=item_id,
        decision_id=None,
        created_at=utcnow(),
    )


def test_examples_page_forget_and_remove(store: Store) -> None:
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")
        b, _ = tenants.create(tx, slug="b")
        made = [_example(a.id, t, item) for t, item in [("1", None), ("2", "itm_1"), ("3", None)]]
        made.sort(key=lambda e: e.id)  # ids made in the same millisecond sort at random
        for record in [*made, _example(b.id, "theirs")]:
            tx.examples.add(record=record)
    with store.read() as tx:
        page = tx.examples.page(tenant_id=a.id, category=None, after=None, limit=2)
        assert page == made[:2]
        assert tx.examples.page(tenant_id=a.id, category=None, after=page[-1].id, limit=5) == [
            made[2]
        ]
        custom = tx.examples.page(tenant_id=a.id, category="custom/crypto", after=None, limit=5)
        assert sorted(e.text for e in custom) == ["1", "3"]
        assert tx.examples.get(tenant_id=b.id, example_id=made[0].id) is None
    with store.write() as tx:
        assert tx.examples.forget_item(tenant_id=b.id, item_id="itm_1") == 0
        assert tx.examples.forget_item(tenant_id=a.id, item_id="itm_1") == 1
        first_api = next(e for e in made if e.item_id is None)
        assert not tx.examples.remove(tenant_id=b.id, example_id=first_api.id)
        assert tx.examples.remove(tenant_id=a.id, example_id=first_api.id)
    with store.read() as tx:
        left = tx.examples.page(tenant_id=a.id, category=None, after=None, limit=5)
        assert left == [e for e in made if e.item_id is None and e is not first_api]


def test_link_rules_are_tenant_scoped_and_idempotent(store: Store) -> None:
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")
        b, _ = tenants.create(tx, slug="b")
        assert links.add_rule(
            tx, tenant_id=a.id, list_name="block", pattern="Spam-Site.NET", category=None
        ) == ("spam-site.net", True)
        assert links.add_rule(
            tx, tenant_id=a.id, list_name="block", pattern="spam-site.net", category=None
        ) == ("spam-site.net", False)
        assert links.add_rule(
            tx, tenant_id=a.id, list_name="block", pattern="spam-site.net", category="scam"
        ) == ("spam-site.net", True)
        links.add_rule(tx, tenant_id=a.id, list_name="allow", pattern="*.ok.org", category=None)
    with store.read() as tx:
        rules = [(r.list, r.pattern, r.category) for r in tx.link_rules.list(tenant_id=a.id)]
        assert rules == [("allow", "*.ok.org", None), ("block", "spam-site.net", "scam")]
        assert tx.link_rules.list(tenant_id=b.id) == []
    with store.write() as tx:
        assert not links.remove_rule(tx, tenant_id=b.id, list_name="block", pattern="spam-site.net")
        assert links.remove_rule(
            tx, tenant_id=a.id, list_name="block", pattern="https://SPAM-site.net"
        )
    with store.read() as tx:
        assert [r.pattern for r in tx.link_rules.list(tenant_id=a.id)] == ["*.ok.org"]


def test_fingerprints_are_found_by_key_within_the_window_and_tenant(store: Store) -> None:
    now = utcnow()
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")
        b, _ = tenants.create(tx, slug="b")
        for i, (tenant, keys, age) in enumerate(
            [(a, [1, 2], 10), (a, [2, 3], 2000), (a, [4], 10), (b, [1, 2], 10), (a, [1], 5)]
        ):
            tx.fingerprints.add(
                tenant_id=tenant.id,
                item_id=f"itm_{i}",
                author_id=f"acct-{i}" if i != 4 else None,
                signature=f"sig{i}",
                keys=keys,
                created_at=now - timedelta(seconds=age),
            )
    since = now - timedelta(seconds=600)
    with store.read() as tx:
        found = tx.fingerprints.candidates(
            tenant_id=a.id, keys=[1, 2, 3], since=since, exclude_item=None, limit=10
        )
        assert [(f.item_id, f.author_id, f.signature) for f in found] == [
            ("itm_0", "acct-0", "sig0"),
            ("itm_4", None, "sig4"),
        ]
        assert found[0].created_at.tzinfo is not None
        assert [
            f.item_id
            for f in tx.fingerprints.candidates(
                tenant_id=a.id, keys=[1, 2], since=since, exclude_item="itm_0", limit=10
            )
        ] == ["itm_4"]
        assert (
            len(
                tx.fingerprints.candidates(
                    tenant_id=a.id, keys=[1, 2], since=since, exclude_item=None, limit=1
                )
            )
            == 1
        )
    with store.write() as tx:
        assert tx.fingerprints.prune(tenant_id=a.id, before=since) == 1
        tx.fingerprints.forget(tenant_id=a.id, item_id="itm_0")
    with store.read() as tx:
        assert [
            f.item_id
            for f in tx.fingerprints.candidates(
                tenant_id=a.id,
                keys=[1, 2, 3, 4],
                since=now - timedelta(days=1),
                exclude_item=None,
                limit=10,
            )
        ] == ["itm_2", "itm_4"]
        assert [
            f.item_id
            for f in tx.fingerprints.candidates(
                tenant_id=b.id, keys=[1], since=since, exclude_item=None, limit=10
            )
        ] == ["itm_3"]


def test_text_heads_are_replaced_whole_and_kept_per_tenant(store: Store) -> None:
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")
        b, _ = tenants.create(tx, slug="b")

    def heads(version: str) -> TextHeadsRecord:
        return TextHeadsRecord(
            tenant_id=a.id,
            version=version,
            categories=("spam", "custom/crypto"),
            report={"examples": {"spam": 12}},
            weights=bytes(range(256)) * 4,
            trained_at=utcnow(),
        )

    with store.write() as tx:
        tx.text_heads.put(record=heads("v1"))
        tx.text_heads.put(record=heads("v2"))
    with store.read() as tx:
        got = tx.text_heads.get(tenant_id=a.id)
        assert got is not None and got.version == "v2"
        assert got.weights == bytes(range(256)) * 4 and got.report == {"examples": {"spam": 12}}
        assert got.categories == ("spam", "custom/crypto")
        assert tx.text_heads.get(tenant_id=b.id) is None
    with store.write() as tx:
        assert not tx.text_heads.clear(tenant_id=b.id)
        assert tx.text_heads.clear(tenant_id=a.id)
    with store.read() as tx:
        assert tx.text_heads.get(tenant_id=a.id) is None


def test_text_heads_put_by_several_trainings_at_once_keep_one_whole(store: Store) -> None:
    with store.write() as tx:
        a, _ = tenants.create(tx, slug="a")

    def put(n: int) -> None:
        record = TextHeadsRecord(
            tenant_id=a.id,
            version=f"v{n}",
            categories=("spam",),
            report={"run": n},
            weights=bytes([n]) * 64,
            trained_at=utcnow(),
        )
        with store.write() as tx:
            tx.text_heads.put(record=record)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(put, range(8)))
    with store.read() as tx:
        got = tx.text_heads.get(tenant_id=a.id)
    assert got is not None
    n = int(got.version[1:])
    assert (got.report, got.weights) == ({"run": n}, bytes([n]) * 64), "one training, whole"
