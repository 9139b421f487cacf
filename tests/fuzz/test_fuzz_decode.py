"""Runs the atheris harness (fuzz_decode.py) for a short fixed budget, seeded with the hostile
corpus and small valid images; fails if it finds an input that breaks the decode contract.

Longer runs: python tests/fuzz/fuzz_decode.py CORPUS_DIR -max_total_time=3600
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile_media import seeds

pytestmark = pytest.mark.slow

HARNESS = Path(__file__).with_name("fuzz_decode.py")
BUDGET_S = 20


def test_the_decode_path_survives_fuzzing(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, data in seeds().items():
        (corpus / name).write_bytes(data)
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    env = {**os.environ, "PYTHONPATH": str(HARNESS.parents[2])}
    run = subprocess.run(
        [
            sys.executable,
            str(HARNESS),
            str(corpus),
            f"-max_total_time={BUDGET_S}",
            "-timeout=30",
            "-rss_limit_mb=2048",
            f"-artifact_prefix={artifacts}/",
        ],
        capture_output=True,
        text=True,
        timeout=BUDGET_S + 120,
        env=env,
        check=False,
    )
    log = run.stdout + run.stderr
    found = sorted(p.name for p in artifacts.iterdir())
    assert run.returncode == 0 and not found, f"fuzzing found {found}:\n{log[-4000:]}"
    done = re.search(r"Done (\d+) runs", log)
    assert done is not None, log[-2000:]
    assert int(done.group(1)) > len(seeds()), "the fuzzer barely ran"
