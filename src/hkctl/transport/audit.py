"""Audit and curl: one JSON line per request sent, and curl lines for --dry-run.

Neither ever carries the token or a secret value (see redaction.py): secret fields of a body are
written as shell variables, the token as `$HEROKU_API_KEY`, and URL query strings (log-session
secrets) as `…`. The audit record holds no body and no header, only facts composed by hkctl.
"""

from __future__ import annotations

import json
import shlex
import time
from pathlib import Path
from typing import Any

from hkctl.transport.redaction import (  # re-exported: callers import them from here
    REDACTED,
    Placeholder,
    Redactor,
    placeholder_names,
    placeholders,
    redact_body,
    redact_url,
)

__all__ = [
    "REDACTED",
    "AuditLog",
    "Placeholder",
    "Redactor",
    "curl_line",
    "placeholder_names",
    "placeholders",
    "redact_body",
    "redact_url",
]


def _body_arg(body: Any) -> str:
    """The -d argument: single-quoted JSON, or double-quoted with `${VAR}` where secrets stand."""
    names = placeholder_names(body)
    if not names:
        return shlex.quote(json.dumps(body, separators=(",", ":")))
    marks: dict[str, str] = {}

    def mark(o: Any) -> Any:
        if isinstance(o, Placeholder):
            token = f"\x00{len(marks)}\x00"
            marks[token] = o.name
            return token
        if isinstance(o, dict):
            return {k: mark(v) for k, v in o.items()}
        if isinstance(o, list):
            return [mark(v) for v in o]
        return o

    text = json.dumps(mark(body), separators=(",", ":"), ensure_ascii=True)
    for ch in ("\\", '"', "$", "`"):
        text = text.replace(ch, "\\" + ch)
    for token, name in marks.items():
        text = text.replace(json.dumps(token).strip('"').replace("\\", "\\\\"), "${" + name + "}")
    return f'"{text}"'


def curl_line(method: str, url: str, headers: dict[str, str], body: Any) -> str:
    """A runnable curl line; the token is written as $HEROKU_API_KEY, secrets as ${NAME} (see placeholders)."""
    parts = ["curl", "-sS", "-m", "30", "-X", method, shlex.quote(url)]
    for name, value in headers.items():
        if name.lower() == "authorization":
            parts += ["-H", '"Authorization: Bearer $HEROKU_API_KEY"']
        else:
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    if body is not None:
        parts += ["-d", _body_arg(body)]
    return " ".join(parts)


class AuditLog:
    """Appends one JSON record per request to the file asked for; writes nothing otherwise."""

    def __init__(self, path: Path | None, redactor: Redactor) -> None:
        self.path = path
        self._redact = redactor

    def record(
        self,
        *,
        method: str,
        url: str,
        action: str,
        status: int | None,
        ms: float,
        request_id: str | None,
        retries: int,
        error: str | None = None,
    ) -> None:
        if self.path is None:
            return
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "method": method,
            "url": redact_url(url),
            "action": action,
            "status": status,
            "ms": round(ms, 1),
            "request_id": request_id,
            "retries": retries,
        }
        if error:
            entry["error"] = error
        # every field is composed by hkctl (no body, no header, no API text): only a credential is scrubbed
        line = self._redact.token_only(json.dumps(entry, ensure_ascii=False))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
