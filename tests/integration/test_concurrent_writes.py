"""The same write sent by several requests at once: one takes effect, none gets a 5xx."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.integration.conftest import Api

AT_ONCE = 8


def _at_once(send: Callable[[], Any]) -> list[Any]:
    with ThreadPoolExecutor(AT_ONCE) as pool:
        return list(pool.map(lambda _: send(), range(AT_ONCE)))


@pytest.mark.parametrize(
    ("path", "added"),
    [
        ("/v1/lexicon/terms", {"list": "block", "term": "frobnicate", "category": "spam"}),
        ("/v1/links/rules", {"list": "block", "pattern": "*.scam.example", "category": "spam"}),
    ],
)
def test_a_rule_added_and_removed_by_requests_at_once_changes_once(
    api: Api, path: str, added: dict[str, str]
) -> None:
    key = {k: v for k, v in added.items() if k != "category"}
    for round in range(3):
        adds = _at_once(lambda: api.client.post(path, json=added, headers=api.auth()))
        assert [r.status_code for r in adds] == [201] * AT_ONCE, round
        assert [r.json()["changed"] for r in adds].count(True) == 1
        removals = _at_once(
            lambda: api.client.request("DELETE", path, json=key, headers=api.auth())
        )
        assert [r.status_code for r in removals] == [200] * AT_ONCE, round
        assert [r.json()["removed"] for r in removals].count(True) == 1
