"""The MCP tool families; `FAMILIES` lists each family's tools (joined into one table by mcp/tools.py)."""

from __future__ import annotations

from hkctl.mcp.families import core, delivery, fleet, observe, ops, runtime, services

FAMILIES = (
    core.TOOLS,
    runtime.TOOLS,
    (runtime.DEPLOY,),
    services.TOOLS,
    delivery.TOOLS,
    observe.TOOLS,
    ops.TOOLS,
    fleet.TOOLS,
)
