"""Pipelines end to end: the demo pipeline, couplings, and promotions that leave state in the sandbox."""

from __future__ import annotations

import json
import uuid

import pytest

from hkctl.resources import pipelines
from hkctl.sandbox.backend.apps import create_app
from hkctl.sandbox.backend.releases import create_release, current
from hkctl.sandbox.seed import DEMO_EMAIL

pytestmark = pytest.mark.core


def _app(hk, name):
    return hk.sandbox.store.first("app", name=name)


def _deploy_slug(hk, name: str) -> str:
    """Give the app a current release with a slug (the runtime seed may already have done so)."""
    sb = hk.sandbox
    app = _app(hk, name)
    rel = current(sb, app)
    if rel and rel.get("slug"):
        return rel["slug"]["id"]
    slug_id = str(uuid.uuid4())
    with sb.store.tx():
        account = sb.store.first("account", email=DEMO_EMAIL)
        create_release(sb, app, description="Deploy 1a2b3c4", user=account, slug_id=slug_id)
    return slug_id


def test_list_and_info_show_the_demo_pipeline(hk):
    result = hk.cli("pipelines", "list", "--json")
    assert result.code == 0, result.err
    assert [p["name"] for p in json.loads(result.out)] == ["demo"]

    result = hk.cli("pipelines", "info", "demo", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    stages = {c["app"]["name"]: c["stage"] for c in data["couplings"]}
    assert stages == {"demo-staging": "staging", "demo-production": "production"}

    text = hk.cli("pipelines", "info", "demo").out
    assert "staging\tdemo-staging" in text and "production\tdemo-production" in text


def test_create_add_remove_change_sandbox_state(hk):
    sb = hk.sandbox
    with sb.store.tx():
        account = sb.store.first("account", email=DEMO_EMAIL)
        extra = create_app(sb, owner=account, name="shop-dev")

    r = hk.cli("pipelines", "create", "shop", env=hk.full_env())
    assert r.code == 0, r.err
    pipe = sb.store.first("pipeline", name="shop")
    assert pipe is not None

    r = hk.cli(
        "pipelines", "add", "shop-dev", "--pipeline", "shop", "--stage", "development", env=hk.full_env()
    )
    assert r.code == 0, r.err
    coupling = sb.store.first("pipeline-coupling", app__id=extra["id"])
    assert coupling["pipeline"]["id"] == pipe["id"] and coupling["stage"] == "development"

    r = hk.cli("pipelines", "remove", "shop-dev", env=hk.full_env())
    assert r.code == 0, r.err
    assert sb.store.first("pipeline-coupling", app__id=extra["id"]) is None


def test_bad_stage_and_bad_name_send_nothing(hk):
    r = hk.cli("pipelines", "add", "demo-staging", "--pipeline", "demo", "--stage", "qa", env=hk.full_env())
    assert r.code == 2
    r = hk.cli("pipelines", "create", "Bad_Name", env=hk.full_env())
    assert r.code == 2
    assert hk.writes_received() == []


def test_coupling_for_app_is_a_single_object_or_none(hk):
    client = hk.client()
    c = pipelines.coupling_for_app(client, "demo-staging")
    assert c is not None and c.stage == "staging"
    got = [r for r in hk.received() if r["path"] == "/apps/demo-staging/pipeline-couplings"]
    assert got and got[-1]["status"] == 200
    sb = hk.sandbox
    with sb.store.tx():
        create_app(sb, owner=sb.store.first("account", email=DEMO_EMAIL), name="lonely-app")
    assert pipelines.coupling_for_app(client, "lonely-app") is None


def test_promote_staging_to_production_copies_the_slug_with_a_new_release(hk):
    slug_id = _deploy_slug(hk, "demo-staging")
    staging_version = current(hk.sandbox, _app(hk, "demo-staging"))["version"]
    before = len(hk.sandbox.store.all("release", parent=_app(hk, "demo-production")["id"]))

    r = hk.cli("pipelines", "promote", "--pipeline", "demo", env=hk.full_env())
    assert r.code == 0, r.err
    assert "demo-production\tsucceeded\tnew release v" in r.out

    prod = _app(hk, "demo-production")
    releases = hk.sandbox.store.all("release", parent=prod["id"])
    assert len(releases) == before + 1
    latest = current(hk.sandbox, prod)
    assert latest["slug"] == {"id": slug_id}
    assert latest["description"] == f"Promote demo-staging v{staging_version}"
    promotion = hk.sandbox.store.all("pipeline-promotion")[-1]
    assert promotion["status"] == "completed"
    target = hk.sandbox.store.all("pipeline-promotion-target", parent=promotion["id"])[0]
    assert target["status"] == "succeeded" and target["release"] == {"id": latest["id"]}


def test_promotion_to_a_target_in_maintenance_fails_and_names_it(hk):
    _deploy_slug(hk, "demo-staging")
    sb = hk.sandbox
    prod = _app(hk, "demo-production")
    with sb.store.tx():
        prod["maintenance"] = True
        sb.store.put("app", prod)
    before = current(sb, prod)["id"]

    r = hk.cli("pipelines", "promote", "--pipeline", "demo", "--to", "demo-production", env=hk.full_env())
    assert r.code == 1
    assert "demo-production" in r.err and "failed" in r.err
    assert "maintenance" in r.out
    assert current(sb, prod)["id"] == before  # no release on the failed target
    target = sb.store.all("pipeline-promotion-target")[-1]
    assert target["status"] == "failed" and target["error_message"]


def test_promotion_without_a_slug_is_refused_by_the_api(hk):
    from hkctl.sandbox.backend.pipelines import couple, create_pipeline

    sb = hk.sandbox
    with sb.store.tx():
        account = sb.store.first("account", email=DEMO_EMAIL)
        pipe = create_pipeline(sb, "bare", {"id": account["id"], "type": "user"})
        couple(sb, create_app(sb, owner=account, name="bare-staging"), pipe, "staging")
        couple(sb, create_app(sb, owner=account, name="bare-production"), pipe, "production")
    r = hk.cli("pipelines", "promote", "--pipeline", "bare", env=hk.full_env())
    assert r.code == 1
    assert "no slug" in r.err
    assert sb.store.all("pipeline-promotion") == []


def test_promote_library_waits_through_pending(hk):
    """With a manual clock and a real promotion duration, targets stay pending until time passes."""
    _deploy_slug(hk, "demo-staging")
    sb = hk.sandbox
    sb.config.durations["promotion"] = 5.0
    client = hk.client(hk.full_env())
    plan = pipelines.plan_promotion(client, "demo")
    assert plan.source_name == "demo-staging" and list(plan.targets.values()) == ["demo-production"]
    promotion = pipelines.promote(client, plan.pipeline.id, plan.source_id, list(plan.targets))
    assert [t.status for t in pipelines.promotion_targets(client, promotion.id)] == ["pending"]

    def advance(seconds: float) -> None:
        sb.clock.advance(6.0)

    targets = pipelines.wait_for_promotion(client, promotion.id, sleep=advance)
    assert [t.status for t in targets] == ["succeeded"]
    assert pipelines.promotion_info(client, promotion.id).status == "completed"


def test_an_unhealthy_source_is_refused_unless_no_check(hk):
    _deploy_slug(hk, "demo-staging")
    sb = hk.sandbox
    staging = _app(hk, "demo-staging")
    with sb.store.tx():
        staging["maintenance"] = True
        sb.store.put("app", staging)

    r = hk.cli("pipelines", "promote", "--pipeline", "demo", env=hk.full_env())
    assert r.code == 3 and "maintenance" in r.err
    assert sb.store.all("pipeline-promotion") == []

    r = hk.cli("pipelines", "promote", "--pipeline", "demo", "--no-check", env=hk.full_env())
    assert r.code == 0, r.err
    assert "skipped" in r.err
    assert sb.store.all("pipeline-promotion")[-1]["status"] == "completed"


def test_latest_releases_lists_each_apps_current_release(hk):
    client = hk.client()
    p = pipelines.info(client, "demo")
    rows = pipelines.latest_releases(client, p.id)
    expected = {current(hk.sandbox, _app(hk, n))["id"] for n in ("demo-staging", "demo-production")}
    assert {r["id"] for r in rows} == expected
