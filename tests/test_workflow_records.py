"""Workflows keep the resources' typed records: JSON is made only where it is rendered.

A workflow that turns a record back into a dict (`rec.to_json()`) and reads it with `.get("...")`
loses the type check on every field; one that reads `rec.raw` depends on a field the record does
not declare (add it to the record's `from_api` instead). A static walk keeps both out of
workflows/ and the views that read their results; a run checks what the health dashboard holds.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from hkctl.resources.addons import Addon
from hkctl.resources.apps import App
from hkctl.resources.domains import Domain
from hkctl.resources.dynos import Dyno
from hkctl.resources.formation import Formation
from hkctl.resources.releases import Release
from hkctl.workflows import health
from tests.support import Harness

pytestmark = pytest.mark.core

SRC = Path(__file__).resolve().parent.parent / "src" / "hkctl"
CHECKED = [
    *sorted((SRC / "workflows").glob("*.py")),
    SRC / "cli" / "_health_view.py",
    SRC / "report" / "page.py",
    SRC / "report" / "build.py",
]


def _offences(path: Path) -> list[str]:
    """`x.to_json()` calls outside a `to_json` method (an object's own `self.to_json()` is its rendering),
    and every `.raw` read, as `file:line what`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[str] = []

    def walk(node: ast.AST, in_to_json: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_to_json or (isinstance(child, ast.FunctionDef) and child.name == "to_json")
            if isinstance(child, ast.Attribute) and child.attr == "raw":
                out.append(f"{path.name}:{child.lineno} .raw")
            if (
                isinstance(child, ast.Call)
                and isinstance(child.func, ast.Attribute)
                and child.func.attr == "to_json"
                and not (isinstance(child.func.value, ast.Name) and child.func.value.id == "self")
                and not inside
            ):
                out.append(f"{path.name}:{child.lineno} .to_json() outside to_json")
            walk(child, inside)

    walk(tree, False)
    return out


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_records_become_json_only_in_to_json(path: Path) -> None:
    assert _offences(path) == []


def test_health_holds_records(hk: Harness) -> None:
    h = health.check_app(hk.client(), "demo-staging")
    assert isinstance(h.info, App)
    sections = [
        (h.formation, Formation),
        (h.dynos, Dyno),
        (h.releases, Release),
        (h.addons, Addon),
        (h.domains, Domain),
    ]
    for items, kind in sections:
        assert items and all(isinstance(i, kind) for i in items), kind.__name__
    # and the JSON is the records' own JSON, unchanged
    doc = h.to_json()
    assert doc["formation"] == [f.to_json() for f in h.formation]
    assert doc["latest_release"] == h.releases[0].to_json()
