"""hkctl mcp: serve the tool table over stdio to an MCP client (an agent), behind the same guard."""

from __future__ import annotations

import click

from hkctl.extras import require


@click.command("mcp")
def cli() -> None:
    """Run an MCP server on stdin/stdout for agents (Claude, Cursor, ...).

    Same guard as the CLI: HEROKU_PERMISSION=readonly (default) refuses every write tool; with
    full, each write is shown to the person and confirmed through the client (elicitation), or
    refused when the client cannot ask, unless HEROKU_NONINTERACTIVE_WRITES=i-accept-the-risk.
    Destructive tools also need confirm=<app name>. Idle, it uses no CPU.
    Needs the MCP extra: pip install 'hkctl[mcp]'.
    """
    require("mcp")
    from hkctl.mcp.server import main  # the MCP extra (mcp, anyio): the client imports without it

    main()
