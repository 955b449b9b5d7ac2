"""Red-team findings after issue 11: each test states what must hold and fails on today's main.

Every test is marked xfail(strict=True): the suite stays green while the hole is open, and turns red
(XPASS) the day the hole is closed, so the marker is removed with the fix.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import unquote

import pytest

from hkctl.sandbox.seed import SANDBOX_TOKEN
from tests.mcp_support import Answers, call, text
from tests.support import Harness, LoopbackServer

pytestmark = pytest.mark.core

PRODUCTION, STAGING = "demo-production", "demo-staging"
SECRET = "Zq9-pipeline-stage-secret"


def _app_id(hk: Harness, name: str) -> str:
    row = hk.sandbox.store.first("app", name=name)
    assert row is not None, name
    return str(row["id"])


def _web(hk: Harness, app: str) -> int:
    app_id = _app_id(hk, app)
    for f in hk.sandbox.store.all("formation"):
        if (f.get("app") or {}).get("id") == app_id and f["type"] == "web":
            return int(f["quantity"])
    raise LookupError(app)


def _older_release(hk: Harness, app: str) -> dict:
    app_id = _app_id(hk, app)
    rows = [r for r in hk.sandbox.store.all("release") if (r.get("app") or {}).get("id") == app_id]
    rows = [r for r in rows if r.get("slug") and not r.get("current")]
    return max(rows, key=lambda r: r["version"])


# ------------------------------------------------------------------ 1. production named by its id
def test_scaling_production_named_by_its_id_needs_the_name(hk: Harness) -> None:
    prod = _app_id(hk, PRODUCTION)
    before = _web(hk, PRODUCTION)
    body = json.dumps({"updates": [{"type": "web", "quantity": before + 1}]})
    by_name = hk.cli("api", "PATCH", f"/apps/{PRODUCTION}/formation", "-d", body, env=hk.full_env())
    assert by_name.code == 3  # the rule holds for the name ...
    by_id = hk.cli("api", "PATCH", f"/apps/{prod}/formation", "-d", body, env=hk.full_env())
    cmd = hk.cli("ps", "scale", f"web={before + 1}", "-a", prod, env=hk.full_env())
    # ... and must hold for the same app named by its id: same request, same verdict
    assert (by_id.code, cmd.code) == (3, 3), by_id.text + cmd.text
    assert hk.writes_received() == [] and _web(hk, PRODUCTION) == before


def test_rolling_back_production_named_by_its_id_needs_the_name(hk: Harness) -> None:
    prod = _app_id(hk, PRODUCTION)
    older = _older_release(hk, PRODUCTION)
    # `hkctl rollback ID` already demands the name; `releases rollback -a ID` and `api` do not
    wf = hk.cli("rollback", prod, env=hk.full_env())
    assert wf.code == 3, wf.text
    cmd = hk.cli("releases", "rollback", f"v{older['version']}", "-a", prod, env=hk.full_env())
    raw = hk.cli(
        "api", "POST", f"/apps/{prod}/releases", "-d", json.dumps({"release": older["id"]}), env=hk.full_env()
    )
    assert (cmd.code, raw.code) == (3, 3), cmd.text + raw.text
    assert hk.writes_received() == []


def test_mcp_scaling_production_named_by_its_id_asks_for_the_typed_name(live: Harness) -> None:
    prod = _app_id(live, PRODUCTION)
    before = _web(live, PRODUCTION)
    ticked = Answers("accept", {"proceed": True})
    args = {"app": prod, "updates": [{"type": "web", "quantity": before + 1}]}
    result = call(live.env(HEROKU_PERMISSION="full"), "ps_scale", args, elicit=ticked)
    assert ticked.messages and "Type the app name (demo-production)" in ticked.messages[0], ticked.messages
    assert result.is_error, text(result)
    assert live.writes_received() == [] and _web(live, PRODUCTION) == before


# ------------------------------------------------------------------ 2. the token in an API answer
def test_readonly_api_never_prints_the_token_in_use(hk: Harness) -> None:
    res = hk.cli("api", "GET", "/oauth/authorizations")  # readonly, the default
    assert res.code == 0, res.text
    assert "hkctl sandbox token" in res.out  # the listing itself is shown ...
    assert SANDBOX_TOKEN.lower() not in res.text.lower()  # ... never the credential hkctl is using
    one = json.loads(res.out)[0]["id"]
    res = hk.cli("api", "GET", f"/oauth/authorizations/{one}")
    assert SANDBOX_TOKEN.lower() not in res.text.lower()


# ------------------------------------------------------------------ 3. config values, unknown routes
STAGE_VARS = "/pipelines/{pipeline}/stage/review/config-vars"


def test_pipeline_stage_config_values_never_reach_dry_run_or_plan(hk: Harness, tmp_path: Path) -> None:
    pipeline = hk.sandbox.store.all("pipeline")[0]["id"]
    path = STAGE_VARS.format(pipeline=pipeline)
    body = json.dumps({"STRIPE_KEY": SECRET})
    dry = hk.cli("--dry-run", "api", "PATCH", path, "-d", body, env=hk.full_env())
    plan = tmp_path / "plan.jsonl"
    hk.cli("--plan", str(plan), "api", "PATCH", path, "-d", body, env=hk.full_env())
    sent = hk.cli("api", "PATCH", path, "-d", body, env=hk.full_env())  # the warning shows the plan
    assert SECRET not in dry.text, dry.text
    assert SECRET not in plan.read_text()
    assert SECRET not in sent.text, sent.text


def test_app_setup_env_and_addon_config_values_never_reach_dry_run(hk: Harness) -> None:
    setup = {"source_blob": {"url": "https://example.invalid/a.tgz"}, "overrides": {"env": {"K": SECRET}}}
    a = hk.cli("--dry-run", "api", "POST", "/app-setups", "-d", json.dumps(setup), env=hk.full_env())
    addon = {"config": [{"name": "STRIPE_KEY", "value": SECRET}]}
    b = hk.cli("--dry-run", "api", "PATCH", "/addons/x/config", "-d", json.dumps(addon), env=hk.full_env())
    assert SECRET not in a.text and SECRET not in b.text, a.text + b.text


class _AddonConfig(BaseHTTPRequestHandler):
    """An API host answering GET /addons/{addon}/config as the official schema says: a list of name/value."""

    def do_GET(self) -> None:
        data = json.dumps([{"name": "STRIPE_KEY", "value": SECRET}]).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def test_addon_config_values_are_masked_like_config_vars(live: Harness) -> None:
    server = LoopbackServer(_AddonConfig)
    try:
        res = live.cli("api", "GET", "/addons/postgresql-x/config", env=live.env(HKCTL_API_URL=server.url))
    finally:
        server.close()
    assert res.code == 0, res.text
    assert "STRIPE_KEY" in res.out and SECRET not in res.out


# ------------------------------------------------------------------ 4. the token, other encodings
class _EchoEncoded(BaseHTTPRequestHandler):
    """An API host whose error echoes the Authorization header double-percent-encoded (a proxy's echo)."""

    def do_GET(self) -> None:
        token = self.headers.get("authorization", "").removeprefix("Bearer ")
        twice = "".join(f"%25{b:02X}" for b in token.encode())  # each byte encoded, then the % again
        data = json.dumps({"id": "invalid_params", "message": f"bad header {twice}"}).encode()
        self.send_response(422)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def test_token_double_percent_encoded_in_an_error_is_scrubbed(live: Harness) -> None:
    server = LoopbackServer(_EchoEncoded)
    try:
        res = live.cli("apps", "info", "-a", STAGING, env=live.env(HKCTL_API_URL=server.url))
    finally:
        server.close()
    assert res.code == 1 and "bad header" in res.err, res.text
    assert SANDBOX_TOKEN not in unquote(unquote(res.err)), res.err  # decoded twice, it is the token


# ------------------------------------------------------------------ 5. a rollback spelled as a slug
def test_releasing_an_older_slug_on_production_needs_the_name(hk: Harness) -> None:
    older = _older_release(hk, PRODUCTION)
    slug = older["slug"]["id"] if isinstance(older["slug"], dict) else older["slug"]
    body = json.dumps({"slug": slug, "description": "Deploy 9f8e7d6"})
    # the same endpoint with {"release": ...} demands the name; with the old release's slug it does not
    res = hk.cli("api", "POST", f"/apps/{PRODUCTION}/releases", "-d", body, env=hk.full_env())
    assert res.code == 3, res.text
    assert hk.writes_received() == []


# ------------------------------------------------------------------ 6. destructive by another route
def test_regenerating_an_authorizations_tokens_is_destructive_like_a_revoke(hk: Harness) -> None:
    auth = hk.sandbox.store.all("oauth-authorization") or hk.sandbox.store.all("authorization")
    ident = auth[0]["id"] if auth else "01234567-89ab-cdef-0123-456789abcdef"
    revoke = hk.cli("api", "DELETE", f"/oauth/authorizations/{ident}", env=hk.full_env())
    assert revoke.code == 3  # a revoke needs the id typed ...
    # ... and the official schema's regenerate-tokens also kills the token in use at once
    regen = hk.cli(
        "api", "POST", f"/oauth/authorizations/{ident}/actions/regenerate-tokens", env=hk.full_env()
    )
    assert regen.code == 3, regen.text
    assert hk.writes_received() == []


def test_transferring_production_to_another_owner_needs_the_name(hk: Harness) -> None:
    body = json.dumps({"app": PRODUCTION, "recipient": "someone@example.invalid"})
    res = hk.cli("api", "POST", "/account/app-transfers", "-d", body, env=hk.full_env())
    team = hk.cli(
        "api", "PATCH", f"/teams/apps/{PRODUCTION}", "-d", '{"owner": "someone@example.invalid"}',
        env=hk.full_env(),
    )  # fmt: skip
    assert (res.code, team.code) == (3, 3), res.text + team.text
    assert hk.writes_received() == []


# ------------------------------------------------------------------ 7. a path prefix in the API URL
def test_a_path_in_the_api_url_cannot_hide_what_is_sent(hk: Harness) -> None:
    before = _web(hk, PRODUCTION)
    zero = json.dumps({"updates": [{"type": "web", "quantity": 0}]})
    # the guard judges PATCH /formation (an unknown route: a plain write, no app);
    # the sandbox receives PATCH /apps/demo-production/formation: production scaled to zero
    res = hk.cli(
        "--api-url", f"{hk.url}/apps/{PRODUCTION}", "api", "PATCH", "/formation", "-d", zero,
        env=hk.full_env(),
    )  # fmt: skip
    env = hk.full_env(HKCTL_API_URL=f"{hk.url}/apps/{PRODUCTION}")
    via_env = hk.cli("api", "PATCH", "/formation", "-d", zero, env=env)
    assert res.code in (2, 3) and via_env.code in (2, 3), res.text + via_env.text
    assert hk.writes_received() == [] and _web(hk, PRODUCTION) == before


# ------------------------------------------------------------------ 8. netrc's credential, another host
class _Recorder(BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:
        _Recorder.seen.append(self.headers.get("authorization", ""))
        data = b'{"id": "not_found", "message": "nope"}'
        self.send_response(404)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def test_the_netrc_token_for_api_heroku_com_is_not_sent_to_another_api_url(live: Harness) -> None:
    real = "REALHEROKUTOKEN-0123456789abcdef"
    netrc = live.home / ".netrc"
    netrc.write_text(f"machine api.heroku.com\n  login me@example.invalid\n  password {real}\n")
    netrc.chmod(0o600)
    _Recorder.seen = []
    server = LoopbackServer(_Recorder)
    try:
        env = live.env(HEROKU_API_KEY=None, HKCTL_API_URL=server.url)  # type: ignore[arg-type]
        live.cli("apps", "info", "-a", STAGING, env=env)
    finally:
        server.close()
    # the credential the official CLI stored for api.heroku.com never goes to another host
    assert not any(real in h for h in _Recorder.seen), _Recorder.seen


# ------------------------------------------------------------------ 9. Postgres data loss by PUT/POST
def _database(hk: Harness, app: str) -> str:
    app_id = _app_id(hk, app)
    for a in hk.sandbox.store.all("addon"):
        if (a.get("app") or {}).get("id") == app_id and "postgres" in str(a.get("addon_service")):
            return str(a["id"])
    raise LookupError(app)


@pytest.mark.parametrize(
    ("method", "tail", "body"),
    [
        ("PUT", "reset", {}),  # pg:reset: every table dropped
        ("POST", "restores", {"backup_url": "https://example.invalid/b001"}),  # pg:backups:restore
        ("POST", "transfers", {"from_url": "postgres://x", "to_name": "DATABASE"}),  # pg:copy over it
    ],
)
def test_wiping_or_overwriting_a_database_needs_the_name(
    hk: Harness, method: str, tail: str, body: dict
) -> None:
    db = _database(hk, PRODUCTION)
    path = f"/client/v11/databases/{db}/{tail}"
    res = hk.cli("api", method, path, "--postgres", "-d", json.dumps(body), env=hk.full_env())
    # the official CLI asks for --confirm APP on each of these; hkctl sends them on the opt-in alone
    assert res.code == 3, res.text
    assert hk.writes_received() == []


# ------------------------------------------------------------------ 10. a hostile plan file's shape
def test_a_deeply_nested_plan_is_bad_input(hk: Harness, tmp_path: Path) -> None:
    plan = tmp_path / "deep.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    plan.write_text(f'{{"method": "PATCH", "endpoint": "/apps/{STAGING}", "payload": {deep}}}\n')
    res = hk.cli("apply", str(plan), env=hk.full_env())
    assert res.code == 2, res.text
    assert "internal error" not in res.err
    assert hk.writes_received() == []


def test_a_deeply_nested_api_body_is_bad_input(hk: Harness) -> None:
    for deep in ("[" * 100_000 + "]" * 100_000, "[" * 500 + "]" * 500):  # past the parser, past the limit
        res = hk.cli("api", "PATCH", f"/apps/{STAGING}", "-d", deep, env=hk.full_env())
        assert res.code == 2 and "nests too deep" in res.err, res.text
    assert hk.writes_received() == []


def test_the_token_is_scrubbed_however_it_is_spelled() -> None:
    from hkctl.transport.redaction import REDACTED, Redactor

    token = "HRKU-abcdef0123456789-ZYX"
    r = Redactor()
    r.add_token(token)
    spelled = {
        "html entities": "".join(f"&#{ord(c)};" for c in token),
        "fullwidth": "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in token),
        "hex": token.encode().hex().upper(),
        "spaces": " ".join(token),
        "zero-width": "\u200b".join(token),
        "a line break": token[:9] + "\n" + token[9:],
        "percent-encoded three times": "".join(f"%2525{b:02X}" for b in token.encode()),
    }
    for how, spelling in spelled.items():
        out = r(f"bad header: {spelling}.")
        assert REDACTED in out and "0123456789" not in out, (how, out)
    assert r("an ordinary message, 50% done") == "an ordinary message, 50% done"


def test_a_prompt_shows_control_characters_from_a_body_as_escapes(hk: Harness) -> None:
    # a rename's new name is a body string the description repeats: it cannot draw a fake line
    shown: list[str] = []

    def person(plan: str, question: str) -> str:
        shown.append(plan)
        return "no"

    body = json.dumps({"name": "x\n  Action: [GET] show an app\u001b[8m"})
    res = hk.cli(
        "api", "PATCH", f"/apps/{STAGING}", "-d", body, env=hk.env(HEROKU_PERMISSION="full"), confirmer=person
    )
    assert res.code == 3 and shown, res.text
    assert "\x1b" not in shown[0] and "\n  Action: [GET]" not in shown[0], shown[0]
    assert "rename demo-staging to x\\n  Action: [GET] show an app\\x1b[8m" in shown[0], shown[0]
    assert hk.writes_received() == []


def test_any_customers_herokuapp_com_app_is_not_a_storage_host() -> None:
    from hkctl.transport.allowlist import is_storage_host

    assert not is_storage_host("attacker.herokuapp.com")
    assert is_storage_host("build-output.heroku.com")


def test_resetting_a_database_is_confirmed_with_its_apps_name(hk: Harness) -> None:
    db = _database(hk, PRODUCTION)
    path = f"/client/v11/databases/{db}/reset"
    wrong = hk.cli("--confirm", STAGING, "api", "PUT", path, "--postgres", env=hk.full_env())
    assert wrong.code == 3 and PRODUCTION in wrong.err, wrong.text  # as the official CLI's --confirm APP
    asked: list[str] = []

    def person(plan: str, question: str) -> str:
        asked.append(question)
        return "no"

    hk.cli("api", "PUT", path, "--postgres", env=hk.env(HEROKU_PERMISSION="full"), confirmer=person)
    assert asked and f"Type the app name ({PRODUCTION})" in asked[0], asked
    assert hk.writes_received() == []


def test_an_answers_credential_fields_are_redacted_by_field() -> None:
    from hkctl.transport.redaction import REDACTED, redact_answer

    answer = {
        "id": "a1",
        "description": "a token for CI",  # a word, not a field: shown
        "access_token": {"id": "t1", "token": "HRKU-access", "expires_in": 3600},
        "refresh_token": {"id": "t2", "token": "HRKU-refresh"},
        "grant": {"code": "grant-code", "type": "authorization_code"},
        "client": {"id": "c1", "secret": "client-secret"},
    }
    shown, found = redact_answer("/oauth/authorizations/{authorization}", answer)
    assert shown["access_token"] == {"id": "t1", "token": REDACTED, "expires_in": 3600}
    assert shown["refresh_token"]["token"] == shown["grant"]["code"] == shown["client"]["secret"] == REDACTED
    assert shown["description"] == "a token for CI" and shown["grant"]["type"] == "authorization_code"
    assert set(found) == {"HRKU-access", "HRKU-refresh", "grant-code", "client-secret"}
    config = [{"name": "STRIPE_KEY", "value": SECRET}]
    masked, _ = redact_answer("/addons/{addon}/config", config, mask="••")
    revealed, _ = redact_answer("/addons/{addon}/config", config, reveal=True)
    assert masked == [{"name": "STRIPE_KEY", "value": "••"}] and revealed == config
