"""Heroku Postgres through the Postgres API (data host): database info, backups, download URLs, downloads.

The database is addressed by its heroku-postgresql add-on's id, found through the Platform API
(`GET /apps/{app}/addons`), as the spec's recipe does. Paths are `/client/v11/...` (facts.md §10).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hkctl.errors import HkctlError, UsageError
from hkctl.polling import poll
from hkctl.resources._record import Record, check_app
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.guard.policy import PlannedWrite
    from hkctl.resources.addons import Addon
    from hkctl.transport.client import HerokuClient

SERVICE = "heroku-postgresql"
BACKUP_NAME = re.compile(r"^[abco]?(\d+)$")


@dataclass(frozen=True, kw_only=True)
class Database(Record):
    """A heroku-postgresql add-on as the Platform API lists it."""

    id: str
    name: str
    plan: str | None
    state: str | None
    config_vars: tuple[str, ...]

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Database:
        return cls(
            raw=d,
            id=d["id"],
            name=d["name"],
            plan=(d.get("plan") or {}).get("name"),
            state=d.get("state"),
            config_vars=tuple(d.get("config_vars") or ()),
        )

    @classmethod
    def from_addon(cls, addon: Addon) -> Database:
        """The database behind a heroku-postgresql Addon record (no request)."""
        return cls(
            raw=addon.raw,
            id=addon.id,
            name=addon.name,
            plan=addon.plan,
            state=addon.state,
            config_vars=addon.config_vars,
        )


@dataclass(frozen=True, kw_only=True)
class DatabaseInfo(Record):
    """A database's state from the Postgres API (GET /client/v11/databases/{id}); sizes in bytes."""

    plan: str | None
    status: str | None
    num_tables: int | None
    num_connections: int | None
    num_bytes: int | None
    postgres_version: str | None
    info: tuple[tuple[str, str], ...]

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> DatabaseInfo:
        rows = tuple(
            (str(i.get("name")), ", ".join(str(v) for v in i.get("values") or []))
            for i in d.get("info") or []
        )
        return cls(
            raw=d,
            plan=d.get("plan"),
            status=d.get("status"),
            num_tables=d.get("num_tables"),
            num_connections=d.get("num_connections"),
            num_bytes=d.get("num_bytes"),
            postgres_version=d.get("postgres_version"),
            info=rows,
        )


@dataclass(frozen=True, kw_only=True)
class Transfer(Record):
    """A backup (or copy/restore): num, from/to, sizes and lifecycle times."""

    uuid: str
    num: int
    from_name: str | None
    from_type: str | None
    to_type: str | None
    processed_bytes: int
    source_bytes: int | None
    succeeded: bool | None
    created_at: str | None
    started_at: str | None
    finished_at: str | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Transfer:
        return cls(
            raw=d,
            uuid=d["uuid"],
            num=int(d["num"]),
            from_name=d.get("from_name"),
            from_type=d.get("from_type"),
            to_type=d.get("to_type"),
            processed_bytes=int(d.get("processed_bytes") or 0),
            source_bytes=d.get("source_bytes"),
            succeeded=d.get("succeeded"),
            created_at=d.get("created_at"),
            started_at=d.get("started_at"),
            finished_at=d.get("finished_at"),
        )

    @property
    def name(self) -> str:
        """b### for a manual backup (pg_dump → gof3r), as the official CLI names them."""
        prefix = "b" if self.from_type == "pg_dump" and self.to_type == "gof3r" else "c"
        if self.raw.get("schedule"):
            prefix = "a"
        return f"{prefix}{self.num:03d}"

    @property
    def is_backup(self) -> bool:
        """True for a backup (to gof3r storage), False for a copy or restore."""
        return self.to_type == "gof3r"

    @property
    def status(self) -> str:
        """`Completed`, `Finished with N warnings`, `Failed`, `Running` or `Pending`, as the CLI says."""
        if self.finished_at and self.succeeded:
            warnings = int(self.raw.get("warnings") or 0)
            return f"Finished with {warnings} warnings" if warnings else "Completed"
        if self.finished_at:
            return "Failed"
        if self.started_at:
            return "Running"
        return "Pending"


def backup_num(name: str) -> int:
    """`b003`, `3` → 3; anything else is bad input."""
    m = BACKUP_NAME.match(name.strip())
    if not m:
        raise UsageError(f"invalid backup {name!r}: use its name (e.g. b003) or number")
    return int(m.group(1))


def databases(client: HerokuClient, app: str) -> list[Database]:
    """The app's heroku-postgresql add-ons (GET /apps/{app}/addons, filtered by service); NotFound for an
    unknown app."""
    items = client.paginate(f"/apps/{seg(check_app(app))}/addons", action="addons_list")
    return [Database.from_api(a) for a in items if (a.get("addon_service") or {}).get("name") == SERVICE]


def database(client: HerokuClient, app: str, name: str | None = None) -> Database:
    """The app's database: `name` (add-on name, id or attachment var), else the one behind DATABASE_URL
    (GET /apps/{app}/addons). HkctlError when the app has none; UsageError (exit 2) when `name` matches none
    or, without `name`, several could be meant."""
    dbs = databases(client, app)
    if not dbs:
        raise HkctlError(f"{app} has no heroku-postgresql database")
    if name:
        for db in dbs:
            if name in (db.id, db.name) or f"{name.upper().removesuffix('_URL')}_URL" in db.config_vars:
                return db
        raise UsageError(f"no database {name!r} on {app}; it has {', '.join(d.name for d in dbs)}")
    if len(dbs) == 1:
        return dbs[0]
    primary = [d for d in dbs if "DATABASE_URL" in d.config_vars]
    if len(primary) == 1:
        return primary[0]
    raise UsageError(
        f"{app} has several databases ({', '.join(d.name for d in dbs)}): choose one with --database"
    )


def info(client: HerokuClient, db_id: str) -> DatabaseInfo:
    """A database's plan, status, size (bytes), tables and connections (GET /client/v11/databases/{id},
    data API); NotFound for an unknown id."""
    return DatabaseInfo.from_api(client.get(f"/client/v11/databases/{seg(db_id)}", action="pg_info"))


def transfers(client: HerokuClient, app: str) -> list[Transfer]:
    """Every transfer of the app (backups, copies, restores) by num (GET /client/v11/apps/{app}/transfers)."""
    body = client.get(f"/client/v11/apps/{seg(check_app(app))}/transfers", action="pg_transfers_list") or []
    return sorted((Transfer.from_api(t) for t in body), key=lambda t: t.num)


def backups(client: HerokuClient, app: str) -> list[Transfer]:
    """The app's backups, oldest first (GET /client/v11/apps/{app}/transfers, backups only)."""
    return [t for t in transfers(client, app) if t.is_backup]


def transfer(client: HerokuClient, app: str, num: int) -> Transfer:
    """One transfer by num (GET /client/v11/apps/{app}/transfers/{num}); NotFound for an unknown num."""
    path = f"/client/v11/apps/{seg(check_app(app))}/transfers/{num}"
    return Transfer.from_api(client.get(path, action="pg_transfers_info"))


def capture_write(client: HerokuClient, db: Database) -> PlannedWrite:
    """`POST /client/v11/databases/{db}/backups` (data API), as shown and as sent."""
    return client.planned("POST", f"/client/v11/databases/{seg(db.id)}/backups", action="pg_backups_capture")


def capture(client: HerokuClient, app: str, db: Database) -> Transfer:
    """Start a backup of `db` (POST /client/v11/databases/{db}/backups, data API); returns the transfer
    just started (not finished: see `wait_for_transfer`)."""
    return Transfer.from_api(client.send(capture_write(client, db)).body)


def wait_for_transfer(
    client: HerokuClient,
    app: str,
    num: int,
    *,
    timeout: float = 3600.0,
    interval: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
    on_poll: Callable[[Transfer], None] | None = None,
) -> Transfer:
    """Poll a transfer (GET /client/v11/apps/{app}/transfers/{num}, every `interval` s, backing off) until it
    finished; HkctlError when it failed, WaitTimedOut after `timeout` seconds."""

    def check() -> Transfer | None:
        t = transfer(client, app, num)
        if on_poll:
            on_poll(t)
        return t if t.finished_at else None

    done = poll(check, timeout=timeout, what=f"backup {num}", interval=interval, clock=monotonic, sleep=sleep)
    if not done.succeeded:
        raise HkctlError(f"backup {done.name} failed")
    return done


def latest_backup(client: HerokuClient, app: str) -> Transfer:
    """The newest completed backup (GET /client/v11/apps/{app}/transfers); HkctlError when there is none."""
    done = [t for t in backups(client, app) if t.succeeded]
    if not done:
        raise HkctlError(f"{app} has no completed backups")
    return done[-1]


def public_url(client: HerokuClient, app: str, num: int) -> str:
    """A short-lived download URL for a backup, a POST that reads: nothing changes
    (POST /client/v11/apps/{app}/transfers/{num}/actions/public-url); its query (a credential) is redacted."""
    path = f"/client/v11/apps/{seg(check_app(app))}/transfers/{num}/actions/public-url"
    url = str(client.json("POST", path, action="pg_backups_url")["url"])
    if "?" in url:  # the query is the credential: keep it out of errors and logs
        client.redact.add(url.split("?", 1)[1])
    return url


def download(
    client: HerokuClient, app: str, num: int, dest: Path, *, progress: Callable[[int], None] | None = None
) -> tuple[Transfer, int]:
    """Download a completed backup to `dest` (GET /client/v11/apps/{app}/transfers/{num}, its public URL,
    then GET of that URL), checking its size in bytes; returns (transfer, bytes). HkctlError for a backup not
    complete; HostNotAllowed or TransportError for the download; no partial file is left under `dest`."""
    t = transfer(client, app, num)
    if not t.succeeded:
        raise HkctlError(f"backup {t.name} is not complete; nothing to download")
    url = public_url(client, app, num)
    size = client.download(url, dest, expected_size=t.processed_bytes, progress=progress)
    return t, size
