"""Replaying a plan file: load it, render it, re-check each target, ask once, run in order, stop at the first failure.

Everything that can be checked without sending a write is checked first (the file parses, every
step is replayable, every secret value is in the environment, the plan targets this API), so a
bad plan costs nothing. Then each target is read (GET before write), the whole plan is shown once
and confirmed once (`client.batch`), and the steps run in order. The first failure stops the run
with what was done and what was not (WorkflowFailed); in orchestration mode the steps that were
not run are written to STATUS.md too, so whoever reads it sees where the run stopped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from hkctl import jsonin
from hkctl.errors import ApiError, HkctlError, UsageError, WorkflowFailed
from hkctl.guard.decide import CONFIG_UPDATE, Decision, decide
from hkctl.guard.plan import PLAN_VERSION, REDACTED, VALUE_ENV_PREFIX, journal, value_env
from hkctl.guard.policy import shown
from hkctl.transport.routes import ACTIONS, DATA, READ, Action, match

if TYPE_CHECKING:
    from hkctl.guard.policy import PlannedWrite
    from hkctl.transport.client import HerokuClient, Response

# Reads never used as a re-check because they would fetch every secret value of the app.
_SECRET_READS = {"config_show", "config_release_show"}
_WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# The plan entry's schema: field -> (accepted JSON types, required). Anything else is refused.
_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
    "version": ((int,), False),
    "method": ((str,), True),
    "endpoint": ((str,), True),
    "action": ((str,), False),
    "description": ((str,), False),
    "app": ((str, type(None)), False),
    "payload": ((dict, list, str, int, float, bool, type(None)), False),
    "url": ((str,), False),
    "from_env": ((dict,), False),
    "replayable": ((bool,), False),
}


@dataclass(frozen=True)
class Step:
    """One recorded write, as the guard judges it now (never as the file describes it)."""

    number: int
    decision: Decision
    payload: Any
    url: str
    from_env: Mapping[str, str] = field(default_factory=dict)
    replayable: bool = True

    @property
    def label(self) -> str:
        """`#3 [PATCH] <description> (/apps/x/formation)`: the step as listed before replay."""
        d = self.decision
        return f"#{self.number} [{d.method}] {d.description} ({d.endpoint})"


def load(path: Path) -> list[Step]:
    """Parse a plan file; anything that fails the schema or disagrees with its request is exit 2."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read plan {path}: {exc.strerror or exc}") from exc
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path}: not a plan file (invalid UTF-8 at byte {exc.start}); nothing was sent"
        ) from None
    steps: list[Step] = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            steps.append(_step(jsonin.loads(line, "a plan entry"), len(steps) + 1))
        except UsageError as exc:
            raise UsageError(f"{path}:{lineno}: {exc.message}; nothing was sent") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise UsageError(f"{path}:{lineno}: not a plan entry ({exc}); nothing was sent") from None
    if not steps:
        raise UsageError(f"{path} holds no steps")
    return steps


def _check_schema(d: Any) -> None:
    if not isinstance(d, dict):
        raise ValueError("a plan entry is a JSON object")
    for key, value in d.items():
        if key not in _FIELDS:
            raise ValueError(f"unknown field {key!r}")
        types, _ = _FIELDS[key]
        if isinstance(value, bool) and bool not in types and int in types:
            raise ValueError(f"{key} must be {' or '.join(t.__name__ for t in types)}")
        if not isinstance(value, types):
            raise ValueError(
                f"{key} must be {' or '.join(t.__name__ for t in types)}, not {type(value).__name__}"
            )
    for key, (_, required) in _FIELDS.items():
        if required and key not in d:
            raise ValueError(f"missing field {key!r}")
    if d.get("version", PLAN_VERSION) != PLAN_VERSION:
        raise ValueError(f"plan version {d['version']} is not {PLAN_VERSION}")
    if d["method"] not in _WRITE_METHODS:
        raise ValueError(f"{d['method']} {d['endpoint']} is not a write")
    for k, v in (d.get("from_env") or {}).items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise ValueError("from_env maps config keys to variable names (strings)")


def _step(d: Any, number: int) -> Step:
    """Judge one entry from its method, endpoint and payload; its free-text fields must agree."""
    _check_schema(d)
    payload = d.get("payload")
    decision = decide(d["method"], d["endpoint"], payload)
    if not decision.is_write:
        raise ValueError(f"{d['method']} {d['endpoint']} is not a write")
    said = {k: d[k] for k in ("action", "app", "description") if k in d}
    derived = {"action": decision.action.name, "app": decision.app, "description": decision.description}
    for key, value in said.items():
        if value != derived[key]:
            raise UsageError(
                f"the plan says {key} {value!r}, but {decision.method} {decision.endpoint} is "
                f"{key} {derived[key]!r}: the step is refused"
            )
    from_env = dict(d.get("from_env") or {})
    if from_env:
        if decision.action.name != CONFIG_UPDATE or not isinstance(payload, dict):
            raise UsageError(f"from_env is only for config vars, and this step is {decision.action.name}")
        for key, var in from_env.items():
            if key not in payload or payload[key] is None:
                raise UsageError(f"from_env names {key}, which is not a config var this step sets")
            if var != value_env(key):
                raise UsageError(f"from_env may only name {VALUE_ENV_PREFIX}{key} for {key}, not {var!r}")
    if decision.action.name == CONFIG_UPDATE and isinstance(payload, dict):
        hidden = [k for k, v in payload.items() if v == REDACTED and k not in from_env]
        if hidden:
            raise UsageError(
                f"config var {hidden[0]} has no value: from_env must name {value_env(hidden[0])}"
            )
    return Step(
        number=number,
        decision=decision,
        payload=payload,
        url=d.get("url") or "",
        from_env=from_env,
        replayable=d.get("replayable", True) is not False,
    )


def render(steps: list[Step]) -> str:
    """The plan as a person reads it: numbered steps, target, payload, secrets needed at apply time."""
    out = [f"Plan: {len(steps)} write(s), in this order"]
    for s in steps:
        d = s.decision
        # a hand-edited plan's keys and names reach the description: shown() keeps a control or
        # format character (an ANSI conceal, a bidi override) from hiding what follows it
        out.append(f"  #{s.number} [{d.method}] {shown(d.description)}")
        out.append(
            f"      app: {shown(d.app or '-')}   endpoint: {shown(d.endpoint)}   action: {d.action.name} ({d.risk})"
        )
        if s.payload is not None:
            out.append(f"      payload: {shown(json.dumps(s.payload, ensure_ascii=False))}")
        if s.from_env:
            out.append(
                "      values from the environment at apply time: " + shown(", ".join(s.from_env.values()))
            )
        if not s.replayable:
            out.append(
                "      not replayable: it carried secrets a plan never stores; run the command directly"
            )
    return "\n".join(out)


def body_for(step: Step, environ: Mapping[str, str]) -> Any:
    """The request body to send: the recorded payload with secret values filled from the environment."""
    if not step.replayable:
        raise UsageError(
            f"step {step.label} carried secrets that a plan never stores; run that command directly"
        )
    if not step.from_env:
        return step.payload
    body = dict(step.payload or {})
    missing = [var for var in step.from_env.values() if var not in environ]
    if missing:
        raise UsageError(
            f"step {step.label} needs the value(s) of {', '.join(sorted(step.from_env))}: "
            f"set {', '.join(missing)} in the environment (the plan file holds no secrets)"
        )
    for key, var in step.from_env.items():
        body[key] = environ[var]
    return body


def check_target(step: Step) -> tuple[str, Action] | None:
    """The read that shows the step's target still exists: the resource itself, else its nearest parent."""
    if step.decision.method != "POST":
        for a in ACTIONS:
            same = a.kind == READ and a.method == "GET" and a.template == step.decision.action.template
            if same and a.name not in _SECRET_READS:
                return step.decision.endpoint, a
    parts = step.decision.endpoint.rstrip("/").split("/")
    while len(parts) > 2:
        parts.pop()
        path = "/".join(parts)
        found = match("GET", path)
        if not found.name.startswith("raw_") and found.name not in _SECRET_READS:
            return path, found
    return None


def _same_api(step: Step, client: HerokuClient) -> None:
    if not step.url:
        return
    want = urlsplit(
        client.url_for(step.decision.endpoint, DATA if step.decision.action.api == DATA else "platform")
    )
    got = urlsplit(step.url)
    if (got.scheme, got.netloc) != (want.scheme, want.netloc):
        raise UsageError(
            f"step {step.label} was recorded for {got.scheme}://{got.netloc}, but this run targets "
            f"{want.scheme}://{want.netloc}; pass --api-url/--data-api-url to match (nothing was sent)"
        )


def apply(
    client: HerokuClient, steps: list[Step], environ: Mapping[str, str], *, title: str
) -> list[Response]:
    """Re-check, ask once, run every step in order; raise WorkflowFailed at the first failure.

    Sends each step's own `METHOD /path` (after a GET of its target where one must still exist); returns
    the answers. UsageError (exit 2, nothing sent) for a missing environment value or another API host;
    GuardRefused when not confirmed; WorkflowFailed when a target is gone or a step fails.
    """
    bodies = [body_for(s, environ) for s in steps]  # every input problem before anything is sent
    for s in steps:
        _same_api(s, client)
    for s in steps:
        target = check_target(s)
        if target is None:
            continue
        path, read = target
        try:
            client.request("GET", path)
        except ApiError as exc:
            if exc.status == 404:
                raise WorkflowFailed(
                    f"step {s.label}: its target {path} is gone ({exc}); nothing was changed",
                    done=[],
                    not_done=[x.label for x in steps],
                ) from exc
            raise
    planned = [
        client.planned(s.decision.method, s.decision.endpoint, body=b)
        for s, b in zip(steps, bodies, strict=True)
    ]
    done: list[str] = []
    answers: list[Response] = []
    with client.batch(planned, title):
        for i, s in enumerate(steps):
            try:
                answers.append(client.send(planned[i]))  # the very write that was shown
            except HkctlError as exc:
                rest = steps[i + 1 :]
                _journal_not_run(client, planned[i + 1 :], failed=s)
                raise WorkflowFailed(
                    f"plan stopped at step #{s.number}: {exc}",
                    done=done,
                    not_done=[f"{s.label} — failed"] + [f"{x.label} — not run" for x in rest],
                ) from exc
            done.append(f"{s.label} — ok{_rid(answers[-1])}")
    return answers


def _rid(resp: Response) -> str:
    return f" [Request-Id: {resp.request_id}]" if resp.request_id else ""


def _journal_not_run(client: HerokuClient, rest: list[PlannedWrite], *, failed: Step) -> None:
    path = client.settings.status_file
    if path is None:
        return
    for p in rest:
        journal(path, p, result=f"not run: the plan stopped at step #{failed.number}", request_id=None)
