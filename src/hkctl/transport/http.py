"""Loading httpx cheaply: without its command-line module, and with TLS set up only when https is used.

Cold start matters (every agent step is a fresh process). Two costs dominate `import httpx` +
`httpx.Client()` and neither is needed on hkctl's path:

- `httpx/__init__` imports `httpx._main`, the `httpx` console script (rich, click, pygments),
  ~0.1 s. httpx guards that import with `except ImportError` and installs a stub `main`; we take
  that documented fallback by refusing `httpx._main` for the duration of the first import only.
- `httpx.Client()` builds a verifying SSL context (loads the CA bundle, ~0.05 s) even when every
  URL is plain http (the loopback sandbox). `LazyTLSTransport` builds the TLS pool on the first
  https request instead; verification stays on for every https request.
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

_lock = threading.Lock()


class _SkipHttpxCli:
    """A meta path finder (the protocol is one method: subclassing importlib.abc.MetaPathFinder would
    import importlib.resources, tempfile and shutil, ~3 ms, on every command that sends a request)."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> None:
        if fullname == "httpx._main":
            raise ImportError("hkctl does not use the httpx command line")
        return None


def load() -> ModuleType:
    """`import httpx`, skipping its command-line module when httpx is not imported yet."""
    mod = sys.modules.get("httpx")
    if mod is not None:
        return mod
    with _lock:
        finder = _SkipHttpxCli()
        sys.meta_path.insert(0, finder)
        try:
            # ~25 ms, the slowest import on the read path: loaded for the first request, so that a
            # command's --help, a usage error (exit 2) and --dry-run never pay it
            import httpx
        finally:
            sys.meta_path.remove(finder)
    return httpx


def lazy_tls_transport() -> httpx.BaseTransport:
    """A transport that opens an http pool and, only when an https URL is used, a verifying TLS pool."""
    hx: Any = load()

    class LazyTLSTransport(hx.BaseTransport):  # type: ignore[misc]
        def __init__(self) -> None:
            self._pools: dict[str, httpx.HTTPTransport] = {}
            self._pool_lock = threading.Lock()

        def _pool(self, scheme: str) -> httpx.HTTPTransport:
            with self._pool_lock:
                pool = self._pools.get(scheme)
                if pool is None:
                    # The plain pool only ever carries http:// requests (chosen by scheme below), so it
                    # needs no CA bundle; every https request goes to the verifying pool.
                    pool = hx.HTTPTransport(verify=False) if scheme == "http" else hx.HTTPTransport()
                    self._pools[scheme] = pool
                return pool

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            scheme = "http" if request.url.scheme == "http" else "https"
            return self._pool(scheme).handle_request(request)

        def close(self) -> None:
            with self._pool_lock:
                pools, self._pools = list(self._pools.values()), {}
            for pool in pools:
                pool.close()

    transport: httpx.BaseTransport = LazyTLSTransport()
    return transport
