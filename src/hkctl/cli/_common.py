"""What every command shares: the run environment (settings, client), common options, input checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from hkctl.iostreams import IOStreams
from hkctl.session import Env

F = TypeVar("F", bound=Callable[..., Any])


pass_env = click.make_pass_decorator(Env, ensure=True)


def app_option(fn: F | None = None, **kw: Any) -> Any:
    """`-a/--app` and `-r/--remote`, resolved as the official CLI does (see cli/_app.py)."""
    from hkctl.cli._app import app_option as resolved

    return resolved(fn, **kw)


def json_option(fn: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print complete records as JSON.")(fn)


def limit_option(fn: F) -> F:
    return click.option(
        "--limit",
        type=click.IntRange(min=1),
        default=None,
        help="Stop after N items (fetches no more pages than needed).",
    )(fn)


def release_done(env: Env, app: str) -> str:
    """`: done, v12`, the release a write just made (as the official CLI ends such a write)."""
    from hkctl.resources import releases

    newest = releases.current(env.client(), app)
    return f": done, {newest.label}" if newest else ": done"


@contextmanager
def on_interrupt(io: IOStreams, still_running: Callable[[], str | None]) -> Iterator[None]:
    """Ctrl-C during a wait: say what keeps running on Heroku and how to follow or stop it; exit 130.

    Interrupting hkctl stops the waiting, not the platform's work (a build, a dyno, a backup).
    """
    try:
        yield
    except KeyboardInterrupt:
        text = still_running()
        if text:
            from hkctl.render.output import say

            say(io, f"\n{text}")
        raise
