"""Drive `hkctl mcp` with the SDK's own client over stdio, against a loopback sandbox."""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import mcp.types as types
from mcp import Client, StdioServerParameters

Elicit = Callable[[Any, Any], Awaitable[types.ElicitResult]]


def server_params(env: dict[str, str]) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=["-m", "hkctl", "mcp"], env=env)


def session(
    env: dict[str, str],
    body: Callable[[Client], Awaitable[Any]],
    *,
    mode: str = "legacy",
    elicit: Elicit | None = None,
) -> Any:
    """Start the server, run `body(client)`, stop the server; returns what body returned."""

    async def main() -> Any:
        async with Client(server_params(env), mode=mode, elicitation_callback=elicit) as client:
            return await body(client)

    return anyio.run(main)


def call(env: dict[str, str], name: str, args: dict[str, Any], **kw: Any) -> types.CallToolResult:
    async def body(client: Client) -> types.CallToolResult:
        return await client.call_tool(name, args)

    return session(env, body, **kw)


def text(result: types.CallToolResult) -> str:
    return "".join(c.text for c in result.content if isinstance(c, types.TextContent))


def data(result: types.CallToolResult) -> Any:
    assert not result.is_error, text(result)
    return json.loads(text(result))


class Answers:
    """An elicitation callback that answers with a fixed action and records what it was asked."""

    def __init__(self, action: str, content: dict[str, Any] | None = None) -> None:
        self.action = action
        self.content = content if content is not None else ({"proceed": True} if action == "accept" else None)
        self.messages: list[str] = []

    async def __call__(self, context: Any, params: Any) -> types.ElicitResult:
        self.messages.append(params.message)
        return types.ElicitResult(action=self.action, content=self.content)  # type: ignore[arg-type]
