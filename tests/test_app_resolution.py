"""Naming the app as the official CLI does: -a, -r REMOTE, HEROKU_APP, the `heroku` git remote, the only one.

Each repository is made with `git init` in a temporary folder; hkctl reads its config without git.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.core


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), "GIT_CONFIG_NOSYSTEM": "1"},
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose `heroku` remote is demo-staging; the working directory is inside it."""
    root = tmp_path / "shop"
    root.mkdir()
    git(root, "init", "-q")
    git(root, "remote", "add", "heroku", "https://git.heroku.com/demo-staging.git")
    git(root, "remote", "add", "origin", "git@github.com:acme/shop.git")
    monkeypatch.chdir(root)
    return root


def test_reads_use_the_heroku_remote_of_the_current_repository(hk, repo):
    shown = hk.cli("config", "--json")
    assert shown.code == 0, shown.err
    assert "RAILS_ENV" in json.loads(shown.out)
    assert [r["path"] for r in hk.received()] == ["/apps/demo-staging/config-vars"]
    sub = repo / "app" / "models"
    sub.mkdir(parents=True)
    import os

    os.chdir(sub)  # the repository is found from a subfolder too
    assert hk.cli("releases", "--json").code == 0
    assert hk.received()[-1]["path"] == "/apps/demo-staging/releases"


def test_order_a_then_remote_then_heroku_app_then_git(hk, repo):
    git(repo, "remote", "add", "prod", "git@heroku.com:demo-production.git")
    assert hk.cli("apps", "info", "-r", "prod", "--json").code == 0
    assert hk.received()[-1]["path"] == "/apps/demo-production"
    env = hk.env(HEROKU_APP="demo-production")
    assert hk.cli("apps", "info", "--json", env=env).code == 0
    assert hk.received()[-1]["path"] == "/apps/demo-production"
    assert hk.cli("apps", "info", "-a", "demo-staging", "--json", env=env).code == 0
    assert hk.received()[-1]["path"] == "/apps/demo-staging"
    unknown = hk.cli("apps", "info", "-r", "nowhere")
    assert unknown.code == 2 and "no git remote named 'nowhere'" in unknown.err
    not_heroku = hk.cli("apps", "info", "-r", "origin")
    assert not_heroku.code == 2 and "is not a Heroku app" in not_heroku.err


def test_the_only_heroku_remote_is_used_and_several_ask_which(hk, tmp_path, monkeypatch):
    root = tmp_path / "other"
    root.mkdir()
    git(root, "init", "-q")
    git(root, "remote", "add", "staging", "https://git.heroku.com/demo-staging.git")
    monkeypatch.chdir(root)
    assert hk.cli("ps", "--json").code == 0
    assert hk.received()[-1]["path"].startswith("/apps/demo-staging/")
    git(root, "remote", "add", "production", "git@heroku.com:demo-production.git")
    several = hk.cli("ps")
    assert several.code == 2
    assert "several Heroku remotes: production (demo-production), staging (demo-staging)" in several.err


def test_a_worktree_reads_the_shared_config(hk, repo, tmp_path, monkeypatch):
    git(repo, "commit", "-q", "--allow-empty", "-m", "first")
    wt = tmp_path / "feature"
    git(repo, "worktree", "add", "-q", str(wt))
    monkeypatch.chdir(wt)
    assert (wt / ".git").is_file()
    assert hk.cli("addons", "--json").code == 0
    assert hk.received()[-1]["path"] == "/apps/demo-staging/addons"


def test_nothing_to_resolve_lists_the_ways(hk, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = hk.cli("releases")
    assert res.code == 2
    for way in ("-a APP", "-r REMOTE", "HEROKU_APP", "`heroku` remote"):
        assert way in res.err
    assert hk.received() == []


def test_positional_app_where_the_official_cli_takes_one(hk, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert hk.cli("apps", "info", "demo-staging", "--json").code == 0
    assert json.loads(hk.cli("health", "demo-staging", "--json").out)["app"] == "demo-staging"
    both = hk.cli("apps", "info", "demo-staging", "-a", "demo-production")
    assert both.code == 2 and "two apps named" in both.err
    neither = hk.cli("health")
    assert neither.code == 2 and "which app?" in neither.err and "not both" not in neither.err


def test_an_inferred_app_is_named_in_the_confirmation(hk, repo):
    seen = []

    def person(plan: str, question: str) -> str:
        seen.append(plan)
        return "yes"

    res = hk.cli("config", "set", "GREETING=hi", env=hk.env(HEROKU_PERMISSION="full"), confirmer=person)
    assert res.code == 0, res.err
    assert "App: demo-staging (from git remote heroku)" in seen[0]
    assert res.err.rstrip().endswith("set GREETING on demo-staging: done, v6")


def test_a_write_without_a_terminal_needs_the_app_named(hk, repo):
    env = hk.full_env()  # the non-interactive opt-in is set: named apps may be written to
    refused = hk.cli("apps", "maintenance", "on", env=env)
    assert refused.code == 3
    assert (
        "demo-staging was inferred from git remote heroku" in refused.err and "-a demo-staging" in refused.err
    )
    assert hk.writes_received() == []
    from_env = hk.cli("config", "set", "X=1", env=hk.full_env(HEROKU_APP="demo-production"))
    assert from_env.code == 3 and "inferred from HEROKU_APP" in from_env.err
    assert hk.cli("apps", "maintenance", "on", "-r", "heroku", env=env).code == 0
    assert hk.cli("apps", "maintenance", "-r", "heroku").out == "on\n"  # reads infer freely
    assert hk.cli("apps", "maintenance").out == "on\n"
