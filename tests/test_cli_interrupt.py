"""Ctrl-C during a long wait stops the waiting, not the platform: hkctl says what keeps running and how to follow it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest


def _interrupt_after(live, argv: list[str], marker: str) -> tuple[int, str]:
    env = {**os.environ, **live.full_env()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hkctl", *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    seen = ""
    try:
        for line in proc.stderr:  # wait for the command to say it is waiting, then press Ctrl-C
            seen += line
            if marker in line:
                proc.send_signal(signal.SIGINT)
                break
        _, rest = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, seen + rest


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_ctrl_c_during_run_wait_names_the_dyno_and_how_to_stop_it(live):
    live.sandbox.config.durations["run"] = 3600.0  # the one-off runs for an hour of sandbox time
    code, err = _interrupt_after(
        live, ["run", "--wait", "-a", "demo-staging", "rake db:migrate"], "running `"
    )
    assert code == 130, err
    assert "keeps running on demo-staging: stop it with `hkctl ps stop run." in err
    assert "-a demo-staging`" in err
    [dyno] = [d for d in live.sandbox.store.all("dyno") if d["name"].startswith("run.")]
    assert dyno["state"] in ("starting", "up")  # still there: Ctrl-C did not stop it


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_ctrl_c_during_a_build_names_the_build_and_its_output_command(live, tmp_path):
    live.sandbox.config.durations["build"] = 3600.0
    src = tmp_path / "src"
    src.mkdir()
    (src / "Procfile").write_text("web: bin/web\n")
    code, err = _interrupt_after(
        live, ["builds", "create", "--dir", str(src), "-a", "demo-staging"], "started on"
    )
    assert code == 130, err
    assert (
        "keeps running on Heroku: follow it with `hkctl builds output " in err and "-a demo-staging`" in err
    )
