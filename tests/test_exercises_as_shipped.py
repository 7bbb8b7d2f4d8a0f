"""Every generated exercise notebook, run as shipped, fails every one of its checks kindly.

A check that cannot fail is a defect. Each notebook in exercises/ is run in its own kernel
as a student would (``crmlab check``): every graded check cell must fail, with the
"not answered yet" feedback rather than a NameError or a traceback, and that feedback
restates the task without giving anything away: no code, no function name and none of
the exercise's expected values (issue 13: hints teach, they do not hand out answers).
"""

import math
import numbers
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from crmlab.exercises._registry import lookup
from crmlab.grading import self_check

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))

#: What code looks like in a feedback line: a call, a method or attribute, an index, an
#: operator, the package's modules.
CODE = re.compile(r"\w\(|\.\w+\(|\b[a-z_]+\.[a-z_]+|\[['\"]|==|>=|<=|\bcrmlab\b|\bpyramid\."
                  r"|\brfm_|\bclv\.|\bacquisition\.")


def _values(value) -> set[str]:
    """The ways an expected value could be printed (numbers of two digits or more)."""
    if isinstance(value, dict):
        return set().union(*(_values(v) for v in value.values()))
    if isinstance(value, (pd.Series, pd.Index)) and len(value) <= 12:
        return set().union(*(_values(v) for v in value.tolist()))
    if isinstance(value, (list, tuple)) and len(value) <= 12:
        return set().union(*(_values(v) for v in value))
    if isinstance(value, str):
        return {value} if len(value) >= 4 else set()
    if isinstance(value, numbers.Real) and not isinstance(value, bool) \
            and math.isfinite(float(value)):
        v = float(value)
        if v.is_integer():
            return {str(int(v)), f"{int(v):,}"} if abs(v) >= 10 else set()
        found = {f"{v:.6g}"} | {f"{round(v, d)}" for d in range(1, 5) if round(v, d) != 0}
        return {s for s in found if len(s.replace("-", "").replace(".", "").lstrip("0")) >= 2}
    return set()


@pytest.fixture(scope="module", params=EXERCISES, ids=[p.name for p in EXERCISES])
def shipped(request):
    """One notebook as shipped: its check cells, and what running it printed."""
    checks = [c for c in nbformat.read(request.param, as_version=4).cells
              if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]
    return checks, self_check(request.param)


def test_blank_exercise_fails_every_check(shipped):
    checks, table = shipped
    assert len(table) == len(checks) >= 4
    assert not table["passed"].any(), table[table["passed"]]
    assert table["feedback"].str.contains("Not answered yet").all(), table["feedback"].tolist()


def test_blank_feedback_gives_no_code_and_no_expected_value(shipped):
    _, table = shipped
    for grade_id, text in zip(table["exercise"], table["feedback"], strict=True):
        qid = grade_id.removeprefix("check_").replace("_", ".")
        assert "The task: " in text, (qid, text)
        assert not CODE.search(text), (qid, text, CODE.search(text))
        ex = lookup(qid)
        want = ex.expected() if ex.expected is not None else None
        leaked = [v for v in _values(want) if re.search(rf"(?<![\w.]){re.escape(v)}(?![\w])",
                                                         text)]
        assert not leaked, (qid, leaked, text)


def test_every_chapter_with_solutions_ships_exercises():
    solutions = sorted(p.name for p in (ROOT / "solutions").glob("*.ipynb"))
    assert solutions == [p.name for p in EXERCISES]
    assert len(solutions) == 10  # chapters 01-09 and 11 (10, the capstone, is a final project)
