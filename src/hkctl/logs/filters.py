"""Log filters: every grep of spec §9a–9e as a predicate over parsed lines, combinable and streaming.

Field filters (status, service, connect, path, method, code, grep, dyno, source) must all match.
Event views (state changes, memory, deploys, app errors) select kinds of lines: a line passes
when it belongs to any of the views asked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from hkctl.errors import UsageError
from hkctl.logs import apperrors, codes
from hkctl.logs.parse import Record

Predicate = Callable[[Record], bool]

# §9c: lifecycle lines (heroku source, a dyno's own name)
STATE_RE = re.compile(
    r"State changed from|Starting process|Restarting|Scaling|Scaled to|Stopping all processes|"
    r"Process exited|Cycling|Idling"
)
# §9e: heroku[api] lines
DEPLOY_RE = re.compile(
    r"Deploy|Release v\d+|Set .* config var|Unset .* config var|Rollback|Build|Slug|Attach|Detach|add-?on",
    re.I,
)
# §9d: app output worth a look besides the error shapes of `apperrors` (warnings, slow ActiveRecord)
WORTH_A_LOOK_RE = re.compile(r"\bWARN(?:ING)?\b|\berror\b|ActiveRecord: \d{3,}\.|ActionController::")
MEMORY_RE = re.compile(r"sample#memory|Error R1[45] ")


def parse_status(spec: str) -> Callable[[int], bool]:
    """`5xx`, `404`, `401,403`, `non-2xx`, `4xx,5xx` → a predicate on the status code."""
    tests: list[Callable[[int], bool]] = []
    for part in spec.lower().replace(" ", "").split(","):
        if part in ("non-2xx", "!2xx", "not-2xx"):
            tests.append(lambda s: not 200 <= s < 300)
        elif re.fullmatch(r"[1-5]xx", part):
            lo = int(part[0]) * 100
            tests.append(lambda s, lo=lo: lo <= s < lo + 100)  # type: ignore[misc]
        elif re.fullmatch(r"\d{3}", part):
            tests.append(lambda s, n=int(part): s == n)  # type: ignore[misc]
        else:
            raise UsageError(f"bad --status {spec!r}: use 5xx, 404, 401,403 or non-2xx")
    return lambda s: any(t(s) for t in tests)


def is_app_error(rec: Record) -> bool:
    """An app line that is (or starts) an error: a Postgres error, an error shape, or worth a look."""
    if rec.source != "app":
        return False
    if rec.postgres is not None:
        return bool(rec.postgres["error"])
    msg = rec.message
    return apperrors.is_error_line(msg) or (
        WORTH_A_LOOK_RE.search(msg) is not None and not apperrors.CONTINUATION.match(msg)
    )


def dyno_matches(wanted: str, dyno: str | None) -> bool:
    """True when `dyno` is `wanted` (`web.1`) or of that process type (`web` matches `web.2`)."""
    return bool(dyno) and (dyno == wanted or str(dyno).startswith(wanted + "."))


@dataclass
class Filters:
    """What `hkctl logs` keeps: router conditions (status, service/connect ms, path, method), code, grep,
    dyno, source (all must hold) and views (state changes, memory, deploys, app errors: any may).
    UsageError (exit 2) for a bad --grep regex or --status."""

    status: str | None = None
    min_service: int | None = None
    min_connect: int | None = None
    path: str | None = None
    method: str | None = None
    code: str | None = None
    grep: str | None = None
    dyno: str | None = None
    source: str | None = None
    state_changes: bool = False
    memory: bool = False
    deploys: bool = False
    app_errors: bool = False
    _preds: list[Predicate] = field(default_factory=list, repr=False)
    _views: list[Predicate] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        p = self._preds
        router_only = any(
            x is not None for x in (self.status, self.min_service, self.min_connect, self.path, self.method)
        )
        if router_only:
            p.append(lambda r: r.router is not None)
        if self.status:
            ok = parse_status(self.status)
            p.append(lambda r: (r.router or {}).get("status") is not None and ok(r.router["status"]))  # type: ignore[index]
        if self.min_service is not None:
            ms = self.min_service
            p.append(lambda r: ((r.router or {}).get("service_ms") or 0) >= ms)
        if self.min_connect is not None:
            mc = self.min_connect
            p.append(lambda r: ((r.router or {}).get("connect_ms") or 0) >= mc)
        if self.path:
            prefix = self.path
            p.append(lambda r: str((r.router or {}).get("path", "")).startswith(prefix))
        if self.method:
            methods = {m.strip().upper() for m in self.method.split(",") if m.strip()}
            p.append(lambda r: str((r.router or {}).get("method", "")).upper() in methods)
        if self.code:
            pattern = self.code
            p.append(lambda r: bool(r.code) and codes.matches(pattern, r.code))  # type: ignore[arg-type]
        if self.grep:
            try:
                rx = re.compile(self.grep, re.I)
            except re.error as exc:
                raise UsageError(f"bad --grep regex: {exc}") from exc
            p.append(lambda r: rx.search(r.raw) is not None)
        if self.dyno:
            want = self.dyno
            p.append(lambda r: dyno_matches(want, r.dyno))
        if self.source:
            src = self.source
            p.append(lambda r: r.source == src)
        v = self._views
        if self.state_changes:
            v.append(
                lambda r: r.source == "heroku" and r.dyno != "router" and bool(STATE_RE.search(r.message))
            )
        if self.memory:
            v.append(lambda r: r.source == "heroku" and bool(MEMORY_RE.search(r.message)))
        if self.deploys:
            v.append(lambda r: r.source == "heroku" and r.dyno == "api" and bool(DEPLOY_RE.search(r.message)))
        if self.app_errors:
            v.append(is_app_error)

    @property
    def active(self) -> bool:
        """True when any condition or view is set (else every line passes)."""
        return bool(self._preds or self._views)

    def __call__(self, rec: Record) -> bool:
        if rec.malformed and rec.timestamp is None:
            return not self.active or (
                self.grep is not None and len(self._preds) == 1 and self._preds[0](rec)
            )
        if not all(pred(rec) for pred in self._preds):
            return False
        return not self._views or any(view(rec) for view in self._views)
