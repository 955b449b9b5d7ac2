"""Log sessions: create one (a read by intent) and stream its logplex_url through the transport."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hkctl.errors import UsageError
from hkctl.logs.stream import log_lines
from hkctl.resources._record import Record, check_app
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient

MAX_LINES = 1500


@dataclass(frozen=True, kw_only=True)
class LogSession(Record):
    """A log session (API object `log-session`): a short-lived `logplex_url` that streams the app's log."""

    id: str
    logplex_url: str
    created_at: str | None = None
    updated_at: str | None = None

    @classmethod
    def from_api(cls, body: dict[str, Any]) -> LogSession:
        return cls(
            id=body["id"],
            logplex_url=body["logplex_url"],
            created_at=body.get("created_at"),
            updated_at=body.get("updated_at"),
            raw=body,
        )


def check_lines(lines: int) -> int:
    """`lines` when 1-1500 (what Logplex keeps), else UsageError (exit 2)."""
    if not 1 <= lines <= MAX_LINES:
        raise UsageError(
            f"--num must be between 1 and {MAX_LINES} (Logplex keeps the last {MAX_LINES} lines)"
        )
    return lines


def session_body(*, dyno: str | None, source: str | None, lines: int, tail: bool) -> dict[str, Any]:
    """The schema's fields: `dyno_name` for one dyno (web.1, router), `type` for a process type (web)."""
    body: dict[str, Any] = {"lines": check_lines(lines), "tail": tail}
    if source:
        if source not in ("app", "heroku"):
            raise UsageError("--source must be app or heroku")
        body["source"] = source
    if dyno:
        body["dyno_name" if ("." in dyno or "-" in dyno or dyno in ("router", "api")) else "type"] = dyno
    return body


def create(
    client: HerokuClient,
    app: str,
    *,
    dyno: str | None = None,
    source: str | None = None,
    lines: int = 100,
    tail: bool = False,
) -> LogSession:
    """POST /apps/{app}/log-sessions; the answer's logplex_url streams the lines."""
    body = session_body(dyno=dyno, source=source, lines=lines, tail=tail)
    resp = client.request(
        "POST",
        f"/apps/{seg(check_app(app))}/log-sessions",
        body=body,
        action="log_sessions_create",
    )
    return LogSession.from_api(resp.body)


@contextmanager
def open_stream(client: HerokuClient, session: LogSession) -> Iterator[tuple[str, Iterator[str]]]:
    """(content type, raw lines) of a session's stream (GET of its logplex_url, handed back by
    POST /apps/{app}/log-sessions); HostNotAllowed (exit 3, nothing sent) for a host off the allowlist."""
    with client.stream_lines(session.logplex_url) as (ctype, lines):
        yield ctype, lines


def read(
    client: HerokuClient,
    app: str,
    *,
    dyno: str | None = None,
    source: str | None = None,
    lines: int = 100,
) -> Iterator[str]:
    """The last `lines` log lines (1-1500, a snapshot, not a tail), SSE or plain text decoded: POST
    /apps/{app}/log-sessions {lines, tail: false, dyno_name/type?, source?}, then GET of its logplex_url.
    UsageError (exit 2, nothing sent) for a bad count or source; NotFound for an unknown app."""
    session = create(client, app, dyno=dyno, source=source, lines=lines, tail=False)
    with open_stream(client, session) as (ctype, raw):
        for _, line in log_lines(ctype, raw):
            yield line
