"""The command map: each root command's module, its summary line, and the parts of it kept apart.

Running one command imports only its module, and a subcommand kept in a part (`apps info`, whose
reads of dynos, add-ons and collaborators `apps list` does not need) imports that part only when it
runs or its group's help is shown; `hkctl --help` imports no command module and prints these
summaries. Generated from the commands themselves by `python -m hkctl.cli._commands_gen`; a test
fails when this table is stale.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from typing import NamedTuple

import click


class Entry(NamedTuple):
    module: str  # under hkctl.cli; it defines `cli`
    summary: str
    parts: Mapping[str, str] = {}  # subcommand -> the module under hkctl.cli that adds it to `cli`


def whole_summaries(command: click.Command) -> None:
    """Help lists show each command's whole first sentence, not click's 45 characters and "..."."""
    if command.help and not command.short_help:
        first = inspect.cleandoc(command.help).split("\n\n")[0]
        command.short_help = " ".join(first.split())
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            whole_summaries(sub)


class PartsGroup(click.Group):
    """A group some of whose subcommands are added by other modules (its `parts`, from COMMANDS),
    imported when that subcommand is asked for."""

    parts: Mapping[str, str] = {}
    #: what the root does to each command it loads (cli/main.py: whole summaries, help to the run's streams)
    prepare: Callable[[click.Command], None] | None = None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.parts})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = self.parts.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            importlib.import_module(f"hkctl.cli.{module}")
            (self.prepare or whole_summaries)(self.commands[cmd_name])
        return self.commands.get(cmd_name)


# fmt: off
COMMANDS: dict[str, Entry] = {
    # generated:start
    'access': Entry('access', 'Who can work on an app: list, add and remove collaborators.'),
    'addons': Entry('addons', 'List, create, re-plan and destroy add-ons (databases, caches, logging).'),
    'api': Entry('api', 'Send any API request; writes are guarded like every other command.'),
    'apply': Entry('apply', 'Apply a plan recorded with --plan FILE.'),
    'apps': Entry('apps', 'Create, inspect, rename and destroy apps.', parts={'info': 'apps_info'}),
    'auth': Entry('auth', 'The account behind your token, and scoped tokens (prefer a read-scoped one).'),
    'builds': Entry('builds', 'List builds, show one, stream its output, or build and release source code.'),
    'certs': Entry('certs', 'Manage SSL certificates; the private key is sent once and never printed or logged.'),
    'ci': Entry('ci', 'Steps for CI jobs (GitHub Actions and the like).'),
    'config': Entry('config', 'Show and change config vars (values are masked unless you ask).', parts={'diff': 'config_diff'}),
    'cost': Entry('cost', 'Estimate the monthly cost: formation (quantity × dyno size list price) plus add-on plan prices.'),
    'deploy': Entry('deploy', 'Deploy source to APP safely: pre-checks, staging before production, the whole plan confirmed once, backup and maintenance on production, build, migration (exit status checked), restart, verify.'),
    'doctor': Entry('doctor', 'Check the token, permission mode, hosts and rate-limit budget (exit 1 when something is wrong).'),
    'domains': Entry('domains', "List, add and remove an app's domains."),
    'drains': Entry('drains', "Log drains: forward an app's logs to syslog or HTTPS endpoints."),
    'fleet': Entry('fleet', "Questions about many apps at once (all of the account's, --team T, --pipeline P, --match GLOB)."),
    'health': Entry('health', "Health of an app (or every app of a pipeline): app, formation, dynos, releases, add-ons, domains and the router's recent 5xx rate and H/R codes."),
    'logs': Entry('logs', "Read an app's logs (or a saved log) filtered by status, timing, path, method, code or text; `logs triage` sums them up.", parts={'triage': 'logs_triage'}),
    'mcp': Entry('mcp', 'Run an MCP server on stdin/stdout for agents (Claude, Cursor, ...).'),
    'pg': Entry('pg', 'Heroku Postgres: database info and backups.'),
    'pipelines': Entry('pipelines', 'Pipelines: apps by stage, and promotion of a slug downstream.', parts={'promote': 'pipelines_promote'}),
    'plan': Entry('plan', 'Inspect plans recorded with --plan FILE (any write command records instead of sending).'),
    'ps': Entry('ps', 'Show the formation (type, quantity, size, command) and the dynos (name, state, age, size, release, command).'),
    'rate-limit': Entry('ratelimit', 'Show how many API requests are left (pool of 4,500, refills ~75/min).'),
    'releases': Entry('releases', 'List releases, show one, roll back to one.'),
    'report': Entry('report', 'Write an HTML report: health (formation, dynos, add-ons, rate limit), findings and charts of the last 1,500 log lines (traffic, latency, error codes, memory, dyno events, releases).'),
    'review-apps': Entry('review_apps', "Review apps: a temporary app per branch or pull request, at the pipeline's review stage."),
    'rollback': Entry('rollback', 'Roll APP back to release vN (default: the previous eligible release) and watch the dynos come up.'),
    'run': Entry('run', 'Run COMMAND in a one-off dyno (`hkctl run -a APP --wait rake db:migrate`).'),
    'sandbox': Entry('sandbox', 'Run the local emulator of the Heroku Platform API, Postgres API and log sessions.'),
    'skill': Entry('skill', 'Print SKILL.md: what the skill needs (front matter) and the everyday Heroku recipes as hkctl commands.'),
    'slugs': Entry('slugs', 'Inspect slugs (the compiled app a release runs).'),
    'webhooks': Entry('webhooks', 'App webhooks: HTTP notifications of releases, builds, dynos, add-ons and more.'),
    # generated:end
}
# fmt: on
