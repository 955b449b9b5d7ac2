"""Plan files and the STATUS.md journal (plan-then-execute and orchestration mode).

`--plan FILE` appends each intended write as one JSON line instead of sending it; `hkctl apply`
replays the file. In orchestration mode each executed write is appended to STATUS.md. Nothing
here writes a file unless one of those was asked for.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from hkctl.guard.policy import PlannedWrite


def record_write(path: Path, write: PlannedWrite, *, api_url: str, body: Any = None) -> None:
    """Append one intended write to a plan file (payload already redacted)."""
    entry = {
        "method": write.method,
        "endpoint": write.endpoint,
        "action": write.action.name,
        "description": write.description,
        "app": write.app,
        "payload": write.payload,
        "url": api_url,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def journal(path: Path, write: PlannedWrite, *, result: str, request_id: str | None) -> None:
    """Append one executed step to STATUS.md (never a secret: the payload is not written)."""
    new = not path.exists()
    with path.open("a", encoding="utf-8") as fh:
        if new:
            fh.write("| time | app | action | endpoint | result | Request-Id |\n|---|---|---|---|---|---|\n")
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        fh.write(
            f"| {stamp} | {write.app or '-'} | {write.description} | {write.method} {write.endpoint} "
            f"| {result} | {request_id or '-'} |\n"
        )
