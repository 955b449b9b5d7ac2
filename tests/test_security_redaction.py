"""Redaction that neither leaks nor corrupts (issue 11, repro 8 and 9).

No leak: the token in any letter case or common encoding, config values and `--env` values never
reach the prompt, a --dry-run line, a plan file, the audit log or an error. No corruption: text
hkctl composes from names (apps, keys, commands typed) is printed as typed, even when a config
value (`production`) is part of a name (`demo-production`).
"""

from __future__ import annotations

import base64
import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hkctl.sandbox.seed import SANDBOX_TOKEN
from hkctl.transport.audit import Redactor
from tests.support import LoopbackServer

pytestmark = pytest.mark.core

APP = "demo-staging"
SECRET = "Env-s3cret-Value-31"


def _token_forms(token: str) -> list[str]:
    return [
        token,
        token.lower(),
        token.upper(),
        token.swapcase(),
        quote(token, safe=""),
        quote(token.upper(), safe="").replace("-", "%2D"),
        base64.b64encode(f":{token}".encode()).decode(),
        base64.b64encode(f"user:{token}".encode()).decode(),
        base64.b64encode(f"ab:{token}".encode()).decode(),
    ]


def _leaks(text: str, token: str = SANDBOX_TOKEN) -> list[str]:
    low = text.lower()
    found = [f for f in _token_forms(token) if f.lower() in low and f.lower() != "[redacted]"]
    return found + ([SECRET] if SECRET in text else [])


class _Echo(BaseHTTPRequestHandler):
    """An API host that echoes what it was sent into its error message, the worst an API can do."""

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        auth = self.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ")
        message = " ".join([f"echo {body}", *(f"<{f}>" for f in _token_forms(token))])
        data = json.dumps({"id": "invalid_params", "message": message}).encode()
        self.send_response(422)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echo():
    server = LoopbackServer(_Echo)
    yield server
    server.close()


# ------------------------------------------------------------------------------- repro 9: no leak
def test_an_api_error_echoing_the_token_in_any_case_or_encoding_is_scrubbed(live, echo, tmp_path):
    audit = tmp_path / "audit.jsonl"
    env = live.env(HKCTL_API_URL=echo.url)
    res = live.cli("apps", "info", "-a", APP, "--verbose", "--audit-log", str(audit), env=env)
    assert res.code == 1, res.text
    assert "[REDACTED]" in res.err and "echo" in res.err
    assert _leaks(res.text) == []
    assert _leaks(audit.read_text()) == []


def test_env_values_are_scrubbed_from_an_api_error_that_echoes_the_body(live, echo):
    env = live.full_env(HKCTL_API_URL=echo.url)
    res = live.cli("run", "-a", APP, "--env", f"K={SECRET}", "./bin/task", env=env)
    assert res.code == 1, res.text
    assert '"command": "./bin/task"' in res.err  # the API's text is kept, the value is not
    assert _leaks(res.text) == []


# ------------------------------------------------------------------------ repro 9: no corruption
def test_a_config_value_inside_an_app_name_does_not_corrupt_hkctls_own_messages(hk, tmp_path):
    audit = tmp_path / "audit.jsonl"
    assert hk.cli("config", "get", "RAILS_ENV", "-a", "demo-production", "--reveal").out == "production\n"
    res = hk.cli("config", "get", "NOPE", "-a", "demo-production", "--verbose", "--audit-log", str(audit))
    assert res.code == 1
    assert "error: NOPE is not set on demo-production" in res.err
    assert "/apps/demo-production/config-vars 200" in res.err  # the --verbose line
    assert "[REDACTED]" not in res.err
    assert "/apps/demo-production/config-vars" in audit.read_text()


def test_a_prompt_and_a_refusal_name_the_app_even_when_a_value_equals_part_of_it(hk):
    shown: list[str] = []

    def person(plan: str, question: str) -> str:
        shown.append(plan + question)
        return "no"

    env = hk.env(HEROKU_PERMISSION="full")
    res = hk.cli("config", "set", "X=production", "-a", "demo-production", env=env, confirmer=person)
    assert res.code == 3, res.text
    assert "demo-production" in shown[0] and '"X": "[REDACTED]"' in shown[0]
    assert "demo-[REDACTED]" not in shown[0] + res.err
    assert hk.writes_received() == []


# ----------------------------------------------------------------- repro 8: --env in every output
def test_run_env_values_never_reach_a_dry_run_line(hk):
    res = hk.cli("run", "-a", APP, "--env", f"K={SECRET}", "--dry-run", "./bin/task", env=hk.full_env())
    assert res.code == 0, res.text
    assert res.out.startswith("curl ")
    assert '\\"env\\":{\\"K\\":\\"${K}\\"}' in res.out  # read from the shell, like config values
    assert "$K" in res.err
    assert _leaks(res.text) == []
    assert hk.writes_received() == []


def test_run_env_values_never_reach_a_plan_file(hk, tmp_path):
    plan = tmp_path / "plan.jsonl"
    res = hk.cli(
        "run", "-a", APP, "--env", f"K={SECRET}", "--plan", str(plan), "./bin/task", env=hk.full_env()
    )
    assert res.code == 0, res.text
    text = plan.read_text()
    assert _leaks(text) == [] and _leaks(res.text) == []
    step = json.loads(text)
    assert step["payload"]["env"] == {"K": "[REDACTED]"}
    assert step["replayable"] is False  # apply refuses it rather than send a placeholder
    applied = hk.cli("apply", str(plan), env=hk.full_env())
    assert applied.code == 2, applied.text
    assert "carried secrets that a plan never stores" in applied.err
    assert hk.writes_received() == []


def test_run_env_values_never_reach_the_prompt_or_the_audit_log(hk, tmp_path):
    audit = tmp_path / "audit.jsonl"
    shown: list[str] = []

    def person(plan: str, question: str) -> str:
        shown.append(plan + question)
        return "yes"

    env = hk.env(HEROKU_PERMISSION="full")
    res = hk.cli(
        "run",
        "-a",
        APP,
        "--env",
        f"K={SECRET}",
        "--audit-log",
        str(audit),
        "./bin/task",
        env=env,
        confirmer=person,
    )
    assert res.code == 0, res.text
    assert shown and '"K": "[REDACTED]"' in shown[0]
    assert _leaks("".join(shown)) == [] and _leaks(res.text) == [] and _leaks(audit.read_text()) == []
    sent = [w["body"] for w in hk.writes_received() if w["path"] == f"/apps/{APP}/dynos"]
    assert sent[0]["env"] == {"K": SECRET}  # the value itself went where it was meant to


@pytest.mark.parametrize(
    "argv",
    [["config", "set", "-a", APP, SECRET], ["run", "-a", APP, "--env", SECRET, "true"]],
)
def test_a_word_without_equals_is_not_echoed_in_the_usage_error(hk, argv):
    res = hk.cli(*argv, env=hk.full_env())
    assert res.code == 2
    assert "no '='" in res.err
    assert SECRET not in res.text
    assert hk.received() == []


# ------------------------------------------------------------------------- the redactor, both ways
def test_the_redactor_scrubs_a_token_in_any_case_and_encoding():
    token = "HRKU-AbCdEf0123456789-ghIJ"
    r = Redactor()
    r.add_token(token)
    for form in _token_forms(token):
        for prefix in ("", "x", "Authorization: Basic ", "%20"):
            out = r.token_only(f"{prefix}{form} end")
            assert _leaks(out, token) == [], (prefix, form, out)
            assert out.endswith(" end")


def test_the_redactor_scrubs_values_as_whole_words_and_leaves_names_alone():
    r = Redactor()
    r.add("production", 'p@ss"word', "abc")  # "abc" is too short to be looked for
    assert r("RAILS_ENV=production; was production.") == "RAILS_ENV=[REDACTED]; was [REDACTED]."
    assert (
        r("app demo-production, production_db, productions")
        == "app demo-production, production_db, productions"
    )
    assert r(json.dumps({"v": 'p@ss"word'})) == '{"v": "[REDACTED]"}'
    assert r(f"?q={quote('p@ss' + chr(34) + 'word', safe='')}&") == "?q=[REDACTED]&"
    assert r("abc") == "abc"
    assert r.token_only("RAILS_ENV=production") == "RAILS_ENV=production"  # hkctl's own words


def test_a_short_credential_is_still_scrubbed_as_a_word():
    r = Redactor()
    r.add_token("s3cr3t")
    assert r("secret is s3cr3t.") == "secret is [REDACTED]."


def test_nothing_registered_changes_nothing():
    r = Redactor()
    text = "demo-production [REDACTED] HRKU-x"
    assert r(text) == text and r.token_only(text) == text


# ------------------------------------------------- SECURITY.md: what a confirmation cannot stop
def test_a_read_scoped_token_stops_writes_that_pass_every_local_check(hk):
    """The advice SECURITY.md gives for agents, exercised: the platform refuses, whatever hkctl allows."""
    made = hk.cli("auth", "tokens", "create", "--scope", "read", "--description", "agent", env=hk.full_env())
    assert made.code == 0, made.text
    agent = hk.full_env(HEROKU_API_KEY=made.out.strip())  # full mode, non-interactive opt-in
    app_id = hk.sandbox.store.first("app", name=APP)["id"]
    before = hk.sandbox.store.all("formation", parent=app_id)
    res = hk.cli("ps", "scale", "web=0", "-a", APP, "--confirm", APP, env=agent)
    assert res.code == 1, res.text
    assert "only has read access" in res.err
    assert hk.sandbox.store.all("formation", parent=app_id) == before
    assert any(f["quantity"] > 0 for f in before)
    assert hk.cli("apps", "info", "-a", APP, env=agent).code == 0  # and it still reads
    text = (Path(__file__).resolve().parent.parent / "SECURITY.md").read_text()
    assert "pseudo-terminal" in text and "auth tokens create --scope read" in text


def test_an_mcp_tools_unexpected_failure_logs_no_token(hk, caplog):
    pytest.importorskip("mcp")
    from hkctl.mcp.server import execute
    from hkctl.mcp.table import ToolSpec

    def broken(client, args):
        raise RuntimeError(f"broke while holding {SANDBOX_TOKEN.lower()} and {quote(SANDBOX_TOKEN, safe='')}")

    spec = ToolSpec(name="apps_broken", description="a bug", actions=("apps_info",), run=broken)
    with caplog.at_level("ERROR", logger="hkctl.mcp"):
        result = execute(spec, {}, None, hk.env())  # type: ignore[arg-type]
    assert result.is_error and "internal error in apps_broken: RuntimeError" in result.content[0].text
    assert "RuntimeError: broke while holding [REDACTED] and [REDACTED]" in caplog.text
    assert _leaks(caplog.text) == []


# ----------------------------------------------------------- the redactor, over generated inputs
_TOKEN_CHARS = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
_NAME = st.from_regex(r"\A[a-z][a-z0-9-]{2,29}\Z")


@settings(max_examples=150, deadline=None)
@given(
    token=st.text(_TOKEN_CHARS, min_size=20, max_size=64),
    before=st.text(max_size=12),
    after=st.text(max_size=12),
    user=st.text(st.sampled_from("abcdefgh:"), max_size=5),
)
def test_no_form_of_the_token_survives(token, before, after, user):
    r = Redactor()
    r.add_token(token)
    basic = base64.b64encode(f"{user}:{token}".encode()).decode()
    for form in (
        token,
        token.swapcase(),
        quote(token, safe=""),
        "".join(f"%{ord(c):02X}" for c in token),
        basic,
    ):
        out = r.token_only(before + form + after)
        assert token.lower() not in out.lower()
        assert all(f not in out for f in _b64_core(token))


def _b64_core(token: str) -> list[str]:
    """Runs of base64 that can only come from the token (one per alignment), for the assertion above."""
    raw = token.encode()
    return [base64.b64encode(b"\0" * k + raw)[4:-4].decode() for k in range(3)]


@settings(max_examples=150, deadline=None)
@given(value=st.from_regex(r"\A[a-z0-9]{4,16}\Z"), app=_NAME, key=st.from_regex(r"\A[A-Z_]{1,12}\Z"))
def test_values_never_corrupt_names_and_never_survive_as_words(value, app, key):
    r = Redactor()
    r.add(value)
    for name in (f"{app}-{value}", f"{value}-{app}", f"{value}_{key}", f"{app}{value}"):
        composed = f"{key} is not set on {name}"
        assert r.token_only(composed) == composed  # hkctl's own words are never searched for values
        assert r(composed) == composed  # a value inside a longer name is not that value
    assert r(f"{key}={value}; ({value})") == f"{key}=[REDACTED]; ([REDACTED])"
