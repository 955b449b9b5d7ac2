"""Run every bench/bench_*.py module (each exposes `run() -> list[dict]`) and print one table.

`python -m bench [NAME...]` runs only the named modules (e.g. `python -m bench coldstart`).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    wanted = {f"bench_{a}" if not a.startswith("bench_") else a for a in argv}
    rows: list[dict[str, object]] = []
    for name in names:
        if wanted and name not in wanted:
            continue
        module = importlib.import_module(f"bench.{name}")
        print(f"# {name}: {module.__doc__.strip().splitlines()[0] if module.__doc__ else ''}", flush=True)
        for row in module.run():
            rows.append({"bench": name.removeprefix("bench_"), **row})
            print("  " + "  ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    print("\n| bench | measure | value | note |\n|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['bench']} | {row.get('measure', '')} | {row.get('value', '')} | {row.get('note', '')} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
