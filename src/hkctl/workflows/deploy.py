"""Safe deploy (spec §16, done right): checks, staging-first rule, one confirmation, build, migrate, verify.

Where the spec's deploy.sh sleeps 30 s instead of waiting for the migration, never reads its exit
status, leaves maintenance on when a step fails and runs everything one call after another, this
waits for each step's real outcome, and on any failure stops, turns maintenance off if this run
turned it on, puts the previous release back if a new one was made, and reports what was done,
what was not, and how to undo the rest (`WorkflowFailed`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hkctl.errors import GuardRefused, HkctlError, Stopped, UsageError
from hkctl.guard.policy import PlannedWrite, render_plan
from hkctl.resources import apps
from hkctl.workflows import deploy_checks as checks
from hkctl.workflows import deploy_procfile as procfile
from hkctl.workflows.ci_build import source_version
from hkctl.workflows.steps import StepLog

if TYPE_CHECKING:
    from hkctl.resources.builds import Build
    from hkctl.resources.formation import Formation
    from hkctl.resources.postgres import Database
    from hkctl.resources.releases import Release
    from hkctl.transport.client import HerokuClient


@dataclass
class DeployOptions:
    """What to deploy and how: one source (a directory or a tarball URL); timeouts and waits in seconds."""

    app: str
    source_dir: Path | None = None
    source_url: str | None = None
    version: str | None = None
    migrate: str | None = None
    maintenance: bool = False
    backup: bool = False
    skip_staging_check: bool = False
    reason: str | None = None
    allow_process_removal: bool = False
    build_timeout: float = 900.0
    migrate_timeout: float = 1800.0
    boot_timeout: float = 300.0
    verify_window: float = 10.0
    interval: float = 2.0

    def validate(self) -> None:
        """UsageError (exit 2, nothing sent) unless exactly one source is given, --dir is a directory and a
        skipped staging check has a reason."""
        if bool(self.source_dir) == bool(self.source_url):
            raise UsageError("give exactly one of --dir PATH or --source-url URL")
        if self.source_dir is not None and not self.source_dir.is_dir():
            raise UsageError(f"--dir {self.source_dir}: not a directory")
        if self.skip_staging_check and not (self.reason or "").strip():
            raise UsageError('--skip-staging-check needs --reason "why" (it is logged)')


@dataclass
class DeployState:
    """What the run learnt and changed; the compensations read it."""

    app_id: str = ""
    app_name: str = ""
    production: bool = False
    pipeline: str | None = None
    was_maintenance: bool = False
    prev_release: Release | None = None
    new_release: Release | None = None
    build: Build | None = None
    formation: list[Formation] = field(default_factory=list)
    log_before: set[str] = field(default_factory=set)
    database: Database | None = None
    rate_limit: int | None = None
    # the writes shown in the plan, by step: the same objects are sent (see deploy_checks.planned)
    writes: dict[str, PlannedWrite] = field(default_factory=dict)

    @property
    def prev_version(self) -> int | None:
        """The version of the release that ran before the deploy (None before the pre-checks read it)."""
        return self.prev_release.version if self.prev_release else None

    def previous(self) -> Release:
        """The release that ran before the deploy; HkctlError when the pre-checks have not read it."""
        if self.prev_release is None:
            raise HkctlError(f"the current release of {self.app_name or 'the app'} was not read")
        return self.prev_release


STEPS = (
    ("precheck", "Pre-checks: app, current release, maintenance, formation, rate limit"),
    ("staging", "Staging before production"),
    ("confirm", "Plan shown and confirmed"),
    ("backup", "Postgres backup captured"),
    ("maintenance_on", "Maintenance mode on"),
    ("build", "Build"),
    ("migrate", "Migration in a one-off dyno"),
    ("restart", "Dynos restarted"),
    ("maintenance_off", "Maintenance mode off"),
    ("verify", "Verify: new release current, dynos up, no new H10/H12"),
)


def deploy(
    client: HerokuClient,
    opts: DeployOptions,
    *,
    say: Callable[[str], None],
    show_plan: Callable[[str], None] | None = None,
) -> StepLog:
    """Run the whole deploy; returns the step log, or raises WorkflowFailed / GuardRefused / UsageError.

    The steps' endpoints are in deploy_checks.py (reads, then maintenance PATCH /apps/{app}, POST /sources,
    POST /apps/{app}/builds, POST /apps/{app}/dynos, DELETE /apps/{app}/dynos, POST /apps/{app}/releases on
    failure). Stopped under --dry-run/--plan (the plan is shown, nothing sent).
    """
    opts.validate()
    version = source_version(version=opts.version, source_dir=opts.source_dir, source_url=opts.source_url)
    log = StepLog(f"deploy {opts.app}", say=say)
    log.plan(*STEPS)
    st = DeployState()
    # Reads first: nothing is changed until the plan is confirmed, so a failure here needs no undo.
    with log.step("precheck") as step:
        checks.precheck(client, opts, st)
        step.detail = (
            f"{st.app_name} on v{st.prev_version}, maintenance "
            f"{'on' if st.was_maintenance else 'off'}, "
            f"{'production' if st.production else 'not production'}, rate limit {st.rate_limit}"
        )
    with log.step("staging") as step:
        step.detail = staging_gate(client, opts, st, version, log)
    want_backup = opts.backup or st.production
    want_maintenance = (opts.maintenance or st.production) and not st.was_maintenance
    if want_backup and st.database is None:
        if opts.backup:
            raise UsageError(f"--backup: {st.app_name} has no heroku-postgresql add-on to back up")
        log.skip("backup", "no heroku-postgresql add-on")
        want_backup = False
    if not want_backup and log.get("backup").status == "pending":
        log.skip("backup", "not production and no --backup")
    if not want_maintenance:
        why = "already on (left as found)" if st.was_maintenance else "not production and no --maintenance"
        log.skip("maintenance_on", why)
        log.skip("maintenance_off", why)
    if not opts.migrate:
        log.skip("migrate", "no --migrate")
    _process_types(opts, st, log, maintenance=want_maintenance or st.was_maintenance)
    plan = planned_writes(client, opts, st, version, backup=want_backup, maintenance=want_maintenance)

    title = f"deploy {version} to {st.app_name}"
    if client.settings.dry_run or client.settings.plan_file:
        # Each write depends on the answer to the one before (upload URL, build id, release), so the
        # deploy is shown as its plan rather than replayed write by write.
        (show_plan or say)(render_plan(plan, title))
        raise Stopped("dry run: the deploy plan above was shown, nothing was sent")
    if client.settings.permission != "full":
        (show_plan or say)(render_plan(plan, title))  # readonly: show what would happen, then refuse
    with client.batch(plan, title):
        log.get("confirm").status = "done"
        log.get("confirm").detail = f"{len(plan)} writes"
        try:
            _run(client, opts, st, version, log, backup=want_backup, maintenance=want_maintenance)
        except (HkctlError, KeyboardInterrupt) as exc:
            undo = checks.undo_lines(st)
            raise log.failed(exc, undo_hint=undo) from exc
    log.undo = [f"hkctl rollback {st.app_name} v{st.prev_version}"]
    return log


def _process_types(opts: DeployOptions, st: DeployState, log: StepLog, *, maintenance: bool) -> None:
    """Say the new process types next to the running ones; refuse to drop a running type (GuardRefused)."""
    types = procfile.process_types(opts.source_dir) if opts.source_dir else None
    if opts.source_dir is None:
        log.say("process types: known only after the build of --source-url (the Procfile is inside it)")
    else:
        log.say(procfile.comparison(types, st.formation))
    gone = procfile.disappearing(types, st.formation)
    if gone and not opts.allow_process_removal:
        running = procfile.running(st.formation)
        raise GuardRefused(
            f"refused: the new Procfile has no {', '.join(gone)}, which runs on {st.app_name} "
            f"({', '.join(f'{t}={running[t]}' for t in gone)}); the release would stop those dynos. "
            "Pass --allow-process-removal if that is what you want",
            rule="process-removal",
        )
    if gone:
        log.note(f"--allow-process-removal: {', '.join(gone)} will stop on {st.app_name}")
    for note in procfile.migrate_notes(
        types, opts.migrate, production=st.production, maintenance=maintenance
    ):
        log.say(f"· {note}")


def staging_gate(
    client: HerokuClient, opts: DeployOptions, st: DeployState, version: str, log: StepLog
) -> str:
    """Refuse a production deploy that staging has not run healthy first (or log the override).

    Reads through `deploy_checks.staging_has` (GET /pipelines/{id}/pipeline-couplings, the staging apps'
    releases and health); GuardRefused (exit 3, rule staging-before-production) when staging lacks it.
    """
    if not st.production or st.pipeline is None:
        return "not a pipeline's production app: no staging check needed"
    if opts.skip_staging_check:
        log.note(f"staging check skipped for {st.app_name}: {opts.reason}")
        return f"skipped (--skip-staging-check, reason: {opts.reason})"
    ok, detail = checks.staging_has(client, st, version)
    if not ok:
        raise GuardRefused(detail, rule="staging-before-production")
    return detail


def planned_writes(
    client: HerokuClient,
    opts: DeployOptions,
    st: DeployState,
    version: str,
    *,
    backup: bool,
    maintenance: bool,
) -> list[PlannedWrite]:
    """Every write the deploy may make, in order, as the guard shows them (one confirmation); nothing is
    sent (see `deploy_checks.planned` for the endpoints)."""
    return checks.planned(client, opts, st, version, backup=backup, maintenance=maintenance)


def _run(
    client: HerokuClient,
    opts: DeployOptions,
    st: DeployState,
    version: str,
    log: StepLog,
    *,
    backup: bool,
    maintenance: bool,
) -> None:
    app = st.app_name
    if backup:
        with log.step("backup") as step:
            step.detail = checks.backup(client, st, say=log.say)
    if maintenance:
        with log.step("maintenance_on"):
            # registered first: if the answer to this PATCH is lost, turning it off is still right
            log.compensate(
                "turn maintenance mode off",
                lambda: apps.set_maintenance(client, app, False),
                f"hkctl apps maintenance off -a {app}",
            )
            client.send(st.writes["maintenance_on"])
    with log.step("build") as step:
        checks.build(client, opts, st, version, say=log.say, log=log)
        build_id = st.build.id if st.build else ""
        step.detail = (
            f"build {build_id[:8]} succeeded → v{st.new_release.version if st.new_release else None}"
        )
    if opts.migrate:
        with log.step("migrate") as step:
            step.detail = checks.migrate(client, opts, st, say=log.say)
    with log.step("restart"):
        checks.restart(client, st)
    if maintenance:
        with log.step("maintenance_off"):
            client.send(st.writes["maintenance_off"])
            log.settle("turn maintenance mode off")
    with log.step("verify") as step:
        step.detail = checks.verify(client, opts, st, say=log.say)
