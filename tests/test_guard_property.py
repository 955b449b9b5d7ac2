"""Every entry point gets the same verdict (issue 11): a property test over the route table.

For every write template × permission mode × TTY / no TTY (with and without the opt-in) ×
confirmation given / missing / wrong, the verdict of `hkctl api` is the guard's rule (the oracle
below), and where a command and an MCP tool perform the same write their verdicts are the same;
the sandbox's request log shows exactly the writes that were allowed.

"Confirmation" is one dimension for every channel: `--confirm` (or the agent's `confirm`) is the
right name, absent, or another app; the person at the TTY (or in the MCP form) types the right
name or says yes, answers nothing, or types another name / says no. The one deliberate difference:
through MCP, a destructive write without a person to ask is refused even with the opt-in and the
agent's `confirm` (the agent's word alone never suffices).

Identifiers other than app names are made up: the guard decides before anything is sent, so a
write that is allowed reaches the sandbox (and may get a 404 there), and one that is refused never
does. Examples are bounded so the test takes a few seconds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hkctl.guard.decide import decide, write_templates
from hkctl.mcp.confirm import answer_from, form_for
from hkctl.sandbox.server import build_sandbox
from tests.support import Harness

pytestmark = pytest.mark.core

STAGING, PRODUCTION = "demo-staging", "demo-production"
FAKE = "0b0e9f3c-6a55-4c1d-9a7e-5f1e2d3c4b5a"
VALUES = {
    "type": "web",
    "dyno": "web.1",
    "addon": "no-such-addon",
    "domain": "www.example.test",
    "collaborator": "someone@example.test",
}
MODES = ("readonly", "full")
CHANNELS = ("tty", "no-tty", "no-tty-opt-in")
CONFIRMS = ("given", "missing", "wrong")
TEMPLATES = write_templates()


def concrete(template: str, app: str) -> str:
    return re.sub(
        r"\{(\w+)\}", lambda m: app if m.group(1) == "app" else VALUES.get(m.group(1), FAKE), template
    )


def body_for(name: str, quantity: int) -> Any:
    if name == "formation_batch_update":
        return {"updates": [{"type": "web", "quantity": quantity}]}
    if name == "formation_update":
        return {"quantity": quantity}
    if name == "releases_create":
        return {"release": FAKE}
    if name == "config_update":
        return {"HK_PROPERTY": "v"}
    if name == "apps_update":
        return {"maintenance": True}
    return None


def expected(destructive: bool, mode: str, channel: str, confirm: str, *, mcp: bool = False) -> bool:
    """The guard's rule: is this write sent?"""
    if mode != "full":
        return False
    if destructive and confirm == "wrong":
        return False  # `Confirmation X did not match Y` (flag) or a wrong name typed
    if channel == "tty":
        return confirm == "given"  # the person typed the name / said yes; nothing or no is a no
    if channel == "no-tty":
        return False  # fail closed
    if destructive:
        return confirm == "given" and not mcp  # --confirm NAME; the agent's confirm never suffices
    return True  # the opt-in: a plain write goes (a --confirm flag changes nothing)


@dataclass
class Cell:
    mode: str
    channel: str
    confirm: str
    target: str  # the name a destructive write needs typed
    other: str  # a wrong name

    def env(self, hk: Harness) -> dict[str, str]:
        extra = (
            {"HEROKU_NONINTERACTIVE_WRITES": "i-accept-the-risk"} if self.channel == "no-tty-opt-in" else {}
        )
        return hk.env(HEROKU_PERMISSION=self.mode, **extra)

    def flags(self) -> list[str]:
        return {"given": ["--confirm", self.target], "missing": [], "wrong": ["--confirm", self.other]}[
            self.confirm
        ]

    def person(self) -> Callable[[str, str], str] | None:
        if self.channel != "tty":
            return None

        def answer(plan: str, question: str) -> str:
            if "→ Type the " in question:
                return {"given": self.target, "missing": "", "wrong": self.other}[self.confirm]
            return {"given": "yes", "missing": "", "wrong": "no"}[self.confirm]

        return answer

    def mcp_person(self) -> Callable[[str, str], str | None]:
        def ask(plan: str, question: str) -> str | None:
            if self.channel != "tty":
                return None  # the client cannot elicit
            schema, field = form_for(question)
            if field == "app":
                typed = {"given": self.target, "missing": "", "wrong": self.other}[self.confirm]
                return answer_from("cancel" if self.confirm == "missing" else "accept", {"app": typed}, field)
            return answer_from(
                "decline" if self.confirm == "missing" else "accept",
                {"proceed": self.confirm == "given"},
                field,
            )

        return ask


def fresh(hk: Harness) -> None:
    """A new demo sandbox behind the same app (state and request log)."""
    hk.app.state.sandbox = build_sandbox()


def sent(hk: Harness, method: str, path: str) -> bool:
    writes = [(w["method"], w["path"]) for w in hk.writes_received()]
    assert all(w == (method, path) for w in writes), writes  # never any other write
    return bool(writes)


def via_api(hk: Harness, cell: Cell, method: str, path: str, body: Any) -> tuple[bool, str]:
    fresh(hk)
    data = ["-d", json.dumps(body)] if body is not None else []
    r = hk.cli(*cell.flags(), "api", method, path, *data, env=cell.env(hk), confirmer=cell.person())
    went = sent(hk, method, path)
    assert went or r.code == 3, r.text  # a refusal is exit 3, and nothing left
    return went, r.text


def cells(app_target: Callable[[str], str]) -> Any:
    return st.builds(
        lambda mode, channel, confirm, app: (Cell(mode, channel, confirm, app, _other(app)), app),
        st.sampled_from(MODES),
        st.sampled_from(CHANNELS),
        st.sampled_from(CONFIRMS),
        st.sampled_from((STAGING, PRODUCTION)),
    )


def _other(name: str) -> str:
    return PRODUCTION if name != PRODUCTION else STAGING


# ------------------------------------------------------------------ every template, through hkctl api
def _cover_every_template(test: Any) -> Any:
    """One explicit example per write template (cycling through the cells), so every template is covered."""
    combos = [(m, c, k) for m in ("full",) for c in CHANNELS for k in CONFIRMS]
    for i, _action in enumerate(TEMPLATES):
        mode, channel, confirm = combos[i % len(combos)]
        test = example(
            index=i,
            mode=mode,
            channel=channel,
            confirm=confirm,
            app=(STAGING, PRODUCTION)[i % 2],
            quantity=i % 2,
        )(test)
    return test


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)
@_cover_every_template
@given(
    index=st.integers(0, len(TEMPLATES) - 1),
    mode=st.sampled_from(MODES),
    channel=st.sampled_from(CHANNELS),
    confirm=st.sampled_from(CONFIRMS),
    app=st.sampled_from((STAGING, PRODUCTION)),
    quantity=st.integers(0, 2),
)
def test_every_write_template_gets_the_guards_verdict_through_api(
    hk: Harness, index: int, mode: str, channel: str, confirm: str, app: str, quantity: int
) -> None:
    action = TEMPLATES[index]
    path = concrete(action.template, app)
    body = body_for(action.name, quantity)
    d = decide(action.method, path, body)
    assert d.action.name == action.name and d.is_write
    target = d.target or app
    cell = Cell(mode, channel, confirm, target, _other(target))
    went, text = via_api(hk, cell, action.method, path, body)
    assert went is expected(d.destructive, mode, channel, confirm), (action.name, cell, text)


# ------------------------------------------------------------------ command, api and MCP tool agree
def _addon(hk: Harness, app: str) -> str:
    app_id = hk.sandbox.store.first("app", name=app)["id"]
    for a in hk.sandbox.store.all("addon"):
        if (a.get("app") or {}).get("id") == app_id and a["plan"]["name"].startswith("heroku-postgresql"):
            return str(a["name"])
    raise LookupError(app)


# name -> (method, path, body, command argv, MCP tool and args or None), for app and quantity
def same_write(hk: Harness, name: str, app: str, q: int, cell: Cell) -> tuple[Any, ...]:
    agent_confirm = {"given": {"confirm": app}, "missing": {}, "wrong": {"confirm": cell.other}}[cell.confirm]
    if name == "apps_update":
        return ("PATCH", f"/apps/{app}", {"maintenance": True}, ["apps", "maintenance", "on", "-a", app],
                ("apps_maintenance", {"app": app, "on": True}))  # fmt: skip
    if name == "config_update":
        return ("PATCH", f"/apps/{app}/config-vars", {"HK_PROPERTY": "v"}, ["config", "set", "HK_PROPERTY=v", "-a", app],
                ("config_set", {"app": app, "vars": {"HK_PROPERTY": "v"}}))  # fmt: skip
    if name == "formation_batch_update":
        return ("PATCH", f"/apps/{app}/formation", {"updates": [{"type": "web", "quantity": q}]},
                ["ps", "scale", f"web={q}", "-a", app],
                ("ps_scale", {"app": app, "updates": [{"type": "web", "quantity": q}], **agent_confirm}))  # fmt: skip
    if name == "dynos_restart_all":
        return (
            "DELETE",
            f"/apps/{app}/dynos",
            None,
            ["ps", "restart", "-a", app],
            ("ps_restart", {"app": app}),
        )
    if name == "apps_destroy":
        return ("DELETE", f"/apps/{app}", None, ["apps", "destroy", "-a", app], None)
    if name == "addons_destroy":
        addon = _addon(hk, app)
        return ("DELETE", f"/apps/{app}/addons/{addon}", None, ["addons", "destroy", addon, "-a", app],
                ("addons_destroy", {"app": app, "addon": addon, **agent_confirm}))  # fmt: skip
    raise KeyError(name)


SHARED = (
    "apps_update",
    "config_update",
    "formation_batch_update",
    "dynos_restart_all",
    "apps_destroy",
    "addons_destroy",
)


def via_command(hk: Harness, cell: Cell, argv: list[str], method: str, path: str) -> bool:
    fresh(hk)
    r = hk.cli(*cell.flags(), *argv, env=cell.env(hk), confirmer=cell.person())
    went = sent(hk, method, path)
    assert went or r.code == 3, r.text
    return went


def via_apply(hk: Harness, cell: Cell, method: str, path: str, body: Any, plan: Path) -> bool:
    """Record the write with --plan (nothing is sent), then `hkctl apply` it in the cell."""
    fresh(hk)
    plan.unlink(missing_ok=True)
    data = ["-d", json.dumps(body)] if body is not None else []
    recorded = hk.cli("--plan", str(plan), "api", method, path, *data, env=hk.env())
    assert recorded.code == 0 and hk.writes_received() == [], recorded.text
    env = {**cell.env(hk), "HKCTL_VALUE_HK_PROPERTY": "v"}  # a config value travels outside the plan
    r = hk.cli(*cell.flags(), "apply", str(plan), env=env, confirmer=cell.person())
    went = sent(hk, method, path)
    assert went or r.code == 3, r.text
    return went


def via_mcp(hk: Harness, cell: Cell, tool: str, args: dict[str, Any], method: str, path: str) -> bool:
    from hkctl.mcp.server import execute
    from hkctl.mcp.tools import table

    fresh(hk)
    result = execute(table()[tool], args, cell.mcp_person(), cell.env(hk), transport=hk.transport)  # type: ignore[arg-type]
    went = sent(hk, method, path)
    assert went or result.is_error, result  # type: ignore[union-attr]
    return went


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)
@given(
    name=st.sampled_from(SHARED),
    mode=st.sampled_from(MODES),
    channel=st.sampled_from(CHANNELS),
    confirm=st.sampled_from(CONFIRMS),
    app=st.sampled_from((STAGING, PRODUCTION)),
    quantity=st.integers(0, 1),
)
def test_command_api_apply_and_mcp_tool_give_the_same_verdict(
    hk: Harness, tmp_path: Path, name: str, mode: str, channel: str, confirm: str, app: str, quantity: int
) -> None:
    fresh(hk)
    cell = Cell(mode, channel, confirm, app, _other(app))
    method, path, body, argv, tool = same_write(hk, name, app, quantity, cell)
    d = decide(method, path, body)
    want = expected(d.destructive, mode, channel, confirm)
    api_went, text = via_api(hk, cell, method, path, body)
    assert api_went is want, (name, cell, text)
    assert via_command(hk, cell, argv, method, path) is want, (name, cell)
    assert via_apply(hk, cell, method, path, body, tmp_path / "plan.jsonl") is want, (name, cell)
    if tool is not None:
        got = via_mcp(hk, cell, tool[0], tool[1], method, path)
        assert got is expected(d.destructive, mode, channel, confirm, mcp=True), (name, cell)
