"""Named scenarios: `demo` (the demo pipeline's apps and config) and `empty` (an account and a token).

The demo token is not a secret: it only opens the local sandbox. `make demo` and the tests use it.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from hkctl.sandbox.backend.apps import create_app
from hkctl.sandbox.backend.releases import create_release
from hkctl.sandbox.clock import iso

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox

SANDBOX_TOKEN = "HRKU-sandbox-0123456789abcdef0123456789abcdef"
DEMO_EMAIL = "demo@hkctl.dev"
DEMO_ACCOUNT_ID = "5c6d3e2f-0a1b-4c2d-8e3f-9a0b1c2d3e4f"


def _account(sb: Sandbox) -> dict[str, Any]:
    now = iso(sb.clock.now())
    account = {
        "id": DEMO_ACCOUNT_ID,
        "email": DEMO_EMAIL,
        "name": "Demo Operator",
        "allow_tracking": False,
        "beta": False,
        "created_at": now,
        "updated_at": now,
        "last_login": now,
        "federated": False,
        "identity_provider": None,
        "sms_number": None,
        "suspended_at": None,
        "delinquent_at": None,
        "two_factor_authentication": True,
        "verified": True,
        "country_of_residence": "United States",
        "default_organization": None,
        "default_team": None,
    }
    sb.store.put("account", account)
    return account


def add_token(
    sb: Sandbox, account: dict[str, Any], secret: str, *, scope: list[str], description: str
) -> dict[str, Any]:
    """An OAuth authorization whose access token opens the sandbox with `scope`."""
    now = iso(sb.clock.now())
    auth = {
        "id": sb.ids.new(),
        "access_token": {"expires_in": None, "id": sb.ids.new(), "token": secret},
        "client": None,
        "created_at": now,
        "description": description,
        "grant": None,
        "refresh_token": None,
        "session": None,
        "scope": scope,
        "updated_at": now,
        "user": {"id": account["id"], "email": account["email"], "full_name": account["name"]},
    }
    sb.store.put("oauth-authorization", auth)
    return auth


def seed_empty(sb: Sandbox) -> dict[str, Any]:
    account = _account(sb)
    add_token(sb, account, SANDBOX_TOKEN, scope=["global"], description="hkctl sandbox token")
    return account


def seed_demo(sb: Sandbox) -> dict[str, Any]:
    """The demo pipeline's two apps with the config a small Rails app would have."""
    account = seed_empty(sb)
    shared = {"RAILS_LOG_TO_STDOUT": "enabled", "WEB_CONCURRENCY": "2", "LANG": "en_US.UTF-8"}
    configs = {
        "demo-staging": {
            **shared,
            "RAILS_ENV": "staging",
            "SECRET_KEY_BASE": "stg-3f1c0e6b8a9d4f2e",
            "FEATURE_NEW_CHECKOUT": "true",
        },
        "demo-production": {
            **shared,
            "RAILS_ENV": "production",
            "SECRET_KEY_BASE": "prd-9a7e5c3b1d2f4a6c",
            "WEB_CONCURRENCY": "3",
        },
    }
    apps = {}
    for name, config in configs.items():
        app = create_app(sb, owner=account, name=name)
        app["_config"] = config
        sb.store.put("app", app)
        create_release(sb, app, description="Initial release", user=account, config={})
        create_release(sb, app, description=f"Set {', '.join(config)} config vars", user=account)
        apps[name] = app
    _seed_runtime(sb, account, apps)
    _seed_addons(sb, account, apps)
    _seed_delivery(sb, account, apps)
    _seed_logs(sb, account, apps)
    return account


# Each family fills in its part of the demo story (owners: runtime, add-ons, delivery, logs).
def _seed_runtime(sb: Sandbox, account: dict[str, Any], apps: dict[str, dict[str, Any]]) -> None:
    """Formation, dynos, a build and its slug for each demo app."""
    from hkctl.sandbox.backend import builds, dynos

    shapes = {  # type -> (quantity, size)
        "demo-staging": {"web": (1, "Standard-1X"), "worker": (1, "Standard-1X")},
        "demo-production": {"web": (2, "Standard-2X"), "worker": (1, "Standard-1X")},
    }
    for name, app in apps.items():
        # Two deploys of the demo Rails app, so that `releases rollback` has somewhere to go.
        for version in (
            "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
            "abc1234def5678901234567890abcdef12345678",
        ):
            url = f"https://github.com/hkctl/{name}/archive/{version}.tar.gz"
            source = {"url": url, "version": version}
            build = builds.new_build(sb, app, source_blob=source, buildpacks=None, user=account)
            builds.finish(sb, {"app": app["id"], "id": build["id"]})
        for ptype, (quantity, size) in shapes.get(name, {}).items():
            formation = dynos.find_formation(sb, app, ptype)
            if formation is not None:
                dynos.scale(sb, app, formation, quantity=quantity, size=size)
        for dyno in dynos.dynos(sb, app):  # the demo starts with everything up
            dynos.mark_up(sb, {"app": app["id"], "id": dyno["id"], "gen": dyno["_gen"]})
        # Later seed steps make releases (add-ons), which restart dynos; settle them at the first request.
        sb.schedule(0, "dyno_settle", {"app": app["id"]})


def _seed_addons(sb: Sandbox, account: dict[str, Any], apps: dict[str, dict[str, Any]]) -> None:
    """Add-ons (heroku-postgresql on both apps, redis on production), domains, collaborators.

    Attaching makes releases (`Attach DATABASE (@ref:…)`), as on Heroku; every add-on is provisioned.
    """
    from hkctl.sandbox.backend.addons import provision
    from hkctl.sandbox.handlers.collaborators import add_collaborator
    from hkctl.sandbox.handlers.domains import create_custom

    staging, production = apps["demo-staging"], apps["demo-production"]
    provision(sb, staging, "heroku-postgresql:essential-0", user=account, state="provisioned")
    provision(sb, production, "heroku-postgresql:standard-0", user=account, state="provisioned")
    provision(sb, production, "heroku-redis:mini", user=account, state="provisioned")
    domain = create_custom(sb, production, "www.demo-shop.example", None)
    domain["status"] = "succeeded"
    sb.store.put("domain", domain)
    now = iso(sb.clock.now())
    people = (("alice@demo-shop.example", "Alice Developer"), ("bob@demo-shop.example", "Bob Ops"))
    for email, name in people:  # accounts that can be added as collaborators
        user = {**account, "id": str(uuid.uuid5(uuid.NAMESPACE_URL, email)), "email": email}
        user.update(name=name, two_factor_authentication=False, created_at=now, updated_at=now)
        sb.store.put("account", user)
    alice = sb.store.first("account", email="alice@demo-shop.example") or {}
    add_collaborator(sb, production, alice, now)
    from hkctl.sandbox.seed_fleet import _team

    # a team with no apps yet: `apps create --team demo-shop`, `pipelines create --team demo-shop`
    team = {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, "team:demo-shop")), "name": "demo-shop"}
    sb.store.put("team", _team(team, now))


def _seed_delivery(sb: Sandbox, account: dict[str, Any], apps: dict[str, dict[str, Any]]) -> None:
    """The `demo` pipeline (staging, production), webhooks, backups."""
    from hkctl.sandbox.backend.pipelines import seed_pipeline
    from hkctl.sandbox.backend.postgres import seed_backup

    seed_pipeline(sb, account, apps)
    if "demo-production" in apps:
        seed_backup(sb, apps["demo-production"])  # one completed backup, when the database exists


def _seed_logs(sb: Sandbox, account: dict[str, Any], apps: dict[str, dict[str, Any]]) -> None:
    """The log story: a slow endpoint and a dyno near its memory quota on demo-production."""
    from hkctl.sandbox.seed_logs import seed_logs

    seed_logs(sb, apps)


def seed_fleet(sb: Sandbox) -> dict[str, Any]:
    """300 apps across teams and pipelines (sandbox/seed_fleet.py), for the fleet commands."""
    from hkctl.sandbox.seed_fleet import seed_fleet as fleet

    return fleet(sb)


SCENARIOS = {"demo": seed_demo, "empty": seed_empty, "fleet": seed_fleet}


def seed(sb: Sandbox, scenario: str | None) -> dict[str, Any]:
    from hkctl.sandbox.routing import ApiFault

    if scenario is None:
        return {}
    if scenario not in SCENARIOS:
        raise ApiFault(404, "not_found", f"unknown scenario {scenario!r}; known: {sorted(SCENARIOS)}")
    with sb.store.tx():
        SCENARIOS[scenario](sb)
    return {"scenario": scenario, "token": SANDBOX_TOKEN, "apps": [a["name"] for a in sb.store.all("app")]}
