"""SQL repositories for links: tenants' link rules and the near-duplicate fingerprint index.

The fingerprint look-up runs on every stored item, so it is one indexed query: the band keys
of the new item against the primary key of `fingerprint_keys` (tenant, key, fingerprint),
then at most `limit` of those signatures within the window. The window is checked on
`fingerprints`, not on the keys, so that no planner prefers the keys' time index (which would
read every key of the window). Rows older than the window are deleted as new
ones arrive, so the index holds one window of traffic, not the platform's history.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from tamis.ids import utcnow
from tamis.store import interfaces as ports
from tamis.store.sql import models as m
from tamis.store.sql.upsert import delete_rows, upsert

_fp = m.Base.metadata.tables[m.Fingerprint.__tablename__]
_keys = m.Base.metadata.tables[m.FingerprintKey.__tablename__]
_rules = m.Base.metadata.tables[m.LinkRule.__tablename__]
_INSERT_FP = insert(_fp).returning(_fp.c.id)
_INSERT_KEY = insert(_keys)
_CANDIDATES = (
    select(_fp.c.item_id, _fp.c.author_id, _fp.c.signature, _fp.c.created_at)
    .where(
        _fp.c.id.in_(
            select(_keys.c.fingerprint_id).where(
                _keys.c.tenant_id == bindparam("tenant_id"),
                _keys.c.key.in_(bindparam("keys", expanding=True)),
            )
        ),
        _fp.c.created_at >= bindparam("since"),
        _fp.c.item_id != bindparam("exclude"),
    )
    .order_by(_fp.c.created_at)
    .limit(bindparam("limit"))
)


class SqlLinkRules:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, *, tenant_id: str, list: str, pattern: str, category: str | None) -> bool:
        row = {"tenant_id": tenant_id, "list": list, "pattern": pattern, "category": category}
        return upsert(
            self.s,
            _rules,
            {**row, "created_at": utcnow()},
            key=("tenant_id", "list", "pattern"),
            update=("category",),
        )

    def remove(self, *, tenant_id: str, list: str, pattern: str) -> bool:
        return (
            delete_rows(
                self.s,
                _rules,
                _rules.c.tenant_id == tenant_id,
                _rules.c.list == list,
                _rules.c.pattern == pattern,
            )
            > 0
        )

    def list(self, *, tenant_id: str) -> Sequence[ports.LinkRuleRecord]:
        rows = self.s.scalars(
            select(m.LinkRule)
            .where(m.LinkRule.tenant_id == tenant_id)
            .order_by(m.LinkRule.list, m.LinkRule.pattern)
        )
        return [ports.LinkRuleRecord(r.list, r.pattern, r.category, r.created_at) for r in rows]


class SqlFingerprints:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(
        self,
        *,
        tenant_id: str,
        item_id: str,
        author_id: str | None,
        signature: str,
        keys: Sequence[int],
        created_at: datetime,
    ) -> None:
        fingerprint_id = self.s.execute(
            _INSERT_FP,
            {
                "tenant_id": tenant_id,
                "item_id": item_id,
                "author_id": author_id,
                "signature": signature,
                "created_at": created_at,
            },
        ).scalar_one()
        self.s.execute(
            _INSERT_KEY,
            [
                {
                    "tenant_id": tenant_id,
                    "key": key,
                    "fingerprint_id": fingerprint_id,
                    "created_at": created_at,
                }
                for key in sorted(set(keys))
            ],
        )

    def candidates(
        self,
        *,
        tenant_id: str,
        keys: Sequence[int],
        since: datetime,
        exclude_item: str | None,
        limit: int,
    ) -> Sequence[ports.FingerprintRecord]:
        rows = self.s.execute(
            _CANDIDATES,
            {
                "tenant_id": tenant_id,
                "keys": list(keys),
                "since": since,
                "exclude": exclude_item or "",
                "limit": limit,
            },
        )
        return [ports.FingerprintRecord(*row) for row in rows]

    def prune(self, *, tenant_id: str, before: datetime) -> int:
        delete_rows(self.s, _keys, _keys.c.tenant_id == tenant_id, _keys.c.created_at < before)
        return delete_rows(self.s, _fp, _fp.c.tenant_id == tenant_id, _fp.c.created_at < before)

    def forget(self, *, tenant_id: str, item_id: str) -> None:
        ids = select(_fp.c.id).where(_fp.c.tenant_id == tenant_id, _fp.c.item_id == item_id)
        self.s.execute(
            delete(_keys).where(_keys.c.tenant_id == tenant_id, _keys.c.fingerprint_id.in_(ids))
        )
        self.s.execute(delete(_fp).where(_fp.c.tenant_id == tenant_id, _fp.c.item_id == item_id))
