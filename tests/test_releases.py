"""hkctl releases: list (Range on version), info by vN / N / id, rollback to an old slug and config."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.core

APP = "demo-staging"


def _app(hk):
    return hk.sandbox.store.first("app", name=APP)


def _releases(hk):
    return hk.sandbox.store.all("release", parent=_app(hk)["id"])


def test_list_is_newest_first_with_the_spec_range(hk):
    result = hk.cli("releases", "list", "--max", "3", "-a", APP, "--json")
    assert result.code == 0, result.err
    versions = [r["version"] for r in json.loads(result.out)]
    newest = max(r["version"] for r in _releases(hk))
    assert versions == [newest, newest - 1, newest - 2]
    ranges = [r["range"] for r in hk.received() if r["path"] == f"/apps/{APP}/releases"]
    assert ranges == ["version ..; max=3, order=desc"]


def test_list_table_marks_the_current_release(hk):
    result = hk.cli("releases", "list", "-a", APP)
    assert result.code == 0, result.err
    assert any("Deploy abc1234" in line for line in result.out.splitlines())
    assert result.out.splitlines()[0].split("\t")[0].endswith("*")


@pytest.mark.parametrize("ref", ["v3", "3"])
def test_info_by_version(hk, ref):
    result = hk.cli("releases", "info", ref, "-a", APP, "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert (data["version"], data["description"]) == (3, "Deploy 9f8e7d6")
    assert f"/apps/{APP}/releases/3" in [r["path"] for r in hk.received()]  # sent without the v


def test_info_by_id_and_unknown(hk):
    rid = _releases(hk)[0]["id"]
    assert json.loads(hk.cli("releases", "info", rid, "-a", APP, "--json").out)["version"] == 1
    missing = hk.cli("releases", "info", "v99", "-a", APP)
    assert missing.code == 1 and "not_found" in missing.err
    bad = hk.cli("releases", "info", "latest", "-a", APP)
    assert bad.code == 2


def test_rollback_restores_the_old_slug_and_config(hk):
    target = next(r for r in _releases(hk) if r["version"] == 3)
    # change config after v3, so that the rollback has something to restore
    assert hk.cli("config", "set", "NEW_FLAG=on", "-a", APP, env=hk.full_env()).code == 0
    assert "NEW_FLAG" in _app(hk)["_config"]
    before = max(r["version"] for r in _releases(hk))
    result = hk.cli("releases", "rollback", "v3", "-a", APP, "--confirm", APP, env=hk.full_env())
    assert result.code == 0, result.err
    assert "current: v" in result.err and "target:  v3 Deploy 9f8e7d6" in result.err
    assert result.err.count("Confirm operation") == 1
    new = max(_releases(hk), key=lambda r: r["version"])
    assert new["version"] == before + 1
    assert new["description"] == "Rollback to v3"
    assert new["current"] is True
    assert new["slug"] == target["slug"]
    # v3 predates the Postgres add-on: add-ons are not rolled back, so DATABASE_URL stays as it is
    db_url = next(r for r in _releases(hk) if r["version"] == before)["_config"]["DATABASE_URL"]
    assert "DATABASE_URL" not in target["_config"]
    assert _app(hk)["_config"] == {**target["_config"], "DATABASE_URL": db_url}
    assert "NEW_FLAG" not in _app(hk)["_config"]
    said = result.err.split("Confirm operation")[0]  # said before asking
    assert "config vars removed by the rollback to v3: NEW_FLAG" in said
    assert "add-on config vars kept as they are (add-ons are not rolled back): DATABASE_URL" in said
    assert db_url not in result.text
    post = [w for w in hk.writes_received() if w["path"] == f"/apps/{APP}/releases"]
    assert post[0]["body"] == {"release": target["id"]}
    assert "Rollback to v3" in result.out


def test_rollback_of_production_is_destructive_without_the_typed_name(hk):
    # The guard's rule: rolling back production needs its name typed (staging: a plain yes).
    result = hk.cli("releases", "rollback", "v4", "-a", "demo-production", env=hk.full_env())
    assert result.code == 3, result.err
    assert "--confirm demo-production" in result.err
    assert hk.writes_received() == []


def test_rollback_asks_once_on_a_tty(hk):
    asked = []

    def confirmer(plan, question):
        asked.append(plan)
        return "yes"  # staging: a plain yes (production would need its name)

    result = hk.cli(
        "releases", "rollback", "v4", "-a", APP, env=hk.env(HEROKU_PERMISSION="full"), confirmer=confirmer
    )
    assert result.code == 0, result.err
    v4 = next(r for r in _releases(hk) if r["version"] == 4)
    # the prompt is the guard's description of the request itself: the release it names
    assert len(asked) == 1 and f"roll back {APP} to release {v4['id']}" in asked[0]
    assert "target:  v4" in result.err


def test_rollback_to_a_release_without_slug_is_refused_before_sending(hk):
    result = hk.cli("releases", "rollback", "v1", "-a", APP, "--confirm", APP, env=hk.full_env())
    assert result.code == 2
    assert hk.writes_received() == []


def test_sandbox_rollback_accepts_a_version_as_the_spec_sends_it(hk):
    # The spec's recipe sends {"release": "v40"}; the schema names the release id (hkctl sends that).
    hk.sandbox.observers.remove(hk.schema_check)
    client = hk.client(hk.full_env())
    created = client.json("POST", f"/apps/{APP}/releases", body={"release": "v3"})
    assert created["description"] == "Rollback to v3"
