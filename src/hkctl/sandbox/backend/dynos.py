"""Formation and dynos in the sandbox: sizes, scaling that starts/stops dynos, restarts, boot lifecycle.

Dyno lifecycle: a dyno is created `starting` and becomes `up` after `duration("dyno_boot")` (task
`dyno_up`). Restarting cycles a dyno back to `starting`; each cycle bumps a private generation so a
stale `dyno_up` from an earlier cycle does nothing. Every step writes the `heroku[web.1]` log lines
Heroku writes, through `sb.log`.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from hkctl.sandbox.backend.apps import app_ref
from hkctl.sandbox.clock import iso
from hkctl.sandbox.routing import invalid

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox

_SPACE_MEMORY = {"S": 1.0, "M": 2.5, "L": 14.0, "L-RAM": 30.0, "XL": 62.0, "2XL": 126.0}
#: Fir-generation sizes (the official CLI's list): dyno-<cpus>c-<memory>gb.
_FIR = tuple(
    f"dyno-{c}"
    for c in [
        "1c-0.5gb",
        "2c-1gb",
        "1c-4gb",
        "1c-8gb",
        "2c-4gb",
        "2c-8gb",
        "2c-16gb",
        "4c-8gb",
        "4c-16gb",
        "4c-32gb",
        "8c-16gb",
        "8c-32gb",
        "8c-64gb",
        "16c-32gb",
        "16c-64gb",
        "16c-128gb",
        "32c-64gb",
    ]
)
#: Sizes as the API names them (facts.md §11): name → (max per process type, memory in GB).
SIZES: dict[str, tuple[int, float]] = {
    "Eco": (1, 0.5),
    "Basic": (1, 0.5),
    "Standard-1X": (100, 0.5),
    "Standard-2X": (100, 1.0),
    "Performance-M": (100, 2.5),
    "Performance-L": (100, 14.0),
    "Performance-L-RAM": (100, 30.0),
    "Performance-XL": (100, 62.0),
    "Performance-2XL": (100, 126.0),
    **{f"{tier}-{t}": (100, m) for tier in ("Private", "Shield") for t, m in _SPACE_MEMORY.items()},
    **{name: (100, float(name.split("-")[2].removesuffix("gb"))) for name in _FIR},
}
# The same stable ids as the catalogue's GET /dyno-sizes (backend/catalog.py: uuid5 of "dyno-size:<name>").
_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://hkctl.dev/sandbox/catalogue")
SIZE_IDS = {name: str(uuid.uuid5(_NS, f"dyno-size:{name}")) for name in SIZES}
_BY_LOWER = {name.lower(): name for name in SIZES}
_BY_ID = {v: k for k, v in SIZE_IDS.items()}


def canonical_size(value: Any) -> str:
    """A size as Heroku answers it (`Standard-1X`) from any spelling, a {name}/{id} object; else 422."""
    raw = value
    if isinstance(value, dict):
        value = value.get("name") or value.get("id")
    if isinstance(value, str):
        name = _BY_LOWER.get(value.strip().lower()) or _BY_ID.get(value.strip())
        if name:
            return name
    raise invalid(f"Couldn't find that dyno size ({raw if not isinstance(raw, dict) else value}).")


def check_size_for_app(app: dict[str, Any], size: str) -> None:
    """422 as the API answers: Private/Shield sizes need a (Shield) Private Space, Fir sizes a Fir app."""
    space = app.get("space") or None
    if size.startswith(("Private-", "Shield-")) and space is None:
        raise invalid(f"{size} dynos can only be used by apps in a Private Space.")
    if size.startswith("Shield-") and not (space or {}).get("shield"):
        raise invalid(f"{size} dynos can only be used by apps in a Shield Private Space.")
    is_fir = (app.get("generation") or {}).get("name") == "fir"
    if size.startswith("dyno-") and not is_fir:
        raise invalid(f"{size} is a Fir dyno size; this app runs on the Cedar generation.")
    if is_fir and not size.startswith("dyno-"):
        raise invalid(f"{size} is a Cedar dyno size; this app runs on the Fir generation.")


def size_ref(name: str) -> dict[str, str]:
    return {"id": SIZE_IDS[name], "name": name}


def parse_quantity(value: Any) -> int:
    """A non-negative integer; the official CLI sends it as a string ("2")."""
    if isinstance(value, bool):
        raise invalid("Quantity must be a non-negative integer.")
    digits = value.strip().lstrip("-") if isinstance(value, str) else ""
    if digits.isascii() and digits.isdigit() and len(digits) <= 12:
        value = int(value.strip())
    if not isinstance(value, int) or value < 0:
        raise invalid("Quantity must be a non-negative integer.")
    return value


# ------------------------------------------------------------------ formation documents
def formations(sb: Sandbox, app: dict[str, Any]) -> list[dict[str, Any]]:
    return sb.store.all("formation", parent=app["id"])


def find_formation(sb: Sandbox, app: dict[str, Any], ident: str) -> dict[str, Any] | None:
    for f in formations(sb, app):
        if ident in (f["id"], f["type"]):
            return f
    return None


def ensure_formation(
    sb: Sandbox,
    app: dict[str, Any],
    ptype: str,
    command: str,
    *,
    quantity: int = 0,
    size: str = "Standard-1X",
) -> dict[str, Any]:
    """The process type's formation (created when a slug first declares it; command kept current)."""
    existing = find_formation(sb, app, ptype)
    now = iso(sb.clock.now())
    if existing:
        if existing["command"] != command:
            existing["command"] = command
            existing["updated_at"] = now
            sb.store.put("formation", existing, parent=app["id"])
        return existing
    doc = {
        "id": sb.ids.new(),
        "app": app_ref(app),
        "command": command,
        "created_at": now,
        "dyno_size": size_ref(size),
        "quantity": quantity,
        "size": size,
        "type": ptype,
        "updated_at": now,
    }
    sb.store.put("formation", doc, parent=app["id"])
    if quantity:
        reconcile(sb, app, doc)
    return doc


def scale(
    sb: Sandbox, app: dict[str, Any], formation: dict[str, Any], *, quantity: int | None, size: str | None
) -> dict[str, Any]:
    """Change quantity and/or size, then start, stop or cycle dynos to match."""
    size = size or formation["size"]
    quantity = formation["quantity"] if quantity is None else quantity
    if size != formation["size"]:
        check_size_for_app(app, size)
    limit = SIZES[size][0]
    if quantity > limit:
        raise invalid(f"Cannot scale to more than {limit} {size} size dynos per process type.")
    resized = size != formation["size"]
    formation.update(quantity=quantity, size=size, dyno_size=size_ref(size), updated_at=iso(sb.clock.now()))
    sb.store.put("formation", formation, parent=app["id"])
    reconcile(sb, app, formation, cycle_all=resized)
    return formation


def scaled_line(sb: Sandbox, app: dict[str, Any], user: dict[str, Any]) -> None:
    """Heroku's `heroku[api]: Scaled to web@2:Standard-1X worker@1:Standard-1X by user …` line."""
    parts = " ".join(f"{f['type']}@{f['quantity']}:{f['size']}" for f in formations(sb, app))
    sb.log(app["id"], "heroku", "api", f"Scaled to {parts} by user {user.get('email', '')}")


# ------------------------------------------------------------------ dynos
def dynos(sb: Sandbox, app: dict[str, Any], ptype: str | None = None) -> list[dict[str, Any]]:
    rows = sb.store.all("dyno", parent=app["id"])
    return [d for d in rows if ptype is None or d["type"] == ptype]


def find_dyno(sb: Sandbox, app: dict[str, Any], ident: str) -> dict[str, Any] | None:
    for d in dynos(sb, app):
        if ident in (d["id"], d["name"]):
            return d
    return None


def release_ref(sb: Sandbox, app: dict[str, Any]) -> dict[str, Any] | None:
    from hkctl.sandbox.backend.releases import current

    rel = current(sb, app)
    return {"id": rel["id"], "version": rel["version"]} if rel else None


def new_dyno(
    sb: Sandbox,
    app: dict[str, Any],
    *,
    name: str,
    ptype: str,
    command: str,
    size: str,
    attach_url: str | None = None,
) -> dict[str, Any]:
    now = iso(sb.clock.now())
    return {
        "id": sb.ids.new(),
        "attach_url": attach_url,
        "command": command,
        "created_at": now,
        "name": name,
        "release": release_ref(sb, app),
        "app": app_ref(app),
        "size": size,
        "state": "starting",
        "type": ptype,
        "updated_at": now,
        "_gen": 0,
    }


def _boot(sb: Sandbox, app: dict[str, Any], dyno: dict[str, Any]) -> None:
    sb.log(app["id"], "heroku", dyno["name"], f"Starting process with command `{dyno['command']}`")
    sb.schedule(
        sb.config.duration("dyno_boot"), "dyno_up", {"app": app["id"], "id": dyno["id"], "gen": dyno["_gen"]}
    )


def _stop_lines(sb: Sandbox, app: dict[str, Any], dyno: dict[str, Any]) -> None:
    sb.log(app["id"], "heroku", dyno["name"], "Stopping all processes with SIGTERM")
    sb.log(app["id"], "heroku", dyno["name"], "Process exited with status 143")


def reconcile(
    sb: Sandbox, app: dict[str, Any], formation: dict[str, Any], *, cycle_all: bool = False
) -> None:
    """Make the running dynos of a type match its formation: web.1..web.N, nothing above N."""
    ptype, quantity = formation["type"], formation["quantity"]
    running = {d["name"]: d for d in dynos(sb, app, ptype)}
    for name, dyno in running.items():
        number = name.rsplit(".", 1)[-1]
        if not number.isdigit() or int(number) > quantity:
            _stop_lines(sb, app, dyno)
            sb.log(app["id"], "heroku", name, f"State changed from {dyno['state']} to down")
            sb.store.delete("dyno", dyno["id"])
        elif cycle_all:
            dyno["size"] = formation["size"]
            cycle(sb, app, dyno, why="Restarting")
    for n in range(1, quantity + 1):
        name = f"{ptype}.{n}"
        if name not in running:
            dyno = new_dyno(
                sb, app, name=name, ptype=ptype, command=formation["command"], size=formation["size"]
            )
            sb.store.put("dyno", dyno, parent=app["id"])
            _boot(sb, app, dyno)


def cycle(sb: Sandbox, app: dict[str, Any], dyno: dict[str, Any], *, why: str = "Restarting") -> None:
    """Restart one dyno: SIGTERM, back to `starting` on the current release, `up` after boot."""
    name = dyno["name"]
    sb.log(app["id"], "heroku", name, why)
    sb.log(app["id"], "heroku", name, f"State changed from {dyno['state']} to starting")
    _stop_lines(sb, app, dyno)
    dyno.update(
        state="starting", updated_at=iso(sb.clock.now()), release=release_ref(sb, app), _gen=dyno["_gen"] + 1
    )
    sb.store.put("dyno", dyno, parent=app["id"])
    _boot(sb, app, dyno)


def stop(sb: Sandbox, app: dict[str, Any], dyno: dict[str, Any]) -> None:
    """Stop a dyno. A formation dyno is replaced by the platform (it boots again); a one-off is gone."""
    name = dyno["name"]
    _stop_lines(sb, app, dyno)
    sb.log(app["id"], "heroku", name, f"State changed from {dyno['state']} to down")
    if find_formation(sb, app, dyno["type"]) is None or dyno.get("_one_off"):
        sb.store.delete("dyno", dyno["id"])
        return
    dyno.update(state="starting", updated_at=iso(sb.clock.now()), _gen=dyno["_gen"] + 1)
    sb.store.put("dyno", dyno, parent=app["id"])
    _boot(sb, app, dyno)


def on_release(sb: Sandbox, app: dict[str, Any]) -> None:
    """A new release restarts every formation dyno on it (one-off dynos keep running)."""
    for dyno in dynos(sb, app):
        if not dyno.get("_one_off"):
            cycle(sb, app, dyno, why="Restarting")


def mark_up(sb: Sandbox, payload: dict[str, Any]) -> None:
    """The `dyno_up` task (registered in handlers/dynos.py): `starting` → `up` unless cycled since."""
    dyno = sb.store.get("dyno", payload["id"])
    if dyno is None or dyno["_gen"] != payload["gen"] or dyno["state"] != "starting":
        return
    dyno.update(state="up", updated_at=iso(sb.clock.now()))
    sb.store.put("dyno", dyno, parent=payload["app"])
    sb.log(payload["app"], "heroku", dyno["name"], "State changed from starting to up")


def settle(sb: Sandbox, payload: dict[str, Any]) -> None:
    """The `dyno_settle` task: every formation dyno still starting is up (the demo seed's start state)."""
    for dyno in dynos(sb, {"id": payload["app"]}):
        if dyno["state"] == "starting" and not dyno.get("_one_off"):
            mark_up(sb, {"app": payload["app"], "id": dyno["id"], "gen": dyno["_gen"]})
