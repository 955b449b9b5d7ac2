"""The optional parts of hkctl (install extras) and the one check that says how to install a missing one.

`pip install hkctl` is the client. `hkctl[sandbox]` adds the local emulator (`hkctl sandbox`, the pytest
plugin, `hkctl.sandbox.running()`); `hkctl[mcp]` adds the MCP server (`hkctl mcp`); `hkctl[report]` adds
the charts of the HTML report (`hkctl report`, `hkctl logs triage --html`).
"""

from __future__ import annotations

from importlib.util import find_spec

from hkctl.errors import UsageError

#: extra -> (what it gives, the modules it installs that hkctl imports)
EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sandbox": (
        "the sandbox (local Heroku API emulator)",
        ("starlette", "uvicorn", "jsonschema", "cryptography"),
    ),
    "mcp": ("the MCP server", ("mcp", "jsonschema")),
    "report": ("the HTML report (hkctl report, hkctl logs triage --html)", ("pygal",)),
}


def missing(extra: str) -> list[str]:
    """The modules of `extra` that cannot be imported here (empty when the extra is installed)."""
    return [name for name in EXTRAS[extra][1] if find_spec(name) is None]


def require(extra: str) -> None:
    """Raise UsageError (exit 2) naming the pip command when `extra` is not installed."""
    absent = missing(extra)
    if absent:
        what = EXTRAS[extra][0]
        raise UsageError(
            f"{what} is an optional part of hkctl and is not installed (missing: {', '.join(absent)}); "
            f"install it with: pip install 'hkctl[{extra}]'"
        )
