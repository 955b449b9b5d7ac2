"""`hkctl mcp`: a stdio MCP server over the tool table, with the CLI's guard applied unchanged.

Each tool call builds a client exactly as a command does (Settings from the environment, the
same guard, allowlist, audit and STATUS.md journal) with one difference: the Confirmer asks the
person through the MCP client (see mcp/confirm.py). The resource code is sync, so it runs in a
worker thread; the event loop stays free to carry the elicitation. Nothing runs between calls:
no polling, no timers, no child processes.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import logging
import os
import traceback
from collections.abc import Mapping
from typing import Any

import anyio
import anyio.to_thread
import mcp.types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

from hkctl import __version__
from hkctl.errors import GuardRefused, HkctlError, UsageError, WorkflowFailed
from hkctl.iostreams import IOStreams
from hkctl.mcp.confirm import INPUT_KEY, ElicitingConfirmer, NeedsInput
from hkctl.mcp.table import ToolSpec, compact, plain
from hkctl.mcp.tools import table
from hkctl.session import Env
from hkctl.transport.redaction import Redactor

log = logging.getLogger("hkctl.mcp")

INSTRUCTIONS = (
    "hkctl operates Heroku apps through the Platform API. Read tools are always allowed. Write tools "
    "follow HEROKU_PERMISSION: readonly (default) refuses every write; full shows the person the exact "
    "change and asks for confirmation through this client before anything is sent. Destructive tools "
    "also need confirm=<app name>, and the person types the app's name in the form. Check staging before production; batch related changes."
)

NO_ELICITATION = (
    "⛔ BLOCKED [non-interactive]: this write needs the person's confirmation and this MCP client "
    "cannot ask for it (it did not declare the elicitation capability). Use a client that supports "
    "elicitation, or start the server with HEROKU_NONINTERACTIVE_WRITES=i-accept-the-risk if writes "
    "without confirmation are acceptable. Nothing was sent."
)


def tool_definition(spec: ToolSpec) -> types.Tool:
    return types.Tool(
        name=spec.name,
        description=spec.description,
        input_schema=spec.input_schema(),
        annotations=types.ToolAnnotations(
            title=spec.name.replace("_", " "),
            read_only_hint=spec.read_only,
            destructive_hint=spec.destructive,
            idempotent_hint=spec.idempotent,
            open_world_hint=True,
        ),
        _meta={"hkctl/actions": list(spec.actions)},
    )


def _text(text: str, *, error: bool = False) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)], is_error=error)


def _refusal(exc: GuardRefused) -> str:
    if exc.rule == "non-interactive":
        return NO_ELICITATION
    if exc.rule == "destructive-needs-name":
        return (
            f"{exc.message.split(';')[0]}. Through MCP the person types the name in the client's form "
            "(elicitation); the agent's confirm argument alone never suffices. Nothing was sent."
        )
    if exc.rule == "declined":
        return f"{exc.message} The person did not approve the change in the MCP client; nothing was sent."
    return exc.message


def _beside_the_protocol() -> IOStreams:
    """The streams a tool call may use: stdin and stdout carry the MCP protocol, so anything hkctl
    would print (a --dry-run curl line, a rate-limit warning) goes to stderr, and nothing is read."""
    system = IOStreams.system()
    return dataclasses.replace(
        system,
        out=system.err,
        in_=io.StringIO(),
        in_bytes=None,
        stdout_is_tty=False,
        stdin_is_tty=False,
        color=False,
    )


def execute(
    spec: ToolSpec,
    args: Mapping[str, Any],
    confirmer: ElicitingConfirmer,
    environ: Mapping[str, str],
    transport: Any = None,
) -> types.CallToolResult | NeedsInput:
    """Run one tool call to completion in this (worker) thread; every failure becomes a tool error."""
    try:
        clean = spec.check_args(args)
    except UsageError as exc:
        return _text(exc.message, error=True)
    # The agent's `confirm` only shows which app it means (checked by check_args); it never stands in
    # for the person: a destructive write asks the person to type the app's name in the client.
    env = Env(env=dict(environ), confirmer=confirmer, transport=transport, io=_beside_the_protocol())
    client = None
    try:
        client = env.client()
        data = spec.run(client, clean)
        return _text(compact(plain(data)))
    except NeedsInput as need:
        return need
    except GuardRefused as exc:
        return _text(_refusal(exc), error=True)
    except WorkflowFailed as exc:
        # hkctl's own words, API text already scrubbed where it came in: only a credential is looked for
        return _text(client.redact.token_only(exc.report()) if client else exc.report(), error=True)
    except HkctlError as exc:
        return _text(client.redact.token_only(exc.message) if client else exc.message, error=True)
    except Exception as exc:  # a bug must not take the server down; the details go to stderr only
        redact = client.redact if client else Redactor()
        redact.add_token(environ.get("HEROKU_API_KEY"))
        log.error("tool %s failed:\n%s", spec.name, redact(traceback.format_exc()))  # outside text: scrubbed
        return _text(f"internal error in {spec.name}: {type(exc).__name__}", error=True)
    finally:
        env.close()


def build_server(environ: Mapping[str, str] | None = None) -> Server[Any]:
    tools = table()
    environ = dict(os.environ if environ is None else environ)
    definitions = [tool_definition(s) for s in tools.values()]

    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(tools=definitions)

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> Any:
        spec = tools.get(params.name)
        if spec is None:
            return _text(f"unknown tool {params.name!r}", error=True)
        caps = ctx.session.client_capabilities
        elicitation = getattr(caps, "elicitation", None) if caps is not None else None
        confirmer = ElicitingConfirmer(
            session=ctx.session,
            request_id=ctx.request_id,
            can_elicit=elicitation is not None and getattr(elicitation, "form", True) is not None,
            back_channel=bool(ctx.session.can_send_request),
            input_responses=params.input_responses,
            request_state=params.request_state,
        )
        outcome = await anyio.to_thread.run_sync(
            functools.partial(execute, spec, params.arguments or {}, confirmer, environ)
        )
        if isinstance(outcome, NeedsInput):
            return types.InputRequiredResult(
                input_requests={
                    INPUT_KEY: types.ElicitRequest(
                        params=types.ElicitRequestFormParams(
                            message=outcome.message, requested_schema=outcome.schema
                        )
                    )
                },
                request_state=outcome.state,
            )
        return outcome

    return Server(
        "hkctl",
        version=__version__,
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


async def serve(environ: Mapping[str, str] | None = None) -> None:
    server = build_server(environ)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


def main(environ: Mapping[str, str] | None = None) -> None:
    logging.basicConfig(stream=IOStreams.system().err, level=logging.WARNING)
    anyio.run(serve, environ)
