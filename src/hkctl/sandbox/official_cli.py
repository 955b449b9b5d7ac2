"""The official Heroku CLI commands `tests/test_official_cli.py` runs against the sandbox, and what each sends.

Measured with heroku@11.10.0 against the demo seed (`APP` stands for the app): the requests in the
order first sent, as route templates. `hkctl sandbox coverage` prints this table in docs/coverage.md;
the test file checks each command's outcome and the state it leaves.
"""

from __future__ import annotations

VERSION = "11.10.0"

#: (command line, requests it sends)
COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("apps", ("GET /users/{user}/apps", "GET /account")),
    (
        "apps:info -a APP",
        (
            "GET /apps/{app}/addons",
            "GET /apps/{app}",
            "GET /apps/{app}/dynos",
            "GET /apps/{app}/collaborators",
            "GET /apps/{app}/pipeline-couplings",
        ),
    ),
    ("apps:create APP2", ("POST /apps",)),
    ("apps:rename NEW -a APP2", ("PATCH /apps/{app}",)),
    ("config -a APP", ("GET /apps/{app}/config-vars",)),
    ("config:set OFFICIAL=yes -a APP", ("PATCH /apps/{app}/config-vars", "GET /apps/{app}/releases")),
    ("config:unset OFFICIAL -a APP", ("PATCH /apps/{app}/config-vars", "GET /apps/{app}/releases")),
    ("ps -a APP", ("GET /account", "GET /apps/{app}", "GET /apps/{app}/dynos")),
    ("ps:scale web=2 -a APP", ("GET /apps/{app}", "PATCH /apps/{app}/formation")),
    ("ps:restart -a APP", ("DELETE /apps/{app}/dynos",)),
    ("releases -a APP", ("GET /apps/{app}/releases",)),
    (
        "releases:info 1 -a APP",
        ("GET /apps/{app}/releases/{release}", "GET /apps/{app}/releases/{release}/config-vars"),
    ),
    ("rollback v3 -a APP", ("GET /apps/{app}/releases/{release}", "POST /apps/{app}/releases")),
    ("addons -a APP", ("GET /apps/{app}/addons", "GET /addon-attachments")),
    ("addons:create heroku-postgresql:essential-0 -a APP", ("POST /apps/{app}/addons",)),
    ("domains -a APP", ("GET /apps/{app}/domains",)),
    (
        "domains:add www.official-cli.example.com -a APP",
        ("GET /apps/{app}/sni-endpoints", "POST /apps/{app}/domains"),
    ),
    ("maintenance:on -a APP", ("PATCH /apps/{app}",)),
    ("maintenance:off -a APP", ("PATCH /apps/{app}",)),
    (
        "logs -n 5 -a APP",
        ("GET /apps/{app}", "POST /apps/{app}/log-sessions", "GET <logplex_url> (log stream)"),
    ),
    ("pipelines", ("GET /pipelines",)),
    (
        "pipelines:promote -a APP",
        (
            "GET /apps/{app}/pipeline-couplings",
            "GET /pipelines/{pipeline}/pipeline-couplings",
            "POST /filters/apps",
            "POST /pipeline-promotions",
            "GET /pipeline-promotions/{promotion}/promotion-targets",
        ),
    ),
    ("access -a APP", ("GET /apps/{app}", "GET /apps/{app}/collaborators")),
    ("run:detached echo hi -a APP", ("GET /apps/{app}", "POST /apps/{app}/dynos")),
    ("webhooks -a APP", ("GET /apps/{app}/webhooks",)),
    ("pg:backups -a APP", ("GET /client/v11/apps/{app}/transfers",)),
    ("config:get RAILS_ENV -a APP", ("GET /apps/{app}/config-vars",)),
    (
        "addons:info heroku-postgresql -a APP",
        ("POST /actions/addons/resolve", "GET /addons/{addon}/addon-attachments"),
    ),
    ("domains:remove www.official-cli.example.com -a APP", ("DELETE /apps/{app}/domains/{domain}",)),
    ("drains:add syslog+tls://logs.official-cli.example.com:6514 -a APP", ("POST /apps/{app}/log-drains",)),
    ("drains -a APP", ("GET /apps/{app}/log-drains",)),
    ("ps:stop worker -a APP", ("POST /apps/{app}/dynos/{dyno}/actions/stop",)),
    (
        "ps:type worker=standard-2x -a APP",
        ("GET /apps/{app}/formation", "PATCH /apps/{app}/formation", "GET /apps/{app}"),
    ),
    ("releases:output -a APP", ("GET /apps/{app}/releases",)),
    ("buildpacks -a APP", ("GET /apps/{app}", "GET /apps/{app}/buildpack-installations")),
    (
        "pg:info -a APP",
        (
            "GET /apps/{app}/config-vars",
            "GET /apps/{app}/addon-attachments",
            "GET /client/v11/databases/{db}",
        ),
    ),
    (
        "pg:backups:capture -a APP",
        (
            "POST /actions/addon-attachments/resolve",
            "GET /apps/{app}/addon-attachments",
            "GET /apps/{app}/config-vars",
            "GET /client/v11/databases/{db}",
            "POST /client/v11/databases/{db}/backups",
            "GET /client/v11/apps/{app}/transfers/{transfer}",
        ),
    ),
    ("certs -a APP", ("GET /apps/{app}/sni-endpoints",)),
    ("authorizations", ("GET /oauth/authorizations",)),
    ("regions", ("GET /regions",)),
    ("apps:stacks -a APP", ("GET /apps/{app}", "GET /stacks")),
    ("labs -a APP", ("GET /account", "GET /account/features", "GET /apps/{app}/features")),
    (
        "pipelines:info demo",
        ("GET /pipelines", "GET /pipelines/{pipeline}/pipeline-couplings", "POST /filters/apps"),
    ),
    ("access:add alice@demo-shop.example -a APP", ("GET /apps/{app}", "POST /apps/{app}/collaborators")),
    ("apps:destroy -a NEW --confirm NEW", ("GET /apps/{app}", "DELETE /apps/{app}")),
)
