"""One injected I/O object: the package reaches the process's streams and terminal only in iostreams.py,
and everything a command prints, click's own help and usage errors included, goes to the streams it is given."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from hkctl import __version__
from hkctl.iostreams import IOStreams
from tests.support import Harness

pytestmark = pytest.mark.core

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "hkctl"

#: the one module allowed to name the process's streams and ask about the terminal
ALLOWED = {"iostreams.py"}
STREAMS = {"stdout", "stderr", "stdin", "__stdout__", "__stderr__", "__stdin__"}
TERMINAL = {"isatty", "get_terminal_size"}
CLICK_OUTPUT = {"echo", "secho", "clear", "prompt", "confirm", "echo_via_pager", "get_text_stream", "getchar"}


def _offences(path: Path) -> list[str]:
    """Each line of `path` that reaches a process stream, the terminal or click's own printing."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        what = None
        if isinstance(node, ast.Attribute):
            base = node.value.id if isinstance(node.value, ast.Name) else None
            if base == "sys" and node.attr in STREAMS:
                what = f"sys.{node.attr}"
            elif node.attr in TERMINAL:
                what = node.attr
            elif base == "click" and node.attr in CLICK_OUTPUT:
                what = f"click.{node.attr}"
        elif isinstance(node, ast.ImportFrom) and node.module in ("sys", "click"):
            names = {a.name for a in node.names} & (STREAMS if node.module == "sys" else CLICK_OUTPUT)
            if names:
                what = f"from {node.module} import {', '.join(sorted(names))}"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and (
                node.func.id == "input"
                or (node.func.id == "print" and not any(k.arg == "file" for k in node.keywords))
            )
        ):
            what = f"{node.func.id}() on the process's streams"
        if what:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {what}")
    return found


def _package_files() -> list[Path]:
    return sorted(
        p
        for p in SRC.rglob("*.py")
        if "sandbox" not in p.relative_to(SRC).parts[:1] and "__pycache__" not in p.parts
    )


def test_only_iostreams_reaches_the_process_streams_and_the_terminal() -> None:
    offenders = [
        o for p in _package_files() if p.name not in ALLOWED or p.parent != SRC for o in _offences(p)
    ]
    assert not offenders, "write to the injected IOStreams (env.io) instead:\n" + "\n".join(offenders)


def test_the_walker_sees_each_way_out(tmp_path: Path) -> None:
    probe = SRC / "_probe_for_iostreams_test.py"
    probe.write_text(
        "import sys, shutil, click\nfrom sys import stdin\n"
        "sys.stdout.write('x')\nsys.stderr.isatty()\nshutil.get_terminal_size()\n"
        "click.echo('x')\nprint('x')\nprint('x', file=out)\ninput()\n"
    )
    try:
        found = [o.split(": ", 1)[1] for o in _offences(probe)]
    finally:
        probe.unlink()
    assert found.count("sys.stdout") == 1
    assert {
        "from sys import stdin",
        "sys.stderr",
        "isatty",
        "get_terminal_size",
        "click.echo",
        "print() on the process's streams",
        "input() on the process's streams",
    } <= set(found)
    assert len([f for f in found if f.startswith("print")]) == 1  # print(file=...) is a chosen stream


def test_test_streams_hold_what_was_written_and_the_terminal_facts() -> None:
    io = IOStreams.test("line\n", tty=True, width=60)
    assert (io.stdout_is_tty, io.stderr_is_tty, io.stdin_is_tty, io.color, io.width) == (
        True,
        True,
        True,
        True,
        60,
    )
    assert io.in_.readline() == "line\n"
    assert io.in_bytes is not None and io.in_bytes.read() == b"line\n"
    io.out.write("data")
    io.err.write("talk")
    assert (io.out_text(), io.err_text()) == ("data", "talk")
    pipe = IOStreams.test()
    assert (pipe.stdout_is_tty, pipe.stdin_is_tty, pipe.color) == (False, False, False)


def test_help_and_version_go_to_the_given_stdout(hk: Harness) -> None:
    top = hk.cli("--help")
    assert top.code == 0 and top.out.startswith("Usage: hkctl") and top.err == ""
    sub = hk.cli("apps", "list", "-h")
    assert sub.code == 0 and "Usage: hkctl apps list" in sub.out and sub.err == ""
    version = hk.cli("--version")
    assert (version.code, version.out, version.err) == (0, f"hkctl, version {__version__}\n", "")


def test_a_usage_error_goes_to_the_given_stderr_with_exit_2(hk: Harness) -> None:
    result = hk.cli("apps", "list", "--no-such-option")
    assert result.code == 2 and result.out == ""
    assert "Usage: hkctl apps list" in result.err
    assert "Try 'hkctl apps list --help' for help." in result.err
    assert "Error: No such option" in result.err and "--no-such-option" in result.err
    unknown = hk.cli("no-such-command")
    assert unknown.code == 2 and "Error: No such command" in unknown.err and unknown.out == ""


def test_a_list_is_a_table_on_a_terminal_and_tsv_in_a_pipe(hk: Harness) -> None:
    table = hk.cli("apps", "list", tty=True)
    tsv = hk.cli("apps", "list")
    assert table.code == tsv.code == 0
    assert table.out.splitlines()[0].split()[0] == "NAME"
    assert "\t" in tsv.out.splitlines()[0] and not tsv.out.startswith("NAME")


def test_a_write_asks_through_the_given_streams_on_a_terminal(hk: Harness) -> None:
    env = hk.env(HEROKU_PERMISSION="full")
    declined = hk.cli("apps", "create", "io-probe", env=env, tty=True, input="no\n")
    assert declined.code == 3
    assert "→ Proceed? (yes/no): " in declined.err and "❌ Cancelled." in declined.err
    assert hk.writes_received() == []
    accepted = hk.cli("apps", "create", "io-probe", env=env, tty=True, input="yes\n")
    assert accepted.code == 0, accepted.err
    assert [w["method"] for w in hk.writes_received()] == ["POST"]
    not_a_terminal = hk.cli("apps", "create", "io-probe-2", env=env, input="yes\n")
    assert not_a_terminal.code == 3  # no terminal to ask at: the guard fails closed


def test_a_masked_value_on_a_terminal_shows_the_mask_and_in_a_pipe_refuses(hk: Harness) -> None:
    argv = ("config", "get", "SECRET_KEY_BASE", "-a", "demo-staging")
    terminal = hk.cli(*argv, tty=True)
    assert (terminal.code, terminal.out) == (0, "••••••••\n")
    assert "is masked: pass --reveal" in terminal.err
    piped = hk.cli(*argv)
    assert (piped.code, piped.out) == (1, "")


def test_log_lines_are_coloured_only_where_the_streams_allow_it(hk: Harness) -> None:
    log = str(ROOT / "tests" / "data" / "logs" / "mixed.log")
    painted = hk.cli("logs", "--file", log, tty=True)
    plain = hk.cli("logs", "--file", log)
    assert painted.code == plain.code == 0
    assert "\x1b[" in painted.out and "\x1b[" not in plain.out
    assert hk.cli("logs", "--file", log, "--json", tty=True).out.count("\x1b[") == 0


def test_the_console_script_uses_the_process_streams() -> None:
    """The real entry point: IOStreams.system() reaches the process's stdout and stderr."""
    version = subprocess.run(
        [sys.executable, "-m", "hkctl", "--version"], capture_output=True, text=True, check=False
    )
    assert (version.returncode, version.stdout, version.stderr) == (0, f"hkctl, version {__version__}\n", "")
    bad = subprocess.run(
        [sys.executable, "-m", "hkctl", "apps", "list", "--bogus"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (bad.returncode, bad.stdout) == (2, "") and "Error: No such option" in bad.stderr
