"""The demo's log story: what `hkctl logs triage -a demo-production` should find.

demo-production serves a slow report endpoint (p95 in seconds, a burst of H12), web.2 runs near its
memory quota (R14 now and then), a worker retries a failing job, and one request shows an N+1.
Traffic itself is generated minute by minute by sandbox/logplex.py from the story set here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hkctl.sandbox import logplex

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox

PRODUCTION_STORY = {
    "rpm": 40,
    "slow_path": "/api/v1/reports/{n}",
    "slow_weight": 9,
    "slow_ms": 2400,
    "h12_rate": 0.02,
    "hot_dyno": "web.2",
    "hot_share": 0.95,
}
N_PLUS_ONE_RID = "7d3c2b1a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def seed_logs(sb: Sandbox, apps: dict[str, dict[str, Any]]) -> None:
    now = sb.clock.now()
    staging, production = apps.get("demo-staging"), apps.get("demo-production")
    if staging:
        logplex.seed_story(sb, staging, {"rpm": 8})
    if production is None:
        return
    logplex.seed_story(sb, production, PRODUCTION_STORY)
    pid = production["id"]
    t = now - 9 * 60
    sb.log(pid, "app", "web.1", f'[{N_PLUS_ONE_RID}] Started GET "/api/v1/orders" for 203.0.113.9', ts=t)
    for i in range(24):
        sb.log(
            pid,
            "app",
            "web.1",
            f'[{N_PLUS_ONE_RID}]   User Load (0.4ms)  SELECT "users".* FROM "users" WHERE "users"."id" = $1 '
            f'LIMIT $2  [["id", {1000 + i}], ["LIMIT", 1]]',
            ts=t + 0.01 * (i + 1),
        )
    sb.log(
        pid,
        "app",
        "web.1",
        f"[{N_PLUS_ONE_RID}] Completed 200 OK in 912ms (Views: 80.1ms | "
        "ActiveRecord: 402.7ms | Allocations: 91234)",
        ts=t + 0.9,
    )
    # Always part of the story, whatever the generated minutes hold: a burst of timed-out reports
    # (seven H12 within two minutes, 15 to 20 s apart) and an R14.
    for i in range(7):
        sb.log(
            pid,
            "heroku",
            "router",
            f'at=error code=H12 desc="Request timeout" method=GET path="/api/v1/reports/{4417 + 31 * i}" '
            f"host={production['name']}.herokuapp.com request_id=1f0e9d8c-7b6a-4594-8382-71605f4e3d{i:02d} "
            f'fwd="198.51.100.23" dyno=web.{2 if i % 3 else 1} connect=1ms service=30000ms status=503 bytes=0 '
            "protocol=https",
            ts=now - 7 * 60 + i * 17,
        )
    sb.log(pid, "heroku", "web.2", "Error R14 (Memory quota exceeded)", ts=now - 5 * 60)
    for attempt in range(1, 4):
        sb.log(
            pid,
            "app",
            "worker.1",
            f"pid=4 tid=gq1 class=InvoiceMailerJob jid=5c1f0e9d2b3a4c5d WARN: Net::ReadTimeout: "
            f"Net::ReadTimeout with #<TCPSocket:(closed)> (retry {attempt})",
            ts=now - (8 - attempt) * 60,
        )
    sb.log(
        pid,
        "app",
        "worker.1",
        "pid=4 tid=gq1 class=InvoiceMailerJob jid=5c1f0e9d2b3a4c5d ERROR: "
        "job moved to the dead set after 3 retries",
        ts=now - 4 * 60,
    )
