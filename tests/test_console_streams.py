"""What a person sees from the console script on real streams, kept as it was before the streams were
injected (when click.echo printed data lines): another program's styling is dropped in a pipe, an
ASCII-configured stdout still prints, and a watch refits to the terminal it is drawn on."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support import Harness

pytestmark = pytest.mark.core

RED = "\x1b[31mred\x1b[0m"


def test_a_dynos_styled_output_is_kept_on_a_terminal_and_plain_in_a_pipe(hk: Harness) -> None:
    argv = ("run", "-a", "demo-staging", "--wait", "--", "echo", RED)
    piped = hk.cli(*argv, env=hk.full_env())
    assert (piped.code, piped.out) == (0, "red\n"), piped.err
    terminal = hk.cli(*argv, env=hk.env(HEROKU_PERMISSION="full"), tty=True, input="yes\n")
    assert (terminal.code, terminal.out) == (0, RED + "\n"), terminal.err


def test_an_asked_for_value_is_printed_as_it_is_in_a_pipe(hk: Harness) -> None:
    """Data a person asked for by name is not rewritten: only another program's talk loses its styling."""
    assert hk.cli("config", "set", f"STYLED={RED}", "-a", "demo-staging", env=hk.full_env()).code == 0
    value = hk.cli("config", "get", "STYLED", "--reveal", "-a", "demo-staging")
    assert (value.code, value.out) == (0, RED + "\n")


def test_an_ascii_configured_stdout_still_prints_help_and_text(tmp_path: object) -> None:
    """PYTHONIOENCODING=ascii (or a C locale without UTF-8 mode): printed as UTF-8, not a crash."""
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    for argv in (["logs", "--help"], ["skill"]):
        done = subprocess.run(
            [sys.executable, "-m", "hkctl", *argv], capture_output=True, env=env, check=False
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")
        assert done.stdout.decode("utf-8").strip() and b"internal error" not in done.stderr
    assert "1–1500" in subprocess.run(
        [sys.executable, "-m", "hkctl", "logs", "--help"], capture_output=True, env=env, check=False
    ).stdout.decode("utf-8")
