"""The control API under /__sandbox__/: reset, seed scenarios, faults, clock, request log."""

from __future__ import annotations

import time

import httpx
import pytest

from hkctl.sandbox.app import create_app
from hkctl.sandbox.seed import SANDBOX_TOKEN
from hkctl.sandbox.server import build_sandbox
from tests.support import ASGITransport

pytestmark = pytest.mark.core

API = {"Authorization": f"Bearer {SANDBOX_TOKEN}", "Accept": "application/vnd.heroku+json; version=3"}


def http(hk) -> httpx.Client:
    """A raw client on the harness's sandbox (in process or over the socket)."""
    return httpx.Client(base_url=hk.url, transport=hk.transport, headers=API, timeout=10)


def test_reset_restores_the_seed_and_clears_the_request_log(hk):
    c = http(hk)
    assert c.patch("/apps/demo-staging/config-vars", json={"X": "1"}).status_code == 200
    assert c.post("/__sandbox__/reset", json={}).status_code == 200
    assert "X" not in c.get("/apps/demo-staging/config-vars").json()
    assert [r["path"] for r in c.get("/__sandbox__/requests").json()] == ["/apps/demo-staging/config-vars"]


def test_named_scenarios(hk):
    c = http(hk)
    assert "demo" in c.get("/__sandbox__/scenarios").json()
    c.post("/__sandbox__/reset", json={"seed": "empty"})
    assert c.get("/apps").json() == []
    c.post("/__sandbox__/seed/demo")
    assert sorted(a["name"] for a in c.get("/apps").json()) == ["demo-production", "demo-staging"]
    unknown = c.post("/__sandbox__/seed/nope")
    assert unknown.status_code == 404 and unknown.json()["id"] == "not_found"


def test_every_nth_fault_on_one_route_only(hk):
    c = http(hk)
    got = c.put("/__sandbox__/faults", json={"every": 2, "statuses": [503], "routes": ["GET /apps/{app}"]})
    assert got.json()["routes"] == ["GET /apps/{app}"]
    statuses = [c.get("/apps/demo-staging").status_code for _ in range(4)]
    assert statuses == [200, 503, 200, 503]
    assert c.get("/account").status_code == 200  # other routes untouched
    failed = c.get("/apps/demo-staging")
    assert failed.status_code == 200
    c.delete("/__sandbox__/faults")
    assert {c.get("/apps/demo-staging").status_code for _ in range(4)} == {200}


def test_probability_faults_are_seeded_and_repeatable(hk):
    c = http(hk)

    def run() -> list[int]:
        c.put("/__sandbox__/faults", json={"rate": 0.5, "seed": 7, "statuses": [500, 503]})
        return [c.get("/account").status_code for _ in range(12)]

    first = run()
    assert set(first) == {200, 500, 503} or set(first) >= {200}
    assert run() == first
    body = c.get("/account")
    if body.status_code >= 500:
        assert set(body.json()) >= {"id", "message"}


def test_fault_after_processing_commits_the_write_and_loses_the_answer(hk):
    c = http(hk)
    c.put(
        "/__sandbox__/faults",
        json={"every": 1, "phase": "after", "routes": ["PATCH /apps/{app}/config-vars"]},
    )
    lost = c.patch("/apps/demo-staging/config-vars", json={"AFTER": "1"})
    assert lost.status_code == 503
    c.delete("/__sandbox__/faults")
    assert c.get("/apps/demo-staging/config-vars").json()["AFTER"] == "1"


def test_before_phase_fault_changes_nothing(hk):
    c = http(hk)
    c.put("/__sandbox__/faults", json={"every": 1, "routes": ["PATCH /apps/{app}/config-vars"]})
    assert c.patch("/apps/demo-staging/config-vars", json={"BEFORE": "1"}).status_code == 503
    c.delete("/__sandbox__/faults")
    assert "BEFORE" not in c.get("/apps/demo-staging/config-vars").json()


def test_latency_applies_to_the_chosen_route(hk):
    c = http(hk)
    c.put("/__sandbox__/faults", json={"latency_ms": 300, "routes": ["GET /account"]})
    start = time.monotonic()
    c.get("/apps")
    fast = time.monotonic() - start
    start = time.monotonic()
    c.get("/account")
    slow = time.monotonic() - start
    assert slow >= 0.3 > fast


def test_unknown_fault_settings_are_refused(hk):
    assert http(hk).put("/__sandbox__/faults", json={"bogus": 1}).status_code == 422


def test_request_log_records_and_filters(hk):
    c = http(hk)
    c.get("/apps")
    c.patch("/apps/demo-staging/config-vars", json={"LOG": "1"})
    c.get("/apps/no-such-app")
    log = c.get("/__sandbox__/requests").json()
    assert [(r["method"], r["path"], r["status"]) for r in log] == [
        ("GET", "/apps", 200),
        ("PATCH", "/apps/demo-staging/config-vars", 200),
        ("GET", "/apps/no-such-app", 404),
    ]
    assert log[1]["body"] == {"LOG": "1"} and log[1]["template"] == "/apps/{app}/config-vars"
    assert [r["path"] for r in c.get("/__sandbox__/requests", params={"method": "patch"}).json()] == [
        "/apps/demo-staging/config-vars"
    ]
    assert len(c.get("/__sandbox__/requests", params={"status": "4xx"}).json()) == 1
    since = c.get("/__sandbox__/requests", params={"since": log[1]["seq"]}).json()
    assert [r["path"] for r in since] == ["/apps/no-such-app"]
    c.delete("/__sandbox__/requests")
    assert c.get("/__sandbox__/requests").json() == []


def test_manual_clock_advance_runs_due_lifecycle_steps_in_order():
    sb = build_sandbox(manual_clock=True)
    ran: list[str] = []
    sb.tasks.setdefault("probe", []).append(lambda sb_, payload: ran.append(payload["n"]))
    sb.tasks.setdefault("chain", []).append(lambda sb_, payload: sb_.schedule(5, "probe", {"n": "chained"}))
    sb.schedule(30, "probe", {"n": "thirty"})
    sb.schedule(10, "chain", {})
    c = httpx.Client(base_url="http://sandbox.test", transport=ASGITransport(create_app(sb)), headers=API)
    c.post("/__sandbox__/tick")  # the seed's own steps, due now
    info = c.get("/__sandbox__/clock").json()
    assert info["manual"] is True and info["next_due_in"] == pytest.approx(10)
    before = sb.clock.now()
    assert c.post("/__sandbox__/clock/advance", json={"seconds": 29}).json()["ran"] == 2
    assert ran == ["chained"]
    assert c.post("/__sandbox__/clock/advance", json={"seconds": 1}).json()["ran"] == 1
    assert ran == ["chained", "thirty"]
    assert sb.clock.now() == pytest.approx(before + 30)
    assert c.post("/__sandbox__/clock/advance", json={"seconds": -1}).status_code == 422


def test_manual_clock_holds_lifecycles_until_advanced():
    """A real lifecycle (an add-on provisioning for 60 s) completes only when the clock is advanced."""
    sb = build_sandbox(manual_clock=True, durations={"addon": 60})
    if not any(r.template == "/apps/{app}/addons" and r.method == "POST" for r in sb.routes):
        pytest.skip("add-ons family not in the sandbox")
    c = httpx.Client(base_url="http://sandbox.test", transport=ASGITransport(create_app(sb)), headers=API)
    created = c.post("/apps/demo-staging/addons", json={"plan": "heroku-postgresql:essential-0"})
    assert created.status_code in (201, 202), created.text
    addon_id = created.json()["id"]
    assert c.get(f"/addons/{addon_id}").json()["state"] == "provisioning"
    c.post("/__sandbox__/clock/advance", json={"seconds": 59})
    assert c.get(f"/addons/{addon_id}").json()["state"] == "provisioning"
    c.post("/__sandbox__/clock/advance", json={"seconds": 1})
    assert c.get(f"/addons/{addon_id}").json()["state"] == "provisioned"
