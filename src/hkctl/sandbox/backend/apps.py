"""Apps in the sandbox: creation with Heroku's defaults, serialisation, and teardown."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from hkctl.sandbox.clock import iso
from hkctl.sandbox.routing import APP_NAME, ApiFault, invalid

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox

REGIONS = {
    "us": "59accabd-516d-4f0e-83e6-6e3757701145",
    "eu": "ed30241c-ed8c-4bb6-9714-61953675d0b4",
}
STACKS = {
    "heroku-22": "ee582d3c-717d-4a57-ba5f-8b3a39f3a817",
    "heroku-24": "f7bd2c3a-30bd-4e3f-b2a4-4b4ab1a2c0d8",
    "container": "3b1a9c2d-6e4f-4a8b-9c7d-1e2f3a4b5c6d",  # apps deployed as Docker images
}
CEDAR = {"id": "2d8e5dd3-9a5a-4f16-9a4b-ae3e5a4b0f1a", "name": "cedar"}
_WORDS = ("sparkling", "quiet", "ancient", "frozen", "shrouded", "mystic", "polar", "boiling")
_NOUNS = ("falls", "meadow", "river", "dawn", "forest", "ocean", "ridge", "harbor")


def random_name(sb: Sandbox) -> str:
    rng = random.Random(sb.store.next("app-name"))
    return f"{rng.choice(_WORDS)}-{rng.choice(_NOUNS)}-{rng.randint(10000, 99999)}"


def create_app(
    sb: Sandbox,
    *,
    owner: dict[str, Any],
    name: str | None = None,
    region: str | None = None,
    stack: str | None = None,
) -> dict[str, Any]:
    """A new app with Heroku's defaults (us, heroku-24); 422 for a bad or taken name."""
    name = name or random_name(sb)
    if not isinstance(name, str) or not APP_NAME.match(name):
        raise invalid(
            "Name must start with a letter, end with a letter or digit and can only contain lowercase "
            "letters, digits, and dashes."
        )
    if sb.store.first("app", name=name):
        raise invalid("Name is already taken")
    region = region or "us"
    if region not in REGIONS:
        raise ApiFault(422, "invalid_params", f"Couldn't find that region: {region}.")
    stack = stack or "heroku-24"
    if stack not in STACKS:
        raise ApiFault(422, "invalid_params", f"Couldn't find that stack: {stack}.")
    now = iso(sb.clock.now())
    app = {
        "id": sb.ids.new(),
        "name": name,
        "acm": False,
        "archived_at": None,
        "buildpack_provided_description": None,
        "build_stack": {"id": STACKS[stack], "name": stack},
        "created_at": now,
        "generation": CEDAR,
        "git_url": f"https://git.heroku.com/{name}.git",
        "internal_routing": None,
        "maintenance": False,
        "owner": {"email": owner["email"], "id": owner["id"]},
        "organization": None,
        "team": None,
        "region": {"id": REGIONS[region], "name": region},
        "released_at": None,
        "repo_size": None,
        "slug_size": None,
        "space": None,
        "stack": {"id": STACKS[stack], "name": stack},
        "updated_at": now,
        "web_url": f"https://{name}-{sb.ids.hex(12)}.herokuapp.com/",
        "_config": {},
    }
    sb.store.put("app", app)
    return app


def touch(sb: Sandbox, app: dict[str, Any]) -> dict[str, Any]:
    app["updated_at"] = iso(sb.clock.now())
    sb.store.put("app", app)
    return app


def destroy_app(sb: Sandbox, app: dict[str, Any]) -> None:
    """Delete the app and everything scoped to it."""
    sb.store.delete_children(app["id"])
    sb.store.delete("app", app["id"])


def app_ref(app: dict[str, Any]) -> dict[str, str]:
    return {"id": app["id"], "name": app["name"]}
