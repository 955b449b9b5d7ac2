"""The platform catalogue: regions, stacks, add-on services and plans, dyno sizes, app and account features."""

from __future__ import annotations

from typing import Any

from hkctl.sandbox.backend import catalog as cat
from hkctl.sandbox.routing import Ctx, not_found, route


@route("GET", "/regions")
def regions_list(ctx: Ctx) -> Any:
    return ctx.page([cat.region_json(n) for n in cat.REGIONS], default_field="name", allowed=("id", "name"))


@route("GET", "/regions/{region}")
def regions_info(ctx: Ctx, region: str) -> Any:
    for name, rid in cat.REGIONS.items():
        if region in (name, rid):
            return cat.region_json(name)
    raise not_found("region")


@route("GET", "/stacks")
def stacks_list(ctx: Ctx) -> Any:
    return ctx.page([cat.stack_json(n) for n in cat.STACKS], default_field="name", allowed=("id", "name"))


@route("GET", "/stacks/{stack}")
def stacks_info(ctx: Ctx, stack: str) -> Any:
    for name, sid in cat.STACKS.items():
        if stack in (name, sid):
            return cat.stack_json(name)
    raise not_found("stack")


@route("GET", "/addon-services")
def addon_services_list(ctx: Ctx) -> Any:
    return ctx.page([cat.service_json(s) for s in cat.SERVICES], default_field="name", allowed=("id", "name"))


@route("GET", "/addon-services/{service}")
def addon_services_info(ctx: Ctx, service: str) -> Any:
    svc = cat.service(service)
    if svc is None:
        raise not_found("add-on service")
    return cat.service_json(svc)


@route("GET", "/addon-services/{service}/plans")
def addon_plans_list(ctx: Ctx, service: str) -> Any:
    svc = cat.service(service)
    if svc is None:
        raise not_found("add-on service")
    return ctx.page([cat.plan_json(svc, p) for p in svc.plans], default_field="name", allowed=("id", "name"))


@route("GET", "/addon-services/{service}/plans/{plan}")
def addon_plans_info(ctx: Ctx, service: str, plan: str) -> Any:
    svc = cat.service(service)
    found = cat.resolve_plan(plan if ":" in plan or not svc else f"{svc.name}:{plan}")
    if svc is None or found is None or found[0] is not svc:
        raise not_found("plan")
    return cat.plan_json(*found)


@route("GET", "/plans/{plan}")
def plans_info(ctx: Ctx, plan: str) -> Any:
    found = cat.resolve_plan(plan) if ":" in plan or len(plan) == 36 else None
    if found is None:
        raise not_found("plan")
    return cat.plan_json(*found)


@route("GET", "/dyno-sizes")
def dyno_sizes_list(ctx: Ctx) -> Any:
    return ctx.page(
        [cat.dyno_size_json(n) for n in cat.DYNO_SIZES], default_field="name", allowed=("id", "name")
    )


@route("GET", "/dyno-sizes/{size}")
def dyno_sizes_info(ctx: Ctx, size: str) -> Any:
    for name in cat.DYNO_SIZES:
        if size.lower() == name.lower() or size == cat.stable_id("dyno-size", name):
            return cat.dyno_size_json(name)
    raise not_found("dyno size")


def _features(ctx: Ctx, kind: str, table: Any, enabled: set[str]) -> list[dict[str, Any]]:
    return [cat.feature_json(kind, n, d, u, n in enabled) for n, d, u in table]


@route("GET", "/apps/{app}/features")
def app_features_list(ctx: Ctx, app: str) -> Any:
    record = ctx.app(app)
    rows = _features(ctx, "app-feature", cat.APP_FEATURES, set(record.get("_features", [])))
    return ctx.page(rows, default_field="name", allowed=("id", "name"))


@route("GET", "/apps/{app}/features/{feature}")
def app_features_info(ctx: Ctx, app: str, feature: str) -> Any:
    record = ctx.app(app)
    for row in _features(ctx, "app-feature", cat.APP_FEATURES, set(record.get("_features", []))):
        if feature in (row["id"], row["name"]):
            return row
    raise not_found("feature")


@route("GET", "/account/features")
def account_features_list(ctx: Ctx) -> Any:
    rows = _features(ctx, "account-feature", cat.ACCOUNT_FEATURES, set())
    return ctx.page(rows, default_field="name", allowed=("id", "name"))


@route("GET", "/account/features/{feature}")
def account_features_info(ctx: Ctx, feature: str) -> Any:
    for row in _features(ctx, "account-feature", cat.ACCOUNT_FEATURES, set()):
        if feature in (row["id"], row["name"]):
            return row
    raise not_found("feature")
