"""A real nbgrader client: the solution earns full marks and the blank release earns zero.

The reasoning cell is a manually graded answer with points: the solution's waits for the
instructor (its points pending), the blank one scores 0 with nothing to grade.

Instructors who prefer nbgrader can use ``solutions/`` as nbgrader's ``source/``: the
markers and cell metadata are nbgrader's own. nbgrader comes with the ``[instructor]``
extra; it calls ``alembic`` as a subprocess, so the environment's ``bin`` goes on PATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "03_rfm"
SOLUTION = ROOT / "solutions" / f"{ASSIGNMENT}.ipynb"

pytest.importorskip("nbgrader", reason="install the [instructor] extra")
pytestmark = pytest.mark.skipif(not SOLUTION.exists(), reason="no solutions/03_rfm.ipynb yet")


def _nbgrader(course: Path, *args: str) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_nbgrader_generate_and_autograde(tmp_path):
    course = tmp_path / "course"
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(SOLUTION, course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    (course / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'crmlab'\n"
        "from crmlab.grading.nbgrader_scan import autograde_preprocessors\n"
        "c.Autograde.autograde_preprocessors = autograde_preprocessors()\n")
    _nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    release = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert "### BEGIN SOLUTION" not in release.read_text(encoding="utf-8")
    assert "### BEGIN HIDDEN TESTS" not in release.read_text(encoding="utf-8")
    # a thief: the perfect answers, plus the answer key imported in exercise 3.1's cell
    thief = nbformat.read(SOLUTION, as_version=4)
    answer = next(c for c in thief.cells
                  if c.metadata.get("nbgrader", {}).get("grade_id") == "answer_3_1")
    answer.source += "\nfrom crmlab.exercises.ch03 import EXERCISES as _key"
    for student, source in [("perfect", SOLUTION), ("blank", release), ("thief", thief)]:
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        if isinstance(source, Path):
            shutil.copy(source, folder / f"{ASSIGNMENT}.ipynb")
        else:
            nbformat.write(source, folder / f"{ASSIGNMENT}.ipynb")
    _nbgrader(course, "autograde", ASSIGNMENT, "--create", "--force")
    _nbgrader(course, "export", "--to", str(tmp_path / "grades.csv"))
    grades = pd.read_csv(tmp_path / "grades.csv").set_index("student_id")
    # the checks give the solution full marks; the reasoning cell (1 point) waits for a hand
    assert grades.loc["perfect", "max_score"] == 10
    assert grades.loc["perfect", "score"] == 10 - 1
    assert grades.loc["blank", "score"] == 0
    # crmlab's scan (ScanAnswerKey) costs the thief exercise 3.1 (1 point) and nothing else
    assert grades.loc["thief", "score"] == grades.loc["perfect", "score"] - 1
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as book:
        cell = book.find_grade_cell("reasoning_3_7", ASSIGNMENT, ASSIGNMENT)
        assert cell.cell_type == "markdown" and cell.max_score == 1  # a manually graded answer
        assert book.find_solution_cell("reasoning_3_7", ASSIGNMENT, ASSIGNMENT)
        perfect = book.find_grade("reasoning_3_7", ASSIGNMENT, ASSIGNMENT, "perfect")
        blank = book.find_grade("reasoning_3_7", ASSIGNMENT, ASSIGNMENT, "blank")
        assert perfect.max_score == 1 and perfect.auto_score is None
        assert perfect.needs_manual_grade  # nbgrader lists it for manual grading
        assert book.find_submission_notebook(ASSIGNMENT, ASSIGNMENT,
                                             "perfect").needs_manual_grade
        assert blank.max_score == 1 and blank.auto_score == 0  # left blank: 0, nothing to do
        assert not blank.needs_manual_grade
        manual = [g.name for g in book.find_submission_notebook(
            ASSIGNMENT, ASSIGNMENT, "perfect").grades if g.needs_manual_grade]
        assert manual == ["reasoning_3_7"]  # and no check cell needs a hand
    release_text = release.read_text(encoding="utf-8")
    assert "Rubric" not in release_text and "评分标准 (" not in release_text
    graded = nbformat.read(course / "autograded" / "thief" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                           as_version=4)
    check = next(c for c in graded.cells
                 if c.metadata.get("nbgrader", {}).get("grade_id") == "check_3_1")
    assert check.outputs[0].ename == "AnswerKeyReached"
    assert "crmlab.exercises.ch03" in check.outputs[0].evalue
