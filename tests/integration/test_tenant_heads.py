"""Learning from moderators: examples in, `tamis train text --tenant`, the tenant's heads out."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tamis.cli import app
from tamis.services import examples
from tests.integration.conftest import Api
from tests.unit.text.test_classifier_tenant import CRYPTO, OTHER

SHILL = "Grab $RUGX before Friday's pump, 300x, details in my Telegram"


def _teach(api: Api, headers: dict[str, str]) -> None:
    for text, violating in [*((t, True) for t in CRYPTO), *((t, False) for t in OTHER)]:
        r = api.client.post(
            "/v1/examples",
            headers=headers,
            json={"text": text, "category": "custom/crypto-shilling", "violating": violating},
        )
        assert r.status_code == 201, r.text


def _score(api: Api, headers: dict[str, str], text: str) -> float | None:
    r = api.client.post("/v1/moderate", headers=headers, json={"text": text})
    assert r.status_code == 200, r.text
    score: float | None = r.json()["categories"].get("custom/crypto-shilling")
    return score


def test_a_tenant_defines_a_category_from_examples(api: Api) -> None:
    _teach(api, api.auth())
    assert _score(api, api.auth(), SHILL) is None  # nothing covers it before training

    report = examples.train_heads(api.rt, tenant_id=api.tenant_id)
    entry = report["categories"]["custom/crypto-shilling"]
    assert report["version"] and entry["positives"] == len(CRYPTO)

    shill = _score(api, api.auth(), SHILL)
    calm = _score(api, api.auth(), "Lovely weather for the regatta this weekend")
    assert shill is not None and calm is not None and shill > 0.5 > calm
    verdict = api.client.post("/v1/moderate", headers=api.auth(), json={"text": SHILL}).json()
    assert {"name": "text-tenant", "version": "1.0.0"} in verdict["analyzers"]

    _, rival = api.new_tenant("rival")  # another tenant's heads are its own
    assert _score(api, api.auth(rival), SHILL) is None


def test_train_command_prints_what_it_measured(api: Api, tmp_path: Path) -> None:
    _teach(api, api.auth())
    env = {"TAMIS_DATA_DIR": str(api.rt.settings.data_dir), "COLUMNS": "200"}
    if api.rt.settings.database_url:
        env["TAMIS_DATABASE_URL"] = api.rt.settings.database_url
    result = CliRunner().invoke(app, ["train", "text", "--tenant", "news"], env=env)
    assert result.exit_code == 0, result.output
    assert "custom/crypto-shilling" in result.output and "stored heads" in result.output
    with api.rt.store.read() as tx:
        stored = tx.text_heads.get(tenant_id=api.tenant_id)
    assert stored is not None and stored.categories == ("custom/crypto-shilling",)
