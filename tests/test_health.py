"""hkctl health against the sandbox: healthy and unhealthy apps, the reasons, exit status, pipeline view."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from hkctl.sandbox.backend.releases import create_release
from tests.support import Harness

pytestmark = pytest.mark.core

H12 = (
    'at=error code=H12 desc="Request timeout" method=GET path="/checkout" host=demo.example '
    'request_id={rid} fwd="10.0.0.1" dyno=web.1 connect=1ms service=30001ms status=503 bytes=0 protocol=https'
)


def _app(hk: Harness, name: str) -> dict[str, Any]:
    app = hk.sandbox.store.first("app", name=name)
    assert app is not None
    return app


def _clean_logs(hk: Harness, name: str) -> None:
    """The demo seed may tell a story in the logs; these tests set up their own."""
    app = _app(hk, name)
    for kind in ("log", "log-line", "logline"):
        for row in hk.sandbox.store.all(kind, parent=app["id"]):
            hk.sandbox.store.delete(kind, row["id"])


def _health(hk: Harness, *args: str) -> tuple[int, dict[str, Any], str]:
    r = hk.cli("health", *args, "--json")
    return r.code, json.loads(r.out), r.err


def test_healthy_app_exits_0_and_shows_every_section(hk: Harness) -> None:
    _clean_logs(hk, "demo-staging")
    code, doc, _ = _health(hk, "demo-staging")
    assert code == 0, doc["problems"]
    assert doc["healthy"] is True and doc["problems"] == []
    assert doc["info"]["region"] and doc["info"]["stack"] and doc["info"]["maintenance"] is False
    assert doc["formation"] and doc["dynos"] and doc["releases"] and doc["addons"]
    assert doc["latest_release"]["version"] == max(r["version"] for r in doc["releases"])
    assert len(doc["releases"]) <= 5
    assert isinstance(doc["rate_limit_remaining"], int)
    assert "errors" not in doc, doc.get("errors")


def test_text_dashboard_lists_sections_and_rate_limit(hk: Harness) -> None:
    r = hk.cli("health", "-a", "demo-staging")
    for label in ("App", "Formation", "Dynos", "Release", "Add-ons", "Domains", "Router"):
        assert f"\n{label}" in r.out or r.out.startswith(label)
    assert "rate limit:" in r.err


def test_maintenance_fails_the_check(hk: Harness) -> None:
    _clean_logs(hk, "demo-staging")
    app = _app(hk, "demo-staging")
    app["maintenance"] = True
    hk.sandbox.store.put("app", app)
    code, doc, _ = _health(hk, "demo-staging")
    assert code == 1
    assert "maintenance mode is on" in doc["problems"]


def test_crashed_dyno_fails_the_check(hk: Harness) -> None:
    _clean_logs(hk, "demo-staging")
    app = _app(hk, "demo-staging")
    dyno = next(d for d in hk.sandbox.store.all("dyno", parent=app["id"]) if d["type"] == "web")
    dyno["state"] = "crashed"
    hk.sandbox.store.put("dyno", dyno, parent=app["id"])
    r = hk.cli("health", "demo-staging")
    assert r.code == 1
    assert f"crashed dynos: {dyno['name']}" in r.out
    assert "UNHEALTHY" in r.out


def test_failed_latest_release_is_flagged(hk: Harness) -> None:
    _clean_logs(hk, "demo-staging")
    app = _app(hk, "demo-staging")
    owner = hk.sandbox.store.all("account")[0]
    with hk.sandbox.store.tx():
        bad = create_release(hk.sandbox, app, description="Deploy 0badc0de", user=owner, status="failed")
    code, doc, _ = _health(hk, "demo-staging")
    assert code == 1
    assert doc["latest_release"]["status"] == "failed"
    assert any(f"v{bad['version']} failed" in p for p in doc["problems"])
    text = hk.cli("health", "demo-staging").out
    assert "FAILED" in text


def test_addon_not_provisioned_fails_the_check(hk: Harness) -> None:
    _clean_logs(hk, "demo-staging")
    app = _app(hk, "demo-staging")
    addon = hk.sandbox.store.all("addon", parent=app["id"])[0]
    addon["state"] = "provisioning"
    hk.sandbox.store.put("addon", addon, parent=app["id"])
    code, doc, _ = _health(hk, "demo-staging")
    assert code == 1
    assert any("not provisioned" in p and addon["name"] in p for p in doc["problems"])


def test_h12_storm_fails_the_check_with_counts(hk: Harness) -> None:
    _clean_logs(hk, "demo-staging")
    app = _app(hk, "demo-staging")
    for i in range(12):
        hk.sandbox.log(app["id"], "heroku", "router", H12.format(rid=f"storm-{i}"))
    code, doc, _ = _health(hk, "demo-staging")
    assert code == 1
    assert doc["router"]["codes"].get("H12") == 12
    assert doc["router"]["5xx"] >= 12
    assert any("H12×12" in p for p in doc["problems"])


def test_unknown_app_is_an_error_not_a_dashboard(hk: Harness) -> None:
    r = hk.cli("health", "no-such-app-here")
    assert r.code == 1
    assert "not_found" in r.err or "404" in r.err


def test_bad_input_exits_2_and_sends_nothing(hk: Harness) -> None:
    assert hk.cli("health").code == 2
    assert hk.cli("health", "Bad_Name").code == 2
    assert hk.cli("health", "demo-staging", "--pipeline", "demo").code == 2
    assert hk.received() == []


def test_pipeline_shows_stages_side_by_side(hk: Harness) -> None:
    _clean_logs(hk, "demo-staging")
    r = hk.cli("health", "--pipeline", "demo")
    assert "staging: demo-staging" in r.out and "production: demo-production" in r.out
    assert r.out.index("staging: demo-staging") < r.out.index("production: demo-production")
    code, doc, _ = _health(hk, "--pipeline", "demo")
    assert [s["stage"] for s in doc["stages"]] == ["staging", "production"]
    assert doc["healthy"] == all(s["healthy"] for s in doc["stages"])
    assert code == (0 if doc["healthy"] else 1) == r.code


def test_reads_run_concurrently(hk: Harness) -> None:
    """Seven reads with 300 ms each: sequential would take over 2 s; concurrent about one round trip."""
    hk.sandbox.faults.configure(latency_ms=300)
    t0 = time.perf_counter()
    code, doc, _ = _health(hk, "demo-staging")
    elapsed = time.perf_counter() - t0
    hk.sandbox.faults.configure(latency_ms=0)
    assert doc["info"]["name"] == "demo-staging"
    assert elapsed < 1.5, f"health took {elapsed:.2f}s"


def test_health_is_read_only(hk: Harness) -> None:
    hk.cli("health", "--pipeline", "demo")
    assert hk.writes_received() == []


def test_watch_refreshes_and_keeps_the_exit_status(hk: Harness) -> None:
    app = _app(hk, "demo-staging")
    app["maintenance"] = True
    hk.sandbox.store.put("app", app)
    r = hk.cli("health", "demo-staging", "--watch", "--interval", "1", "--count", "2")
    assert r.out.count("== demo-staging") == 2
    assert r.code == 1


def test_concurrent_reads_share_one_client_cleanly(hk: Harness, tmp_path: Any) -> None:
    """Every request of the concurrent round is audited as one whole JSON line."""
    audit = tmp_path / "audit.jsonl"
    r = hk.cli("health", "--pipeline", "demo", "--audit-log", str(audit))
    assert r.code in (0, 1)
    records = [json.loads(line) for line in audit.read_text().splitlines()]
    reads = [x for x in records if x["action"] != "follow_stream"]
    assert len(reads) >= 2 + 2 * 7  # pipeline, couplings, then 7 reads per stage app
    assert all(x["status"] in (200, 201, 206) for x in reads)
