"""MCP tools over logs (filtered query, triage) and Postgres (info, backups, capture).

Log answers are capped twice: by lines and by bytes. The newest matching lines are kept (the end
of a log is what explains "now"), and the answer says how many matched and how to see more.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from hkctl.logs import fast
from hkctl.logs.filters import Filters
from hkctl.logs.parse import parse_line
from hkctl.logs.triage import report
from hkctl.mcp.table import APP, LIMIT, Args, Param, ToolSpec, capped, pick
from hkctl.resources import log_sessions, postgres
from hkctl.transport.client import HerokuClient

LOG_LINES_DEFAULT, LOG_LINES_MAX = 100, 500
LOG_BYTES_DEFAULT, LOG_BYTES_MAX = 8_000, 12_000
FILTERS = ("status", "min_service", "min_connect", "path", "method", "code", "grep")
VIEWS = ("state_changes", "memory", "deploys", "app_errors")


def _logs_query(client: HerokuClient, args: Args) -> Any:
    filters = Filters(
        dyno=args.get("dyno"),
        source=args.get("source"),
        **{k: args[k] for k in FILTERS + VIEWS if args.get(k) is not None},
    )
    max_lines = int(args.get("max_lines") or LOG_LINES_DEFAULT)
    max_bytes = int(args.get("max_bytes") or LOG_BYTES_DEFAULT)
    fetch = int(args.get("fetch") or (log_sessions.MAX_LINES if filters.active else max_lines))
    keep: deque[str] = deque(maxlen=max_lines)
    seen = matched = 0
    for line in log_sessions.read(
        client, args["app"], dyno=args.get("dyno"), source=args.get("source"), lines=fetch
    ):
        seen += 1
        if filters(parse_line(line)):
            matched += 1
            keep.append(line)
    lines = list(keep)
    while lines and sum(len(x.encode()) + 1 for x in lines) > max_bytes:
        lines.pop(0)  # drop the oldest first
    answer: dict[str, Any] = {
        "app": args["app"],
        "read": seen,
        "matched": matched,
        "shown": len(lines),
        "lines": lines,
    }
    if len(lines) < matched:
        answer["truncated"] = (
            f"showing the newest {len(lines)} of {matched} matching lines (caps: max_lines={max_lines}, "
            f"max_bytes={max_bytes}); narrow the filters (status, code, path, grep, dyno) or use logs_triage "
            "for a summary"
        )
    return answer


def _logs_triage(client: HerokuClient, args: Args) -> Any:
    top = int(args.get("top") or 5)
    agg = fast.triage_lines(log_sessions.read(client, args["app"], lines=log_sessions.MAX_LINES), top=top)
    return report(agg, top=top)


def _pg_info(client: HerokuClient, args: Args) -> Any:
    db = postgres.database(client, args["app"], args.get("database"))
    return {"database": db.name, "info": postgres.info(client, db.id)}


def _pg_backups_list(client: HerokuClient, args: Args) -> Any:
    newest_first = list(reversed(postgres.backups(client, args["app"])))
    return capped(
        newest_first,
        args.get("limit"),
        view=lambda t: pick(
            t, "num", "from_name", "succeeded", "processed_bytes", "created_at", "finished_at"
        ),
    )


def _pg_backups_capture(client: HerokuClient, args: Args) -> Any:
    db = postgres.database(client, args["app"], args.get("database"))
    t = postgres.capture(client, args["app"], db)
    return {
        "database": db.name,
        "backup": t.name,
        "num": t.num,
        "next": "pg_backups_list shows when it has finished",
    }


DATABASE = Param("database", "string", "Database add-on name or attachment (default: DATABASE_URL's).")
TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "logs_query",
        "Recent log lines of an app, filtered like `hkctl logs` (router status/latency/path/method, H/R/L "
        "codes, regex, dyno, source, event views). Capped by lines and bytes; the newest lines are kept.",
        ("log_sessions_create",),
        _logs_query,
        (
            APP,
            Param("dyno", "string", "Process type (web), dyno (web.1) or router."),
            Param("source", "string", "app or heroku.", extra={"enum": ["app", "heroku"]}),
            Param("status", "string", "Router status: 5xx, 404, 401,403 or non-2xx."),
            Param(
                "min_service", "integer", "Router service time at least this many ms.", extra={"minimum": 0}
            ),
            Param(
                "min_connect", "integer", "Router connect time at least this many ms.", extra={"minimum": 0}
            ),
            Param("path", "string", "Router path prefix, e.g. /api."),
            Param("method", "string", "Router methods, e.g. POST,PUT."),
            Param("code", "string", "Error code: H12, H*, R*, L* or any."),
            Param("grep", "string", "Regular expression (case-insensitive) over the raw line."),
            Param("state_changes", "boolean", "Dyno lifecycle lines."),
            Param("memory", "boolean", "Memory samples."),
            Param("deploys", "boolean", "Release, deploy, config and add-on events."),
            Param("app_errors", "boolean", "Exceptions, 5xx, worker failures."),
            Param(
                "fetch",
                "integer",
                "Lines to read from Logplex (1–1500).",
                extra={"minimum": 1, "maximum": 1500},
            ),
            Param(
                "max_lines",
                "integer",
                f"Most lines in the answer (default {LOG_LINES_DEFAULT}, max {LOG_LINES_MAX}).",
                extra={"minimum": 1, "maximum": LOG_LINES_MAX},
            ),
            Param(
                "max_bytes",
                "integer",
                f"Most bytes of lines in the answer (default {LOG_BYTES_DEFAULT}, max {LOG_BYTES_MAX}).",
                extra={"minimum": 200, "maximum": LOG_BYTES_MAX},
            ),
        ),
    ),
    ToolSpec(
        "logs_triage",
        "Read the last 1,500 log lines once and summarise: status classes, latency percentiles, slow and "
        "failing paths, H/R/L codes with what to do, dyno crashes and memory, releases, app errors by kind "
        "(tracebacks, worker timeouts, OOMs), Postgres errors by SQLSTATE, likely causes, ranked findings.",
        ("log_sessions_create",),
        _logs_triage,
        (APP, Param("top", "integer", "Rows per top list (default 5).", extra={"minimum": 1, "maximum": 20})),
    ),
    ToolSpec(
        "pg_info",
        "Show a Postgres database: plan, status, size, tables, connections.",
        ("addons_list", "pg_info"),
        _pg_info,
        (APP, DATABASE),
    ),
    ToolSpec(
        "pg_backups_list",
        "List Postgres backups, newest first.",
        ("pg_transfers_list",),
        _pg_backups_list,
        (APP, LIMIT),
    ),
    ToolSpec(
        "pg_backups_capture",
        "Capture a Postgres backup now (answers at once; pg_backups_list shows when it has finished).",
        ("addons_list", "pg_backups_capture"),
        _pg_backups_capture,
        (APP, DATABASE),
    ),
)
