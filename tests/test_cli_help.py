"""Help says the thing itself: whole one-line summaries, no pointers to documents the user does not have."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from hkctl.cli.main import root

pytestmark = pytest.mark.core

REPO = Path(__file__).resolve().parent.parent
INTERNAL = re.compile(r"\bthe spec\b|\bspec's\b|\bspec §|§\d|facts\.md", re.IGNORECASE)


def _walk(cmd: click.Command, path: list[str]):
    yield path, cmd
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):
            yield from _walk(cmd.get_command(ctx, name), [*path, name])


def test_root_help_lists_whole_summaries(hk):
    res = hk.cli("--help")
    assert res.code == 0
    listing = res.out.split("Commands:", 1)[1]
    assert not re.search(r"\w\.\.\.$", listing, re.MULTILINE), listing  # click's cut: "word..."
    assert "Deploy source to APP safely: pre-checks, staging before production" in " ".join(listing.split())


def test_no_help_text_points_at_internal_documents():
    for path, cmd in _walk(root, []):
        texts = [cmd.help or "", cmd.short_help or ""]
        texts += [getattr(p, "help", None) or "" for p in cmd.params]
        for text in texts:
            assert not INTERNAL.search(text), f"hkctl {' '.join(path)}: {text}"


@pytest.mark.parametrize("doc", ["README.md", "src/hkctl/data/SKILL.md"])
def test_readme_and_skill_say_the_thing_itself(doc):
    for n, line in enumerate((REPO / doc).read_text(encoding="utf-8").splitlines(), 1):
        assert not INTERNAL.search(line), f"{doc}:{n}: {line}"


def test_skill_install_line_installs_this_package_not_a_name_on_an_index():
    text = (REPO / "src/hkctl/data/SKILL.md").read_text(encoding="utf-8")
    install = next(line for line in text.splitlines() if line.startswith("install:"))
    assert "pipx install ./hkctl" in install  # a checkout: hkctl is not published on a package index


@pytest.mark.parametrize(
    "argv", [("logs", "triage", "-a", "demo-production"), ("health", "demo-production"), ("doctor",)]
)
def test_no_finding_tells_the_user_to_run_the_command_they_are_running(hk, argv):
    res = hk.cli(*argv)
    running = "hkctl " + " ".join(w for w in argv if not w.startswith("-") and w != "demo-production")
    assert f"`{running}`" not in res.out + res.err
