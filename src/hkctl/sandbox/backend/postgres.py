"""Heroku Postgres in the sandbox: database facts for a heroku-postgresql add-on, and backups.

A database is the add-on (its id is the Postgres API's `{db}`); its size, tables and connections
are derived from the add-on id so that they are stable. A capture is a transfer (pg_dump → gof3r)
that runs for duration("backup"), then finishes with a backup file of exactly `processed_bytes`
bytes (a real pg_dump archive, DEMO_DUMP), served by the simulated object store (sandbox/storage.py)
under a presigned URL handed out by `public-url`.
Timestamps are strings like `2024-04-12 12:00:00 +0000`, which the official CLI sorts as text.
"""

from __future__ import annotations

import functools
import hashlib
from datetime import UTC, datetime
from importlib import resources
from typing import TYPE_CHECKING, Any

from hkctl.sandbox.routing import UUID_RE, ApiFault

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox

SERVICE = "heroku-postgresql"
PG_VERSION = "16.4"
CONNECTION_LIMITS = {
    "essential-0": 20,
    "essential-1": 20,
    "essential-2": 40,
    "standard-0": 120,
    "premium-0": 400,
}
NUM_KEEP = {"essential-0": 2, "essential-1": 5, "essential-2": 5, "standard-0": 25, "premium-0": 50}


def pg_time(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S +0000")


def _seed_int(addon_id: str, salt: str, lo: int, hi: int) -> int:
    digest = hashlib.sha256(f"{addon_id}:{salt}".encode()).digest()
    return lo + int.from_bytes(digest[:4], "big") % (hi - lo + 1)


def find_database(sb: Sandbox, db: str) -> dict[str, Any]:
    """The heroku-postgresql add-on `db` (its id, or its name as the CLI sometimes sends), or a 404."""
    addon = sb.store.get("addon", db) if UUID_RE.match(db) else sb.store.first("addon", name=db)
    if addon is None or addon["addon_service"]["name"] != SERVICE:
        raise ApiFault(404, "not_found", "Couldn't find that database.")
    return addon


def plan_of(addon: dict[str, Any]) -> str:
    return str(addon["plan"]["name"]).split(":", 1)[-1]


def facts(addon: dict[str, Any]) -> dict[str, int]:
    return {
        "num_bytes": _seed_int(addon["id"], "bytes", 8_000_000, 12_000_000),
        "num_tables": _seed_int(addon["id"], "tables", 12, 40),
        "num_connections": _seed_int(addon["id"], "connections", 2, 9),
    }


def _human(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"


def database_info(sb: Sandbox, addon: dict[str, Any]) -> dict[str, Any]:
    if addon.get("state") != "provisioned":
        raise ApiFault(404, "not_found", "The database is not yet provisioned.")
    f = facts(addon)
    plan = plan_of(addon)
    limit = CONNECTION_LIMITS.get(plan, 20)
    app = sb.store.get("app", addon["app"]["id"]) or {}
    created = pg_time(
        datetime.strptime(addon["created_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
    )
    human_plan = plan.replace("-", " ").title()
    return {
        "addon_id": addon["id"],
        "name": addon["name"],
        "plan": plan,
        "status": "Available",
        "postgres_version": PG_VERSION,
        "num_bytes": f["num_bytes"],
        "num_tables": f["num_tables"],
        "num_connections": f["num_connections"],
        "following": None,
        "leader": None,
        "resource_url": f"https://api.data.heroku.com/client/v11/databases/{addon['id']}",
        "waiting?": False,
        "created_at": created,
        "info": [
            {"name": "Plan", "values": [human_plan]},
            {"name": "Status", "values": ["Available"]},
            {"name": "Data Size", "values": [_human(f["num_bytes"])]},
            {"name": "Tables", "values": [f["num_tables"]]},
            {"name": "PG Version", "values": [PG_VERSION]},
            {"name": "Connections", "values": [f"{f['num_connections']}/{limit}"]},
            {"name": "Created", "values": [created]},
            {"name": "Region", "values": [(app.get("region") or {}).get("name", "us")]},
            {"name": "Data Encryption", "values": ["In Use"]},
            {
                "name": "Continuous Protection",
                "values": ["On" if plan.startswith(("standard", "premium")) else "Off"],
            },
            {"name": "Maintenance", "values": ["not required"]},
        ],
    }


#: A real `pg_dump -Fc --no-owner --no-acl` archive of a small demo schema (users, orders), made
#: once with PostgreSQL 15's pg_dump: `pg_restore --list` and the Dev Center's restore step accept it.
DEMO_DUMP = "data/demo-backup.dump"


@functools.cache
def demo_dump() -> bytes:
    return resources.files("hkctl").joinpath(DEMO_DUMP).read_bytes()


def backup_size(addon: dict[str, Any]) -> int:
    """Every backup is the demo archive, so processed_bytes is its size."""
    return len(demo_dump())


def backup_bytes(transfer: dict[str, Any]) -> bytes:
    """The backup file: the demo pg_dump archive (exactly processed_bytes long)."""
    data = demo_dump()
    size = int(transfer["processed_bytes"])
    return data[:size] if size <= len(data) else data + bytes(size - len(data))


def capture(sb: Sandbox, addon: dict[str, Any], attachment: str = "DATABASE") -> dict[str, Any]:
    """Start a backup of `addon`; it finishes after duration("backup")."""
    app_id = addon["app"]["id"]
    now = sb.clock.now()
    transfer_uuid = sb.ids.new()
    num = sb.store.next(f"pg-transfer-num:{app_id}")
    transfer = {
        "id": transfer_uuid,
        "uuid": transfer_uuid,
        "num": num,
        "num_keep": NUM_KEEP.get(plan_of(addon), 2),
        "from_name": attachment,
        "from_type": "pg_dump",
        "from_url": f"postgres://{addon['name']}.internal:5432/db",
        "to_name": "BACKUP",
        "to_type": "gof3r",
        "to_url": f"https://xfrtu.s3.amazonaws.com/{transfer_uuid}/backup.dump",
        "options": {},
        "source_bytes": facts(addon)["num_bytes"],
        "processed_bytes": 0,
        "succeeded": None,
        "warnings": 0,
        "logs": [{"created_at": pg_time(now), "level": "info", "message": "Running pg_dump"}],
        "schedule": None,
        "created_at": pg_time(now),
        "started_at": pg_time(now),
        "finished_at": None,
        "canceled_at": None,
        "updated_at": pg_time(now),
        "deleted_at": None,
        "purged_at": None,
        "_addon_id": addon["id"],
        "_started": now,
        "_size": backup_size(addon),
        "_duration": sb.config.duration("backup"),
    }
    sb.store.put("pg-transfer", transfer, parent=app_id)
    sb.schedule(transfer["_duration"], "pg_backup_finish", {"uuid": transfer_uuid})
    return transfer


def finish(sb: Sandbox, payload: dict[str, Any]) -> None:
    transfer = sb.store.get("pg-transfer", payload["uuid"])
    if transfer is None or transfer["finished_at"] is not None:
        return
    now = sb.clock.now()
    transfer.update(
        processed_bytes=transfer["_size"],
        succeeded=True,
        finished_at=pg_time(now),
        updated_at=pg_time(now),
    )
    transfer["logs"].append(
        {"created_at": pg_time(now), "level": "info", "message": "pg_dump done, backup uploaded"}
    )
    sb.store.put("pg-transfer", transfer)


def serialise(sb: Sandbox, transfer: dict[str, Any], *, verbose: bool = False) -> dict[str, Any]:
    """The API's transfer object; a running capture reports its progress in processed_bytes."""
    out = {k: v for k, v in transfer.items() if not k.startswith("_") and k != "id"}
    if transfer["finished_at"] is None and transfer["_duration"] > 0:
        done = min(1.0, max(0.0, (sb.clock.now() - transfer["_started"]) / transfer["_duration"]))
        out["processed_bytes"] = int(transfer["_size"] * done)
    if not verbose:
        out.pop("logs", None)
    return out


def seed_backup(sb: Sandbox, app: dict[str, Any]) -> dict[str, Any] | None:
    """One completed backup of the app's database, when it has one (the demo story)."""
    addon = next(
        (a for a in sb.store.all("addon", parent=app["id"]) if a["addon_service"]["name"] == SERVICE), None
    )
    if addon is None:
        return None
    transfer = capture(sb, addon)
    finish(sb, {"uuid": transfer["uuid"]})
    return sb.store.get("pg-transfer", transfer["uuid"])
