"""hkctl deploy against the sandbox: staging then production, the staging rule, and failures that undo themselves."""

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
    return [r for r in hk.sandbox.store.all("release", parent=_app(hk, name)["id"]) if r["current"]][-1]


def _source(tmp_path: Path, name: str = "src", *, fail: bool = False, marker: str = "1") -> Path:
    src = tmp_path / name
    src.mkdir()
    (src / "Gemfile").write_text('source "https://rubygems.org"\ngem "rack"\n')
    (src / "config.ru").write_text(f"# build {marker}\nrun ->(env) {{ [200, {{}}, ['ok']] }}\n")
    if fail:
        (src / "HKCTL_FAIL_BUILD").write_text("make the sandbox build fail\n")
    return src


def _deploy(hk: Harness, app: str, src: Path, *extra: str, env: dict[str, str] | None = None) -> Any:
    return hk.cli("deploy", app, "--dir", str(src), "--verify-window", "0", *extra, env=env or hk.full_env())


def _assert_unchanged(hk: Harness, app: str, before: dict[str, Any], r: Any) -> None:
    """The app runs what it ran before (same slug and config), maintenance is off, the report is printed."""
    now = _current(hk, app)
    assert now["slug"]["id"] == before["slug"]["id"]
    assert now["_config"] == before["_config"]
    assert _app(hk, app)["maintenance"] is False
    assert "done:" in r.err and "not done:" in r.err and "to undo:" in r.err


def test_staging_then_production(hk: Harness, tmp_path: Path) -> None:
    src = _source(tmp_path)
    r = _deploy(hk, "demo-staging", src, "--migrate", "rake db:migrate")
    assert r.code == 0, r.err
    staged = _current(hk, "demo-staging")
    assert staged["description"].startswith("Deploy ")
    assert "Migration in a one-off dyno — run." in r.err

    before = _current(hk, "demo-production")
    r = _deploy(hk, "demo-production", src, "--json")
    assert r.code == 3 and "--confirm demo-production" in r.err, r.err  # its contingent rollback step
    r = _deploy(hk, "demo-production", src, "--json", "--confirm", "demo-production")
    assert r.code == 0, r.err
    log = json.loads(r.out)
    steps = {s["name"]: s["status"] for s in log["steps"]}
    # production: backup and maintenance happen without being asked for
    assert (
        steps["backup"] == "done" and steps["maintenance_on"] == "done" and steps["maintenance_off"] == "done"
    )
    assert steps["staging"] == "done" and steps["verify"] == "done"
    now = _current(hk, "demo-production")
    assert now["version"] > before["version"] and now["slug"]["id"] != before["slug"]["id"]
    assert _app(hk, "demo-production")["maintenance"] is False
    assert log["undo"] == [f"hkctl rollback demo-production v{before['version']}"]
    writes = [(w["method"], w.get("template") or w["path"]) for w in hk.writes_received()]
    assert ("POST", "/client/v11/databases/{db}/backups") in [(m, t) for m, t in writes] or any(
        "/backups" in t for _, t in writes
    )


def test_production_without_staging_is_refused(hk: Harness, tmp_path: Path) -> None:
    src = _source(tmp_path, marker="never-staged")
    r = _deploy(hk, "demo-production", src)
    assert r.code == 3
    assert "staging" in r.err and "promote" in r.err
    assert hk.writes_received() == []


def test_skip_staging_check_needs_a_reason_and_is_logged(hk: Harness, tmp_path: Path) -> None:
    src = _source(tmp_path, marker="hotfix")
    r = _deploy(hk, "demo-production", src, "--skip-staging-check")
    assert r.code == 2 and hk.writes_received() == []
    r = _deploy(
        hk,
        "demo-production",
        src,
        "--skip-staging-check",
        "--reason",
        "hotfix INC-42",
        "--json",
        "--confirm",
        "demo-production",
    )
    assert r.code == 0, r.err
    log = json.loads(r.out)
    assert any("hotfix INC-42" in n for n in log["notes"])
    assert "hotfix INC-42" in r.err


def test_failing_build_leaves_previous_release(hk: Harness, tmp_path: Path) -> None:
    before = _current(hk, "demo-staging")
    r = _deploy(hk, "demo-staging", _source(tmp_path, fail=True), "--maintenance")
    assert r.code == 1
    assert "Build (failed" in r.err
    _assert_unchanged(hk, "demo-staging", before, r)
    assert "turn maintenance mode off (automatic" in r.err


def test_failing_migration_rolls_back_and_turns_maintenance_off(hk: Harness, tmp_path: Path) -> None:
    before = _current(hk, "demo-staging")
    r = _deploy(hk, "demo-staging", _source(tmp_path), "--migrate", "exit 1", "--maintenance")
    assert r.code == 1
    assert "exited with status 1" in r.err
    _assert_unchanged(hk, "demo-staging", before, r)
    assert _current(hk, "demo-staging")["description"] == f"Rollback to v{before['version']}"
    assert "Dynos restarted" in r.err.split("not done:")[1]


def test_rate_limit_mid_deploy_leaves_previous_release(hk: Harness, tmp_path: Path) -> None:
    before = _current(hk, "demo-staging")
    # every poll of the build answers 429 (after the client's retries): the deploy must stop cleanly
    hk.sandbox.faults.configure(rate=1.0, statuses=[429], routes=["GET /apps/{app}/builds/{build}"])
    r = _deploy(hk, "demo-staging", _source(tmp_path), "--maintenance")
    hk.sandbox.faults.configure(rate=0.0, routes=[])
    assert r.code == 1
    assert "429" in r.err or "rate" in r.err.lower()
    _assert_unchanged(hk, "demo-staging", before, r)


def test_readonly_shows_the_plan_and_sends_nothing(hk: Harness, tmp_path: Path) -> None:
    r = _deploy(hk, "demo-staging", _source(tmp_path), "--migrate", "rake db:migrate", env=hk.env())
    assert r.code == 3
    assert "/apps/demo-staging/builds" in r.err and "rake db:migrate" in r.err
    assert "readonly" in r.err
    assert hk.writes_received() == []


def test_whole_plan_is_confirmed_once(hk: Harness, tmp_path: Path) -> None:
    asked: list[str] = []

    def person(plan: str, question: str) -> str:
        asked.append(plan)
        return "yes"

    r = hk.cli(
        "deploy",
        "demo-staging",
        "--dir",
        str(_source(tmp_path)),
        "--verify-window",
        "0",
        env=hk.full_env(),
        confirmer=person,
    )
    assert r.code == 0, r.err
    assert len(asked) == 1
    assert "restart all dynos" in asked[0] and "ONLY IF A STEP FAILS" in asked[0]


def test_bad_input_sends_nothing(hk: Harness, tmp_path: Path) -> None:
    assert hk.cli("deploy", "demo-staging", env=hk.full_env()).code == 2
    src = _source(tmp_path)
    r = hk.cli(
        "deploy",
        "demo-staging",
        "--dir",
        str(src),
        "--source-url",
        "https://x.example/a.tgz",
        env=hk.full_env(),
    )
    assert r.code == 2
    assert hk.cli("deploy", "demo-staging", "--dir", str(tmp_path / "missing"), env=hk.full_env()).code == 2
    assert hk.writes_received() == []


def test_source_url_with_backup_and_json_step_log(hk: Harness) -> None:
    r = hk.cli(
        "deploy",
        "demo-staging",
        "--source-url",
        "https://example.com/app/archive/0a1b2c3.tar.gz",
        "--version",
        "0a1b2c3",
        "--backup",
        "--verify-window",
        "0",
        "--json",
        env=hk.full_env(),
    )
    assert r.code == 0, r.err
    steps = {s["name"]: s for s in json.loads(r.out)["steps"]}
    assert steps["backup"]["status"] == "done" and "completed" in steps["backup"]["detail"]
    assert steps["maintenance_on"]["status"] == "skipped"
    assert _current(hk, "demo-staging")["description"] == "Deploy 0a1b2c3"


def test_failure_json_is_the_step_log(hk: Harness, tmp_path: Path) -> None:
    r = _deploy(hk, "demo-staging", _source(tmp_path, fail=True), "--json")
    assert r.code == 1
    log = json.loads(r.out)
    assert log["status"] == "failed" and "error" in log
    assert {s["name"]: s["status"] for s in log["steps"]}["build"] == "failed"


def test_dry_run_shows_the_plan_and_sends_nothing(hk: Harness, tmp_path: Path) -> None:
    r = _deploy(hk, "demo-staging", _source(tmp_path), "--migrate", "rake db:migrate", "--dry-run")
    assert r.code == 0
    assert "/apps/demo-staging/builds" in r.err and "dry run" in r.err
    assert hk.writes_received() == []


def test_staging_running_the_version_but_unhealthy_is_not_enough(hk: Harness, tmp_path: Path) -> None:
    src = _source(tmp_path, marker="same")
    assert _deploy(hk, "demo-staging", src).code == 0
    staging = _app(hk, "demo-staging")
    staging["maintenance"] = True
    hk.sandbox.store.put("app", staging)
    r = _deploy(hk, "demo-production", src)
    assert r.code == 3
    assert "unhealthy" in r.err and "maintenance mode is on" in r.err


def test_step_log_lists_a_failed_take_back_as_the_undo() -> None:
    from hkctl.errors import HkctlError
    from hkctl.workflows.steps import StepLog

    said: list[str] = []
    log = StepLog("deploy x", say=said.append)
    log.plan(("a", "Step A"), ("b", "Step B"), ("c", "Step C"))
    with log.step("a"):
        log.compensate(
            "turn maintenance mode off",
            lambda: (_ for _ in ()).throw(HkctlError("429")),
            "hkctl apps maintenance off -a x",
        )
    with pytest.raises(HkctlError), log.step("b"):
        raise HkctlError("boom")
    failure = log.failed(HkctlError("boom"), undo_hint=["hkctl releases list -a x"])
    assert failure.undo == ["hkctl apps maintenance off -a x", "hkctl releases list -a x"]
    assert any("FAILED (429)" in d for d in failure.done)
    assert failure.not_done == ["Step B (failed: boom)", "Step C"]
    assert failure.steps["status"] == "failed"  # type: ignore[attr-defined]


def test_a_procfile_that_drops_a_running_type_is_refused_before_anything_is_sent(
    hk: Harness, tmp_path: Path
) -> None:
    src = _source(tmp_path)
    (src / "Procfile").write_text("web: bundle exec puma -C config/puma.rb\n")
    r = _deploy(hk, "demo-staging", src)
    assert r.code == 3, r.err
    assert "new code declares web; running now: web=1 worker=1" in r.err
    assert "the new Procfile has no worker, which runs on demo-staging (worker=1)" in r.err
    assert "--allow-process-removal" in r.err
    assert hk.writes_received() == []
    allowed = _deploy(hk, "demo-staging", src, "--allow-process-removal")
    assert allowed.code == 0, allowed.err
    assert "--allow-process-removal: worker will stop on demo-staging" in allowed.err


def test_migrate_plan_says_when_it_runs_and_that_a_release_phase_makes_it_redundant(
    hk: Harness, tmp_path: Path
) -> None:
    src = _source(tmp_path)
    (src / "Procfile").write_text("web: bin/web\nworker: bin/worker\nrelease: bin/rails db:migrate\n")
    r = _deploy(hk, "demo-staging", src, "--migrate", "rake db:migrate", "--dry-run")
    assert "runs after the build, when the new release is already live" in r.err
    assert "release phase (`bin/rails db:migrate`)" in r.err and "drop --migrate" in r.err
    (src / "Procfile").write_text("web: bin/web\nworker: bin/worker\n")
    r = _deploy(hk, "demo-staging", src, "--migrate", "rake db:migrate", "--dry-run")
    assert "add --maintenance so no request sees the new code before its schema" in r.err
    assert hk.writes_received() == []
