"""hkctl cost: monthly estimate of an app or a pipeline from its formation and add-on plans (spec §14)."""

from __future__ import annotations

import click

from hkctl.cli._app import app_option, require
from hkctl.cli._common import Env, json_option, pass_env
from hkctl.errors import UsageError
from hkctl.render.output import echo, emit_json, emit_table, say
from hkctl.workflows import cost, sizing


@click.command("cost")
@app_option(positional=True, raw=True)
@click.option("--pipeline", "-p", default=None, metavar="P", help="Every app of pipeline P, and the total.")
@click.option(
    "--sizes",
    is_flag=True,
    help="Print the dyno sizing table (memory, CPU share, price, when to pick) and exit.",
)
@json_option
@pass_env
def cli(
    env: Env,
    app_arg: str | None,
    app: str | None,
    remote: str | None,
    pipeline: str | None,
    sizes: bool,
    as_json: bool,
) -> None:
    """Estimate the monthly cost: formation (quantity × dyno size list price) plus add-on plan prices.

    Dyno prices are Heroku's published list prices (the table's date is shown); add-on prices come
    from the API. Sizes or plans without a known price are listed, never guessed. --sizes prints the
    dyno sizing table: SIZE, MEMORY, CPU SHARE, PER MONTH, PICK WHEN.
    """
    if sizes:
        if as_json:
            emit_json(env.io, [s.to_json() for s in sizing.COMMON_RUNTIME])
            return
        emit_table(
            env.io,
            sizing.COMMON_RUNTIME,
            [
                ("size", "name"),
                ("memory", "memory"),
                ("cpu share", "cpu"),
                ("per month", lambda s: s.price()),
                ("pick when", "pick_when"),
            ],
        )
        say(env.io, sizing.SPACES_NOTE)
        say(env.io, f"Prices: list prices as of {cost.PRICES_AS_OF}, for a dyno running all month.")
        return

    if pipeline and (app_arg or app or remote):
        raise UsageError("name an app or a pipeline (--pipeline P), not both")
    target = None if pipeline else require(env, app=app, remote=remote, positional=app_arg)
    client = env.client()
    if pipeline:
        name, reports = cost.for_pipeline(client, pipeline)
    else:
        name, reports = None, [cost.for_app(client, str(target))]
    total = round(sum(r.total for r in reports), 2)
    unknown = [u for r in reports for u in r.unknown]
    if as_json:
        doc = (
            reports[0].to_json()
            if not pipeline
            else {
                "pipeline": name,
                "monthly_total": total,
                "currency": "USD",
                "complete": not unknown,
                "apps": [r.to_json() for r in reports],
                "prices_as_of": cost.PRICES_AS_OF,
                "prices_source": cost.PRICES_SOURCE,
            }
        )
        emit_json(env.io, doc)
        return
    rows = [(r.app, line) for r in reports for line in r.lines]
    emit_table(
        env.io,
        rows,
        [
            ("app", lambda row: row[0]),
            ("kind", lambda row: row[1].kind),
            ("name", lambda row: row[1].name),
            ("size/plan", lambda row: row[1].what),
            ("qty", lambda row: row[1].quantity),
            ("$/unit/mo", lambda row: _money(row[1].unit_monthly)),
            ("$/mo", lambda row: _money(row[1].monthly)),
        ],
        empty="nothing billable found",
    )
    for r in reports if pipeline else []:
        echo(env.io, f"{r.app}: ${r.total:,.2f}/month" + (" (lower bound)" if r.unknown else ""))
    echo(env.io, f"total: ${total:,.2f}/month" + (" (lower bound: some prices unknown)" if unknown else ""))
    for u in unknown:
        say(env.io, f"unknown price, not counted: {u}")
    say(env.io, f"dyno list prices as of {cost.PRICES_AS_OF} ({cost.PRICES_SOURCE})")


def _money(value: float | None) -> str:
    return "?" if value is None else f"{value:,.2f}"
