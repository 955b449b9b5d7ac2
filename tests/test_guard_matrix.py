"""The spec's permission system, exactly: {readonly, full, unknown} × {TTY yes, TTY no, no TTY, no TTY + opt-in}.

The installed `hkctl` runs in a real pseudo-terminal (or with stdin from /dev/null for the no-TTY
cases) against a loopback sandbox; the test answers the prompt on the terminal and then checks
what the sandbox received and its state. No write may reach the sandbox in any blocked case.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.ptyrun import HKCTL, run_in_pty

READONLY_MSG = "⛔ Currently in readonly mode. Set export HEROKU_PERMISSION=full to enable write operations."
OPT_IN = {"HEROKU_NONINTERACTIVE_WRITES": "i-accept-the-risk"}
WRITE = ["apps", "maintenance", "on", "-a", "demo-staging"]


def _no_tty(live, argv, env):
    proc = subprocess.run(
        [HKCTL, *argv], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60
    )
    return proc.returncode, proc.stdout + proc.stderr


def _client(hk, confirmer):
    from hkctl.config import Settings
    from hkctl.transport.client import HerokuClient

    return HerokuClient(
        Settings.from_env(hk.env(HEROKU_PERMISSION="full")), transport=hk.transport, confirmer=confirmer
    )


def _maintenance(live) -> bool:
    return bool(live.sandbox.store.first("app", name="demo-staging")["maintenance"])


# (permission value or None, how the person/CI is reached, expected exit code, write reaches the sandbox)
MATRIX = [
    (mode, channel, *(expect if mode == "full" else (3, False)))
    for mode in ("readonly", "full", "sudo-please")
    for channel, expect in (
        ("tty-yes", (0, True)),
        ("tty-no", (3, False)),
        ("no-tty", (3, False)),
        ("no-tty-opt-in", (0, True)),
    )
]


@pytest.mark.parametrize(("mode", "channel", "code", "sent"), MATRIX, ids=[f"{m}-{c}" for m, c, *_ in MATRIX])
def test_guard_matrix(live, mode, channel, code, sent):
    env = live.env(HEROKU_PERMISSION=mode)
    if channel.startswith("tty"):
        res = run_in_pty(WRITE, env, answer="yes" if channel == "tty-yes" else "no")
        rc, text = res.code, res.transcript
        # Only full mode asks; readonly (and an unknown value) refuses before any prompt.
        assert res.prompted is (mode == "full"), text
    else:
        rc, text = _no_tty(live, WRITE, {**env, **(OPT_IN if channel == "no-tty-opt-in" else {})})

    assert rc == code, text
    writes = live.writes_received()
    assert (len(writes) == 1) is sent, writes
    assert _maintenance(live) is sent
    if mode != "full":
        assert READONLY_MSG in text
    if mode == "sudo-please":
        assert "'sudo-please' is not readonly or full; treating it as readonly" in text
    if mode == "full" and channel == "tty-no":
        assert "Cancelled" in text
    if mode == "full" and channel == "no-tty":
        assert "BLOCKED [non-interactive mode]" in text
        assert "HEROKU_NONINTERACTIVE_WRITES=i-accept-the-risk" in text
    if mode == "full" and channel == "no-tty-opt-in":
        assert "Non-interactive write explicitly authorized" in text


def test_reads_go_in_every_mode_without_a_prompt(live):
    for mode in ("readonly", "full", "sudo-please"):
        res = run_in_pty(["apps", "info", "-a", "demo-staging"], live.env(HEROKU_PERMISSION=mode))
        assert res.code == 0, res.transcript
        assert not res.prompted
    assert live.writes_received() == []


def test_prompt_shows_app_action_endpoint_and_redacted_payload(live):
    secret = "s3cr3t-value-for-prompt"
    res = run_in_pty(
        ["config", "set", f"PROMPT_SECRET={secret}", "-a", "demo-staging"],
        live.env(HEROKU_PERMISSION="full"),
        answer="no",
    )
    assert res.prompted and res.code == 3, res.transcript
    t = res.transcript
    assert "🔔 Confirm operation:" in t
    assert "App: demo-staging" in t
    assert "Action: [PATCH]" in t
    assert "Endpoint: /apps/demo-staging/config-vars" in t
    assert 'Payload: {"PROMPT_SECRET": "[REDACTED]"}' in t
    assert secret not in t
    assert live.writes_received() == []


def test_destructive_needs_the_app_name_typed(live):
    env = live.env(HEROKU_PERMISSION="full")
    wrong = run_in_pty(["apps", "destroy", "-a", "demo-staging"], env, answer="yes")
    assert wrong.prompted and wrong.code == 3, wrong.transcript
    assert "Type the app name (demo-staging)" in wrong.transcript
    assert live.writes_received() == []
    assert live.sandbox.store.first("app", name="demo-staging") is not None

    right = run_in_pty(["apps", "destroy", "-a", "demo-staging"], env, answer="demo-staging")
    assert right.code == 0, right.transcript
    assert [(w["method"], w["path"]) for w in live.writes_received()] == [("DELETE", "/apps/demo-staging")]
    assert live.sandbox.store.first("app", name="demo-staging") is None


def test_destructive_without_a_tty_needs_confirm_app(live):
    env = live.env(HEROKU_PERMISSION="full", **OPT_IN)
    rc, text = _no_tty(live, ["apps", "destroy", "-a", "demo-staging"], env)
    assert rc == 3 and "--confirm demo-staging" in text, text
    rc, text = _no_tty(live, ["apps", "destroy", "-a", "demo-staging", "--confirm", "demo-production"], env)
    assert rc == 3, text
    assert live.writes_received() == []

    rc, text = _no_tty(live, ["apps", "destroy", "-a", "demo-staging", "--confirm", "demo-staging"], env)
    assert rc == 0, text
    assert live.sandbox.store.first("app", name="demo-staging") is None
    assert live.sandbox.store.first("app", name="demo-production") is not None


def test_a_multi_write_batch_is_shown_once_and_asked_once(hk):
    asked: list[str] = []

    def confirmer(plan: str, question: str) -> str:
        asked.append(plan)
        return "yes"

    client = _client(hk, confirmer)  # the same seam MCP elicitation uses (guard.confirm.Confirmer)
    from hkctl.resources import apps

    writes = [
        client.planned("PATCH", f"/apps/{a}", body={"maintenance": True}, action="apps_update")
        for a in ("demo-staging", "demo-production")
    ]
    with client.batch(writes, "maintenance on for the pipeline"):
        for a in ("demo-staging", "demo-production"):
            apps.set_maintenance(client, a, True)
    assert len(asked) == 1
    assert "Confirm 2 operations" in asked[0] and "demo-production" in asked[0]
    assert len(hk.writes_received()) == 2


def test_a_declined_batch_sends_nothing(hk):
    client = _client(hk, lambda plan, q: "no")
    from hkctl.errors import GuardRefused
    from hkctl.resources import apps

    writes = [client.planned("PATCH", "/apps/demo-staging", body={"maintenance": True})]
    with pytest.raises(GuardRefused), client.batch(writes):
        apps.set_maintenance(client, "demo-staging", True)
    assert hk.writes_received() == []


def test_a_batch_destroying_two_apps_needs_both_names_typed(hk):
    from hkctl.errors import GuardRefused
    from hkctl.resources import apps

    def run(answer: str) -> None:
        client = _client(hk, lambda plan, q: answer)
        writes = [client.planned("DELETE", f"/apps/{a}", action="apps_destroy") for a in PAIR]
        with client.batch(writes, "tear down"):
            for a in PAIR:
                apps.destroy(client, a)

    for wrong in ("yes", "demo-staging", "demo-staging demo-production extra"):
        with pytest.raises(GuardRefused):
            run(wrong)
    assert hk.writes_received() == []
    run("demo-production, demo-staging")
    assert sorted(w["path"] for w in hk.writes_received()) == ["/apps/demo-production", "/apps/demo-staging"]


PAIR = ("demo-staging", "demo-production")
