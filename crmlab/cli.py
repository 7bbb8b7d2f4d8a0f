"""The ``crmlab`` command: it parses arguments and calls the library, nothing more.

Examples
--------
>>> main(["datasets"])  # doctest: +ELLIPSIS
accounts: B2B accounts: revenue, margin, cost to serve, potential, manager priority ...
...
0
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crmlab._errors import CRMDataError

__all__ = ["main"]


def _datasets(args) -> int:
    from crmlab import datasets

    if args.export:
        out = Path(args.out or f"{args.export}.csv")
        frame = datasets.load_data(args.export)
        if out.suffix == ".parquet":
            frame.to_parquet(out, index=False)
        elif out.suffix in (".xlsx", ".xls"):
            frame.to_excel(out, index=False)
        else:
            frame.to_csv(out, index=False)
        print(f"wrote {len(frame):,} rows to {out}")
        return 0
    for name in datasets.list_datasets():
        print(datasets.describe(name))
    return 0


def _exercises_build(args) -> int:
    from crmlab.exercises import build

    for path in build(args.source, args.target):
        print(f"wrote {path}")
    return 0


def _check(args) -> int:
    from crmlab.grading import self_check

    table = self_check(args.notebook, timeout=args.timeout)
    for row in table.itertuples():
        mark = "✅" if row.passed else "❌"
        print(f"{mark} {row.exercise}: {row.feedback}".rstrip(": "))
    passed = int(table["passed"].sum())
    print(f"{passed} passed, {len(table) - passed} failed")
    return 0 if passed == len(table) else 1


def _grade(args) -> int:
    from crmlab.grading import grade

    table = grade(args.submissions, assignment=args.assignment, solutions=args.solutions,
                  out=args.out, feedback=args.feedback, timeout=args.timeout,
                  workers=args.workers, progress=not args.no_progress)
    totals = table.groupby("student")[["points", "max_points"]].sum()
    print(totals.to_string())
    print(f"wrote {args.out}" + (f" and feedback in {args.feedback}/" if args.feedback else ""))
    return 0


def parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``crmlab`` command."""
    top = argparse.ArgumentParser(prog="crmlab", description="CRM analytics course tools.")
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("datasets", help="list the bundled datasets or export one")
    p.add_argument("--export", metavar="NAME", help="write dataset NAME to a file")
    p.add_argument("-o", "--out", help="output file (.csv, .parquet or .xlsx)")
    p.set_defaults(func=_datasets)

    p = sub.add_parser("exercises", help="instructor tools for exercise notebooks")
    esub = p.add_subparsers(dest="action", required=True)
    b = esub.add_parser("build", help="generate exercises/ from solutions/")
    b.add_argument("--source", default="solutions", help="folder of solution notebooks")
    b.add_argument("--target", default="exercises", help="folder for the student versions")
    b.set_defaults(func=_exercises_build)

    p = sub.add_parser("check", help="run an exercise notebook and summarise its checks")
    p.add_argument("notebook", help="the notebook to check, e.g. exercises/03_rfm.ipynb")
    p.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    p.set_defaults(func=_check)

    p = sub.add_parser("grade", help="grade a folder of submitted notebooks")
    p.add_argument("submissions", help="folder of STUDENT.ipynb or STUDENT/ASSIGNMENT.ipynb")
    p.add_argument("--assignment", required=True, help="e.g. 03_rfm")
    p.add_argument("--solutions", default="solutions", help="folder of solution notebooks")
    p.add_argument("--out", default="grades.csv", help="grade table (CSV)")
    p.add_argument("--feedback", default=None, help="folder for per-student feedback")
    p.add_argument("--timeout", type=int, default=60, help="seconds per cell")
    p.add_argument("--workers", type=int, default=2, help="notebooks run at once")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(func=_grade)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the ``crmlab`` command; return its exit code."""
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except CRMDataError as err:
        print(f"crmlab: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
