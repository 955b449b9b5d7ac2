"""hkctl addons against the sandbox: list, info, create (vars, attachment, release), upgrade, destroy."""

from __future__ import annotations

import json

import pytest

from tests.support import Harness

pytestmark = pytest.mark.core


def _app(hk: Harness, name: str) -> dict:
    app = hk.sandbox.store.first("app", name=name)
    assert app is not None
    return app


def _current_release(hk: Harness, name: str) -> dict:
    app = _app(hk, name)
    return next(r for r in hk.sandbox.store.all("release", parent=app["id"]) if r["current"])


def test_list_shows_the_seeded_addons_with_plans_and_prices(hk: Harness) -> None:
    r = hk.cli("addons", "list", "-a", "demo-production", "--json")
    assert r.code == 0, r.err
    plans = sorted(a["plan"]["name"] for a in json.loads(r.out))
    assert plans == ["heroku-postgresql:standard-0", "heroku-redis:mini"]
    table = hk.cli("addons", "list", "-a", "demo-production")
    assert "$50/month" in table.out and "DATABASE_URL" in table.out


def test_info_by_attachment_name(hk: Harness) -> None:
    r = hk.cli("addons", "info", "DATABASE", "-a", "demo-staging")
    assert r.code == 0, r.err
    assert "heroku-postgresql:essential-0" in r.out and "provisioned" in r.out


def test_create_sets_the_config_var_attaches_and_releases(hk: Harness) -> None:
    r = hk.cli("addons", "create", "heroku-redis:mini", "-a", "demo-staging", env=hk.full_env())
    assert r.code == 0, r.err
    name = r.out.strip()
    assert name.startswith("redis-")
    assert "provisioning" in r.err and "REDIS_URL" in r.err
    addon = hk.sandbox.store.first("addon", name=name)
    assert addon["plan"]["name"] == "heroku-redis:mini" and addon["config_vars"] == ["REDIS_URL"]
    assert _app(hk, "demo-staging")["_config"]["REDIS_URL"].startswith("rediss://")
    release = _current_release(hk, "demo-staging")
    assert release["description"] == f"Attach REDIS (@ref:{name})"
    assert "heroku-redis:mini" in release["addon_plan_names"]
    assert release["_config"]["REDIS_URL"] == _app(hk, "demo-staging")["_config"]["REDIS_URL"]
    att = hk.sandbox.store.first("addon-attachment", name="REDIS", app__name="demo-staging")
    assert att["addon"]["id"] == addon["id"]
    # provisioning → provisioned (duration 0 in tests: at the next request)
    again = hk.cli("addons", "info", name, "-a", "demo-staging", "--json")
    assert json.loads(again.out)["state"] == "provisioned"
    events = [e for e in hk.sandbox.store.all("event") if e["resource"] == "addon"]
    assert [e["action"] for e in events if e["data"]["name"] == name] == ["create", "update"]


def test_a_second_database_is_attached_under_a_color_name(hk: Harness) -> None:
    r = hk.cli(
        "addons", "create", "heroku-postgresql:essential-1", "--name", "analytics-db", "--config", "version=16",
        "-a", "demo-staging", env=hk.full_env(),
    )  # fmt: skip
    assert r.code == 0, r.err
    addon = hk.sandbox.store.first("addon", name="analytics-db")
    (var,) = addon["config_vars"]
    assert var.startswith("HEROKU_POSTGRESQL_") and var.endswith("_URL")
    assert addon["_config"] == {"version": "16"}
    config = _app(hk, "demo-staging")["_config"]
    assert config[var].startswith("postgres://") and config[var] != config["DATABASE_URL"]
    sent = [x for x in hk.writes_received() if x["path"] == "/apps/demo-staging/addons"]
    assert sent[0]["body"] == {
        "plan": "heroku-postgresql:essential-1",
        "name": "analytics-db",
        "config": {"version": "16"},
    }


def test_upgrade_changes_the_plan_and_releases(hk: Harness) -> None:
    r = hk.cli(
        "addons",
        "upgrade",
        "DATABASE",
        "heroku-postgresql:essential-1",
        "-a",
        "demo-staging",
        env=hk.full_env(),
    )
    assert r.code == 0, r.err
    addon = hk.sandbox.store.first("addon", app__name="demo-staging")
    assert addon["plan"]["name"] == "heroku-postgresql:essential-1"
    assert addon["billed_price"]["cents"] == 900
    release = _current_release(hk, "demo-staging")
    assert release["description"] == f"Upgrade @ref:{addon['name']} to heroku-postgresql:essential-1"
    assert release["addon_plan_names"] == ["heroku-postgresql:essential-1"]


def test_upgrade_to_another_service_is_refused_by_the_api(hk: Harness) -> None:
    r = hk.cli("addons", "upgrade", "DATABASE", "heroku-redis:mini", "-a", "demo-staging", env=hk.full_env())
    assert r.code == 1 and "422" in r.err
    assert (
        hk.sandbox.store.first("addon", app__name="demo-staging")["plan"]["name"]
        == "heroku-postgresql:essential-0"
    )


def test_destroy_needs_the_app_name_then_removes_the_var_with_a_detach_release(hk: Harness) -> None:
    refused = hk.cli("addons", "destroy", "REDIS", "-a", "demo-production", env=hk.full_env())
    assert refused.code == 3 and hk.writes_received() == []
    addon = hk.sandbox.store.first(
        "addon", name=hk.sandbox.store.first("addon-attachment", name="REDIS")["addon"]["name"]
    )
    r = hk.cli(
        "addons",
        "destroy",
        "REDIS",
        "-a",
        "demo-production",
        "--confirm",
        "demo-production",
        env=hk.full_env(),
    )
    assert r.code == 0, r.err
    assert hk.sandbox.store.get("addon", addon["id"]) is None
    assert hk.sandbox.store.first("addon-attachment", name="REDIS") is None
    assert "REDIS_URL" not in _app(hk, "demo-production")["_config"]
    release = _current_release(hk, "demo-production")
    assert release["description"] == f"Detach REDIS (@ref:{addon['name']})"
    assert release["addon_plan_names"] == ["heroku-postgresql:standard-0"]


@pytest.mark.parametrize(
    "argv",
    [
        ("addons", "create", "Heroku Postgres", "-a", "demo-staging"),
        ("addons", "create", "heroku-postgresql:essential-0", "--config", "novalue", "-a", "demo-staging"),
        ("addons", "create", "heroku-postgresql:essential-0", "--name", "1bad", "-a", "demo-staging"),
        ("addons", "upgrade", "DATABASE", "essential 1", "-a", "demo-staging"),
        ("addons", "destroy", "bad/name", "-a", "demo-staging"),
        ("addons", "list", "-a", "Not_An_App"),
    ],
)
def test_bad_input_exits_2_and_sends_nothing(hk: Harness, argv: tuple[str, ...]) -> None:
    r = hk.cli(*argv, env=hk.full_env())
    assert r.code == 2, r.err
    assert hk.received() == []


def test_unknown_plan_is_the_apis_422(hk: Harness) -> None:
    r = hk.cli("addons", "create", "heroku-postgresql:gigantic-9", "-a", "demo-staging", env=hk.full_env())
    assert r.code == 1 and "invalid_params" in r.err
    assert len(hk.sandbox.store.all("addon")) == 3


def test_resolve_is_ambiguous_across_apps_and_exact_within_one(hk: Harness) -> None:
    client = hk.client()
    with pytest.raises(Exception) as exc:
        client.request("POST", "/actions/addons/resolve", body={"addon": "DATABASE"})
    assert getattr(exc.value, "id", None) == "multiple_matches"
    found = client.json(
        "POST", "/actions/addons/resolve", body={"addon": "DATABASE", "app": "demo-production"}
    )
    assert [a["plan"]["name"] for a in found] == ["heroku-postgresql:standard-0"]


def test_catalogue_lists_plans_with_prices(hk: Harness) -> None:
    from hkctl.resources import addons

    plans = {p.name: p.price and p.price.cents for p in addons.plans(hk.client(), "heroku-postgresql")}
    assert plans["heroku-postgresql:essential-0"] == 500 and plans["heroku-postgresql:premium-0"] == 20000
