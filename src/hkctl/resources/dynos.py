"""Dynos: list, info, restart (all / type / one), stop and one-off runs (waiting for a run's exit status
is in runs.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hkctl.errors import UsageError
from hkctl.resources._record import Record, check_app
from hkctl.resources.formation import check_size, check_type
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.guard.policy import PlannedWrite
    from hkctl.transport.client import HerokuClient

DYNO_NAME = re.compile(r"^[-\w]+\.\d+$")
ENDED = ("complete", "crashed", "down")
MAX_TTL = 86400


@dataclass(frozen=True, kw_only=True)
class Dyno(Record):
    """A dyno (API object `dyno`): name (`web.1`), type, state (up, crashed...), size, release version."""

    id: str
    name: str
    type: str
    state: str
    size: str | None
    command: str | None
    release: int | None
    updated_at: str | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Dyno:
        release = d.get("release") or {}
        return cls(
            raw=d,
            id=d["id"],
            name=d["name"],
            type=d.get("type") or d["name"].split(".")[0],
            state=d.get("state") or "",
            size=d.get("size"),
            command=d.get("command"),
            release=release.get("version") if isinstance(release, dict) else None,
            updated_at=d.get("updated_at"),
        )


def is_dyno_name(target: str) -> bool:
    """`web.1` names one dyno; `web` names a process type."""
    return bool(DYNO_NAME.match(target))


def _base(app: str) -> str:
    return f"/apps/{seg(check_app(app))}"


def list_(client: HerokuClient, app: str) -> list[Dyno]:
    """Every dyno of the app (GET /apps/{app}/dynos, every page); NotFound for an unknown app."""
    return [Dyno.from_api(d) for d in client.paginate(f"{_base(app)}/dynos", action="dynos_list")]


def info(client: HerokuClient, app: str, dyno: str) -> Dyno:
    """One dyno by name (`web.1`) or id (GET /apps/{app}/dynos/{dyno}); NotFound once it is gone."""
    return Dyno.from_api(client.get(f"{_base(app)}/dynos/{seg(dyno)}", action="dynos_info"))


def restart_write(client: HerokuClient, app: str, target: str | None = None) -> PlannedWrite:
    """The DELETE that restarts every dyno (no target: DELETE /apps/{app}/dynos), one process type
    (`web`: DELETE /apps/{app}/formations/{type}) or one dyno (`web.1`: DELETE /apps/{app}/dynos/{dyno}), as
    shown and as sent; UsageError (exit 2) for a malformed type. Nothing is sent here."""
    if target is None:
        return client.planned("DELETE", f"{_base(app)}/dynos", action="dynos_restart_all")
    if is_dyno_name(target):
        return client.planned("DELETE", f"{_base(app)}/dynos/{seg(target)}", action="dynos_restart")
    return client.planned(
        "DELETE", f"{_base(app)}/formations/{seg(check_type(target))}", action="dynos_restart_type"
    )


def restart(client: HerokuClient, app: str, target: str | None = None) -> None:
    """Restart every dyno (no target: DELETE /apps/{app}/dynos), one process type (`web`:
    DELETE /apps/{app}/formations/{type}) or one dyno (`web.1`: DELETE /apps/{app}/dynos/{dyno}); NotFound
    for an unknown dyno or type."""
    client.send(restart_write(client, app, target))


def stop(client: HerokuClient, app: str, target: str) -> None:
    """Stop one dyno (`web.1`: POST /apps/{app}/dynos/{dyno}/actions/stop) or every dyno of a type (`web`:
    POST /apps/{app}/formations/{type}/actions/stop); formation dynos are replaced. NotFound when none."""
    if is_dyno_name(target):
        path, action = f"{_base(app)}/dynos/{seg(target)}/actions/stop", "dynos_stop"
    else:
        path = f"{_base(app)}/formations/{seg(check_type(target))}/actions/stop"
        action = "dynos_stop_type"
    client.request("POST", path, action=action)


def parse_env(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """`--env K=V` words into a dict; the value is a secret, so no error ever quotes it (exit 2)."""
    env: dict[str, str] = {}
    for n, pair in enumerate(pairs, 1):
        key, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(
                f"expected --env KEY=VALUE: --env number {n} has no '=' (not shown: it may be a secret value)"
            )
        if not re.fullmatch(r"[A-Za-z0-9_]+", key):
            raise UsageError(f"invalid --env name {key[:40]!r}: use letters, digits and '_' (KEY=VALUE)")
        env[key] = value
    return env


def run(
    client: HerokuClient,
    app: str,
    command: str,
    *,
    size: str | None = None,
    ttl: int | None = None,
    env: Mapping[str, str] | None = None,
    force_size: bool = False,
) -> Dyno:
    """Start a detached one-off dyno (POST /apps/{app}/dynos {command, attach: false, type: run, size?,
    time_to_live? in seconds (1-86400), env?}); returns the new dyno. UsageError (exit 2, nothing sent) for
    an empty command, a bad --ttl, or an unknown size unless `force_size`."""
    write = run_write(client, app, command, size=size, ttl=ttl, env=env, force_size=force_size)
    return Dyno.from_api(client.send(write).body)


def run_write(
    client: HerokuClient,
    app: str,
    command: str,
    *,
    size: str | None = None,
    ttl: int | None = None,
    env: Mapping[str, str] | None = None,
    force_size: bool = False,
) -> PlannedWrite:
    """`POST /apps/{app}/dynos` for a detached one-off dyno, as shown and as sent."""
    if not command.strip():
        raise UsageError("nothing to run: give a command")
    if ttl is not None and not 0 < ttl <= MAX_TTL:
        raise UsageError(f"--ttl must be between 1 and {MAX_TTL} seconds")
    body: dict[str, Any] = {"command": command, "attach": False, "type": "run"}
    if size:
        body["size"] = check_size(size, force=force_size)
    if ttl is not None:
        body["time_to_live"] = ttl
    if env:
        body["env"] = dict(env)  # secret values: redacted by field (transport/redaction.py)
    return client.planned("POST", f"{_base(app)}/dynos", body=body, action="dynos_create")
