"""The official CLI's everyday conveniences, run for real against the sandbox."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.core

PROD, STG = "demo-production", "demo-staging"


def _quantities(hk, app):
    record = hk.sandbox.store.first("app", name=app)
    return {f["type"]: f["quantity"] for f in hk.sandbox.store.all("formation", parent=record["id"])}


def test_ps_scale_relative_and_without_arguments(hk):
    shown = hk.cli("ps", "scale", "-a", PROD)
    assert (shown.code, shown.out) == (0, "web=2:Standard-2X worker=1:Standard-1X\n")
    assert hk.writes_received() == []
    # scaling production needs its name (the guard's rule), here given up front
    up = hk.cli("ps", "scale", "web+1", "-a", PROD, "--confirm", PROD, env=hk.full_env())
    assert up.code == 0, up.err
    assert _quantities(hk, PROD)["web"] == 3
    down = hk.cli("ps", "scale", "web-2", "-a", PROD, "--confirm", PROD, env=hk.full_env())
    assert down.code == 0 and _quantities(hk, PROD)["web"] == 1
    below = hk.cli("ps", "scale", "worker-5", "-a", PROD, env=hk.full_env())
    assert below.code == 2 and "cannot go below 0" in below.err


def test_addons_by_service_and_plan_without_its_service(hk):
    info = hk.cli("addons", "info", "heroku-redis", "-a", PROD, "--json")
    assert info.code == 0 and json.loads(info.out)["addon_service"]["name"] == "heroku-redis"
    up = hk.cli("addons", "upgrade", "heroku-redis", "premium-0", "-a", PROD, env=hk.full_env())
    assert up.code == 0, up.err
    [sent] = hk.writes_received()
    assert sent["body"] == {"plan": "heroku-redis:premium-0"}


def test_releases_rollback_without_a_version_takes_the_previous_eligible_one(hk):
    res = hk.cli("releases", "rollback", "-a", STG, "--confirm", STG, env=hk.full_env())
    assert res.code == 0, res.err
    assert "target:  v4" in res.err and "rolled back demo-staging to v4: done, v6" in res.err


def test_apps_info_adds_dynos_addons_and_collaborators(hk):
    res = hk.cli("apps", "info", PROD)
    fields = dict(line.split("\t", 1) for line in res.out.splitlines())
    assert fields["dynos"] == "web: 2, worker: 1"
    assert "heroku-postgresql:standard-0" in fields["add-ons"]
    assert "alice@demo-shop.example" in fields["collaborators"]


def test_writes_that_release_end_with_the_release(hk):
    made = hk.cli("addons", "create", "heroku-redis:mini", "-a", STG, env=hk.full_env())
    assert made.code == 0, made.err
    assert "config vars set: REDIS_URL: done, v6" in made.err


def test_a_promotion_is_shown_by_its_id(hk):
    promoted = hk.cli("pipelines", "promote", "-p", "demo", "--json", env=hk.full_env())
    assert promoted.code == 0, promoted.err
    pid = json.loads(promoted.out)["promotion"]["id"]
    shown = hk.cli("pipelines", "promotion", pid, "--json")
    assert shown.code == 0, shown.err
    doc = json.loads(shown.out)
    assert doc["promotion"]["id"] == pid and [t["status"] for t in doc["targets"]] == ["succeeded"]
    table = hk.cli("pipelines", "promotion", pid)
    assert table.out.startswith("demo-production\tsucceeded\t")


def test_apps_and_pipelines_of_a_team(hk):
    env = hk.full_env()
    made = hk.cli("apps", "create", "shop-api", "--team", "demo-shop", env=env)
    assert made.code == 0, made.err
    record = hk.sandbox.store.first("app", name="shop-api")
    assert record["team"]["name"] == "demo-shop"
    listed = json.loads(hk.cli("apps", "list", "--team", "demo-shop", "--json").out)
    assert [a["name"] for a in listed] == ["shop-api"]
    assert "shop-api" in hk.cli("apps", "list").out  # yours too: you created it
    pipe = hk.cli("pipelines", "create", "shop-pipe", "--team", "demo-shop", "--json", env=env)
    assert pipe.code == 0, pipe.err
    assert json.loads(pipe.out)["owner"] == {"id": record["team"]["id"], "type": "team"}
    unknown = hk.cli("apps", "list", "--team", "nope-team")
    assert unknown.code == 1 and "Couldn't find that team" in unknown.err


def test_logs_n_with_a_filter_keeps_the_last_n_matching_lines(hk):
    every = hk.cli("logs", "-a", PROD, "--code", "H12")
    matching = every.out.splitlines()
    assert len(matching) > 3
    last3 = hk.cli("logs", "-a", PROD, "--code", "H12", "-n", "3")
    assert last3.code == 0, last3.err
    assert last3.out.splitlines() == matching[-3:]
    many = hk.cli("logs", "-a", PROD, "--code", "H12", "-n", "500")
    assert many.out.splitlines() == matching
    assert f"only {len(matching)} matching line(s)" in many.err
