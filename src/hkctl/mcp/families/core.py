"""MCP tools over apps, config vars and the account's rate limit."""

from __future__ import annotations

from typing import Any

from hkctl.errors import GuardRefused, UsageError
from hkctl.mcp.table import APP, DEFAULT_LIST, LIMIT, Args, Param, ToolSpec, capped, pick
from hkctl.resources import account, apps, config_vars
from hkctl.transport.client import HerokuClient


def _apps_list(client: HerokuClient, args: Args) -> Any:
    limit = int(args.get("limit") or DEFAULT_LIST)
    return capped(
        apps.list_(client, limit=limit + 1),
        limit,
        view=lambda a: pick(a, "name", "id", "region.name", "stack.name", "maintenance", "released_at"),
    )


def _apps_info(client: HerokuClient, args: Args) -> Any:
    return apps.info(client, args["app"])


def _apps_maintenance(client: HerokuClient, args: Args) -> Any:
    app = apps.set_maintenance(client, args["app"], bool(args["on"]))
    return {"app": app.name, "maintenance": app.maintenance}


def _config_show(client: HerokuClient, args: Args) -> Any:
    reveal = args.get("reveal")
    if reveal and client.settings.permission != "full":
        raise GuardRefused(
            "⛔ revealing a config value needs HEROKU_PERMISSION=full (values are secrets); "
            "in readonly mode values are masked.",
            rule="readonly",
        )
    config = config_vars.show(client, args["app"])
    if reveal and reveal not in config:
        raise UsageError(f"{reveal} is not set on {args['app']}")
    shown = config_vars.masked(config)
    if reveal:
        shown[reveal] = config[reveal]
    return {
        "app": args["app"],
        "config": dict(sorted(shown.items())),
        "masked": not reveal or len(config) > 1,
    }


def _config_set(client: HerokuClient, args: Args) -> Any:
    changes = {config_vars.check_key(k): str(v) for k, v in dict(args["vars"]).items()}
    if not changes:
        raise UsageError("nothing to set: give at least one KEY in vars")
    config = config_vars.update(client, args["app"], changes)
    return {"app": args["app"], "set": sorted(changes), "keys": sorted(config)}


def _config_unset(client: HerokuClient, args: Args) -> Any:
    changes: dict[str, str | None] = {config_vars.check_key(k): None for k in args["keys"]}
    config = config_vars.update(client, args["app"], changes)
    return {"app": args["app"], "unset": sorted(changes), "keys": sorted(config)}


def _rate_limit(client: HerokuClient, args: Args) -> Any:
    return {"remaining": account.rate_limit(client), "pool": 4500, "refill_per_minute": 75}


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "apps_list", "List the apps this token can access (short view).", ("apps_list",), _apps_list, (LIMIT,)
    ),
    ToolSpec(
        "apps_info",
        "Show one app (region, stack, maintenance, URLs, owner).",
        ("apps_info",),
        _apps_info,
        (APP,),
    ),
    ToolSpec(
        "apps_maintenance",
        "Turn maintenance mode on or off (visitors see the maintenance page).",
        ("apps_update",),
        _apps_maintenance,
        (APP, Param("on", "boolean", "true to turn maintenance on, false to turn it off.", required=True)),
    ),
    ToolSpec(
        "config_show",
        "List config var names; values are masked. In full mode, `reveal` shows the value of one named key.",
        ("config_show",),
        _config_show,
        (
            APP,
            Param("reveal", "string", "One key whose value to show in full (needs HEROKU_PERMISSION=full)."),
        ),
    ),
    ToolSpec(
        "config_set",
        "Set config vars in one change (makes a new release and restarts dynos).",
        ("config_update",),
        _config_set,
        (
            APP,
            Param(
                "vars",
                "object",
                "KEY: value pairs to set.",
                required=True,
                extra={"additionalProperties": {"type": "string"}, "minProperties": 1},
            ),
        ),
    ),
    ToolSpec(
        "config_unset",
        "Remove config vars in one change (makes a new release and restarts dynos).",
        ("config_update",),
        _config_unset,
        (
            APP,
            Param(
                "keys",
                "array",
                "Keys to remove.",
                required=True,
                extra={"items": {"type": "string"}, "minItems": 1},
            ),
        ),
        removes=True,
    ),
    ToolSpec(
        "rate_limit_show",
        "Requests left in the API budget (pool of 4,500, refills about 75 a minute). Free to call.",
        ("rate_limit_info",),
        _rate_limit,
    ),
)
