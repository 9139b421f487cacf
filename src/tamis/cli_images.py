"""`tamis scan DIR`: moderate every image in a folder, offline, and write a report.

For an operator trying tamis on their own uploads before turning it on, and for us: the
false-positive figures of the image analyzers on a folder of ordinary photos come from this
command, with the shipped policy, exactly as the server would judge them.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress

from tamis.core import policy as policies
from tamis.core.verdict import Action, Verdict
from tamis.errors import TamisError
from tamis.media.decode import sniff


def scan(
    folder: Annotated[Path, typer.Argument(help="A folder; images in subfolders count too.")],
    report: Annotated[
        Path | None, typer.Option(help="Where the JSON report goes (default: <folder>.scan.json).")
    ] = None,
    policy: Annotated[
        Path | None, typer.Option(help="A policy file instead of the default.")
    ] = None,
    threads: Annotated[
        int, typer.Option(min=0, help="Images judged at once (0: one per core).")
    ] = 0,
) -> None:
    """Moderate every image in FOLDER; print a summary and write a JSON report."""
    from tamis.cli import _fail, err, out

    if not folder.is_dir():
        raise _fail(f"{folder} is not a folder")
    chosen = policies.parse(policy.read_text("utf-8"), name=str(policy)) if policy else None
    files = sorted(p for p in folder.rglob("*") if p.is_file() and _looks_like_image(p))
    if not files:
        raise _fail(f"no JPEG, PNG, WebP or GIF files in {folder}")
    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    with (
        Progress(console=err, transient=True) as progress,
        ThreadPoolExecutor(threads or os.cpu_count() or 1) as pool,
    ):
        task = progress.add_task(f"scanning {len(files)} images", total=len(files))
        for result in pool.map(lambda p: _judge(p, folder, chosen), files):
            results.append(result)
            progress.advance(task)
    seconds = time.perf_counter() - started
    summary = _summary(results, chosen or policies.default(), seconds)
    target = report or folder.with_name(folder.name + ".scan.json")
    target.write_text(
        json.dumps({"summary": summary, "images": results}, indent=1, ensure_ascii=False),
        "utf-8",
    )
    out.print(_readable(summary, results))
    out.print(f"report: {target}")


def _looks_like_image(path: Path) -> bool:
    with path.open("rb") as f:
        return sniff(f.read(64)) is not None


def _judge(path: Path, root: Path, policy: policies.Policy | None) -> dict[str, Any]:
    from tamis.library import moderate

    name = str(path.relative_to(root))
    try:
        verdict = moderate(image=path, policy=policy)
    except TamisError as exc:
        return {"file": name, "error": exc.message}
    return {"file": name, **_brief(verdict)}


def _brief(verdict: Verdict) -> dict[str, Any]:
    data = verdict.to_dict()
    return {
        "action": data["action"],
        "clause": data["clause"],
        "scores": {k: v for k, v in data["categories"].items() if v is not None},
        "reasons": data["reasons"],
        "evidence": data["evidence"],
    }


def _summary(
    results: list[dict[str, Any]], policy: policies.Policy, seconds: float
) -> dict[str, Any]:
    judged = [r for r in results if "error" not in r]
    actions = Counter(r["action"] for r in judged)
    review = {
        name: min(rule.thresholds.values()) for rule in policy.rules for name in rule.categories
    }
    reaching: Counter[str] = Counter()
    for r in judged:
        for name, score in r["scores"].items():
            if name in review and score >= review[name]:
                reaching[name] += 1
    return {
        "images": len(results),
        "judged": len(judged),
        "unreadable": len(results) - len(judged),
        "actions": {a.value: actions.get(a.value, 0) for a in Action},
        "reaching_a_threshold": dict(reaching.most_common()),
        "policy": policy.document.name,
        "seconds": round(seconds, 2),
        "images_per_second": round(len(results) / seconds, 1) if seconds else None,
    }


def _readable(summary: dict[str, Any], results: list[dict[str, Any]]) -> str:
    n = summary["judged"] or 1
    lines = [
        f"{summary['images']} images, {summary['judged']} judged, "
        f"{summary['unreadable']} unreadable, in {summary['seconds']} s "
        f"({summary['images_per_second']}/s)",
        "actions: "
        + ", ".join(f"{a} {c} ({100 * c / n:.1f}%)" for a, c in summary["actions"].items() if c),
    ]
    for name, count in summary["reaching_a_threshold"].items():
        lines.append(f"  {name}: {count} ({100 * count / n:.1f}%) at or over a rule's threshold")
    flagged = [r for r in results if r.get("action") not in (None, "allow")]
    for r in flagged[:20]:
        lines.append(f"  {r['action']:>8}  {r['file']}  (clause {r['clause']})")
    for r in [r for r in results if "error" in r][:20]:
        lines.append(f"  unreadable  {r['file']}: {r['error']}")
    return "\n".join(lines)
