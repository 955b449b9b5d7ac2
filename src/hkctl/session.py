"""The run environment that the CLI and the MCP server share: settings, and the client built from them.

`cli/` and `mcp/` both build one `Env` per invocation (a command, a tool call); neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hkctl.config import Settings
from hkctl.iostreams import IOStreams
from hkctl.render.output import echo, say

if TYPE_CHECKING:
    from hkctl.guard.confirm import Confirmer
    from hkctl.transport.client import HerokuClient


@dataclass
class Env:
    """Per-invocation context: global flags, the streams, and the client built from them on first use.

    Tests pass an Env with `transport` set (an in-process sandbox), `env` (a clean environment) and
    `io` (in-memory streams, `IOStreams.test()`); nothing else differs from a real run.
    """

    env: dict[str, str] | None = None
    transport: Any = None  # an httpx transport (tests: the in-process sandbox); only transport/ names httpx
    confirmer: Confirmer | None = None  # None: a yes/no prompt through `io` (guard/confirm.py)
    io: IOStreams = field(default_factory=IOStreams.system)
    flags: dict[str, Any] = field(default_factory=dict)
    cwd: Path | None = None  # where the app's git remotes are looked for (None: the working directory)
    group_app: tuple[str | None, str | None] = (None, None)  # -a / -r given on a group (`config -a X get`)
    app_origins: dict[str, str] = field(default_factory=dict)  # inferred app -> "git remote heroku"
    _client: HerokuClient | None = None
    _settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.from_env(self.env, **self.flags)
        return self._settings

    def client(self) -> HerokuClient:
        if self._client is None:
            # `hkctl --help` imports this module (for Env) but builds no client: the guard and the
            # transport (and httpx) load when a command first asks for its client
            from hkctl.guard.confirm import tty_confirmer
            from hkctl.transport.client import HerokuClient

            settings = self.settings
            io = self.io
            self._client = HerokuClient(
                settings,
                confirmer=self.confirmer or tty_confirmer(io),
                transport=self.transport,
                stdout=lambda line: echo(io, line),
                stderr=lambda msg: say(io, msg),
            )
            self._client.guard.app_origins = self.app_origins  # the same dict: later inferences count too
            if settings.status_file:
                from hkctl.guard.plan import journal  # with the guard, as above

                path = settings.status_file

                def on_done(write, response, error):  # type: ignore[no-untyped-def]
                    result = f"failed: {error}" if error else f"ok ({response.status})"
                    journal(path, write, result=result, request_id=response.request_id if response else None)

                self._client.on_write_done = on_done
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
