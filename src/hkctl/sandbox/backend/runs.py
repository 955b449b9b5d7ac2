"""One-off dynos (`run.NNNN`): run a command for `duration("run")`, write its output to the log, end.

Exit status rule (deterministic, so tests and demos can rely on it; also in docs/cookbook.md §3):
a command containing `exit N` exits with N (mod 256); otherwise a command containing `fail` exits 1;
anything else exits 0. Output is written as `app[run.NNNN]` lines and the run ends with
`heroku[run.NNNN]: Process exited with status N` and `State changed from up to complete`; after that
the dyno is gone (GET answers 404, as on Heroku). The status and output are also kept on the dyno
document (`_exit_status`, `_output`) while it exists.
"""

from __future__ import annotations

import random
import re
import shlex
from typing import TYPE_CHECKING, Any

from hkctl.sandbox.backend.dynos import find_dyno, new_dyno
from hkctl.sandbox.clock import iso
from hkctl.sandbox.routing import invalid

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox

_EXIT = re.compile(r"\bexit\s+(\d+)\b")
_VAR = re.compile(r"\$\{?(\w+)\}?")
MAX_TTL = 86400

_MIGRATE = [
    "== 20240612093015 AddIndexToOrders: migrating ================================",
    "-- add_index(:orders, :created_at)",
    "   -> 0.0123s",
    "== 20240612093015 AddIndexToOrders: migrated (0.0124s) =======================",
]
_DJANGO = [
    "Operations to perform:",
    "  Apply all migrations: admin, auth, contenttypes, sessions",
    "Running migrations:",
    "  No migrations to apply.",
]


def exit_status(command: str) -> int:
    """The rule above: `exit N` → N, `fail` → 1, else 0."""
    m = _EXIT.search(command)
    if m:
        return int(m.group(1)) % 256
    return 1 if "fail" in command.lower() else 0


def output_lines(command: str, env: dict[str, str]) -> list[str]:
    """What the command prints: `echo` echoes (expanding $VARS), migrations print a migration."""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    if not words:
        return []
    if words[0] == "echo":
        return [_VAR.sub(lambda m: env.get(m.group(1), ""), " ".join(words[1:]))]
    if "db:migrate" in command:
        return list(_MIGRATE)
    if "manage.py migrate" in command:
        return list(_DJANGO)
    if "fail" in command.lower() and not _EXIT.search(command):
        return [f"Error: `{command}` failed"]
    return []


def _name(sb: Sandbox, app: dict[str, Any], ptype: str) -> str:
    rng = random.Random(sb.store.next(f"run-name:{app['id']}"))
    while True:
        name = f"{ptype}.{rng.randint(1000, 9999)}"
        if find_dyno(sb, app, name) is None:
            return name


def create_run(
    sb: Sandbox,
    app: dict[str, Any],
    *,
    command: str,
    size: str,
    ptype: str,
    env: dict[str, str],
    ttl: int | None,
    attach: bool,
    user: dict[str, Any],
) -> dict[str, Any]:
    """A one-off dyno, `starting`; it comes up after boot, runs, and ends (tasks run_up / run_end)."""
    if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int) or not 0 < ttl <= MAX_TTL):
        raise invalid(f"time_to_live must be an integer between 1 and {MAX_TTL} seconds.")
    name = _name(sb, app, ptype)
    attach_url = (
        f"rendezvous://rendezvous.runtime.heroku.com:5000/{sb.store.next('rendezvous'):08d}"
        if attach
        else None
    )
    dyno = new_dyno(sb, app, name=name, ptype=ptype, command=command, size=size, attach_url=attach_url)
    full_env = {**app.get("_config", {}), **env}
    dyno.update(
        _one_off=True, _exit_status=exit_status(command), _output=output_lines(command, full_env), _ttl=ttl
    )
    sb.store.put("dyno", dyno, parent=app["id"])
    # `heroku[api]: Starting process … by user …` comes from the dyno create event (sandbox/logplex.py).
    sb.log(app["id"], "heroku", name, f"Starting process with command `{command}`")
    sb.schedule(sb.config.duration("dyno_boot"), "run_up", {"app": app["id"], "id": dyno["id"]})
    return dyno


def run_up(sb: Sandbox, payload: dict[str, Any]) -> None:
    """The `run_up` task: the dyno is up and prints its output; it ends after `duration("run")`."""
    dyno = sb.store.get("dyno", payload["id"])
    if dyno is None or dyno["state"] != "starting":
        return
    dyno.update(state="up", updated_at=iso(sb.clock.now()))
    sb.store.put("dyno", dyno, parent=payload["app"])
    sb.log(payload["app"], "heroku", dyno["name"], "State changed from starting to up")
    for line in dyno["_output"]:
        sb.log(payload["app"], "app", dyno["name"], line)
    run_for = sb.config.duration("run")
    if dyno.get("_ttl") is not None:
        run_for = min(run_for, float(dyno["_ttl"]))
    sb.schedule(run_for, "run_end", payload)


def run_end(sb: Sandbox, payload: dict[str, Any]) -> None:
    """The `run_end` task: the process exits with its status and the dyno is gone."""
    dyno = sb.store.get("dyno", payload["id"])
    if dyno is None or dyno["state"] != "up":
        return
    sb.log(payload["app"], "heroku", dyno["name"], f"Process exited with status {dyno['_exit_status']}")
    sb.log(payload["app"], "heroku", dyno["name"], "State changed from up to complete")
    sb.store.delete("dyno", dyno["id"])
