"""Regenerates the command map in cli/_commands.py from the command modules themselves.

A module `NAME.py` defines the root command `cli`; a module `NAME_PART.py` is a part of it: it adds
subcommands to NAME's group and is imported only when one of them is asked for. `python -m
hkctl.cli._commands_gen` rewrites the map; a test fails when it is stale. Kept apart from the map so
that `hkctl --help`, which reads the map, imports none of this.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import click

from hkctl import cli as pkg
from hkctl.cli import _commands
from hkctl.cli._commands import Entry, whole_summaries


def line(name: str, entry: Entry) -> str:
    """One entry of the map as it is written in cli/_commands.py."""
    parts = f", parts={dict(entry.parts)!r}" if entry.parts else ""
    return f"    {name!r}: Entry({entry.module!r}, {entry.summary!r}{parts}),"


def generate() -> str:
    """The map's lines, read from the command modules (imports every one of them)."""
    names = [
        i.name for i in pkgutil.iter_modules(pkg.__path__) if not i.name.startswith("_") and i.name != "main"
    ]
    lines = []
    part_modules = {m for name in names for m in names if m.startswith(name + "_")}
    for name in names:
        command = getattr(importlib.import_module(f"hkctl.cli.{name}"), "cli", None)
        if name in part_modules or not isinstance(command, click.Command):
            continue
        parts: dict[str, str] = {}
        for part in (m for m in names if m.startswith(name + "_")):
            module = importlib.import_module(f"hkctl.cli.{part}").__name__
            for sub, c in getattr(command, "commands", {}).items():
                if getattr(c.callback, "__module__", None) == module:  # defined there (wrappers keep it)
                    parts[sub] = part
        whole_summaries(command)
        lines.append(
            line(command.name or name, Entry(name, command.short_help or "", dict(sorted(parts.items()))))
        )
    return "\n".join(lines)


def rewrite() -> None:
    """Write the generated lines between the map's `generated:start` and `generated:end` markers."""
    path = Path(_commands.__file__)
    text = path.read_text()
    head, rest = text.split("    # generated:start\n", 1)
    _, tail = rest.split("    # generated:end\n", 1)
    path.write_text(f"{head}    # generated:start\n{generate()}\n    # generated:end\n{tail}")


if __name__ == "__main__":
    rewrite()
