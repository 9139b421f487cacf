"""Editing, deleting, reordering or truncating audit events is caught by `tamis audit verify`.

Each case tampers with the events table directly, as someone with database access would,
after a checkpoint was exported; verification against the checkpoint must fail, and say how.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tamis.audit.chain import GENESIS, link
from tamis.cli import app
from tamis.services.runtime import Runtime
from tamis.settings import Settings
from tamis.store.sql import models as m
from tamis.store.sql.audit import _event


def _edit(s: Session) -> None:
    s.execute(update(m.Event).where(m.Event.seq == 4).values(data={"forged": True}))


def _delete(s: Session) -> None:
    s.execute(delete(m.Event).where(m.Event.seq == 4))


def _reorder(s: Session) -> None:
    a, b = (s.scalar(select(m.Event).where(m.Event.seq == n)) for n in (3, 4))
    assert a is not None and b is not None
    a.seq, b.seq = -1, -2
    s.flush()
    a.seq, b.seq = 4, 3


def _truncate(s: Session) -> None:
    last = s.scalar(select(m.Event.seq).order_by(m.Event.seq.desc()).limit(1))
    s.execute(delete(m.Event).where(m.Event.seq > (last or 0) - 2))


def _rewrite_and_reseal(s: Session) -> None:
    """Edit an event and recompute every hash after it: only the checkpoint can tell."""
    s.execute(update(m.Event).where(m.Event.seq == 2).values(subject="rewritten"))
    prev = GENESIS
    for row in s.scalars(select(m.Event).where(m.Event.seq.is_not(None)).order_by(m.Event.seq)):
        row.prev_hash = prev
        row.hash = prev = link(prev, _event(row), row.seq or 0)


@pytest.mark.parametrize(
    ("tamper", "words"),
    [
        (_edit, "altered"),
        (_delete, "gap"),
        (_reorder, "predecessor"),
        (_truncate, "truncated"),
        (_rewrite_and_reseal, "rewritten"),
    ],
    ids=["edit", "delete", "reorder", "truncate", "rewrite-and-reseal"],
)
def test_tampering_is_detected(
    tmp_path: Path, tamper: Callable[[Session], None], words: str
) -> None:
    env = {"TAMIS_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    runner = CliRunner()
    for slug in ("a", "b", "c"):
        assert runner.invoke(app, ["tenants", "create", slug], env=env).exit_code == 0
    head = tmp_path / "head.json"
    assert runner.invoke(app, ["audit", "checkpoint", "--out", str(head)], env=env).exit_code == 0
    assert json.loads(head.read_text())["seq"] >= 9
    ok = runner.invoke(app, ["audit", "verify", "--checkpoint", str(head)], env=env)
    assert ok.exit_code == 0, ok.output

    rt = Runtime.open(Settings(data_dir=tmp_path / "data"))
    with Session(rt.store.engines.write) as s, s.begin():
        tamper(s)
    rt.close()
    caught = runner.invoke(app, ["audit", "verify", "--checkpoint", str(head)], env=env)
    assert caught.exit_code == 2, caught.output
    assert words in caught.output
