"""Red-team findings of session 2 (route matching by segments, injected IOStreams, fleet reads sent
together): each test states what must hold; it failed before its fix landed."""

from __future__ import annotations

import dataclasses
import json
import re
import threading
import unicodedata
from pathlib import Path

import httpx
import pytest

from hkctl.cli._common import Env
from hkctl.cli.main import run
from hkctl.config import Settings
from hkctl.iostreams import IOStreams
from hkctl.sandbox.app import create_app
from hkctl.sandbox.seed import SANDBOX_TOKEN
from hkctl.sandbox.server import build_sandbox
from hkctl.transport.client import HerokuClient
from hkctl.transport.redaction import REDACTED, Redactor
from hkctl.workflows.fleet import health_job
from hkctl.workflows.fleet_budget import execute
from hkctl.workflows.fleet_select import select
from tests.support import ASGITransport, Harness

pytestmark = pytest.mark.core


def _fleet_client(sb) -> HerokuClient:  # type: ignore[no-untyped-def]
    env = {
        "HEROKU_API_KEY": SANDBOX_TOKEN,
        "HKCTL_API_URL": "http://localhost",
        "HOME": "/nonexistent",
        "HKCTL_RETRY_BASE": "0.001",
    }
    return HerokuClient(
        Settings.from_env(env), transport=ASGITransport(create_app(sb)), stderr=lambda _m: None
    )


def _api_requests(sb) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for r in sb.requests if not r["path"].startswith("/__sandbox__/"))


# ------------------------------------------------------------------ fleet: retries beyond --budget
def test_a_fleet_run_never_sends_more_than_its_budget_even_when_answers_fail_and_are_retried() -> None:
    """`--budget N` allows N requests: retries after 503s used to be sent on top of the plan (350 sent
    for a budget of 301), spending the account's rate limit beyond what the person allowed."""
    sb = build_sandbox(scenario="fleet")
    client = _fleet_client(sb)
    selection = select(client, match="*-1?")
    job = health_job(selection)
    before = _api_requests(sb)
    sb.faults.configure(every=7, statuses=(503,))
    planned = len(job.apps) * job.per_app + job.fixed
    plan, report = execute(client, job, budget=planned)
    assert plan.requests == planned
    sent = _api_requests(sb) - before
    assert sent <= planned, f"{sent} requests sent for a budget of {planned}"
    failed = [r for r in report.results if r.error]
    assert failed, "some reads failed (every 7th answer is a 503) and could not all be retried"
    assert all(r.app.name for r in report.results)


# ------------------------------------------------------------------ a token a header cannot carry
@pytest.mark.parametrize("tail", ["\nx", "\x01", "\ty", " z", "é"])
def test_a_token_with_a_line_break_or_odd_character_is_refused_and_never_quoted(
    live: Harness, tmp_path: Path, tail: str
) -> None:
    """`HEROKU_API_KEY="$(some command)"` can hold two lines: httpx refused the header and hkctl's error
    quoted it (`Illegal header value b'Bearer HRKU-…\\nx'`), escaped so that the redactor missed it."""
    token = SANDBOX_TOKEN + tail
    netrc = tmp_path / "home" / ".netrc"
    for env, where in (
        (live.env(HEROKU_API_KEY=token), "HEROKU_API_KEY"),
        (live.env(HEROKU_API_KEY=""), "~/.netrc"),
    ):
        netrc.write_text(f'machine 127.0.0.1\n  login demo\n  password "{token}"\n')
        before = len(live.sandbox.requests)
        done = live.cli("--verbose", "apps", "list", env=env)
        assert done.code == 2, done.text
        assert SANDBOX_TOKEN[8:] not in done.text and repr(token)[1:-1] not in done.text
        assert where in done.err
        assert len(live.sandbox.requests) == before  # nothing was sent


# ------------------------------------------------------------------ a hand-edited plan's hidden text
HIDING = "\x1b[8m\u202e\x9b2K\u200b"  # conceal, right-to-left override, C1 CSI, zero-width space


def _hidden(text: str) -> list[str]:
    return [
        ch
        for ch in text
        if ch not in "\n" and (unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp"))
    ]


def test_a_hand_edited_plan_cannot_hide_text_from_plan_show_or_the_apply_prompt(
    hk: Harness, tmp_path: Path
) -> None:
    """`plan show` printed a step's description as composed from the payload, so a config key holding
    an ANSI conceal sequence hid the `unset DATABASE_URL` after it; the apply prompt's Payload line
    kept a right-to-left override and a C1 control (JSON escapes only C0 characters)."""
    plan = tmp_path / "plan.jsonl"
    step = {
        "version": 1,
        "method": "PATCH",
        "endpoint": "/apps/demo-staging/config-vars",
        "from_env": {f"A{HIDING}": f"HKCTL_VALUE_A{HIDING}"},
        "payload": {f"A{HIDING}": "[REDACTED]", "DATABASE_URL": None},
    }
    plan.write_text(json.dumps(step) + "\n")
    shown = hk.cli("plan", "show", str(plan))
    assert shown.code == 0, shown.text
    assert "unset DATABASE_URL" in shown.out
    assert _hidden(shown.text) == [], shown.text
    env = hk.env(HEROKU_PERMISSION="full", **{f"HKCTL_VALUE_A{HIDING}": "v"})
    asked = hk.cli("apply", str(plan), env=env, tty=True, input="no\n")
    assert "Payload:" in asked.err and "unset DATABASE_URL" in asked.err, asked.text
    assert _hidden(asked.text) == [], asked.text
    assert hk.writes_received() == []


# ------------------------------------------------------------------ secrets in a body of another shape
SHAPES = [
    ("PATCH", "/apps/demo-staging/config-vars", [["K", "Zq9listsecret111"]]),
    ("PATCH", "/apps/demo-staging/config-vars", "Zq9barestringsecret222"),
    ("PATCH", "/addons/demo-addon/config", [{"name": "K", "value": "Zq9addonsecret333"}]),
    ("PATCH", "/addons/demo-addon/config", {"config": {"K": "Zq9addonsecret444"}}),
    ("PATCH", "/addons/demo-addon/config", {"config": ["K=Zq9addonsecret555"]}),
    ("POST", "/apps/demo-staging/dynos", {"command": "x", "env": [["K", "Zq9envsecret666"]]}),
    ("POST", "/app-setups", {"source_blob": {"url": "u"}, "overrides": [{"env": {"K": "Zq9setup777"}}]}),
]


@pytest.mark.parametrize(("method", "path", "body"), SHAPES)
def test_a_secret_in_a_body_of_an_unexpected_shape_is_still_redacted(
    hk: Harness, tmp_path: Path, method: str, path: str, body: object
) -> None:
    """Values were redacted only in the shape the API takes (a config map, a list of {name, value}); a
    list, a bare string or a map in their place went in clear into the plan file, the prompt and the
    --dry-run curl line, before the API refused the body."""
    secret = next(w for w in re.findall(r"Zq9\w+", json.dumps(body)))
    data = json.dumps(body)
    plan = tmp_path / "plan.jsonl"
    recorded = hk.cli(
        "--plan", str(plan), "api", method, path, "-d", data, env=hk.env(HEROKU_PERMISSION="full")
    )
    assert recorded.code == 0, recorded.text
    assert secret not in plan.read_text() and secret not in recorded.text
    dry = hk.cli("--dry-run", "api", method, path, "-d", data, env=hk.env(HEROKU_PERMISSION="full"))
    assert dry.code == 0 and "curl" in dry.out, dry.text
    assert secret not in dry.text
    asked = hk.cli(
        "api", method, path, "-d", data, env=hk.env(HEROKU_PERMISSION="full"), tty=True, input="no\n"
    )
    assert "Payload:" in asked.err and secret not in asked.text, asked.text
    assert hk.writes_received() == []


# ------------------------------------------------------------------ Ctrl-C during a retry's wait
class StopOn429(httpx.BaseTransport):
    """Passes requests to the sandbox; the first 429 it sees sets `stop`, as Ctrl-C would then."""

    def __init__(self, inner: httpx.BaseTransport, stop: threading.Event) -> None:
        self.inner, self.stop = inner, stop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if response.status_code == 429:
            self.stop.set()
        return response


def test_ctrl_c_while_a_fleet_read_waits_to_retry_a_429_ends_the_wait() -> None:
    """Another client spending the same account can still bring a 429 (Retry-After: 60). Its read then
    slept in the client's own sleep, which Ctrl-C does not reach: the interrupted run waited it out
    (half a minute) before it could say what was covered. The wait is now the run's, which Ctrl-C ends."""
    sb = build_sandbox(scenario="fleet")
    stop = threading.Event()
    waited: list[float] = []
    guard = threading.Event()

    def client_sleep(seconds: float) -> None:  # the bug: a retry's wait out of Ctrl-C's reach
        waited.append(seconds)
        guard.wait(10)

    env = {"HEROKU_API_KEY": SANDBOX_TOKEN, "HKCTL_API_URL": "http://localhost", "HOME": "/nonexistent"}
    client = HerokuClient(
        Settings.from_env(env),
        transport=StopOn429(ASGITransport(create_app(sb)), stop),
        stderr=lambda _m: None,
        sleep=client_sleep,
    )
    job = health_job(select(client, match="*-1?"))
    token = sb.token_for(SANDBOX_TOKEN)
    assert token is not None
    sb.ratelimits.set(token["id"], 0, sb.clock.now())  # another client spent the rest meanwhile
    _, report = execute(client, job, budget=10_000, stop=stop)
    assert report.interrupted
    assert waited == [], "a read slept out of Ctrl-C's reach"


def test_a_fleet_run_within_the_share_retries_failed_answers_up_to_that_share() -> None:
    """Without --budget, a plan within --max-share goes without asking; its retries may spend up to that
    share (also allowed without asking), not one request more."""
    sb = build_sandbox(scenario="fleet")
    client = _fleet_client(sb)
    job = health_job(select(client, match="*-1?"))
    before = _api_requests(sb)
    sb.faults.configure(every=50, statuses=(503,))  # rare: a retry failing again three times is rarer
    plan, report = execute(client, job)  # 301 of 4,499: within half, nobody asked
    assert plan.remaining is not None and plan.requests < plan.remaining / 2
    assert [r.error for r in report.results if r.error] == []  # every failed answer was retried
    assert plan.requests < _api_requests(sb) - before <= plan.remaining // 2


# ------------------------------------------------------------------ the redactor shared by fleet threads
def test_a_value_added_while_another_thread_builds_the_pattern_is_still_scrubbed() -> None:
    """Fleet reads an app's config on one thread while another scrubs an error: the pattern compiled from
    the values seen before an add was cached after it, and the value added meanwhile was never scrubbed
    from outside text again. A value whose len() waits for the add stands in for the thread switch."""
    building, added = threading.Event(), threading.Event()

    class Switching(str):
        hook = False

        def __len__(self) -> int:
            if Switching.hook:
                Switching.hook = False
                building.set()
                added.wait(10)
            return super().__len__()

    redact = Redactor()
    redact.add(Switching("alpha-secret-value"))
    Switching.hook = True
    scrubber = threading.Thread(target=redact, args=("nothing to scrub",))
    scrubber.start()
    assert building.wait(10)
    redact.add("bravo-secret-value")  # the config read of another app, meanwhile
    added.set()
    scrubber.join(10)
    assert redact("error: bravo-secret-value is invalid") == f"error: {REDACTED} is invalid"


# ------------------------------------------------------------------ a header hkctl api cannot send
@pytest.mark.parametrize("flag", ["--accept", "--range"])
def test_a_header_value_with_a_line_break_is_bad_input_not_a_write_of_unknown_outcome(
    hk: Harness, flag: str
) -> None:
    """httpx refuses a header holding CR/LF before anything leaves, but hkctl took it for a lost answer:
    it retried three times, then told the person a confirmed write "may have been applied"."""
    value = "3\r\nX-HTTP-Method-Override: DELETE" if flag == "--accept" else "id ..\r\nX-Evil: 1"
    done = hk.cli(
        "api", "PATCH", "/apps/demo-staging", "-d", '{"maintenance": true}', flag, value, env=hk.full_env()
    )
    assert done.code == 2, done.text
    assert "may have been applied" not in done.text and "retry" not in done.text
    assert hk.writes_received() == []


# ------------------------------------------------------------------ a prompt nobody can see
def test_a_write_is_not_confirmed_when_its_plan_and_question_go_where_nobody_sees_them(hk: Harness) -> None:
    """`hkctl config set K=V 2>log` on a terminal: the plan and the question went to the file, and a
    `yes` typed blind on the terminal sent the write, unseen. Without stderr on a terminal it fails closed."""
    streams = dataclasses.replace(IOStreams.test("yes\n", tty=True), stderr_is_tty=False)
    env = Env(env=hk.env(HEROKU_PERMISSION="full"), transport=hk.transport, io=streams)
    code = run(["config", "set", "UNSEEN=1", "-a", "demo-staging"], env)
    assert code == 3, streams.err_text()
    assert hk.writes_received() == []
    shown = IOStreams.test("yes\n", tty=True)  # the same with the plan on the terminal: it goes
    code = run(
        ["config", "set", "SEEN=1", "-a", "demo-staging"],
        Env(env=hk.env(HEROKU_PERMISSION="full"), transport=hk.transport, io=shown),
    )
    assert code == 0, shown.err_text()
    assert "SEEN" in shown.err_text() and len(hk.writes_received()) == 1
