"""The lazily built httpx stack: no TLS set-up for plain http, full verification for every https URL."""

from __future__ import annotations

import ssl
import subprocess
import sys

from hkctl.config import Settings
from hkctl.transport.client import HerokuClient


def test_plain_http_builds_no_tls_pool_and_https_verifies(live):
    client = HerokuClient(Settings.from_env(live.env()), stderr=lambda m: None)
    assert client.get("/apps/demo-staging", action="apps_info")["name"] == "demo-staging"
    transport = client.http._transport  # the LazyTLSTransport hkctl installs
    assert set(transport._pools) == {"http"}  # the CA bundle was never loaded
    tls = transport._pool("https")._pool._ssl_context
    assert tls.verify_mode == ssl.CERT_REQUIRED and tls.check_hostname
    client.close()


def test_importing_hkctl_transport_does_not_import_the_httpx_command_line():
    code = (
        "import sys\n"
        "from hkctl.transport.http import load\n"
        "httpx = load()\n"
        "assert 'httpx._main' not in sys.modules and 'rich' not in sys.modules and 'pygments' not in sys.modules\n"
        "assert callable(httpx.Client)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_hkctl_help_imports_no_http_stack():
    code = (
        "import sys\n"
        "from hkctl.cli.main import run\n"
        "from hkctl.cli._common import Env\n"
        "run(['--help'], Env(env={}))\n"
        "heavy = [m for m in ('httpx', 'httpcore', 'rich', 'starlette', 'uvicorn', 'jsonschema', 'mcp') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
