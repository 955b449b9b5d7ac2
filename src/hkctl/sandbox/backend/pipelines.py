"""Pipelines in the sandbox: lookups, creation and coupling rules shared by handlers and the seed."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from hkctl.sandbox.backend.apps import CEDAR
from hkctl.sandbox.clock import iso
from hkctl.sandbox.routing import UUID_RE, ApiFault, invalid

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox

PIPELINE_NAME = re.compile(r"^[a-z][a-z0-9-]{2,29}$")
STAGES = ("test", "review", "development", "staging", "production")


def find_pipeline(sb: Sandbox, ident: str, *, id_only: bool = False) -> dict[str, Any]:
    """A pipeline by id (or by name where the link takes an identity), or Heroku's 404."""
    if UUID_RE.match(ident):
        found = sb.store.get("pipeline", ident)
    elif id_only:
        found = None
    else:
        found = sb.store.first("pipeline", name=ident)
    if found is None:
        raise ApiFault(404, "not_found", "Couldn't find that pipeline.", resource="pipeline")
    return found


def couplings_of(sb: Sandbox, pipeline_id: str) -> list[dict[str, Any]]:
    return sb.store.find("pipeline-coupling", pipeline__id=pipeline_id)


def coupling_of_app(sb: Sandbox, app_id: str) -> dict[str, Any] | None:
    return sb.store.first("pipeline-coupling", app__id=app_id)


def ref_id(value: Any, what: str) -> str:
    """Bodies name things as "x" or {"id": "x"} (the spec's curl uses both)."""
    if isinstance(value, dict):
        value = value.get("id") or value.get("name")
    if not isinstance(value, str) or not value:
        raise invalid(f"{what} is required.")
    return value


def create_pipeline(sb: Sandbox, name: Any, owner: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(name, str) or not PIPELINE_NAME.match(name):
        raise invalid(
            "Name must start with a letter and can only contain lowercase letters, digits and dashes "
            "(3 to 30 characters)."
        )
    if sb.store.first("pipeline", name=name):
        raise invalid("Name is already taken")
    now = iso(sb.clock.now())
    doc = {
        "id": sb.ids.new(),
        "name": name,
        "owner": {"id": owner["id"], "type": owner.get("type", "user")},
        "created_at": now,
        "updated_at": now,
        "generation": dict(CEDAR),
    }
    return sb.store.put("pipeline", doc)


def check_stage(stage: Any) -> str:
    if stage not in STAGES:
        raise invalid(f"Stage must be one of {', '.join(STAGES)}.")
    return str(stage)


def couple(sb: Sandbox, app: dict[str, Any], pipeline: dict[str, Any], stage: Any) -> dict[str, Any]:
    if coupling_of_app(sb, app["id"]):
        raise invalid(f"App {app['name']} is already in a pipeline.")
    now = iso(sb.clock.now())
    doc = {
        "app": {"id": app["id"]},
        "created_at": now,
        "id": sb.ids.new(),
        "pipeline": {"id": pipeline["id"]},
        "stage": check_stage(stage),
        "updated_at": now,
    }
    return sb.store.put("pipeline-coupling", doc, parent=app["id"])


def seed_pipeline(sb: Sandbox, account: dict[str, Any], apps: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The demo story: pipeline `demo` with demo-staging at staging and demo-production at production."""
    pipeline = create_pipeline(sb, "demo", {"id": account["id"], "type": "user"})
    for name, stage in (("demo-staging", "staging"), ("demo-production", "production")):
        if name in apps:
            couple(sb, apps[name], pipeline, stage)
    return pipeline
