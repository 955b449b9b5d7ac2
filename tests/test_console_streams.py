"""What a person sees from the console script on real streams, kept as it was before the streams were
injected (when click.echo printed data lines): another program's styling is dropped in a pipe, an
ASCII-configured stdout still prints, and a watch refits to the terminal it is drawn on."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time

import pytest

from tests.ptyrun import HKCTL
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


def _set_size(fd: int, columns: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))


def _read_until(fd: int, seen: bytearray, marker: bytes, count: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while seen.count(marker) < count:
        assert time.monotonic() < deadline, f"no {marker!r} ×{count} in {bytes(seen)!r}"
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            seen += os.read(fd, 65536)


def test_a_watch_refits_each_frame_to_the_terminal_as_it_is_now(live: Harness) -> None:
    """Resizing the terminal during `health --watch` changes the next frame (the width is measured
    for each frame, not once at start)."""
    master, slave = os.openpty()
    _set_size(slave, 220)
    proc = subprocess.Popen(
        [HKCTL, "health", "-p", "demo", "--watch", "--interval", "1"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=live.env(),
        close_fds=True,
    )
    os.close(slave)
    seen = bytearray()
    try:
        _read_until(master, seen, b"requests left", 1)
        _set_size(master, 80)
        _read_until(master, seen, b"requests left", 2)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        os.close(master)
    frames = bytes(seen).decode("utf-8", "replace").split("\x1b[2J\x1b[1;1H")[1:3]
    wide, narrow = ([ln for ln in f.splitlines() if ln.startswith("add-ons")][0] for f in frames)
    assert len(wide) > len(narrow), (wide, narrow)
