"""THE tool table of `hkctl mcp`: every tool, `<noun>_<verb>`, over resources/ and workflows/.

Each family's tools live next to their runners in `hkctl/mcp/families/`; this module only joins
them into one table (names unique) so the server, the annotation test and the README agree.
"""

from __future__ import annotations

from functools import lru_cache

from hkctl.mcp.families import FAMILIES
from hkctl.mcp.table import ToolSpec


@lru_cache(maxsize=1)
def table() -> dict[str, ToolSpec]:
    tools: dict[str, ToolSpec] = {}
    for family in FAMILIES:
        for spec in family:
            if spec.name in tools:
                raise RuntimeError(f"duplicate MCP tool name {spec.name}")
            tools[spec.name] = spec
    return tools
