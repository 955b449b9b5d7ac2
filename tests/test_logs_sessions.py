"""Log sessions against the sandbox: a read in readonly, SSE as the official CLI expects, filters, the story."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

import hkctl
from hkctl.sandbox import logplex
from tests.support import Harness

pytestmark = pytest.mark.core


def _app(hk: Harness, name: str) -> dict[str, Any]:
    app = hk.sandbox.store.first("app", name=name)
    assert app is not None
    return app


def _raw_get(hk: Harness, url: str, accept: str = "text/event-stream") -> httpx.Response:
    """GET a logplex URL the way the official CLI does: no Authorization header, the secret is the URL."""
    with httpx.Client(transport=hk.transport) as c:
        return c.get(url, headers={"Accept": accept})


def test_session_is_a_read_and_matches_the_schema(hk: Harness) -> None:
    from hkctl.resources import log_sessions

    session = log_sessions.create(hk.client(), "demo-staging", dyno="web.1", source="heroku", lines=20)
    schema = json.loads((Path(hkctl.__file__).parent / "data" / "platform-api-schema.json").read_text())
    props = schema["definitions"]["log-session"]["properties"]
    assert set(session.to_json()) == set(props)
    jsonschema.validate(session.to_json(), {"type": "object", "required": list(props)})
    (req,) = hk.received()
    assert req["method"] == "POST" and req["body"] == {
        "lines": 20,
        "tail": False,
        "source": "heroku",
        "dyno_name": "web.1",
    }
    assert hk.writes_received() == []  # readonly mode (hk.env()) allowed it: a read by intent
    assert session.logplex_url.startswith(hk.url + "/__sandbox__/logplex/") and "srv=" in session.logplex_url


def test_stream_is_sse_with_retry_zero_and_ids(hk: Harness) -> None:
    from hkctl.resources import log_sessions

    session = log_sessions.create(hk.client(), "demo-production", lines=5)
    r = _raw_get(hk, session.logplex_url)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    text = r.text
    assert text.startswith("retry: 0\n\n")
    events = [e for e in text.split("\n\n")[1:] if e]
    assert len(events) == 5
    assert all(e.startswith("id: ") and "\ndata: " in e for e in events)
    plain = _raw_get(hk, session.logplex_url, accept="text/plain")
    assert plain.headers["content-type"].startswith("text/plain") and len(plain.text.splitlines()) == 5
    assert _raw_get(hk, hk.url + "/__sandbox__/logplex/not-a-session").status_code == 404


def test_hkctl_logs_prints_n_lines_in_readonly(hk: Harness) -> None:
    r = hk.cli("logs", "-a", "demo-production", "-n", "7")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert len(lines) == 7 and all(" heroku[" in x or " app[" in x for x in lines)


def test_dyno_and_source_filters_are_honoured(hk: Harness) -> None:
    app = _app(hk, "demo-staging")
    hk.sandbox.log(app["id"], "app", "run.4821", "hello from a one-off")
    hk.sandbox.log(app["id"], "heroku", "run.4821", "Process exited with status 3")
    one_off = hk.cli("logs", "-a", "demo-staging", "--dyno", "run.4821").out.splitlines()
    assert [x.split(": ", 1)[1] for x in one_off] == ["hello from a one-off", "Process exited with status 3"]
    app_only = hk.cli("logs", "-a", "demo-staging", "--dyno", "run.4821", "--source", "app").out.splitlines()
    assert len(app_only) == 1 and "app[run.4821]" in app_only[0]
    router = hk.cli("logs", "-a", "demo-staging", "--dyno", "router", "-n", "50").out.splitlines()
    assert router and all(" heroku[router]: " in x for x in router)
    web = hk.cli("logs", "-a", "demo-production", "--dyno", "web", "-n", "200").out.splitlines()
    assert web and all("[web." in x for x in web)
    assert {b["body"].get("type") for b in hk.received() if b["method"] == "POST"} >= {"web"}


def test_api_lines_follow_real_changes(hk: Harness) -> None:
    r = hk.cli("config", "set", "FOO=bar", "-a", "demo-staging", env=hk.full_env())
    assert r.code == 0, r.err
    out = hk.cli("logs", "-a", "demo-staging", "--deploys").out.splitlines()
    tail = [x.split("heroku[api]: ", 1)[1] for x in out[-2:]]
    assert tail[0] == "Set FOO config vars by demo@hkctl.dev"
    assert tail[1].startswith("Release v") and tail[1].endswith("created by demo@hkctl.dev")


def test_lines_are_bounded(hk: Harness) -> None:
    app = _app(hk, "demo-staging")
    for i in range(logplex.KEEP + 50):
        hk.sandbox.log(app["id"], "app", "web.1", f"line {i}")
    assert len(hk.sandbox.store.all("log-line", parent=app["id"])) == logplex.KEEP
    out = hk.cli("logs", "-a", "demo-staging", "-n", "1500", "--source", "app").out.splitlines()
    assert len(out) == 1500 and out[-1].endswith(f"line {logplex.KEEP + 49}")


@pytest.mark.parametrize("n", ["0", "1501", "x"])
def test_num_out_of_range_is_bad_input(hk: Harness, n: str) -> None:
    assert hk.cli("logs", "-a", "demo-staging", "-n", n).code == 2
    assert hk.received() == []


def test_sandbox_rejects_bad_session_bodies(hk: Harness) -> None:
    from hkctl.errors import ApiError

    client = hk.client()
    for body in ({"lines": 0}, {"lines": "ten"}, {"tail": "yes"}, {"dyno_name": 5}):
        with pytest.raises(ApiError) as err:
            client.request("POST", "/apps/demo-staging/log-sessions", body=body, action="log_sessions_create")
        assert err.value.status == 422


def test_generator_is_deterministic_per_app_and_minute() -> None:
    app = {"id": "5c6d3e2f-0a1b-4c2d-8e3f-9a0b1c2d3e4f", "name": "x"}
    dynos = [("web.1", 512), ("web.2", 512)]
    assert logplex._minute(app, 123, dynos, None) == logplex._minute(app, 123, dynos, None)
    assert logplex._minute(app, 123, dynos, None) != logplex._minute(app, 124, dynos, None)


def test_triage_of_demo_production_finds_the_story(hk: Harness) -> None:
    r = hk.cli("logs", "triage", "-a", "demo-production", "--json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    slowest_path = out["router"]["paths"][0]
    assert slowest_path["path"] == "/api/v1/reports/:id" and slowest_path["p95_ms"] >= 2000
    assert out["codes"]["H12"]["count"] >= 1 and out["codes"]["R14"]["count"] >= 1
    web2 = out["dynos"]["memory"]["web.2"]
    assert web2["max_total_mb"] >= 0.9 * web2["quota_mb"]
    assert out["n_plus_one"] and out["releases"] >= 2
    messages = " ".join(f["message"] for f in out["findings"])
    assert "/api/v1/reports/:id" in messages and "web.2" in messages


def test_router_answers_itself_when_no_dyno_can(hk: Harness) -> None:
    """Scaled to 0 → H14 from then on (not before); maintenance → H80; nothing from dynos meanwhile."""
    before = json.loads(hk.cli("logs", "triage", "-a", "demo-staging", "--json").out)
    assert before["router"]["requests"] > 0 and "H14" not in before["codes"]
    r = hk.cli("ps", "scale", "web=0", "-a", "demo-staging", "--confirm", "demo-staging", env=hk.full_env())
    assert r.code == 0, r.err
    hk.sandbox.clock.advance(600)
    after = json.loads(hk.cli("logs", "triage", "-a", "demo-staging", "--json").out)
    h14 = after["codes"]["H14"]
    assert h14["count"] > 0 and h14["dynos"] == [] and h14["first_seen"] > before["window"]["last"][:19]
    assert after["findings"][0]["message"].startswith("H14 No web dynos running")
    recent = hk.cli("logs", "-a", "demo-staging", "-n", "20", "--dyno", "router").out.splitlines()
    assert recent and all("code=H14" in x for x in recent)
    assert hk.cli("apps", "maintenance", "on", "-a", "demo-production", env=hk.full_env()).code == 0
    hk.sandbox.clock.advance(300)
    last = hk.cli("logs", "-a", "demo-production", "-n", "10", "--dyno", "router").out.splitlines()
    assert last and all("code=H80" in x and "status=503" in x for x in last)
