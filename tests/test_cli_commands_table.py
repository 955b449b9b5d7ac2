"""The root command table (cli/_commands.py): current, and the reason it exists (help imports nothing)."""

from __future__ import annotations

import subprocess
import sys

from hkctl.cli._commands import COMMANDS
from hkctl.cli._commands_gen import generate, line


def test_the_command_table_is_generated_from_the_commands():
    current = "\n".join(line(name, entry) for name, entry in COMMANDS.items())
    assert current == generate(), "cli/_commands.py is stale: run `python -m hkctl.cli._commands_gen`"


def test_help_imports_no_command_module_and_a_command_only_its_own():
    code = (
        "import sys\n"
        "from hkctl.cli.main import run\n"
        "from hkctl.session import Env\n"
        "run(['--help'], Env(env={}))\n"
        "loaded = lambda: sorted(m for m in sys.modules if m.startswith('hkctl.cli.') and not m.split('.')[-1].startswith('_'))\n"
        "after_help = loaded()\n"
        "run(['config', '--help'], Env(env={}))\n"
        "sys.stderr.write(repr(after_help) + '\\n' + repr(loaded()) + '\\n')\n"
    )
    err = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stderr
    after_help, after_config = err.strip().splitlines()[-2:]
    assert after_help == "['hkctl.cli.main']"
    assert after_config == "['hkctl.cli.config', 'hkctl.cli.config_diff', 'hkctl.cli.main']"


def test_a_part_is_imported_only_for_its_own_subcommand():
    code = (
        "import sys\n"
        "from hkctl.cli.main import run\n"
        "from hkctl.session import Env\n"
        "run(['apps', 'list', '--help'], Env(env={}))\n"
        "before = ('hkctl.cli.apps_info' in sys.modules, 'hkctl.resources.dynos' in sys.modules)\n"
        "run(['apps', 'info', '--help'], Env(env={}))\n"
        "print(before, ('hkctl.cli.apps_info' in sys.modules, 'hkctl.resources.dynos' in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "(False, False) (True, True)"
