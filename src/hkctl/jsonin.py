"""JSON a person or a file hands hkctl (`api -d`, plan files): parsed with a nesting limit.

A hostile or broken document nested thousands deep would otherwise exhaust the interpreter's
recursion (in the parser, or later in redaction and hashing) and end as an internal error; here it
is bad input (UsageError, exit 2) before anything is judged or sent.
"""

from __future__ import annotations

import json
from typing import Any

from hkctl.errors import UsageError

#: deepest nesting of arrays/objects accepted; Platform API bodies are a few levels deep
MAX_DEPTH = 64


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when `value` nests arrays/objects more than `limit` deep (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((c, depth + 1) for c in children)
    return False


def loads(text: str | bytes, what: str = "JSON") -> Any:
    """Parse JSON; ValueError when it is not JSON or nests deeper than MAX_DEPTH."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(f"{what} nests too deep (more than {MAX_DEPTH} levels)") from None
    if too_deep(value):
        raise ValueError(f"{what} nests too deep (more than {MAX_DEPTH} levels)")
    return value


def parse_arg(text: str, what: str = "JSON") -> Any:
    """Parse user-supplied JSON or raise UsageError (exit 2, nothing sent)."""
    try:
        return loads(text, what)
    except ValueError as exc:
        raise UsageError(f"invalid {what}: {exc}") from exc
