"""The package's layers point one way: a test walks every import (module level and in-function)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "hkctl"

# (importer package, imported package): an arrow that must not exist.
FORBIDDEN = [
    ("resources", "workflows"),
    ("resources", "cli"),
    ("resources", "mcp"),
    ("workflows", "cli"),
    ("workflows", "mcp"),
    ("mcp", "cli"),
    ("transport", "resources"),
    ("transport", "workflows"),
    ("transport", "cli"),
    ("logs", "cli"),
    ("guard", "cli"),
    ("guard", "resources"),
    ("guard", "workflows"),
    ("sandbox", "guard"),
    ("sandbox", "cli"),
    ("sandbox", "mcp"),
]


def _module_of(path: Path) -> list[str]:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def imports(path: Path) -> list[tuple[str, int]]:
    """Every hkctl module that `path` imports, as dotted names, with the line (relative imports resolved)."""
    here = _module_of(path)
    package = here if path.name == "__init__.py" else here[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found.append((module, node.lineno))
            found += [(f"{module}.{a.name}", node.lineno) for a in node.names]
    return [(m, line) for m, line in found if m == "hkctl" or m.startswith("hkctl.")]


def _files(package: str) -> list[Path]:
    return sorted(p for p in (SRC / package).rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize(("importer", "imported"), FORBIDDEN, ids=[f"{a}-not-{b}" for a, b in FORBIDDEN])
def test_no_import_against_the_layers(importer, imported):
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in _files(importer)
        for module, line in imports(path)
        if module == f"hkctl.{imported}" or module.startswith(f"hkctl.{imported}.")
    ]
    assert not offenders, "\n".join(offenders)


def test_the_walker_sees_relative_and_in_function_imports(tmp_path):
    probe = SRC / "resources" / "_probe_for_test.py"
    probe.write_text("def f():\n    from ..workflows import health\n    from . import apps\n")
    try:
        names = {m for m, _ in imports(probe)}
    finally:
        probe.unlink()
    assert {"hkctl.workflows", "hkctl.workflows.health", "hkctl.resources.apps"} <= names
