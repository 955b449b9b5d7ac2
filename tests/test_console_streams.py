"""What a person sees from the console script on real streams, kept as it was before the streams were
injected (when click.echo printed data lines): another program's styling is dropped in a pipe, an
ASCII-configured stdout still prints, and a watch refits to the terminal it is drawn on."""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

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


def _console(
    argv: list[str],
    env: dict[str, str],
    *,
    stdin: str = "pty",
    stdout: str = "pty",
    input: bytes = b"",
    answer: str | None = None,
) -> tuple[int, str, str]:
    """Run the console script with stderr (and stdin/stdout unless "pipe") on a real terminal.

    Returns the exit code, what the terminal showed and what went into the stdout pipe. The reader
    of a stdout pipe closes it after the first line when `stdout` is "head" (`| head -1`). `answer`
    is typed on the terminal once the yes/no question shows; `input` is what a stdin pipe holds.
    """
    master, slave = os.openpty()
    _set_size(slave, 120)
    proc = subprocess.Popen(
        [HKCTL, *argv],
        stdin=slave if stdin == "pty" else subprocess.PIPE,
        stdout=slave if stdout == "pty" else subprocess.PIPE,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    if proc.stdin is not None:
        proc.stdin.write(input)
        proc.stdin.close()
    shown, data = bytearray(), bytearray()
    readers = [master] + ([proc.stdout.fileno()] if proc.stdout is not None else [])
    deadline = time.monotonic() + 60
    while readers and time.monotonic() < deadline:
        for fd in select.select(readers, [], [], 0.2)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the terminal's other side is gone
                chunk = b""
            if not chunk:
                readers.remove(fd)
            elif fd == master:
                shown += chunk
                if answer is not None and b"(yes/no):" in shown:
                    os.write(master, answer.encode() + b"\n")
                    answer = None
            else:
                data += chunk
                if stdout == "head" and b"\n" in data:
                    assert proc.stdout is not None
                    proc.stdout.close()
                    readers.remove(fd)
        if proc.poll() is not None and not select.select(readers, [], [], 0)[0]:
            break
    code = proc.wait(timeout=30)
    os.close(master)
    return code, shown.decode("utf-8", "replace").replace("\r\n", "\n"), data.decode("utf-8", "replace")


def test_the_console_script_prints_a_table_on_a_terminal_and_tsv_in_a_pipe(live: Harness) -> None:
    code, shown, _ = _console(["apps", "list"], live.env())
    assert code == 0 and shown.splitlines()[0].split()[:2] == ["NAME", "REGION"]
    code, shown, data = _console(["apps", "list"], live.env(), stdout="pipe")
    assert (code, shown) == (0, "") and data.startswith("demo-production\t")


def test_the_console_script_masks_a_value_on_a_terminal_and_refuses_it_in_a_pipe(live: Harness) -> None:
    argv = ["config", "get", "SECRET_KEY_BASE", "-a", "demo-staging"]
    code, shown, _ = _console(argv, live.env())
    assert code == 0 and shown.startswith("••••••••\n") and "is masked: pass --reveal" in shown
    code, shown, data = _console(argv, live.env(), stdout="pipe")
    assert (code, data) == (1, "") and "is masked: pass --reveal" in shown


def test_the_console_script_colours_logs_on_a_terminal_only(live: Harness) -> None:
    argv = ["logs", "--file", str(Path(__file__).parent / "data" / "logs" / "mixed.log")]
    assert "\x1b[" in _console(argv, live.env())[1]
    assert "\x1b[" not in _console(argv, live.env(NO_COLOR="1"))[1]
    code, shown, data = _console(argv, live.env(), stdout="pipe")
    assert code == 0 and data and "\x1b[" not in data


def test_the_console_script_stops_quietly_when_the_reader_goes(live: Harness) -> None:
    """`hkctl logs -a APP -n 1500 | head -1`: no traceback; exit 1 as before the injected streams."""
    code, shown, data = _console(["logs", "-a", "demo-production", "-n", "1500"], live.env(), stdout="head")
    assert data.count("\n") >= 1 and "Traceback" not in shown and "internal error" not in shown
    assert code == 1, shown


def test_the_console_script_asks_only_where_a_person_can_answer(live: Harness) -> None:
    """A write asks on the terminal when stdin is one (stdout may be a pipe); with stdin a pipe it
    fails closed with exit 3 even when stdout is a terminal."""
    env = live.env(HEROKU_PERMISSION="full")
    argv = ["config", "set", "TTY_PROBE=1", "-a", "demo-staging"]
    code, shown, _ = _console(argv, env, stdin="pipe", input=b"yes\n")
    assert code == 3 and "confirmation cannot be collected without a TTY" in shown
    assert live.writes_received() == []
    code, shown, _ = _console(argv, env, stdout="pipe", answer="no")
    assert code == 3 and "→ Proceed? (yes/no):" in shown and "Cancelled" in shown
    assert live.writes_received() == []
    code, shown, _ = _console(argv, env, stdout="pipe", answer="yes")
    assert code == 0 and "→ Proceed? (yes/no):" in shown
    assert [w["method"] for w in live.writes_received()] == ["PATCH"]


def test_the_mcp_server_keeps_stdout_for_the_protocol(live: Harness) -> None:
    """A write's warning and confirmation text go to stderr: every stdout line is a JSON-RPC message
    (hkctl routes tool calls' printing to stderr, and the SDK diverts fd 1 while it serves)."""
    env = live.full_env()
    messages = [
        {
            "jsonrpc": "2.0",
            "id": 0,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "1"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {
                "name": "config_set",
                "arguments": {"app": "demo-staging", "vars": {"MCP_PROBE": "1"}},
            },
        },
    ]
    proc = subprocess.Popen(
        [sys.executable, "-m", "hkctl", "mcp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    answers = []
    for message in messages:
        proc.stdin.write((json.dumps(message) + "\n").encode())
        proc.stdin.flush()
        if "id" in message:
            answers.append(json.loads(proc.stdout.readline()))
    out, err = proc.communicate(b"", timeout=30)
    assert [a["id"] for a in answers] == [0, 1] and out == b""
    assert answers[1]["result"]["isError"] is False, answers[1]
    assert "Non-interactive write explicitly authorized" in err.decode()
    assert [w["method"] for w in live.writes_received()] == ["PATCH"]
