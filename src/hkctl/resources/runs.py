"""A one-off dyno's outcome: wait until it has ended, then read its output and exit status from its log.

A detached one-off dyno's exit status is not in the API: hkctl waits until the dyno is gone (GET
answers 404 once it ended, as on Heroku), then reads its log through a log session filtered to
that dyno: the `app[run.N]` lines are its output, `heroku[run.N]: Process exited with status N`
its status. Apart from dynos.py, whose readers (`ps`, `apps info`) need none of the log parsing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hkctl.errors import HkctlError, NotFound
from hkctl.logs.parse import parse_line
from hkctl.polling import poll
from hkctl.resources import log_sessions
from hkctl.resources.dynos import ENDED, info

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient


_EXITED = re.compile(r"Process exited with status (\d+)")


@dataclass
class RunResult:
    """What a finished one-off dyno did."""

    name: str
    status: int
    output: list[str] = field(default_factory=list)


def wait_for_exit(
    client: HerokuClient,
    app: str,
    name: str,
    *,
    timeout: float = 3600.0,
    on_wait: Callable[[float, int], None] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> RunResult:
    """Poll the dyno (GET /apps/{app}/dynos/{dyno}, backing off) until it has ended or is gone, then read
    its output and exit status from its log (a log session filtered to it). WaitTimedOut after `timeout`
    seconds; HkctlError when the log does not carry the exit status."""

    def ended() -> bool | None:
        try:
            return True if info(client, app, name).state in ENDED else None
        except NotFound:
            return True  # a finished one-off dyno is gone

    kwargs: dict[str, Any] = {"sleep": sleep} if sleep else {}
    poll(ended, timeout=timeout, what=f"{name} to finish", on_wait=on_wait, **kwargs)
    output, status = [], None
    for source, dyno, message in log_lines(client, app, name):
        if dyno != name:
            continue
        if source == "app":
            output.append(message)
        elif m := _EXITED.search(message):
            status = int(m.group(1))
    if status is None:
        raise HkctlError(f"{name} ended, but its exit status was not in the app's log (is logging working?)")
    return RunResult(name, status, output)


def log_lines(
    client: HerokuClient, app: str, dyno: str, *, lines: int = 1500
) -> Iterator[tuple[str, str, str]]:
    """(source, dyno, message) of the dyno's last `lines` log lines, through a non-tail log session
    (POST /apps/{app}/log-sessions {dyno, lines}, then GET of its logplex_url)."""
    for line in log_sessions.read(client, app, dyno=dyno, lines=lines):
        record = parse_line(line)
        if record.source and record.dyno:
            yield record.source, record.dyno, record.message
