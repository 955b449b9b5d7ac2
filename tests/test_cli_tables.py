"""Tables: each list command's help names its columns, in the order a terminal shows them."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.core

P = "demo-production"
LISTS = [
    ("access", "list", "-a", P),
    ("addons", "list", "-a", P),
    ("apps", "list"),
    ("auth", "tokens", "list"),
    ("builds", "list", "-a", P),
    ("domains", "list", "-a", P),
    ("drains", "list", "-a", P),
    ("pg", "backups", "list", "-a", P),
    ("pipelines", "list"),
    ("releases", "list", "-a", P),
    ("webhooks", "list", "-a", P),
]


def _on_a_terminal(hk, *argv: str) -> str:
    result = hk.cli(*argv, tty=True)
    assert result.code == 0
    return result.out


def _documented(hk, *argv: str) -> list[str]:
    text = hk.cli(*argv, "--help").out
    flat = " ".join(text.split())
    m = re.search(r"Columns: (.*?)\. On a terminal", flat)
    assert m, f"hkctl {' '.join(argv)} --help names no columns"
    return [re.sub(r"\s*\(.*", "", c).strip() for c in re.split(r",\s*(?![^()]*\))", m.group(1))]


@pytest.mark.parametrize("argv", LISTS, ids=[" ".join(a[:2]) for a in LISTS])
def test_help_names_the_columns_a_terminal_shows(hk, argv):
    env = hk.full_env()
    hk.cli("drains", "add", "syslog+tls://logs.example.com:6514", "-a", P, env=env)
    hk.cli("webhooks", "add", "--url", "https://hooks.example.com/x", "-i", "api:release", "-a", P, env=env)
    header = _on_a_terminal(hk, *argv).splitlines()[0]
    shown = [h for h in re.split(r"\s{2,}", header.strip()) if h]
    assert shown == _documented(hk, *argv)
