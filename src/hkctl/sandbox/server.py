"""Run the sandbox: in a background thread on loopback ports (tests, demo) or in the foreground (serve).

It listens twice: the API on one port and the simulated object store (sandbox/storage.py) on another.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

from hkctl.sandbox.app import Sandbox, SandboxConfig, create_app
from hkctl.sandbox.clock import Clock
from hkctl.sandbox.ids import Ids
from hkctl.sandbox.seed import seed as seed_scenario
from hkctl.sandbox.store import Store


def build_sandbox(
    db: str | None = None,
    *,
    durations: dict[str, float] | None = None,
    scenario: str | None = "demo",
    manual_clock: bool = False,
    seed: int | str | None = None,
) -> Sandbox:
    """A sandbox over `db` (memory when None), seeded with `scenario` when the store is new.

    `seed`: ids (and Request-Ids) drawn from this seed, so the same seed and the same requests give
    the same ids; None: random ids.
    """
    store = Store(db)
    sb = Sandbox(
        store,
        clock=Clock(manual=manual_clock),
        config=SandboxConfig(durations=dict(durations or {})),
        ids=Ids(seed, counter=store.next),
    )
    if scenario and store.count("account") == 0:
        seed_scenario(sb, scenario)
    return sb


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def loopback_socket(port: int = 0) -> socket.socket:
    """A listening TCP socket on 127.0.0.1 (`port` 0: any free port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit this. asyncio sets it only when the socket says proto=IPPROTO_TCP, and a
    # plain socket() says 0: without it uvicorn's header and body writes meet Nagle + delayed ACK, ~40 ms
    # added to every answer on loopback.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


@dataclass
class RunningSandbox:
    sandbox: Sandbox
    url: str
    _server: object
    _thread: threading.Thread
    storage_url: str | None = None

    def stop(self) -> None:
        self._server.should_exit = True  # type: ignore[attr-defined]
        self._thread.join(timeout=10)


def start_in_thread(sb: Sandbox, port: int | None = None) -> RunningSandbox:
    """Serve `sb` with uvicorn on 127.0.0.1 in a daemon thread; returns once it accepts connections."""
    import uvicorn

    api, store = loopback_socket(port or 0), loopback_socket(0)  # the API, and the simulated object store
    port = api.getsockname()[1]
    config = uvicorn.Config(create_app(sb), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [api, store]}, daemon=True, name=f"sandbox:{port}"
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("sandbox did not start")
        time.sleep(0.01)
    sb.public_url = f"http://127.0.0.1:{port}"
    sb.storage_url = f"http://127.0.0.1:{store.getsockname()[1]}"
    return RunningSandbox(sb, sb.public_url, server, thread, sb.storage_url)
