"""The root command: global flags, command discovery, and the one place errors become exit codes.

Global flags (--dry-run, --plan, --confirm, --verbose, --audit-log, --api-url, --data-api-url,
--status-file) are accepted anywhere on the line, as people type them after the command, up to the
command's own words: nothing after `--`, and nothing in a command line handed on (`hkctl run`'s
COMMAND...), is read as an hkctl flag.
Command modules are found in hkctl/cli/ (each exposes `cli`) through the map in cli/_commands.py.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import click

from hkctl import __version__
from hkctl.cli._aliases import ALIASES, expand
from hkctl.cli._commands import COMMANDS, PartsGroup, whole_summaries
from hkctl.errors import EXIT_ERROR, HkctlError, Stopped, WorkflowFailed
from hkctl.iostreams import IOStreams
from hkctl.render.output import echo, say
from hkctl.session import Env

#: flag -> (settings field, takes a value)
GLOBAL_FLAGS: dict[str, tuple[str, bool]] = {
    "--dry-run": ("dry_run", False),
    "--verbose": ("verbose", False),
    "--plan": ("plan_file", True),
    "--confirm": ("confirm_app", True),
    "--audit-log": ("audit_log", True),
    "--status-file": ("status_file", True),
    "--api-url": ("api_url", True),
    "--data-api-url": ("data_api_url", True),
}
_PATHS = {"plan_file", "audit_log", "status_file"}


def extract_global_flags(argv: list[str]) -> tuple[list[str], dict[str, Any]]:
    """Pull global flags out of argv wherever they stand, before the command's own words.

    The command's own words are everything from a `--` on, everything from the first argument of
    a command that hands its arguments on untouched (`hkctl run -a APP ./bin/task --dry-run` runs
    `./bin/task --dry-run` on the dyno; it is not an hkctl dry run), and the value of any of the
    command's options (`hkctl api POST PATH -d --verbose` sends the body `--verbose`).
    """
    stop, values = _own_words(argv)
    rest: list[str] = []
    flags: dict[str, Any] = {}
    i = 0
    while i < stop:
        word = argv[i]
        name, eq, inline = word.partition("=")
        if name in GLOBAL_FLAGS and i not in values:
            field, takes_value = GLOBAL_FLAGS[name]
            if not takes_value:
                flags[field] = True
            else:
                if eq:
                    value = inline
                elif i + 1 < stop:
                    i += 1
                    value = argv[i]
                else:
                    raise click.UsageError(f"{name} needs a value")
                flags[field] = Path(value) if field in _PATHS else value
        else:
            rest.append(word)
        i += 1
    return rest + argv[stop:], flags


def _own_words(argv: list[str]) -> tuple[int, set[int]]:
    """Where the command's own words begin (a `--`, or a passthrough command's first argument), and
    the positions of the values of the command's own options before that.

    Walks the command path as click will (`config set ...`), skipping option values, so that an
    option's value is never mistaken for the first argument or for a global flag. A command hands
    its words on when it sets `allow_interspersed_args=False` (see cli/run.py).
    """
    command: click.Command = root
    ctx = click.Context(root)
    global_values = {name for name, (_, v) in GLOBAL_FLAGS.items() if v}
    own_values: set[str] = set()
    values: set[int] = set()
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":
            return i, values
        if word.startswith("-") and word != "-":
            if "=" not in word and word in own_values | global_values:
                if word in own_values and word not in global_values:
                    values.add(i + 1)
                i += 1  # the next word is this option's value
        elif isinstance(command, click.Group):
            found = command.get_command(ctx, word)
            if found is None and command is root:
                found = _alias_command(ctx, word)  # `run:detached` is `run`: the same words are its own
            if found is None:
                return len(argv), values  # click will say the command is unknown
            command = found
            own_values |= _value_options(found)
        elif (command.context_settings or {}).get("allow_interspersed_args") is False:
            return i, values
        i += 1
    return len(argv), values


def _alias_command(ctx: click.Context, word: str) -> click.Command | None:
    """The command an official CLI name stands for (cli/_aliases.py), or None."""
    command: click.Command | None = root
    for part in ALIASES.get(word, "").split() or [""]:
        if not isinstance(command, click.Group) or not part:
            return None
        command = command.get_command(ctx, part)
    return command


def _value_options(command: click.Command) -> set[str]:
    """The option spellings of `command` that take a value (`-a APP`, `--size S`)."""
    return {
        opt
        for p in command.params
        if isinstance(p, click.Option) and not p.is_flag and not p.count
        for opt in (*p.opts, *p.secondary_opts)
    }


class LazyGroup(click.Group):
    """The root group: commands come from the table in cli/_commands.py, imported on first use.

    Running one command imports only its module (and a part, such as `config_diff.py` for `config diff`,
    only when that subcommand runs); `hkctl --help` prints the table's summaries and imports no command
    module.
    """

    def names(self) -> set[str]:
        """The root command names (nothing imported)."""
        return set(COMMANDS)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is not None and cmd_name not in self.commands:
            command = importlib.import_module(f"hkctl.cli.{entry.module}").cli
            if isinstance(command, PartsGroup):
                command.parts, command.prepare = entry.parts, prepare
            prepare(command)
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name].summary) for name in sorted(COMMANDS)])


def prepare(command: click.Command) -> None:
    """What the root does to each command it loads (a part of a group too, see cli/_commands.py)."""
    whole_summaries(command)
    help_to_streams(command)


def help_to_streams(command: click.Command) -> None:
    """`--help` prints to the run's `env.io.out`, not to the process's stdout (click's default).

    click builds each command's help option itself (and names it in usage errors' hint); only its
    callback is swapped, so the option, its names and the hint stay click's.
    """
    build = command.get_help_option

    def get_help_option(ctx: click.Context) -> click.Option | None:
        option = build(ctx)
        if option is not None:
            option.callback = _show_help
        return option

    command.get_help_option = get_help_option  # type: ignore[method-assign]
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            help_to_streams(sub)


def _show_help(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        echo(ctx.ensure_object(Env).io, ctx.get_help())
        ctx.exit()


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        echo(ctx.ensure_object(Env).io, f"hkctl, version {__version__}")
        ctx.exit()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version and exit.",
)
def root() -> None:
    """Operate Heroku apps through the Platform API, safely.

    Readonly by default (HEROKU_PERMISSION=readonly); with HEROKU_PERMISSION=full every write is
    shown and confirmed first. Global flags, accepted anywhere: --dry-run (print writes as curl,
    send nothing), --plan FILE (record writes), --confirm APP (the typed app name for destructive
    writes), --verbose, --audit-log FILE, --status-file FILE, --api-url URL, --data-api-url URL.
    """


help_to_streams(root)


def run(argv: list[str], env: Env) -> int:
    """Run one command line with `env`; returns the exit code (used by main() and by the tests).

    Everything printed, click's help and usage errors included, goes to `env.io`.
    """
    io = env.io
    try:
        args, flags = extract_global_flags(argv)
    except click.UsageError as exc:
        say(io, f"error: {exc.message}")
        return 2
    env.flags.update(flags)
    try:
        args = expand(args, root.names())
        result = root.main(args=args, prog_name="hkctl", obj=env, standalone_mode=False)
        return result if isinstance(result, int) else 0
    except Stopped as exc:
        say(io, exc.message)
        return exc.exit_code
    except WorkflowFailed as exc:
        say(io, _redact(env, exc.report(), composed=True))
        return exc.exit_code
    except HkctlError as exc:
        say(io, _redact(env, f"error: {exc.message}", composed=True))
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.Abort:
        say(io, "aborted")
        return 130
    except click.ClickException as exc:
        exc.show(file=io.err)
        return exc.exit_code
    except KeyboardInterrupt:
        say(io, "interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: one redacted line, the traceback only when asked for
        if env.flags.get("verbose"):
            import traceback  # ~1 ms that no other run of --help or of a command pays (only a bug, --verbose)

            say(io, _redact(env, traceback.format_exc()))
        say(
            io,
            _redact(
                env, f"internal error: {type(exc).__name__}: {exc} (run with --verbose for the traceback)"
            ),
        )
        return EXIT_ERROR
    finally:
        env.close()


def _redact(env: Env, text: str, *, composed: bool = False) -> str:
    """Scrub secrets from a message about to be printed.

    hkctl's own errors are composed from names (apps, keys, commands typed) and from API text that
    was scrubbed where it came in (transport/redaction.py): only a credential is looked for, so a
    config value such as `production` never corrupts `demo-production`. Anything else (an
    unexpected exception, a traceback) is outside text: every known secret is scrubbed.
    """
    client = env._client
    if client is None:
        return text
    return client.redact.token_only(text) if composed else client.redact(text)


def main() -> None:
    env = Env(io=IOStreams.system())
    code = run(sys.argv[1:], env)
    env.io.out.flush()
    sys.exit(code if code is not None else EXIT_ERROR)
