"""`--json` is the scripting interface: the field names of every read command are pinned here, as gh does.

A field renamed or dropped breaks someone's script, so that fails here; a field added (the API
grew one) breaks nothing and passes. After a deliberate removal, rewrite the pins with
`HKCTL_UPDATE_JSON_PINS=1 pytest tests/test_json_fields.py` and say why in the commit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

PINS = Path(__file__).parent / "data" / "json_fields.json"
P, PIPE = "demo-production", "demo"

READS: list[tuple[str, ...]] = [
    ("apps", "list"),
    ("apps", "info", P),
    ("ps", "-a", P),
    ("ps", "scale", "-a", P),
    ("releases", "list", "-a", P),
    ("releases", "info", "v1", "-a", P),
    ("builds", "list", "-a", P),
    ("addons", "list", "-a", P),
    ("addons", "info", "DATABASE", "-a", P),
    ("domains", "list", "-a", P),
    ("access", "list", "-a", P),
    ("auth", "tokens", "list"),
    ("auth", "whoami"),
    ("drains", "list", "-a", P),
    ("webhooks", "list", "-a", P),
    ("pipelines", "list"),
    ("pipelines", "info", PIPE),
    ("pg", "info", "-a", P),
    ("pg", "backups", "list", "-a", P),
    ("health", P),
    ("health", "--pipeline", PIPE),
    ("cost", P),
    ("cost", "--pipeline", PIPE),
    ("cost", "--sizes"),
    ("pipelines", "promotion", "PROMOTION"),
    ("doctor",),
    ("rate-limit",),
    ("config", "show", "-a", P),
    ("logs", "triage", "-a", P),
]


def _fields(doc: Any) -> list[str]:
    """Top-level names (of the first record, for a list); one level down for wrapper objects."""
    if isinstance(doc, list):
        return _fields(doc[0]) if doc else []
    if not isinstance(doc, dict):
        return []
    names = []
    for key, value in doc.items():
        names.append(key)
        if isinstance(value, list) and value and isinstance(value[0], dict) and len(doc) <= 4:
            names += [f"{key}[].{k}" for k in value[0]]
    return sorted(names)


def _observe(hk) -> dict[str, list[str]]:
    env = hk.full_env()
    assert hk.cli("drains", "add", "syslog+tls://logs.example.com:6514", "-a", P, env=env).code == 0
    made = hk.cli(
        "webhooks", "add", "--url", "https://hooks.example.com/x", "-i", "api:release", "-a", P, env=env
    )
    assert made.code == 0, made.err
    promoted = hk.cli("pipelines", "promote", "-p", PIPE, "--json", env=env)
    promotion = json.loads(promoted.out)["promotion"]["id"]
    seen = {}
    for argv in READS:
        argv = tuple(promotion if a == "PROMOTION" else a for a in argv)
        res = hk.cli(*argv, "--json")
        assert res.code in (0, 1), f"{argv}: {res.err}"  # health exits 1 when unhealthy, still JSON
        doc = json.loads(res.out)
        if argv[0] == "config":  # keys are the app's config vars: only the note is hkctl's
            doc = {k: v for k, v in doc.items() if not k.isupper()}
        seen[" ".join(argv).replace(promotion, "ID")] = _fields(doc)
    return seen


def test_json_field_names_of_every_read_command_are_pinned(hk, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seen = _observe(hk)
    if os.environ.get("HKCTL_UPDATE_JSON_PINS"):
        PINS.write_text(json.dumps(seen, indent=1, sort_keys=True) + "\n")
    pinned = json.loads(PINS.read_text())
    for command, fields in pinned.items():
        missing = sorted(set(fields) - set(seen.get(command, [])))
        assert not missing, f"hkctl {command} --json lost {missing}: scripts read these"
    assert set(seen) == set(pinned), (
        "a read command without pins: HKCTL_UPDATE_JSON_PINS=1 pytest tests/test_json_fields.py"
    )
