"""The guard judges the request itself (issue 11): reproductions 1, 2, 3 and 7, and the path rules.

Each reproduction ran against today's main and let a write through (or printed secrets); here it
is refused (exit 3) or masked, and the sandbox's request log shows that nothing was sent.
"""

from __future__ import annotations

import json

import pytest

from hkctl.errors import UsageError
from hkctl.guard.decide import decide, normalise_path
from tests.support import Harness

STAGING, PRODUCTION = "demo-staging", "demo-production"


def _older_release(hk: Harness, app: str) -> str:
    app_id = hk.sandbox.store.first("app", name=app)["id"]
    rows = [r for r in hk.sandbox.store.all("release") if (r.get("app") or {}).get("id") == app_id]
    rows = [r for r in rows if r.get("slug") and not r.get("current")]
    return str(max(rows, key=lambda r: r["version"])["id"])


def _web_quantity(hk: Harness, app: str) -> int:
    app_id = hk.sandbox.store.first("app", name=app)["id"]
    for f in hk.sandbox.store.all("formation"):
        if (f.get("app") or {}).get("id") == app_id and f["type"] == "web":
            return int(f["quantity"])
    raise LookupError(app)


# ------------------------------------------------------------------ reproduction 1
def test_repro1_confirm_is_compared_with_the_app_in_the_path_not_with_dash_a(hk: Harness) -> None:
    r = hk.cli(
        "--confirm", PRODUCTION, "api", "DELETE", f"/apps/{STAGING}", "-a", PRODUCTION, env=hk.full_env()
    )
    assert r.code == 3, r.text
    assert f"Confirmation {PRODUCTION} did not match {STAGING}" in r.err
    assert hk.writes_received() == []
    assert hk.sandbox.store.first("app", name=STAGING) is not None


def test_repro1_a_typed_name_that_is_not_the_path_app_is_refused(hk: Harness) -> None:
    r = hk.cli(
        "api", "DELETE", f"/apps/{STAGING}", "-a", PRODUCTION,
        env=hk.env(HEROKU_PERMISSION="full"), confirmer=lambda plan, q: PRODUCTION,
    )  # fmt: skip
    assert r.code == 3, r.text
    assert f"Confirmation {PRODUCTION} did not match {STAGING}" in r.err
    assert hk.writes_received() == []


def test_repro1_the_right_name_destroys_exactly_that_app(hk: Harness) -> None:
    r = hk.cli("--confirm", STAGING, "api", "DELETE", f"/apps/{STAGING}", env=hk.full_env())
    assert r.code == 0, r.text
    assert [(w["method"], w["path"]) for w in hk.writes_received()] == [("DELETE", f"/apps/{STAGING}")]
    assert hk.sandbox.store.first("app", name=PRODUCTION) is not None


# ------------------------------------------------------------------ reproduction 2
ZERO = json.dumps({"updates": [{"type": "web", "quantity": 0}]})


@pytest.mark.parametrize("app", [PRODUCTION, STAGING])
def test_repro2_scaling_to_zero_through_api_needs_the_name(hk: Harness, app: str) -> None:
    before = _web_quantity(hk, app)
    r = hk.cli("api", "PATCH", f"/apps/{app}/formation", "-d", ZERO, env=hk.full_env())
    assert r.code == 3, r.text
    assert f"--confirm {app}" in r.err
    assert hk.writes_received() == [] and _web_quantity(hk, app) == before
    # the same rule on the one-type route, and with the quantity spelled as a string
    one = hk.cli("api", "PATCH", f"/apps/{app}/formation/web", "-d", '{"quantity": "0"}', env=hk.full_env())
    assert one.code == 3, one.text
    assert hk.writes_received() == []
    ok = hk.cli("--confirm", app, "api", "PATCH", f"/apps/{app}/formation", "-d", ZERO, env=hk.full_env())
    assert ok.code == 0, ok.text
    assert _web_quantity(hk, app) == 0


def test_repro2_ps_scale_and_api_get_the_same_verdict(hk: Harness) -> None:
    via_ps = hk.cli("ps", "scale", "web=0", "-a", STAGING, env=hk.full_env())
    via_api = hk.cli("api", "PATCH", f"/apps/{STAGING}/formation", "-d", ZERO, env=hk.full_env())
    assert via_ps.code == via_api.code == 3
    assert hk.writes_received() == []


# ------------------------------------------------------------------ reproduction 3
def test_repro3_a_post_to_releases_naming_a_release_is_a_rollback_of_production(hk: Harness) -> None:
    body = json.dumps({"release": _older_release(hk, PRODUCTION)})
    r = hk.cli("api", "POST", f"/apps/{PRODUCTION}/releases", "-d", body, env=hk.full_env())
    assert r.code == 3, r.text
    assert f"--confirm {PRODUCTION}" in r.err
    assert hk.writes_received() == []
    typed_yes = hk.cli(
        "api", "POST", f"/apps/{PRODUCTION}/releases", "-d", body,
        env=hk.env(HEROKU_PERMISSION="full"), confirmer=lambda plan, q: "yes",
    )  # fmt: skip
    assert typed_yes.code == 3 and hk.writes_received() == []


@pytest.mark.parametrize(
    ("app", "answer", "code"),
    [(STAGING, "yes", 0), (PRODUCTION, "yes", 3), (PRODUCTION, PRODUCTION, 0), (STAGING, "no", 3)],
)
def test_repro3_rollback_and_releases_rollback_get_the_same_verdict(
    hk: Harness, app: str, answer: str, code: int
) -> None:
    questions: list[str] = []

    def confirmer(plan: str, question: str) -> str:
        questions.append(question)
        return answer

    env = hk.env(HEROKU_PERMISSION="full")
    version = next(
        r["version"] for r in hk.sandbox.store.all("release") if r["id"] == _older_release(hk, app)
    )
    a = hk.cli("rollback", app, f"v{version}", "--boot-timeout", "0", env=env, confirmer=confirmer)
    sent_by_rollback = len(hk.writes_received())
    b = hk.cli("releases", "rollback", f"v{version}", "-a", app, env=env, confirmer=confirmer)
    assert (a.code == code or (code == 0 and a.code == 1)) and b.code == code, a.text + b.text
    assert len(questions) == 2 and questions[0] == questions[1]  # the same question both ways
    assert sent_by_rollback == (1 if code == 0 else 0)
    assert len(hk.writes_received()) == (2 if code == 0 else 0)


# ------------------------------------------------------------------ reproduction 7
@pytest.mark.parametrize(
    "path", ["/apps/{app}/config%2Dvars", "/apps/{app}/%63onfig-vars", "/apps/{app}/config-vars/"]
)
def test_repro7_an_encoded_config_vars_path_is_masked(hk: Harness, path: str) -> None:
    secret = str(hk.sandbox.store.first("app", name=STAGING)["_config"]["DATABASE_URL"])
    r = hk.cli("api", "GET", path.format(app=STAGING), env=hk.env())
    assert r.code == 0, r.text
    assert secret not in r.text
    assert json.loads(r.out)["DATABASE_URL"] == "••••••••" or json.loads(r.out)["DATABASE_URL"] != secret


def test_repro7_an_encoded_config_patch_keeps_values_out_of_prompt_dry_run_and_plan(
    hk: Harness, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    secret = "s3cr3t-encoded-path-value"
    path = f"/apps/{STAGING}/config%2Dvars"
    body = json.dumps({"ENCODED_SECRET": secret})
    prompt = hk.cli(
        "api", "PATCH", path, "-d", body, env=hk.env(HEROKU_PERMISSION="full"), confirmer=lambda p, q: "no"
    )
    assert prompt.code == 3 and secret not in prompt.text
    dry = hk.cli("--dry-run", "api", "PATCH", path, "-d", body, env=hk.full_env())
    assert dry.code == 0 and secret not in dry.text, dry.text
    plan = tmp_path / "p.jsonl"
    rec = hk.cli("--plan", str(plan), "api", "PATCH", path, "-d", body, env=hk.full_env())
    assert rec.code == 0, rec.text
    assert secret not in plan.read_text() and secret not in rec.text
    assert json.loads(plan.read_text())["endpoint"] == f"/apps/{STAGING}/config-vars"
    assert hk.writes_received() == []


# ------------------------------------------------------------------ the path rules
@pytest.mark.parametrize(
    "path",
    [
        "/apps/demo-staging/../demo-production",
        "/apps/demo-staging/%2e%2e/demo-production",
        "/apps//demo-staging",
        "/apps/demo-staging%2Fconfig-vars",
        "/apps/demo-%zzstaging",
        "/apps/demo-staging%",
        "/apps/demo staging",
        "apps/demo-staging",
    ],
)
def test_a_path_that_does_not_normalise_is_bad_input_and_nothing_is_sent(hk: Harness, path: str) -> None:
    with pytest.raises(UsageError):
        normalise_path(path)
    r = hk.cli("--confirm", STAGING, "api", "DELETE", path, env=hk.full_env())
    assert r.code == 2, r.text
    assert hk.received() == []


def test_unreserved_characters_are_decoded_before_the_template_is_matched() -> None:
    assert normalise_path("/apps/%64emo-staging/%66ormation%2Fweb".replace("%2Fweb", "")) == (
        "/apps/demo-staging/formation",
        "",
    )
    d = decide("DELETE", "/apps/%64emo-staging")
    assert (d.action.name, d.app, d.risk, d.target) == ("apps_destroy", STAGING, "destructive", STAGING)


def test_an_unknown_route_is_judged_by_its_method(hk: Harness) -> None:
    assert decide("DELETE", "/apps/x/some-new-thing").risk == "destructive"
    assert decide("POST", "/apps/x/some-new-thing").risk == "write"
    assert decide("GET", "/apps/x/some-new-thing").risk == "read"
    r = hk.cli("api", "DELETE", f"/apps/{STAGING}/some-new-thing", env=hk.full_env())
    assert r.code == 3 and "unknown route" in r.err, r.text
    assert hk.writes_received() == []


# ------------------------------------------------------------------ batches
def test_inside_a_batch_only_the_shown_writes_go(hk: Harness) -> None:
    from hkctl.errors import GuardRefused
    from hkctl.resources import apps

    client = hk.client(hk.full_env())
    shown = [apps.maintenance_write(client, STAGING, True)]
    with client.batch(shown, "maintenance on"):
        with pytest.raises(GuardRefused) as unshown:
            apps.destroy(client, STAGING)  # never shown: refused, not asked
        assert unshown.value.rule == "unshown-write"
        with pytest.raises(GuardRefused):
            apps.set_maintenance(client, STAGING, False)  # the shown path with another body
        apps.set_maintenance(client, STAGING, True)
    assert [(w["method"], w["path"], w["body"]) for w in hk.writes_received()] == [
        ("PATCH", f"/apps/{STAGING}", {"maintenance": True})
    ]
    assert hk.sandbox.store.first("app", name=STAGING) is not None


def test_a_batch_shows_every_step_and_asks_for_every_destructive_name(hk: Harness) -> None:
    asked: list[tuple[str, str]] = []
    client = hk.client(hk.env(HEROKU_PERMISSION="full"))
    client.guard._confirm = lambda plan, q: asked.append((plan, q)) or "no"  # type: ignore[assignment]
    from hkctl.errors import GuardRefused

    writes = [
        client.planned(
            "PATCH", f"/apps/{STAGING}/formation", body={"updates": [{"type": "web", "quantity": 0}]}
        ),
        client.planned("PATCH", f"/apps/{PRODUCTION}", body={"maintenance": True}),
    ]
    with pytest.raises(GuardRefused), client.batch(writes, "two steps"):
        pass
    plan, question = asked[0]
    assert "#1" in plan and "#2" in plan and "scale web=0" in plan and "maintenance mode on" in plan
    assert f"Type the app name ({STAGING})" in question
    assert hk.writes_received() == []


def test_an_app_named_by_its_id_is_confirmed_by_its_name(hk: Harness) -> None:
    app_id = hk.sandbox.store.first("app", name=STAGING)["id"]
    by_id = hk.cli("--confirm", app_id, "api", "DELETE", f"/apps/{app_id}", env=hk.full_env())
    assert by_id.code == 3 and f"Confirmation {app_id} did not match {STAGING}" in by_id.err, by_id.text
    assert hk.writes_received() == []
    by_name = hk.cli("--confirm", STAGING, "api", "DELETE", f"/apps/{app_id}", env=hk.full_env())
    assert by_name.code == 0, by_name.text
    assert hk.sandbox.store.first("app", name=STAGING) is None


def test_an_app_at_a_pipelines_production_stage_is_production_whatever_its_name(hk: Harness) -> None:
    env = hk.full_env()
    assert hk.cli("apps", "create", "shop-live", env=env).code == 0
    assert hk.cli("pipelines", "add", "shop-live", "-p", "demo", "-s", "production", env=env).code == 0
    body = json.dumps({"updates": [{"type": "web", "quantity": 1}]})
    before = len(hk.writes_received())
    r = hk.cli("api", "PATCH", "/apps/shop-live/formation", "-d", body, env=env)
    assert r.code == 3 and "--confirm shop-live" in r.err, r.text
    assert len(hk.writes_received()) == before
    staged = hk.cli("apps", "create", "shop-stage", env=env)
    assert staged.code == 0
    assert hk.cli("pipelines", "add", "shop-stage", "-p", "demo", "-s", "staging", env=env).code == 0
    ok = hk.cli("api", "PATCH", "/apps/shop-stage/formation", "-d", body, env=env)
    assert "--confirm" not in ok.err, ok.text  # a staging app scales on a plain yes (or the opt-in)
