"""Add-ons: list, info, create, change plan, destroy; attachments; the service and plan catalogue."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hkctl.errors import NotFound, UsageError
from hkctl.resources._record import Record, check_app, name_of
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient

#: `service:plan` (or a bare service, which Heroku gives its default plan)
PLAN = re.compile(r"^[a-z0-9][a-z0-9-]*(:[a-z0-9][a-z0-9-]*)?$")
ADDON = re.compile(r"^[a-zA-Z][A-Za-z0-9_-]+$")
CONFIG_KEY = re.compile(r"^[A-Za-z_][\w.-]*$")


@dataclass(frozen=True, kw_only=True)
class Price(Record):
    """A price object of the API (an add-on's `billed_price`, a plan's `price`): `cents` per `unit`
    (`month` or `hour`); `contract` when it was negotiated outside the list price."""

    cents: int | None
    unit: str
    contract: bool

    @classmethod
    def from_api(cls, d: Any) -> Price | None:
        """The price, or None when the API sent none (null or not an object)."""
        if not isinstance(d, Mapping):
            return None
        cents = d.get("cents")
        return cls(
            raw=d,
            cents=int(cents) if cents is not None else None,
            unit=str(d.get("unit") or "month").lower(),
            contract=bool(d.get("contract")),
        )


@dataclass(frozen=True, kw_only=True)
class Plan(Record):
    """An add-on plan of the catalogue (API object `plan`): its `service:plan` name and its list price."""

    id: str | None
    name: str
    price: Price | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Plan:
        """From the API's plan JSON (GET /addon-services/{service}/plans)."""
        return cls(raw=d, id=d.get("id"), name=d["name"], price=Price.from_api(d.get("price")))


@dataclass(frozen=True, kw_only=True)
class Addon(Record):
    """An add-on (API object `add-on`): service, plan, state, the config vars it owns; price in cents."""

    id: str
    name: str
    service: str | None
    plan: str | None
    state: str | None
    app: str | None
    app_id: str | None
    config_vars: tuple[str, ...]
    price_cents: int | None
    billed_price: Price | None
    web_url: str | None
    provision_message: str | None  # said once, by the create answer
    created_at: str | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Addon:
        price = d.get("billed_price") or {}
        return cls(
            raw=d,
            id=d["id"],
            name=d["name"],
            service=name_of(d.get("addon_service")),
            plan=name_of(d.get("plan")),
            state=d.get("state"),
            app=name_of(d.get("app")),
            app_id=name_of(d.get("app"), "id"),
            config_vars=tuple(d.get("config_vars") or ()),
            price_cents=price.get("cents"),
            billed_price=Price.from_api(d.get("billed_price")),
            web_url=d.get("web_url"),
            provision_message=d.get("provision_message"),
            created_at=d.get("created_at"),
        )

    @property
    def price(self) -> str:
        """`$50/month`, `free`, or empty when unknown."""
        if self.price_cents is None:
            return ""
        return "free" if self.price_cents == 0 else f"${self.price_cents / 100:g}/month"


@dataclass(frozen=True, kw_only=True)
class Attachment(Record):
    """An add-on attachment (API object `add-on-attachment`): an add-on attached to an app under a name."""

    id: str
    name: str
    addon: str | None
    app: str | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Attachment:
        return cls(
            raw=d, id=d["id"], name=d["name"], addon=name_of(d.get("addon")), app=name_of(d.get("app"))
        )


def check_plan(plan: str) -> str:
    """`plan` when it reads SERVICE[:PLAN] (lowercase, dashes), else UsageError (exit 2)."""
    if not isinstance(plan, str) or not PLAN.match(plan):
        raise UsageError(f"invalid plan {plan!r}: use SERVICE:PLAN, e.g. heroku-postgresql:essential-0")
    return plan


def check_addon(name: str) -> str:
    """`name` when it can name an add-on (name, id or attachment name), else UsageError (exit 2)."""
    if not isinstance(name, str) or not ADDON.match(name):
        raise UsageError(
            f"invalid add-on {name!r}: give its name (postgresql-curved-12345), id or attachment (DATABASE)"
        )
    return name


def parse_config(pairs: Iterable[str]) -> dict[str, str]:
    """`--config K=V` options (provider settings such as `version=16`) into a dict."""
    config: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not CONFIG_KEY.match(key):
            raise UsageError(f"expected --config KEY=VALUE, got {pair.split('=')[0]!r}")
        config[key] = value
    return config


def list_(client: HerokuClient, app: str) -> Iterator[Addon]:
    """Every add-on of the app (GET /apps/{app}/addons, every page); NotFound for an unknown app."""
    for item in client.paginate(f"/apps/{seg(check_app(app))}/addons", action="addons_list"):
        yield Addon.from_api(item)


def info(client: HerokuClient, app: str, addon: str) -> Addon:
    """An add-on by name, id or attachment name (GET /apps/{app}/addons/{addon}); NotFound when none."""
    path = f"/apps/{seg(check_app(app))}/addons/{seg(check_addon(addon))}"
    return Addon.from_api(client.get(path, action="addons_info"))


def find(client: HerokuClient, app: str, ref: str) -> Addon:
    """An add-on by name, id or attachment (`GET /apps/{app}/addons/{ref}`), or, when that is 404
    and `ref` is a service (`heroku-postgresql`), the app's one add-on of that service, as the
    official CLI resolves it. NotFound when nothing matches; UsageError when several do."""
    try:
        return info(client, app, ref)
    except NotFound:
        of_service = [a for a in list_(client, app) if a.service == ref]
        if len(of_service) == 1:
            return of_service[0]
        if of_service:
            names = ", ".join(a.name for a in of_service)
            raise UsageError(f"{app} has several {ref} add-ons ({names}): name one") from None
        raise


def full_plan(addon: Addon, plan: str) -> str:
    """`essential-1` → `heroku-postgresql:essential-1` (the add-on's own service), as the official CLI does."""
    if ":" in plan or not addon.service:
        return plan
    return f"{addon.service}:{plan}"


def attachments(client: HerokuClient, app: str) -> list[Attachment]:
    """Every add-on attachment of the app (GET /apps/{app}/addon-attachments, every page)."""
    path = f"/apps/{seg(check_app(app))}/addon-attachments"
    return [Attachment.from_api(a) for a in client.paginate(path, action="addon_attachments_list_app")]


def create(
    client: HerokuClient,
    app: str,
    plan: str,
    *,
    name: str | None = None,
    attachment: str | None = None,
    config: dict[str, str] | None = None,
) -> Addon:
    """Provision an add-on (POST /apps/{app}/addons {plan, name?, attachment?, config?}); returns it as
    created (often state `provisioning`). UsageError (exit 2, nothing sent) for a bad plan, name or app."""
    body: dict[str, Any] = {"plan": check_plan(plan)}
    if name is not None:
        body["name"] = check_addon(name)
    if attachment is not None:
        body["attachment"] = {"name": attachment}
    if config:
        body["config"] = config
    created = client.json(
        "POST",
        f"/apps/{seg(check_app(app))}/addons",
        body=body,
        action="addons_create",
    )
    return Addon.from_api(created)


def upgrade(client: HerokuClient, app: str, addon: str, plan: str) -> Addon:
    """Change an add-on's plan (PATCH /apps/{app}/addons/{addon} {plan}); the plan must belong to the same
    service (else InvalidParams, 422). UsageError (exit 2, nothing sent) for a malformed plan or name."""
    check_plan(plan)
    path = f"/apps/{seg(check_app(app))}/addons/{seg(check_addon(addon))}"
    return Addon.from_api(
        client.json(
            "PATCH",
            path,
            body={"plan": plan},
            action="addons_upgrade",
        )
    )


def destroy(client: HerokuClient, app: str, addon: str) -> Addon:
    """Delete an add-on (DELETE /apps/{app}/addons/{addon}; destructive: the guard wants the app's name
    typed); returns it as deleted. NotFound for an unknown add-on."""
    path = f"/apps/{seg(check_app(app))}/addons/{seg(check_addon(addon))}"
    return Addon.from_api(
        client.json(
            "DELETE",
            path,
            action="addons_destroy",
        )
    )


def services(client: HerokuClient) -> list[dict[str, Any]]:
    """The add-on catalogue: every service's JSON (GET /addon-services, every page, by name)."""
    return list(client.paginate("/addon-services", field="name", action="addon_services_list"))


def plans(client: HerokuClient, service: str) -> list[Plan]:
    """A service's plans with their prices (`price.cents` per `price.unit`)
    (GET /addon-services/{service}/plans); UsageError (exit 2) for a malformed service name, NotFound for
    an unknown one."""
    if not PLAN.match(service) or ":" in service:
        raise UsageError(f"invalid add-on service {service!r}")
    path = f"/addon-services/{seg(service)}/plans"
    return [Plan.from_api(p) for p in client.paginate(path, field="name", action="addon_plans_list")]
