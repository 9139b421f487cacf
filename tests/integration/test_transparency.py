"""DSA transparency on a real database: the statements export and the Article 15 report.

Casework (decisions, notices, appeals) is written straight through the store with chosen
timestamps, so that every expected figure below can be worked out by hand; the export and
the report are then read through the service, the CLI and the HTTP API.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tamis.cli import app
from tamis.core.decisions import (
    AccountAction,
    Automation,
    Ground,
    Source,
    Statement,
    Visibility,
)
from tamis.errors import InvalidInput
from tamis.ids import new_id
from tamis.services import transparency
from tamis.store.interfaces import AppealRecord, DecisionRecord
from tamis.store.sql import models as m
from tests.integration.conftest import Api

START = datetime(2025, 3, 1, tzinfo=UTC)
END = datetime(2025, 4, 1, tzinfo=UTC)
FRENCH = "Bonjour à tous, merci beaucoup pour cet article très intéressant sur la ville."


def at(day: int, hour: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=UTC)


def _post_item(api: Api, external_id: str, key: str | None = None) -> str:
    body = {
        "external_id": external_id,
        "author_id": "acct-1",
        "text": FRENCH,
        "context_url": f"https://news.example/{external_id}",
        "created_at": "2025-02-20T08:30:00Z",
    }
    r = api.client.post("/v1/items", json=body, headers=api.auth(key))
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _decision(
    tenant_id: str,
    item_id: str | None,
    created_at: datetime,
    *,
    visibility: Visibility = Visibility.DISABLED,
    account: AccountAction | None = None,
    decided_by: str = "tamis:policy",
    automated: Automation = Automation.FULLY,
    source: Source = Source.OWN_INITIATIVE,
    ground: Ground = Ground.TERMS,
    category: str = "toxicity/insult",
    detection: bool = True,
    state: str = "in_force",
    supersedes: str | None = None,
    appeal_id: str | None = None,
    author_id: str | None = "acct-1",
) -> DecisionRecord:
    statement = Statement(
        visibility=visibility,
        account=account,
        territorial_scope=("FR", "DE", "US"),
        visibility_end=None,
        account_end=datetime(2025, 6, 1, tzinfo=UTC) if account else None,
        facts="The comment insults another reader.",
        ground=ground,
        legal_ground="Art. R621-2 Code pénal" if ground is Ground.ILLEGAL else None,
        clause="3.1 No insults" if ground is Ground.TERMS else None,
        terms_url="https://news.example/terms" if ground is Ground.TERMS else None,
        explanation="It calls a reader names.",
        also_illegal=False,
        category=category,
        source=source,
        automated_detection=detection,
        automated_decision=automated,
        redress="Appeal within six months at https://news.example/appeals.",
    )
    return DecisionRecord(
        id=new_id("dec"),
        tenant_id=tenant_id,
        item_id=item_id,
        author_id=author_id,
        visibility=visibility.value,
        account=account.value if account else None,
        decided_by=decided_by,
        automated=automated.value,
        source=source.value,
        statement=statement.to_dict(),
        notice={"locale": "fr-FR", "text": "Votre commentaire a été masqué."},
        state=state,
        supersedes=supersedes,
        appeal_id=appeal_id,
        created_at=created_at,
    )


def _appeal(
    tenant_id: str,
    decision_id: str,
    created_at: datetime,
    status: str,
    decided_at: datetime | None,
) -> AppealRecord:
    return AppealRecord(
        id=new_id("apl"),
        tenant_id=tenant_id,
        decision_id=decision_id,
        appellant_kind="author",
        appellant_id="acct-1",
        reason="It was a joke between friends.",
        status=status,
        decided_by="mod-1" if status != "open" else None,
        outcome_reasons="Reviewed." if status != "open" else None,
        outcome_decision_id=None,
        created_at=created_at,
        decided_at=decided_at,
    )


@dataclass
class _Notice:
    reporter_id: str | None
    reporter_kind: str
    category: str
    illegal: bool = False
    other_reason: str | None = None
    explanation: str | None = "Please look at this."
    law: str | None = None
    good_faith: bool = True


@dataclass
class Case:
    """The casework of the scenario, by name."""

    items: dict[str, str]
    decisions: dict[str, DecisionRecord]


def _scenario(api: Api) -> Case:
    """Decisions, notices and appeals whose figures are worked out in the tests below.

    Restrictive decisions in March 2025: d1 d2 d3 d4 d6 d7 d8 d9 d11 (nine). d5, d10 and
    d12 restrict nothing; d0 and d13 fall just outside the period (end exclusive).
    """
    t = api.tenant_id
    items = {name: _post_item(api, name) for name in ("c1", "c2", "c3", "c4", "c5", "c6", "c7")}
    d: dict[str, DecisionRecord] = {}
    d["d0"] = _decision(t, items["c1"], datetime(2025, 2, 28, 23, 59, tzinfo=UTC))
    # Automated, then replaced by a person who restores the comment: an automated error.
    d["d1"] = _decision(t, items["c1"], at(2, 10), state="superseded")
    d["d5"] = _decision(
        t,
        items["c1"],
        at(4),
        visibility=Visibility.NONE,
        decided_by="mod-1",
        automated=Automation.NOT,
        detection=False,
        supersedes=d["d1"].id,
    )
    # Hidden after reports, reversed on appeal (a1): an automated error.
    d["d2"] = _decision(
        t,
        items["c2"],
        at(3),
        visibility=Visibility.REMOVED,
        decided_by="tamis:reports",
        source=Source.NOTICE,
        category="hate",
        detection=False,
        state="reversed",
    )
    # Labelled by the policy, appeal (a2) upheld: right.
    d["d3"] = _decision(t, items["c3"], at(3, 6), visibility=Visibility.LABELLED, category="spam")
    # A moderator acting on a trusted flagger's notice of illegal content.
    d["d4"] = _decision(
        t,
        items["c4"],
        at(4, 6),
        visibility=Visibility.REMOVED,
        decided_by="mod-1",
        automated=Automation.NOT,
        source=Source.TRUSTED_FLAGGER,
        ground=Ground.ILLEGAL,
        category="hate",
        detection=False,
    )
    # An account suspension, no item.
    d["d6"] = _decision(
        t,
        None,
        at(5),
        visibility=Visibility.NONE,
        account=AccountAction.SUSPENDED,
        decided_by="mod-2",
        automated=Automation.NOT,
        source=Source.NOTICE,
        category="harassment",
        detection=False,
        author_id="acct-9",
    )
    # Automated demotion replaced by automation (d8), which a person confirms (d9): no error.
    d["d7"] = _decision(
        t, items["c5"], at(6), visibility=Visibility.DEMOTED, category="spam", state="superseded"
    )
    d["d8"] = _decision(
        t,
        items["c5"],
        at(7),
        decided_by="tamis:reports",
        source=Source.NOTICE,
        category="spam",
        detection=False,
        state="superseded",
        supersedes=d["d7"].id,
    )
    d["d9"] = _decision(
        t,
        items["c5"],
        at(8),
        decided_by="mod-1",
        automated=Automation.NOT,
        source=Source.NOTICE,
        category="spam",
        detection=False,
        supersedes=d["d8"].id,
    )
    d["d10"] = _decision(
        t,
        items["c2"],
        at(6, 12),
        visibility=Visibility.NONE,
        decided_by="mod-1",
        automated=Automation.NOT,
        category="hate",
        detection=False,
        supersedes=d["d2"].id,
    )
    # Partly automated age restriction with an appeal still open.
    d["d11"] = _decision(
        t,
        items["c6"],
        at(15),
        visibility=Visibility.AGE_RESTRICTED,
        automated=Automation.PARTIALLY,
        category="sexual/suggestive",
    )
    d["d12"] = _decision(
        t,
        items["c7"],
        at(21),
        visibility=Visibility.NONE,
        decided_by="mod-1",
        automated=Automation.NOT,
        source=Source.NOTICE,
        category="sexual/suggestive",
        detection=False,
    )
    d["d13"] = _decision(t, items["c7"], END, visibility=Visibility.REMOVED)

    notices = [
        # (name, item, notice, created, settled by, outcome)
        ("r0", "c1", _Notice("u9", "user", "hate"), at(27, month=2), None, None),
        ("r1", "c2", _Notice("u1", "user", "hate"), at(2), "d2", at(3)),  # 24 h
        ("r2", "c2", _Notice("u2", "user", "hate", True, law="Loi 1881"), at(2, 12), "d2", at(3)),
        ("r3", "c4", _Notice("tf-1", "trusted_flagger", "hate", True), at(4), "d4", at(4, 6)),
        ("r4", "c3", _Notice(None, "anonymous", "spam"), at(10), None, None),
        ("r5", "c7", _Notice("u3", "user", "sexual/suggestive"), at(20), "d12", at(21)),  # 24 h
    ]
    with api.rt.store.write() as tx:
        for record in d.values():
            tx.decisions.add(record=record)
        for appeal in (
            _appeal(t, d["d2"].id, at(5), "reversed", at(6, 12)),  # 36 h
            _appeal(t, d["d3"].id, at(6), "upheld", at(7)),  # 24 h
            _appeal(t, d["d11"].id, at(20), "open", None),
            _appeal(t, d["d7"].id, at(5, month=4), "upheld", at(6, month=4)),  # after the period
        ):
            tx.appeals.add(record=appeal)
        added = {
            name: tx.reports.add(tenant_id=t, item_id=items[item], report=notice).id
            for name, item, notice, *_ in notices
        }
    with Session(api.rt.store.engines.write) as s, s.begin():
        for name, _, _, created, settled_by, outcome in notices:
            s.execute(
                update(m.Report)
                .where(m.Report.id == added[name])
                .values(
                    created_at=created,
                    decision_id=d[settled_by].id if settled_by else None,
                    outcome_at=outcome,
                )
            )
    return Case(items, d)


RESTRICTIVE_IN_MARCH = ("d1", "d2", "d3", "d4", "d6", "d7", "d8", "d9", "d11")

EXPECTED_REPORT: dict[str, Any] = {
    "period": {"start": "2025-03-01T00:00:00+00:00", "end": "2025-04-01T00:00:00+00:00"},
    "notices": {
        "received": 5,
        "by_category": {"hate": 3, "sexual/suggestive": 1, "spam": 1},
        "by_reporter_kind": {"anonymous": 1, "trusted_flagger": 1, "user": 3},
        "illegal_content_claims": 2,
        "settled": 4,
        "settled_with_restriction": 3,  # r5 was settled by d12, which restricts nothing
        "median_hours_to_outcome": 18.0,  # 6, 12, 24, 24
    },
    "actions": {
        "total": 9,
        "by_visibility": {
            "age_restricted": 1,
            "demoted": 1,
            "disabled": 3,
            "interaction_restricted": 0,
            "labelled": 1,
            "removed": 2,
        },
        "by_account": {"suspended": 1, "terminated": 0},
        "by_ground": {"illegal": 1, "terms": 8},
        "by_category": {
            "harassment": 1,
            "hate": 2,
            "sexual/suggestive": 1,
            "spam": 4,
            "toxicity/insult": 1,
        },
        "by_source": {"notice": 4, "own_initiative": 4, "trusted_flagger": 1},
        "own_initiative": 4,
        "reversed_on_appeal": 1,
    },
    "automated_means": {
        "automated_detection": 4,  # d1 d3 d7 d11
        "by_automation": {"fully": 5, "not": 3, "partially": 1},
        # Automated: d1 d2 d3 d7 d8 d11; overturned: d1 (a person restored it), d2 (appeal).
        "reversal_rate": {"numerator": 2, "denominator": 6, "rate": 2 / 6},
        # Appeals decided on d2 (reversed), d3 (upheld), d7 (upheld, in April); d11's is open.
        "reversal_rate_among_appealed": {"numerator": 1, "denominator": 3, "rate": 1 / 3},
    },
    "complaints": {
        "received": 3,
        "decided": 2,
        "upheld": 1,
        "reversed": 1,
        "open": 1,
        "median_hours_to_decide": 30.0,  # 36 and 24
    },
}


def test_export_holds_exactly_the_periods_restrictive_decisions(api: Api) -> None:
    case = _scenario(api)
    _, rival_key = api.new_tenant("rival")
    rival_item = _post_item(api, "r1", key=rival_key)
    with api.rt.store.write() as tx:
        rival = tx.tenants.by_slug(slug="rival")
        assert rival is not None
        tx.decisions.add(record=_decision(rival.id, rival_item, at(10)))

    with api.rt.store.read() as tx:
        found = transparency.statements(tx, tenant_id=api.tenant_id, start=START, end=END)
        item = tx.items.get(tenant_id=api.tenant_id, item_id=case.items["c1"])
    assert item is not None and item.verdict is not None

    assert [s["puid"] for s in found] == [
        "c1", "c2", "c3", "c4", "acct-9", "c5", "c5", "c5", "c6"
    ]  # fmt: skip
    assert [s["application_date"] for s in found] == [
        "2025-03-02", "2025-03-03", "2025-03-03", "2025-03-04", "2025-03-05",
        "2025-03-06", "2025-03-07", "2025-03-08", "2025-03-15",
    ]  # fmt: skip
    assert all("uuid" not in s for s in found)
    by_puid = {s["puid"]: s for s in found}

    first = by_puid["c1"]
    assert first["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_DISABLED"]
    assert first["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert first["incompatible_content_ground"] == "3.1 No insults"
    assert first["incompatible_content_illegal"] == "No"
    assert "illegal_content_legal_ground" not in first
    assert first["source_type"] == "SOURCE_VOLUNTARY"
    assert first["automated_detection"] == "Yes"
    assert first["automated_decision"] == "AUTOMATED_DECISION_FULLY"
    assert first["category"] == "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"
    assert first["territorial_scope"] == ["DE", "FR"]
    assert first["content_type"] == ["CONTENT_TYPE_TEXT"]
    assert first["url"] == "https://news.example/c1"
    assert first["content_date"] == "2025-02-20"
    assert first["content_language"] == "FR"
    assert item.verdict["languages"][0]["code"].upper() == "FR"

    illegal = by_puid["c4"]
    assert illegal["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert illegal["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert illegal["illegal_content_legal_ground"] == "Art. R621-2 Code pénal"
    assert illegal["illegal_content_explanation"] == "It calls a reader names."
    assert "incompatible_content_ground" not in illegal
    assert illegal["source_type"] == "SOURCE_TRUSTED_FLAGGER"
    assert illegal["automated_detection"] == "No"
    assert illegal["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"

    account = by_puid["acct-9"]
    assert account["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
    assert account["end_date_account_restriction"] == "2025-06-01"
    assert "decision_visibility" not in account and "url" not in account
    assert account["category"] == "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"
    assert account["source_type"] == "SOURCE_ARTICLE_16"

    assert by_puid["c6"]["automated_decision"] == "AUTOMATED_DECISION_PARTIALLY"
    assert by_puid["c6"]["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED"]
    assert by_puid["c3"]["category"] == "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE"


def test_report_figures_match_the_casework(api: Api) -> None:
    _scenario(api)
    with api.rt.store.read() as tx:
        figures = transparency.report(tx, tenant_id=api.tenant_id, start=START, end=END)
    assert figures == EXPECTED_REPORT


def test_an_empty_period_has_zero_counts_and_no_rates(api: Api) -> None:
    _scenario(api)
    with api.rt.store.read() as tx:
        figures = transparency.report(
            tx, tenant_id=api.tenant_id, start=at(1, month=5), end=at(1, month=6)
        )
    assert figures["actions"]["total"] == 0 and figures["notices"]["received"] == 0
    assert figures["automated_means"]["reversal_rate"] == {
        "numerator": 0,
        "denominator": 0,
        "rate": None,
    }
    assert figures["notices"]["median_hours_to_outcome"] is None
    assert figures["complaints"]["median_hours_to_decide"] is None


def _cli(api: Api, *args: str, code: int = 0) -> str:
    settings = api.rt.settings
    env = {
        "TAMIS_DATA_DIR": str(settings.data_dir),
        "TAMIS_DATABASE_URL": settings.database_url or "",
        "COLUMNS": "200",
    }
    result = CliRunner().invoke(app, ["dsa", *args], env=env)
    assert result.exit_code == code, result.output
    return result.output


def test_205_statements_make_three_batch_files(api: Api, tmp_path: Path) -> None:
    item = _post_item(api, "busy")
    with api.rt.store.write() as tx:
        for n in range(205):
            tx.decisions.add(
                record=_decision(api.tenant_id, item, at(1 + n // 10, n % 10, month=3))
            )
        tx.decisions.add(record=_decision(api.tenant_id, item, END))
    with api.rt.store.read() as tx:
        found = transparency.statements(tx, tenant_id=api.tenant_id, start=START, end=END)
    assert [len(b) for b in transparency.batches(found)] == [100, 100, 5]
    assert transparency.batches([]) == []

    out_dir = tmp_path / "tdb"
    output = _cli(
        api,
        "statements",
        "--tenant",
        "news",
        "--since",
        "2025-03-01",
        "--until",
        "2025-04-01",
        "--out",
        str(out_dir),
    )
    assert "205 statement(s)" in output and "3 file(s)" in output
    files = sorted(p.name for p in out_dir.iterdir())
    assert files == ["statements-0001.json", "statements-0002.json", "statements-0003.json"]
    sizes = [len(json.loads((out_dir / f).read_text("utf-8"))["statements"]) for f in files]
    assert sizes == [100, 100, 5]
    last = json.loads((out_dir / files[2]).read_text("utf-8"))
    assert set(last) == {"statements"}
    assert last["statements"][-1]["application_date"] == "2025-03-21"


def test_cli_report_as_json_and_as_a_table(api: Api, tmp_path: Path) -> None:
    _scenario(api)
    period = "2025-03-01..2025-04-01"
    as_json = json.loads(_cli(api, "report", "--tenant", "news", "--period", period, "--json"))
    assert as_json == EXPECTED_REPORT
    table = _cli(api, "report", "--tenant", "news", "--period", period)
    assert "reversal rate" in table and "33.3% (2/6)" in table and "33.3% (1/3)" in table
    assert "2025-03-01 to 2025-04-01" in table
    reversed_ = _cli(
        api, "report", "--tenant", "news", "--period", "2025-04-01..2025-03-01", code=2
    )
    assert "empty or reversed" in reversed_
    assert "ISO" in _cli(api, "report", "--tenant", "news", "--period", "March..May", code=2)
    assert "YYYY-MM-DD.." in _cli(api, "report", "--tenant", "news", "--period", "March", code=2)
    assert "no tenant" in _cli(api, "report", "--tenant", "nope", "--period", period, code=2)
    out_dir = tmp_path / "march"
    output = _cli(
        api, "statements", "--tenant", "news", "--since", "2025-03-01", "--until",
        "2025-04-01", "--out", str(out_dir),
    )  # fmt: skip
    assert "9 statement(s)" in output
    [batch] = [json.loads(p.read_text("utf-8")) for p in out_dir.iterdir()]
    assert [s["puid"] for s in batch["statements"]][:4] == ["c1", "c2", "c3", "c4"]


def test_api_serves_statements_and_report_to_admins_only(api: Api) -> None:
    _scenario(api)
    query = {"start": "2025-03-01", "end": "2025-04-01"}
    r = api.client.get("/v1/dsa/statements", params=query, headers=api.auth())
    assert r.status_code == 200, r.text
    assert len(r.json()["statements"]) == len(RESTRICTIVE_IN_MARCH)
    assert r.json()["statements"][4]["puid"] == "acct-9"
    r = api.client.get("/v1/dsa/report", params=query, headers=api.auth())
    assert r.status_code == 200, r.text
    assert r.json() == EXPECTED_REPORT

    # Without an end, the period runs to now: the decision at END is included.
    r = api.client.get("/v1/dsa/statements", params={"start": "2025-03-01"}, headers=api.auth())
    assert len(r.json()["statements"]) == len(RESTRICTIVE_IN_MARCH) + 1

    moderator = api.client.post(
        "/v1/keys", headers=api.auth(), json={"name": "mod", "scopes": ["moderate"]}
    ).json()["secret"]
    for path in ("/v1/dsa/statements", "/v1/dsa/report"):
        assert api.client.get(path, params=query, headers=api.auth(moderator)).status_code == 403
        assert api.client.get(path, params=query).status_code == 401


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2025-04-01", "end": "2025-03-01"},
        {"start": "2025-03-01", "end": "2025-03-01"},
        {"start": "2025-13-01"},
        {"start": "yesterday"},
        {"start": "0"},
        {"start": "2025-03-01", "end": "1767225600"},
        {},
    ],
)
def test_api_answers_422_on_a_bad_period(api: Api, query: dict[str, str]) -> None:
    for path in ("/v1/dsa/statements", "/v1/dsa/report"):
        r = api.client.get(path, params=query, headers=api.auth())
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["detail"]


def test_periods_parse_and_refuse_reversed_ones() -> None:
    assert transparency.parse_period("2025-03-01..2025-04-01") == (START, END)
    begin, finish = transparency.parse_period("2025-03-01..")
    assert begin == START and finish > END
    for bad in ("2025-03-01", "2025-04-01..2025-03-01", "2025-03-01..2025-03-01", "a..b"):
        with pytest.raises(InvalidInput, match="period"):
            transparency.parse_period(bad)
