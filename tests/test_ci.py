"""hkctl ci build (spec §18 as one command) and the example GitHub Actions workflow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support import Harness

pytestmark = pytest.mark.core
ROOT = Path(__file__).resolve().parent.parent


def _source(tmp_path: Path, *, fail: bool = False) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "requirements.txt").write_text("flask==3.0.3\n")
    (src / "app.py").write_text("print('hello')\n")
    if fail:
        (src / "HKCTL_FAIL_BUILD").write_text("fail\n")
    return src


def _releases(hk: Harness, app: str) -> list[dict[str, Any]]:
    a = hk.sandbox.store.first("app", name=app)
    assert a is not None
    return hk.sandbox.store.all("release", parent=a["id"])


def test_build_succeeds_and_records_the_version(hk: Harness, tmp_path: Path) -> None:
    before = len(_releases(hk, "demo-staging"))
    r = hk.cli(
        "ci",
        "build",
        "--dir",
        str(_source(tmp_path)),
        "-a",
        "demo-staging",
        "--version",
        "0123abcd",
        "--json",
        env=hk.full_env(),
    )
    assert r.code == 0, r.err
    build = json.loads(r.out)
    assert build["status"] == "succeeded"
    assert build["source_blob"]["version"] == "0123abcd"
    assert len(_releases(hk, "demo-staging")) == before + 1
    assert "build status: succeeded" in r.err
    paths = [(q["method"], q["path"]) for q in hk.writes_received()]
    assert paths[0] == ("POST", "/sources") and ("POST", "/apps/demo-staging/builds") in paths


def test_failed_build_exits_1_and_makes_no_release(hk: Harness, tmp_path: Path) -> None:
    before = len(_releases(hk, "demo-staging"))
    r = hk.cli(
        "ci", "build", "--dir", str(_source(tmp_path, fail=True)), "-a", "demo-staging", env=hk.full_env()
    )
    assert r.code == 1
    assert "failed" in r.err
    assert len(_releases(hk, "demo-staging")) == before


def test_build_that_does_not_finish_times_out(hk: Harness, tmp_path: Path) -> None:
    hk.sandbox.config.durations["build"] = 3600.0  # the build stays pending
    r = hk.cli(
        "ci",
        "build",
        "--dir",
        str(_source(tmp_path)),
        "-a",
        "demo-staging",
        "--timeout",
        "0.3",
        env=hk.full_env(),
    )
    assert r.code == 1
    assert "gave up waiting" in r.err or "timed out" in r.err.lower()


def test_readonly_and_no_tty_are_refused(hk: Harness, tmp_path: Path) -> None:
    src = str(_source(tmp_path))
    assert hk.cli("ci", "build", "--dir", src, "-a", "demo-staging").code == 3
    r = hk.cli("ci", "build", "--dir", src, "-a", "demo-staging", env=hk.env(HEROKU_PERMISSION="full"))
    assert r.code == 3 and "HEROKU_NONINTERACTIVE_WRITES" in r.err
    assert hk.writes_received() == []


def test_example_workflow_runs_hkctl_ci_build() -> None:
    text = (ROOT / "docs" / "ci" / "github-actions.yml").read_text()
    assert "pip install" in text and "hkctl ci build --dir . -a" in text
    assert "HEROKU_NONINTERACTIVE_WRITES: i-accept-the-risk" in text
    assert "${{ secrets.HEROKU_API_KEY }}" in text
