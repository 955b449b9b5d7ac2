"""The official CLI's colon commands run the spaced hkctl command; README's table is generated from the one table."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from hkctl.cli._aliases import ALIASES, markdown, replace_block
from hkctl.cli.main import root

pytestmark = pytest.mark.core

README = Path(__file__).resolve().parent.parent / "README.md"


def _command(words: list[str]) -> click.Command | None:
    ctx = click.Context(root)
    cmd: click.Command | None = root
    for word in words:
        if not isinstance(cmd, click.Group):
            return None
        cmd = cmd.get_command(ctx, word)
        if cmd is None:
            return None
    return cmd


@pytest.mark.parametrize("official", sorted(ALIASES))
def test_every_alias_names_a_real_command(official):
    assert _command(ALIASES[official].split()) is not None, f"{official} -> {ALIASES[official]}"


def test_readme_shows_the_generated_table():
    text = README.read_text(encoding="utf-8")
    assert markdown() in text, "README.md is stale: run python -m hkctl.cli._aliases README.md"
    assert replace_block(text) == text


def test_colon_commands_run_the_spaced_command(hk, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    got = hk.cli("config:get", "LANG", "-a", "demo-staging", "--reveal")
    assert (got.code, got.out) == (0, "en_US.UTF-8\n")
    on = hk.cli("maintenance:on", "-a", "demo-staging", env=hk.full_env())
    assert on.code == 0, on.err
    assert hk.cli("maintenance", "-a", "demo-staging").out == "on\n"
    backups = hk.cli("pg:backups", "-a", "demo-production", "--json")
    assert backups.code == 0 and json.loads(backups.out)
    scaled = hk.cli("ps:scale", "web=1", "-a", "demo-staging", env=hk.full_env())
    assert scaled.code == 0, scaled.err


def test_an_unknown_colon_command_suggests_the_spaced_one(hk):
    res = hk.cli("config:frob", "-a", "demo-staging")
    assert res.code == 2
    assert "unknown command 'config:frob'" in res.err and "hkctl config frob --help" in res.err
    assert hk.received() == []
