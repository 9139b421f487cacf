"""SQL repositories for what tenants teach: labelled examples and the heads trained on them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from tamis.store import interfaces as ports
from tamis.store.sql import models as m
from tamis.store.sql.upsert import delete_rows, insert_for

_examples = m.Base.metadata.tables[m.Example.__tablename__]
_heads = m.Base.metadata.tables[m.TextHeads.__tablename__]


def _record(row: m.Example) -> ports.ExampleRecord:
    return ports.ExampleRecord(
        id=row.id,
        tenant_id=row.tenant_id,
        text=row.text,
        language=row.language,
        category=row.category,
        violating=row.violating,
        source=row.source,
        item_id=row.item_id,
        decision_id=row.decision_id,
        created_at=row.created_at,
    )


class SqlExamples:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, *, record: ports.ExampleRecord) -> None:
        self.s.add(m.Example(**{f: getattr(record, f) for f in ports.ExampleRecord.__slots__}))
        self.s.flush()

    def get(self, *, tenant_id: str, example_id: str) -> ports.ExampleRecord | None:
        row = self.s.get(m.Example, example_id)
        return _record(row) if row is not None and row.tenant_id == tenant_id else None

    def remove(self, *, tenant_id: str, example_id: str) -> bool:
        return (
            delete_rows(
                self.s, _examples, _examples.c.tenant_id == tenant_id, _examples.c.id == example_id
            )
            > 0
        )

    def forget_item(self, *, tenant_id: str, item_id: str) -> int:
        return delete_rows(
            self.s, _examples, _examples.c.tenant_id == tenant_id, _examples.c.item_id == item_id
        )

    def page(
        self, *, tenant_id: str, category: str | None, after: str | None, limit: int
    ) -> Sequence[ports.ExampleRecord]:
        query = select(m.Example).where(m.Example.tenant_id == tenant_id)
        if category is not None:
            query = query.where(m.Example.category == category)
        if after is not None:
            query = query.where(m.Example.id > after)
        rows = self.s.scalars(query.order_by(m.Example.id).limit(limit))
        return [_record(r) for r in rows]


class SqlTextHeads:
    def __init__(self, session: Session) -> None:
        self.s = session

    def get(self, *, tenant_id: str) -> ports.TextHeadsRecord | None:
        row = self.s.get(m.TextHeads, tenant_id)
        if row is None:
            return None
        return ports.TextHeadsRecord(
            tenant_id=row.tenant_id,
            version=row.version,
            categories=tuple(row.categories),
            report=row.report,
            weights=row.weights,
            trained_at=row.trained_at,
        )

    def put(self, *, record: ports.TextHeadsRecord) -> None:
        # One statement, so that trainings finishing at once replace each other whole
        # instead of both inserting after both found nothing.
        values = {
            "tenant_id": record.tenant_id,
            "version": record.version,
            "categories": list(record.categories),
            "report": record.report,
            "weights": record.weights,
            "trained_at": record.trained_at,
        }
        stmt = insert_for(self.s)(_heads).values(**values)
        replaced = {c: stmt.excluded[c] for c in values if c != "tenant_id"}
        self.s.execute(stmt.on_conflict_do_update(index_elements=["tenant_id"], set_=replaced))

    def clear(self, *, tenant_id: str) -> bool:
        return delete_rows(self.s, _heads, _heads.c.tenant_id == tenant_id) > 0
