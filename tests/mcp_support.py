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


def _addon(hk: Any, app: str, service: str) -> str:
    app_id = hk.sandbox.store.first("app", name=app)["id"]
    for a in hk.sandbox.store.all("addon"):
        if (a.get("app") or {}).get("id") == app_id and a["plan"]["name"].startswith(service):
            return str(a["name"])
    raise LookupError(f"no {service} add-on on {app}")


def read_args(hk: Any) -> dict[str, dict[str, Any]]:
    """Arguments that make each read tool a plausible request on the demo sandbox."""
    build = next(iter(hk.sandbox.store.all("build")))["id"]
    return {
        "apps_list": {},
        "apps_info": {"app": "demo-staging"},
        "config_show": {"app": "demo-staging"},
        "rate_limit_show": {},
        "ps_list": {"app": "demo-staging"},
        "releases_list": {"app": "demo-staging", "limit": 3},
        "releases_info": {"app": "demo-staging", "release": "v2"},
        "builds_list": {"app": "demo-staging"},
        "builds_info": {"app": "demo-staging", "build": build},
        "addons_list": {"app": "demo-production"},
        "addons_info": {"app": "demo-staging", "addon": _addon(hk, "demo-staging", "heroku-postgresql")},
        "domains_list": {"app": "demo-production"},
        "collaborators_list": {"app": "demo-staging"},
        "pipelines_list": {},
        "pipelines_info": {"pipeline": "demo"},
        "webhooks_list": {"app": "demo-staging"},
        "webhooks_deliveries": {"app": "demo-staging"},
        "logs_query": {"app": "demo-production", "status": "5xx"},
        "logs_triage": {"app": "demo-production"},
        "pg_info": {"app": "demo-staging"},
        "pg_backups_list": {"app": "demo-staging"},
        "health_check": {"app": "demo-staging"},
        "cost_estimate": {"app": "demo-production"},
        "fleet_find": {"config_key": "SECRET_KEY_BASE"},
        "fleet_health": {"match": "demo-*"},
        "fleet_cost": {},
    }


def write_args(hk: Any) -> dict[str, dict[str, Any]]:
    """Arguments that make each write tool a plausible request on the demo sandbox (in a working order)."""
    pg = _addon(hk, "demo-staging", "heroku-postgresql")
    return {
        "apps_maintenance": {"app": "demo-staging", "on": True},
        "config_set": {"app": "demo-staging", "vars": {"NEW_FLAG": "s3cr3t-flag-value"}},
        "config_unset": {"app": "demo-staging", "keys": ["FEATURE_NEW_CHECKOUT"], "confirm": "demo-staging"},
        "ps_scale": {"app": "demo-staging", "updates": [{"type": "web", "quantity": 2}]},
        "ps_restart": {"app": "demo-staging", "target": "web"},
        "dynos_run": {"app": "demo-staging", "command": "echo hello"},
        "releases_rollback": {"app": "demo-staging", "confirm": "demo-staging"},
        "addons_create": {"app": "demo-staging", "plan": "heroku-redis:mini"},
        "addons_upgrade": {"app": "demo-staging", "addon": pg, "plan": "heroku-postgresql:essential-1"},
        "domains_add": {"app": "demo-staging", "hostname": "www.example.org"},
        "domains_remove": {"app": "demo-staging", "hostname": "www.example.org", "confirm": "demo-staging"},
        "pipelines_promote": {"pipeline": "demo", "no_check": True},
        "pg_backups_capture": {"app": "demo-staging"},
        "apps_deploy": {
            "app": "demo-staging",
            "source_url": "https://example.com/app.tar.gz",
            "version": "abc123",
            "confirm": "demo-staging",
        },
        "addons_destroy": {"app": "demo-staging", "addon": pg, "confirm": "demo-staging"},
    }


async def person_types_the_name(context: Any, params: Any) -> types.ElicitResult:
    """A person who confirms whatever is asked: types the name the question shows, or ticks proceed."""
    if "app" in (params.requested_schema or {}).get("properties", {}):
        import re

        found = re.search(r"Type the [a-z ]+\(([^)]+)\) to confirm", params.message)
        return types.ElicitResult(action="accept", content={"app": found.group(1) if found else ""})
    return types.ElicitResult(action="accept", content={"proceed": True})
