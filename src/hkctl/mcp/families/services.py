"""MCP tools over add-ons, domains and collaborators."""

from __future__ import annotations

from typing import Any

from hkctl.mcp.table import APP, LIMIT, Args, Param, ToolSpec, capped, pick
from hkctl.resources import addons, collaborators, domains
from hkctl.transport.client import HerokuClient

ADDON = Param("addon", "string", "Add-on name (e.g. postgresql-curved-12345) or id.", required=True)
PLAN = Param("plan", "string", "Plan, service:plan (e.g. heroku-postgresql:essential-0).", required=True)
HOSTNAME = Param("hostname", "string", "Custom domain, e.g. www.example.com.", required=True)


def _addons_list(client: HerokuClient, args: Args) -> Any:
    return capped(
        addons.list_(client, args["app"]),
        args.get("limit"),
        view=lambda a: pick(a, "name", "addon_service.name", "plan.name", "state", "config_vars"),
    )


def _addons_info(client: HerokuClient, args: Args) -> Any:
    return addons.info(client, args["app"], args["addon"])


def _addons_create(client: HerokuClient, args: Args) -> Any:
    a = addons.create(client, args["app"], args["plan"], name=args.get("name"))
    return pick(a, "name", "id", "plan.name", "state", "config_vars")


def _addons_upgrade(client: HerokuClient, args: Args) -> Any:
    a = addons.upgrade(client, args["app"], args["addon"], args["plan"])
    return pick(a, "name", "plan.name", "state")


def _addons_destroy(client: HerokuClient, args: Args) -> Any:
    a = addons.destroy(client, args["app"], args["addon"])
    return {"destroyed": a.name, "state": a.state}


def _domains_list(client: HerokuClient, args: Args) -> Any:
    return capped(
        domains.list_(client, args["app"]),
        args.get("limit"),
        view=lambda d: pick(d, "hostname", "kind", "cname", "status", "acm_status"),
    )


def _domains_add(client: HerokuClient, args: Args) -> Any:
    d = domains.add(client, args["app"], args["hostname"])
    return {
        **pick(d, "hostname", "cname", "status"),
        "next": f"point a CNAME for {d.hostname} at {d.cname}" if d.cname else "",
    }


def _domains_remove(client: HerokuClient, args: Args) -> Any:
    d = domains.remove(client, args["app"], args["hostname"])
    return {"removed": d.hostname}


def _collaborators_list(client: HerokuClient, args: Args) -> Any:
    return capped(
        collaborators.list_(client, args["app"]),
        args.get("limit"),
        view=lambda c: pick(c, "user.email", "role", "created_at"),
    )


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "addons_list",
        "List an app's add-ons (service, plan, state).",
        ("addons_list",),
        _addons_list,
        (APP, LIMIT),
    ),
    ToolSpec("addons_info", "Show one add-on.", ("addons_info",), _addons_info, (APP, ADDON)),
    ToolSpec(
        "addons_create",
        "Provision an add-on (may cost money; its config vars are added to the app).",
        ("addons_create",),
        _addons_create,
        (APP, PLAN, Param("name", "string", "Name for the add-on (default: generated).")),
    ),
    ToolSpec(
        "addons_upgrade",
        "Change an add-on's plan (same service).",
        ("addons_upgrade",),
        _addons_upgrade,
        (APP, ADDON, PLAN),
    ),
    ToolSpec(
        "addons_destroy",
        "Destroy an add-on and its data (a database is gone with it). Irreversible.",
        ("addons_destroy",),
        _addons_destroy,
        (APP, ADDON),
    ),
    ToolSpec(
        "domains_list",
        "List an app's domains with DNS targets and status.",
        ("domains_list",),
        _domains_list,
        (APP, LIMIT),
    ),
    ToolSpec(
        "domains_add",
        "Add a custom domain; answers the CNAME target.",
        ("domains_add",),
        _domains_add,
        (APP, HOSTNAME),
    ),
    ToolSpec(
        "domains_remove",
        "Remove a custom domain (traffic to it stops reaching the app).",
        ("domains_remove",),
        _domains_remove,
        (APP, HOSTNAME),
        removes=True,
    ),
    ToolSpec(
        "collaborators_list",
        "List who has access to an app.",
        ("access_list",),
        _collaborators_list,
        (APP, LIMIT),
    ),
)
