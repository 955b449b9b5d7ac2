"""hkctl doctor: is hkctl set up right? Token source and validity, permission mode, allowlist, budget."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from hkctl.cli._common import Env, json_option, pass_env
from hkctl.config import LEGACY_DATA_API_HOST
from hkctl.errors import ApiError, HkctlError, NoToken
from hkctl.render.output import emit_fields, emit_json
from hkctl.resources import account, oauth
from hkctl.transport.allowlist import STORAGE_HOSTS

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient


def token_scope_report(client: HerokuClient) -> dict[str, Any]:
    """Extra facts about the token (its scopes and the advice on them), merged into the report.

    The place for the runtime slice's token-scope reporting (`/oauth/authorizations`): return keys
    such as `token_scopes` and `token_advice`; a failure here must not fail the doctor.
    """
    try:  # Heroku names the token's scopes in the Oauth-Scope header; else find it in the list
        scopes = oauth.current_scopes(client)
    except HkctlError as exc:
        return {"token_scopes": f"unknown ({exc.message})"}
    if scopes is None:
        return {"token_scopes": "unknown (the API did not say)"}
    report: dict[str, Any] = {"token_scopes": scopes}
    if "global" in scopes:
        report["token_advice"] = "warning: " + oauth.GLOBAL_WARNING
    return report


def _hosts(env: Env) -> list[str]:
    s = env.settings
    api_hosts = dict.fromkeys(
        [s.api_url, s.data_api_url, f"https://{LEGACY_DATA_API_HOST}"]
    )  # ordered, unique

    storage = [f"https://{h}" for h in (*STORAGE_HOSTS, *(f"*{suffix}" for suffix in s.allowed_suffixes))]
    if s.sandbox_storage_url:  # already a URL: the sandbox's object store, on loopback
        storage.append(s.sandbox_storage_url)
    return list(api_hosts) + [f"{url} (URLs the API hands back, no token)" for url in storage]


@click.command("doctor")
@json_option
@pass_env
def cli(env: Env, as_json: bool) -> None:
    """Check the token, permission mode, hosts and rate-limit budget (exit 1 when something is wrong)."""
    settings = env.settings
    client = env.client()
    report: dict[str, object] = {
        "api_url": settings.api_url,
        "data_api_url": settings.data_api_url,
        "permission": settings.permission,
        "noninteractive_writes": settings.noninteractive_writes,
        "allowed_hosts": _hosts(env),
    }
    if settings.permission_unknown:
        report["permission_warning"] = f"HEROKU_PERMISSION={settings.permission_raw!r} is treated as readonly"
    ok = True
    try:
        report["token_source"] = client.token.source
        acct = account.info(client)
        report["account"] = acct.get("email")
        report["token_valid"] = True
        report["rate_limit_remaining"] = account.rate_limit(client)
        report.update(token_scope_report(client))
    except NoToken as exc:
        report["token_source"] = None
        report["token_valid"] = False
        report["problem"] = exc.message
        ok = False
    except ApiError as exc:
        report["token_valid"] = False
        report["problem"] = exc.message
        ok = False
    except HkctlError as exc:  # unreachable host, refused URL: still a report, not a traceback
        report["problem"] = exc.message
        ok = False
    if as_json:
        emit_json(env.io, report)
    else:
        emit_fields(
            env.io,
            [
                (k.replace("_", " "), ", ".join(map(str, v)) if isinstance(v, list) else v)
                for k, v in report.items()
            ],
        )
    if not ok:
        raise click.exceptions.Exit(1)
