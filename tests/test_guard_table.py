"""SECURITY.md's risk table is generated from the code; every action name the code uses is in the route table."""

from __future__ import annotations

import ast
from pathlib import Path

from hkctl.guard import decide
from hkctl.guard.table import END, START, embed
from hkctl.transport.routes import ACTIONS, by_name

ROOT = Path(__file__).resolve().parent.parent


def test_security_md_risk_table_is_current() -> None:
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    assert START in text and END in text
    assert "risk is decided from the request" in text.lower()
    assert embed(text) == text, "stale risk table: run `python -m hkctl.guard.table SECURITY.md`"


def test_every_write_route_is_in_the_table() -> None:
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    for a in ACTIONS:
        if a.is_write:
            assert f"| `{a.method}` | `{a.template}` | `{a.name}` |" in text


def _action_literals() -> list[tuple[str, str]]:
    """Every `action="name"` keyword (and `by_name("name")`) written in src/, with its file."""
    found = []
    for path in sorted((ROOT / "src" / "hkctl").rglob("*.py")):
        if "sandbox" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "action"
                and isinstance(node.value, ast.Constant)
            ) and isinstance(node.value.value, str):
                found.append((str(path.relative_to(ROOT)), node.value.value))
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "by_name"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.append((str(path.relative_to(ROOT)), node.args[0].value))
    return found


def test_action_names_used_in_the_code_are_in_the_route_table() -> None:
    literals = _action_literals()
    assert len(literals) > 50
    names = {a.name for a in ACTIONS}
    unknown = [(f, n) for f, n in literals if n not in names]
    assert not unknown, unknown
    for name in decide.RULE_ACTIONS:
        assert by_name(name).name == name


def test_no_caller_overrides_a_risk() -> None:
    """Only guard/ raises or lowers risk: no `kind=` replacement of an Action anywhere else."""
    for path in sorted((ROOT / "src" / "hkctl").rglob("*.py")):
        rel = path.relative_to(ROOT / "src" / "hkctl")
        if rel.parts[0] in ("guard", "sandbox") or rel.name == "routes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "replace":
                kws = {k.arg for k in node.keywords}
                assert not kws & {"kind", "risk"}, f"{rel} overrides a risk"
