"""python -m hkctl runs the command line."""

from hkctl.cli.main import main

main()
