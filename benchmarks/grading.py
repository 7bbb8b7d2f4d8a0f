"""Time `crmlab grade` on a class of 30 submissions of one chapter.

Usage: python benchmarks/grading.py [--assignment 03_rfm] [--students 30] [--workers 2]

The class mixes perfect, blank and partly right notebooks (built from the solution),
so the timing includes real work in every kernel. Prints the wall time.
"""

from __future__ import annotations

import argparse
import copy
import tempfile
import time
from pathlib import Path

import nbformat

from crmlab.exercises import student_version
from crmlab.grading import grade

ROOT = Path(__file__).resolve().parents[1]


def _answers(nb):
    return [c for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="03_rfm")
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    solution = nbformat.read(ROOT / "solutions" / f"{args.assignment}.ipynb", as_version=4)
    blank = student_version(solution)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        for i in range(args.students):
            kind = i % 3
            nb = copy.deepcopy(solution) if kind == 0 else copy.deepcopy(blank)
            if kind == 2:  # partly right: the first half of the answers from the solution
                answers, mine = _answers(solution), _answers(nb)
                for a, m in list(zip(answers, mine, strict=True))[: len(answers) // 2]:
                    m.source = a.source
            nbformat.write(nb, folder / f"student{i:02d}.ipynb")
        start = time.perf_counter()
        table = grade(folder, assignment=args.assignment, solutions=ROOT / "solutions",
                      out=Path(tmp) / "grades.csv", feedback=Path(tmp) / "feedback",
                      workers=args.workers)
        seconds = time.perf_counter() - start
    totals = table.groupby("student")[["points", "max_points"]].sum()
    print(f"graded {args.students} submissions of {args.assignment} in {seconds:.1f} s "
          f"({seconds / args.students:.1f} s each, {args.workers} workers); mean score "
          f"{totals['points'].mean():.2f} of {totals['max_points'].iloc[0]:g}")


if __name__ == "__main__":
    main()
