"""Sealing and reading the events table (the SQL side of `tamis.audit`).

One sealer at a time: SQLite's `BEGIN IMMEDIATE` already serialises writers, PostgreSQL takes
a transaction-scoped advisory lock. Unsealed events are linked in id order; an event whose
transaction committed late simply joins the chain at the next pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.orm import Session

from tamis.audit.chain import GENESIS, link
from tamis.store.interfaces import EventRecord
from tamis.store.sql import models as m
from tamis.store.sql.engine import Engines

_SEALER_LOCK = 0x7A415553  # an arbitrary constant naming the sealer's advisory lock
_SEAL = (
    update(m.Event.__table__)  # type: ignore[arg-type]
    .where(m.Event.__table__.c.id == bindparam("b_id"))
    .values(seq=bindparam("seq"), prev_hash=bindparam("prev_hash"), hash=bindparam("hash"))
)


def _event(row: m.Event) -> EventRecord:
    return EventRecord(
        id=row.id,
        tenant_id=row.tenant_id,
        type=row.type,
        subject=row.subject,
        digest=row.digest,
        data=row.data,
        created_at=row.created_at,
        seq=row.seq,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class SqlAuditLog:
    def __init__(self, engines: Engines) -> None:
        self.engines = engines

    def seal(self, *, limit: int = 5000) -> int:
        """Link up to `limit` unsealed events into the chain; returns how many."""
        with self.engines.transaction() as s:
            if not self.engines.is_sqlite:
                s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SEALER_LOCK})
            head = s.execute(
                select(m.Event.seq, m.Event.hash)
                .where(m.Event.seq.is_not(None))
                .order_by(m.Event.seq.desc())
                .limit(1)
            ).first()
            seq: int = (head[0] or 0) if head else 0
            prev: str = (head[1] or GENESIS) if head else GENESIS
            rows = s.scalars(
                select(m.Event).where(m.Event.seq.is_(None)).order_by(m.Event.id).limit(limit)
            ).all()
            links = []
            for row in rows:
                seq += 1
                digest = link(prev, _event(row), seq)
                links.append({"b_id": row.id, "seq": seq, "prev_hash": prev, "hash": digest})
                prev = digest
            s.expunge_all()  # the rows are updated below in one statement, not one by one
            if links:
                s.connection().execute(_SEAL, links)
            return len(links)

    def sealed(self, *, batch: int = 2000) -> Iterator[EventRecord]:
        """Every sealed event in chain order, read in batches."""
        after = 0
        while True:
            with Session(self.engines.read) as s:
                rows = s.scalars(
                    select(m.Event).where(m.Event.seq > after).order_by(m.Event.seq).limit(batch)
                ).all()
                records = [_event(r) for r in rows]
            if not records:
                return
            yield from records
            after = records[-1].seq or after

    def at(self, *, seq: int) -> EventRecord | None:
        with Session(self.engines.read) as s:
            row = s.scalar(select(m.Event).where(m.Event.seq == seq))
            return _event(row) if row else None

    def unsealed(self) -> int:
        with Session(self.engines.read) as s:
            return s.scalar(select(func.count()).where(m.Event.seq.is_(None))) or 0
