"""hkctl run: a detached one-off dyno; --wait prints its output and exits with its status."""

from __future__ import annotations

import shlex

import click

from hkctl.cli._app import app_option
from hkctl.cli._common import Env, on_interrupt, pass_env
from hkctl.errors import UsageError
from hkctl.iostreams import IOStreams
from hkctl.render.output import echo, echo_output, say
from hkctl.resources import dynos, runs


# Everything from COMMAND on is the dyno's command line, never an hkctl option or global flag
# (cli/main.py reads this setting): `hkctl run -a APP ./bin/migrate --dry-run` runs a dry run of
# the migration on the dyno; it is not an hkctl dry run.
@click.command("run", context_settings={"allow_interspersed_args": False})
@click.argument("command", nargs=-1, required=True)
@app_option
@click.option("--size", default=None, help="Dyno size, e.g. standard-2x (any case).")
@click.option(
    "--force-size", is_flag=True, help="Send a --size hkctl does not know (newer than hkctl) as typed."
)
@click.option("--ttl", type=int, default=None, help="Seconds before the dyno is stopped (max 86400).")
@click.option("--env", "env_pairs", multiple=True, metavar="K=V", help="Extra environment (repeatable).")
@click.option(
    "--wait", is_flag=True, help="Wait for the command to finish, print its output, exit with its status."
)
@click.option(
    "--timeout", type=float, default=3600.0, show_default=True, help="With --wait: give up after N seconds."
)
@click.option(
    "--detached",
    is_flag=True,
    help="Run an interactive program (bash, a console) anyway, detached: it reads no input.",
)
@pass_env
def cli(
    env: Env,
    command: tuple[str, ...],
    app: str,
    size: str | None,
    force_size: bool,
    ttl: int | None,
    env_pairs: tuple[str, ...],
    wait: bool,
    timeout: float,
    detached: bool,
) -> None:
    """Run COMMAND in a one-off dyno (`hkctl run -a APP --wait rake db:migrate`).

    Options go before COMMAND: from COMMAND on, every word is the dyno's command line, options
    included (`hkctl run -a APP python manage.py migrate --noinput`), and none is read by hkctl.
    Without --wait the dyno runs detached and its name is printed.

    hkctl does not attach a terminal to a dyno: a shell or console there would run commands that
    no confirmation sees. `bash`, `rails console`, `psql` and the like are refused with the
    `heroku run` line to use instead (--detached runs them anyway, with no input).
    """
    if not detached and interactive(command):
        line = " ".join(command)
        raise UsageError(
            f"`{line}` needs a terminal attached to the dyno; hkctl runs one-off dynos detached, so that "
            f"nothing runs on {app} unconfirmed. For an interactive session use the official CLI: "
            f"heroku run {line} -a {app}. To run a command that ends: hkctl run -a {app} --wait COMMAND"
        )

    _note_own_options(env.io, command)
    client = env.client()
    dyno = dynos.run(
        client,
        app,
        " ".join(command),
        size=size,
        ttl=ttl,
        env=dynos.parse_env(env_pairs),
        force_size=force_size,
    )
    if not wait:
        say(env.io, f"running `{dyno.command}` on {app} as {dyno.name} ({dyno.size})")
        echo(env.io, dyno.name)
        return
    io = env.io

    def progress(elapsed: float, attempt: int) -> None:
        if io.stderr_is_tty:
            io.err.write(f"\r{dyno.name}: running… {elapsed:.0f}s")
            io.err.flush()

    with on_interrupt(
        env.io,
        lambda: (
            f"{dyno.name} keeps running on {app}: stop it with `hkctl ps stop {dyno.name} -a {app}`, "
            f"follow it with `hkctl logs -a {app} --dyno {dyno.name} --tail`"
        ),
    ):
        say(env.io, f"running `{dyno.command}` on {app} as {dyno.name} ({dyno.size})")
        result = runs.wait_for_exit(client, app, dyno.name, timeout=timeout, on_wait=progress)
    if io.stderr_is_tty:
        io.err.write("\r\033[K")
    for line in result.output:
        echo_output(env.io, line)
    say(env.io, f"{dyno.name} exited with status {result.status}")
    raise click.exceptions.Exit(result.status)


#: programs that wait for a person at a terminal when started with no arguments of their own
_INTERACTIVE = {
    "bash",
    "sh",
    "zsh",
    "fish",
    "dash",
    "irb",
    "pry",
    "psql",
    "python",
    "python3",
    "ipython",
    "node",
    "console",
}
_CONSOLES = {
    ("rails", "console"),
    ("rails", "c"),
    ("bin/rails", "console"),
    ("bin/rails", "c"),
    ("rails", "dbconsole"),
    ("python", "manage.py", "shell"),
    ("python", "manage.py", "dbshell"),
    ("bundle", "exec", "rails", "console"),
    ("bundle", "exec", "rails", "c"),
    ("heroku", "pg:psql"),
}


def interactive(command: tuple[str, ...]) -> bool:
    """True for `bash`, `rails console`, `psql`, `python` alone...: a session that needs a terminal."""
    try:
        words = tuple(w for part in command for w in shlex.split(part))
    except ValueError:
        return False
    if len(words) == 1 and words[0].rsplit("/", 1)[-1] in _INTERACTIVE:
        return True
    scripted = any(w in ("-c", "--command", "-f", "--file", "-e", "--execute") for w in words)
    if words[:1] == ("psql",):
        return not scripted
    return not scripted and any(words[: len(c)] == c for c in _CONSOLES)


def _note_own_options(io: IOStreams, command: tuple[str, ...]) -> None:
    """Say so when the dyno's command line holds one of run's options, typed after COMMAND by habit."""
    own = {o for p in cli.params for o in getattr(p, "opts", ())} - {"command"}
    found = [w for w in command[1:] if w.split("=", 1)[0] in own]
    if found:
        say(
            io,
            f"note: {', '.join(found)} is part of the dyno's command line: hkctl's options go before "
            "the command (hkctl run -a APP --wait CMD...)",
        )
