"""Every known (METHOD, path template) and the named Action it performs, classified by intent.

The guard decides on the Action, not on the HTTP method: creating a log session is a POST but a
read; capturing a backup is a write. A request that matches no template is classified by method
(GET/HEAD read, anything else write) so that the raw `hkctl api` command stays guarded.
The sandbox serves the same templates, and `hkctl sandbox coverage` compares both with the schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class Risk(StrEnum):
    """How much a request can lose: the guard's three kinds (a StrEnum: compares equal to its value)."""

    READ = "read"
    WRITE = "write"
    DESTRUCTIVE = "destructive"


READ, WRITE, DESTRUCTIVE = Risk.READ, Risk.WRITE, Risk.DESTRUCTIVE
PLATFORM, DATA = "platform", "data"


@dataclass(frozen=True)
class Action:
    """A named operation: what it does, how risky it is, how its body must be redacted."""

    name: str
    method: str
    template: str
    kind: Risk  # the route's base risk; guard/decide.py may raise it from the body and the app
    description: str
    api: str = PLATFORM
    secret_body: bool = False  # every value in the body is a secret (config vars)
    accept: str | None = None  # Accept variant, e.g. "3.webhooks"

    @property
    def is_write(self) -> bool:
        return self.kind != READ

    @property
    def idempotent(self) -> bool:
        return self.method in ("GET", "HEAD", "PUT", "PATCH", "DELETE")


def _a(name: str, method: str, template: str, kind: Risk, description: str, **kw: object) -> Action:
    return Action(name, method, template, kind, description, **kw)  # type: ignore[arg-type]


ACTIONS: tuple[Action, ...] = (
    # account, rate limits, tokens
    _a("account_info", "GET", "/account", READ, "show the account"),
    _a("rate_limit_info", "GET", "/account/rate-limits", READ, "show the rate-limit budget"),
    _a("account_features_list", "GET", "/account/features", READ, "list account features"),
    _a("users_apps_list", "GET", "/users/{user}/apps", READ, "list apps owned and collaborated"),
    _a("users_info", "GET", "/users/{user}", READ, "show a user"),
    _a("tokens_list", "GET", "/oauth/authorizations", READ, "list OAuth authorizations"),
    _a("tokens_info", "GET", "/oauth/authorizations/{authorization}", READ, "show an OAuth authorization"),
    _a(
        "tokens_create",
        "POST",
        "/oauth/authorizations",
        WRITE,
        "create an OAuth authorization (scoped token)",
    ),
    _a(
        "tokens_revoke",
        "DELETE",
        "/oauth/authorizations/{authorization}",
        DESTRUCTIVE,
        "revoke an OAuth authorization",
    ),
    _a(
        "tokens_regenerate",
        "POST",
        "/oauth/authorizations/{authorization}/actions/regenerate-tokens",
        DESTRUCTIVE,
        "regenerate an OAuth authorization's tokens (the current ones stop working)",
    ),
    # app ownership: a transfer hands the app (and its data) to someone else
    _a(
        "app_transfers_create",
        "POST",
        "/account/app-transfers",
        DESTRUCTIVE,
        "transfer an app to another owner",
    ),
    _a(
        "team_apps_update",
        "PATCH",
        "/teams/apps/{app}",
        DESTRUCTIVE,
        "transfer a team app or change its lock",
    ),
    # platform catalogue
    _a("regions_list", "GET", "/regions", READ, "list regions"),
    _a("stacks_list", "GET", "/stacks", READ, "list stacks"),
    _a("dyno_sizes_list", "GET", "/dyno-sizes", READ, "list dyno sizes"),
    _a("addon_services_list", "GET", "/addon-services", READ, "list add-on services"),
    _a("addon_services_info", "GET", "/addon-services/{service}", READ, "show an add-on service"),
    _a("addon_plans_list", "GET", "/addon-services/{service}/plans", READ, "list an add-on service's plans"),
    # teams: the fleet commands select a team's apps; apps create --team makes one there
    _a("teams_list", "GET", "/teams", READ, "list teams"),
    _a("teams_info", "GET", "/teams/{team}", READ, "show a team"),
    _a("team_apps_list", "GET", "/teams/{team}/apps", READ, "list a team's apps"),
    _a("team_apps_create", "POST", "/teams/apps", WRITE, "create an app in a team"),
    # apps
    _a("apps_list", "GET", "/apps", READ, "list apps"),
    _a("apps_info", "GET", "/apps/{app}", READ, "show an app"),
    _a("apps_create", "POST", "/apps", WRITE, "create an app"),
    _a("apps_update", "PATCH", "/apps/{app}", WRITE, "update an app (rename, maintenance)"),
    _a("apps_destroy", "DELETE", "/apps/{app}", DESTRUCTIVE, "destroy an app and everything in it"),
    _a("apps_filter", "POST", "/filters/apps", READ, "list apps by id (a POST that only reads)"),
    _a("app_features_list", "GET", "/apps/{app}/features", READ, "list app features"),
    _a("app_features_info", "GET", "/apps/{app}/features/{feature}", READ, "show an app feature"),
    # config vars
    _a("config_show", "GET", "/apps/{app}/config-vars", READ, "show config vars"),
    _a(
        "pipeline_stage_config_show",
        "GET",
        "/pipelines/{pipeline}/stage/{stage}/config-vars",
        READ,
        "show a pipeline stage's config vars",
    ),
    _a(
        "pipeline_stage_config_update",
        "PATCH",
        "/pipelines/{pipeline}/stage/{stage}/config-vars",
        WRITE,
        "set or unset a pipeline stage's config vars",
        secret_body=True,
    ),
    _a("addons_config_show", "GET", "/addons/{addon}/config", READ, "show an add-on's config"),
    _a(
        "addons_config_update",
        "PATCH",
        "/addons/{addon}/config",
        WRITE,
        "change an add-on's config",
    ),
    _a("app_setups_create", "POST", "/app-setups", WRITE, "create an app from a source (app setup)"),
    _a(
        "config_release_show",
        "GET",
        "/apps/{app}/releases/{release}/config-vars",
        READ,
        "show a release's config vars",
    ),
    _a(
        "config_update",
        "PATCH",
        "/apps/{app}/config-vars",
        WRITE,
        "set or unset config vars",
        secret_body=True,
    ),
    # formation and dynos
    _a("formation_list", "GET", "/apps/{app}/formation", READ, "show the formation"),
    _a("formation_info", "GET", "/apps/{app}/formation/{type}", READ, "show one process type"),
    _a("formation_batch_update", "PATCH", "/apps/{app}/formation", WRITE, "scale process types"),
    _a("formation_update", "PATCH", "/apps/{app}/formation/{type}", WRITE, "scale one process type"),
    _a("dynos_list", "GET", "/apps/{app}/dynos", READ, "list dynos"),
    _a("dynos_info", "GET", "/apps/{app}/dynos/{dyno}", READ, "show a dyno"),
    _a("dynos_create", "POST", "/apps/{app}/dynos", WRITE, "run a one-off dyno"),
    _a("dynos_restart_all", "DELETE", "/apps/{app}/dynos", WRITE, "restart all dynos"),
    _a("dynos_restart", "DELETE", "/apps/{app}/dynos/{dyno}", WRITE, "restart a dyno"),
    _a(
        "dynos_restart_type",
        "DELETE",
        "/apps/{app}/formations/{type}",
        WRITE,
        "restart every dyno of a process type",
    ),
    _a("dynos_stop", "POST", "/apps/{app}/dynos/{dyno}/actions/stop", WRITE, "stop a dyno"),
    _a(
        "dynos_stop_type",
        "POST",
        "/apps/{app}/formations/{type}/actions/stop",
        WRITE,
        "stop every dyno of a process type",
    ),
    # releases
    _a("releases_list", "GET", "/apps/{app}/releases", READ, "list releases"),
    _a("releases_info", "GET", "/apps/{app}/releases/{release}", READ, "show a release"),
    _a("releases_create", "POST", "/apps/{app}/releases", WRITE, "create a release or roll back"),
    # builds, slugs, sources
    _a("builds_list", "GET", "/apps/{app}/builds", READ, "list builds"),
    _a("builds_info", "GET", "/apps/{app}/builds/{build}", READ, "show a build"),
    _a("builds_create", "POST", "/apps/{app}/builds", WRITE, "build and release source code"),
    _a("builds_cancel", "DELETE", "/apps/{app}/builds/{build}", WRITE, "cancel a build"),
    _a("build_cache_delete", "DELETE", "/apps/{app}/build-cache", WRITE, "purge the build cache"),
    _a("slugs_info", "GET", "/apps/{app}/slugs/{slug}", READ, "show a slug"),
    _a("sources_create", "POST", "/sources", WRITE, "obtain a source upload URL"),
    # add-ons
    _a("addons_list_all", "GET", "/addons", READ, "list add-ons on the account"),
    _a("addons_info_global", "GET", "/addons/{addon}", READ, "show an add-on"),
    _a("addons_list", "GET", "/apps/{app}/addons", READ, "list add-ons"),
    _a("addons_info", "GET", "/apps/{app}/addons/{addon}", READ, "show an add-on"),
    _a("addons_create", "POST", "/apps/{app}/addons", WRITE, "create an add-on"),
    _a("addons_upgrade", "PATCH", "/apps/{app}/addons/{addon}", WRITE, "change an add-on's plan"),
    _a(
        "addons_destroy",
        "DELETE",
        "/apps/{app}/addons/{addon}",
        DESTRUCTIVE,
        "destroy an add-on and its data",
    ),
    _a("addon_attachments_list", "GET", "/addon-attachments", READ, "list add-on attachments"),
    _a(
        "addon_attachments_list_app",
        "GET",
        "/apps/{app}/addon-attachments",
        READ,
        "list an app's add-on attachments",
    ),
    _a("addons_resolve", "POST", "/actions/addons/resolve", READ, "resolve an add-on name"),
    _a(
        "addon_attachments_resolve",
        "POST",
        "/actions/addon-attachments/resolve",
        READ,
        "resolve an add-on attachment",
    ),
    # domains and certificates
    _a("domains_list", "GET", "/apps/{app}/domains", READ, "list domains"),
    _a("domains_info", "GET", "/apps/{app}/domains/{domain}", READ, "show a domain"),
    _a("domains_add", "POST", "/apps/{app}/domains", WRITE, "add a custom domain"),
    _a("domains_update", "PATCH", "/apps/{app}/domains/{domain}", WRITE, "update a domain"),
    _a("domains_remove", "DELETE", "/apps/{app}/domains/{domain}", WRITE, "remove a domain"),
    _a("certs_list", "GET", "/apps/{app}/sni-endpoints", READ, "list SSL certificates"),
    _a("certs_info", "GET", "/apps/{app}/sni-endpoints/{cert}", READ, "show an SSL certificate"),
    # the certificate chain is public (every TLS client receives it) and shown; `private_key` is
    # redacted by its name like every secret-named field
    _a("certs_add", "POST", "/apps/{app}/sni-endpoints", WRITE, "add an SSL certificate"),
    _a("certs_update", "PATCH", "/apps/{app}/sni-endpoints/{cert}", WRITE, "replace an SSL certificate"),
    _a("certs_remove", "DELETE", "/apps/{app}/sni-endpoints/{cert}", WRITE, "remove an SSL certificate"),
    # logs
    _a("log_sessions_create", "POST", "/apps/{app}/log-sessions", READ, "open a log session (a read)"),
    _a("drains_list", "GET", "/apps/{app}/log-drains", READ, "list log drains"),
    _a("drains_info", "GET", "/apps/{app}/log-drains/{drain}", READ, "show a log drain"),
    _a("drains_add", "POST", "/apps/{app}/log-drains", WRITE, "add a log drain"),
    _a("drains_remove", "DELETE", "/apps/{app}/log-drains/{drain}", WRITE, "remove a log drain"),
    # collaborators
    _a("access_list", "GET", "/apps/{app}/collaborators", READ, "list collaborators"),
    _a("access_info", "GET", "/apps/{app}/collaborators/{collaborator}", READ, "show a collaborator"),
    _a("access_add", "POST", "/apps/{app}/collaborators", WRITE, "add a collaborator"),
    _a("access_remove", "DELETE", "/apps/{app}/collaborators/{collaborator}", WRITE, "remove a collaborator"),
    # pipelines
    _a("pipelines_list", "GET", "/pipelines", READ, "list pipelines"),
    _a("pipelines_info", "GET", "/pipelines/{pipeline}", READ, "show a pipeline"),
    _a("pipelines_create", "POST", "/pipelines", WRITE, "create a pipeline"),
    _a("pipelines_update", "PATCH", "/pipelines/{pipeline}", WRITE, "rename a pipeline"),
    _a("pipelines_destroy", "DELETE", "/pipelines/{pipeline}", DESTRUCTIVE, "destroy a pipeline"),
    _a(
        "pipeline_couplings_list",
        "GET",
        "/pipelines/{pipeline}/pipeline-couplings",
        READ,
        "list a pipeline's apps",
    ),
    _a("pipeline_couplings_all", "GET", "/pipeline-couplings", READ, "list pipeline couplings"),
    _a("pipeline_couplings_info", "GET", "/pipeline-couplings/{coupling}", READ, "show a pipeline coupling"),
    _a(
        "pipeline_couplings_app",
        "GET",
        "/apps/{app}/pipeline-couplings",
        READ,
        "show an app's pipeline coupling",
    ),
    _a("pipeline_couplings_create", "POST", "/pipeline-couplings", WRITE, "add an app to a pipeline"),
    _a(
        "pipeline_couplings_update",
        "PATCH",
        "/pipeline-couplings/{coupling}",
        WRITE,
        "move an app to another stage",
    ),
    _a(
        "pipeline_couplings_delete",
        "DELETE",
        "/pipeline-couplings/{coupling}",
        WRITE,
        "remove an app from a pipeline",
    ),
    _a("pipeline_promotions_create", "POST", "/pipeline-promotions", WRITE, "promote a slug downstream"),
    _a("pipeline_promotions_info", "GET", "/pipeline-promotions/{promotion}", READ, "show a promotion"),
    _a(
        "pipeline_promotion_targets_list",
        "GET",
        "/pipeline-promotions/{promotion}/promotion-targets",
        READ,
        "show a promotion's targets",
    ),
    _a(
        "pipeline_latest_releases",
        "GET",
        "/pipelines/{pipeline}/latest-releases",
        READ,
        "list a pipeline's latest releases",
    ),
    # review apps
    _a(
        "review_app_config_info",
        "GET",
        "/pipelines/{pipeline}/review-app-config",
        READ,
        "show review-app settings",
    ),
    _a(
        "review_app_config_enable",
        "POST",
        "/pipelines/{pipeline}/review-app-config",
        WRITE,
        "enable review apps",
    ),
    _a(
        "review_app_config_update",
        "PATCH",
        "/pipelines/{pipeline}/review-app-config",
        WRITE,
        "change review-app settings",
    ),
    _a(
        "review_app_config_disable",
        "DELETE",
        "/pipelines/{pipeline}/review-app-config",
        WRITE,
        "disable review apps",
    ),
    _a("review_apps_list", "GET", "/pipelines/{pipeline}/review-apps", READ, "list review apps"),
    _a("review_apps_create", "POST", "/review-apps", WRITE, "create a review app"),
    _a("review_apps_info", "GET", "/review-apps/{review_app}", READ, "show a review app"),
    _a(
        "review_apps_destroy",
        "DELETE",
        "/review-apps/{review_app}",
        DESTRUCTIVE,
        "destroy a review app and its app",
    ),
    _a("review_apps_by_app", "GET", "/apps/{app}/review-app", READ, "show the review app of an app"),
    # webhooks
    _a("webhooks_list", "GET", "/apps/{app}/webhooks", READ, "list webhooks", accept="3.webhooks"),
    _a("webhooks_info", "GET", "/apps/{app}/webhooks/{webhook}", READ, "show a webhook", accept="3.webhooks"),
    _a(
        "webhooks_create",
        "POST",
        "/apps/{app}/webhooks",
        WRITE,
        "create a webhook",
        accept="3.webhooks",
        secret_body=False,
    ),
    _a(
        "webhooks_update",
        "PATCH",
        "/apps/{app}/webhooks/{webhook}",
        WRITE,
        "update a webhook",
        accept="3.webhooks",
    ),
    _a(
        "webhooks_destroy",
        "DELETE",
        "/apps/{app}/webhooks/{webhook}",
        WRITE,
        "delete a webhook",
        accept="3.webhooks",
    ),
    _a(
        "webhook_deliveries_list",
        "GET",
        "/apps/{app}/webhook-deliveries",
        READ,
        "list webhook deliveries",
        accept="3.webhooks",
    ),
    _a(
        "webhook_deliveries_info",
        "GET",
        "/apps/{app}/webhook-deliveries/{delivery}",
        READ,
        "show a webhook delivery",
        accept="3.webhooks",
    ),
    _a(
        "webhook_events_list",
        "GET",
        "/apps/{app}/webhook-events",
        READ,
        "list webhook events",
        accept="3.webhooks",
    ),
    _a(
        "webhook_events_info",
        "GET",
        "/apps/{app}/webhook-events/{event}",
        READ,
        "show a webhook event",
        accept="3.webhooks",
    ),
    # Postgres (data API host)
    _a("pg_info", "GET", "/client/v11/databases/{db}", READ, "show database info", api=DATA),
    _a(
        "pg_wait_status",
        "GET",
        "/client/v11/databases/{db}/wait_status",
        READ,
        "show database readiness",
        api=DATA,
    ),
    _a(
        "pg_backups_capture",
        "POST",
        "/client/v11/databases/{db}/backups",
        WRITE,
        "capture a database backup",
        api=DATA,
    ),
    _a(
        "pg_reset",
        "PUT",
        "/client/v11/databases/{db}/reset",
        DESTRUCTIVE,
        "reset a database (every table is dropped)",
        api=DATA,
    ),
    _a(
        "pg_restore",
        "POST",
        "/client/v11/databases/{db}/restores",
        DESTRUCTIVE,
        "restore a backup over a database",
        api=DATA,
    ),
    _a(
        "pg_copy",
        "POST",
        "/client/v11/databases/{db}/transfers",
        DESTRUCTIVE,
        "copy data over a database (pg:copy)",
        api=DATA,
    ),
    _a(
        "pg_transfers_list",
        "GET",
        "/client/v11/apps/{app}/transfers",
        READ,
        "list backups and transfers",
        api=DATA,
    ),
    _a(
        "pg_transfers_info",
        "GET",
        "/client/v11/apps/{app}/transfers/{transfer}",
        READ,
        "show a backup",
        api=DATA,
    ),
    _a(
        "pg_transfers_delete",
        "DELETE",
        "/client/v11/apps/{app}/transfers/{transfer}",
        DESTRUCTIVE,
        "delete a backup",
        api=DATA,
    ),
    _a(
        "pg_backups_url",
        "POST",
        "/client/v11/apps/{app}/transfers/{transfer}/actions/public-url",
        READ,
        "get a backup's download URL",
        api=DATA,
    ),
)


@lru_cache(maxsize=1)
def _by_segments() -> list[tuple[tuple[str, ...], Action]]:
    """Each template split at "/"; a `{name}` segment matches any one non-empty segment. Plain string
    comparisons: a regex compiled per route cost ~5 ms on the first request of every command."""
    table = [(tuple(action.template.split("/")), action) for action in ACTIONS]
    # Literal segments beat parameters: sort so that templates with fewer parameters match first.
    table.sort(key=lambda item: item[1].template.count("{"))
    return table


def _params(template: tuple[str, ...], parts: list[str]) -> dict[str, str] | None:
    """The template's parameters taken from `parts`, or None when the path does not fit it."""
    if len(template) != len(parts):
        return None
    params = {}
    for want, got in zip(template, parts, strict=True):
        if want.startswith("{") and want.endswith("}"):
            if not got:
                return None
            params[want[1:-1]] = got
        elif want != got:
            return None
    return params


def by_name(name: str) -> Action:
    for action in ACTIONS:
        if action.name == name:
            return action
    raise KeyError(name)


def unknown(method: str, path: str) -> Action:
    """A request no template knows: GET/HEAD read, DELETE destructive, any other method a write."""
    method = method.upper()
    kind = READ if method in ("GET", "HEAD") else DESTRUCTIVE if method == "DELETE" else WRITE
    return Action(f"raw_{method.lower()}", method, path, kind, f"{method} {path} (unknown route)")


def match_params(method: str, path: str) -> tuple[Action, dict[str, str]]:
    """The Action for a request and the values of its template's parameters (still URL-quoted)."""
    path = path.split("?", 1)[0].rstrip("/") or "/"
    method = method.upper()
    parts = path.split("/")
    for template, action in _by_segments():
        if action.method == method:
            params = _params(template, parts)
            if params is not None:
                return action, params
    return unknown(method, path), {}


def match(method: str, path: str) -> Action:
    """The Action for a request; unknown requests are classified by method, conservatively."""
    return match_params(method, path)[0]
