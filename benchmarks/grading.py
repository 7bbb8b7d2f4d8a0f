"""Time `crmlab grade` on a class of 30 submissions of one chapter, with and without the sandbox.

Usage: python benchmarks/grading.py [--assignment 03_rfm] [--students 30] [--workers 2]
       [--sandbox both|on|off] [--repeats 1]

The class mixes perfect, blank and partly right notebooks (built from the solution),
so the timing includes real work in every kernel. With ``--sandbox both`` (the default)
the same class is graded in one run with the bubblewrap sandbox and then without it
(``sandbox=False``, what ``crmlab grade --no-sandbox`` does), so both figures share the
machine's load; the two grade tables must be equal. ``--repeats N`` grades the class N
times in each mode, alternating the order (with, without, without, with, ...) so a
change of load hits both alike, and reports the median. Prints every wall time, the
medians, their ratio and the load average.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
import pandas as pd

from crmlab.exercises import student_version
from crmlab.grading import grade

ROOT = Path(__file__).resolve().parents[1]


def _answers(nb):
    return [c for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]


def _write_class(folder: Path, assignment: str, students: int) -> None:
    solution = nbformat.read(ROOT / "solutions" / f"{assignment}.ipynb", as_version=4)
    blank = student_version(solution)
    for i in range(students):
        kind = i % 3
        nb = copy.deepcopy(solution) if kind == 0 else copy.deepcopy(blank)
        if kind == 2:  # partly right: the first half of the answers from the solution
            answers, mine = _answers(solution), _answers(nb)
            for a, m in list(zip(answers, mine, strict=True))[: len(answers) // 2]:
                m.source = a.source
        nbformat.write(nb, folder / f"student{i:02d}.ipynb")


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="03_rfm")
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sandbox", choices=["both", "on", "off"], default="both")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    modes = {"both": [True, False], "on": [True], "off": [False]}[args.sandbox]
    order = []
    for i in range(args.repeats):
        order += modes if i % 2 == 0 else modes[::-1]
    seconds: dict[str, list[float]] = {}
    tables = {}
    print(f"load average before: {_load()} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        _write_class(folder, args.assignment, args.students)
        for sandbox in order:
            name = "with sandbox" if sandbox else "without sandbox"
            start = time.perf_counter()
            table = grade(folder, assignment=args.assignment, solutions=ROOT / "solutions",
                          out=Path(tmp) / "grades.csv", feedback=Path(tmp) / "feedback",
                          workers=args.workers, sandbox=sandbox, progress=False)
            took = time.perf_counter() - start
            seconds.setdefault(name, []).append(took)
            if name in tables:
                pd.testing.assert_frame_equal(table, tables[name])  # the same every time
            tables[name] = table
            totals = table.groupby("student")[["points", "max_points"]].sum()
            print(f"{name}: graded {args.students} submissions of {args.assignment} in "
                  f"{took:.1f} s ({took / args.students:.2f} s each, {args.workers} "
                  f"workers); mean score {totals['points'].mean():.2f} of "
                  f"{totals['max_points'].iloc[0]:g}; load average {_load()}")
    median = {name: statistics.median(times) for name, times in seconds.items()}
    for name, value in median.items():
        print(f"median {name}: {value:.1f} s of {len(seconds[name])} run(s)")
    if len(tables) == 2:
        first, second = tables.values()
        pd.testing.assert_frame_equal(first, second)  # the sandbox changes no grade
        print("same grade table with and without the sandbox; sandbox/none time ratio "
              f"{median['with sandbox'] / median['without sandbox']:.2f}")


if __name__ == "__main__":
    main()
