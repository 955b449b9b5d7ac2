"""Review apps end to end: config on the demo pipeline, real apps created at stage review and destroyed."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.core
SOURCE = "https://github.com/hkctl/demo/archive/feature/new-auth.tar.gz"


def _pipeline(hk):
    return hk.sandbox.store.first("pipeline", name="demo")


def _enable(hk, *extra: str):
    r = hk.cli(
        "review-apps", "config", "--pipeline", "demo", "--repo", "hkctl/demo", *extra, env=hk.full_env()
    )
    assert r.code == 0, r.err
    return r


def test_config_enable_then_update_with_the_review_apps_accept(hk):
    _enable(hk, "--automatic", "--destroy-stale", "--stale-days", "5", "--wait-for-ci")
    cfg = hk.sandbox.store.get("review-app-config", _pipeline(hk)["id"])
    assert (
        cfg["automatic_review_apps"],
        cfg["destroy_stale_apps"],
        cfg["stale_days"],
        cfg["wait_for_ci"],
    ) == (
        True,
        True,
        5,
        True,
    )
    assert cfg["_repo"] == "hkctl/demo"
    writes = hk.writes_received()
    assert writes[-1]["method"] == "POST" and "version=3.review-apps" in writes[-1]["accept"]

    r = hk.cli(
        "review-apps",
        "config",
        "--pipeline",
        "demo",
        "--stale-days",
        "9",
        "--no-automatic",
        env=hk.full_env(),
    )
    assert r.code == 0, r.err
    cfg = hk.sandbox.store.get("review-app-config", _pipeline(hk)["id"])
    assert cfg["stale_days"] == 9 and cfg["automatic_review_apps"] is False
    assert hk.writes_received()[-1]["method"] == "PATCH"

    shown = json.loads(hk.cli("review-apps", "config", "--pipeline", "demo", "--json").out)
    assert shown["stale_days"] == 9 and shown["pipeline_id"] == _pipeline(hk)["id"]


def test_config_without_repo_when_disabled_is_bad_input(hk):
    r = hk.cli("review-apps", "config", "--pipeline", "demo", "--automatic", env=hk.full_env())
    assert r.code == 2 and "--repo" in r.err
    assert hk.writes_received() == []


def test_create_makes_a_real_app_coupled_at_review_and_destroy_removes_it(hk):
    _enable(hk)
    r = hk.cli(
        "review-apps",
        "create",
        "--pipeline",
        "demo",
        "--branch",
        "feature/new-auth",
        "--source-url",
        SOURCE,
        "--json",
        env=hk.full_env(),
    )
    assert r.code == 0, r.err
    created = json.loads(r.out)
    assert created["status"] == "creating" and created["branch"] == "feature/new-auth"
    app = hk.sandbox.store.get("app", created["app"]["id"])
    assert app["name"] == "demo-feature-new-auth"
    coupling = hk.sandbox.store.first("pipeline-coupling", app__id=app["id"])
    assert coupling["stage"] == "review" and coupling["pipeline"]["id"] == _pipeline(hk)["id"]
    hk.cli("review-apps", "list", "--pipeline", "demo")  # lets the scheduled build finish
    [build] = hk.sandbox.store.all("build", parent=app["id"])
    assert build["source_blob"]["url"] == SOURCE and build["status"] == "succeeded"

    rows = json.loads(hk.cli("review-apps", "list", "--pipeline", "demo", "--json").out)
    assert [(x["id"], x["status"]) for x in rows] == [(created["id"], "created")]
    assert "demo-feature-new-auth" in hk.cli("review-apps", "list", "--pipeline", "demo").out

    r = hk.cli(
        "review-apps", "destroy", created["id"], "--confirm", "demo-feature-new-auth", env=hk.full_env()
    )
    assert r.code == 0, r.err
    assert hk.sandbox.store.get("app", app["id"]) is None
    assert hk.sandbox.store.first("pipeline-coupling", app__id=app["id"]) is None
    assert json.loads(hk.cli("review-apps", "list", "--pipeline", "demo", "--json").out) == []


def test_destroy_without_the_typed_name_is_refused(hk):
    _enable(hk)
    r = hk.cli(
        "review-apps",
        "create",
        "-p",
        "demo",
        "-b",
        "fix",
        "--pr",
        "42",
        "--source-url",
        SOURCE,
        "--json",
        env=hk.full_env(),
    )
    created = json.loads(r.out)
    assert hk.sandbox.store.get("app", created["app"]["id"])["name"] == "demo-pr-42"
    before = len(hk.writes_received())
    r = hk.cli("review-apps", "destroy", created["id"], env=hk.full_env())
    assert r.code == 3 and "demo-pr-42" in r.err
    assert len(hk.writes_received()) == before
    assert hk.sandbox.store.get("app", created["app"]["id"]) is not None


def test_create_needs_review_apps_enabled(hk):
    r = hk.cli("review-apps", "create", "-p", "demo", "-b", "x", "--source-url", SOURCE, env=hk.full_env())
    assert r.code == 1 and "not enabled" in r.err
    assert hk.sandbox.store.all("review-app") == []


def test_long_branch_names_give_valid_unique_app_names(hk):
    _enable(hk)
    names = []
    for _ in range(2):
        r = hk.cli(
            "review-apps",
            "create",
            "-p",
            "demo",
            "-b",
            "Feature/A_Very_Long-Branch.Name-that-goes-on",
            "--source-url",
            SOURCE,
            "--json",
            env=hk.full_env(),
        )
        assert r.code == 0, r.err
        names.append(hk.sandbox.store.get("app", json.loads(r.out)["app"]["id"])["name"])
    import re

    assert all(re.match(r"^[a-z][a-z0-9-]{1,28}[a-z0-9]$", n) for n in names)
    assert len(set(names)) == 2
