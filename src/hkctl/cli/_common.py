"""What every command shares: the run environment (settings, client), common options, input checks."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from hkctl.session import Env

F = TypeVar("F", bound=Callable[..., Any])


pass_env = click.make_pass_decorator(Env, ensure=True)


def app_option(fn: F) -> F:
    return click.option(
        "-a",
        "--app",
        required=True,
        envvar="HEROKU_APP",
        metavar="APP",
        help="App name or id (or set HEROKU_APP).",
    )(fn)


def json_option(fn: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print complete records as JSON.")(fn)


def limit_option(fn: F) -> F:
    return click.option(
        "--limit",
        type=click.IntRange(min=1),
        default=None,
        help="Stop after N items (fetches no more pages than needed).",
    )(fn)


def out() -> Any:
    return sys.stdout
