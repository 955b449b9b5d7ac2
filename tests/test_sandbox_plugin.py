"""The sandbox for other people's tests: the pytest plugin, `hkctl.sandbox.running()`, scenarios as data."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

import hkctl.sandbox
from hkctl.sandbox.harness import start
from hkctl.sandbox.scenario import ScenarioError

V3 = "application/vnd.heroku+json; version=3"

# A user's project: a deploy script written with plain httpx, a release bot with heroku3, and their
# tests, which use only the plugin's fixtures (no hkctl import; the plugin comes by its entry point).
USER_TESTS = '''
import os

import httpx
from heroku3.api import Heroku

V3 = "application/vnd.heroku+json; version=3"


def deploy(app, version):
    """The script under test: builds `version` of `app`, reading HEROKU_HOST and HEROKU_API_KEY."""
    headers = {"Accept": V3, "Authorization": "Bearer " + os.environ["HEROKU_API_KEY"]}
    with httpx.Client(base_url=os.environ["HEROKU_HOST"], headers=headers) as api:
        blob = {"url": f"https://example.com/{version}.tgz", "version": version}
        build = api.post(f"/apps/{app}/builds", json={"source_blob": blob})
        build.raise_for_status()
        return api.get(f"/apps/{app}/builds/{build.json()['id']}").json()


def test_deploy_script_with_httpx(heroku_env):
    assert deploy("demo-staging", "1a2b3c4")["status"] == "succeeded"
    sent = heroku_env.requests(method="POST", path="/builds")
    assert [r["body"]["source_blob"]["version"] for r in sent] == ["1a2b3c4"]


def test_release_bot_with_heroku3(heroku_sandbox):
    conn = Heroku()
    conn._heroku_url = heroku_sandbox.url  # heroku3 has no setting for the API URL
    conn.authenticate(heroku_sandbox.token)
    conn.apps()["demo-staging"].config()["FEATURE_X"] = "on"
    assert [r["body"] for r in heroku_sandbox.requests(method="PATCH", path="/config-vars")] == [
        {"FEATURE_X": "on"}
    ]


def test_a_script_meets_a_503(heroku_sandbox_session):
    heroku_sandbox_session.faults(every=1, statuses=[503])
    headers = {"Accept": V3, "Authorization": "Bearer " + heroku_sandbox_session.token}
    assert httpx.get(heroku_sandbox_session.url + "/apps", headers=headers).status_code == 503
    heroku_sandbox_session.faults()
    assert httpx.get(heroku_sandbox_session.url + "/apps", headers=headers).status_code == 200
'''


def test_a_users_own_project_tests_its_scripts_with_the_fixtures_alone(tmp_path: Path) -> None:
    project = tmp_path / "release-tools"
    project.mkdir()
    (project / "test_release_tools.py").write_text(USER_TESTS)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(project)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "3 passed" in done.stdout


def _get(sb, path: str) -> httpx.Response:
    headers = {"Accept": V3, "Authorization": f"Bearer {sb.token}"}
    return httpx.get(sb.url + path, headers=headers, timeout=10)


def test_two_sandboxes_at_once_have_their_own_port_and_state() -> None:
    with hkctl.sandbox.running() as a, hkctl.sandbox.running("empty") as b:
        assert a.url != b.url
        a.seed({"apps": [{"name": "only-in-a"}]})
        assert "only-in-a" in {x["name"] for x in _get(a, "/apps").json()}
        assert _get(b, "/apps").json() == []
        assert _get(b, "/apps/only-in-a").status_code == 404
    with pytest.raises(httpx.TransportError):
        _get(a, "/apps")  # stopped with the block


SHOP = {
    "apps": [
        {
            "name": "shop-staging",
            "config": {"RAILS_ENV": "staging"},
            "deploys": ["1a2b3c4", "5d6e7f8"],
            "formation": {"web": {"quantity": 2, "size": "standard-2x"}},
            "addons": ["heroku-postgresql:essential-0"],
        },
        {"name": "shop", "region": "eu", "maintenance": True},
    ],
    "pipelines": [{"name": "shop", "stages": {"staging": ["shop-staging"], "production": ["shop"]}}],
}


def test_a_scenario_document_seeds_apps_config_deploys_addons_and_a_pipeline() -> None:
    with hkctl.sandbox.running(SHOP) as sb:
        assert sorted(a["name"] for a in _get(sb, "/apps").json()) == ["shop", "shop-staging"]
        assert _get(sb, "/apps/shop-staging/config-vars").json()["RAILS_ENV"] == "staging"
        assert "DATABASE_URL" in _get(sb, "/apps/shop-staging/config-vars").json()
        releases = [r["description"] for r in _get(sb, "/apps/shop-staging/releases").json()]
        assert "Deploy 1a2b3c4" in releases and "Deploy 5d6e7f8" in releases
        web = _get(sb, "/apps/shop-staging/formation/web").json()
        assert (web["quantity"], web["size"]) == (2, "Standard-2X")
        shop = _get(sb, "/apps/shop").json()
        assert shop["region"]["name"] == "eu" and shop["maintenance"] is True
        pipeline = _get(sb, "/pipelines/shop").json()
        couplings = _get(sb, f"/pipelines/{pipeline['id']}/pipeline-couplings").json()
        assert sorted(c["stage"] for c in couplings) == ["production", "staging"]


def test_a_scenario_file_in_toml(tmp_path: Path) -> None:
    path = tmp_path / "shop.toml"
    path.write_text(
        textwrap.dedent(
            """
            base = "demo"
            [[apps]]
            name = "shop-review"
            config = { FEATURE = "on" }
            """
        )
    )
    with hkctl.sandbox.running(path) as sb:
        names = {a["name"] for a in _get(sb, "/apps").json()}
        assert {"shop-review", "demo-staging"} <= names
        sb.reset("empty")
        assert _get(sb, "/apps").json() == []
        sb.reset(str(path))
        assert "shop-review" in {a["name"] for a in _get(sb, "/apps").json()}


@pytest.mark.parametrize(
    ("doc", "where", "says"),
    [
        ({"apps": [{"config": {}}]}, "apps[0]", "'name' is a required property"),
        ({"apps": [{"name": "x", "colour": "red"}]}, "apps[0]", "'colour' was unexpected"),
        ({"apps": [{"name": "ok-app", "config": {"N": 1}}]}, "apps[0].config.N", "is not of type 'string'"),
        (
            {"pipelines": [{"name": "p", "stages": {"staging": ["ghost"]}}]},
            "pipelines[0].stages.staging[0]",
            "'ghost' is not one of the scenario's apps",
        ),
        ({"apps": [{"name": "good-one"}, {"name": "Bad_Name"}]}, "apps[1]", "Name must start with a letter"),
        ({"apps": [{"name": "shop", "addons": ["no-such-addon"]}]}, "apps[0]", "no-such-addon"),
    ],
)
def test_a_bad_scenario_says_where_and_changes_nothing(doc, where, says) -> None:
    with hkctl.sandbox.running() as sb:
        before = sorted(a["name"] for a in sb.sandbox.store.all("app"))
        with pytest.raises(ScenarioError) as err:
            sb.seed(doc)
        assert err.value.where == where and says in str(err.value)
        assert sorted(a["name"] for a in sb.sandbox.store.all("app")) == before


def test_an_unknown_scenario_name_lists_the_known_ones() -> None:
    with pytest.raises(ScenarioError, match="give one of .*demo.*empty"):
        start("demmo")


def test_the_control_api_takes_a_scenario_document_too() -> None:
    with hkctl.sandbox.running("empty") as sb:
        bad = httpx.post(sb.url + "/__sandbox__/scenario", json={"apps": [{"name": 3}]})
        assert bad.status_code == 422 and "apps[0].name" in bad.json()["message"]
        good = httpx.post(sb.url + "/__sandbox__/scenario", json={"apps": [{"name": "from-curl"}]})
        assert good.status_code == 200 and good.json()["apps"] == ["from-curl"]


def test_advance_moves_lifecycles_on_and_requests_shows_what_was_sent() -> None:
    with hkctl.sandbox.running(lifecycles={"build": 60}) as sb:
        headers = {"Accept": V3, "Authorization": f"Bearer {sb.token}"}
        blob = {"source_blob": {"url": "https://example.com/a.tgz", "version": "abcdef1"}}
        build = httpx.post(sb.url + "/apps/demo-staging/builds", json=blob, headers=headers).json()
        assert _get(sb, f"/apps/demo-staging/builds/{build['id']}").json()["status"] == "pending"
        assert sb.advance(60) >= 1
        assert _get(sb, f"/apps/demo-staging/builds/{build['id']}").json()["status"] == "succeeded"
        assert [r["status"] for r in sb.requests(method="post")] == [201]
        assert sb.env()["HEROKU_HOST"] == sb.url and sb.env()["HEROKU_API_KEY"] == sb.token
