"""A real nbgrader client: the solution earns full marks and the blank release earns zero.

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
    assert grades.loc["perfect", "score"] == grades.loc["perfect", "max_score"] > 0
    assert grades.loc["blank", "score"] == 0
    # crmlab's scan (ScanAnswerKey) costs the thief exercise 3.1 (1 point) and nothing else
    assert grades.loc["thief", "score"] == grades.loc["thief", "max_score"] - 1
    graded = nbformat.read(course / "autograded" / "thief" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                           as_version=4)
    check = next(c for c in graded.cells
                 if c.metadata.get("nbgrader", {}).get("grade_id") == "check_3_1")
    assert check.outputs[0].ename == "AnswerKeyReached"
    assert "crmlab.exercises.ch03" in check.outputs[0].evalue
