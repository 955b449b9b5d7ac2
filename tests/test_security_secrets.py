"""Secrets never leak: the token and config values are absent from every output, log and message.

A sweep runs many commands — reads, writes, refusals, errors, --verbose, --dry-run, --plan,
--audit-log, --status-file — collects everything they printed or wrote, and searches it.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from hkctl.sandbox.seed import SANDBOX_TOKEN

pytestmark = pytest.mark.core

SEEDED = "stg-3f1c0e6b8a9d4f2e"  # demo-staging's SECRET_KEY_BASE
NEW = "n3w-s3cret-Value-42"
VIA_API = "api-s3cret-Value-77"
DRY = "dry-s3cret-Value-13"
WRONG_TOKEN = "HRKU-wrong-token-aaaaaaaaaaaaaaaaaaaa"
RUN_ENV = "run-s3cret-Value-58"  # a one-off dyno's --env value
SECRETS = (SANDBOX_TOKEN, SEEDED, NEW, VIA_API, DRY, WRONG_TOKEN, RUN_ENV)


def _sweep(hk, tmp_path: Path) -> tuple[str, list[tuple[tuple[str, ...], int]]]:
    audit, plan, status = tmp_path / "audit.jsonl", tmp_path / "plan.jsonl", tmp_path / "STATUS.md"
    a = ("-a", "demo-staging")
    ro, full = hk.env(), hk.full_env()
    runs: list[tuple[tuple[str, ...], dict[str, str]]] = [
        (("apps", "list"), ro),
        (("apps", "list", "--json", "--verbose"), ro),
        (("apps", "info", *a, "--json"), ro),
        (("config", "show", *a), ro),
        (("config", "show", *a, "--json", "--verbose"), ro),
        (("config", "get", "SECRET_KEY_BASE", *a), ro),
        (("doctor",), ro),
        (("doctor", "--json"), ro),
        (("rate-limit", "--json"), ro),
        (("api", "GET", "/apps/demo-staging/config-vars"), ro),
        (("api", "GET", "/account"), ro),
        (("config", "set", f"NEW_SECRET={NEW}", *a), ro),  # refused: readonly
        (("config", "set", f"NEW_SECRET={NEW}", *a), hk.env(HEROKU_PERMISSION="full")),  # refused: no TTY
        (("config", "set", f"NEW_SECRET={NEW}", *a, "--verbose", "--status-file", str(status)), full),
        (("config", "set", f"DRY_SECRET={DRY}", *a, "--dry-run"), full),
        (("config", "set", f"DRY_SECRET={DRY}", *a, "--plan", str(plan)), full),
        (("api", "PATCH", "/apps/demo-staging/config-vars", "-d", json.dumps({"VIA_API": VIA_API})), full),
        (("api", "PATCH", "/apps/demo-staging/config-vars", "-d", json.dumps({"X": DRY}), "--dry-run"), full),
        (("config", "show", *a, "--json"), ro),
        (("config", "unset", "NEW_SECRET", *a), full),
        (("run", *a, "--env", f"K={RUN_ENV}", "--dry-run", "true"), full),
        (("run", *a, "--env", f"K={RUN_ENV}", "--plan", str(plan), "true"), full),
        (("run", *a, "--env", f"K={RUN_ENV}", "--verbose", "--status-file", str(status), "true"), full),
        (("run", *a, "--env", RUN_ENV, "true"), full),  # no '=': bad input
        (("apps", "info", "-a", "no-such-app"), ro),  # 404
        (("apps", "info", "-a", "Bad_Name!"), ro),  # bad input
        (("config", "show", *a), hk.env(HEROKU_API_KEY=WRONG_TOKEN)),  # 401
        (("doctor",), hk.env(HEROKU_API_KEY=WRONG_TOKEN)),
    ]
    chunks: list[str] = []
    codes = []
    for argv, env in runs:
        res = hk.cli("--audit-log", str(audit), *argv, env=env)  # before the command: run passes on its words
        chunks += [res.out, res.err]
        codes.append((argv, res.code))
    hk.sandbox.faults.configure(every=1, statuses=[503])
    for argv in (
        ("config", "show", *a, "--verbose"),
        ("config", "set", f"NEW_SECRET={NEW}", *a, "--verbose"),
    ):
        res = hk.cli(*argv, "--audit-log", str(audit), env=full)
        chunks += [res.out, res.err]
        codes.append((argv, res.code))
    hk.sandbox.faults.configure(every=0)
    for f in (audit, plan, status):
        assert f.exists(), f
        chunks.append(f.read_text())
    return "\n".join(chunks), codes


def test_no_secret_appears_in_any_output_log_or_message(hk, tmp_path):
    text, codes = _sweep(hk, tmp_path)
    by_cmd = {" ".join(argv): code for argv, code in codes}
    # the sweep really exercised success, refusal, errors and dry runs
    assert set(by_cmd.values()) >= {0, 1, 2, 3}
    assert (
        by_cmd[
            f"config set NEW_SECRET={NEW} -a demo-staging --verbose --status-file {tmp_path / 'STATUS.md'}"
        ]
        == 0
    )
    assert hk.sandbox.store.first("app", name="demo-staging")["_config"]["VIA_API"] == VIA_API
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), f"{secret!r} leaked"
    assert "[REDACTED]" in text or "••••" in text


def test_audit_log_has_one_line_per_request_with_its_facts_and_nothing_secret(hk, tmp_path):
    audit = tmp_path / "audit.jsonl"
    hk.sandbox.faults.configure(every=2, statuses=[503])
    hk.cli("apps", "info", "-a", "demo-staging", env=hk.env())
    res = hk.cli("config", "show", "-a", "demo-staging", "--audit-log", str(audit))
    assert res.code == 0
    hk.sandbox.faults.configure(every=0)
    res = hk.cli(
        "config", "set", f"K={NEW}", "-a", "demo-staging", env=hk.full_env(HKCTL_AUDIT_LOG=str(audit))
    )
    assert res.code == 0
    lines = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [(e["method"], e["status"], e["retries"]) for e in lines] == [
        ("GET", 503, 0),
        ("GET", 200, 1),
        ("PATCH", 200, 0),
        ("GET", 206, 0),  # the newest release, for "done, vN"
    ]
    for e in lines:
        assert {"method", "url", "status", "ms", "request_id", "retries"} <= set(e)
        assert e["url"].endswith(("/config-vars", "/releases"))
        assert isinstance(e["ms"], float)
    sandbox_ids = {r["request_id"] for r in hk.received()}
    assert {e["request_id"] for e in lines} <= sandbox_ids  # the Request-Id the API answered with
    raw = audit.read_text()
    assert SANDBOX_TOKEN not in raw and NEW not in raw and SEEDED not in raw


def test_config_show_masks_unless_reveal(hk):
    masked = hk.cli("config", "show", "-a", "demo-staging", "--json")
    doc = json.loads(masked.out)
    assert doc["SECRET_KEY_BASE"] is None and "pass --reveal" in doc["//"]
    assert SEEDED not in masked.text
    shown = hk.cli("config", "show", "-a", "demo-staging", "--json", "--reveal")
    assert json.loads(shown.out)["SECRET_KEY_BASE"] == SEEDED
    piped = hk.cli(
        "config", "get", "SECRET_KEY_BASE", "-a", "demo-staging"
    )  # a pipe: no mask taken for the value
    assert (piped.code, piped.out) == (
        1,
        "",
    ) and "SECRET_KEY_BASE is masked: pass --reveal to print it" in piped.err
    assert hk.cli("config", "get", "SECRET_KEY_BASE", "-a", "demo-staging", "--reveal").out.strip() == SEEDED
    raw = hk.cli("api", "GET", "/apps/demo-staging/config-vars")
    assert json.loads(raw.out)["SECRET_KEY_BASE"] == "••••••••"
    raw = hk.cli("api", "GET", "/apps/demo-staging/config-vars", "--reveal")
    assert json.loads(raw.out)["SECRET_KEY_BASE"] == SEEDED


def test_dry_run_prints_a_runnable_curl_line_and_sends_nothing(hk):
    res = hk.cli(
        "config", "set", f"DRY_SECRET={DRY}", "EMPTY=", "-a", "demo-staging", "--dry-run", env=hk.full_env()
    )
    assert res.code == 0, res.err
    assert "nothing was sent" in res.err
    assert hk.writes_received() == []
    line = res.out.strip()
    assert DRY not in res.text and SANDBOX_TOKEN not in res.text
    words = shlex.split(line)  # it parses as a shell command line
    assert words[:2] == ["curl", "-sS"]
    assert "Authorization: Bearer $HEROKU_API_KEY" in words
    assert "Accept: application/vnd.heroku+json; version=3" in words
    assert words[words.index("-X") + 1] == "PATCH"
    assert f"{hk.url}/apps/demo-staging/config-vars" in words
    # the body reads each secret from a shell variable named after the key
    assert '"DRY_SECRET":"${DRY_SECRET}"' in line.replace('\\"', '"')
    assert "$DRY_SECRET" in res.err


def test_dry_run_curl_line_runs_in_a_shell_and_sends_the_values(hk):
    import subprocess

    res = hk.cli("config", "set", "A_KEY=x", "-a", "demo-staging", "--dry-run", env=hk.full_env())
    line = res.out.strip()
    # replace curl by a printer of its -d argument, then let bash expand the line as it would
    script = f'curl() {{ while [ $# -gt 0 ]; do [ "$1" = -d ] && printf \'%s\' "$2"; shift; done; }}\n{line}'
    out = subprocess.run(
        ["bash", "-c", script],
        env={"A_KEY": "value-from-the-shell", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out) == {"A_KEY": "value-from-the-shell"}


def test_dry_run_of_a_plain_write_keeps_its_body(hk):
    res = hk.cli("apps", "maintenance", "on", "-a", "demo-staging", "--dry-run", env=hk.env())
    assert res.code == 0, res.err  # a dry run needs no permission: nothing is sent
    assert shlex.split(res.out)[-1] == '{"maintenance":true}'
    assert hk.writes_received() == []
