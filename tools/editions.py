"""The Chinese edition's translations: status, update, accept, build (and execute).

    .venv/bin/python tools/editions.py status                  # what is missing or stale
    .venv/bin/python tools/editions.py update notebooks/01_acquisition.ipynb
    .venv/bin/python tools/editions.py update instructors/01_acquisition.md
    .venv/bin/python tools/editions.py accept notebooks/00_welcome.ipynb 7e59b3b9
    .venv/bin/python tools/editions.py build                   # write + execute zh/ (make zh)

Without paths, every English notebook that has a translation file. See
:mod:`crmlab.editions` for the file format and the rules.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))


def _sources(paths: list[Path]) -> list[Path]:
    if paths:
        return [p.resolve() for p in paths]
    from crmlab import editions

    return [editions.source_of(path)
            for path in sorted((ROOT / "translations" / "zh").rglob("*.yaml"))]


def main(argv: list[str] | None = None) -> int:
    from crmlab import editions

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["status", "update", "accept", "build"])
    parser.add_argument("notebook", nargs="*", type=Path)
    parser.add_argument("--cells", nargs="*", default=[], help="cell ids (accept)")
    parser.add_argument("--no-execute", action="store_true", help="build without executing")
    args = parser.parse_args(argv)
    if args.command == "accept":
        for source in _sources(args.notebook):
            print(editions.accept(source, args.cells))
        return 0
    if args.command == "update":
        for source in _sources(args.notebook):
            print(editions.update(source).relative_to(ROOT))
        return 0
    if args.command == "status":
        found = [line for source in _sources(args.notebook)
                 for line in editions.problems(source)]
        print("\n".join(found) if found else "every translation is complete and current")
        return 1 if found else 0
    from run_notebooks import run

    for source in _sources(args.notebook):
        target = editions.build(source)
        if target.suffix == ".ipynb" and not args.no_execute:
            seconds = run(target)
            print(f"{target.relative_to(ROOT).as_posix()}: {seconds:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
