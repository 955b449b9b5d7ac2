"""hkctl doctor: is hkctl set up right? Token source and validity, permission mode, allowlist, budget."""

from __future__ import annotations

import click

from hkctl.cli._common import Env, json_option, pass_env
from hkctl.render.output import emit_fields, emit_json


@click.command("doctor")
@json_option
@pass_env
def cli(env: Env, as_json: bool) -> None:
    """Check the token, permission mode, hosts and rate-limit budget."""
    from hkctl.errors import ApiError, NoToken
    from hkctl.resources import account

    settings = env.settings
    client = env.client()
    report: dict[str, object] = {
        "api_url": settings.api_url,
        "data_api_url": settings.data_api_url,
        "permission": settings.permission,
        "noninteractive_writes": settings.noninteractive_writes,
        "allowed_suffixes": list(settings.allowed_suffixes),
    }
    ok = True
    try:
        report["token_source"] = client.token.source
        acct = account.info(client)
        report["account"] = acct.get("email")
        report["token_valid"] = True
        report["rate_limit_remaining"] = account.rate_limit(client)
    except NoToken as exc:
        report["token_source"] = None
        report["token_valid"] = False
        report["problem"] = exc.message
        ok = False
    except ApiError as exc:
        report["token_valid"] = False
        report["problem"] = exc.message
        ok = False
    if as_json:
        emit_json(report)
    else:
        emit_fields(
            [
                (k.replace("_", " "), ", ".join(map(str, v)) if isinstance(v, list) else v)
                for k, v in report.items()
            ]
        )
    if not ok:
        raise click.exceptions.Exit(1)
