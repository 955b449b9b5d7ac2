"""Parse Logplex lines (`timestamp source[dyno]: message`, or syslog drain framing) and logfmt messages.

Never raises: a line that does not fit is returned as a raw record with `malformed=True`, so a
filter or a report can count it and pass it through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

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

    @property
    def is_router(self) -> bool:
        return self.router is not None

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
            out["router"] = self.router
        elif self.fields:
            out["fields"] = self.fields
        if self.malformed:
            out["malformed"] = True
        return out


def unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return value[1:-1].replace('\\"', '"')
    return value


def logfmt(text: str) -> dict[str, str]:
    """`a=1 b="x y" c=` → {"a": "1", "b": "x y", "c": ""}; words without `=` are skipped."""
    return {k: unquote(v) for k, v in _LOGFMT.findall(text)}


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
            out[key] = int(v) if v.isdigit() else None
            if v and not v.isdigit():
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
        if "=" in msg and ("sample#" in msg or msg.startswith(("source=", "at="))):
            rec.fields = logfmt(msg)
    return rec


def is_router_line(line: str) -> bool:
    return " heroku[router]: " in line or " heroku router - " in line
