"""The in-memory store of `tamis.testing` and the SQL store keep the same contract."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tamis.errors import Conflict
from tamis.services import keys, lexicon, policies, tenants
from tamis.store.interfaces import Store
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
