"""hkctl run: one-off dynos, detached or waited for (output and exit status from the dyno's log)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.core

APP = "demo-staging"


def _one_offs(hk):
    record = hk.sandbox.store.first("app", name=APP)
    return [d for d in hk.sandbox.store.all("dyno", parent=record["id"]) if d["type"] == "run"]


def test_run_wait_migration_exits_0_with_its_output(hk):
    result = hk.cli("run", "-a", APP, "--wait", "rake db:migrate", env=hk.full_env())
    assert result.code == 0, result.err
    assert "AddIndexToOrders: migrated" in result.out
    assert "exited with status 0" in result.err
    sent = [w for w in hk.writes_received() if w["path"] == f"/apps/{APP}/dynos"]
    assert len(sent) == 1
    assert sent[0]["body"] == {"command": "rake db:migrate", "attach": False, "type": "run"}
    assert _one_offs(hk) == []  # it ended and is gone, as on Heroku


def test_run_wait_exits_with_the_commands_status(hk):
    result = hk.cli("run", "-a", APP, "--wait", "exit 3", env=hk.full_env())
    assert result.code == 3, result.err
    assert "exited with status 3" in result.err


def test_a_failing_command_exits_1_and_prints_its_error(hk):
    result = hk.cli("run", "-a", APP, "--wait", "bin/fail-on-purpose", env=hk.full_env())
    assert result.code == 1
    assert "failed" in result.out


def test_run_passes_size_ttl_and_env(hk):
    result = hk.cli(
        "run",
        "--size",
        "standard-2x",
        "--ttl",
        "1800",
        "--env",
        "GREETING=hello",
        "--wait",
        "-a",
        APP,
        "echo",
        "$GREETING",
        env=hk.full_env(),
    )
    assert result.code == 0, result.err
    assert result.out.strip() == "hello"
    body = [w for w in hk.writes_received() if w["path"] == f"/apps/{APP}/dynos"][0]["body"]
    assert body["size"] == "Standard-2X"
    assert body["time_to_live"] == 1800
    assert body["env"] == {"GREETING": "hello"}


def test_run_detached_prints_the_dyno_name(hk):
    result = hk.cli("run", "-a", APP, "rake db:migrate", env=hk.full_env())
    assert result.code == 0, result.err
    name = result.out.strip()
    assert name.startswith("run.") and name[4:].isdigit()
    dynos = _one_offs(hk)
    assert [d["name"] for d in dynos] == [name]
    assert dynos[0]["state"] == "starting" and dynos[0]["attach_url"] is None


@pytest.mark.parametrize("args", [["--size", "tiny"], ["--ttl", "0"], ["--env", "NOEQUALS"]])
def test_run_rejects_bad_input_before_sending(hk, args):
    result = hk.cli("run", *args, "-a", APP, "true", env=hk.full_env())
    assert result.code == 2
    assert hk.writes_received() == []


def test_exit_status_rule():
    from hkctl.sandbox.backend.runs import exit_status

    assert exit_status("exit 3") == 3
    assert exit_status("bash -c 'exit 42'") == 42
    assert exit_status("rake fail:now") == 1
    assert exit_status("rake db:migrate") == 0


def test_poll_backs_off_and_times_out_on_an_injected_clock():
    from hkctl.polling import WaitTimedOut, poll

    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    with pytest.raises(WaitTimedOut):
        poll(
            lambda: None, timeout=10, interval=1, factor=2, max_interval=4, clock=lambda: now[0], sleep=sleep
        )
    assert slept == [1, 2, 4, 3]  # backoff, capped, never past the deadline
    answers = iter([None, None, "done"])
    assert poll(lambda: next(answers), timeout=10, clock=lambda: now[0], sleep=sleep) == "done"


@pytest.mark.parametrize(
    "command", [("bash",), ("rails", "console"), ("rails console --sandbox",), ("psql",)]
)
def test_an_interactive_command_is_refused_with_the_heroku_run_line(hk, command):
    res = hk.cli("run", "-a", APP, *command, env=hk.full_env())
    assert res.code == 2
    line = " ".join(command)
    assert "hkctl runs one-off dynos detached" in res.err and f"heroku run {line} -a {APP}" in res.err
    assert hk.writes_received() == []


def test_detached_runs_an_interactive_program_anyway(hk):
    res = hk.cli("run", "-a", APP, "--detached", "bash", env=hk.full_env())
    assert res.code == 0, res.err
    assert res.out.startswith("run.")
    assert hk.cli("run", "-a", APP, "--wait", "bash -c 'echo hi'", env=hk.full_env()).code == 0
