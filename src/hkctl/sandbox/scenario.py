"""Scenarios as data: a document (dict, JSON or TOML file) of apps and pipelines, checked, then seeded.

The shape is `SHAPE` (a JSON Schema, shown in docs/testing-with-the-sandbox.md). Every app gets
Heroku's defaults from the same code the API uses (so names, regions, stacks and add-on plans are
checked as Heroku checks them); a bad document raises `ScenarioError` naming where it is wrong, and
nothing of it is applied (one transaction). Example:

    {"base": "empty",
     "apps": [{"name": "shop-staging", "config": {"RAILS_ENV": "staging"}, "deploys": ["1a2b3c4"],
               "formation": {"web": {"quantity": 1, "size": "Basic"}},
               "addons": ["heroku-postgresql:essential-0"]}],
     "pipelines": [{"name": "shop", "stages": {"staging": ["shop-staging"]}}]}
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox

_STR_MAP = {"type": "object", "additionalProperties": {"type": "string"}}

#: The documented shape of a scenario (JSON Schema draft 7).
SHAPE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "base": {"enum": ["empty", "demo"], "description": "what to start from on reset (default empty)"},
        "apps": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "region": {"enum": ["us", "eu"]},
                    "stack": {"enum": ["heroku-22", "heroku-24"]},
                    "maintenance": {"type": "boolean"},
                    "config": _STR_MAP,
                    "deploys": {
                        "type": "array",
                        "items": {"type": "string", "pattern": "^[0-9a-f]{7,40}$"},
                        "description": "commits deployed in order: each a build, a slug and a release",
                    },
                    "formation": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {
                                "quantity": {"type": "integer", "minimum": 0},
                                "size": {"type": "string"},
                                "command": {"type": "string"},
                            },
                        },
                    },
                    "addons": {"type": "array", "items": {"type": "string"}},
                    "releases": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "further release descriptions, after the deploys",
                    },
                },
            },
        },
        "pipelines": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "stages"],
                "properties": {
                    "name": {"type": "string"},
                    "stages": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            stage: {"type": "array", "items": {"type": "string"}}
                            for stage in ("review", "development", "staging", "production")
                        },
                    },
                },
            },
        },
    },
}


class ScenarioError(ValueError):
    """A scenario document that does not fit `SHAPE`, or that Heroku would refuse; `where` is its path."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"scenario {where}: {message}")
        self.where = where


def load(source: Mapping[str, Any] | str | Path) -> dict[str, Any]:
    """A checked scenario from a dict or a .json/.toml file; raises ScenarioError (or OSError)."""
    if isinstance(source, Mapping):
        doc: Any = dict(source)
    else:
        path = Path(source)
        text = path.read_text()
        try:
            doc = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
        except (ValueError, tomllib.TOMLDecodeError) as exc:
            raise ScenarioError(
                str(path), f"is not valid {path.suffix.lstrip('.') or 'JSON'}: {exc}"
            ) from exc
    check(doc)
    return dict(doc)


def check(doc: Any) -> None:
    """Raise ScenarioError at the first place `doc` leaves SHAPE (the path like apps[0].config)."""
    from jsonschema import Draft7Validator

    errors = sorted(Draft7Validator(SHAPE).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        err = errors[0]
        raise ScenarioError(_where(err.absolute_path), err.message)
    names = [a["name"] for a in doc.get("apps", [])]
    for i, pipeline in enumerate(doc.get("pipelines", [])):
        for stage, apps in pipeline["stages"].items():
            for j, name in enumerate(apps):
                if name not in names:
                    where = f"pipelines[{i}].stages.{stage}[{j}]"
                    raise ScenarioError(where, f"{name!r} is not one of the scenario's apps")


def _where(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out.lstrip(".") or "(top)"


def apply(sb: Sandbox, doc: Mapping[str, Any]) -> dict[str, Any]:
    """Seed a checked scenario on top of the current state (all or nothing); the account must exist."""
    from hkctl.sandbox.routing import ApiFault
    from hkctl.sandbox.seed import DEMO_ACCOUNT_ID

    account = sb.store.get("account", DEMO_ACCOUNT_ID)
    if account is None:
        raise ScenarioError("(top)", "the sandbox has no account: reset it to a scenario first")
    where = "(top)"
    try:
        with sb.store.tx():
            apps: dict[str, dict[str, Any]] = {}
            for i, spec in enumerate(doc.get("apps", [])):
                where = f"apps[{i}]"
                apps[spec["name"]] = _app(sb, account, spec)
            for i, spec in enumerate(doc.get("pipelines", [])):
                where = f"pipelines[{i}]"
                _pipeline(sb, account, spec, apps)
    except ApiFault as fault:
        raise ScenarioError(where, fault.message) from fault
    return {"apps": sorted(apps), "pipelines": [p["name"] for p in doc.get("pipelines", [])]}


def _app(sb: Sandbox, account: dict[str, Any], spec: Mapping[str, Any]) -> dict[str, Any]:
    from hkctl.sandbox.backend import builds, dynos
    from hkctl.sandbox.backend.addons import provision
    from hkctl.sandbox.backend.apps import create_app
    from hkctl.sandbox.backend.releases import create_release

    app = create_app(sb, owner=account, name=spec["name"], region=spec.get("region"), stack=spec.get("stack"))
    app["maintenance"] = bool(spec.get("maintenance", False))
    sb.store.put("app", app)
    create_release(sb, app, description="Initial release", user=account, config={})
    if spec.get("config"):
        app["_config"] = dict(spec["config"])
        sb.store.put("app", app)
        create_release(sb, app, description=f"Set {', '.join(spec['config'])} config vars", user=account)
    for version in spec.get("deploys", []):
        source = {
            "url": f"https://github.com/example/{app['name']}/archive/{version}.tar.gz",
            "version": version,
        }
        build = builds.new_build(sb, app, source_blob=source, buildpacks=None, user=account)
        builds.finish(sb, {"app": app["id"], "id": build["id"]})
    for ptype, shape in spec.get("formation", {}).items():
        formation = dynos.find_formation(sb, app, ptype) or dynos.ensure_formation(
            sb, app, ptype, shape.get("command", f"bin/{ptype}")
        )
        dynos.scale(sb, app, formation, quantity=shape.get("quantity"), size=_size(shape.get("size")))
    for plan in spec.get("addons", []):
        provision(sb, app, plan, user=account, state="provisioned")
    for description in spec.get("releases", []):
        create_release(sb, app, description=description, user=account)
    for dyno in dynos.dynos(sb, app):
        dynos.mark_up(sb, {"app": app["id"], "id": dyno["id"], "gen": dyno["_gen"]})
    return app


def _size(value: str | None) -> str | None:
    from hkctl.sandbox.backend.dynos import canonical_size

    return None if value is None else canonical_size(value)


def _pipeline(
    sb: Sandbox, account: dict[str, Any], spec: Mapping[str, Any], apps: dict[str, dict[str, Any]]
) -> None:
    from hkctl.sandbox.backend.pipelines import couple, create_pipeline

    pipeline = create_pipeline(sb, spec["name"], {"id": account["id"], "type": "user"})
    for stage, names in spec["stages"].items():
        for name in names:
            couple(sb, apps[name], pipeline, stage)
