"""hkctl pipelines promote runs the health check on its source first; --no-check overrides, said on stderr."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Harness

pytestmark = pytest.mark.core


def _app(hk: Harness, name: str) -> dict[str, Any]:
    app = hk.sandbox.store.first("app", name=name)
    assert app is not None
    return app


def _crash_web(hk: Harness, name: str) -> None:
    app = _app(hk, name)
    dyno = next(d for d in hk.sandbox.store.all("dyno", parent=app["id"]) if d["type"] == "web")
    dyno["state"] = "crashed"
    hk.sandbox.store.put("dyno", dyno, parent=app["id"])


def _promotions(hk: Harness) -> list[dict[str, Any]]:
    return [w for w in hk.writes_received() if w["path"] == "/pipeline-promotions"]


def test_unhealthy_source_is_not_promoted(hk: Harness) -> None:
    _crash_web(hk, "demo-staging")
    r = hk.cli("pipelines", "promote", "--pipeline", "demo", env=hk.full_env())
    assert r.code == 3
    assert "refused to promote from demo-staging" in r.err and "crashed dynos" in r.err
    assert "--no-check" in r.err
    assert hk.writes_received() == []


def test_no_check_promotes_anyway_and_says_so(hk: Harness) -> None:
    _crash_web(hk, "demo-staging")
    r = hk.cli("pipelines", "promote", "--pipeline", "demo", "--no-check", env=hk.full_env())
    assert "health check of" in r.err and "skipped (--no-check)" in r.err
    assert len(_promotions(hk)) == 1
    assert r.code == 0, r.err


def test_healthy_source_is_promoted(hk: Harness) -> None:
    r = hk.cli("pipelines", "promote", "--pipeline", "demo", env=hk.full_env())
    assert r.code == 0, r.err
    assert "is healthy: promoting" in r.err
    assert len(_promotions(hk)) == 1
