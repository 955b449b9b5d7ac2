"""The root commands: each name's module (and the modules that extend it) and its summary line.

Running one command imports only its own modules; `hkctl --help` imports none of them and prints
these summaries. Generated from the commands themselves by `python -m hkctl.cli._commands`; a test
fails when this table is stale.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    modules: tuple[str, ...]  # under hkctl.cli; the first one defines `cli`
    summary: str


# fmt: off
COMMANDS: dict[str, Entry] = {
    # generated:start
    'access': Entry(('access',), 'Who can work on an app: list, add and remove collaborators.'),
    'addons': Entry(('addons',), 'List, create, re-plan and destroy add-ons (databases, caches, logging).'),
    'api': Entry(('api',), 'Send any API request; writes are guarded like every other command.'),
    'apply': Entry(('apply',), 'Apply a plan recorded with --plan FILE.'),
    'apps': Entry(('apps',), 'Create, inspect, rename and destroy apps.'),
    'auth': Entry(('auth',), 'The account behind your token, and scoped tokens (prefer a read-scoped one).'),
    'builds': Entry(('builds',), 'List builds, show one, stream its output, or build and release source code.'),
    'certs': Entry(('certs',), 'Manage SSL certificates; the private key is sent once and never printed or logged.'),
    'ci': Entry(('ci',), 'Steps for CI jobs (GitHub Actions and the like).'),
    'config': Entry(('config', 'config_diff'), 'Show and change config vars (values are masked unless you ask).'),
    'cost': Entry(('cost',), 'Estimate the monthly cost: formation (quantity × dyno size list price) plus add-on plan prices.'),
    'deploy': Entry(('deploy',), 'Deploy source to APP safely: pre-checks, staging before production, the whole plan confirmed once, backup and maintenance on production, build, migration (exit status checked), restart, verify.'),
    'doctor': Entry(('doctor',), 'Check the token, permission mode, hosts and rate-limit budget (exit 1 when something is wrong).'),
    'domains': Entry(('domains',), "List, add and remove an app's domains."),
    'drains': Entry(('drains',), "Log drains: forward an app's logs to syslog or HTTPS endpoints."),
    'fleet': Entry(('fleet',), "Questions about many apps at once (all of the account's, --team T, --pipeline P, --match GLOB)."),
    'health': Entry(('health',), "Health of an app (or every app of a pipeline): app, formation, dynos, releases, add-ons, domains and the router's recent 5xx rate and H/R codes."),
    'logs': Entry(('logs',), "Read an app's logs (or a saved log) filtered by status, timing, path, method, code or text; `logs triage` sums them up."),
    'mcp': Entry(('mcp',), 'Run an MCP server on stdin/stdout for agents (Claude, Cursor, ...).'),
    'pg': Entry(('pg',), 'Heroku Postgres: database info and backups.'),
    'pipelines': Entry(('pipelines',), 'Pipelines: apps by stage, and promotion of a slug downstream.'),
    'plan': Entry(('plan',), 'Inspect plans recorded with --plan FILE (any write command records instead of sending).'),
    'ps': Entry(('ps',), 'Show the formation (type, quantity, size, command) and the dynos (name, state, age, size, release, command).'),
    'rate-limit': Entry(('ratelimit',), 'Show how many API requests are left (pool of 4,500, refills ~75/min).'),
    'releases': Entry(('releases',), 'List releases, show one, roll back to one.'),
    'report': Entry(('report',), 'Write an HTML report: health (formation, dynos, add-ons, rate limit), findings and charts of the last 1,500 log lines (traffic, latency, error codes, memory, dyno events, releases).'),
    'review-apps': Entry(('review_apps',), "Review apps: a temporary app per branch or pull request, at the pipeline's review stage."),
    'rollback': Entry(('rollback',), 'Roll APP back to release vN (default: the previous eligible release) and watch the dynos come up.'),
    'run': Entry(('run',), 'Run COMMAND in a one-off dyno (`hkctl run -a APP --wait rake db:migrate`).'),
    'sandbox': Entry(('sandbox',), 'Run the local emulator of the Heroku Platform API, Postgres API and log sessions.'),
    'skill': Entry(('skill',), 'Print SKILL.md: what the skill needs (front matter) and the everyday Heroku recipes as hkctl commands.'),
    'slugs': Entry(('slugs',), 'Inspect slugs (the compiled app a release runs).'),
    'webhooks': Entry(('webhooks',), 'App webhooks: HTTP notifications of releases, builds, dynos, add-ons and more.'),
    # generated:end
}
# fmt: on


def generate() -> str:
    """The table's lines, read from the command modules (imports every one of them)."""
    import importlib
    import pkgutil

    import click

    from hkctl import cli as pkg
    from hkctl.cli.main import whole_summaries

    names = [
        i.name for i in pkgutil.iter_modules(pkg.__path__) if not i.name.startswith("_") and i.name != "main"
    ]
    lines = []
    for name in names:
        command = getattr(importlib.import_module(f"hkctl.cli.{name}"), "cli", None)
        if not isinstance(command, click.Command):
            continue
        whole_summaries(command)
        modules = (name, *(m for m in names if m.startswith(name + "_")))
        lines.append(f"    {command.name!r}: Entry({modules!r}, {command.short_help!r}),")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m hkctl.cli._commands: rewrite the table in this file
    from pathlib import Path

    path = Path(__file__)
    text = path.read_text()
    head, rest = text.split("    # generated:start\n", 1)
    _, tail = rest.split("    # generated:end\n", 1)
    path.write_text(f"{head}    # generated:start\n{generate()}\n    # generated:end\n{tail}")
