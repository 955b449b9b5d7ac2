"""hkctl sandbox: run the local Heroku API emulator."""

from __future__ import annotations

from pathlib import Path

import click

from hkctl.cli._common import Env, pass_env
from hkctl.errors import UsageError
from hkctl.extras import require
from hkctl.render.output import echo, say


@click.group("sandbox")
def cli() -> None:
    """Run the local emulator of the Heroku Platform API, Postgres API and log sessions.

    Needs the sandbox extra: pip install 'hkctl[sandbox]'.
    """
    require("sandbox")


@cli.command("serve")
@click.option("--port", type=int, default=5555, show_default=True, help="Loopback port to listen on.")
@click.option(
    "--storage-port",
    type=int,
    default=None,
    help="Loopback port of the simulated object store (S3 stand-in) [default: --port + 1, else any].",
)
@click.option("--db", default=None, help="SQLite file that keeps state across restarts (default: memory).")
@click.option("--latency-ms", type=int, default=0, help="Add this latency to every answer.")
@click.option("--fault-rate", type=float, default=0.0, help="Fraction of answers that fail (seeded).")
@click.option("--fault-status", default="503", help="Statuses for injected faults, e.g. 429,503.")
@click.option("--fault-every", type=int, default=0, help="Fail every Nth answer (deterministic).")
@click.option(
    "--fault-phase",
    type=click.Choice(["before", "after"]),
    default="before",
    help="before: the request is not processed; after: processed, answer lost.",
)
@click.option("--fault-seed", type=int, default=1, help="Seed for --fault-rate.")
@click.option(
    "--seed",
    "id_seed",
    type=int,
    default=None,
    help="Seed for ids and Request-Ids: the same seed and the same requests give the same ids "
    "[default: random ids].",
)
@click.option("--instant", is_flag=True, help="Lifecycles (builds, add-ons, dynos) complete at once.")
@click.option(
    "--manual-clock",
    is_flag=True,
    help="Sandbox time moves only via POST /__sandbox__/clock/advance (lifecycles and rate-limit refill).",
)
@click.option(
    "--scenario",
    default="demo",
    show_default=True,
    help="Seed for a new store: demo, empty, fleet (300 apps), or a scenario file (.json/.toml; see "
    "docs/testing-with-the-sandbox.md).",
)
@pass_env
def serve_cmd(
    env: Env,
    port: int,
    storage_port: int | None,
    db: str | None,
    latency_ms: int,
    fault_rate: float,
    fault_status: str,
    fault_every: int,
    fault_phase: str,
    fault_seed: int,
    id_seed: int | None,
    instant: bool,
    manual_clock: bool,
    scenario: str,
) -> None:
    """Serve the sandbox on 127.0.0.1 (token printed on start)."""
    # the sandbox extra (uvicorn, starlette): the client imports without it, `cli` says how to install it
    import uvicorn

    from hkctl.sandbox.app import SERVE_DURATIONS, create_app
    from hkctl.sandbox.control import reset_state
    from hkctl.sandbox.scenario import ScenarioError, load
    from hkctl.sandbox.seed import SANDBOX_TOKEN
    from hkctl.sandbox.server import build_sandbox, loopback_socket

    document = scenario.endswith((".json", ".toml"))
    sb = build_sandbox(
        db,
        durations={} if instant else SERVE_DURATIONS,
        scenario=None if document else scenario,
        manual_clock=manual_clock,
        seed=id_seed,
    )
    if document and sb.store.count("app") == 0:
        try:
            reset_state(sb, load(scenario))
        except (ScenarioError, OSError) as exc:
            raise UsageError(str(exc)) from exc
    sb.faults.configure(
        latency_ms=latency_ms,
        rate=fault_rate,
        statuses=fault_status,
        every=fault_every,
        phase=fault_phase,
        seed=fault_seed,
    )
    api = loopback_socket(port)
    try:
        store = loopback_socket(port + 1 if storage_port is None else storage_port)
    except OSError:
        if storage_port is not None:
            raise
        store = loopback_socket(0)  # --port + 1 is taken: any free port (printed below)
    storage_port = store.getsockname()[1]
    sockets = [api, store]
    sb.public_url = f"http://127.0.0.1:{port}"
    sb.storage_url = f"http://127.0.0.1:{storage_port}"
    clock = "manual clock" if manual_clock else "real clock"
    say(env.io, f"sandbox on http://127.0.0.1:{port}  (db: {db or 'memory'}, {clock})")
    say(env.io, f"simulated object store (S3 stand-in) on {sb.storage_url}")
    say(
        env.io,
        f"export HKCTL_API_URL=http://127.0.0.1:{port} HKCTL_DATA_API_URL=http://127.0.0.1:{port} "
        f"HKCTL_SANDBOX_STORAGE_URL={sb.storage_url} HEROKU_API_KEY={SANDBOX_TOKEN}",
    )
    config = uvicorn.Config(create_app(sb), host="127.0.0.1", port=port, log_level="warning")
    uvicorn.Server(config).run(sockets=sockets)


@cli.command("coverage")
@click.option(
    "--output",
    "-o",
    default=None,
    metavar="FILE",
    help="Write the table to FILE (e.g. docs/coverage.md) instead of stdout.",
)
@click.option("--check", is_flag=True, help="With -o FILE: write nothing; exit 1 when FILE is not current.")
@pass_env
def coverage_cmd(env: Env, output: str | None, check: bool) -> None:
    """Print the coverage table (Markdown): every official schema link, served? used by hkctl? tested?

    Nothing is written unless you name a file: `hkctl sandbox coverage -o docs/coverage.md`.
    """
    from hkctl.sandbox.coverage import generate  # the sandbox extra: the client imports without it

    text = generate()
    if output is None or output == "-":
        if check:
            raise UsageError("--check compares a file: give it with -o FILE")
        echo(env.io, text, nl=False)
        return
    path = Path(output)
    if check:
        current = path.read_text() if path.exists() else ""
        if current != text:
            say(env.io, f"{output} is stale: run `hkctl sandbox coverage -o {output}`")
            raise click.exceptions.Exit(1)
        say(env.io, f"{output} is current")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    say(env.io, f"wrote {output}")
