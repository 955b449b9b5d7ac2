"""The fleet budget: a plan larger than what is left is asked about, then paced over the refill (no 429).

Time is the sandbox's manual clock: the pacer reads it and "sleeps" by advancing it, so a run that
waits a quarter of an hour for the refill takes a second.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hkctl.config import Settings
from hkctl.errors import BudgetRefused
from hkctl.sandbox.app import create_app
from hkctl.sandbox.seed import SANDBOX_TOKEN
from hkctl.sandbox.server import build_sandbox, start_in_thread
from hkctl.transport.client import HerokuClient
from hkctl.transport.pacing import REFILL_PER_SECOND, Pacer
from hkctl.workflows.fleet import health_job
from hkctl.workflows.fleet_budget import BudgetPlan, authorize, execute
from hkctl.workflows.fleet_select import select
from tests.support import ASGITransport

pytestmark = pytest.mark.core


def _client(sb) -> HerokuClient:  # type: ignore[no-untyped-def]
    env = {"HEROKU_API_KEY": SANDBOX_TOKEN, "HKCTL_API_URL": "http://localhost", "HOME": "/nonexistent"}
    return HerokuClient(
        Settings.from_env(env), transport=ASGITransport(create_app(sb)), stderr=lambda _m: None
    )


def test_health_of_300_apps_with_300_left_plans_asks_and_paces_over_the_refill_without_a_429() -> None:
    sb = build_sandbox(scenario="fleet", manual_clock=True)
    token = sb.token_for(SANDBOX_TOKEN)
    assert token is not None
    sb.ratelimits.set(token["id"], 300, sb.clock.now())
    client = _client(sb)
    selection = select(client)  # one list read: 299 left
    job = health_job(selection)
    asked: list[str] = []
    started = sb.clock.now()

    def confirm(plan: str, question: str) -> str:
        asked.append(plan + "\n" + question)
        return "yes"

    plan, report = execute(client, job, confirmer=confirm, clock=sb.clock.now, sleep=sb.clock.advance)
    assert plan.requests == 300 * 5 + 1 and plan.remaining == 299
    assert len(asked) == 1
    assert "300 apps × 5 requests + 1 list read = 1,501 of 299 left" in asked[0]
    assert "paced over the refill, about 16 min" in asked[0]
    assert report.covered == 300 and not report.interrupted
    statuses = [r.get("status") for r in sb.requests if not r["path"].startswith("/__sandbox__/")]
    assert statuses.count(429) == 0 and report.throttled == 0
    assert len(statuses) == 1 + 1 + 300 * 5  # the list, the add-ons, every read (as planned: 403 app too)
    waited = sb.clock.now() - started
    assert waited >= (1501 - 299) / REFILL_PER_SECOND  # the refill paid for the rest
    assert waited < (1501 - 299) / REFILL_PER_SECOND * 1.05  # and hardly more than that


def test_without_anyone_to_ask_the_plan_is_refused_with_the_numbers() -> None:
    plan = BudgetPlan(apps=300, per_app=5, fixed=1, remaining=299)
    with pytest.raises(BudgetRefused) as refused:
        authorize(plan)
    assert "1,501 requests, more than 50% of the 299 left" in str(refused.value)
    assert "--budget 1501" in str(refused.value)
    authorize(plan, budget=1501)  # allowed: no question
    authorize(BudgetPlan(apps=10, per_app=1, remaining=4000))  # well within the share
    with pytest.raises(BudgetRefused):
        authorize(BudgetPlan(apps=10, per_app=1, remaining=4000), budget=5)


def test_the_pacer_waits_for_the_refill_and_trusts_a_lower_header() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    pacer = Pacer(3, clock=lambda: now[0], sleep=sleep)
    for _ in range(2):  # 3 left, one kept back
        pacer.acquire()
        pacer.done(None)
    assert slept == []
    pacer.acquire()  # needs the refill: 0.8 s per token
    assert slept and abs(sum(slept) - 1 / REFILL_PER_SECOND) < 1e-9
    pacer.done("0")  # someone else spent the budget: the header wins
    assert pacer.estimate == 0


def test_ctrl_c_keeps_what_was_covered() -> None:
    from hkctl.workflows.fleet import list_job
    from hkctl.workflows.fleet_run import run

    sb = build_sandbox(scenario="fleet", manual_clock=True)
    client = _client(sb)
    selection = select(client)
    from datetime import UTC, datetime

    job = list_job(selection, datetime.now(UTC))
    seen: list[str] = []

    def on_result(result) -> None:  # type: ignore[no-untyped-def]
        seen.append(result.app.name)
        if len(seen) == 10:
            raise KeyboardInterrupt

    report = run(client, job.apps, job.reads, concurrency=2, on_result=on_result)
    assert report.interrupted and report.covered == 10 and report.total == 300
    assert report.coverage() == "covered 10 of 300 apps"
    assert client.pacer is None  # the client is left as it was


def test_ctrl_c_in_a_terminal_run_prints_coverage_and_exits_130(tmp_path: Path) -> None:
    running = start_in_thread(build_sandbox(scenario="fleet"))
    try:
        running.sandbox.faults.configure(latency_ms=50)
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path),
            "HEROKU_API_KEY": SANDBOX_TOKEN,
            "HKCTL_API_URL": running.url,
            "HKCTL_DATA_API_URL": running.url,
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "hkctl", "fleet", "list", "--json", "--concurrency", "2"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(5)]
        proc.send_signal(signal.SIGINT)
        lines += proc.stdout.read().splitlines()  # not communicate(): it would skip what readline buffered
        assert proc.stderr is not None
        err = proc.stderr.read()
        assert proc.wait(timeout=60) == 130, err
        records = [json.loads(line) for line in lines if line.strip()]
        assert 5 <= len(records) < 300
        assert f"interrupted: covered {len(records)} of 300 apps" in err
    finally:
        running.stop()
