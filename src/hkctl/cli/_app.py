"""Which app a command is about, named the ways the official CLI accepts, and groups that default to a listing.

Resolution order (first that answers wins): `-a/--app APP` (or the positional APP where the
official CLI takes one), `-r/--remote REMOTE` (a git remote whose URL names a Heroku app), the same
two options given on the group (`hkctl config -a APP get KEY`), `HEROKU_APP`, the git remote named
`heroku` of the repository around the working directory, then the only Heroku remote when there is
exactly one. An app found by the last three is *inferred*: the command records where it came from
(`env.app_origins`), the write confirmation shows it, and a write without a terminal refuses it.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from hkctl.cli._commands import PartsGroup
from hkctl.cli._gitremote import app_from_url, find_config, heroku_remotes, read_remotes
from hkctl.errors import UsageError
from hkctl.session import Env

F = TypeVar("F", bound=Callable[..., Any])

WAYS = (
    "-a APP, -r REMOTE (a git remote of this repository), HEROKU_APP=APP, "
    "or run hkctl inside a git repository that has a `heroku` remote"
)


@dataclass(frozen=True)
class AppRef:
    """An app name and where it came from (`-a`, `git remote heroku`, `HEROKU_APP`...)."""

    name: str
    source: str
    inferred: bool


def resolve(
    env: Env, *, app: str | None = None, remote: str | None = None, positional: str | None = None
) -> AppRef | None:
    """The app the command line names, or None when nothing names one. Raises UsageError (exit 2)
    for a contradiction (`-a X` and positional `Y`), an unknown `-r` remote, or several Heroku
    remotes with none called `heroku`."""
    if app and positional and app != positional:
        raise UsageError(f"two apps named: {positional} and -a {app}; name one")
    explicit = app or positional
    if explicit:
        return AppRef(explicit, "-a" if app else "argument", inferred=False)
    if remote:
        return AppRef(_remote_app(env, remote), f"git remote {remote}", inferred=False)
    group_app, group_remote = env.group_app
    if group_app:
        return AppRef(group_app, "-a", inferred=False)
    if group_remote:
        return AppRef(_remote_app(env, group_remote), f"git remote {group_remote}", inferred=False)
    environ = env.env if env.env is not None else os.environ
    if environ.get("HEROKU_APP"):
        return AppRef(environ["HEROKU_APP"], "HEROKU_APP", inferred=True)
    remotes = _remotes(env)
    if "heroku" in remotes:
        return AppRef(remotes["heroku"], "git remote heroku", inferred=True)
    if len(remotes) == 1:
        ((name, found),) = remotes.items()
        return AppRef(found, f"git remote {name}", inferred=True)
    if remotes:
        listed = ", ".join(f"{n} ({a})" for n, a in sorted(remotes.items()))
        raise UsageError(
            f"this repository has several Heroku remotes: {listed}; pick one with -r REMOTE or -a APP"
        )
    return None


def require(env: Env, **names: str | None) -> str:
    """Like resolve(), but an app is needed: UsageError (exit 2) listing the ways to name one."""
    ref = resolve(env, **names)
    if ref is None:
        raise UsageError(f"which app? Name it with {WAYS}")
    if ref.inferred:
        env.app_origins[ref.name] = ref.source
    return ref.name


def _cwd(env: Env) -> Path:
    return env.cwd if env.cwd is not None else Path.cwd()


def _remotes(env: Env) -> dict[str, str]:
    return heroku_remotes(_cwd(env))


def _remote_app(env: Env, remote: str) -> str:
    config = find_config(_cwd(env))
    urls = read_remotes(config) if config else {}
    if remote not in urls:
        known = ", ".join(sorted(urls)) or "none"
        raise UsageError(f"no git remote named {remote!r} here (remotes: {known})")
    found = app_from_url(urls[remote])
    if not found:
        raise UsageError(f"git remote {remote!r} is not a Heroku app: {urls[remote]}")
    return found


def _remote_decorator(fn: F) -> F:
    return click.option(
        "-r",
        "--remote",
        default=None,
        metavar="REMOTE",
        help="Git remote of the app (its URL names the app: https://git.heroku.com/APP.git).",
    )(fn)


def app_option(
    fn: F | None = None, *, positional: bool = False, required: bool = True, raw: bool = False
) -> Any:
    """Add `-a/--app` and `-r/--remote` (and `[APP]` when `positional`); the command gets `app`.

    With `required=False` the command gets None when nothing names an app. With `raw=True` it gets
    `app`, `remote` (and `app_arg`) as typed, to call require() itself (an app OR a pipeline).
    """

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if raw:
                return fn(*args, **kwargs)
            env = click.get_current_context().ensure_object(Env)
            names = {"app": kwargs.pop("app"), "remote": kwargs.pop("remote")}
            if positional:
                names["positional"] = kwargs.pop("app_arg")
            kwargs["app"] = require(env, **names) if required else _optional(env, names)
            return fn(*args, **kwargs)

        wrapped: Any = _remote_decorator(wrapper)
        wrapped = click.option(
            "-a",
            "--app",
            default=None,
            metavar="APP",
            help="App name or id (default: HEROKU_APP, then this repository's `heroku` git remote).",
        )(wrapped)
        if positional:
            wrapped = click.argument("app_arg", metavar="[APP]", required=False)(wrapped)
        return wrapped  # type: ignore[no-any-return]

    return decorate(fn) if fn is not None else decorate


def _optional(env: Env, names: dict[str, str | None]) -> str | None:
    ref = resolve(env, **names)
    if ref is not None and ref.inferred:
        env.app_origins[ref.name] = ref.source
    return ref.name if ref else None


class DefaultGroup(PartsGroup):
    """A group that runs its listing when no subcommand is named (`hkctl config -a X` = `config show`),
    and takes `-a/--app` and `-r/--remote` itself for every subcommand (`hkctl config -a X get KEY`)."""

    def __init__(self, *args: Any, default: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default = default

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not _names_subcommand(args, self._value_options(ctx)) and not {"-h", "--help"} & set(args):
            args = [self.default, *args]
        return super().parse_args(ctx, args)

    def _value_options(self, ctx: click.Context) -> set[str]:
        """Options (of the group and of its default) that take a value: their value is no subcommand."""
        params: list[click.Parameter] = list(self.params)
        default = self.commands.get(self.default)
        if default is not None:
            params += default.params
        names: set[str] = set()
        for p in params:
            if isinstance(p, click.Option) and not p.is_flag and not p.count:
                names.update(p.opts)
        return names

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, f"[-a APP] [COMMAND (default: {self.default})] [ARGS]...")


def _names_subcommand(args: Sequence[str], value_options: set[str]) -> bool:
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--":
            return False
        if word.startswith("-") and word != "-":
            if word in value_options:
                i += 1
            i += 1
            continue
        return True
    return False


def app_group(
    name: str, *, default: str, parent: click.Group | None = None, app: bool = True
) -> Callable[[F], click.Group]:
    """`@app_group("config", default="show")`: a DefaultGroup whose `-a/-r` serve every subcommand
    (`app=False`: a group about no app, such as `pipelines`); `parent` makes it a subgroup."""

    def decorate(fn: F) -> click.Group:
        @functools.wraps(fn)
        def callback(app: str | None, remote: str | None) -> None:
            if app or remote:  # a subgroup without -a keeps what its parent group was given
                env = click.get_current_context().ensure_object(Env)
                env.group_app = (app, remote)

        if not app:
            wrapped: Any = fn
        else:
            wrapped = _remote_decorator(callback)
            wrapped = click.option(
                "-a", "--app", default=None, metavar="APP", help="App name or id, for every subcommand."
            )(wrapped)
        group = parent.group if parent is not None else click.group
        return group(name, cls=DefaultGroup, default=default)(wrapped)  # type: ignore[no-any-return]

    return decorate
