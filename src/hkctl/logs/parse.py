"""Parse Logplex lines (`timestamp source[dyno]: message`, or syslog drain framing) and logfmt messages.

Never raises: a line that does not fit is returned as a raw record with `malformed=True`, so a
filter or a report can count it and pass it through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from hkctl.logs import postgres

# `2010-09-16T15:13:46.677020+00:00 heroku[router]: message`
_LINE = re.compile(
    r"^(?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)) "
    r"(?P<source>[\w.-]+)\[(?P<dyno>[^\]\s]*)\]:? ?(?P<msg>.*)$",
    re.S,
)
# Drain framing: `<158>1 2021-03-01T19:04:19.887695+00:00 host heroku router - message`
_SYSLOG = re.compile(
    r"^(?:\d+ )?<\d{1,3}>\d{1,2} (?P<ts>\d{4}-\d\d-\d\dT\S+) \S+ (?P<source>\S+) (?P<dyno>\S+) - ?(?P<msg>.*)$",
    re.S,
)
_LOGFMT = re.compile(r'(?<![\w#.\-/])([\w#.\-/]++)=("(?:[^"\\]|\\.)*"|\S*)')
_ERROR_CODE = re.compile(r"\bError ([HRL]\d\d) \(([^)]*)\)")
_CODE_FIELD = re.compile(r"\bcode=([HRL]\d\d)\b")
_MS = re.compile(r"^(\d+)(?:ms)?$")

#: Router fields with their JSON names and types (facts.md §8.2); anything else is kept as a string.
ROUTER_INT_MS = {"connect": "connect_ms", "service": "service_ms"}
ROUTER_INT = ("status", "bytes")
ROUTER_STR = ("at", "code", "desc", "method", "path", "host", "request_id", "fwd", "dyno", "protocol")


@dataclass(slots=True)
class Record:
    """One log line, parsed as far as it goes."""

    raw: str
    timestamp: str | None = None
    source: str | None = None
    dyno: str | None = None
    message: str = ""
    malformed: bool = False
    router: dict[str, Any] | None = None
    code: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    postgres: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """Stable key order: line envelope, then typed router fields, then other logfmt fields."""
        if self.malformed and self.timestamp is None:
            return {"raw": self.raw, "malformed": True}
        out: dict[str, Any] = {
            "timestamp": self.timestamp,
            "source": self.source,
            "dyno": self.dyno,
            "message": self.message,
        }
        if self.code:
            out["code"] = self.code
        if self.router is not None:
            out["router"] = self.router  # every logfmt key, typed: the router line's `fields`
        elif self.fields:
            out["fields"] = self.fields
        if self.postgres is not None:
            out["postgres"] = self.postgres
        if self.malformed:
            out["malformed"] = True
        return out


# go-logfmt's (and JSON's) escapes inside a quoted value; an unknown escape is kept as written.
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}(?:\\u[0-9a-fA-F]{4})?|.)", re.S)
_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "'": "'", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _unescape(m: re.Match[str]) -> str:
    esc = m.group(1)
    if esc[0] == "u" and len(esc) > 1:
        units = [int(esc[1:5], 16)] + ([int(esc[7:11], 16)] if len(esc) > 5 else [])
        data = b"".join(u.to_bytes(2, "big") for u in units)
        return data.decode("utf-16-be", "replace")
    return _SIMPLE.get(esc, m.group(0))


def unquote(value: str) -> str:
    """A logfmt value as written → its text: quotes removed, `\\\\` → `\\`, `\\"` → `"`, `\\n`, `\\u00e9`."""
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        inner = value[1:-1]
        return _ESCAPE.sub(_unescape, inner) if "\\" in inner else inner
    return value


def logfmt(text: str) -> dict[str, str]:
    """`a=1 b="x y" c=` → {"a": "1", "b": "x y", "c": ""}; words without `=` are skipped."""
    return {k: unquote(v) for k, v in _LOGFMT.findall(text)}


def is_logfmt(message: str) -> bool:
    """A message written in logfmt: it starts with `key=`, or carries two `key=value` pairs or more."""
    if "=" not in message:
        return False
    m = _LOGFMT.search(message)
    if m is None:
        return False
    return m.start() == len(message) - len(message.lstrip()) or _LOGFMT.search(message, m.end()) is not None


def _ms(value: str | None) -> int | None:
    if not value:
        return None
    m = _MS.match(value)
    return int(m.group(1)) if m else None


def router_fields(message: str) -> tuple[dict[str, Any], bool]:
    """Typed router fields (+ unknown keys as strings) and whether the line is complete."""
    kv = logfmt(message)
    out: dict[str, Any] = {}
    ok = True
    for key in ROUTER_STR:
        if key in kv:
            out[key] = kv[key]
    for key, name in ROUTER_INT_MS.items():
        if key in kv:
            out[name] = _ms(kv[key])
            if kv[key] and out[name] is None:
                ok = False
    for key in ROUTER_INT:
        if key in kv:
            v = kv[key]
            digits = (
                v.isascii() and v.isdigit()
            )  # str.isdigit() is also true of '²' and other digits int() refuses
            out[key] = int(v) if digits else None
            if v and not digits:
                ok = False
    for key, value in kv.items():
        if key not in out and key not in ROUTER_INT_MS:
            out[key] = value
    if "method" not in out or "path" not in out or out.get("status") is None:
        ok = False
    return out, ok


def parse_line(line: str) -> Record:
    """Parse one line; never raises."""
    line = line.rstrip("\r\n")
    m = _LINE.match(line) or _SYSLOG.match(line)
    if m is None:
        return Record(raw=line, message=line, malformed=True)
    rec = Record(raw=line, timestamp=m["ts"], source=m["source"], dyno=m["dyno"] or None, message=m["msg"])
    msg = rec.message
    if rec.dyno == "router" and rec.source == "heroku":
        rec.router, ok = router_fields(msg)
        rec.code = rec.router.get("code") or None
        rec.malformed = not ok
        return rec
    if rec.source == "heroku":
        em = _ERROR_CODE.search(msg)
        if em:
            rec.code = em.group(1)
        else:
            cm = _CODE_FIELD.search(msg)
            if cm:
                rec.code = cm.group(1)
        if is_logfmt(msg):
            rec.fields = logfmt(msg)
        return rec
    if rec.source == "app":
        if msg[:1] == "[":
            rec.postgres = postgres.parse(msg)
            if rec.postgres is not None:
                return rec
        if is_logfmt(msg):
            rec.fields = logfmt(msg)
    return rec
