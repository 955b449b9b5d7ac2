"""hkctl api METHOD PATH [-d JSON]: the raw escape hatch, through the same allowlist and guard."""

from __future__ import annotations

import click

from hkctl.cli._common import Env, pass_env
from hkctl.render.output import emit_json


@click.command("api")
@click.argument("method", type=click.Choice(["GET", "POST", "PATCH", "PUT", "DELETE"], case_sensitive=False))
@click.argument("path")
@click.option("-d", "--data", default=None, help="JSON request body.")
@click.option("--accept", default=None, help="Accept variant, e.g. 3.webhooks.")
@click.option("--range", "range_", default=None, help="Range header, e.g. 'version ..; order=desc, max=10'.")
@click.option("--postgres", is_flag=True, help="Send to the Postgres API host instead.")
@click.option("-a", "--app", default=None, help="App this request concerns (shown in confirmations).")
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
    """Send any API request; writes are guarded like every other command."""
    from hkctl.errors import UsageError
    from hkctl.resources.config_vars import MASK
    from hkctl.transport.client import parse_json_arg
    from hkctl.transport.routes import match

    if not path.startswith("/"):
        raise UsageError(f"PATH must start with '/', got {path!r}")
    body = parse_json_arg(data, "JSON for -d") if data is not None else None
    resp = env.client().request(
        method.upper(),
        path,
        body=body,
        accept=accept,
        range=range_,
        api="data" if postgres else None,
        app=app,
    )
    body = resp.body
    if "config-vars" in match(method, path).template and isinstance(body, dict):
        # config vars are secrets: masked here as everywhere else unless asked for
        env.client().redact.add_many(str(v) for v in body.values() if v is not None)
        if not reveal:
            body = {k: (None if v is None else MASK) for k, v in body.items()}
    if body is not None:
        emit_json(body)
