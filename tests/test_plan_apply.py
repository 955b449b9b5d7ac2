"""Plan, then execute: --plan records (no secret), plan show renders, apply re-checks, asks once,
runs in order and stops at the first failure; STATUS.md journals every step in orchestration mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hkctl.guard.policy import READONLY_MESSAGE
from tests.support import Harness

pytestmark = pytest.mark.core

SECRET = "s3cr3t-plan-value"


def record_three(hk: Harness, plan: Path) -> None:
    for argv in (
        ("config", "set", f"NEW_FLAG={SECRET}", "-a", "demo-staging"),
        ("apps", "maintenance", "on", "-a", "demo-staging"),
        ("config", "unset", "FEATURE_NEW_CHECKOUT", "-a", "demo-staging"),
    ):
        r = hk.cli(*argv, "--plan", str(plan), env=hk.full_env())
        assert r.code == 0, r.text
        assert "recorded" in r.err
    assert hk.writes_received() == []


def app_doc(hk: Harness) -> dict:
    return hk.sandbox.store.first("app", name="demo-staging")


def status_rows(path: Path) -> list[list[str]]:
    rows = [line for line in path.read_text().splitlines() if line.startswith("| ") and "---" not in line]
    return [[c.strip() for c in r.strip("|").split("|")] for r in rows[1:]]  # skip the header


def test_plan_file_holds_no_secret_and_names_where_the_value_comes_from(hk: Harness, tmp_path: Path) -> None:
    plan = tmp_path / "plan.jsonl"
    record_three(hk, plan)
    text = plan.read_text()
    assert SECRET not in text
    entries = [json.loads(line) for line in text.splitlines()]
    assert [e["action"] for e in entries] == ["config_update", "apps_update", "config_update"]
    assert entries[0]["from_env"] == {"NEW_FLAG": "HKCTL_VALUE_NEW_FLAG"}
    assert entries[1]["payload"] == {"maintenance": True}
    shown = hk.cli("plan", "show", str(plan))
    assert shown.code == 0
    assert "#3" in shown.out and "HKCTL_VALUE_NEW_FLAG" in shown.out and SECRET not in shown.out
    as_json = json.loads(hk.cli("plan", "show", str(plan), "--json").out)
    assert [s["step"] for s in as_json] == [1, 2, 3]


def test_apply_runs_the_three_steps_once_confirmed_and_journals_them(hk: Harness, tmp_path: Path) -> None:
    plan, status = tmp_path / "plan.jsonl", tmp_path / "STATUS.md"
    record_three(hk, plan)
    asked: list[str] = []

    def person(plan_text: str, question: str) -> str:
        asked.append(plan_text)
        return "yes"

    env = hk.env(HEROKU_PERMISSION="full", HKCTL_VALUE_NEW_FLAG=SECRET)
    r = hk.cli("apply", str(plan), "--status-file", str(status), env=env, confirmer=person)
    assert r.code == 0, r.text
    assert len(asked) == 1 and "Confirm 3 operations" in asked[0]  # the whole plan, asked once
    doc = app_doc(hk)
    assert doc["_config"]["NEW_FLAG"] == SECRET
    assert doc["maintenance"] is True
    assert "FEATURE_NEW_CHECKOUT" not in doc["_config"]
    methods = [(w["method"], w["path"]) for w in hk.writes_received()]
    assert methods == [
        ("PATCH", "/apps/demo-staging/config-vars"),
        ("PATCH", "/apps/demo-staging"),
        ("PATCH", "/apps/demo-staging/config-vars"),
    ]
    first_write = next(i for i, q in enumerate(hk.received()) if q["method"] == "PATCH")
    assert [q["method"] for q in hk.received()[:first_write]] == ["GET"] * first_write  # GET before write
    rows = status_rows(status)
    assert len(rows) == 3
    assert all(row[4].startswith("ok") and row[5] != "-" for row in rows)
    assert SECRET not in status.read_text() and SECRET not in r.text


def test_fault_at_step_two_stops_before_step_three_and_status_says_so(hk: Harness, tmp_path: Path) -> None:
    plan, status = tmp_path / "plan.jsonl", tmp_path / "STATUS.md"
    record_three(hk, plan)
    hk.sandbox.faults.configure(every=1, routes=("PATCH /apps/{app}",), statuses=(422,))
    env = hk.full_env(HKCTL_VALUE_NEW_FLAG=SECRET)
    r = hk.cli("apply", str(plan), "--status-file", str(status), env=env)
    assert r.code == 1
    assert "stopped at step #2" in r.err and "not run" in r.err and "not done" in r.err
    doc = app_doc(hk)
    assert doc["_config"]["NEW_FLAG"] == SECRET  # step 1 done
    assert doc["maintenance"] is False  # step 2 failed
    assert "FEATURE_NEW_CHECKOUT" in doc["_config"]  # step 3 not run
    assert len([w for w in hk.writes_received() if w["path"].endswith("config-vars")]) == 1
    rows = status_rows(status)
    assert [row[4].split(":")[0].split(" ")[0] for row in rows] == ["ok", "failed", "not"]
    assert rows[1][5] != "-"  # the failed step keeps its Request-Id
    assert "not run" in rows[2][4] and "#2" in rows[2][4]


def test_missing_secret_value_sends_nothing(hk: Harness, tmp_path: Path) -> None:
    plan = tmp_path / "plan.jsonl"
    record_three(hk, plan)
    r = hk.cli("apply", str(plan), env=hk.full_env())
    assert r.code == 2 and "HKCTL_VALUE_NEW_FLAG" in r.err
    assert hk.received() == []


def test_readonly_apply_is_refused_after_the_reads(hk: Harness, tmp_path: Path) -> None:
    plan = tmp_path / "plan.jsonl"
    record_three(hk, plan)
    r = hk.cli("apply", str(plan), env=hk.env(HKCTL_VALUE_NEW_FLAG=SECRET))
    assert r.code == 3 and READONLY_MESSAGE in r.err
    assert hk.writes_received() == []


def test_gone_target_stops_before_any_write(hk: Harness, tmp_path: Path) -> None:
    plan = tmp_path / "plan.jsonl"
    r = hk.cli("apps", "maintenance", "on", "-a", "demo-staging", "--plan", str(plan), env=hk.full_env())
    assert r.code == 0
    hk.sandbox.store.delete("app", app_doc(hk)["id"])
    r = hk.cli("apply", str(plan), env=hk.full_env())
    assert r.code == 1 and "is gone" in r.err
    assert hk.writes_received() == []


def test_no_status_file_outside_orchestration_mode(
    hk: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = tmp_path / "plan.jsonl"
    record_three(hk, plan)
    monkeypatch.chdir(tmp_path)
    r = hk.cli("apply", str(plan), env=hk.full_env(HKCTL_VALUE_NEW_FLAG=SECRET))
    assert r.code == 0, r.text
    assert not (tmp_path / "STATUS.md").exists()
    monkeypatch.chdir(tmp_path)
    r = hk.cli("apps", "maintenance", "off", "-a", "demo-staging", env=hk.full_env(HKCTL_ORCHESTRATION="1"))
    assert r.code == 0, r.text
    assert len(status_rows(tmp_path / "STATUS.md")) == 1


def test_malformed_plan_is_bad_input(hk: Harness, tmp_path: Path) -> None:
    plan = tmp_path / "plan.jsonl"
    plan.write_text('{"method": "GET", "endpoint": "/apps", "action": "apps_list"}\n')
    r = hk.cli("apply", str(plan), env=hk.full_env())
    assert r.code == 2 and "not a write" in r.err
    assert hk.received() == []
