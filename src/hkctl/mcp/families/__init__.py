"""The MCP tool families; `FAMILIES` lists each family's tools (joined into one table by mcp/tools.py)."""

from __future__ import annotations

from hkctl.mcp.families import core

FAMILIES = (core.TOOLS,)
