"""`hkctl skill`: the front matter parses and declares what the skill needs; every command it names exists."""

from __future__ import annotations

import shlex

import click

from hkctl.cli.main import GLOBAL_FLAGS, root
from tests.support import Harness


def front_matter(text: str) -> tuple[dict[str, object], str]:
    """A tiny parser for the YAML subset the skill uses: `key: value` and `key:` + `  - item` lists."""
    lines = text.splitlines()
    assert lines[0] == "---", "front matter must open the file"
    end = lines.index("---", 1)
    data: dict[str, object] = {}
    key: str | None = None
    for line in lines[1:end]:
        if line.startswith("  - "):
            assert key is not None and isinstance(data[key], list), line
            data[key].append(line[4:].strip().strip('"'))  # type: ignore[union-attr]
            continue
        assert not line.startswith(" "), f"unsupported nesting: {line!r}"
        name, sep, value = line.partition(":")
        assert sep and name.strip() and name == name.strip(), line
        key = name
        assert key not in data, f"duplicate key {key}"
        data[key] = value.strip() if value.strip() else []
    return data, "\n".join(lines[end + 1 :])


def commands(body: str) -> list[list[str]]:
    """Every `hkctl ...` line inside ```bash blocks, split like a shell would (env assignments dropped)."""
    out, inside = [], False
    for line in body.splitlines():
        if line.startswith("```"):
            inside = line.strip() == "```bash"
            continue
        if not inside:
            continue
        words = shlex.split(line)
        while words and "=" in words[0] and not words[0].startswith("-"):
            words.pop(0)
        assert not words or words[0] == "hkctl", f"a recipe that is not an hkctl command: {line!r}"
        if words:
            out.append(words)
    return out


def resolve(words: list[str]) -> tuple[click.Command, list[str]]:
    """Walk the click tree along the words; returns the command reached and the words left."""
    cmd: click.Command = root
    rest = words[1:]
    ctx = click.Context(root)
    while isinstance(cmd, click.Group) and rest and not rest[0].startswith("-"):
        sub = cmd.get_command(ctx, rest[0])
        if sub is None:
            break
        cmd, rest = sub, rest[1:]
    return cmd, rest


def test_skill_prints_and_front_matter_declares_its_needs(hk: Harness) -> None:
    r = hk.cli("skill")
    assert r.code == 0
    meta, body = front_matter(r.out)
    assert meta["name"] and meta["description"] and meta["version"]
    assert meta["binaries"] == ["hkctl"]
    assert {"HEROKU_API_KEY", "HEROKU_PERMISSION"} <= set(meta["env"])  # type: ignore[arg-type]
    assert meta["primary_env"] == "HEROKU_API_KEY"
    assert "api.heroku.com" in meta["hosts"]  # type: ignore[operator]
    assert any(f.startswith("STATUS.md") for f in meta["files_written"])  # type: ignore[union-attr]
    code = [
        line for line in body.splitlines() if line and not line.startswith(("#", "`", "-")) and " " in line
    ]
    recipes = [line for line in code if line.startswith(("hkctl", "HKCTL_"))]
    assert not [line for line in recipes if "curl" in line or "| jq" in line]  # hkctl commands, not curl + jq
    assert hk.received() == []  # printing the skill sends nothing


def test_every_command_the_skill_names_exists_with_its_options(hk: Harness) -> None:
    _, body = front_matter(hk.cli("skill").out)
    named = commands(body)
    assert len(named) > 60
    globals_ = set(GLOBAL_FLAGS)
    for words in named:
        cmd, rest = resolve(words)
        assert cmd is not root, words
        if isinstance(cmd, click.Group):
            assert cmd.invoke_without_command, f"{' '.join(words)}: {cmd.name} needs a subcommand"
        known = {o for p in cmd.params if isinstance(p, click.Option) for o in p.opts + p.secondary_opts}
        for word in rest:
            if word.startswith("-") and word != "-":
                flag = word.split("=", 1)[0]
                assert flag in known or flag in globals_, f"{' '.join(words)}: unknown option {flag}"


def test_every_spec_section_has_recipes(hk: Harness) -> None:
    _, body = front_matter(hk.cli("skill").out)
    groups = {resolve(w)[0].name for w in commands(body)} | {w[1] for w in commands(body)}
    for needed in (
        "apps",
        "config",
        "ps",
        "releases",
        "rollback",
        "builds",
        "deploy",
        "addons",
        "pg",
        "domains",
        "logs",
        "pipelines",
        "webhooks",
        "health",
        "cost",
        "plan",
        "apply",
    ):
        assert needed in groups, needed
