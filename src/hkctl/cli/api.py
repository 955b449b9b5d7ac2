"""hkctl api METHOD PATH [-d JSON]: the raw escape hatch, through the same allowlist and guard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from hkctl.cli._common import Env, pass_env
from hkctl.errors import UsageError
from hkctl.guard.decide import decide
from hkctl.jsonin import parse_arg
from hkctl.render.output import emit_json, say
from hkctl.resources.config_vars import MASK
from hkctl.transport.redaction import redact_answer


@click.command("api")
@click.argument("method", type=click.Choice(["GET", "POST", "PATCH", "PUT", "DELETE"], case_sensitive=False))
@click.argument("path")
@click.option("-d", "--data", default=None, help="JSON request body.")
@click.option("--accept", default=None, help="Accept variant, e.g. 3.webhooks.")
@click.option("--range", "range_", default=None, help="Range header, e.g. 'version ..; order=desc, max=10'.")
@click.option("--postgres", is_flag=True, help="Send to the Postgres API host instead.")
@click.option(
    "-a",
    "--app",
    default=None,
    help="Ignored for the decision: the app is read from PATH (a different one is pointed out).",
)
@click.option(
    "--reveal", is_flag=True, help="Print config-var values (masked by default, as in `config show`)."
)
@pass_env
def cli(
    env: Env,
    method: str,
    path: str,
    data: str | None,
    accept: str | None,
    range_: str | None,
    postgres: bool,
    app: str | None,
    reveal: bool,
) -> None:
    """Send any API request; writes are guarded like every other command.

    The guard judges the request itself: PATH is normalised (percent-decoded where unreserved;
    `..`, `//` and bad encodings are refused, exit 2) and matched against the route table, which
    gives the action, the app (from PATH), the risk and the description shown. A route the table
    does not know is still guarded: DELETE is destructive, any other write method a write.
    """
    if not path.startswith("/"):
        raise UsageError(f"PATH must start with '/', got {path!r}")
    for flag, value in (("--accept", accept), ("--range", range_)):
        # a header value: a line break would be refused by the HTTP library only after the guard asked,
        # and then taken for a lost answer ("may have been applied")
        if value is not None and not (value.isascii() and value.isprintable()):
            raise UsageError(f"{flag} must be one line of printable ASCII (it is a header value)")
    body = parse_arg(data, "JSON for -d") if data is not None else None
    decision = decide(method, path, body)  # bad paths are exit 2 before anything else
    if not decision.known and decision.is_write:
        say(
            env.io,
            f"note: {decision.method} {decision.path} is an unknown route (no template in the route table); "
            f"judged as {decision.risk}",
        )
    if app is not None and decision.app is not None and app != decision.app:
        say(env.io, f"note: -a {app} is ignored: this request concerns {decision.app} (from the path)")
    client = env.client()
    resp = client.request(
        decision.method,
        decision.endpoint,
        body=body,
        accept=accept,
        range=range_,
        api="data" if postgres else None,
    )
    # credentials (an authorization's tokens, a webhook's secret) are never printed; config values
    # are masked as everywhere else unless asked for; the token in use is scrubbed wherever it echoes
    body, secrets = redact_answer(decision.action.template, resp.body, reveal=reveal, mask=MASK)
    client.redact.add_many(secrets)
    if body is not None:
        emit_json(env.io, _scrub(body, client.redact.token_only))


def _scrub(value: Any, scrub: Callable[[str], str]) -> Any:
    """`value` with `scrub` applied to every string in it, keys included."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {scrub(str(k)): _scrub(v, scrub) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, scrub) for v in value]
    return value
