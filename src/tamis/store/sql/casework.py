"""SQL repositories for casework: reports, decisions, appeals and strikes.

Filing a report is the hot path (a viral story brings thousands a second), so the queries it
runs are Core statements built once, here, with bound parameters: SQLAlchemy compiles each
once and reuses it, and rows become records without loading ORM objects. The rest of
casework is rare and stays in plain ORM form.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tamis.errors import Conflict
from tamis.ids import new_id, utcnow
from tamis.store import interfaces as ports
from tamis.store.sql import models as m

R = TypeVar("R")


def _row(record: Any) -> dict[str, Any]:
    """A record's fields as a row (`dataclasses.asdict` deep-copies every value: slow)."""
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def _record(cls: type[R], row: Any) -> R:
    """A frozen record from a row with the same field names."""
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    return cls(**{name: getattr(row, name) for name in names})


_reports = m.Base.metadata.tables[m.Report.__tablename__]
_report = _reports.c
_decision = m.Base.metadata.tables[m.Decision.__tablename__].c
_INSERT_REPORT = insert(_reports)
_BY_REPORTER = select(*_report).where(
    _report.tenant_id == bindparam("tenant_id"),
    _report.item_id == bindparam("item_id"),
    _report.reporter_id == bindparam("reporter_id"),
)
_CURRENT_DECISION = (
    select(*_decision)
    .where(
        _decision.tenant_id == bindparam("tenant_id"),
        _decision.item_id == bindparam("item_id"),
        _decision.state == "in_force",
    )
    .order_by(_decision.id.desc())
    .limit(1)
)


class _Repo:
    def __init__(self, session: Session) -> None:
        self.s = session


class SqlReports(_Repo):
    def add(self, *, tenant_id: str, item_id: str, report: ports.NewReport) -> ports.ReportRecord:
        return self.add_many(tenant_id=tenant_id, reports=[(item_id, report)])[0]

    def add_many(
        self, *, tenant_id: str, reports: Sequence[tuple[str, ports.NewReport]]
    ) -> list[ports.ReportRecord]:
        """Insert the reports; the unique (tenant, item, reporter) key turns a repeat away.

        Callers that go on after a `Conflict` run this in a savepoint (as the report intake
        does): on PostgreSQL the failed insert spoils the rest of the transaction otherwise.
        """
        now = utcnow()
        records = [
            ports.ReportRecord.new(
                id=new_id("rpt"), tenant_id=tenant_id, item_id=item_id, report=r, created_at=now
            )
            for item_id, r in reports
        ]
        if not records:
            return records
        try:
            self.s.connection().execute(_INSERT_REPORT, [_row(r) for r in records])
        except IntegrityError:
            raise Conflict("this reporter has already reported this item") from None
        return records

    def get(self, *, tenant_id: str, report_id: str) -> ports.ReportRecord | None:
        row = self.s.get(m.Report, report_id)
        return _record(ports.ReportRecord, row) if row and row.tenant_id == tenant_id else None

    def reported(self, *, tenant_id: str, pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        if not pairs:
            return set()
        wanted = set(pairs)
        rows = self.s.connection().execute(  # IN on each column: a search of the unique index
            select(_report.item_id, _report.reporter_id).where(
                _report.tenant_id == tenant_id,
                _report.item_id.in_({item_id for item_id, _ in wanted}),
                _report.reporter_id.in_({reporter_id for _, reporter_id in wanted}),
            )
        )
        return {(item_id, reporter_id) for item_id, reporter_id in rows} & wanted

    def reporters(
        self, *, tenant_id: str, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], int]:
        counts = dict.fromkeys(keys, 0)
        if not counts:
            return counts
        rows = self.s.connection().execute(
            select(_report.item_id, _report.category, func.count(_report.reporter_id))
            .where(
                _report.tenant_id == tenant_id,
                _report.item_id.in_({item_id for item_id, _ in counts}),
                _report.category.in_({category for _, category in counts}),
                _report.reporter_id.is_not(None),
            )
            .group_by(_report.item_id, _report.category)
        )
        for item_id, category, n in rows:
            if (item_id, category) in counts:
                counts[item_id, category] = n
        return counts

    def unsettled(self, *, tenant_id: str, item_id: str) -> Sequence[ports.ReportRecord]:
        rows = self.s.scalars(
            select(m.Report)
            .where(
                m.Report.tenant_id == tenant_id,
                m.Report.item_id == item_id,
                m.Report.outcome_at.is_(None),
            )
            .order_by(m.Report.created_at, m.Report.id)
        )
        return [_record(ports.ReportRecord, r) for r in rows]

    def settle(self, *, tenant_id: str, report_ids: Sequence[str], decision_id: str) -> None:
        if report_ids:
            self.s.execute(
                update(m.Report)
                .where(
                    m.Report.tenant_id == tenant_id,
                    m.Report.id.in_(list(report_ids)),
                    m.Report.outcome_at.is_(None),
                )
                .values(decision_id=decision_id, outcome_at=utcnow())
            )

    def by_reporter(
        self, *, tenant_id: str, item_id: str, reporter_id: str
    ) -> ports.ReportRecord | None:
        params = {"tenant_id": tenant_id, "item_id": item_id, "reporter_id": reporter_id}
        row = self.s.connection().execute(_BY_REPORTER, params).first()
        return _record(ports.ReportRecord, row) if row else None

    def between(
        self, *, tenant_id: str, start: datetime, end: datetime
    ) -> Sequence[ports.ReportRecord]:
        rows = self.s.scalars(
            select(m.Report)
            .where(
                m.Report.tenant_id == tenant_id,
                m.Report.created_at >= start,
                m.Report.created_at < end,
            )
            .order_by(m.Report.created_at, m.Report.id)
        )
        return [_record(ports.ReportRecord, r) for r in rows]


class SqlDecisions(_Repo):
    def add(self, *, record: ports.DecisionRecord) -> None:
        self.s.add(m.Decision(**dataclasses.asdict(record)))
        self.s.flush()

    def get(self, *, tenant_id: str, decision_id: str) -> ports.DecisionRecord | None:
        row = self.s.get(m.Decision, decision_id, populate_existing=True)
        return _record(ports.DecisionRecord, row) if row and row.tenant_id == tenant_id else None

    def lock(self, *, tenant_id: str, decision_id: str) -> None:
        self.s.execute(
            select(m.Decision.id)
            .where(m.Decision.tenant_id == tenant_id, m.Decision.id == decision_id)
            .with_for_update()
        )

    def current(self, *, tenant_id: str, item_id: str) -> ports.DecisionRecord | None:
        params = {"tenant_id": tenant_id, "item_id": item_id}
        row = self.s.connection().execute(_CURRENT_DECISION, params).first()
        return _record(ports.DecisionRecord, row) if row else None

    def in_force(self, *, tenant_id: str, item_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        if not item_ids:
            return {}
        rows = self.s.connection().execute(
            select(_decision.item_id, _decision.visibility, _decision.decided_by)
            .where(
                _decision.tenant_id == tenant_id,
                _decision.item_id.in_(set(item_ids)),
                _decision.state == "in_force",
            )
            .order_by(_decision.id)
        )
        return {item_id: (visibility, by) for item_id, visibility, by in rows}

    def set_state(self, *, tenant_id: str, decision_id: str, state: str) -> None:
        self.s.execute(
            update(m.Decision)
            .where(m.Decision.tenant_id == tenant_id, m.Decision.id == decision_id)
            .values(state=state)
        )

    def for_item(self, *, tenant_id: str, item_id: str) -> Sequence[ports.DecisionRecord]:
        rows = self.s.scalars(
            select(m.Decision)
            .where(m.Decision.tenant_id == tenant_id, m.Decision.item_id == item_id)
            .order_by(m.Decision.id)
        )
        return [_record(ports.DecisionRecord, r) for r in rows]

    def for_author(self, *, tenant_id: str, author_id: str) -> Sequence[ports.DecisionRecord]:
        rows = self.s.scalars(
            select(m.Decision)
            .where(m.Decision.tenant_id == tenant_id, m.Decision.author_id == author_id)
            .order_by(m.Decision.id)
        )
        return [_record(ports.DecisionRecord, r) for r in rows]

    def between(
        self, *, tenant_id: str, start: datetime, end: datetime
    ) -> Sequence[ports.DecisionRecord]:
        rows = self.s.scalars(
            select(m.Decision)
            .where(
                m.Decision.tenant_id == tenant_id,
                m.Decision.created_at >= start,
                m.Decision.created_at < end,
            )
            .order_by(m.Decision.id)
        )
        return [_record(ports.DecisionRecord, r) for r in rows]


class SqlAppeals(_Repo):
    def add(self, *, record: ports.AppealRecord) -> None:
        self.s.add(m.Appeal(**dataclasses.asdict(record)))
        self.s.flush()

    def get(self, *, tenant_id: str, appeal_id: str) -> ports.AppealRecord | None:
        row = self.s.get(m.Appeal, appeal_id, populate_existing=True)
        return _record(ports.AppealRecord, row) if row and row.tenant_id == tenant_id else None

    def for_decision(self, *, tenant_id: str, decision_id: str) -> Sequence[ports.AppealRecord]:
        rows = self.s.scalars(
            select(m.Appeal)
            .where(m.Appeal.tenant_id == tenant_id, m.Appeal.decision_id == decision_id)
            .order_by(m.Appeal.id)
        )
        return [_record(ports.AppealRecord, r) for r in rows]

    def decide(
        self,
        *,
        tenant_id: str,
        appeal_id: str,
        status: str,
        decided_by: str,
        reasons: str,
        outcome_decision_id: str | None,
    ) -> None:
        self.s.execute(
            update(m.Appeal)
            .where(m.Appeal.tenant_id == tenant_id, m.Appeal.id == appeal_id)
            .values(
                status=status,
                decided_by=decided_by,
                outcome_reasons=reasons,
                outcome_decision_id=outcome_decision_id,
                decided_at=utcnow(),
            )
        )

    def between(
        self, *, tenant_id: str, start: datetime, end: datetime
    ) -> Sequence[ports.AppealRecord]:
        rows = self.s.scalars(
            select(m.Appeal)
            .where(
                m.Appeal.tenant_id == tenant_id,
                m.Appeal.created_at >= start,
                m.Appeal.created_at < end,
            )
            .order_by(m.Appeal.id)
        )
        return [_record(ports.AppealRecord, r) for r in rows]


class SqlStrikes(_Repo):
    def add(
        self, *, tenant_id: str, author_id: str, decision_id: str, expires_at: datetime
    ) -> None:
        self.s.add(
            m.Strike(
                tenant_id=tenant_id,
                author_id=author_id,
                decision_id=decision_id,
                created_at=utcnow(),
                expires_at=expires_at,
                lifted_at=None,
            )
        )

    def lift(self, *, tenant_id: str, decision_id: str) -> None:
        self.s.execute(
            update(m.Strike)
            .where(
                m.Strike.tenant_id == tenant_id,
                m.Strike.decision_id == decision_id,
                m.Strike.lifted_at.is_(None),
            )
            .values(lifted_at=utcnow())
        )

    def for_author(self, *, tenant_id: str, author_id: str) -> Sequence[ports.StrikeRecord]:
        rows = self.s.scalars(
            select(m.Strike)
            .where(m.Strike.tenant_id == tenant_id, m.Strike.author_id == author_id)
            .order_by(m.Strike.id)
        )
        return [_record(ports.StrikeRecord, r) for r in rows]
