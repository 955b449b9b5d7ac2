"""MCP tools over the runtime: formation and dynos, one-off runs, releases and rollback, builds, deploy."""

from __future__ import annotations

from typing import Any

from hkctl.mcp.table import APP, DEFAULT_LIST, LIMIT, Args, Param, ToolSpec, capped, pick
from hkctl.resources import builds, dynos, formation, releases
from hkctl.transport.client import HerokuClient
from hkctl.workflows import deploy, rollback


def _ps_list(client: HerokuClient, args: Args) -> Any:
    return {
        "app": args["app"],
        "formation": [
            pick(f, "type", "quantity", "size", "command") for f in formation.list_(client, args["app"])
        ],
        "dynos": capped(
            dynos.list_(client, args["app"]),
            args.get("limit"),
            view=lambda d: pick(d, "name", "state", "size", "release.version", "updated_at"),
        ),
    }


def _scales_to_zero(args: Args) -> bool:
    return any(u.get("quantity") == 0 for u in args.get("updates") or [])


def _ps_scale(client: HerokuClient, args: Args) -> Any:
    updates = [
        formation.Update(
            formation.check_type(u["type"]),
            u.get("quantity"),
            formation.check_size(u["size"], force=bool(args.get("force_size"))) if u.get("size") else None,
        )
        for u in args["updates"]
    ]
    changed = formation.scale(client, args["app"], updates)
    return {"app": args["app"], "formation": [pick(f, "type", "quantity", "size") for f in changed]}


def _ps_restart(client: HerokuClient, args: Args) -> Any:
    target = args.get("target")
    dynos.restart(client, args["app"], target)
    return {"app": args["app"], "restarted": target or "all dynos"}


def _dynos_run(client: HerokuClient, args: Args) -> Any:
    d = dynos.run(
        client,
        args["app"],
        args["command"],
        size=args.get("size"),
        ttl=args.get("time_to_live"),
        force_size=bool(args.get("force_size")),
    )
    return {
        "app": args["app"],
        "dyno": d.name,
        "state": d.state,
        "note": "detached one-off dyno; its output is in the logs (logs_query with dyno set to its name)",
    }


def _releases_list(client: HerokuClient, args: Args) -> Any:
    limit = int(args.get("limit") or DEFAULT_LIST)
    return capped(
        releases.list_(client, args["app"], max_items=limit + 1),
        limit,
        view=lambda r: pick(r, "version", "status", "current", "description", "user.email", "created_at"),
    )


def _releases_info(client: HerokuClient, args: Args) -> Any:
    return releases.info(client, args["app"], str(args["release"]))


def _releases_rollback(client: HerokuClient, args: Args) -> Any:
    plan = rollback.plan(client, args["app"], args.get("release"))
    new = releases.rollback(client, plan.app, plan.target, current=plan.current)
    return {
        "app": plan.app,
        "new_release": new.version,
        "restored": plan.target.version,
        "config": plan.to_json()["config"],  # keys added/removed/changed, add-on keys kept
        "warning": rollback.WARNING,
        "next": "check with ps_list that the dynos come up on the new release",
    }


def _builds_list(client: HerokuClient, args: Args) -> Any:
    limit = int(args.get("limit") or DEFAULT_LIST)
    return capped(
        builds.list_(client, args["app"], limit=limit + 1),
        limit,
        view=lambda b: pick(b, "id", "status", "source_blob.version", "created_at"),
    )


def _builds_info(client: HerokuClient, args: Args) -> Any:
    return builds.info(client, args["app"], args["build"])


def _apps_deploy(client: HerokuClient, args: Args) -> Any:
    opts = deploy.DeployOptions(
        app=args["app"],
        source_url=args["source_url"],
        version=args.get("version"),
        migrate=args.get("migrate"),
        maintenance=bool(args.get("maintenance")),
        backup=bool(args.get("backup")),
    )
    progress: list[str] = []
    log = deploy.deploy(client, opts, say=progress.append)
    return {
        "app": args["app"],
        "steps": [s.to_json() for s in log.steps],
        "notes": log.notes,
        "undo": log.undo,
    }


SIZE = Param("size", "string", "Dyno size, e.g. Standard-1X, Private-M, dyno-2c-4gb (any case).")
FORCE_SIZE = Param(
    "force_size", "boolean", "Send a size hkctl does not know (newer than hkctl) as given; the API judges it."
)
TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "ps_list",
        "Show the formation (process types, quantity, size) and the dynos with their state.",
        ("formation_list", "dynos_list"),
        _ps_list,
        (APP, LIMIT),
    ),
    ToolSpec(
        "ps_scale",
        "Scale process types in one change. Scaling a type to 0 stops it: then confirm must equal the app name. "
        "Scaling production (by name or pipeline stage) asks the person to type the app name.",
        ("apps_info", "pipeline_couplings_app", "formation_batch_update"),  # id -> name, stage: production?
        _ps_scale,
        (
            APP,
            Param(
                "updates",
                "array",
                'Changes, e.g. [{"type": "web", "quantity": 2, "size": "Standard-1X"}].',
                required=True,
                extra={
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "properties": {
                            "type": {"type": "string"},
                            "quantity": {"type": "integer", "minimum": 0},
                            "size": {"type": "string"},
                        },
                        "required": ["type"],
                        "additionalProperties": False,
                    },
                },
            ),
            FORCE_SIZE,
        ),
        removes=True,
        confirm_if=_scales_to_zero,
    ),
    ToolSpec(
        "ps_restart",
        "Restart all dynos, one process type (target=web) or one dyno (target=web.1).",
        ("dynos_restart_all", "dynos_restart", "dynos_restart_type"),
        _ps_restart,
        (APP, Param("target", "string", "Process type or dyno name; omit for every dyno.")),
    ),
    ToolSpec(
        "dynos_run",
        "Run a command in a detached one-off dyno (e.g. a migration); its output goes to the logs.",
        ("dynos_create",),
        _dynos_run,
        (
            APP,
            Param("command", "string", "The command line to run.", required=True),
            SIZE,
            Param("time_to_live", "integer", "Seconds before the dyno is stopped.", extra={"minimum": 1}),
            FORCE_SIZE,
        ),
    ),
    ToolSpec(
        "releases_list", "List releases, newest first.", ("releases_list",), _releases_list, (APP, LIMIT)
    ),
    ToolSpec(
        "releases_info",
        "Show one release (vN, N or id).",
        ("releases_info",),
        _releases_info,
        (APP, Param("release", "string", "Release version (v42 or 42) or id.", required=True)),
    ),
    ToolSpec(
        "releases_rollback",
        "Roll back to an earlier release (default: the previous eligible one). Restores code and config "
        "only: add-ons and database migrations are not rolled back.",
        (
            "apps_info",
            "releases_list",
            "releases_info",
            "pipeline_couplings_app",
            "config_release_show",
            "addons_list",
            "releases_create",
        ),
        _releases_rollback,
        (APP, Param("release", "string", "Target release (vN); default: the previous eligible one.")),
        removes=True,
    ),
    ToolSpec("builds_list", "List builds, newest first.", ("builds_list",), _builds_list, (APP, LIMIT)),
    ToolSpec(
        "builds_info",
        "Show one build (status, version, release).",
        ("builds_info",),
        _builds_info,
        (APP, Param("build", "string", "Build id.", required=True)),
    ),
)

# Deploy touches many routes; its declared actions are those workflows/deploy.py may perform.
DEPLOY = ToolSpec(
    "apps_deploy",
    "Safe deploy from a source tarball URL: pre-checks, staging-before-production gate, one confirmation "
    "for the whole plan, backup and maintenance on production, build, optional migration, restart, "
    "verify; on failure it undoes its own changes and says what was done.",
    (
        "apps_info",
        "releases_list",
        "releases_info",
        "formation_list",
        "dynos_list",
        "addons_list",
        "rate_limit_info",
        "pipeline_couplings_app",
        "pipeline_couplings_list",
        "pipeline_latest_releases",
        "builds_info",
        "builds_list",
        "log_sessions_create",
        "pg_info",
        "pg_transfers_info",
        "pg_backups_capture",
        "apps_update",
        "builds_create",
        "dynos_create",
        "dynos_info",
        "dynos_restart_all",
        "releases_create",
    ),
    _apps_deploy,
    (
        APP,
        Param("source_url", "string", "URL of a .tar.gz of the source (https).", required=True),
        Param("version", "string", "Version recorded on the build (e.g. the git sha)."),
        Param("migrate", "string", "Command to run in a one-off dyno after the build (exit status checked)."),
        Param("maintenance", "boolean", "Maintenance mode during the deploy (always on for production)."),
        Param("backup", "boolean", "Capture a Postgres backup first (always for production)."),
    ),
    removes=True,
)
