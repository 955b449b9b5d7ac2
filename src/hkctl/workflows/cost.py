"""Monthly cost estimate of an app or a pipeline: formation × dyno list price + add-on plan prices.

Prices come from `prices.py` (facts.md §11, dated) for dynos and from the API for add-ons (the
add-on's `billed_price`, else its plan's `price` in the add-on catalogue). Anything without a
known price is listed under `unknown`, never guessed; the total then is a lower bound.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hkctl.resources import addons, apps, formation, pipelines
from hkctl.workflows.health import STAGE_ORDER, prime
from hkctl.workflows.prices import ECO_POOL_MONTHLY, PRICES_AS_OF, PRICES_SOURCE, dyno_price

__all__ = ["PRICES_AS_OF", "PRICES_SOURCE", "CostLine", "CostReport", "estimate", "for_app", "for_pipeline"]

if TYPE_CHECKING:
    from hkctl.resources.addons import Addon, Price
    from hkctl.resources.formation import Formation
    from hkctl.transport.client import HerokuClient

HOURS_PER_MONTH = 720  # Heroku bills to the second; the list price is 24 × 30 days


@dataclass(frozen=True)
class CostLine:
    """One priced line: a process type's dynos, an add-on, or the shared Eco pool; dollars per month."""

    kind: str  # "dyno" | "addon" | "eco-pool"
    name: str  # process type or add-on name
    what: str  # size or plan
    quantity: int
    unit_monthly: float | None
    monthly: float | None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        """{kind, name, what, quantity, unit_monthly, monthly[, note]}: USD per month, None when unknown."""
        return {
            "kind": self.kind,
            "name": self.name,
            "what": self.what,
            "quantity": self.quantity,
            "unit_monthly": self.unit_monthly,
            "monthly": self.monthly,
            **({"note": self.note} if self.note else {}),
        }


@dataclass
class CostReport:
    """An app's (or a pipeline's) priced lines in USD per month, and what could not be priced."""

    app: str
    lines: list[CostLine] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        """Sum of the known lines, USD per month, to the cent (a lower bound when `unknown` is not empty)."""
        return round(sum(line.monthly or 0.0 for line in self.lines), 2)

    def to_json(self) -> dict[str, Any]:
        """{app, monthly_total (USD), currency, complete, lines, unknown, prices_as_of, prices_source}."""
        return {
            "app": self.app,
            "monthly_total": self.total,
            "currency": "USD",
            "complete": not self.unknown,
            "lines": [line.to_json() for line in self.lines],
            "unknown": list(self.unknown),
            "prices_as_of": PRICES_AS_OF,
            "prices_source": PRICES_SOURCE,
        }


def plan_monthly(price: Price | None) -> float | None:
    """Dollars per month from a Price (cents per month or hour); None when not knowable."""
    if price is None or price.cents is None:
        return None
    if price.contract:
        return None  # negotiated outside the list price
    if price.unit == "month":
        return price.cents / 100
    if price.unit == "hour":
        return price.cents * HOURS_PER_MONTH / 100
    return None


def estimate(
    app: str,
    formation: Iterable[Formation],
    addons: Iterable[Addon],
    plan_prices: Mapping[str, Price | None] | None = None,
) -> CostReport:
    """The estimate from the app's formation and add-on records (and catalogue prices by plan name)."""
    report = CostReport(app)
    eco = False
    for f in sorted(formation, key=lambda x: x.type):
        qty, size = f.quantity, f.size or ""
        unit = dyno_price(size)
        if unit is None:
            report.unknown.append(f"dyno size {size!r} ({f.type}×{qty})")
            report.lines.append(CostLine("dyno", f.type, size, qty, None, None, "unknown size"))
            continue
        if size.lower() == "eco" and qty:
            eco = True
        report.lines.append(CostLine("dyno", f.type, size, qty, unit, round(unit * qty, 2)))
    if eco:
        report.lines.append(
            CostLine(
                "eco-pool",
                "eco dyno hours",
                "1,000 h pool",
                1,
                ECO_POOL_MONTHLY,
                ECO_POOL_MONTHLY,
                "shared by every eco dyno of the account",
            )
        )
    prices = plan_prices or {}
    for a in addons:
        plan = a.plan or ""
        name = a.name or plan
        monthly = plan_monthly(a.billed_price)
        if monthly is None:
            monthly = plan_monthly(prices.get(plan))
        if monthly is None:
            report.unknown.append(f"add-on plan {plan!r} ({name})")
            report.lines.append(CostLine("addon", name, plan, 1, None, None, "price unknown"))
            continue
        report.lines.append(CostLine("addon", name, plan, 1, monthly, monthly))
    return report


def _formation(client: HerokuClient, app: str) -> list[Formation]:
    return formation.list_(client, app)


def _addons(client: HerokuClient, app: str) -> list[Addon]:
    return list(addons.list_(client, app))


def for_app(client: HerokuClient, app: str) -> CostReport:
    """Read formation and add-ons concurrently (GET /apps/{app}/formation, GET /apps/{app}/addons, and
    GET /addon-services/{service}/plans for add-ons without a billed price) and price them in USD/month."""
    prime(client)
    with ThreadPoolExecutor(max_workers=2) as pool:
        f_formation = pool.submit(_formation, client, app)
        f_addons = pool.submit(_addons, client, app)
        processes, attached = f_formation.result(), f_addons.result()
    return estimate(app, processes, attached, _catalogue_prices(client, attached))


def _catalogue_prices(client: HerokuClient, attached: list[Addon]) -> dict[str, Price | None]:
    """Plan prices from the add-on catalogue for add-ons that carry no billed price."""
    services = sorted({a.service for a in attached if a.service and plan_monthly(a.billed_price) is None})
    return {plan.name: plan.price for service in services for plan in addons.plans(client, service)}


def for_pipeline(client: HerokuClient, pipeline: str) -> tuple[str, list[CostReport]]:
    """Every app of a pipeline, by stage (apps addressed by id, named from their add-on/formation reads).

    GET /pipelines/{pipeline}, GET /pipelines/{id}/pipeline-couplings, then `for_app` per app. Returns
    (the pipeline's name, one CostReport per app, USD per month); NotFound for an unknown pipeline.
    """
    p = pipelines.info(client, pipeline)
    couplings = sorted(
        pipelines.couplings(client, p.id),
        key=lambda c: STAGE_ORDER.index(c.stage) if c.stage in STAGE_ORDER else 99,
    )
    reports = []
    for c in couplings:
        report = for_app(client, c.app_id)
        report.app = apps.info(client, c.app_id).name
        reports.append(report)
    return p.name, reports
