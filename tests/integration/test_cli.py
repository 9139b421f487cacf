"""The `tamis` command, run in-process against a real SQLite data directory."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

import tamis
from tamis.cli import app
from tamis.core import policy as policies
from tamis.errors import InvalidInput
from tamis.services.runtime import Runtime
from tamis.settings import Settings
from tamis.store.sql import models as m
from tests import drawn


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"TAMIS_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}


def run(env: dict[str, str], *args: str, stdin: str | None = None, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args), env=env, input=stdin)
    assert result.exit_code == code, result.output
    return result.output


def test_check_one_text_as_table_and_json(env: dict[str, str]) -> None:
    table = run(env, "check", "Va te faire foutre, connard")
    assert "HIDE" in table and "toxicity/insult" in table and "'connard'" in table
    verdict = json.loads(run(env, "check", "--json", "connard"))
    assert verdict["flagged"] is True and verdict["categories"]["self_harm"] is None


def test_check_many_lines_ends_with_a_summary(env: dict[str, str], tmp_path: Path) -> None:
    comments = tmp_path / "comments.txt"
    comments.write_text("bonjour\nconnard\nmerci pour l'article\n", "utf-8")
    out = run(env, "check", "--file", str(comments))
    assert "3 texts checked" in out and "allow: 2" in out and "hide: 1" in out
    lines = run(env, "check", "--json", "-", stdin="hello\nyou idiot\n").strip().splitlines()
    assert len([json.loads(line) for line in lines if line.startswith("{")]) == 2


def test_tenants_keys_and_policy(env: dict[str, str], tmp_path: Path) -> None:
    out = run(env, "tenants", "create", "news")
    assert re.search(r"tamis_sk_[\w-]{32}", out)
    assert "news" in run(env, "tenants", "list")
    out = run(env, "keys", "create", "--tenant", "news", "--name", "site", "--scope", "moderate")
    key_id = re.search(r"key_\w+", out).group(0)  # type: ignore[union-attr]
    assert key_id in run(env, "keys", "list", "--tenant", "news")
    run(env, "keys", "revoke", "--tenant", "news", key_id)
    assert "revoked" not in run(
        env, "keys", "create", "--tenant", "news", "--name", "x", "--scope", "nope", code=2
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(policies.default_source().replace("[toxicity/insult,", "[insultz,"), "utf-8")
    out = run(env, "policy", "validate", str(bad), code=2)
    assert "line" in out and "insultz" in out
    good = tmp_path / "good.yaml"
    good.write_text(policies.default_source(), "utf-8")
    assert "valid policy" in run(env, "policy", "validate", str(good))
    assert "version 2" in run(env, "policy", "set", "--tenant", "news", str(good))


def test_lexicon_sharing_is_read_only_for_the_subscriber(env: dict[str, str]) -> None:
    run(env, "tenants", "create", "group")
    run(env, "tenants", "create", "site")
    run(env, "lexicon", "add", "--tenant", "group", "frobnicate", "--category", "spam")
    run(env, "lexicon", "share", "--tenant", "group", "--with", "site")
    rt = Runtime.open(Settings(data_dir=Path(env["TAMIS_DATA_DIR"])))
    try:
        with rt.store.read() as tx:
            site = tx.tenants.by_slug(slug="site")
            assert site is not None
            assert tx.lexicon.list(tenant_id=site.id) == []
        terms = rt.terms.get(site.id)
        assert terms is not None and ("frobnicate", "spam") in terms.block
    finally:
        rt.close()
    assert "not listed" in run(env, "lexicon", "remove", "--tenant", "site", "frobnicate")


def test_audit_verify_and_checkpoint_catch_rewriting_and_truncation(
    env: dict[str, str], tmp_path: Path
) -> None:
    for slug in ("a", "b", "c"):
        run(env, "tenants", "create", slug)
    assert "audit chain intact" in run(env, "audit", "verify")
    head = tmp_path / "head.json"
    run(env, "audit", "checkpoint", "--out", str(head))
    assert "matches" in run(env, "audit", "verify", "--checkpoint", str(head))

    rt = Runtime.open(Settings(data_dir=Path(env["TAMIS_DATA_DIR"])))
    engines = rt.store.engines
    seq = json.loads(head.read_text())["seq"]
    with Session(engines.write) as s, s.begin():
        s.query(m.Event).filter(m.Event.seq > seq - 3).delete()
    rt.close()
    out = run(env, "audit", "verify", "--checkpoint", str(head), code=2)
    assert "truncated" in out

    run(env, "tenants", "create", "d")
    rt = Runtime.open(Settings(data_dir=Path(env["TAMIS_DATA_DIR"])))
    with Session(rt.store.engines.write) as s, s.begin():
        s.execute(update(m.Event).where(m.Event.seq == 2).values(type="forged"))
    rt.close()
    assert "altered" in run(env, "audit", "verify", code=2)


def test_checkpoint_can_be_sent_to_a_url(env: dict[str, str]) -> None:
    from tamis.audit.checkpoint import Checkpoint
    from tests.integration.receiver import Receiver

    run(env, "tenants", "create", "a")
    receiver = Receiver()
    try:
        assert "sent to" in run(env, "audit", "checkpoint", "--webhook", receiver.url)
    finally:
        receiver.close()
    [delivery] = receiver.deliveries
    point = Checkpoint.from_json(delivery.body.decode())
    assert point.seq >= 1 and len(point.hash) == 64 and point.signature


def test_check_an_image_and_a_caption_with_its_photo(env: dict[str, str], tmp_path: Path) -> None:
    meme = tmp_path / "meme.jpg"
    meme.write_bytes(drawn.meme("you stupid idiot"))
    table = run(env, "check", str(meme))
    assert "toxicity/insult" in table and "text in image 0" in table
    photo = tmp_path / "photo.png"
    photo.write_bytes(drawn.picture(1, fmt="PNG"))
    verdict = json.loads(run(env, "check", "--json", "Beau temps", "-i", str(photo)))
    assert verdict["action"] == "allow" and verdict["categories"]["sexual/explicit"] is not None
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 truncated")
    assert "error" in run(env, "check", "-i", str(broken), code=2)


def test_check_refuses_a_path_that_is_not_an_image(env: dict[str, str], tmp_path: Path) -> None:
    empty = tmp_path / "photo.png"
    empty.write_bytes(b"")
    assert "not an image tamis reads" in run(env, "check", str(empty), code=2)
    assert f"tamis scan {tmp_path}" in run(env, "check", str(tmp_path), code=2)
    fifo = tmp_path / "upload.jpg"
    os.mkfifo(fifo)  # opening it would wait for a writer that never comes
    for args in (["check", str(fifo)], ["check", "caption", "-i", str(fifo)]):
        done = subprocess.run(
            [sys.executable, "-m", "tamis", *args],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2 and "pipe" in done.stderr, done.stderr
    with pytest.raises(InvalidInput, match="a pipe or a device"):
        tamis.moderate(image="/dev/zero")


def test_scan_a_folder_writes_a_report_and_a_summary(env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    (folder / "sub").mkdir(parents=True)
    for i in range(3):
        (folder / f"p{i}.jpg").write_bytes(drawn.picture(i))
    (folder / "sub" / "meme.jpg").write_bytes(drawn.meme("you stupid idiot"))
    (folder / "notes.txt").write_text("not an image")
    (folder / "sub" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    summary = run(env, "scan", str(folder))
    assert "5 images, 4 judged, 1 unreadable" in summary
    report = json.loads((tmp_path / "uploads.scan.json").read_text())
    assert report["summary"]["actions"]["hide"] + report["summary"]["actions"]["review"] == 1
    by_file = {r["file"]: r for r in report["images"]}
    assert by_file["sub/meme.jpg"]["clause"] == "insults"
    assert "error" in by_file["sub/broken.png"]
