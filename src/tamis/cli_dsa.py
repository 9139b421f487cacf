"""`tamis dsa`: DSA statements of reasons for the Transparency Database, and Article 15 figures.

An operator without an EU Transparency Database API integration still has to submit every
statement of reasons and publish periodic figures; these commands write the statements as
ready-to-send batch files and print the report, from the same service the API uses.
Periods are calendar dates in UTC, end exclusive, so consecutive periods never overlap.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from tamis.errors import TamisError

dsa_app = typer.Typer(
    help="EU DSA: statements of reasons for the Transparency Database; Article 15 reports.",
    no_args_is_help=True,
)

TenantOpt = Annotated[str, typer.Option("--tenant", "-t", help="Tenant slug or id.")]


def _date(value: str, option: str) -> date:
    from tamis.cli import _fail

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{option} takes an ISO date, YYYY-MM-DD, not {value!r}") from None


@dsa_app.command("statements")
def statements(
    tenant: TenantOpt,
    since: Annotated[str, typer.Option(help="First day, YYYY-MM-DD (UTC).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for the batch files.")],
    until: Annotated[
        str | None, typer.Option(help="Day after the last, YYYY-MM-DD (exclusive); default now.")
    ] = None,
) -> None:
    """Write statements of reasons as statements-0001.json, … (at most 100 each)."""
    from tamis.cli import _fail, _runtime, _tenant_id, out
    from tamis.services import transparency

    start_day = _date(since, "--since")
    end_day = _date(until, "--until") if until is not None else None
    rt = _runtime()
    try:
        tenant_id = _tenant_id(rt, tenant)
        start, end = transparency.period(start_day, end_day)
        with rt.store.read() as tx:
            found = transparency.statements(tx, tenant_id=tenant_id, start=start, end=end)
    except TamisError as exc:
        raise _fail(exc.message) from None
    finally:
        rt.close()
    groups = transparency.batches(found)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for number, group in enumerate(groups, start=1):
            (out_dir / f"statements-{number:04d}.json").write_text(
                json.dumps({"statements": group}, ensure_ascii=False, indent=2) + "\n", "utf-8"
            )
    except OSError as exc:
        raise _fail(f"cannot write to {out_dir}: {exc.strerror or exc}") from None
    out.print(
        f"{len(found)} statement(s) of reasons from {_day(start)} to {_day(end)} (exclusive) "
        f"in {len(groups)} file(s) under {out_dir}"
    )


@dsa_app.command("report")
def report(
    tenant: TenantOpt,
    period: Annotated[
        str,
        typer.Option(help="YYYY-MM-DD..YYYY-MM-DD, end exclusive (e.g. 2025-01-01..2025-07-01)."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Print the Article 15 transparency figures for a period."""
    from tamis.cli import _fail, _runtime, _tenant_id, out
    from tamis.services import transparency

    rt = _runtime()
    try:
        tenant_id = _tenant_id(rt, tenant)
        start, end = transparency.parse_period(period)
        with rt.store.read() as tx:
            figures = transparency.report(tx, tenant_id=tenant_id, start=start, end=end)
    except TamisError as exc:
        raise _fail(exc.message) from None
    finally:
        rt.close()
    if as_json:
        sys.stdout.write(json.dumps(figures, indent=2) + "\n")
    else:
        out.print(f"[bold]DSA transparency report[/bold], {_day(start)} to {_day(end)} (exclusive)")
        out.print(_table(figures))


def _day(moment: datetime) -> str:
    return moment.date().isoformat()


def _show(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _table(figures: dict[str, Any]) -> Table:
    table = Table("figure", "value", show_edge=False)
    table.columns[1].justify = "right"
    for section, content in figures.items():
        if section == "period":
            continue
        table.add_section()
        table.add_row(f"[bold]{section.replace('_', ' ')}[/bold]", "")
        for name, value in content.items():
            label = name.replace("_", " ")
            if isinstance(value, dict) and "rate" in value:
                rate = value["rate"]
                shown = "n/a" if rate is None else f"{rate:.1%}"
                table.add_row(
                    f"  {label}", f"{shown} ({value['numerator']}/{value['denominator']})"
                )
            elif isinstance(value, dict):
                table.add_row(f"  {label}", "")
                for key, count in value.items():
                    table.add_row(f"    {key}", _show(count))
            else:
                table.add_row(f"  {label}", _show(value))
    return table
