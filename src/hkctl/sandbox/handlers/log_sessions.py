"""Log sessions: POST /apps/{app}/log-sessions hands out a logplex_url; GET of it streams the lines.

The URL carries its own secret (no Authorization header reaches Logplex, as with the official
CLI). Streams are Server-Sent Events (`id:` = line sequence, `data:` = the line; non-tail sessions
start with `retry: 0` and close), or plain text for `Accept: text/plain`. Tail sessions stay open
and push new lines; a reconnect with `Last-Event-ID` resumes after that line. A test knob
(`PUT /__sandbox__/logplex/drop`) makes the next tail stream close after N lines.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
from starlette.responses import Response, StreamingResponse

from hkctl.sandbox import logplex
from hkctl.sandbox.logplex import on_event, on_log  # noqa: F401 - registers the @task listeners
from hkctl.sandbox.routing import ApiFault, Ctx, Reply, invalid, route

POLL_S = 0.2  # how often a tail stream looks for new lines
GENERATE_S = 1.0  # how often it generates traffic up to the sandbox's now


def _opt_str(body: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = body.get(name)
        if value is not None and value != "":
            if not isinstance(value, str):
                raise invalid(f"{name} must be a string.")
            return value
    return None


@route("POST", "/apps/{app}/log-sessions")
def create(ctx: Ctx, app: str) -> Any:
    record = ctx.app(app)
    body = ctx.json_body()
    lines = body.get("lines", 100)
    if isinstance(lines, bool) or not isinstance(lines, int) or lines < 1:
        raise invalid("lines must be an integer between 1 and 1500.")
    tail = body.get("tail", False)
    if not isinstance(tail, bool):
        raise invalid("tail must be a boolean.")
    source = _opt_str(body, "source")
    # The schema names `dyno_name` (web.1) and `type` (web); the official CLI sends `dyno` for both.
    dyno = _opt_str(body, "dyno_name", "dyno", "type")
    now = ctx.now_iso()
    session = {
        "id": ctx.new_id(),
        "created_at": now,
        "updated_at": now,
        "_token": secrets.token_hex(20),
        "_app_id": record["id"],
        "_lines": min(lines, logplex.SERVE_MAX),
        "_tail": tail,
        "_source": source,
        "_dyno": dyno,
    }
    session["logplex_url"] = f"{ctx.base_url}/__sandbox__/logplex/{session['_token']}?srv={int(ctx.now())}"
    ctx.store.put("log-session", session, parent=record["id"])
    return Reply({k: session[k] for k in ("created_at", "id", "logplex_url", "updated_at")}, 201)


@route("PUT", "/__sandbox__/logplex/drop")
def drop_knob(ctx: Ctx) -> Any:
    """Test knob: the next tail stream closes after `after` lines (simulates a dropped connection)."""
    after = (ctx.body or {}).get("after") if isinstance(ctx.body, dict) else None
    if not isinstance(after, int) or after < 0:
        raise ApiFault(422, "invalid_params", "after must be a non-negative integer")
    ctx.store.put("logplex-knob", {"id": "drop", "after": after})
    return {"after": after}


@route("GET", "/__sandbox__/logplex/{token}")
def stream(ctx: Ctx, token: str) -> Response:
    sb = ctx.sandbox
    session = sb.store.first("log-session", _token=token)
    if session is None:
        raise ApiFault(404, "not_found", "Unknown or expired log session.")
    app = sb.store.get("app", session["_app_id"])
    if app is None:
        raise ApiFault(404, "not_found", "Couldn't find that app.")
    plain = "text/plain" in ctx.headers.get("accept", "") and "event-stream" not in ctx.headers.get(
        "accept", ""
    )
    source, dyno, tail = session["_source"], session["_dyno"], session["_tail"]
    logplex.catch_up(sb, app)
    last_id = ctx.headers.get("last-event-id", "")
    if tail and last_id.isdigit():
        backlog: list[dict[str, Any]] = logplex.lines(
            sb, app["id"], source=source, dyno=dyno, after_seq=int(last_id)
        )
    else:
        backlog = logplex.lines(sb, app["id"], source=source, dyno=dyno)[-session["_lines"] :]
    drop_after: int | None = None
    if tail:
        knob = sb.store.get("logplex-knob", "drop")
        if knob is not None:
            drop_after = int(knob["after"])
            sb.store.delete("logplex-knob", "drop")
    if not tail:
        if plain:
            text = "".join(logplex.format_line(d) + "\n" for d in backlog)
            return Response(text, media_type="text/plain; charset=utf-8")
        body = b"retry: 0\n\n" + b"".join(
            logplex.sse_event(d["seq"], logplex.format_line(d)) for d in backlog
        )
        return Response(body, media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
    gen = _tail(sb, app, source, dyno, backlog, plain, drop_after)
    media = "text/plain; charset=utf-8" if plain else "text/event-stream"
    return StreamingResponse(gen, media_type=media, headers={"Cache-Control": "no-cache"})


async def _tail(
    sb: Any,
    app: dict[str, Any],
    source: str | None,
    dyno: str | None,
    backlog: list[dict[str, Any]],
    plain: bool,
    drop_after: int | None,
) -> AsyncIterator[bytes]:
    """Backlog, then new lines as they are logged, until the client goes away (or the drop knob)."""
    sent = 0
    last_seq = max((d["seq"] for d in backlog), default=0)
    if not backlog:  # start after whatever is stored now, so old lines are not replayed
        last_seq = max((d["seq"] for d in logplex.lines(sb, app["id"], source=None, dyno=None)), default=0)

    def frame(doc: dict[str, Any]) -> bytes:
        line = logplex.format_line(doc)
        return (line + "\n").encode() if plain else logplex.sse_event(doc["seq"], line)

    pending = list(backlog)
    seen_head = logplex.head(sb, app["id"])
    generated_at = time.monotonic()
    while True:
        for doc in pending:
            if drop_after is not None and sent >= drop_after:
                return
            yield frame(doc)
            sent += 1
            last_seq = max(last_seq, doc["seq"])
        await anyio.sleep(POLL_S)

        def poll(after: int = last_seq, seen: int = seen_head) -> tuple[int, list[dict[str, Any]]]:
            nonlocal generated_at
            with sb.store.tx():
                if time.monotonic() - generated_at >= GENERATE_S:
                    generated_at = time.monotonic()
                    logplex.catch_up(sb, app)
                now_head = logplex.head(sb, app["id"])
                if now_head == seen:
                    return now_head, []
                rows = logplex.lines(sb, app["id"], source=source, dyno=dyno, after_seq=after)
                return now_head, sorted(rows, key=lambda d: d["seq"])

        seen_head, pending = await anyio.to_thread.run_sync(poll)
        if drop_after is not None and sent >= drop_after and not pending:
            return
