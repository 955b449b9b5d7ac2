"""hkctl rollback: restores the target's slug and config, warns, confirms (typed name on production)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support import Harness

pytestmark = pytest.mark.core


def _app(hk: Harness, name: str) -> dict[str, Any]:
    app = hk.sandbox.store.first("app", name=name)
    assert app is not None
    return app


def _current(hk: Harness, name: str) -> dict[str, Any]:
    rows = [r for r in hk.sandbox.store.all("release", parent=_app(hk, name)["id"]) if r["current"]]
    return rows[-1]


def _release(hk: Harness, name: str, version: int) -> dict[str, Any]:
    return next(
        r for r in hk.sandbox.store.all("release", parent=_app(hk, name)["id"]) if r["version"] == version
    )


def _sample_app(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "Gemfile").write_text('source "https://rubygems.org"\ngem "rack"\n')
    (src / "config.ru").write_text("run ->(env) { [200, {}, ['ok']] }\n")
    return src


def test_rollback_restores_previous_slug_and_config(hk: Harness, tmp_path: Path) -> None:
    before = _current(hk, "demo-staging")
    old_config = dict(_app(hk, "demo-staging")["_config"])
    built = hk.cli(
        "ci", "build", "--dir", str(_sample_app(tmp_path)), "-a", "demo-staging", env=hk.full_env()
    )
    assert built.code == 0, built.err
    assert hk.cli("config", "set", "NEW_FLAG=on", "-a", "demo-staging", env=hk.full_env()).code == 0
    changed = _current(hk, "demo-staging")
    assert changed["slug"]["id"] != before["slug"]["id"]
    assert _app(hk, "demo-staging")["_config"].get("NEW_FLAG") == "on"

    r = hk.cli("rollback", "demo-staging", f"v{before['version']}", env=hk.full_env())
    assert r.code == 0, r.err
    now = _current(hk, "demo-staging")
    assert now["version"] == changed["version"] + 1
    assert now["slug"]["id"] == before["slug"]["id"]
    assert _app(hk, "demo-staging")["_config"] == old_config
    assert "not rolled back" in r.err  # add-ons and migrations warning
    assert f"up on v{now['version']}" in r.err  # dynos watched


def test_default_target_is_previous_eligible_release(hk: Harness) -> None:
    assert hk.cli("config", "set", "A_FLAG=1", "-a", "demo-staging", env=hk.full_env()).code == 0
    cur = _current(hk, "demo-staging")
    r = hk.cli("rollback", "demo-staging", "--json", env=hk.full_env())
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    target = doc["target"]
    assert target["version"] < cur["version"]
    assert target["status"] == "succeeded" and target.get("eligible_for_rollback", True)
    eligible_below = [e["version"] for e in doc["eligible"] if e["version"] < cur["version"]]
    assert target["version"] == max(eligible_below)
    assert doc["release"]["description"] == f"Rollback to v{target['version']}"


def test_production_needs_the_name_typed(hk: Harness) -> None:
    before = _current(hk, "demo-production")
    target = before["version"] - 1
    r = hk.cli("rollback", "demo-production", f"v{target}", env=hk.full_env())
    assert r.code == 3
    assert "demo-production" in r.err
    assert hk.writes_received() == []

    asked: list[str] = []

    def says_yes(plan: str, question: str) -> str:
        asked.append(question)
        return "yes"

    r = hk.cli("rollback", "demo-production", f"v{target}", env=hk.full_env(), confirmer=says_yes)
    assert r.code == 3 and "demo-production" in asked[0]
    assert hk.writes_received() == []

    r = hk.cli(
        "rollback",
        "demo-production",
        f"v{target}",
        env=hk.full_env(),
        confirmer=lambda p, q: "demo-production",
    )
    assert r.code == 0, r.err
    assert _current(hk, "demo-production")["description"] == f"Rollback to v{target}"


def test_production_with_confirm_flag(hk: Harness) -> None:
    target = _current(hk, "demo-production")["version"] - 1
    r = hk.cli("rollback", "demo-production", f"v{target}", "--confirm", "demo-production", env=hk.full_env())
    assert r.code == 0, r.err


def test_staging_confirms_with_yes(hk: Harness) -> None:
    target = _current(hk, "demo-staging")["version"] - 1
    r = hk.cli("rollback", "demo-staging", f"v{target}", env=hk.full_env(), confirmer=lambda p, q: "yes")
    assert r.code == 0, r.err


def test_readonly_refuses_and_sends_nothing(hk: Harness) -> None:
    r = hk.cli("rollback", "demo-staging")
    assert r.code == 3
    assert "readonly" in r.err
    assert hk.writes_received() == []


def test_current_or_unknown_target_is_bad_input(hk: Harness) -> None:
    cur = _current(hk, "demo-staging")["version"]
    r = hk.cli("rollback", "demo-staging", f"v{cur}", env=hk.full_env())
    assert r.code == 2 and "current release" in r.err
    assert hk.cli("rollback", "demo-staging", "latest", env=hk.full_env()).code == 2
    assert hk.writes_received() == []
