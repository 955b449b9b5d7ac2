"""The shape of an MCP tool: its parameters, the guard actions it performs, and truthful annotations.

A tool never decides on its own how risky it is: it names the actions of `transport/routes.py`
it may perform, and its annotations are derived from that table (a test checks the derivation
and that calling the tool performs only those actions). Answers are shaped for a model's
context: compact JSON, lists capped with a note saying what was cut and how to get more.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hkctl.errors import UsageError
from hkctl.transport.routes import DESTRUCTIVE, READ, Action, by_name

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient

MAX_ANSWER_CHARS = 16_000  # a tool answer never exceeds this (about 4k tokens)
DEFAULT_LIST = 20
MAX_LIST = 200

Args = Mapping[str, Any]
Runner = Callable[["HerokuClient", Args], Any]


@dataclass(frozen=True)
class Param:
    """One argument of a tool, rendered as a JSON-schema property."""

    name: str
    type: str  # string | integer | boolean | array | object
    description: str
    required: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    def schema(self) -> dict[str, Any]:
        return {"type": self.type, "description": self.description, **self.extra}


APP = Param("app", "string", "App name or id.", required=True)
LIMIT = Param(
    "limit",
    "integer",
    f"Most items to return (default {DEFAULT_LIST}, max {MAX_LIST}).",
    extra={"minimum": 1, "maximum": MAX_LIST},
)
CONFIRM = Param(
    "confirm",
    "string",
    "Must equal the app's name: this tool destroys or removes something and refuses without it. "
    "It does not stand in for the person, who still confirms in the client.",
    required=True,
)


@dataclass(frozen=True)
class ToolSpec:
    """One MCP tool: `<noun>_<verb>`, the actions it may perform, and how to run it (sync)."""

    name: str
    description: str
    actions: tuple[str, ...]
    run: Runner
    params: tuple[Param, ...] = ()
    # Removes or replaces data although the guard's table calls the action a plain write
    # (config unset, domain remove): MCP defines destructive as "not only additive", so we say so.
    removes: bool = False
    # When set, `confirm` is only needed for the calls it picks (scale: only when a type goes to zero).
    confirm_if: Callable[[Args], bool] | None = None

    def action_objects(self) -> list[Action]:
        return [by_name(a) for a in self.actions]

    @property
    def read_only(self) -> bool:
        return all(a.kind == READ for a in self.action_objects())

    @property
    def destructive(self) -> bool:
        return self.removes or any(a.kind == DESTRUCTIVE for a in self.action_objects())

    @property
    def idempotent(self) -> bool:
        return all(a.idempotent for a in self.action_objects())

    @property
    def takes_confirm(self) -> bool:
        """Destructive tools take `confirm` equal to the app's name (the typed name of the CLI)."""
        return self.destructive

    def needs_confirm(self, args: Args) -> bool:
        return self.takes_confirm and (self.confirm_if is None or self.confirm_if(args))

    def all_params(self) -> tuple[Param, ...]:
        if not self.takes_confirm:
            return self.params
        return self.params + (
            CONFIRM if self.confirm_if is None else dataclasses.replace(CONFIRM, required=False),
        )

    def input_schema(self) -> dict[str, Any]:
        params = self.all_params()
        return {
            "type": "object",
            "properties": {p.name: p.schema() for p in params},
            "required": [p.name for p in params if p.required],
            "additionalProperties": False,
        }

    def check_args(self, args: Args) -> dict[str, Any]:
        """Validate arguments against the schema; bad input is a UsageError (nothing sent)."""
        import jsonschema  # the MCP extra: the tool table and its families import without it

        try:
            jsonschema.validate(dict(args), self.input_schema())
        except jsonschema.ValidationError as exc:
            where = ".".join(str(p) for p in exc.absolute_path)
            raise UsageError(
                f"invalid arguments for {self.name}: {where + ': ' if where else ''}{exc.message}"
            ) from None
        if self.needs_confirm(args) and args.get("confirm") != args.get("app"):
            raise UsageError(
                f"⛔ {self.name} is destructive: pass confirm equal to the app's name "
                f"({args.get('app')!r}) to show the person knows which app it touches. Nothing was sent."
            )
        return dict(args)


# --------------------------------------------------------------------------- shaping answers
def plain(value: Any) -> Any:
    """Records → their API JSON; dataclasses → dicts; iterables → lists (recursively)."""
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return plain(to_json())
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return plain({f.name: getattr(value, f.name) for f in dataclasses.fields(value) if f.name != "raw"})
    return value


def capped(
    items: Iterable[Any], limit: int | None, *, view: Callable[[Any], Any] | None = None
) -> dict[str, Any]:
    """The first `limit` items and, when there were more, a note of what was cut and how to see it."""
    n = min(int(limit or DEFAULT_LIST), MAX_LIST)
    out: list[Any] = []
    more = False
    for item in items:
        if len(out) >= n:
            more = True
            break
        out.append(view(item) if view else plain(item))
    answer: dict[str, Any] = {"items": out, "count": len(out)}
    if more:
        answer["truncated"] = (
            f"showing the first {n}; more exist. Pass limit (max {MAX_LIST}) to see more"
            + (", or narrow the query" if n >= MAX_LIST else "")
            + "."
        )
    return answer


def compact(data: Any, max_chars: int = MAX_ANSWER_CHARS) -> str:
    """Compact JSON under `max_chars`: lists under "items" are shortened first, with a note."""
    text = _dumps(data)
    if len(text) <= max_chars:
        return text
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        items = list(data["items"])
        total = len(items)
        while items and len(text) > max_chars:
            items = items[: max(0, len(items) * 3 // 4)]
            trimmed = dict(data, items=items, count=len(items))
            trimmed["truncated"] = (
                f"answer cut to {len(items)} of {total} items to stay under {max_chars} characters; "
                "pass a smaller limit or a narrower query"
            )
            text = _dumps(trimmed)
        if len(text) <= max_chars:
            return text
    cut = max_chars - 120
    return _dumps({"partial": text[:cut], "truncated": f"answer cut at {cut} of {len(text)} characters"})


def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, default=str)


def pick(record: Any, *keys: str) -> dict[str, Any]:
    """A short view of a record for lists: only the named fields (dotted for nested)."""
    d = plain(record)
    view: dict[str, Any] = {}
    for key in keys:
        value: Any = d
        for part in key.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        view[key.replace(".", "_")] = value
    return view
