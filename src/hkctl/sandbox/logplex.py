"""The sandbox's Logplex: a bounded per-app log buffer, heroku[api] lines from events, and traffic.

Lines come from `sb.log` (dyno lifecycles, one-off output: the `@task("log")` below), from
platform events (`heroku[api]: Release v7 created by …`), and from a deterministic generator of
router traffic and memory samples for apps whose web dynos are up (seeded by app id and minute, so
the same sandbox time always yields the same lines). Lines are stored in order of arrival, each with
a global sequence number (the SSE `id:`); sessions sort by time and return the last N.
"""

from __future__ import annotations

import math
import random
import re
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from hkctl.sandbox.routing import task

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox

KEEP = 2000  # stored per app (Logplex serves the last 1,500; a little more keeps api lines around)
SERVE_MAX = 1500
BUCKET = 60.0  # generator granularity: one deterministic minute of traffic at a time
BACKFILL = 20 * 60.0  # seeded apps start with this much history
CHUNK = 10000  # Logplex splits longer dyno output into 10,000-byte lines
_SIZES_MB = {
    "eco": 512,
    "basic": 512,
    "standard-1x": 512,
    "standard-2x": 1024,
    "performance-m": 2560,
    "performance-l": 14336,
    "performance-l-ram": 30720,
    "performance-xl": 63488,
    "performance-2xl": 129024,
    "private-s": 1024,
    "private-m": 2560,
    "private-l": 14336,
}


def stamp(ts: float) -> str:
    """Logplex's RFC 5424 timestamp with microseconds: 2026-11-28T21:01:30.123456+00:00."""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="microseconds")


def format_line(doc: dict[str, Any]) -> str:
    return f"{stamp(doc['ts'])} {doc['source']}[{doc['dyno']}]: {doc['message']}"


# ------------------------------------------------------------------ the buffer
def append(sb: Sandbox, app_id: str, source: str, dyno: str, message: str, ts: float) -> None:
    """Store a line (split at newlines and at 10,000 bytes, as Logplex does); drop the oldest past KEEP."""
    parts = [p for p in str(message).split("\n")] or [""]
    for part in parts:
        for i in range(0, max(len(part), 1), CHUNK):
            n = sb.store.next(f"log-count:{app_id}")
            seq = sb.store.next("log-seq")
            doc = {
                "id": f"{app_id}:{n}",
                "seq": seq,
                "ts": float(ts),
                "source": source,
                "dyno": dyno,
                "message": part[i : i + CHUNK],
            }
            sb.store.put("log-line", doc, parent=app_id)
            if n > KEEP:
                sb.store.delete("log-line", f"{app_id}:{n - KEEP}")
    sb.store.put("log-head", {"id": app_id, "seq": sb.store.next("log-head-version")})


@task("log")
def on_log(sb: Sandbox, payload: dict[str, Any]) -> None:
    append(sb, payload["app_id"], payload["source"], payload["dyno"], payload["message"], payload["ts"])
    if payload["source"] == "heroku" and sb.store.get("log-gen", payload["app_id"]):
        app = sb.store.get("app", payload["app_id"])  # a dyno changed state: the router may stop reaching it
        if app is not None:
            note_mode(sb, app)


def head(sb: Sandbox, app_id: str) -> int:
    doc = sb.store.get("log-head", app_id)
    return int(doc["seq"]) if doc else 0


def dyno_matches(wanted: str | None, dyno: str) -> bool:
    """Logplex's dyno filter: `web` matches web.1, web.2; `web.1` only itself; `router` the router."""
    if not wanted:
        return True
    return dyno == wanted or dyno.startswith(wanted + ".") or dyno.startswith(wanted + "-")


def lines(
    sb: Sandbox, app_id: str, *, source: str | None, dyno: str | None, after_seq: int = 0
) -> list[dict[str, Any]]:
    """Stored lines matching the session's filters, in time order (arrival order breaks ties)."""
    rows = [
        d
        for d in sb.store.all("log-line", parent=app_id)
        if d["seq"] > after_seq and (not source or d["source"] == source) and dyno_matches(dyno, d["dyno"])
    ]
    rows.sort(key=lambda d: (d["ts"], d["seq"]))
    return rows


# ------------------------------------------------------------------ heroku[api] lines from events
def _by(event: dict[str, Any]) -> str:
    actor = event.get("actor") or {}
    return f" by {actor['email']}" if actor.get("email") else ""


@task("event")
def on_event(sb: Sandbox, event: dict[str, Any]) -> None:
    app = event.get("app")
    if not app:
        return
    data, by, ts = event.get("data") or {}, _by(event), sb.clock.now()
    kind = (event.get("resource"), event.get("action"))
    messages: list[str] = []
    if kind == ("release", "create"):
        desc = str(data.get("description") or "")
        if desc and not desc.startswith("Initial release"):
            messages.append(f"{desc}{by}")
        messages.append(f"Release v{data.get('version')} created{by}")
    elif kind == ("build", "create"):
        messages.append(f"Build started{by}")
    elif event.get("resource") == "build" and data.get("status") in ("succeeded", "failed"):
        messages.append(f"Build {data['status']}")
    elif kind == ("dyno", "create") and data.get("type") not in ("web", "worker"):
        found = sb.store.get("dyno", str(data.get("id")))
        command = (found or {}).get("command", "")
        messages.append(f"Starting process with command `{command}`{by}")
    for message in messages:
        append(sb, app["id"], "heroku", "api", message, ts)
    record = sb.store.get("app", app["id"])
    if record is not None and sb.store.get("log-gen", app["id"]):
        note_mode(sb, record)  # maintenance on/off, scaling


# ------------------------------------------------------------------ generated traffic
def _state(sb: Sandbox, app: dict[str, Any]) -> dict[str, Any]:
    state = sb.store.get("log-gen", app["id"])
    if state is None:
        now = sb.clock.now()
        state = {"id": app["id"], "until": now, "story": None, "modes": [[now, None]]}
        sb.store.put("log-gen", state)
    return state


def seed_story(
    sb: Sandbox, app: dict[str, Any], story: dict[str, Any] | None, *, backfill: float = BACKFILL
) -> None:
    """Give an app a traffic profile and `backfill` seconds of history (used by the demo seed)."""
    since = sb.clock.now() - backfill
    sb.store.put("log-gen", {"id": app["id"], "until": since, "story": story, "modes": [[since, None]]})


def _web_dynos(sb: Sandbox, app: dict[str, Any]) -> list[tuple[str, int]]:
    """(name, memory quota MB) of the app's web dynos that are up."""
    out = []
    for d in sb.store.all("dyno", parent=app["id"]):
        if d.get("type") == "web" and d.get("state") == "up":
            out.append((d["name"], _SIZES_MB.get(str(d.get("size", "")).lower(), 512)))
    return sorted(out, key=lambda x: (len(x[0]), x[0]))


def catch_up(sb: Sandbox, app: dict[str, Any], now: float | None = None) -> int:
    """Generate the traffic between the app's last generated moment and now; returns lines added.

    Each line follows the router's mode at its time: dynos serving, or the router answering itself
    (H80 maintenance, H10 crashed, H14 scaled to 0) from the moment that was noted.
    """
    now = sb.clock.now() if now is None else now
    state = _state(sb, app)
    since = max(float(state["until"]), now - BACKFILL)
    if now <= since:
        return 0
    dynos = _web_dynos(sb, app)
    note_mode(sb, app, state, dynos)
    modes: list[list[Any]] = state["modes"]
    events: list[tuple[float, str, str, str]] = []
    for bucket in range(int(since // BUCKET), int(now // BUCKET) + 1):
        lo, hi = bucket * BUCKET, (bucket + 1) * BUCKET
        active = {_mode_at(modes, lo)} | {code for at, code in modes if lo <= at < hi}
        minute = _minute(app, bucket, dynos, state.get("story")) if dynos and None in active else []
        for code in sorted(str(c) for c in active if c):
            minute += _refused(app, bucket, OUTAGES[code], state.get("story"))
        events += [e for e in minute if since < e[0] <= now and _mode_at(modes, e[0]) == _code_of(e)]
    events.sort(key=lambda e: e[0])
    for ts, source, dyno, message in events:
        append(sb, app["id"], source, dyno, message, ts)
    state["until"] = now
    sb.store.put("log-gen", state)
    return len(events)


OUTAGES = {
    "H80": ("H80", "Maintenance mode", "info"),
    "H10": ("H10", "App crashed", "error"),
    "H14": ("H14", "No web processes running", "error"),
}


def _mode_at(modes: list[list[Any]], ts: float) -> str | None:
    """The router's mode at `ts`: None (dynos serve) or the code it answers with itself."""
    current = modes[0][1] if modes else None
    for at, code in modes:
        if at > ts:
            break
        current = code
    return current


def _code_of(event: tuple[float, str, str, str]) -> str | None:
    """The outage code of a line `_refused` made; None for everything dynos produce."""
    message = event[3]
    if event[2] == "router" and "dyno= connect= service= status=503" in message:
        return message.split(" code=", 1)[1][:3]
    return None


def note_mode(
    sb: Sandbox,
    app: dict[str, Any],
    state: dict[str, Any] | None = None,
    up: list[tuple[str, int]] | None = None,
) -> None:
    """Record when the router starts or stops answering for the dynos (maintenance, crash, scaled to 0)."""
    state = state or _state(sb, app)
    outage = _outage(sb, app, _web_dynos(sb, app) if up is None else up)
    code = outage[0] if outage else None
    modes = state.setdefault("modes", [[float(state["until"]), None]])
    if modes[-1][1] != code:
        modes.append([sb.clock.now(), code])
        del modes[:-50]
        sb.store.put("log-gen", state)


def _outage(sb: Sandbox, app: dict[str, Any], up: list[tuple[str, int]]) -> tuple[str, str, str] | None:
    """What the router answers when no dyno can: (code, desc, at) for maintenance, crashed, scaled to 0."""
    if app.get("maintenance"):
        return OUTAGES["H80"]
    if up:
        return None
    web = [d for d in sb.store.all("dyno", parent=app["id"]) if d.get("type") == "web"]
    if any(d.get("state") == "crashed" for d in web):
        return OUTAGES["H10"]
    formation = [f for f in sb.store.all("formation", parent=app["id"]) if f.get("type") == "web"]
    if formation and all(int(f.get("quantity") or 0) == 0 for f in formation):
        return OUTAGES["H14"]
    return None  # booting, or never deployed: no traffic to speak of


def _refused(
    app: dict[str, Any], bucket: int, outage: tuple[str, str, str], story: dict[str, Any] | None
) -> list[tuple[float, str, str, str]]:
    """One minute of requests the router answers itself (503, no dyno), the same for the same minute."""
    rng = random.Random(f"{app['id']}:{bucket}:{outage[0]}")
    code, desc, at = outage
    rate = max(1, (story or {}).get("rpm", 20) // 2)
    out = []
    for _ in range(rng.randint(rate * 3 // 4, rate * 5 // 4)):
        method, tpl, _, _ = rng.choices(_PATHS, [p[2] for p in _PATHS])[0]
        path = tpl.format(n=rng.randint(1, 9999), hex=f"{rng.getrandbits(64):016x}", page=rng.randint(1, 9))
        rid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        fwd = f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        out.append(
            (
                bucket * BUCKET + rng.random() * BUCKET,
                "heroku",
                "router",
                f'at={at} code={code} desc="{desc}" method={method} path="{path}" host={app["name"]}.herokuapp.com '
                f'request_id={rid} fwd="{fwd}" dyno= connect= service= status=503 bytes= protocol=https',
            )
        )
    return out


_PATHS = [  # (method, path template, weight, median ms)
    ("GET", "/", 14, 35),
    ("GET", "/api/v1/users/{n}", 18, 60),
    ("POST", "/api/v1/orders", 6, 140),
    ("GET", "/api/v1/orders/{n}", 10, 70),
    ("GET", "/assets/application-{hex}.js", 8, 3),
    ("GET", "/products?page={page}", 10, 90),
    ("POST", "/login", 3, 180),
    ("GET", "/health", 6, 2),
    ("PATCH", "/api/v1/users/{n}", 3, 110),
]


def _minute(
    app: dict[str, Any], bucket: int, dynos: list[tuple[str, int]], story: dict[str, Any] | None
) -> list[tuple[float, str, str, str]]:
    """One minute of router lines and memory samples, the same for the same app and minute."""
    rng = random.Random(f"{app['id']}:{bucket}")
    story = story or {}
    start = bucket * BUCKET
    paths = list(_PATHS)
    slow = story.get("slow_path")
    if slow:
        paths.append(("GET", slow, story.get("slow_weight", 9), story.get("slow_ms", 2600)))
    weights = [p[2] for p in paths]
    rate = story.get("rpm", 20)
    host = f"{app['name']}.herokuapp.com"
    out: list[tuple[float, str, str, str]] = []
    for _ in range(rng.randint(rate * 3 // 4, rate * 5 // 4)):
        ts = start + rng.random() * BUCKET
        method, tpl, _, median = rng.choices(paths, weights)[0]
        path = tpl.format(n=rng.randint(1, 9999), hex=f"{rng.getrandbits(64):016x}", page=rng.randint(1, 9))
        sigma = 0.7 if tpl == slow else 0.5
        service = max(1, int(median * math.exp(rng.gauss(0, sigma))))
        dyno = rng.choice(dynos)[0]
        connect = 0 if rng.random() < 0.85 else rng.randint(1, 12)
        head, status, size = "at=info", 200, rng.randint(200, 30000)
        roll = rng.random()
        if tpl == slow and rng.random() < story.get("h12_rate", 0.0):
            service = 30000
        if service >= 30000:
            head, status, service, size = 'at=error code=H12 desc="Request timeout"', 503, 30000, 0
        elif roll < 0.003:
            head, status, service, size = (
                'at=error code=H13 desc="Connection closed without response"',
                503,
                service,
                0,
            )
        elif roll < 0.008:
            head, status, size = 'sock=client at=warning code=H27 desc="Client Request Interrupted"', 499, 0
        elif roll < 0.03:
            status = rng.choice((404, 404, 404, 401, 403, 422, 302, 500))
        elif method == "POST" and tpl == "/login":
            status = 302
        rid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        fwd = f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        out.append(
            (
                ts,
                "heroku",
                "router",
                f'{head} method={method} path="{path}" host={host} request_id={rid} fwd="{fwd}" '
                f"dyno={dyno} connect={connect}ms service={service}ms status={status} bytes={size} "
                "protocol=https",
            )
        )
        if status == 500 or head.startswith("at=error"):
            out.append((ts - service / 1000, "app", dyno, f'[{rid}] Started {method} "{path}" for {fwd}'))
            if status == 500:
                out.append((ts, "app", dyno, f"[{rid}] Completed 500 Internal Server Error in {service}ms"))
    hot = story.get("hot_dyno")
    for second in (0.0, 20.0, 40.0):  # log-runtime-metrics: one sample per dyno every 20 s
        for name, quota in dynos:
            share = story.get("hot_share", 0.95) if name == hot else 0.42
            total = quota * share * (1 + rng.gauss(0, 0.04))
            ts = start + second + rng.random()
            rss = total * 0.94
            out.append(
                (
                    ts,
                    "heroku",
                    name,
                    f"source={name} dyno=heroku.{int(app['id'].replace('-', '')[:7], 16)}.{uuid.UUID(int=rng.getrandbits(128), version=4)} "
                    f"sample#memory_total={total:.2f}MB sample#memory_rss={rss:.2f}MB sample#memory_cache={total * 0.05:.2f}MB "
                    f"sample#memory_swap={max(0.0, total - quota):.2f}MB sample#memory_pgpgin={rng.randint(10**5, 10**6)}pages "
                    f"sample#memory_pgpgout={rng.randint(10**5, 10**6)}pages sample#memory_quota={quota:.2f}MB",
                )
            )
            if total > quota:
                out.append((ts, "heroku", name, "Error R14 (Memory quota exceeded)"))
    return out


# ------------------------------------------------------------------ SSE framing
_ID_SAFE = re.compile(r"[\r\n]")


def sse_event(seq: int, line: str) -> bytes:
    return f"id: {seq}\ndata: {_ID_SAFE.sub(' ', line)}\n\n".encode()
