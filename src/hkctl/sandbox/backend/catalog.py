"""The sandbox's platform catalogue in one place: add-on services and plans (prices in cents), dyno sizes,
regions, stacks and features. Ids are stable (uuid5), so a plan or service keeps its id across runs.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from hkctl.sandbox.backend.apps import CEDAR, REGIONS, STACKS

#: When the catalogue was "published" (fixed, so created_at fields are stable).
CATALOGUE_DATE = "2024-01-01T00:00:00Z"
_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://hkctl.dev/sandbox/catalogue")


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(_NS, ":".join(parts)))


@dataclass(frozen=True)
class Plan:
    name: str  # the part after the colon: essential-0
    human_name: str
    cents: int  # list price per month
    default: bool = False
    description: str = ""


@dataclass(frozen=True)
class Service:
    """An add-on service: its plans, the attachment name it takes, the config vars it sets."""

    name: str
    human_name: str
    short: str  # add-on names look like `<short>-<word>-<number>`
    attachment: str  # default attachment name (DATABASE → DATABASE_URL)
    var_suffixes: tuple[str, ...]  # config vars set: <ATTACHMENT>_<suffix>
    plans: tuple[Plan, ...] = field(default=())
    asynchronous: bool = False  # provisioning → provisioned takes time (databases)
    cli_plugin_name: str | None = None

    @property
    def id(self) -> str:
        return stable_id("service", self.name)

    def plan(self, name: str | None) -> Plan | None:
        if name is None:
            return next((p for p in self.plans if p.default), self.plans[0])
        return next((p for p in self.plans if p.name == name.lower()), None)


SERVICES: tuple[Service, ...] = (
    Service(
        "heroku-postgresql",
        "Heroku Postgres",
        "postgresql",
        "DATABASE",
        ("URL",),
        (
            Plan("essential-0", "Essential 0", 500, True, "1 GB storage, 20 connections"),
            Plan("essential-1", "Essential 1", 900, False, "10 GB storage, 20 connections"),
            Plan("essential-2", "Essential 2", 2000, False, "32 GB storage, 40 connections"),
            Plan("standard-0", "Standard 0", 5000, False, "4 GB RAM, 64 GB storage, 120 connections"),
            Plan("premium-0", "Premium 0", 20000, False, "4 GB RAM, 64 GB storage, high availability"),
        ),
        asynchronous=True,
        cli_plugin_name="postgresql",
    ),
    Service(
        "heroku-redis",
        "Heroku Key-Value Store",
        "redis",
        "REDIS",
        ("URL",),
        (
            Plan("mini", "Mini", 300, True, "25 MB, 20 connections"),
            Plan("premium-0", "Premium 0", 1500, False, "50 MB, 40 connections, high availability"),
        ),
        asynchronous=True,
        cli_plugin_name="redis",
    ),
    Service(
        "papertrail",
        "Papertrail",
        "papertrail",
        "PAPERTRAIL",
        ("API_TOKEN",),
        (
            Plan("choklad", "Choklad", 0, True, "50 MB/month, 2 days search"),
            Plan("fixa", "Fixa", 700, False, "1 GB/month, 7 days search"),
        ),
    ),
    Service(
        "scheduler",
        "Heroku Scheduler",
        "scheduler",
        "SCHEDULER",
        (),
        (Plan("standard", "Standard", 0, True, "Run tasks every 10 minutes, hour or day"),),
    ),
)


def service(name: str) -> Service | None:
    return next((s for s in SERVICES if name in (s.name, s.id)), None)


def resolve_plan(spec: str) -> tuple[Service, Plan] | None:
    """`heroku-postgresql:essential-0`, a bare service (its default plan) or a plan id."""
    for s in SERVICES:
        for p in s.plans:
            if spec == stable_id("plan", s.name, p.name):
                return s, p
    name, _, plan_name = spec.partition(":")
    svc = service(name)
    if svc is None:
        return None
    plan = svc.plan(plan_name or None)
    return (svc, plan) if plan else None


def service_json(s: Service) -> dict[str, Any]:
    return {
        "cli_plugin_name": s.cli_plugin_name,
        "created_at": CATALOGUE_DATE,
        "human_name": s.human_name,
        "id": s.id,
        "name": s.name,
        "state": "ga",
        "supports_multiple_installations": True,
        "supports_sharing": True,
        "updated_at": CATALOGUE_DATE,
        "supported_generations": [dict(CEDAR)],
    }


def plan_json(s: Service, p: Plan) -> dict[str, Any]:
    return {
        "addon_service": {"id": s.id, "name": s.name},
        "created_at": CATALOGUE_DATE,
        "compliance": None,
        "default": p.default,
        "description": p.description,
        "human_name": p.human_name,
        "id": stable_id("plan", s.name, p.name),
        "installable_inside_private_network": False,
        "installable_outside_private_network": True,
        "name": f"{s.name}:{p.name}",
        "price": {"cents": p.cents, "contract": False, "unit": "month"},
        "space_default": False,
        "state": "public",
        "updated_at": CATALOGUE_DATE,
        "visible": True,
    }


# ------------------------------------------------------------------ dyno sizes (facts.md §11)
#: name → (memory GB, compute, dedicated, precise dyno units, monthly cents)
DYNO_SIZES: dict[str, tuple[float, int, bool, float, int]] = {
    "Eco": (0.5, 1, False, 0.28, 0),
    "Basic": (0.5, 1, False, 0.28, 700),
    "Standard-1X": (0.5, 1, False, 1.0, 2500),
    "Standard-2X": (1.0, 2, False, 2.0, 5000),
    "Performance-M": (2.5, 12, True, 8.0, 25000),
    "Performance-L": (14.0, 50, True, 16.0, 50000),
    "Performance-L-RAM": (30.0, 24, True, 30.0, 50000),
    "Performance-XL": (62.0, 50, True, 60.0, 75000),
    "Performance-2XL": (126.0, 100, True, 72.0, 150000),
    # Private Space and Shield sizes (official CLI's prices; private_space_only)
    "Private-S": (1.0, 12, True, 8.0, 22500),
    "Private-M": (2.5, 12, True, 8.0, 45000),
    "Private-L": (14.0, 50, True, 16.0, 90000),
    "Private-L-RAM": (30.0, 24, True, 30.0, 50000),
    "Private-XL": (62.0, 50, True, 60.0, 75000),
    "Private-2XL": (126.0, 100, True, 72.0, 150000),
    "Shield-S": (1.0, 12, True, 8.0, 27000),
    "Shield-M": (2.5, 12, True, 8.0, 54000),
    "Shield-L": (14.0, 50, True, 16.0, 108000),
    "Shield-L-RAM": (30.0, 24, True, 30.0, 60000),
    "Shield-XL": (62.0, 50, True, 60.0, 90000),
    "Shield-2XL": (126.0, 100, True, 72.0, 180000),
}


def dyno_size_json(name: str) -> dict[str, Any]:
    memory, compute, dedicated, units, cents = DYNO_SIZES[name]
    return {
        "architecture": "amd64",
        "compute": compute,
        "cost": {"cents": cents, "unit": "month"},
        "dedicated": dedicated,
        "precise_dyno_units": units,
        "generation": dict(CEDAR),
        "id": stable_id("dyno-size", name),
        "memory": memory,
        "name": name,
        "private_space_only": name.startswith(("Private-", "Shield-")),
    }


# ------------------------------------------------------------------ regions, stacks, features
_REGION_INFO = {
    "us": ("United States", "United States", "Virginia", "us-east-1"),
    "eu": ("Europe", "Ireland", "Dublin", "eu-west-1"),
}


def region_json(name: str) -> dict[str, Any]:
    description, country, locale, aws_region = _REGION_INFO[name]
    return {
        "country": country,
        "created_at": CATALOGUE_DATE,
        "description": description,
        "id": REGIONS[name],
        "locale": locale,
        "name": name,
        "private_capable": False,
        "provider": {"name": "amazon-web-services", "region": aws_region},
        "updated_at": CATALOGUE_DATE,
    }


def stack_json(name: str) -> dict[str, Any]:
    return {
        "default": name == "heroku-24",
        "created_at": CATALOGUE_DATE,
        "id": STACKS[name],
        "name": name,
        "state": "supported",
        "updated_at": CATALOGUE_DATE,
    }


#: (name, description, doc_url) of the features the sandbox knows; all disabled by default.
APP_FEATURES = (
    ("preboot", "Provide seamless web dyno deploys.", "https://devcenter.heroku.com/articles/preboot"),
    (
        "runtime-dyno-metadata",
        "Provide information about the app and environment through config vars.",
        "https://devcenter.heroku.com/articles/dyno-metadata",
    ),
    (
        "log-runtime-metrics",
        "Emit dyno resource usage information into app logs.",
        "https://devcenter.heroku.com/articles/log-runtime-metrics",
    ),
)
ACCOUNT_FEATURES = (
    (
        "account-verification",
        "Verify the account before using paid resources.",
        "https://devcenter.heroku.com/articles/account-verification",
    ),
)


def feature_json(kind: str, name: str, description: str, doc_url: str, enabled: bool) -> dict[str, Any]:
    return {
        "created_at": CATALOGUE_DATE,
        "description": description,
        "doc_url": doc_url,
        "enabled": enabled,
        "id": stable_id(kind, name),
        "name": name,
        "state": "general",
        "updated_at": CATALOGUE_DATE,
        "display_name": name.replace("-", " ").capitalize(),
        "feedback_email": "feedback@heroku.com",
    }
