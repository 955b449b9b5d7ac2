"""Schema conformance for every exchange of every test: the harness attaches a SchemaCheck to its sandbox.

Each API answer is validated against the official schema's link for its method and path (2xx and 206
bodies against the targetSchema, error bodies as {"id", "message"} strings), and each request body
hkctl sent that the sandbox accepted is validated against the link's request schema. Paths outside
the schema (the Postgres data API, the control API, log streams) are not checked here.
A violation fails the test at teardown with the exchange and the schema messages.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from hkctl.sandbox.schema import official


class SchemaCheck:
    """Collects schema violations of the exchanges a sandbox reports to its observers."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.checked = 0
        self._lock = threading.Lock()

    def __call__(self, ex: dict[str, Any]) -> None:
        problems = exchange_errors(ex)
        with self._lock:
            self.checked += 1
            self.violations.extend(problems)

    def assert_clean(self) -> None:
        if self.violations:
            shown = "\n  ".join(self.violations[:20])
            more = f"\n  ... and {len(self.violations) - 20} more" if len(self.violations) > 20 else ""
            raise AssertionError(
                f"sandbox answers that break the official schema ({len(self.violations)}):\n  {shown}{more}"
            )


#: A long list page is checked on its first and last items: one serialiser makes them all, and checking
#: each of a thousand items costs seconds per page (the walk and the resource tests cover the shapes).
SAMPLE = 25


def sample(body: Any) -> Any:
    if isinstance(body, list) and len(body) > 2 * SAMPLE:
        return body[:SAMPLE] + body[-SAMPLE:]
    return body


def exchange_errors(ex: dict[str, Any]) -> list[str]:
    """Schema violations of one exchange (an empty list when it conforms or is not a schema link)."""
    path, method, status = ex["path"], ex["method"], ex["status"]
    if path.startswith(("/__sandbox__/", "/client/")):
        return []
    links = official().match(method, path)
    label = f"{method} {path} → {status}"
    out: list[str] = []
    body = ex.get("response_body")
    if body is not None and status != 204:
        ctype = ex["response_headers"].get("content-type", "")
        if links or status >= 400:
            if "json" not in ctype:
                out.append(f"{label}: answer is {ctype or 'untyped'}, not JSON")
                return out
            try:
                parsed = json.loads(body) if body else None
            except ValueError:
                return [f"{label}: answer is not valid JSON: {body[:200]!r}"]
            if status >= 400 or links:
                parsed = _without_inclusions(parsed, ex["request_headers"].get("accept-inclusion", ""))
                out += [f"{label}: {e}" for e in official().response_errors(links, status, sample(parsed))]
    if links and status < 300 and ex["request_headers"].get("user-agent", "").startswith("hkctl/"):
        raw = ex.get("request_body") or b""
        if raw.strip():
            try:
                sent = json.loads(raw)
            except ValueError:
                sent = None
            out += [f"{label}: request body {e}" for e in official().request_errors(links, sent)]
    return out


def _without_inclusions(body: Any, inclusion: str) -> Any:
    """The answer without what `Accept-Inclusion` asked the platform to add beyond the schema
    (`addon:plan` → each item's `addon.plan`, `config_vars` → each item's `config_vars`)."""
    wanted = {w.strip() for w in inclusion.split(",") if w.strip()}
    if not wanted:
        return body
    items = body if isinstance(body, list) else [body]
    out = []
    for item in items:
        if isinstance(item, dict):
            item = {k: v for k, v in item.items() if not (k == "config_vars" and "config_vars" in wanted)}
            if "addon:plan" in wanted and isinstance(item.get("addon"), dict):
                item["addon"] = {k: v for k, v in item["addon"].items() if k != "plan"}
        out.append(item)
    return out if isinstance(body, list) else out[0]
