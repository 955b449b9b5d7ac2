"""The deploy's steps, one function each, over resources/ (deploy.py orders them and handles failure)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from hkctl.errors import HkctlError
from hkctl.guard.decide import PRODUCTION_NAME
from hkctl.guard.policy import LATER, PlannedWrite
from hkctl.resources import (
    account,
    addons,
    apps,
    builds,
    dynos,
    formation,
    log_sessions,
    pipelines,
    postgres,
    releases,
    runs,
    slugs,
    sources,
)
from hkctl.workflows import health
from hkctl.workflows.ci_build import follow_build
from hkctl.workflows.health import prime, summarize_logs
from hkctl.workflows.rollback import watch_dynos

if TYPE_CHECKING:
    from hkctl.resources.addons import Addon
    from hkctl.resources.formation import Formation
    from hkctl.resources.pipelines import Coupling
    from hkctl.resources.releases import Release
    from hkctl.transport.client import HerokuClient
    from hkctl.workflows.deploy import DeployOptions, DeployState
    from hkctl.workflows.steps import StepLog

MIGRATE_TTL = 1800  # the spec's time_to_live for migrations (Bootsnap cold starts are slow)


# ---------------------------------------------------------------------------- reads
def releases_desc(client: HerokuClient, app: str, n: int) -> list[Release]:
    """The newest `n` Release records (GET /apps/{app}/releases, Range: version ..; order=desc)."""
    return releases.list_(client, app, max_items=n)


def current_release(client: HerokuClient, app: str) -> Release:
    """The current Release (else the newest succeeded one) among the last 10
    (GET /apps/{app}/releases); HkctlError when none succeeded, NotFound when the app does not exist."""
    rows = releases_desc(client, app, 10)
    for r in rows:
        if r.current:
            return r
    for r in rows:  # `current` is absent on some answers: the newest succeeded one is current
        if r.status == "succeeded":
            return r
    raise HkctlError(f"{app} has no succeeded release to fall back to")


def precheck(client: HerokuClient, opts: DeployOptions, st: DeployState) -> None:
    """App exists, current release, maintenance, formation, rate limit; production or not; the database.

    GET /apps/{app}, /releases, /formation, /pipeline-couplings, /addons and GET /account/rate-limits,
    concurrently; fills `st`. NotFound for an unknown app; HkctlError when fewer than 100 requests are left.
    """
    prime(client)
    with ThreadPoolExecutor(max_workers=5) as pool:
        f_app = pool.submit(apps.info, client, opts.app)
        f_rel = pool.submit(current_release, client, opts.app)
        f_form = pool.submit(_formation, client, opts.app)
        f_coupling = pool.submit(_coupling, client, opts.app)
        f_addons = pool.submit(_addons, client, opts.app)
        f_rate = pool.submit(account.rate_limit, client)
        a = f_app.result()
        st.app_id, st.app_name, st.was_maintenance = a.id, a.name, a.maintenance
        st.prev_release = f_rel.result()
        st.formation = f_form.result()
        coupling = f_coupling.result()
        addons = f_addons.result()
        st.rate_limit = f_rate.result()
    if coupling is not None:
        st.pipeline = coupling.pipeline_id
        st.production = coupling.stage == "production"
    else:
        st.production = bool(PRODUCTION_NAME.search(st.app_name))
    dbs = [x for x in addons if x.service == postgres.SERVICE]
    # the database behind DATABASE_URL when there are several (that is the one migrations change)
    primary = [x for x in dbs if "DATABASE_URL" in x.config_vars]
    chosen = primary or dbs
    st.database = postgres.Database.from_addon(chosen[0]) if chosen else None
    if st.rate_limit is not None and st.rate_limit < 100:
        raise HkctlError(
            f"only {st.rate_limit} API requests left in the rate-limit budget; a deploy needs more. "
            "Wait a few minutes (it refills about 75 per minute)."
        )


def _formation(client: HerokuClient, app: str) -> list[Formation]:
    return formation.list_(client, app)


def _addons(client: HerokuClient, app: str) -> list[Addon]:
    return list(addons.list_(client, app))


def _coupling(client: HerokuClient, app: str) -> Coupling | None:
    return pipelines.coupling_for_app(client, app)


def release_version_of(client: HerokuClient, app: str, release: Release) -> str | None:
    """The source version a release runs: the build that made its slug (GET /apps/{app}/builds, newest 20),
    else the slug's commit (GET /apps/{app}/slugs/{id}); None when the release has no slug."""
    slug_id = release.slug_id
    if not slug_id:
        return None
    for b in builds.list_(client, app, limit=20):
        if b.slug_id == slug_id:
            return b.version
    return slugs.info(client, app, slug_id).commit


def staging_has(client: HerokuClient, st: DeployState, version: str) -> tuple[bool, str]:
    """Is `version` released and healthy on a staging app of the pipeline? (ok, what was found).

    GET /pipelines/{id}/pipeline-couplings, then per staging app its releases, builds and health reads.
    """
    rows = pipelines.couplings(client, str(st.pipeline))
    staging = [c for c in rows if c.stage == "staging"]
    if not staging:
        return False, (
            f"{st.app_name} is the production app of a pipeline with no staging app: "
            f'deploy to a staging app first, or pass --skip-staging-check --reason "..."'
        )
    seen = []
    for c in staging:
        rel = current_release(client, c.app_id)
        running = release_version_of(client, c.app_id, rel)
        h = health.check_app(client, c.app_id)
        name = h.info.name if h.info else c.app_id
        if running == version and rel.status == "succeeded":
            if h.healthy:
                return True, f"{version} is released (v{rel.version}) and healthy on {name}"
            seen.append(f"{name} runs {version} but is unhealthy: {'; '.join(h.problems)}")
        else:
            seen.append(f"{name} runs {(running or 'an unknown version')[:12]} (v{rel.version})")
    first = seen[0].split(" ", 1)[0]
    pipeline = pipelines.info(client, str(st.pipeline)).name
    return False, (
        f"refused: {st.app_name} is the production app of pipeline {pipeline} and {version[:12]} has not "
        f"run healthy on its staging app ({'; '.join(seen)}). Deploy it to staging first "
        f"(hkctl deploy {first} --dir ...), then promote the tested slug "
        f"(hkctl pipelines promote --pipeline {pipeline}); "
        'or override with --skip-staging-check --reason "..." (logged).'
    )


# ---------------------------------------------------------------------------- the plan
def planned(
    client: HerokuClient,
    opts: DeployOptions,
    st: DeployState,
    version: str,
    *,
    backup: bool,
    maintenance: bool,
) -> list[PlannedWrite]:
    """Every write the deploy may make, built by the resource functions that send them (one confirmation).

    In order: POST /client/v11/databases/{db}/backups (backup), PATCH /apps/{app} (maintenance on),
    POST /sources, POST /apps/{app}/builds, POST /apps/{app}/dynos (migrate), DELETE /apps/{app}/dynos
    (restart), PATCH /apps/{app} (maintenance off), POST /apps/{app}/releases (rollback, only on failure).

    Kept in `st.writes` by step: maintenance and the restart are sent as these very objects; the
    others are built again by the same builder when their answer-dependent values are known (the
    upload URL, the new dyno) and must match the shown step to go (guard/policy.py).
    """
    app = st.app_name
    w = st.writes
    w.clear()
    if backup and st.database:
        w["backup"] = postgres.capture_write(client, st.database)
    if maintenance:
        w["maintenance_on"] = apps.maintenance_write(client, app, True)
    if opts.source_dir is not None:
        w["upload"] = sources.create_write(client)
    w["build"] = builds.create_write(client, app, opts.source_url or LATER, version=version)
    if opts.migrate:
        w["migrate"] = dynos.run_write(client, app, opts.migrate, ttl=MIGRATE_TTL)
    w["restart"] = dynos.restart_write(client, app)
    if maintenance:
        w["maintenance_off"] = apps.maintenance_write(client, app, False)
    prev = st.previous()
    rollback = releases.rollback_write(client, app, prev.id)
    w["rollback"] = dataclasses.replace(rollback, when=f"ONLY IF A STEP FAILS: roll back to v{prev.version}")
    return list(w.values())


# ---------------------------------------------------------------------------- the writes
def backup(client: HerokuClient, st: DeployState, *, say: Callable[[str], None]) -> str:
    """Capture a backup of the app's database and wait until it has finished (not just started).

    POST /client/v11/databases/{db}/backups (data API), then polls the transfer up to 3600 s;
    HkctlError when the backup fails, WaitTimedOut when it has not finished in time.
    """
    db = st.database
    assert db is not None
    started = postgres.capture(client, st.app_name, db)
    say(f"  backup {started.name} of {db.name} started")
    done = postgres.wait_for_transfer(client, st.app_name, started.num, timeout=3600.0)
    return f"backup {done.name} of {db.name} completed ({done.processed_bytes:,} bytes)"


def build(
    client: HerokuClient,
    opts: DeployOptions,
    st: DeployState,
    version: str,
    *,
    say: Callable[[str], None],
    log: StepLog,
) -> None:
    """Upload (for --dir), create the build, stream its output, wait for succeeded; note the new release.

    POST /sources and PUT to its put_url (for --dir), POST /apps/{app}/builds, GET .../builds/{id} until
    done, GET /apps/{app}/releases. HkctlError unless it succeeded; WaitTimedOut after `build_timeout` s.
    """
    app = st.app_name
    prev = st.previous()
    # Registered before the build starts: if anything fails from here on, a release this build may
    # have made (even one we never heard about) is replaced by the previous one.
    log.compensate(
        f"put v{prev.version} back if a new release was made",
        lambda: restore_previous(client, st),
        f"hkctl rollback {app} v{prev.version}",
    )
    if opts.source_dir is not None:
        b = builds.create_from_dir(client, app, opts.source_dir, version=version)
    else:
        b = builds.create(client, app, str(opts.source_url), version=version)
    st.build = b
    final = follow_build(client, app, b, say=say, timeout=opts.build_timeout)
    st.build = final
    if final.status != "succeeded":
        raise HkctlError(f"build {final.id} {final.status}")
    rel_id = final.release_id
    st.new_release = (
        next((r for r in releases_desc(client, app, 5) if r.id == rel_id), None) if rel_id else None
    )
    if st.new_release is None:
        st.new_release = current_release(client, app)


def restore_previous(client: HerokuClient, st: DeployState) -> str:
    """Roll back to the release that ran before the deploy, unless it is still the current one
    (GET /apps/{app}/releases, then POST /apps/{app}/releases {"release": id}); returns what it did."""
    target = st.previous()
    prev = target.version
    now = current_release(client, st.app_name)
    if now.id == target.id:
        return f"checked: v{prev} is still the current release (no new release was made)"
    new = releases.rollback(client, st.app_name, target)
    return f"rolled back from v{now.version} to v{prev}: v{new.version} runs v{prev}'s slug and config"


def migrate(client: HerokuClient, opts: DeployOptions, st: DeployState, *, say: Callable[[str], None]) -> str:
    """Run `opts.migrate` in a one-off dyno (POST /apps/{app}/dynos, time_to_live 1800 s), echo its
    output, and wait up to `opts.migrate_timeout` s for its exit (GET /apps/{app}/dynos/{dyno}, then its
    log); HkctlError on a non-zero status, WaitTimedOut when it does not end in time."""
    run = dynos.run(client, st.app_name, str(opts.migrate), ttl=MIGRATE_TTL)
    say(f"  {run.name}: {opts.migrate}")
    result = runs.wait_for_exit(client, st.app_name, run.name, timeout=opts.migrate_timeout)
    for line in result.output:
        say(f"  │ {line}")
    name = run.name
    if result.status != 0:
        raise HkctlError(f"migration `{opts.migrate}` ({name}) exited with status {result.status}")
    return f"{name} exited 0"


def restart(client: HerokuClient, st: DeployState) -> None:
    """Restart every dyno (DELETE /apps/{app}/dynos), after noting the log lines seen so far (a log session;
    verify looks only at newer ones)."""
    st.log_before = set(recent_log(client, st.app_name))
    if "restart" in st.writes:
        client.send(st.writes["restart"])  # the very write the plan showed
    else:
        dynos.restart(client, st.app_name)


def recent_log(client: HerokuClient, app: str) -> list[str]:
    """The app's last 1500 log lines, as text (POST /apps/{app}/log-sessions, then the session's URL)."""
    return list(log_sessions.read(client, app, lines=1500))


def verify(client: HerokuClient, opts: DeployOptions, st: DeployState, *, say: Callable[[str], None]) -> str:
    """The new release is current, every formation dyno is up on it, and no new H10/H12 appeared.

    GET /apps/{app}/releases, /formation, /dynos (polled up to `boot_timeout` s), then waits
    `verify_window` s and reads a log session. HkctlError for each failed condition; WaitTimedOut.
    """
    app = st.app_name
    cur = current_release(client, app)
    if st.new_release and cur.id != st.new_release.id:
        raise HkctlError(f"v{cur.version} is current, not the new v{st.new_release.version}")
    # the formation as it is now (a new slug may add or drop process types) must be up
    wanted = sum(f.quantity for f in _formation(client, app))
    ds = watch_dynos(
        client,
        app,
        cur.version or None,
        say=say,
        timeout=opts.boot_timeout,
        interval=opts.interval,
        what="the deploy",
    )
    up = [d for d in ds if d.state == "up"]
    if len(up) < wanted:
        raise HkctlError(f"only {len(up)} of {wanted} dynos are running after the deploy")
    if opts.verify_window > 0:
        say(f"  watching the router for {opts.verify_window:.0f}s")
        time.sleep(opts.verify_window)
    # New lines are those the snapshot taken before the restart did not have (router lines carry a
    # request_id, so they are unique); this needs no agreement between our clock and Heroku's.
    fresh = [line for line in recent_log(client, app) if line not in st.log_before]
    summary = summarize_logs(fresh)
    bad = {c: n for c, n in summary.codes.items() if c in ("H10", "H12")}
    if bad:
        raise HkctlError(
            "new router errors since the release: " + ", ".join(f"{c}×{n}" for c, n in bad.items())
        )
    return f"v{cur.version} current, {len(up)} dynos up, no new H10/H12 ({summary.requests} requests seen)"


def undo_lines(st: DeployState) -> list[str]:
    """What a person can run if anything still differs from before the deploy."""
    if not st.app_name:
        return []
    v = st.prev_version
    lines = [f"hkctl releases list -a {st.app_name}    # the current release runs v{v}'s slug"]
    if not st.was_maintenance:
        lines.append(f"hkctl apps info -a {st.app_name}         # check that maintenance is off")
    return lines
