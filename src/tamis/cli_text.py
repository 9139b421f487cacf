"""`tamis train text` and `tamis eval text`: the text classifier's training and its report.

Training fits the cascade's heads on the shared data sets (and the project's own examples),
tunes calibration, the uncertain band and thresholds on a dev split carved from the training
files, and writes the small artefacts that ship in the package. Evaluation scores the held-out
test files once with the configuration that ships, and says which files it trained on, tuned
on and scored, so no figure can hide a leak.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

train_app = typer.Typer(help="Train the shipped models.", no_args_is_help=True)
eval_app = typer.Typer(help="Evaluate the shipped models on held-out data.", no_args_is_help=True)

_DATA = Path(os.environ.get("TAMIS_TEXT_DATA", "../shared/data/text"))
DataOpt = Annotated[
    Path, typer.Option("--data", help="The labelled sets (*.train.jsonl, *.test.jsonl).")
]
CacheOpt = Annotated[
    Path, typer.Option("--cache", help="Where embeddings of texts are kept between runs.")
]


def _artefacts() -> Path:
    from tamis.analyzers.text.classifier.model import ARTEFACTS

    return ARTEFACTS


def _train_tenant(ref: str) -> None:
    from tamis.cli import _runtime, _tenant_id
    from tamis.cli import out as console
    from tamis.services import examples

    rt = _runtime()
    try:
        report = examples.train_heads(rt, tenant_id=_tenant_id(rt, ref))
    finally:
        rt.close()
    table = Table(title=f"{report['examples']} examples, {report['texts']} texts")
    for column in ("category", "violating", "other", "cross-validated P / R / F1", "shared head"):
        table.add_column(column)
    for category, entry in report["categories"].items():
        cv, shared = entry.get("cross_validated"), entry.get("shared_head")
        table.add_row(
            category,
            str(entry["positives"]),
            str(entry["negatives"]),
            _prf(cv) if cv else entry.get("skipped", ""),
            _prf(shared) if shared else "",
        )
    console.print(table)
    if report["version"] is None:
        console.print("no category had enough examples: the shared heads apply")
    else:
        console.print(f"stored heads {report['version']}; servers pick them up within seconds")


def _prf(figures: dict[str, float]) -> str:
    return f"{figures['precision']:.2f} / {figures['recall']:.2f} / {figures['f1']:.2f}"


@train_app.command("text")
def train_text(
    data: DataOpt = _DATA,
    examples: Annotated[
        Path, typer.Option(help="The project's own examples ({lang}.jsonl).")
    ] = Path("data/text/examples"),
    cache: CacheOpt = Path(".cache/tamis"),
    out: Annotated[
        Path | None, typer.Option(help="Where to write the artefacts (default: the package's).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of every random choice.")] = 13,
    prevalence: Annotated[
        float, typer.Option(help="Share of violating comments in a real stream, per category.")
    ] = 0.05,
    cached_only: Annotated[
        bool, typer.Option(help="Embed nothing new: train the e5 heads on what is cached.")
    ] = False,
    tenant: Annotated[
        str | None,
        typer.Option(
            "--tenant",
            "-t",
            help="Fit this tenant's own heads on its examples (on top of the shipped ones).",
        ),
    ] = None,
) -> None:
    """Fit the text classifier cascade and write its artefacts and model card.

    With --tenant, fit that tenant's heads instead, from its labelled examples and its
    moderators' decisions, and store them with the tenant.
    """
    from tamis.analyzers.text.classifier import card
    from tamis.analyzers.text.classifier.train import Config, train
    from tamis.cli import _fail
    from tamis.cli import out as console

    if tenant is not None:
        _train_tenant(tenant)
        return

    if not data.is_dir():
        raise _fail(f"no data directory {data}; pass --data or set TAMIS_TEXT_DATA")
    target = out or _artefacts()
    config = Config(
        data=data,
        out=target,
        cache=cache,
        examples=examples,
        seed=seed,
        prevalence=prevalence,
        embed_missing=not cached_only,
    )
    try:
        meta = train(config, log=console.print)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    card.write(target, meta, None)
    console.print(f"wrote {target} (model {meta['version']}); now run `tamis eval text`")


def _print_report(report: dict[str, Any]) -> None:
    from rich.console import Console

    out = Console(width=max(Console().width, 150))

    out.print(f"model {report['model']}")
    out.print(f"trained on: {', '.join(report['trained_on'])}")
    out.print(f"tuned on:   {report['tuned_on']}")
    out.print(f"scored:     {', '.join(report['scored'])}")
    if report["functional_files"]:
        out.print(f"functional (reported only): {', '.join(report['functional_files'])}")
    out.print(
        f"prevalence for the reweighted precision: {report['prevalence']:.0%}; "
        f"texts the embedding tier saw: {report['deferred_share']:.1%}"
    )
    table = Table(
        "category",
        "lang",
        "covered",
        "positives",
        "P",
        "R",
        "F1",
        "F1 95% CI",
        "policy P@prev",
        "policy R",
        title="test, at the dev-tuned F1 threshold",
    )
    for row in report["pairs"]:
        mark = "" if row["measured"] else " (unmeasured)"
        table.add_row(
            row["target"],
            row["language"],
            "yes" if row["covered"] else "no",
            f"{row['positives']}{mark}",
            f"{row['precision']:.3f}",
            f"{row['recall']:.3f}",
            f"{row['f1']:.3f}",
            f"{row['f1_ci95'][0]:.3f}–{row['f1_ci95'][1]:.3f}",
            ""
            if row.get("review_precision_at_prevalence") is None
            else f"{row['review_precision_at_prevalence']:.3f}",
            "" if "review_recall" not in row else f"{row['review_recall']:.3f}",
        )
    out.print(table)
    evasion = report["evasion"]
    table = Table(
        "perturbation",
        "recall",
        "of clean",
        title=(
            f"evasion: {evasion['texts']} {evasion['target']} positives, clean recall "
            f"{evasion['clean_recall']:.3f}"
        ),
    )
    for kind, found in evasion["perturbations"].items():
        table.add_row(
            kind, f"{found['recall']:.3f}", f"{found['ratio']:.1%}" if found["ratio"] else ""
        )
    out.print(table)
    if report["functional"]:
        table = Table(
            "functionality",
            "lang",
            "cases",
            "accuracy",
            "strict (data/text/README.md)",
            "at F1 threshold",
            title="functional tests (frozen, never tuned on), at the default policy's thresholds",
        )
        for row in report["functional"]:
            table.add_row(
                row["functionality"],
                row["language"],
                str(row["cases"]),
                f"{row['accuracy']:.3f}",
                f"{row['strict_accuracy']:.3f}",
                f"{row['accuracy_f1_threshold']:.3f}",
            )
        out.print(table)


@eval_app.command("text")
def eval_text(
    data: DataOpt = _DATA,
    functional: Annotated[
        Path, typer.Option(help="The frozen functional tests ({lang}.jsonl).")
    ] = Path("data/text/functional"),
    cache: CacheOpt = Path(".cache/tamis"),
    as_json: Annotated[
        Path | None, typer.Option("--json", help="Also write the report here.")
    ] = None,
    write_card: Annotated[
        bool, typer.Option("--card", help="Write the figures into the shipped model card.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap and the perturbations.")] = 13,
) -> None:
    """Score the shipped cascade on the test files, the functional tests and evasions."""
    from tamis.analyzers.text.classifier import card
    from tamis.analyzers.text.classifier.evaluate import run
    from tamis.cli import _fail, err

    if not data.is_dir():
        raise _fail(f"no data directory {data}; pass --data or set TAMIS_TEXT_DATA")
    try:
        report = run(data, functional=functional, cache_dir=cache, seed=seed, log=err.print)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    _print_report(report)
    if as_json is not None:
        as_json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", "utf-8")
    if write_card:
        from tamis.analyzers.text.classifier.model import load

        card.write(_artefacts(), load().meta, report)
        err.print(f"updated {_artefacts() / 'MODEL_CARD.md'}")
    sys.stdout.flush()
