"""Plan files and the STATUS.md journal (plan-then-execute and orchestration mode).

`--plan FILE` appends each intended write as one JSON line instead of sending it; `hkctl apply`
replays the file (see workflows/replay.py). In orchestration mode each executed write is appended to
STATUS.md. Nothing here writes a file unless one of those was asked for.

Secrets never enter a plan file. The payload is the guard's redacted one; a config value is
recorded only as the name of the environment variable that must hold it when the plan is applied
(`HKCTL_VALUE_<KEY>`), so a plan can be reviewed, committed or attached to a ticket safely, and
the secret travels the way secrets already travel (the operator's environment, a CI secret).
Other redacted fields (certificate keys, webhook secrets) make the step non-replayable: apply
refuses it before sending anything and says to run that command directly.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from hkctl.guard.policy import PlannedWrite

PLAN_VERSION = 1
VALUE_ENV_PREFIX = "HKCTL_VALUE_"
REDACTED = "[REDACTED]"


def value_env(key: str) -> str:
    """The environment variable that supplies config value KEY when a plan is applied."""
    return VALUE_ENV_PREFIX + key


def _contains_redacted(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_contains_redacted(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_redacted(v) for v in value)
    return value == REDACTED


def plan_entry(write: PlannedWrite, *, api_url: str) -> dict[str, Any]:
    """The JSON line recorded for one write: everything needed to replay it, no secret."""
    entry: dict[str, Any] = {
        "version": PLAN_VERSION,
        "method": write.method,
        "endpoint": write.endpoint,
        "action": write.action.name,
        "description": write.description,
        "app": write.app,
        "payload": write.payload,
        "url": api_url,
    }
    payload = write.payload
    if write.action.name == "config_update" and isinstance(payload, dict):
        # values are secrets: keep the keys, name the variable that must hold each value at apply time
        entry["from_env"] = {k: value_env(k) for k, v in payload.items() if v is not None}
    elif _contains_redacted(payload):
        entry["replayable"] = False
    return entry


def record_write(path: Path, write: PlannedWrite, *, api_url: str, body: Any = None) -> None:
    """Append one intended write to a plan file (payload already redacted; `body` is never stored)."""
    entry = plan_entry(write, api_url=api_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


STATUS_HEADER = "| time | app | action | endpoint | result | Request-Id |\n|---|---|---|---|---|---|\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


_RID = re.compile(r"\s*\[Request-Id: ([^\]]+)\]")


def journal(path: Path, write: PlannedWrite, *, result: str, request_id: str | None) -> None:
    """Append one step to STATUS.md (never a secret: the payload is not written)."""
    found = _RID.search(result)
    if found:  # a failed step's Request-Id travels inside the error text: give it its own column
        request_id = request_id or found.group(1)
        result = _RID.sub("", result)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists() or path.stat().st_size == 0
    with path.open("a", encoding="utf-8") as fh:
        if new:
            fh.write(STATUS_HEADER)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        fh.write(
            f"| {stamp} | {_cell(write.app or '-')} | {_cell(write.description)} "
            f"| {write.method} {_cell(write.endpoint)} | {_cell(result)} | {request_id or '-'} |\n"
        )
