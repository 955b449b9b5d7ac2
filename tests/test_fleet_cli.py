"""hkctl fleet over the sandbox's `fleet` scenario (300 apps): exact rows, the requests spent, the budget."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from hkctl.sandbox.app import create_app
from hkctl.sandbox.backend.apps import destroy_app
from hkctl.sandbox.seed import SANDBOX_TOKEN
from hkctl.sandbox.server import build_sandbox
from tests.support import SOCKET_MODE, Harness, inprocess_transport

pytestmark = pytest.mark.core


@pytest.fixture
def fleet(tmp_path: Path, request: pytest.FixtureRequest) -> Harness:
    """A fresh sandbox seeded with the fleet scenario, hkctl pointed at it."""
    home = tmp_path / "home"
    home.mkdir()
    sb = build_sandbox(scenario="fleet")
    if SOCKET_MODE:
        running = request.getfixturevalue("_server")
        app = running._server.config.loaded_app
        while not hasattr(app, "state") and hasattr(app, "app"):
            app = app.app
        sb.public_url = running.url
        app.state.sandbox = sb
        harness = Harness(app, running.url, home, None)
    else:
        app = create_app(sb)
        harness = Harness(app, "http://localhost", home, inprocess_transport(app))
    request.addfinalizer(harness.assert_conformant)
    return harness


def rows(out: str) -> list[list[str]]:
    return [line.split("\t") for line in out.splitlines()]


def templates(h: Harness) -> list[str]:
    return [f"{r['method']} {r.get('template', r['path'])}" for r in h.received()]


def test_list_shows_the_list_fields_and_the_formation_with_one_request_per_app(fleet: Harness) -> None:
    r = fleet.cli("fleet", "list", "--team", "payments", "--match", "payments-api-*")
    assert r.code == 0, r.err
    owner = "payments@herokumanager.com"
    assert rows(r.out) == [
        [
            "payments-api-production",
            "payments",
            "us",
            "heroku-22",
            "",
            "web 2×Standard-2X, worker 1×Standard-1X",
            "2d",
            owner,
        ],
        [
            "payments-api-staging",
            "payments",
            "us",
            "heroku-24",
            "",
            "web 1×Standard-1X, worker 1×Standard-1X",
            "1d",
            owner,
        ],
    ]
    assert "plan: 2 apps × 1 request = 2 of 4,499 left" in r.err
    assert templates(fleet) == ["GET /teams/{team}/apps"] + ["GET /apps/{app}/formation"] * 2
    assert fleet.received()[0]["range"] == "name ..; max=1000"


def test_list_of_the_whole_account_generation_and_personal_apps(fleet: Harness) -> None:
    r = fleet.cli("fleet", "list", "--match", "personal-0[1-2]")
    assert r.code == 0, r.err
    assert rows(r.out) == [
        ["personal-01", "", "us", "heroku-24", "cedar", "web 1×Basic", "21d", "demo@hkctl.dev"],
        [
            "personal-02",
            "",
            "us",
            "heroku-24",
            "cedar",
            "web 1×Eco, worker 1×Standard-1X",
            "22d",
            "demo@hkctl.dev",
        ],
    ]


def test_find_on_list_fields_costs_no_request_per_app(fleet: Harness) -> None:
    r = fleet.cli("fleet", "find", "--stack", "heroku-20")
    assert r.code == 0, r.err
    assert rows(r.out) == [
        ["data-app-20", "data", "heroku-20", "28d", "stack heroku-20"],
        ["growth-app-11", "growth", "heroku-20", "400d", "stack heroku-20"],
        ["mobile-search-production", "mobile", "heroku-20", "16d", "stack heroku-20"],
        ["payments-app-03", "payments", "heroku-20", "23d", "stack heroku-20"],
        ["personal-07", "", "heroku-20", "730d", "stack heroku-20"],
    ]
    assert templates(fleet) == ["GET /apps"]
    assert "plan: 5 apps × 0 requests = 0 of 4,499 left" in r.err


def test_find_stale_and_maintenance(fleet: Harness) -> None:
    stale = fleet.cli("fleet", "find", "--no-release-since", "90d")
    assert [row[0] + " " + row[3] for row in rows(stale.out)] == [
        "data-admin-staging 200d",
        "growth-app-11 400d",
        "mobile-app-30 365d",
        "payments-app-17 120d",
        "personal-07 730d",
        "personal-29 91d",
        "platform-app-08 95d",
    ]
    on = fleet.cli("fleet", "find", "--maintenance", "on")
    assert rows(on.out) == [
        ["growth-app-02", "growth", "heroku-24", "58d", "maintenance on"],
        ["personal-21", "", "heroku-24", "41d", "maintenance on"],
    ]
    assert fleet.cli("fleet", "find", "--no-release-since", "soon").code == 2
    assert fleet.cli("fleet", "find", "--config-key", "NOT-A-KEY").code == 2
    assert fleet.cli("fleet", "find", "--missing").code == 2
    assert fleet.cli("fleet", "find").code == 2  # no filter


def test_find_by_addon_reads_the_account_addons_once_then_only_the_matching_formations(
    fleet: Harness,
) -> None:
    r = fleet.cli("fleet", "find", "--addon", "heroku-redis:mini", "--size", "Standard-2X")
    assert r.code == 0, r.err
    services = ("admin", "api", "auth", "billing", "events", "search", "web", "worker")
    assert [row[0] for row in rows(r.out)] == [f"payments-{s}-production" for s in services]
    assert rows(r.out)[1] == [
        "payments-api-production",
        "payments",
        "heroku-22",
        "2d",
        "web 2×Standard-2X; redis-payments-api-production",
    ]
    assert templates(fleet) == ["GET /apps", "GET /addons"] + ["GET /apps/{app}/formation"] * 8


def test_find_missing_config_key_names_only_and_a_403_is_a_row(fleet: Harness) -> None:
    r = fleet.cli("fleet", "find", "--config-key", "SENTRY_DSN", "--missing")
    assert r.code == 0, r.err
    forbidden = "403 forbidden: You do not have access to the app platform-app-33."
    assert rows(r.out) == [
        ["data-app-17", "data", "heroku-24", "25d", "SENTRY_DSN missing", ""],
        ["growth-app-05", "growth", "heroku-24", "1d", "SENTRY_DSN missing", ""],
        ["personal-03", "", "heroku-24", "23d", "SENTRY_DSN missing", ""],
        ["platform-app-33", "platform", "heroku-24", "5d", "", forbidden],
        ["platform-worker-staging", "platform", "heroku-24", "37d", "SENTRY_DSN missing", ""],
    ]
    assert "1 app could not be read" in r.err
    assert "sentry.example" not in r.out + r.err  # values never shown


def test_health_unhealthy_first_with_the_reason_and_exit_1(fleet: Harness) -> None:
    r = fleet.cli("fleet", "health", "--match", "p*")
    assert r.code == 1
    table = rows(r.out)
    assert table[:3] == [
        ["payments-api-production", "payments", "unhealthy", "crashed dynos: web.1"],
        ["personal-21", "", "unhealthy", "maintenance mode is on"],
        [
            "platform-app-33",
            "platform",
            "unknown",
            "403 forbidden: You do not have access to the app platform-app-33.",
        ],
    ]
    assert len(table) == 144 and {row[2] for row in table[3:]} == {"healthy"}
    assert "plan: 144 apps × 5 requests + 1 list read = 721 of 4,499 left" in r.err
    per_app = [t for t in templates(fleet) if "{app}" in t]
    assert len(per_app) == 144 * 5  # as planned: an app's reads go together, the 403 app's too


def test_health_json_streams_one_line_per_app(fleet: Harness) -> None:
    r = fleet.cli("fleet", "health", "--team", "growth", "--json")
    assert r.code == 1
    lines = [json.loads(line) for line in r.out.splitlines()]
    assert len(lines) == 52
    bad = sorted((x["app"], x["problems"]) for x in lines if x["verdict"] != "healthy")
    assert bad == [
        ("growth-app-02", ["maintenance mode is on"]),
        ("growth-web-staging", ["add-on postgresql-growth-web-staging is provisioning, not provisioned"]),
    ]


def test_cost_per_app_per_team_per_pipeline_with_total(fleet: Harness) -> None:
    apps = fleet.cli("fleet", "cost", "--pipeline", "payments-api", "--pipeline", "data-api")
    assert apps.code == 0, apps.err
    assert rows(apps.out) == [
        ["data-api-production", "data", "data-api", "$575.00"],
        ["payments-api-production", "payments", "payments-api", "$178.00"],
        ["data-api-staging", "data", "data-api", "$55.00"],
        ["payments-api-staging", "payments", "payments-api", "$55.00"],
        ["TOTAL", "", "", "$863.00"],
    ]
    by_pipeline = fleet.cli(
        "fleet", "cost", "--pipeline", "payments-api", "--pipeline", "data-api", "--by", "pipeline"
    )
    assert rows(by_pipeline.out) == [
        ["data-api", "$630.00"],
        ["payments-api", "$233.00"],
        ["TOTAL", "$863.00"],
    ]
    teams = fleet.cli("fleet", "cost", "--by", "team")
    assert rows(teams.out) == [
        ["data", "$6,080.00"],
        ["mobile", "$2,880.00"],
        ["payments", "$2,879.00"],
        ["growth", "$2,830.00"],
        ["platform", "$2,800.00"],
        ["(personal)", "$465.00"],
        ["eco dyno pool (account)", "$5.00"],
        ["TOTAL", "$17,939.00"],
    ]


def test_drift_shows_key_names_and_formations_never_values(fleet: Harness) -> None:
    r = fleet.cli("fleet", "drift")
    assert r.code == 0, r.err
    redis = [
        [
            "payments-" + s,
            "config",
            "REDIS_URL",
            f"set in production; missing in staging (payments-{s}-staging)",
        ]
        for s in ("admin", "api", "auth")
    ]
    assert rows(r.out) == [
        [
            "growth-search",
            "formation",
            "web",
            "production 1×Standard-1X (growth-search-production) is smaller than staging 1×Standard-2X "
            "(growth-search-staging)",
        ],
        [
            "mobile-auth",
            "config",
            "STRIPE_WEBHOOK_SECRET",
            "set in production; missing in staging (mobile-auth-staging)",
        ],
        *redis,
        [
            "payments-billing",
            "config",
            "FEATURE_LEDGER_V2",
            "set in staging; missing in production (payments-billing-production)",
        ],
        [
            "payments-billing",
            "config",
            "REDIS_URL",
            "set in production; missing in staging (payments-billing-staging)",
        ],
        [
            "payments-events",
            "config",
            "REDIS_URL",
            "set in production; missing in staging (payments-events-staging)",
        ],
        [
            "payments-events",
            "formation",
            "worker",
            "runs in staging; missing in production (payments-events-production)",
        ],
        [
            "payments-search",
            "config",
            "REDIS_URL",
            "set in production; missing in staging (payments-search-staging)",
        ],
        [
            "payments-web",
            "config",
            "REDIS_URL",
            "set in production; missing in staging (payments-web-staging)",
        ],
        [
            "payments-worker",
            "config",
            "REDIS_URL",
            "set in production; missing in staging (payments-worker-staging)",
        ],
        [
            "platform-worker",
            "config",
            "SENTRY_DSN",
            "set in production; missing in staging (platform-worker-staging)",
        ],
    ]
    assert "plan: 80 apps × 2 requests = 160 of 4,497 left" in r.err
    assert "sentry.example" not in r.out + r.err and "postgresql://" not in r.out


def test_stacks_past_and_near_end_of_life_with_dates(fleet: Harness) -> None:
    r = fleet.cli("fleet", "stacks", "--within", "0")
    assert r.code == 0, r.err
    since20 = (date.today() - date(2025, 4, 30)).days
    since18 = (date.today() - date(2023, 4, 30)).days
    eol20 = ["heroku-20", "end-of-life", "2025-04-30", f"end-of-life since 2025-04-30 ({since20} days)"]
    assert rows(r.out) == [
        [
            "personal-13",
            "",
            "heroku-18",
            "end-of-life",
            "2023-04-30",
            f"end-of-life since 2023-04-30 ({since18} days)",
        ],
        ["data-app-20", "data", *eol20],
        ["growth-app-11", "growth", *eol20],
        ["mobile-search-production", "mobile", *eol20],
        ["payments-app-03", "payments", *eol20],
        ["personal-07", "", *eol20],
    ]
    assert templates(fleet) == ["GET /apps"]
    near = fleet.cli("fleet", "stacks")  # within a year: heroku-22 (April 2027) too
    statuses = [row[3] for row in rows(near.out)]
    assert statuses.count("end-of-life") == 6 and statuses.count("near end-of-life") == 20


def test_over_the_share_without_a_terminal_is_refused_with_the_numbers(fleet: Harness) -> None:
    fleet.sandbox.ratelimits.set(_token_id(fleet), 300, fleet.sandbox.clock.now())
    r = fleet.cli("fleet", "health", "--team", "mobile")
    assert r.code == 3
    assert "plan: 52 apps × 5 requests + 1 list read = 261 of 299 left" in r.err
    assert "more than 50% of the 299 left" in r.err and "--budget 261" in r.err
    assert templates(fleet) == ["GET /teams/{team}/apps"]  # nothing sent for the apps
    declined = fleet.cli("fleet", "health", "--team", "mobile", confirmer=lambda plan, q: "no")
    assert declined.code == 3 and "declined" in declined.err
    allowed = fleet.cli("fleet", "health", "--team", "mobile", "--budget", "261")
    assert allowed.code == 1 and len(rows(allowed.out)) == 52
    assert fleet.cli("fleet", "list", "--team", "mobile", "--budget", "10").code == 3


def test_asked_on_a_terminal_and_allowed(fleet: Harness) -> None:
    fleet.sandbox.ratelimits.set(_token_id(fleet), 300, fleet.sandbox.clock.now())
    asked: list[str] = []
    r = fleet.cli(
        "fleet",
        "list",
        "--team",
        "data",
        "--max-share",
        "10",
        confirmer=lambda p, q: asked.append(p + q) or "y",
    )
    assert r.code == 0 and len(rows(r.out)) == 52
    assert asked and "52 apps × 1 request = 52 of 299 left" in asked[0]


def test_an_app_deleted_mid_run_is_a_404_row(fleet: Harness) -> None:
    sb = fleet.sandbox

    def delete_after_listing(exchange: dict) -> None:
        if exchange["path"] == "/teams/mobile/apps":
            destroy_app(sb, sb.store.first("app", name="mobile-app-07") or {})

    sb.observers.append(delete_after_listing)
    r = fleet.cli("fleet", "list", "--team", "mobile", "--match", "mobile-app-0[6-8]")
    assert r.code == 0
    assert [(row[0], row[-1]) for row in rows(r.out)] == [
        ("mobile-app-06", ""),
        ("mobile-app-07", "404 not_found: Couldn't find that app."),
        ("mobile-app-08", ""),
    ]


def _token_id(h: Harness) -> str:
    token = h.sandbox.token_for(SANDBOX_TOKEN)
    assert token is not None
    return str(token["id"])
