"""Every generated exercise notebook, run as shipped, fails every one of its checks kindly.

A check that cannot fail is a defect. Each notebook in exercises/ is run in its own kernel
as a student would (``crmlab check``): every graded check cell must fail, with the
"not answered yet" feedback rather than a NameError or a traceback.
"""

from pathlib import Path

import nbformat
import pytest

from crmlab.grading import self_check

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


@pytest.mark.parametrize("path", EXERCISES, ids=[p.name for p in EXERCISES])
def test_blank_exercise_fails_every_check(path):
    checks = [c for c in nbformat.read(path, as_version=4).cells
              if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]
    table = self_check(path)
    assert len(table) == len(checks) >= 4
    assert not table["passed"].any(), table[table["passed"]]
    assert table["feedback"].str.contains("Not answered yet").all(), table["feedback"].tolist()


def test_every_chapter_with_solutions_ships_exercises():
    solutions = sorted(p.name for p in (ROOT / "solutions").glob("*.ipynb"))
    assert solutions == [p.name for p in EXERCISES]
    assert len(solutions) == 9  # chapters 01-09
