"""Every public function of resources/, workflows/ and logs/ says what it does: a test walks them with `ast`.

Public: a module-level function or class whose name has no leading underscore, and the public methods
(properties included) of such a class. The record protocol (`from_api`, `to_json`) is exempt: its
contract is written once, on `resources/_record.Record`. A function of resources/ that takes the
client also names the endpoint it calls (`GET /apps/{app}`, `PUT {put_url}`); pure helpers (validators
such as `check_app`, parsers) take no client and need no endpoint.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "hkctl"
PACKAGES = ("resources", "workflows", "logs")
RECORD_PROTOCOL = ("from_api", "to_json")
ENDPOINT = re.compile(r"\b(GET|HEAD|POST|PUT|PATCH|DELETE)\s+[/{]")

Def = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def _public(node: ast.stmt) -> bool:
    return isinstance(node, Def) and not node.name.startswith("_")


def public_defs(package: str) -> Iterator[tuple[Path, Def, str]]:
    """(file, node, qualified name) of every public function, class and method of the package."""
    for path in sorted((SRC / package).rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not _public(node):
                continue
            assert isinstance(node, Def)
            yield path, node, node.name
            if isinstance(node, ast.ClassDef):
                for member in node.body:
                    if _public(member) and not isinstance(member, ast.ClassDef):
                        assert isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef)
                        if member.name not in RECORD_PROTOCOL:
                            yield path, member, f"{node.name}.{member.name}"


def _where(path: Path, node: ast.AST, name: str) -> str:
    return f"{path.relative_to(SRC.parent)}:{getattr(node, 'lineno', 0)} {name}"


def takes_client(node: Def) -> bool:
    """The function has a `client` parameter (the injected HerokuClient) and uses it."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    args = node.args
    if not any(a.arg == "client" for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)):
        return False
    return any(isinstance(n, ast.Name) and n.id == "client" for n in ast.walk(node))


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_definition_has_a_docstring(package: str) -> None:
    missing = [_where(p, n, name) for p, n, name in public_defs(package) if not ast.get_docstring(n)]
    assert not missing, f"{len(missing)} public definitions of {package}/ without a docstring:\n" + "\n".join(
        missing
    )


def test_every_resource_function_that_calls_the_api_names_its_endpoint() -> None:
    unnamed = [
        _where(p, n, name)
        for p, n, name in public_defs("resources")
        if "." not in name and takes_client(n) and not ENDPOINT.search(ast.get_docstring(n) or "")
    ]
    assert not unnamed, (
        f"{len(unnamed)} functions of resources/ take the client but name no endpoint (`METHOD /path`):\n"
        + "\n".join(unnamed)
    )


def test_the_walk_sees_the_packages() -> None:
    """Guards the test itself: a wrong path or an empty walk must not pass for 'no missing docstrings'."""
    found = {package: [name for _, _, name in public_defs(package)] for package in PACKAGES}
    assert all(len(names) > 20 for names in found.values()), {k: len(v) for k, v in found.items()}
    assert "apps.py" in {p.name for p, _, _ in public_defs("resources")}
    assert "check_app" in found["resources"] and "Record" in found["resources"]
    assert not takes_client(next(n for _, n, name in public_defs("resources") if name == "check_app"))
