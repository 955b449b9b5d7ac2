"""The sandbox's remaining differences from the platform, each fixed to the documented behaviour.

Each test names the platform behaviour it checks (Dev Center / official CLI / schema).
"""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.core
APP = "demo-staging"


def _app(hk, name=APP):
    return hk.sandbox.store.first("app", name=name)


def _releases(hk, name=APP):
    return sorted(hk.sandbox.store.all("release", parent=_app(hk, name)["id"]), key=lambda r: r["version"])


# ----------------------------------------------------------------- apps
def test_rename_changes_web_url_as_well_as_git_url(hk):
    before = _app(hk)["web_url"]
    res = hk.cli("apps", "rename", "demo-renamed", "-a", APP, "--confirm", APP, env=hk.full_env())
    assert res.code == 0, res.err
    after = _app(hk, "demo-renamed")
    assert after["git_url"] == "https://git.heroku.com/demo-renamed.git"
    assert after["web_url"].startswith("https://demo-renamed-") and after["web_url"].endswith(
        ".herokuapp.com/"
    )
    assert after["web_url"] != before


def test_a_new_app_starts_with_the_platforms_first_two_releases(hk):
    assert hk.cli("apps", "create", "fresh-app", env=hk.full_env()).code == 0
    rel = _releases(hk, "fresh-app")
    assert [(r["version"], r["description"]) for r in rel] == [(1, "Initial release"), (2, "Enable Logplex")]
    assert not any(r["eligible_for_rollback"] for r in rel)  # no slug yet
    assert hk.cli("config", "set", "A=1", "-a", "fresh-app", env=hk.full_env()).code == 0
    assert _releases(hk, "fresh-app")[-1]["version"] == 3  # the first config change is not v1


@pytest.mark.parametrize(
    ("files", "language", "web"),
    [
        ({"requirements.txt": "flask\n"}, "Python", "gunicorn app:app"),
        ({"pyproject.toml": "[project]\nname='x'\n"}, "Python", "gunicorn app:app"),
        ({"package.json": "{}\n"}, "Node.js", "npm start"),
        ({"Gemfile": "source 'https://rubygems.org'\n"}, "Ruby", None),
        ({"go.mod": "module x\n"}, "Go", "bin/app"),
    ],
)
def test_a_build_detects_the_language_from_the_files(hk, tmp_path, files, language, web):
    root = tmp_path / "src"
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text)
    res = hk.cli("builds", "create", "--dir", str(root), "-a", APP, env=hk.full_env())
    assert res.code == 0, res.err
    build = hk.sandbox.store.all("build", parent=_app(hk)["id"])[-1]
    assert build["status"] == "succeeded" and f"{language} app detected" in "\n".join(build["_output"])
    slug = hk.sandbox.store.get("slug", build["slug"]["id"])
    assert slug["buildpack_provided_description"] == language
    if web:
        assert slug["process_types"]["web"] == web


def test_a_container_stack_app_builds_from_heroku_yml_not_buildpacks(hk, tmp_path):
    assert hk.cli("apps", "create", "docker-app", "--stack", "container", env=hk.full_env()).code == 0
    assert _app(hk, "docker-app")["stack"]["name"] == "container"
    root = tmp_path / "src"
    root.mkdir()
    (root / "requirements.txt").write_text("flask\n")  # buildpacks would say Python; the stack says no
    res = hk.cli("builds", "create", "--dir", str(root), "-a", "docker-app", env=hk.full_env())
    build = hk.sandbox.store.all("build", parent=_app(hk, "docker-app")["id"])[-1]
    assert build["status"] == "failed" and res.code != 0
    assert "does not include a heroku.yml build manifest" in "\n".join(build["_output"])
    (root / "heroku.yml").write_text(
        "build:\n  docker:\n    web: Dockerfile\n    worker: worker/Dockerfile\n"
    )
    res = hk.cli("builds", "create", "--dir", str(root), "-a", "docker-app", env=hk.full_env())
    assert res.code == 0, res.err
    build = hk.sandbox.store.all("build", parent=_app(hk, "docker-app")["id"])[-1]
    assert "=== Building web (Dockerfile)" in build["_output"]
    types = {f["type"] for f in hk.sandbox.store.all("formation", parent=_app(hk, "docker-app")["id"])}
    assert types == {"web", "worker"}


# ----------------------------------------------------------------- add-ons, Postgres
def test_addon_answers_carry_every_property_the_schema_declares(hk):
    from hkctl.sandbox.schema import official

    declared = set(official().doc["definitions"]["add-on"]["properties"])
    with hk.client() as client:
        addons = client.get(f"/apps/{APP}/addons")
    assert addons
    for addon in addons:
        assert declared <= set(addon), declared - set(addon)
        assert isinstance(addon["provision_message"], str)


def test_pg_backups_list_shows_the_newest_first_as_the_official_cli(hk):
    app = "demo-production"
    assert hk.cli("pg", "backups", "capture", "-a", app, "--wait", env=hk.full_env()).code == 0
    rows = json.loads(hk.cli("pg", "backups", "list", "-a", app, "--json").out)
    created = [r["created_at"] for r in rows]
    assert len(rows) >= 2 and created == sorted(created, reverse=True)
    with hk.client() as client:  # the data API itself answers oldest first; the CLI sorts
        raw = client.get(f"/client/v11/apps/{app}/transfers")
    assert [t["num"] for t in raw] == sorted(t["num"] for t in raw)


# ----------------------------------------------------------------- pipelines
def test_pipeline_owner_is_an_id_and_type_and_hkctl_shows_the_email(hk):
    from hkctl.sandbox.seed import DEMO_EMAIL

    with hk.client() as client:
        pipeline = client.get("/pipelines")[0]
    assert set(pipeline["owner"]) == {"id", "type"} and pipeline["owner"]["type"] == "user"
    text = hk.cli("pipelines", "info", "demo").out
    assert f"owner\t{DEMO_EMAIL}" in text
    assert DEMO_EMAIL in hk.cli("pipelines", "list").out


# ----------------------------------------------------------------- rollback past an add-on attach
def test_both_rollback_commands_say_which_config_keys_change_before_asking(hk):
    # demo-staging: v3 is a deploy from before the Postgres add-on was attached
    assert "DATABASE_URL" not in _releases(hk)[2]["_config"]
    assert hk.cli("config", "set", "FEATURE_X=on", "-a", APP, env=hk.full_env()).code == 0
    person = hk.env(HEROKU_PERMISSION="full")
    res = hk.cli("rollback", APP, "v3", env=person, confirmer=_no)
    said = res.err
    assert "config vars removed by the rollback to v3: FEATURE_X" in said
    assert "add-on config vars kept as they are (add-ons are not rolled back): DATABASE_URL" in said
    assert res.code != 0  # refused at the prompt: nothing sent
    res = hk.cli("releases", "rollback", "v3", "-a", APP, env=person, confirmer=_no)
    assert "config vars removed by the rollback to v3: FEATURE_X" in res.err
    assert not [w for w in hk.writes_received() if w["path"].endswith("/releases")]


def _no(plan: str, question: str) -> str:
    """A person at a terminal who answers no."""
    return "n"


def test_backup_file_is_a_real_pg_dump_archive(hk, tmp_path):
    import shutil
    import subprocess

    dest = tmp_path / "latest.dump"
    res = hk.cli("pg", "backups", "download", "-a", "demo-production", "-o", str(dest))
    assert res.code == 0, res.err
    assert dest.read_bytes()[:5] == b"PGDMP"
    tool = shutil.which("pg_restore")
    if tool is None:
        pytest.skip("pg_restore is not installed: the archive header was checked only")
    listed = subprocess.run([tool, "--list", str(dest)], capture_output=True, text=True, timeout=30)
    assert listed.returncode == 0, listed.stderr
    assert "TABLE" in listed.stdout


# ----------------------------------------------------------------- request log and control API
def test_the_request_log_records_log_streams_and_the_storage_host_but_not_control_calls(hk, tmp_path):
    import httpx

    assert hk.cli("logs", "-a", APP, "-n", "5").code == 0
    assert hk.cli("pg", "backups", "download", "-a", "demo-production", "-o", str(tmp_path / "b")).code == 0
    with httpx.Client(transport=hk.transport, base_url=hk.url) as http:
        http.put("/__sandbox__/faults", json={"rate": 0})
        log = http.get("/__sandbox__/requests").json()
    paths = [(r.get("host", "api"), r["method"], r["path"]) for r in log]
    assert any(p[2].startswith("/__sandbox__/logplex/") for p in paths), paths  # the log stream
    assert any(h == "storage" and m == "GET" and p.startswith("/xfrtu/") for h, m, p in paths)
    assert any(p[2] == f"/apps/{APP}/log-sessions" for p in paths)
    assert not any(p[2] in ("/__sandbox__/faults", "/__sandbox__/requests") for p in paths)


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/__sandbox__/clock/advance", {"seconds": 1e308}, "at most"),
        ("/__sandbox__/clock/advance", {"seconds": "soon"}, "a number"),
        ("/__sandbox__/clock/advance", {"seconds": float("inf")}, "finite"),
        ("/__sandbox__/faults", {"rate": "lots"}, "rate must be a number"),
        ("/__sandbox__/faults", {"statuses": ["x"]}, "each status"),
        ("/__sandbox__/faults", {"statuses": [200]}, "each status"),
        ("/__sandbox__/faults", {"latency_ms": True}, "latency_ms"),
        ("/__sandbox__/faults", {"phase": "during"}, "phase"),
        ("/__sandbox__/faults", {"every": -1}, "every"),
    ],
)
def test_the_control_api_answers_bad_input_with_422_and_keeps_working(hk, path, body, message):
    import json as _json

    import httpx

    with httpx.Client(transport=hk.transport, base_url=hk.url) as http:
        method = "PUT" if path.endswith("faults") else "POST"
        content = _json.dumps(body, allow_nan=True).encode()
        bad = http.request(method, path, content=content, headers={"Content-Type": "application/json"})
        assert bad.status_code == 422, bad.text
        assert message in bad.json()["message"]
        assert http.get("/__sandbox__/clock").status_code == 200
        assert http.get("/__sandbox__/faults").json()["rate"] == 0.0  # nothing changed
    assert hk.cli("apps", "info", "-a", APP).code == 0  # the API still answers


# ----------------------------------------------------------------- what the official CLI's next ring needs
def test_addon_resolve_takes_a_unique_service_name_and_refuses_an_ambiguous_one(hk):
    with hk.client() as client:
        rows = client.request(
            "POST",
            "/actions/addons/resolve",
            body={"addon": "heroku-postgresql", "app": "demo-production"},
            action="addons_resolve",
        ).body
        assert [r["addon_service"]["name"] for r in rows] == ["heroku-postgresql"]
    assert hk.cli("addons", "create", "heroku-postgresql:essential-0", "-a", APP, env=hk.full_env()).code == 0
    with hk.client() as client:
        from hkctl.errors import ApiError

        with pytest.raises(ApiError) as err:
            client.request(
                "POST",
                "/actions/addons/resolve",
                body={"addon": "heroku-postgresql", "app": APP},
                action="addons_resolve",
            )
    assert err.value.status == 422 and err.value.id == "multiple_matches"


def test_accept_inclusion_adds_the_plan_and_config_var_names_to_attachments(hk):
    with hk.client() as client:
        plain = client.get(f"/apps/{APP}/addon-attachments")
        rich = client.get(
            f"/apps/{APP}/addon-attachments", headers={"Accept-Inclusion": "addon:plan,config_vars"}
        )
    assert "plan" not in plain[0]["addon"] and "config_vars" not in plain[0]
    assert rich[0]["addon"]["plan"]["name"].startswith("heroku-postgresql:")
    assert rich[0]["config_vars"] == ["DATABASE_URL"]


def test_buildpack_installations_show_the_detected_buildpack_and_can_be_set(hk):
    with hk.client(hk.full_env()) as client:
        assert client.get(f"/apps/{APP}/buildpack-installations") == [
            {"ordinal": 0, "buildpack": {"url": "heroku/ruby", "name": "heroku/ruby"}}
        ]
        client.request(
            "PUT",
            f"/apps/{APP}/buildpack-installations",
            body={"updates": [{"buildpack": "heroku/nodejs"}, {"buildpack": "heroku/python"}]},
        )
        names = [b["buildpack"]["name"] for b in client.get(f"/apps/{APP}/buildpack-installations")]
    assert names == ["heroku/nodejs", "heroku/python"]


def test_stopping_a_process_type_through_the_dyno_path_stops_all_of_its_dynos(hk):
    dynos = [d for d in hk.sandbox.store.all("dyno", parent=_app(hk)["id"]) if d["type"] == "worker"]
    gens = {d["name"]: d["_gen"] for d in dynos}
    with hk.client(hk.full_env()) as client:
        client.request("POST", f"/apps/{APP}/dynos/worker/actions/stop", action="dynos_stop")
    after = {
        d["name"]: d["_gen"]
        for d in hk.sandbox.store.all("dyno", parent=_app(hk)["id"])
        if d["type"] == "worker"
    }
    assert gens and all(after[n] > g for n, g in gens.items())


def test_a_container_app_is_promoted_down_its_pipeline_like_any_other(hk, tmp_path):
    env = hk.full_env()
    for name in ("box-staging", "box-production"):
        assert hk.cli("apps", "create", name, "--stack", "container", env=env).code == 0
    assert hk.cli("pipelines", "create", "boxes", env=env).code == 0
    assert hk.cli("pipelines", "add", "box-staging", "-p", "boxes", "-s", "staging", env=env).code == 0
    assert hk.cli("pipelines", "add", "box-production", "-p", "boxes", "-s", "production", env=env).code == 0
    root = tmp_path / "src"
    root.mkdir()
    (root / "heroku.yml").write_text("build:\n  docker:\n    web: Dockerfile\n")
    assert hk.cli("builds", "create", "--dir", str(root), "-a", "box-staging", env=env).code == 0
    res = hk.cli("pipelines", "promote", "-p", "boxes", "--no-check", env=env)
    assert res.code == 0, res.text
    staged = _releases(hk, "box-staging")[-1]
    promoted = _releases(hk, "box-production")[-1]
    assert promoted["slug"] == staged["slug"] and promoted["description"].startswith("Promote")
