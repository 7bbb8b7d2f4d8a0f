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
        "c.CourseDirectory.course_id = 'crmlab'\n")
    _nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    release = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert "### BEGIN SOLUTION" not in release.read_text(encoding="utf-8")
    assert "### BEGIN HIDDEN TESTS" not in release.read_text(encoding="utf-8")
    for student, source in [("perfect", SOLUTION), ("blank", release)]:
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        shutil.copy(source, folder / f"{ASSIGNMENT}.ipynb")
    _nbgrader(course, "autograde", ASSIGNMENT, "--create", "--force")
    _nbgrader(course, "export", "--to", str(tmp_path / "grades.csv"))
    grades = pd.read_csv(tmp_path / "grades.csv").set_index("student_id")
    assert grades.loc["perfect", "score"] == grades.loc["perfect", "max_score"] > 0
    assert grades.loc["blank", "score"] == 0
