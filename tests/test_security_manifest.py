"""SECURITY.md stays true: env vars read are declared, no file is written unless asked, one HTTP choke point.

Also: every command has help text (the house rule that keeps `hkctl --help` useful).
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import click
import pytest

from tests.ptyrun import HKCTL

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "hkctl"
MANIFEST = (ROOT / "SECURITY.md").read_text()

_READS = re.compile(
    r"""(?:envvar\s*=\s*|getenv\(\s*|environ(?:\.get)?[\[(]\s*|\benv(?:iron)?\.get\(\s*|\benv\[\s*)["']([A-Z][A-Z0-9_]+)["']"""
)


def _py_files() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_environment_variable_read_is_in_the_manifest():
    found: dict[str, set[str]] = {}
    for path in _py_files():
        for name in _READS.findall(path.read_text()):
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    assert {"HEROKU_API_KEY", "HEROKU_PERMISSION", "HEROKU_NONINTERACTIVE_WRITES"} <= set(found)
    missing = {n: sorted(where) for n, where in found.items() if f"`{n}`" not in MANIFEST}
    assert not missing, f"read by the code but not declared in SECURITY.md: {missing}"


def test_only_transport_imports_httpx():
    offenders = []
    for path in _py_files():
        if path.is_relative_to(SRC / "transport"):
            continue
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(n == "httpx" or n.startswith("httpx.") for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, f"only hkctl/transport/ may import httpx: {offenders}"


def _walk(cmd: click.Command, path: str):
    yield path, cmd
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            if sub is not None:
                yield from _walk(sub, f"{path} {name}")


def test_every_command_has_help_text():
    from hkctl.cli.main import root

    commands = list(_walk(root, "hkctl"))
    assert len(commands) > 10
    missing = [p for p, c in commands if not (c.help or "").strip()]
    assert not missing, f"commands without help text: {missing}"


# ----------------------------------------------------------------- no file unless asked for
def _snapshot(*dirs: Path) -> dict[str, tuple[int, int]]:
    snap = {}
    for d in dirs:
        for p in d.rglob("*"):
            st = p.lstat()
            snap[str(p)] = (st.st_size, st.st_mtime_ns)
    return snap


def _run(live, argv, env, cwd):
    return subprocess.run(
        [HKCTL, *argv], env=env, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def fresh(live, tmp_path):
    home, cwd = tmp_path / "home-fresh", tmp_path / "cwd"
    home.mkdir()
    cwd.mkdir()
    env = live.env(HOME=str(home))
    return home, cwd, env


def test_commands_leave_home_and_the_working_directory_unchanged(live, fresh):
    home, cwd, env = fresh
    full = {**env, "HEROKU_PERMISSION": "full", "HEROKU_NONINTERACTIVE_WRITES": "i-accept-the-risk"}
    before = _snapshot(home, cwd)
    runs = [
        (["--help"], env),
        (["apps", "list"], env),
        (["apps", "info", "-a", "demo-staging", "--json", "--verbose"], env),
        (["apps", "info", "-a", "no-such-app"], env),
        (["config", "show", "-a", "demo-staging"], env),
        (["doctor"], env),
        (["rate-limit"], env),
        (["apps", "maintenance", "on", "-a", "demo-staging"], env),  # refused
        (["config", "set", "A=1", "-a", "demo-staging", "--dry-run"], full),
        (["config", "set", "A=1", "-a", "demo-staging"], full),
        (["apps", "info", "-a", "Bad!"], env),
    ]
    for argv, e in runs:
        res = _run(live, argv, e, cwd)
        assert "Traceback" not in res.stderr, (argv, res.stderr)
    assert _snapshot(home, cwd) == before
    assert list(home.iterdir()) == [] and list(cwd.iterdir()) == []


@pytest.mark.parametrize(
    ("flag", "name"),
    [("--audit-log", "audit.jsonl"), ("--plan", "plan.jsonl"), ("--status-file", "STATUS.md")],
)
def test_a_file_is_written_only_where_asked(live, fresh, flag, name):
    home, cwd, env = fresh
    full = {**env, "HEROKU_PERMISSION": "full", "HEROKU_NONINTERACTIVE_WRITES": "i-accept-the-risk"}
    target = home / "asked" / name
    res = _run(live, ["config", "set", "A=1", "-a", "demo-staging", flag, str(target)], full, cwd)
    assert res.returncode == 0, res.stderr
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert written == ["asked", f"asked/{name}"]
    assert target.read_text().strip()
    assert list(cwd.iterdir()) == []


def test_orchestration_mode_journals_to_status_md_in_the_working_directory(live, fresh):
    home, cwd, env = fresh
    full = {
        **env,
        "HEROKU_PERMISSION": "full",
        "HEROKU_NONINTERACTIVE_WRITES": "i-accept-the-risk",
        "HKCTL_ORCHESTRATION": "1",
    }
    assert _run(live, ["apps", "info", "-a", "demo-staging"], full, cwd).returncode == 0
    assert list(cwd.iterdir()) == []  # reads are not journalled
    res = _run(live, ["apps", "maintenance", "on", "-a", "demo-staging"], full, cwd)
    assert res.returncode == 0, res.stderr
    assert [p.name for p in cwd.iterdir()] == ["STATUS.md"]
    assert "maintenance" in (cwd / "STATUS.md").read_text()
    assert list(home.iterdir()) == []
