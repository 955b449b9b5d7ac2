"""Imports sit at the top of their modules; the few left inside a function are listed here with why.

The command map (cli/_commands.py) already keeps a command from importing another command's modules,
so an import hidden in a function to save start-up time saved nothing and hid the module's needs and
its cycles. What may stay in a function: a package that comes only with an extra (the client imports
without it, tests/test_packaging.py checks), a module measured heavy and rarely needed, and the client
that `hkctl --help` must not build. Each says why in a comment on (or just above) the import.

The emulator (hkctl.sandbox, an extra) is not walked: its backends still import each other inside
functions, cycles that this test does not pretend are gone.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
NOT_WALKED = ("hkctl.sandbox",)

#: (module, imported module) -> why it stays in a function
ALLOWED: dict[tuple[str, str], str] = {
    # the client that `hkctl --help` must not build
    ("hkctl", "hkctl.transport.client"): "the package is imported by every command and by --help",
    ("hkctl.session", "hkctl.transport.client"): "Env is imported by the root (--help): the client on use",
    ("hkctl.session", "hkctl.guard.confirm"): "the guard package loads its policy and route table",
    ("hkctl.session", "hkctl.guard.plan"): "with the guard, only when --status-file is given",
    ("hkctl.transport.http", "httpx"): "~25 ms: the first request loads it, not --help, exit 2 or --dry-run",
    # measured heavy, needed rarely
    ("hkctl.cli.main", "traceback"): "~1 ms, only for an internal error shown with --verbose",
    ("hkctl.transport.redaction", "html"): "~1 ms (its entity table), only for text that holds an entity",
    ("hkctl.logs.fast", "multiprocessing"): "~3 ms, only for a log large enough to split in two",
    ("hkctl.report.timeline", "multiprocessing"): "~3 ms, only for a log large enough to split in two",
    # an extra's package: the module imports without the extra
    ("hkctl.report.html", "hkctl.report"): "charts need pygal (the report extra)",
    ("hkctl.mcp.table", "jsonschema"): "the MCP extra",
    ("hkctl.mcp.confirm", "anyio.from_thread"): "anyio comes with the MCP extra",
    ("hkctl.cli.mcp", "hkctl.mcp.server"): "the MCP extra; `hkctl mcp` without it says how to install it",
    ("hkctl.cli.sandbox", "uvicorn"): "the sandbox extra",
    ("hkctl.cli.sandbox", "hkctl.sandbox.app"): "the sandbox extra",
    ("hkctl.cli.sandbox", "hkctl.sandbox.control"): "the sandbox extra",
    ("hkctl.cli.sandbox", "hkctl.sandbox.scenario"): "the sandbox extra",
    ("hkctl.cli.sandbox", "hkctl.sandbox.seed"): "the sandbox extra",
    ("hkctl.cli.sandbox", "hkctl.sandbox.server"): "the sandbox extra",
    ("hkctl.cli.sandbox", "hkctl.sandbox.coverage"): "the sandbox extra",
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node: ast.Import | ast.ImportFrom, module: str, package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not node.level:
        return [node.module or ""]
    base = module.split(".")[: len(module.split(".")) - node.level + (1 if package else 0)]
    return [".".join([*base, *([node.module] if node.module else [])])]


def in_function_imports() -> list[tuple[str, str, int, bool]]:
    """(module, imported module, line, commented) of every import inside a function, outside the emulator.

    `commented`: a `#` comment on the import's lines, or on the line just above its block of imports.
    """
    found = []
    for path in sorted((SRC / "hkctl").rglob("*.py")):
        module = _module_name(path)
        if module.startswith(NOT_WALKED):
            continue
        text = path.read_text()
        lines = text.splitlines()
        tree = ast.parse(text)
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                own = lines[node.lineno - 1 : node.end_lineno]
                above = node.lineno - 2  # up over the block of imports (and blank lines) this one ends
                while above >= 0 and (
                    not lines[above].strip() or lines[above].strip().startswith(("import ", "from "))
                ):
                    above -= 1
                commented = any("#" in line for line in own) or (
                    above >= 0 and lines[above].strip().startswith("#")
                )
                for name in _imported(node, module, path.name == "__init__.py"):
                    found.append((module, name, node.lineno, commented))
    # an import nested in two functions is found twice
    return sorted(set(found))


def test_no_import_hides_in_a_function_without_a_listed_reason() -> None:
    unlisted = [
        f"{m}:{line} imports {name}" for m, name, line, _ in in_function_imports() if (m, name) not in ALLOWED
    ]
    assert unlisted == [], "import these at the top of the module (or list them in ALLOWED, with why)"


def test_each_listed_import_still_exists_and_says_why_in_a_comment() -> None:
    found = in_function_imports()
    gone = set(ALLOWED) - {(m, name) for m, name, _, _ in found}
    assert gone == set(), "ALLOWED lists an import that is gone: drop it from the list"
    silent = [f"{m}:{line} imports {name}" for m, name, line, commented in found if not commented]
    assert silent == [], "say why the import stays in the function, in a comment"
