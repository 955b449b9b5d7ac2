"""hkctl access against the sandbox: the owner and collaborators; add and remove by email."""

from __future__ import annotations

import json

import pytest

from tests.support import Harness

pytestmark = pytest.mark.core


def _emails(hk: Harness, app: str) -> list[str]:
    app_id = hk.sandbox.store.first("app", name=app)["id"]
    return [c["user"]["email"] for c in hk.sandbox.store.all("collaborator", parent=app_id)]


def test_list_shows_the_owner_and_collaborators(hk: Harness) -> None:
    r = hk.cli("access", "list", "-a", "demo-production", "--json")
    assert r.code == 0, r.err
    roles = {c["user"]["email"]: c["role"] for c in json.loads(r.out)}
    assert roles == {"demo@hkctl.dev": "owner", "alice@demo-shop.example": "collaborator"}


def test_add_and_remove_by_email(hk: Harness) -> None:
    r = hk.cli("access", "add", "bob@demo-shop.example", "-a", "demo-staging", env=hk.full_env())
    assert r.code == 0, r.err
    assert _emails(hk, "demo-staging") == ["bob@demo-shop.example"]
    assert hk.writes_received()[0]["body"] == {"user": "bob@demo-shop.example", "silent": False}
    r = hk.cli("access", "remove", "bob@demo-shop.example", "-a", "demo-staging", env=hk.full_env())
    assert r.code == 0, r.err
    assert _emails(hk, "demo-staging") == []


def test_adding_twice_is_a_422(hk: Harness) -> None:
    r = hk.cli("access", "add", "alice@demo-shop.example", "-a", "demo-production", env=hk.full_env())
    assert r.code == 1 and "422" in r.err and "already" in r.err
    assert _emails(hk, "demo-production") == ["alice@demo-shop.example"]


def test_unknown_user_and_unknown_collaborator_are_404s(hk: Harness) -> None:
    r = hk.cli("access", "add", "nobody@nowhere.example", "-a", "demo-staging", env=hk.full_env())
    assert r.code == 1 and "404" in r.err
    r = hk.cli("access", "remove", "bob@demo-shop.example", "-a", "demo-staging", env=hk.full_env())
    assert r.code == 1 and "404" in r.err


def test_the_owner_cannot_be_removed(hk: Harness) -> None:
    r = hk.cli("access", "remove", "demo@hkctl.dev", "-a", "demo-staging", env=hk.full_env())
    assert r.code == 1 and "422" in r.err


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "x/y@example.com"])
def test_bad_emails_exit_2_and_send_nothing(hk: Harness, email: str) -> None:
    r = hk.cli("access", "add", email, "-a", "demo-staging", env=hk.full_env())
    assert r.code == 2, r.err
    assert hk.received() == []
