"""`pip install hkctl` is the client alone: every client module imports and runs without the extras.

hkctl's wheel is built from this checkout (`pip wheel --no-deps --no-build-isolation`, with this venv's
setuptools and wheel: no network) and installed with pip into a fresh venv (no pip, no system
site-packages, `--no-index --no-deps`). The declared runtime dependencies are made available there
by linking this venv's installed distributions that they need, resolved from their metadata, and
nothing else (no starlette, uvicorn, mcp, jsonschema, cryptography). So a client module that imports
an undeclared or extra-only package fails here, and so does a module or data file the wheel leaves out.
The fixture takes a few seconds (the wheel build and the install), once for the module.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from hkctl.extras import EXTRAS
from hkctl.sandbox.seed import SANDBOX_TOKEN
from hkctl.sandbox.server import build_sandbox, start_in_thread

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
#: modules that belong to an extra: the emulator, the MCP server, the demo (which runs the emulator) and
#: the report's charts (pygal)
EXTRA_ONLY = (
    "hkctl.sandbox.",
    "hkctl.mcp.server",
    "hkctl.demo",
    "hkctl.report.charts",
    "hkctl.report.drawing",
)
#: what the extras' modules may fail on here: the packages the extras install
EXTRA_PACKAGES = {name for _, modules in EXTRAS.values() for name in modules}


def _runtime_requirements(dist: str) -> list[Requirement]:
    reqs = [Requirement(r) for r in metadata.requires(dist) or []]
    return [r for r in reqs if r.marker is None or r.marker.evaluate({"extra": ""})]


def _closure(*roots: str) -> list[metadata.Distribution]:
    """The installed distributions that the roots' dependencies (no extras) pull in, transitively."""
    seen: dict[str, metadata.Distribution] = {}
    todo = [req for root in roots for req in _runtime_requirements(root)]
    while todo:
        req = todo.pop()
        dist = metadata.distribution(req.name)
        key = dist.metadata["Name"].lower()
        if key not in seen:
            seen[key] = dist
            todo += _runtime_requirements(key)
    return list(seen.values())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """hkctl's wheel, built from a copy of the checkout (the build writes build/ and *.egg-info)."""
    work = tmp_path_factory.mktemp("wheel")
    tree = work / "hkctl"
    tree.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    shutil.copytree(SRC, tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q"]
        + ["--wheel-dir", str(work / "dist"), str(tree)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    (built,) = (work / "dist").glob("hkctl-*.whl")
    return built


@pytest.fixture(scope="module")
def client_python(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    where = tmp_path_factory.mktemp("client-only") / "venv"
    venv.create(where, with_pip=False, system_site_packages=False)
    python = where / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q"]
        + [str(wheel)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    site = Path(purelib)
    # the declared dependencies, and pytest too (with its own), to load the plugin where the sandbox is not
    for dist in [*_closure("hkctl", "pytest"), metadata.distribution("pytest")]:
        for top in {f.parts[0] for f in dist.files or () if f.parts[0] not in ("..", "__pycache__")}:
            target = site / top
            if not target.exists():
                target.symlink_to(Path(str(dist.locate_file(top))))
    return python


def test_the_wheel_carries_the_package_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for data in ("SKILL.md", "platform-api-schema.json"):
        assert f"hkctl/data/{data}" in names
    assert "hkctl/py.typed" in names
    # every module of the checkout is in the wheel (a subpackage without __init__.py would be left out)
    assert {str(p.relative_to(SRC)) for p in (SRC / "hkctl").rglob("*.py")} <= names


def test_the_installed_client_is_the_wheel_and_has_no_extra(client_python: Path) -> None:
    probe = (
        "import importlib.util, json, hkctl; "
        "print(json.dumps([hkctl.__file__, [m for m in ('starlette', 'uvicorn', 'mcp', 'jsonschema', "
        "'cryptography', 'pygal') if importlib.util.find_spec(m)]]))"
    )
    done = _run(client_python, "-c", probe)
    assert done.returncode == 0, done.stderr
    where, extras = json.loads(done.stdout)
    assert Path(where).is_relative_to(client_python.parent.parent), where  # not this checkout's src/
    assert extras == []


def _run(python: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ.get("PATH", ""), "HOME": str(python.parent.parent), "PYTHONNOUSERSITE": "1"}
    return subprocess.run(
        [str(python), *args], capture_output=True, text=True, timeout=60, env={**base, **(env or {})}
    )


def _modules() -> list[str]:
    out = []
    for path in sorted((SRC / "hkctl").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out.append(".".join(parts))
    return [m for m in out if m != "hkctl.__main__"]  # running the CLI is checked below


_PROBE = """
import importlib, json, sys
failed = {}
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as exc:
        failed[name] = exc.name
print(json.dumps(failed))
"""


def test_every_client_module_imports_without_the_extras(client_python: Path) -> None:
    done = _run(client_python, "-c", _PROBE, *_modules())
    assert done.returncode == 0, done.stderr
    failed = json.loads(done.stdout)
    client_failures = {m: why for m, why in failed.items() if not m.startswith(EXTRA_ONLY)}
    assert client_failures == {}, "client modules need an undeclared or extra-only package"
    # the extras' modules fail only for want of an extra's package: the environment really lacks them
    assert failed, "the throwaway environment has the extras installed: the check proves nothing"
    assert {why.split(".")[0] for why in failed.values()} <= EXTRA_PACKAGES, failed
    # the plugin module itself loads (pytest imports it through its entry point wherever hkctl is)
    assert "hkctl.sandbox" not in failed and "hkctl.sandbox.pytest_plugin" not in failed


@pytest.mark.parametrize(("argv", "extra"), [(["sandbox", "serve"], "sandbox"), (["mcp"], "mcp")])
def test_an_extras_command_without_it_says_how_to_install_it(client_python: Path, argv, extra) -> None:
    done = _run(client_python, "-m", "hkctl", *argv)
    assert done.returncode == 2, done.stderr
    assert f"pip install 'hkctl[{extra}]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_pytest_plugin_without_the_sandbox_extra_says_how_to_install_it(
    client_python: Path, tmp_path: Path
) -> None:
    (tmp_path / "test_user.py").write_text("def test_it(heroku_sandbox):\n    pass\n")
    done = _run(
        client_python,
        *("-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "hkctl.sandbox.pytest_plugin", str(tmp_path)),
        env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "pip install 'hkctl[sandbox]'" in done.stdout and "1 error" in done.stdout


def test_the_client_alone_lists_apps_served_by_a_sandbox_from_another_environment(
    client_python: Path,
) -> None:
    hkctl = client_python.parent / "hkctl"  # the console script the wheel installed
    running = start_in_thread(build_sandbox())
    try:
        env = {"HEROKU_API_KEY": SANDBOX_TOKEN, "HKCTL_API_URL": running.url}
        done = subprocess.run(
            [str(hkctl), "apps", "list", "--json"],
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": os.environ.get("PATH", ""), "HOME": str(client_python.parent.parent), **env},
        )
    finally:
        running.stop()
    assert done.returncode == 0, done.stderr
    assert {"demo-staging", "demo-production"} <= {a["name"] for a in json.loads(done.stdout)}
    assert _run(client_python, "-m", "hkctl", "--help").returncode == 0
