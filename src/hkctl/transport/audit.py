"""Audit and redaction: one JSON line per request sent, and curl lines for --dry-run.

Neither ever carries the token or a config-var value: bodies of secret actions are replaced by
placeholders, the token by `$HEROKU_API_KEY`, and URL query strings (log-session secrets) by `…`.
"""

from __future__ import annotations

import json
import re
import shlex
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from hkctl.transport.routes import Action

REDACTED = "[REDACTED]"
_SECRET_KEYS = ("private_key", "secret", "password", "token", "authorization", "api_key")


def redact_body(action: Action, body: Any) -> Any:
    """The body as it may be shown: secret actions keep keys only; secret-looking keys are masked."""
    if body is None:
        return None
    if action.secret_body and isinstance(body, dict):
        if action.name == "config_update":
            return {k: (None if v is None else REDACTED) for k, v in body.items()}
        return {k: REDACTED for k in body}
    return _mask_keys(body)


def _mask_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (REDACTED if any(s in k.lower() for s in _SECRET_KEYS) and v is not None else _mask_keys(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_mask_keys(v) for v in value]
    return value


def redact_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "…", ""))


class Redactor:
    """Removes known secrets (the token, config values seen) from any text about to be shown."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def add(self, *secrets: str | None) -> None:
        for s in secrets:
            if s and len(s) >= 4:
                self._secrets.add(s)

    def add_many(self, secrets: Iterable[str | None]) -> None:
        self.add(*secrets)

    def __call__(self, text: str) -> str:
        for s in sorted(self._secrets, key=len, reverse=True):
            if s in text:
                text = text.replace(s, REDACTED)
        return text


@dataclass(frozen=True)
class Placeholder:
    """A secret value in a curl line, written as a shell variable the person sets before running it."""

    name: str


def _var(key: str) -> str:
    name = re.sub(r"\W", "_", key).upper() or "SECRET"
    return f"_{name}" if name[0].isdigit() else name


def placeholders(action: Action, body: Any) -> Any:
    """The body for a --dry-run curl line: every secret value becomes a shell variable reference."""
    if body is None:
        return None
    if action.secret_body and isinstance(body, dict):
        return {k: (None if v is None else Placeholder(_var(k))) for k, v in body.items()}
    return _placehold_keys(body)


def _placehold_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (
                Placeholder(_var(k))
                if any(s in k.lower() for s in _SECRET_KEYS) and v is not None
                else _placehold_keys(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_placehold_keys(v) for v in value]
    return value


def placeholder_names(body: Any) -> list[str]:
    if isinstance(body, Placeholder):
        return [body.name]
    if isinstance(body, dict):
        return [n for v in body.values() for n in placeholder_names(v)]
    if isinstance(body, list):
        return [n for v in body for n in placeholder_names(v)]
    return []


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
        line = self._redact(json.dumps(entry, ensure_ascii=False))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
