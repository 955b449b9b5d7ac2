"""Formation: list, info, and scale (one batch PATCH for several process types), validated before sending."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hkctl.errors import UsageError
from hkctl.resources import sizes
from hkctl.resources._record import Record, check_app, name_of
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient

TYPE = re.compile(r"^[-\w]{1,128}$")
_SCALE = re.compile(r"^(?P<type>[^=]+)=(?P<qty>-?\d*)(?::(?P<size>.+))?$")


@dataclass(frozen=True, kw_only=True)
class Formation(Record):
    """A process type's formation (API object `formation`): quantity of dynos, their size, the command."""

    id: str
    type: str
    quantity: int
    size: str | None
    command: str | None
    updated_at: str | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Formation:
        return cls(
            raw=d,
            id=d["id"],
            type=d["type"],
            quantity=int(d.get("quantity") or 0),
            size=name_of(d.get("dyno_size")) or d.get("size"),
            command=d.get("command"),
            updated_at=d.get("updated_at"),
        )


@dataclass(frozen=True)
class Update:
    """One process type's change: quantity and/or size (None = unchanged)."""

    type: str
    quantity: int | None = None
    size: str | None = None

    def body(self) -> dict[str, Any]:
        """The batch-update item: {type, quantity?, dyno_size: {name}?}."""
        out: dict[str, Any] = {"type": self.type}
        if self.quantity is not None:
            out["quantity"] = self.quantity
        if self.size is not None:
            out["dyno_size"] = {"name": self.size}  # the schema's dyno_size identity object
        return out

    def describe(self) -> str:
        """`web=2:Standard-1X` (quantity empty when only the size changes)."""
        qty = "" if self.quantity is None else str(self.quantity)
        return f"{self.type}={qty}" + (f":{self.size}" if self.size else "")


def check_size(size: str, *, force: bool = False) -> str:
    """A dyno size in Heroku's spelling (`standard-1x` → `Standard-1X`); unknown → exit 2 (see sizes.py)."""
    return sizes.canonical(size, force=force)


def check_type(ptype: str) -> str:
    """`ptype` when it can be a process type (letters, digits, '-', '_'), else UsageError (exit 2)."""
    if not TYPE.match(ptype):
        raise UsageError(f"invalid process type {ptype!r}: use letters, digits, '-' and '_'")
    return ptype


def parse_scale(args: Iterable[str], *, force_size: bool = False) -> list[Update]:
    """`web=2:standard-1x worker=1 web=:performance-m` → updates; bad input is exit 2, nothing sent.

    `force_size` passes a size hkctl does not know through unchanged (the API judges it).
    """
    updates: dict[str, Update] = {}
    for arg in args:
        m = _SCALE.match(arg.strip())
        if not m:
            raise UsageError(f"expected TYPE=QUANTITY[:SIZE], got {arg!r}")
        ptype = check_type(m["type"].strip())
        qty_text = m["qty"]
        if qty_text.startswith("-"):
            raise UsageError(f"quantity for {ptype} must be 0 or more, got {qty_text}")
        quantity = int(qty_text) if qty_text else None
        size = check_size(m["size"], force=force_size) if m["size"] else None
        if quantity is None and size is None:
            raise UsageError(f"{arg!r} changes nothing: give a quantity, a size, or both")
        if ptype in updates:
            raise UsageError(f"process type {ptype} is given twice")
        updates[ptype] = Update(ptype, quantity, size)
    if not updates:
        raise UsageError("nothing to scale: give TYPE=QUANTITY[:SIZE]")
    return list(updates.values())


_RELATIVE = re.compile(r"^(?P<type>[^=+-]+)(?P<sign>[+-])(?P<n>\d+)$")


def absolute(args: Iterable[str], current: Iterable[Formation]) -> list[str]:
    """`web+1` / `worker-2` (as the official CLI takes them) → `web=3` from the current quantities.

    Other words pass through unchanged; a relative change of an unknown type, or below 0, is bad input.
    """
    quantities = {f.type: f.quantity for f in current}
    out = []
    for arg in args:
        m = _RELATIVE.match(arg.strip())
        if not m:
            out.append(arg)
            continue
        ptype = check_type(m["type"].strip())
        if ptype not in quantities:
            raise UsageError(f"no process type {ptype!r} to change by {m['sign']}{m['n']}")
        target = quantities[ptype] + (int(m["n"]) if m["sign"] == "+" else -int(m["n"]))
        if target < 0:
            raise UsageError(f"{arg}: {ptype} runs {quantities[ptype]}, it cannot go below 0")
        out.append(f"{ptype}={target}")
    return out


def has_relative(args: Iterable[str]) -> bool:
    """True when any word is a relative change (`web+1`, `worker-2`) that needs the current formation."""
    return any(_RELATIVE.match(a.strip()) for a in args)


def list_(client: HerokuClient, app: str) -> list[Formation]:
    """Every process type's formation (GET /apps/{app}/formation); NotFound for an unknown app."""
    items = client.paginate(f"/apps/{seg(check_app(app))}/formation", action="formation_list")
    return [Formation.from_api(f) for f in items]


def info(client: HerokuClient, app: str, ptype: str) -> Formation:
    """One process type's formation (GET /apps/{app}/formation/{type}); UsageError (exit 2) for a malformed
    type, NotFound for one the app does not have."""
    path = f"/apps/{seg(check_app(app))}/formation/{seg(check_type(ptype))}"
    return Formation.from_api(client.get(path, action="formation_info"))


def scale(client: HerokuClient, app: str, updates: list[Update]) -> list[Formation]:
    """Change quantities and/or sizes in one batch (PATCH /apps/{app}/formation {updates: [...]}, one
    confirmation); returns the changed formations. The guard decides the risk: to zero or on production, the
    app's name is typed. InvalidParams (422) for a size or type the API refuses."""
    body = {"updates": [u.body() for u in updates]}
    changed = client.json(
        "PATCH", f"/apps/{seg(check_app(app))}/formation", body=body, action="formation_batch_update"
    )
    return [Formation.from_api(f) for f in changed or []]
