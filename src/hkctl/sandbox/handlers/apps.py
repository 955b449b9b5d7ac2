"""Apps: create, info, list, update (rename, maintenance, build stack), delete."""

from __future__ import annotations

from typing import Any

from hkctl.sandbox.backend.apps import STACKS, create_app, destroy_app, touch
from hkctl.sandbox.backend.releases import first_releases
from hkctl.sandbox.routing import APP_NAME, Ctx, invalid, route


def visible_apps(ctx: Ctx) -> list[dict[str, Any]]:
    return ctx.store.all("app")


@route("GET", "/apps")
def apps_list(ctx: Ctx) -> Any:
    return ctx.page(visible_apps(ctx), allowed=("id", "name", "updated_at"))


@route("GET", "/apps/{app}")
def apps_info(ctx: Ctx, app: str) -> Any:
    return ctx.app(app)


@route("POST", "/apps")
def apps_create(ctx: Ctx) -> Any:
    body = ctx.json_body()
    for key in ("name", "region", "stack"):
        if key in body and body[key] is not None and not isinstance(body[key], str):
            raise invalid(f"{key} must be a string.")
    created = create_app(
        ctx.sandbox,
        owner=ctx.account,
        name=body.get("name"),
        region=body.get("region"),
        stack=body.get("stack"),
    )
    ctx.publish("app", "create", {"id": created["id"], "name": created["name"]}, created)
    first_releases(ctx.sandbox, created, ctx.account)
    return _created(created)


def _created(app: dict[str, Any]) -> Any:
    from hkctl.sandbox.routing import Reply

    return Reply(app, 201)


@route("PATCH", "/apps/{app}")
def apps_update(ctx: Ctx, app: str) -> Any:
    record = ctx.app(app)
    body = ctx.json_body()
    if "name" in body and body["name"] != record["name"]:
        name = body["name"]
        if not isinstance(name, str) or not APP_NAME.match(name):
            raise invalid(
                "Name must start with a letter, end with a letter or digit and can only contain lowercase "
                "letters, digits, and dashes."
            )
        if ctx.store.first("app", name=name):
            raise invalid("Name is already taken")
        old = record["name"]
        record["name"] = name
        record["git_url"] = f"https://git.heroku.com/{name}.git"
        # web_url is `https://<name>-<12 hex>.herokuapp.com/`: the name part follows the rename
        web = str(record.get("web_url") or "")
        prefix = f"https://{old}-"
        suffix = web[len(prefix) :] if web.startswith(prefix) else f"{ctx.sandbox.ids.hex(12)}.herokuapp.com/"
        record["web_url"] = f"https://{name}-{suffix}"
    if "maintenance" in body:
        if not isinstance(body["maintenance"], bool):
            raise invalid("maintenance must be a boolean.")
        record["maintenance"] = body["maintenance"]
    if "build_stack" in body:
        stack = body["build_stack"]
        if stack not in STACKS:
            raise invalid(f"Couldn't find that stack: {stack}.")
        record["build_stack"] = {"id": STACKS[stack], "name": stack}
    touch(ctx.sandbox, record)
    ctx.publish(
        "app",
        "update",
        {"id": record["id"], "name": record["name"], "maintenance": record["maintenance"]},
        record,
    )
    return record


@route("DELETE", "/apps/{app}")
def apps_delete(ctx: Ctx, app: str) -> Any:
    record = ctx.app(app)
    ctx.publish("app", "destroy", {"id": record["id"], "name": record["name"]}, None)
    destroy_app(ctx.sandbox, record)
    return record
