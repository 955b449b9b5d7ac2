"""hkctl logs: read, filter and tail an app's logs (or a saved log), and triage them."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

import click

from hkctl.cli._app import WAYS, resolve
from hkctl.cli._commands import PartsGroup
from hkctl.cli._common import Env, json_option
from hkctl.errors import UsageError
from hkctl.iostreams import IOStreams
from hkctl.logs.filters import Filters
from hkctl.logs.stream import tail
from hkctl.logs.view import show
from hkctl.render.output import say, say_to
from hkctl.resources import log_sessions

_FILTER_HELP = {
    "status": "Router status: 5xx, 4xx, 404, 401,403, non-2xx (comma list).",
    "min_service": "Router service time at least MS milliseconds.",
    "min_connect": "Router connect (queue) time at least MS milliseconds.",
    "path": "Router path starts with this prefix (e.g. /api/).",
    "method": "Router method(s), e.g. POST,PUT,PATCH,DELETE.",
    "code": "Heroku error code: H12, H*, R*, L*, R14,R15 or any.",
    "grep": "Regular expression on the whole line (case-insensitive).",
}


def _source_options(fn: Any) -> Any:
    # Applied bottom-up: the last one applied is listed first in --help.
    fn = click.option(
        "-s", "--source", type=click.Choice(["app", "heroku"]), help="Only app output or only platform lines."
    )(fn)
    fn = click.option(
        "-d",
        "--dyno",
        metavar="DYNO",
        help="Only this dyno or process type: web, web.1, worker, router, run.1234.",
    )(fn)
    fn = click.option(
        "--file", "file", metavar="PATH", help="Read a saved log (drain dump, paste) instead; - is stdin."
    )(fn)
    fn = click.option(
        "-a", "--app", envvar="HEROKU_APP", metavar="APP", help="App name or id (or set HEROKU_APP)."
    )(fn)
    return fn


_VIEWS = {
    "state_changes": "Dyno lifecycle: starting, up, crashed, down, restarting, scaling.",
    "memory": "Memory samples (sample#memory_*) and R14/R15 per dyno.",
    "deploys": "heroku[api] releases, deploys, config, rollbacks, builds, add-ons.",
    "app_errors": "Errors of the app and its Postgres: tracebacks, worker timeouts, OOMs, Completed 5xx, slow SQL.",
}


def _filter_options(fn: Any) -> Any:
    for name, help_text in reversed(list(_VIEWS.items())):
        fn = click.option("--" + name.replace("_", "-"), name, is_flag=True, help=help_text)(fn)
    for name, help_text in reversed(list(_FILTER_HELP.items())):
        opt = "--" + name.replace("_", "-")
        kind: Any = click.IntRange(min=0) if name.startswith("min_") else str
        metavar = "MS" if name.startswith("min_") else name.upper()
        fn = click.option(opt, name, type=kind, metavar=metavar, help=help_text)(fn)
    return fn


def _need_one(env: Env, app: str | None, file: str | None) -> str | None:
    """The app to read (None with --file): -a, else HEROKU_APP or the git remote (cli/_app.py)."""

    if app and file:
        raise UsageError("give either -a APP (a log session) or --file PATH (a saved log; - for stdin)")
    if file:
        return None
    if app:
        return app

    ref = resolve(env)
    if ref is None:
        raise UsageError(f"which app? Name it with {WAYS}; or read a saved log with --file PATH")
    return ref.name


def _file_lines(io: IOStreams, path: str) -> Any:
    if path == "-":
        return (line.rstrip("\n") for line in io.in_)
    try:
        fh = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115 - closed when the generator ends
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from exc

    def gen() -> Any:
        with fh:
            for line in fh:
                yield line.rstrip("\n")

    return gen()


@click.group("logs", cls=PartsGroup, invoke_without_command=True)
@_source_options
@click.option(
    "-n", "--num", type=int, default=None, help="Lines to fetch, 1–1500 (default 100; 1500 when filtering)."
)
@click.option("-t", "--tail", is_flag=True, help="Keep streaming new lines (reconnects without duplicates).")
@_filter_options
@json_option
@click.pass_context
def cli(ctx: click.Context, **opts: Any) -> None:
    """Read an app's logs (or a saved log) filtered by status, timing, path, method, code or text; `logs triage` sums them up."""
    if ctx.invoked_subcommand is not None:
        return
    env = ctx.find_object(Env) or Env()
    _read(env, **opts)


def _read(
    env: Env,
    *,
    app: str | None,
    file: str | None,
    dyno: str | None,
    source: str | None,
    num: int | None,
    tail: bool,
    as_json: bool,
    **flt: Any,
) -> None:
    app = _need_one(env, app, file)
    filters = Filters(dyno=dyno, source=source, **flt)
    out = env.io.out
    color = not as_json and env.io.color

    def write(text: str) -> None:
        out.write(text + "\n")
        if tail:
            out.flush()

    if num is not None and num < 1:
        raise UsageError("--num must be at least 1")
    if file:
        if tail:
            raise UsageError("--tail reads a live session; it does not apply to --file")
        stats = show(_file_lines(env.io, file), filters, write, as_json=as_json, last=num, color=color)
    else:
        client = env.client()
        if num is not None:
            log_sessions.check_lines(num)
        # with a filter, -n N means the last N *matching* lines: read the whole session, keep N
        last = num if filters.active and not tail else None
        lines = log_sessions.MAX_LINES if filters.active and (last or num is None) else (num or 100)
        assert app is not None
        if tail:
            stats = show(
                _tail_lines(env.io, client, app, dyno, source, lines),
                filters,
                write,
                as_json=as_json,
                color=color,
            )
        else:
            stats = show(
                log_sessions.read(client, app, dyno=dyno, source=source, lines=lines),
                filters,
                write,
                as_json=as_json,
                last=last,
                color=color,
            )
            if last and stats.shown < last:
                say(
                    env.io, f"only {stats.shown} matching line(s) in the last {stats.seen} (asked for {last})"
                )
    if filters.active or stats.malformed:
        say(
            env.io,
            f"{stats.shown} of {stats.seen} line(s) matched"
            + (f"; {stats.malformed} malformed (passed through when unfiltered)" if stats.malformed else ""),
        )


def _tail_lines(
    io: IOStreams, client: Any, app: str, dyno: str | None, source: str | None, lines: int
) -> Any:
    @contextmanager
    def opener(reconnect: bool) -> Any:
        session = log_sessions.create(
            client,
            app,
            dyno=dyno,
            source=source,
            lines=log_sessions.MAX_LINES if reconnect else lines,
            tail=True,
        )
        with log_sessions.open_stream(client, session) as stream:
            yield stream

    return tail(opener, say=say_to(io))
