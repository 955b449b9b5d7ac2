"""The `fleet` scenario: 300 apps over five teams and a personal account, 40 pipelines, written in bulk.

What it holds (every fleet test and the fleet bench lean on these facts; change them with the tests):
- teams payments, growth, platform, data, mobile; each has 8 pipelines (`<team>-<service>`, a
  staging and a production app) and 36 standalone apps (`<team>-app-01`…`-36`); 40 personal
  apps (`personal-01`…`-40`) belong to the demo account. 80 + 180 + 40 = 300 apps.
- stacks: heroku-24 by default; heroku-22 on every 15th app; the end-of-life ones are listed in
  `STACKS` (heroku-20, heroku-18) and two apps run the container stack.
- sizes: production web Standard-2X ×2 (data: Performance-M ×2), staging and team apps
  Standard-1X ×1, personal apps Basic (even) or Eco (odd); every third app has a Standard-1X worker.
- add-ons: production heroku-postgresql:standard-0 (payments production also heroku-redis:mini),
  staging and even team apps heroku-postgresql:essential-0.
- stale apps (`STALE`, last release months ago), maintenance on (`MAINTENANCE`), unhealthy apps
  (`CRASHED`, `FAILED_RELEASE`, `PROVISIONING`), one app the token may not read (`DENIED`: 403).
- drift: config keys and formations that differ between stages (`CONFIG_DRIFT`, `FORMATION_DRIFT`),
  and apps without SENTRY_DSN (`NO_SENTRY`).

Documents are built here and written straight to the store in one transaction (no per-app
lifecycle, no events, no build logs), so the whole scenario seeds in well under a second.
"""

from __future__ import annotations

import random
import uuid
from typing import TYPE_CHECKING, Any

from hkctl.sandbox.backend.apps import CEDAR, REGIONS
from hkctl.sandbox.backend.catalog import resolve_plan
from hkctl.sandbox.backend.dynos import size_ref
from hkctl.sandbox.clock import iso

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox

DAY = 86400.0
TEAMS = ("payments", "growth", "platform", "data", "mobile")
SERVICES = ("api", "web", "worker", "auth", "billing", "search", "events", "admin")
STACK_IDS = {
    "heroku-24": "f7bd2c3a-30bd-4e3f-b2a4-4b4ab1a2c0d8",
    "heroku-22": "ee582d3c-717d-4a57-ba5f-8b3a39f3a817",
    "heroku-20": "74cfe988-7527-4ca4-a0c2-4a9e6e4ab6a8",
    "heroku-18": "3e5a4a3c-1d0e-4f6f-9a8e-6c7d5b4a3f21",
    "container": "69ba5e3c-8c0c-4b6b-8d3f-1b2a3c4d5e6f",
}
STACKS = {
    "payments-app-03": "heroku-20",
    "growth-app-11": "heroku-20",
    "data-app-20": "heroku-20",
    "mobile-search-production": "heroku-20",
    "personal-07": "heroku-20",
    "personal-13": "heroku-18",
    "platform-app-05": "container",
    "platform-app-06": "container",
}
#: app -> days since its last release
STALE = {
    "payments-app-17": 120,
    "growth-app-11": 400,
    "platform-app-08": 95,
    "data-admin-staging": 200,
    "mobile-app-30": 365,
    "personal-07": 730,
    "personal-29": 91,
}
MAINTENANCE = ("growth-app-02", "personal-21")
CRASHED = ("payments-api-production", "data-app-09")
FAILED_RELEASE = ("mobile-app-14",)
PROVISIONING = ("growth-web-staging",)
DENIED = ("platform-app-33",)
NO_SENTRY = ("growth-app-05", "data-app-17", "personal-03", "platform-worker-staging")
#: pipeline -> {stage: extra config keys only that stage has}
CONFIG_DRIFT = {
    "payments-billing": {"staging": ("FEATURE_LEDGER_V2",)},
    "mobile-auth": {"production": ("STRIPE_WEBHOOK_SECRET",)},
    "platform-worker": {"production": ("SENTRY_DSN",)},  # staging is in NO_SENTRY
}
#: pipeline -> {stage: {type: (quantity, size)}} replacing that stage's formation
FORMATION_DRIFT = {
    "growth-search": {"production": {"web": (1, "Standard-1X")}, "staging": {"web": (1, "Standard-2X")}},
    "payments-events": {
        "staging": {"web": (1, "Standard-1X"), "worker": (1, "Standard-1X")},
        "production": {"web": (2, "Standard-2X")},
    },
}


def layout() -> list[tuple[str, str | None, str | None, str | None]]:
    """(app, team, pipeline, stage) of every app, in seeding order."""
    out: list[tuple[str, str | None, str | None, str | None]] = []
    for team in TEAMS:
        for service in SERVICES:
            for stage in ("staging", "production"):
                out.append((f"{team}-{service}-{stage}", team, f"{team}-{service}", stage))
    for team in TEAMS:
        out += [(f"{team}-app-{n:02d}", team, None, None) for n in range(1, 37)]
    out += [(f"personal-{n:02d}", None, None, None) for n in range(1, 41)]
    return out


def _formation(i: int, name: str, team: str | None, pipeline: str | None, stage: str | None) -> dict:
    if team is None:
        shape = {"web": (1, "Basic" if i % 2 == 0 else "Eco")}
    elif stage == "production":
        shape = {"web": (2, "Performance-M" if team == "data" else "Standard-2X")}
    else:
        shape = {"web": (1, "Standard-1X")}
    if (i // 2 if pipeline else i) % 3 == 0:  # both stages of a pipeline alike
        shape["worker"] = (1, "Standard-1X")
    if pipeline and stage and stage in FORMATION_DRIFT.get(pipeline, {}):
        shape = dict(FORMATION_DRIFT[pipeline][stage])
    return shape


def _addons(i: int, name: str, team: str | None, stage: str | None) -> list[str]:
    if stage == "production":
        return ["heroku-postgresql:standard-0"] + (["heroku-redis:mini"] if team == "payments" else [])
    if stage == "staging" or (team is not None and i % 2 == 0):
        return ["heroku-postgresql:essential-0"]
    return []


def seed_fleet(sb: Sandbox) -> dict[str, Any]:
    """Write the fleet scenario (see the module docstring) on top of the empty account."""
    from hkctl.sandbox.seed import seed_empty

    account = seed_empty(sb)
    rng = random.Random(14)
    now = sb.clock.now()

    def uid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    store = sb.store
    teams = {t: {"id": uid(), "name": t} for t in TEAMS}
    for t in TEAMS:
        store.put("team", _team(teams[t], iso(now - 900 * DAY)))
    pipelines: dict[str, dict[str, Any]] = {}
    for i, (name, team, pipeline, stage) in enumerate(layout()):
        created = now - (400 + i) * DAY
        released = now - STALE.get(name, i % 60 + 1) * DAY
        stack = STACKS.get(name) or ("heroku-22" if i % 15 == 1 else "heroku-24")
        owner = (
            {"email": f"{team}@herokumanager.com", "id": str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{team}.team"))}
            if team
            else {"email": account["email"], "id": account["id"]}
        )
        app: dict[str, Any] = {
            "id": uid(),
            "name": name,
            "acm": False,
            "archived_at": None,
            "buildpack_provided_description": None if stack == "container" else "Ruby",
            "build_stack": {"id": STACK_IDS[stack], "name": stack},
            "created_at": iso(created),
            "generation": CEDAR,
            "git_url": f"https://git.heroku.com/{name}.git",
            "internal_routing": None,
            "maintenance": name in MAINTENANCE,
            "owner": owner,
            "organization": teams[team] if team else None,
            "team": teams[team] if team else None,
            "region": {"id": REGIONS["eu" if i % 4 == 2 else "us"], "name": "eu" if i % 4 == 2 else "us"},
            "released_at": iso(released),
            "repo_size": None,
            "slug_size": None,
            "space": None,
            "stack": {"id": STACK_IDS[stack], "name": stack},
            "updated_at": iso(released),
            "web_url": f"https://{name}-{uid()[:12].replace('-', '')}.herokuapp.com/",
        }
        if name in DENIED:
            app["_denied"] = True
        config = {
            "LANG": "en_US.UTF-8",
            "RACK_ENV": stage or "production",
            "SENTRY_DSN": f"https://{uid()}@sentry.example/1",
        }
        if name in NO_SENTRY:
            del config["SENTRY_DSN"]
        for key in CONFIG_DRIFT.get(pipeline or "", {}).get(stage or "", ()):
            config[key] = uid()
        ref = {"id": app["id"], "name": name}
        for spec in _addons(i, name, team, stage):
            config.update(_addon(store, app, ref, spec, uid, iso(created), name in PROVISIONING))
        app["_config"] = config
        store.put("app", app)
        release = _releases(store, app, ref, account, uid, created, released, failed=name in FAILED_RELEASE)
        _runtime(
            store,
            ref,
            _formation(i, name, team, pipeline, stage),
            release,
            uid,
            iso(released),
            crashed=name in CRASHED,
        )
        if pipeline and stage:
            if pipeline not in pipelines:
                pipelines[pipeline] = {
                    "id": uid(),
                    "name": pipeline,
                    "owner": {"id": teams[team]["id"], "type": "team"} if team else None,
                    "created_at": iso(created),
                    "updated_at": iso(created),
                    "generation": CEDAR,
                }
                store.put("pipeline", pipelines[pipeline])
            coupling = {
                "app": {"id": app["id"]},
                "created_at": iso(created),
                "id": uid(),
                "pipeline": {"id": pipelines[pipeline]["id"]},
                "stage": stage,
                "updated_at": iso(created),
            }
            store.put("pipeline-coupling", coupling, parent=app["id"])
    return account


def _team(team: dict[str, str], at: str) -> dict[str, Any]:
    return {
        "id": team["id"],
        "name": team["name"],
        "created_at": at,
        "updated_at": at,
        "credit_card_collections": False,
        "default": False,
        "enterprise_account": None,
        "identity_provider": None,
        "membership_limit": None,
        "provisioned_licenses": False,
        "role": "admin",
        "type": "team",
    }


def _addon(store: Any, app: dict, ref: dict, spec: str, uid: Any, at: str, provisioning: bool) -> dict:
    resolved = resolve_plan(spec)
    assert resolved is not None, spec
    service, plan = resolved
    addon_id = uid()
    addon_name = f"{service.short}-{app['name']}"
    config = {
        f"{service.attachment}_{s}": f"{service.short}://u{addon_id[:8]}@db.example/{addon_id[9:13]}"
        for s in service.var_suffixes
    }
    addon = {
        "actions": [],
        "addon_service": {"id": service.id, "name": service.name},
        "billing_entity": {"id": app["id"], "name": app["name"], "type": "app"},
        "app": ref,
        "billed_price": {"cents": plan.cents, "contract": False, "unit": "month"},
        "config_vars": sorted(config),
        "created_at": at,
        "id": addon_id,
        "name": addon_name,
        "plan": {"id": _plan_id(service.name, plan.name), "name": f"{service.name}:{plan.name}"},
        "provider_id": f"resource-{addon_id[:8]}@heroku.com",
        "state": "provisioning" if provisioning else "provisioned",
        "updated_at": at,
        "web_url": f"https://addons-sso.heroku.com/apps/{app['id']}/addons/{addon_id}",
        "_config": {},
    }
    store.put("addon", addon, parent=app["id"])
    attachment = {
        "addon": {"id": addon_id, "name": addon_name, "app": ref},
        "app": ref,
        "created_at": at,
        "id": uid(),
        "name": service.attachment,
        "namespace": None,
        "updated_at": at,
        "web_url": addon["web_url"],
        "log_input_url": None,
    }
    store.put("addon-attachment", attachment, parent=app["id"])
    return config


def _plan_id(service: str, plan: str) -> str:
    from hkctl.sandbox.backend.catalog import stable_id

    return stable_id("plan", service, plan)


def _releases(
    store: Any,
    app: dict,
    ref: dict,
    account: dict,
    uid: Any,
    created: float,
    released: float,
    *,
    failed: bool,
) -> dict:
    user = {"email": account["email"], "id": account["id"]}
    latest: dict[str, Any] = {}
    for version, (at, description) in enumerate(
        ((created, "Initial release"), (released, "Deploy 1a2b3c4d")), 1
    ):
        latest = {
            "id": uid(),
            "version": version,
            "status": "failed" if failed and version == 2 else "succeeded",
            "description": description,
            "created_at": iso(at),
            "updated_at": iso(at),
            "slug": None,
            "user": user,
            "app": ref,
            "current": version == 2,
            "addon_plan_names": [],
            "artifacts": [],
            "output_stream_url": None,
            "eligible_for_rollback": version == 1,
            "_config": dict(app["_config"]),
        }
        store.put("release", latest, parent=app["id"])
    store.set_counter(f"release-version:{app['id']}", 2)
    return latest


def _runtime(store: Any, ref: dict, shape: dict, release: dict, uid: Any, at: str, *, crashed: bool) -> None:
    commands = {"web": "bundle exec puma -C config/puma.rb", "worker": "bundle exec sidekiq"}
    for ptype, (quantity, size) in shape.items():
        formation = {
            "id": uid(),
            "app": ref,
            "command": commands.get(ptype, ptype),
            "created_at": at,
            "dyno_size": size_ref(size),
            "quantity": quantity,
            "size": size,
            "type": ptype,
            "updated_at": at,
        }
        store.put("formation", formation, parent=ref["id"])
        for n in range(1, quantity + 1):
            dyno = {
                "id": uid(),
                "attach_url": None,
                "command": formation["command"],
                "created_at": at,
                "name": f"{ptype}.{n}",
                "release": {"id": release["id"], "version": release["version"]},
                "app": ref,
                "size": size,
                "state": "crashed" if crashed and ptype == "web" and n == 1 else "up",
                "type": ptype,
                "updated_at": at,
                "_gen": 0,
            }
            store.put("dyno", dyno, parent=ref["id"])
