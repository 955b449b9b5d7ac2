"""How the fleet runner sends an app's reads: together where the job says they are independent, one
after another (skipping what a filter no longer needs) where it does not."""

from __future__ import annotations

import re
import threading
from collections import Counter

import httpx
import pytest

from hkctl.config import Settings
from hkctl.sandbox.app import create_app
from hkctl.sandbox.seed import SANDBOX_TOKEN
from hkctl.sandbox.server import build_sandbox
from hkctl.transport.client import HerokuClient
from hkctl.workflows.fleet import health_job
from hkctl.workflows.fleet_budget import execute
from hkctl.workflows.fleet_run import run
from hkctl.workflows.fleet_select import FleetApp, select
from tests.support import ASGITransport

pytestmark = pytest.mark.core

APP_PATH = re.compile(r"^/apps/([^/]+)/")


class Gate(httpx.BaseTransport):
    """Holds every request under /apps/{app}/ until `parties` requests of that app have arrived, then
    lets them through to the sandbox. Reads sent one after another never get through: the second one
    is only sent once the first is answered, so the barrier breaks (BrokenBarrierError, after a
    deadlock guard of `guard` seconds) and the read fails."""

    def __init__(self, inner: httpx.BaseTransport, parties: int, guard: float = 30.0) -> None:
        self.inner, self.parties, self.guard = inner, parties, guard
        self.barriers: dict[str, threading.Barrier] = {}
        self.lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        m = APP_PATH.match(request.url.path)
        if m:
            with self.lock:
                barrier = self.barriers.setdefault(
                    m.group(1), threading.Barrier(self.parties, timeout=self.guard)
                )
            barrier.wait()
        return self.inner.handle_request(request)


def _client(sb, transport: httpx.BaseTransport | None = None) -> HerokuClient:  # type: ignore[no-untyped-def]
    env = {"HEROKU_API_KEY": SANDBOX_TOKEN, "HKCTL_API_URL": "http://localhost", "HOME": "/nonexistent"}
    inner = ASGITransport(create_app(sb))
    return HerokuClient(Settings.from_env(env), transport=transport or inner, stderr=lambda _m: None)


def _per_app(sb) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(app id or name, template) of every per-app request the sandbox answered, in order."""
    out = []
    for r in sb.requests:
        m = APP_PATH.match(r["path"])
        if m:
            out.append((m.group(1), f"{r['method']} {r.get('template', r['path'])}"))
    return out


def test_health_sends_each_apps_five_reads_together_one_app_at_a_time_with_concurrency_1() -> None:
    sb = build_sandbox(scenario="fleet")
    selection = select(_client(sb), team="payments", match="payments-a[dp][mi]*")  # admin, api: 4 apps
    gated = _client(sb, Gate(ASGITransport(create_app(sb)), parties=5))
    job = health_job(selection)
    assert list(job.reads)[0] == "logs"  # two requests long (session, then its stream): sent first
    _plan, report = execute(gated, job, concurrency=1)
    assert report.covered == 4 and not any(r.error for r in report.results)  # no barrier broke
    rows = {row["app"]: row["verdict"] for row in job.rows(report)}
    assert rows["payments-api-production"] == "unhealthy" and rows["payments-api-staging"] == "healthy"
    sent = _per_app(sb)
    assert len(sent) == report.requests == 4 * 5
    # One app in flight: its five reads form one block, and no other app's read comes in between.
    blocks = [sent[i : i + 5] for i in range(0, len(sent), 5)]
    assert all(len({app for app, _ in block}) == 1 for block in blocks)
    assert len({block[0][0] for block in blocks}) == 4
    assert all(
        Counter(t for _, t in block)
        == Counter(
            [
                "POST /apps/{app}/log-sessions",
                "GET /apps/{app}/formation",
                "GET /apps/{app}/dynos",
                "GET /apps/{app}/releases",
                "GET /apps/{app}/domains",
            ]
        )
        for block in blocks
    )


def test_reads_in_turn_do_not_go_together() -> None:
    """The gate's counter-proof: the same two reads sent one after another break its barrier (a
    BrokenBarrierError is no API answer: the runner raises it), sent together they pass."""
    from hkctl.workflows.fleet import read_dynos, read_formation

    sb = build_sandbox(scenario="fleet")
    selection = select(_client(sb), match="payments-api-staging")
    reads = {"formation": read_formation, "dynos": read_dynos}
    in_turn = _client(sb, Gate(ASGITransport(create_app(sb)), parties=2, guard=0.5))
    with pytest.raises(threading.BrokenBarrierError):
        run(in_turn, selection.apps, reads, together=False)
    together = _client(sb, Gate(ASGITransport(create_app(sb)), parties=2))
    report = run(together, selection.apps, reads, together=True)
    assert [r.error for r in report.results] == [None]


def test_find_skips_the_config_read_of_an_app_its_size_filter_already_excluded() -> None:
    from datetime import UTC, datetime

    from hkctl.workflows.fleet import Filters, find_job

    sb = build_sandbox(scenario="fleet")
    client = _client(sb)
    selection = select(client, team="payments")
    filters = Filters(size="Standard-2X", config_key="SENTRY_DSN")
    job = find_job(selection, filters, datetime.now(UTC))
    assert not job.together
    plan, report = execute(client, job)
    assert plan.requests == 52 * 2  # planned as an upper bound
    rows = job.rows(report)
    services = ("admin", "api", "auth", "billing", "events", "search", "web", "worker")
    assert [r["app"] for r in rows] == [f"payments-{s}-production" for s in services]
    assert rows[1]["why"] == "web 2×Standard-2X; SENTRY_DSN set"
    templates = Counter(t for _, t in _per_app(sb))
    assert templates == {"GET /apps/{app}/formation": 52, "GET /apps/{app}/config-vars": 8}
    assert report.requests == 60


def test_a_bug_in_a_reader_is_raised_not_waited_on() -> None:
    sb = build_sandbox(scenario="fleet")
    client = _client(sb)
    selection = select(client, team="payments", match="payments-app-0*")

    def broken(_client: HerokuClient, app: FleetApp) -> None:
        raise RuntimeError(f"bug reading {app.name}")

    for together in (False, True):
        with pytest.raises(RuntimeError, match="bug reading"):
            run(client, selection.apps, {"a": broken, "b": broken}, together=together)
        assert client.pacer is None  # the client is left as it was


def test_ctrl_c_during_reads_sent_together_keeps_what_was_covered() -> None:
    sb = build_sandbox(scenario="fleet")
    client = _client(sb)
    job = health_job(select(client, team="growth"))
    seen: list[str] = []

    def on_result(result) -> None:  # type: ignore[no-untyped-def]
        seen.append(result.app.name)
        if len(seen) == 10:
            raise KeyboardInterrupt

    _plan, report = execute(client, job, concurrency=4, on_result=on_result)
    assert report.interrupted and report.covered == 10 and report.total == 52
    assert all(set(r.data) == set(job.reads) for r in report.results)  # covered apps are whole
    assert client.pacer is None  # the client is left as it was
