"""What a deploy's Procfile changes: process types next to the running formation, and the migration's timing.

A build releases as soon as it succeeds, so a process type the new code drops would stop at once
(its dynos are gone with it); that is caught before anything is sent, from the Procfile of --dir.
A `release:` process is run by Heroku's release phase before the new release goes live, which
makes hkctl's own --migrate step (after the build, once the release is live) a second run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hkctl.resources.formation import Formation

_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")


def process_types(source_dir: Path) -> dict[str, str] | None:
    """`{type: command}` from `source_dir/Procfile`, or None when there is none (the buildpack decides)."""
    path = source_dir / "Procfile"
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    types: dict[str, str] = {}
    for line in text.splitlines():
        m = _LINE.match(line.strip())
        if m:
            types[m.group(1)] = m.group(2).strip()
    return types


def running(formation: Iterable[Formation]) -> dict[str, int]:
    """`{type: quantity}` of the formation's types with dynos running."""
    return {f.type: f.quantity for f in formation if f.quantity > 0}


def disappearing(types: Mapping[str, str] | None, formation: Iterable[Formation]) -> list[str]:
    """Running process types (quantity > 0) that the new Procfile no longer declares."""
    if types is None:
        return []
    return sorted(t for t in running(formation) if t not in types)


def comparison(types: Mapping[str, str] | None, formation: Iterable[Formation]) -> str:
    """One line: the new code's process types next to what runs now."""
    now = " ".join(f"{t}={n}" for t, n in sorted(running(formation).items())) or "nothing"
    if types is None:
        return (
            f"process types: no Procfile in the source (the buildpack's defaults apply); running now: {now}"
        )
    new = ", ".join(t for t in types if t != "release") or "none"
    return f"process types: new code declares {new}; running now: {now}"


def migrate_notes(
    types: Mapping[str, str] | None, migrate: str | None, *, production: bool, maintenance: bool
) -> list[str]:
    """What to know about --migrate: when it runs relative to the release, and whether it is needed."""
    if not migrate:
        if types and "release" in types:
            return [f"release phase: Heroku runs `{types['release']}` before the new release goes live"]
        return []
    notes = [
        f"--migrate `{migrate}` runs after the build, when the new release is already live: "
        "requests may reach the new code before the migration ends"
    ]
    if types and "release" in types:
        notes.append(
            f"the Procfile has a release phase (`{types['release']}`): Heroku runs it before the new release "
            "goes live, so hkctl's --migrate step runs the migration a second time; drop --migrate"
        )
    elif maintenance:
        notes.append(
            "maintenance mode is on for the whole deploy: no request sees the new code before its schema"
        )
    else:
        where = "this is production: " if production else ""
        notes.append(f"{where}add --maintenance so no request sees the new code before its schema")
    return notes
