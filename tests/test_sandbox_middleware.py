"""Heroku's wire rules in the sandbox: auth (Bearer, Basic, `Bearer undefined`), Accept variants, scopes, ids."""

from __future__ import annotations

import base64

import httpx
import pytest

from hkctl.sandbox.seed import SANDBOX_TOKEN, add_token

pytestmark = pytest.mark.core

V3 = "application/vnd.heroku+json; version=3"


def raw(hk, **headers: str) -> httpx.Client:
    return httpx.Client(base_url=hk.url, transport=hk.transport, headers=headers, timeout=10)


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer undefined", "Bearer wrong-token", "Basic " + base64.b64encode(b":wrong").decode()],
)
def test_missing_or_bad_credentials_get_401_in_herokus_words(hk, authorization):
    headers = {"Accept": V3}
    if authorization:
        headers["Authorization"] = authorization
    answer = raw(hk, **headers).get("/apps")
    assert answer.status_code == 401
    assert answer.json() == {"id": "unauthorized", "message": "Invalid credentials provided."}


def test_basic_auth_with_the_key_as_password_works_like_heroku3_and_curl(hk):
    basic = "Basic " + base64.b64encode(f":{SANDBOX_TOKEN}".encode()).decode()
    assert raw(hk, Authorization=basic, Accept=V3).get("/account").status_code == 200


@pytest.mark.parametrize(
    "variant", ["3", "3.sdk", "3.webhooks", "3.cedar-acm", "3.account-quotas", "3.filters"]
)
def test_every_version_3_accept_variant_is_accepted(hk, variant):
    c = raw(
        hk, Authorization=f"Bearer {SANDBOX_TOKEN}", Accept=f"application/vnd.heroku+json; version={variant}"
    )
    assert c.get("/account").status_code == 200


def test_a_missing_version_is_406(hk):
    answer = raw(hk, Authorization=f"Bearer {SANDBOX_TOKEN}", Accept="application/json").get("/apps")
    assert answer.status_code == 406 and answer.json()["id"] == "not_acceptable"


def test_every_answer_carries_request_id_and_rate_limit_headers(hk):
    answer = raw(hk, Authorization=f"Bearer {SANDBOX_TOKEN}", Accept=V3).get("/apps")
    assert len(answer.headers["Request-Id"]) == 36
    assert int(answer.headers["RateLimit-Remaining"]) < 4500


def test_unknown_path_and_wrong_verb_are_herokus_404(hk):
    c = raw(hk, Authorization=f"Bearer {SANDBOX_TOKEN}", Accept=V3)
    for answer in (c.get("/no/such/thing"), c.put("/apps/demo-staging", json={})):
        assert answer.status_code == 404 and answer.json()["id"] == "not_found"


def test_invalid_json_is_400(hk):
    c = raw(hk, Authorization=f"Bearer {SANDBOX_TOKEN}", Accept=V3)
    answer = c.patch(
        "/apps/demo-staging/config-vars", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400 and answer.json()["id"] == "bad_request"


def test_a_read_token_reads_but_cannot_write(hk):
    account = hk.sandbox.store.all("account")[0]
    add_token(hk.sandbox, account, "HRKU-read-only", scope=["read"], description="read")
    c = raw(hk, Authorization="Bearer HRKU-read-only", Accept=V3)
    assert c.get("/apps/demo-staging").status_code == 200
    assert c.patch("/apps/demo-staging", json={"maintenance": True}).status_code == 403
    assert c.get("/apps/demo-staging/config-vars").status_code == 403  # read-protected
    ids = [a["id"] for a in c.get("/apps").json()]
    assert c.post("/filters/apps", json={"in": {"id": ids}}).status_code == 200  # a POST that reads
    assert hk.sandbox.store.first("app", name="demo-staging")["maintenance"] is False


@pytest.mark.parametrize("ref", ["v²", "²", "v" + "9" * 5000, "9" * 5000])
def test_an_odd_release_version_is_a_404_never_a_500(hk, ref):
    c = raw(hk, Authorization=f"Bearer {SANDBOX_TOKEN}", Accept=V3)
    assert c.get(f"/apps/demo-staging/releases/{ref}").status_code == 404


@pytest.mark.parametrize("quantity", ["²", "9" * 5000])
def test_an_odd_quantity_is_a_422_never_a_500(hk, quantity):
    c = raw(hk, Authorization=f"Bearer {SANDBOX_TOKEN}", Accept=V3)
    answer = c.patch("/apps/demo-staging/formation/web", json={"quantity": quantity})
    assert answer.status_code == 422
