"""The official Platform API schema as links: match a request to its link, validate bodies against it.

Used by the test harness (every response of every test is checked), the walk test and
`hkctl sandbox coverage`. Hrefs look like `/apps/{(%23%2Fdefinitions%2Fapp%2Fdefinitions%2Fidentity)}`;
both they and sandbox templates (`/apps/{app}`) normalise to a key like `/apps/{}`.

Strictness: `strictProperties: true` (the interagent hyper-schema keyword) is read as "exactly these
properties": in a response every listed property must be present (null where it has no value, as
Heroku serialises) and none other; in a request body no property outside the list is allowed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import unquote

_PARAM = re.compile(r"\{[^}]*\}")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_IPV4 = re.compile(r"^(\d{1,3}\.){3}\d{1,3}$")


def normalise(template: str) -> str:
    """`/apps/{app}/releases/{release}` and the schema's hrefs → `/apps/{}/releases/{}`."""
    return _PARAM.sub("{}", template.rstrip("/") or "/")


def readable(href: str) -> str:
    """`/apps/{(%23%2Fdefinitions%2Fapp%2Fdefinitions%2Fidentity)}` → `/apps/{app_identity}`."""

    def name(m: re.Match[str]) -> str:
        ref = unquote(m.group(0)[2:-2])  # strip "{(" and ")}"
        parts = ref.split("/")
        return "{" + f"{parts[2]}_{parts[-1]}".replace("-", "_") + "}" if len(parts) >= 5 else "{param}"

    return _PARAM.sub(name, href)


@dataclass(frozen=True)
class Link:
    """One link of the official schema."""

    index: int
    resource: str
    method: str
    href: str
    rel: str | None
    title: str
    target: Any = field(repr=False, compare=False)  # response schema (None: not described)
    request: Any = field(repr=False, compare=False)  # request body schema (None: not described)

    @property
    def key(self) -> str:
        return f"{self.method} {normalise(self.href)}"

    @property
    def template(self) -> str:
        return readable(self.href)


def _load() -> dict[str, Any]:
    text = resources.files("hkctl").joinpath("data/platform-api-schema.json").read_text()
    return dict(json.loads(text))


def _strict(node: Any, *, response: bool) -> Any:
    """Turn `strictProperties` into standard JSON Schema (see module docstring)."""
    if isinstance(node, list):
        return [_strict(n, response=response) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _strict(v, response=response) for k, v in node.items()}
    if node.get("strictProperties") and isinstance(node.get("properties"), dict):
        out.setdefault("additionalProperties", False)
        if response:
            out["required"] = sorted(set(out.get("required", [])) | set(node["properties"]))
    return out


class Schema:
    """The links of the official schema and validators over them."""

    def __init__(self, doc: dict[str, Any] | None = None) -> None:
        self.doc = doc or _load()
        self.links: list[Link] = []
        for name, resource in self.doc["definitions"].items():
            for link in resource.get("links", []):
                self.links.append(
                    Link(
                        index=len(self.links),
                        resource=name,
                        method=link["method"].upper(),
                        href=link["href"],
                        rel=link.get("rel"),
                        title=link.get("title", ""),
                        target=_target(name, link),
                        request=link.get("schema"),
                    )
                )
        self._by_key: dict[str, list[Link]] = {}
        for link in self.links:
            self._by_key.setdefault(link.key, []).append(link)
        # Literal segments win over parameters, as in the sandbox's own router.
        self._patterns = sorted(
            (
                (re.compile("^" + re.escape(normalise(link.href)).replace(r"\{\}", "[^/]+") + "$"), link)
                for link in self.links
            ),
            key=lambda pl: (pl[1].href.count("{"), -len(pl[1].href)),
        )
        self._response_defs = _strict(self.doc["definitions"], response=True)
        self._request_defs = _strict(self.doc["definitions"], response=False)

    def by_key(self, method: str, template: str) -> list[Link]:
        """Links for a sandbox route (`GET`, `/apps/{app}`): the same normalised href and method."""
        return self._by_key.get(f"{method.upper()} {normalise(template)}", [])

    def match(self, method: str, path: str) -> list[Link]:
        """The links a concrete request path belongs to (several share a key, e.g. release create and
        rollback); empty when the schema has no such link."""
        path = path.split("?", 1)[0].rstrip("/") or "/"
        for pattern, link in self._patterns:
            if link.method == method.upper() and pattern.match(path):
                return self._by_key[link.key]
        return []

    # ---------------------------------------------------------------- validation
    def response_errors(self, links: list[Link], status: int, body: Any) -> list[str]:
        """Violations of the links' response schema (errors must be {"id", "message"} strings).
        With several candidate links, the body must satisfy one of them."""
        if status >= 400:
            return error_body_errors(body)
        found: list[str] = []
        for link in links:
            if status == 204 or link.target is None:
                return []
            errors = _validate(self._response_defs, link.target, body, response=True)
            if not errors:
                return []
            found = found or errors
        return found

    def request_errors(self, links: list[Link], body: Any) -> list[str]:
        found: list[str] = []
        for link in links:
            if link.request is None or body is None:
                return []
            errors = _validate(self._request_defs, link.request, body, response=False)
            if not errors:
                return []
            found = found or errors
        return found


def error_body_errors(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return [f"error body is not an object: {body!r:.200}"]
    return [
        f"error body field {key!r} must be a string, got {body.get(key)!r:.100}"
        for key in ("id", "message")
        if not isinstance(body.get(key), str)
    ]


def _target(resource: str, link: dict[str, Any]) -> Any:
    """The response schema: targetSchema, else the resource (an array of it for rel instances)."""
    if "targetSchema" in link:
        return link["targetSchema"]
    ref = {"$ref": f"#/definitions/{resource}"}
    rel = link.get("rel")
    if rel == "instances":
        return {"type": ["array"], "items": ref}
    if rel in ("self", "create", "update", "destroy", "delete"):
        return ref
    return None


@lru_cache(maxsize=1)
def _format_checker() -> Any:
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    for fmt, pattern in (("date-time", _DATE_TIME), ("uuid", _UUID), ("date", _DATE), ("ipv4", _IPV4)):
        checker.checks(fmt)(lambda value, p=pattern: not isinstance(value, str) or bool(p.match(value)))
    checker.checks("email")(lambda value: not isinstance(value, str) or "@" in value)
    return checker


_VALIDATORS: dict[tuple[int, str], Any] = {}


def _validate(defs: dict[str, Any], sub: Any, instance: Any, *, response: bool) -> list[str]:
    from jsonschema import Draft4Validator

    key = (id(defs), json.dumps(sub, sort_keys=True))
    validator = _VALIDATORS.get(key)
    if validator is None:
        schema = {"definitions": defs, **_strict(sub, response=response)}
        validator = Draft4Validator(schema, format_checker=_format_checker())
        _VALIDATORS[key] = validator
    out = []
    for err in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path) or "(body)"
        out.append(f"{where}: {err.message[:300]}")
    return out


@lru_cache(maxsize=1)
def official() -> Schema:
    """The schema shipped with hkctl (loaded once)."""
    return Schema()
