"""The batch grader on a class of submissions of one chapter, with the exact grade table.

The class is built from the chapter's solution notebook: a perfect submission, the blank
student version, partly right, wrong types, an infinite loop, a kernel crash, checker
tampering, a corrupt file, a renamed variable, a deleted exercise cell and a memory hog.
These notebooks are the test's own, so they run without a sandbox (``sandbox=False``, the
path of ``crmlab grade --no-sandbox``); ``tests/test_grading_sandbox.py`` grades a hostile
class in the sandbox.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from crmlab import CRMDataError
from crmlab.exercises import student_version
from crmlab.grading import grade, layout, self_check
from crmlab.grading.judge import STATUSES

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "03_rfm"
SOLUTION = ROOT / "solutions" / f"{ASSIGNMENT}.ipynb"
TIMEOUT = 8

pytestmark = pytest.mark.skipif(not SOLUTION.exists(), reason="no solutions/03_rfm.ipynb yet")


def _answer_cells(nb):
    return [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")
            and c.cell_type == "code"]


def _set_answer(cell, names, value):
    cell.source = "\n".join(f"{n} = {value}" for n in names)


@pytest.fixture(scope="module")
def lay():
    return layout(SOLUTION)


@pytest.fixture(scope="module")
def classroom(tmp_path_factory, lay):
    """Write the class's submissions; return the folder and the expected statuses."""
    folder = tmp_path_factory.mktemp("submissions")
    solution = nbformat.read(SOLUTION, as_version=4)
    exercises = lay.exercises
    names = {e.grade_id: e.names for e in exercises}
    first, second, third = exercises[0], exercises[1], exercises[2]
    expected: dict[str, list[str]] = {}

    def save(student, nb, statuses):
        nbformat.write(nb, folder / f"{student}.ipynb")
        expected[student] = statuses

    n = len(exercises)
    save("perfect", copy.deepcopy(solution), ["passed"] * n)
    save("blank", student_version(solution), ["failed"] * n)

    partly = student_version(solution)
    keep = {first.answer_cells[0], second.answer_cells[0]}
    for cell, original in zip(_answer_cells(partly), _answer_cells(solution), strict=True):
        if cell.metadata.nbgrader.grade_id in keep:
            cell.source = original.source
    save("partly", partly, ["passed", "passed"] + ["failed"] * (n - 2))

    wrong = copy.deepcopy(solution)
    for cell, ex in zip(_answer_cells(wrong), exercises, strict=True):
        cell.source += "\n" + "\n".join(f"{v} = '42'" for v in names[ex.grade_id])
    save("wrongtypes", wrong, ["failed"] * n)

    loop = copy.deepcopy(solution)
    _answer_cells(loop)[0].source = "while True:\n    pass"
    save("loop", loop, ["timeout"] + ["passed"] * (n - 1))

    crash = copy.deepcopy(solution)
    _answer_cells(crash)[2].source = "import os\nos._exit(1)"
    save("crash", crash, ["passed", "passed"] + ["crashed"] * (n - 2))

    tamper = student_version(solution)
    for cell, ex in zip(_answer_cells(tamper), exercises, strict=True):
        cell.source = "\n".join(f"{v} = 0" for v in names[ex.grade_id])
    tamper.cells.insert(1, nbformat.v4.new_code_cell(
        "import crmlab, crmlab.exercises\n"
        "crmlab.check = lambda *a, **k: True\n"
        "crmlab.exercises._registry.judge = lambda *a, **k: True\n"
        "open('grades.csv', 'w').write('student,points\\ntamper,100\\n')"))
    for cell in tamper.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
            cell.source = "pass"
    save("tamper", tamper, ["forbidden"] * n)  # it replaces crmlab.check: no exercise scores

    (folder / "corrupt.ipynb").write_text("{ this is not a notebook", encoding="utf-8")
    expected["corrupt"] = ["invalid"] * n

    renamed = copy.deepcopy(solution)
    cell = _answer_cells(renamed)[0]
    for v in names[first.grade_id]:
        cell.source = cell.source.replace(v, v + "_renamed")
    save("renamed", renamed, ["missing"] + ["passed"] * (n - 1))

    deleted = copy.deepcopy(solution)
    deleted.cells = [c for c in deleted.cells
                     if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                     != second.answer_cells[0]]
    save("deleted", deleted, ["passed", "missing"] + ["passed"] * (n - 2))

    hog = copy.deepcopy(solution)
    _answer_cells(hog)[2].source = "hog = bytearray(64 * 1024 ** 3)\n" + \
        _answer_cells(hog)[2].source
    statuses = ["passed"] * n
    statuses[2] = "error"
    save("memoryhog", hog, statuses)
    assert third.grade_id  # the chapter has at least three exercises
    return folder, expected


@pytest.fixture(scope="module")
def graded(classroom, tmp_path_factory):
    folder, _ = classroom
    out = tmp_path_factory.mktemp("out")
    table = grade(folder, assignment=ASSIGNMENT, solutions=ROOT / "solutions",
                  out=out / "grades.csv", gradebook_out=out / "gradebook.csv",
                  feedback=out / "feedback", timeout=TIMEOUT, progress=False, sandbox=False)
    return table, out


def test_class_has_at_least_eight_kinds_of_submission(classroom):
    assert len(classroom[1]) >= 8


def test_exact_grade_table(graded, classroom, lay):
    table, _ = graded
    _, expected = classroom
    points = {e.grade_id: e.points for e in lay.exercises}
    rows = []
    for student in sorted(expected):
        for ex, status in zip(lay.exercises, expected[student], strict=True):
            rows.append([student, ex.grade_id, points[ex.grade_id] if status == "passed" else 0.0,
                         points[ex.grade_id], status])
    want = pd.DataFrame(rows, columns=["student", "exercise", "points", "max_points", "status"])
    got = table[want.columns].sort_values(["student", "exercise"], kind="stable")
    want = want.sort_values(["student", "exercise"], kind="stable")
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))


def test_reasons_say_what_happened(graded):
    table, _ = graded
    reason = table.set_index(["student", "exercise"])["reason"]
    first = table["exercise"].iloc[0]
    assert reason[("perfect", first)] == ""
    assert "Not answered yet" in reason[("blank", first)]
    assert "Expected" in reason[("wrongtypes", first)] or "text" in reason[("wrongtypes", first)]
    assert reason[("loop", first)] == ("The answer cell of Exercise 3.1 ran longer than the "
                                       f"time limit of {TIMEOUT} s and was stopped.")
    assert reason[("corrupt", first)].startswith("The file is not a notebook Jupyter can open")
    assert "store your answer in the variable" in reason[("renamed", first)]
    assert "Python stopped while running the answer cell of Exercise 3.3" in " ".join(
        table[table.student == "crash"]["reason"])
    assert "MemoryError" in " ".join(table[table.student == "memoryhog"]["reason"])
    assert "answer cell of Exercise 3.2 is missing" in " ".join(
        table[table.student == "deleted"]["reason"])
    assert "crmlab.check (replaced)" in reason[("tamper", first)]
    words = " ".join(table["reason"])
    for jargon in ("NotJSONError", "Opaque", "Traceback", "grade_id", "check_3_", "✅", "❌"):
        assert jargon not in words


def test_files_written_and_not_overwritten_by_students(graded, classroom):
    table, out = graded
    raw = (out / "grades.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel on Windows
    written = pd.read_csv(out / "grades.csv", keep_default_na=False, encoding="utf-8-sig",
                          dtype={"question": str})
    assert len(written) == len(table)
    assert set(written["student"]) == set(classroom[1])
    assert set(written["status"]) <= set(STATUSES)  # plain words, no symbols
    book = pd.read_csv(out / "gradebook.csv", encoding="utf-8-sig")
    assert list(book.columns) == ["student", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7",
                                  "total", "max_points"]
    assert book.set_index("student").loc["perfect", "total"] == 10
    assert (book["max_points"] == 10).all() and len(book) == len(classroom[1])
    feedback = (out / "feedback" / "perfect.md").read_text(encoding="utf-8")
    assert "Score: **10 / 10**" in feedback and "✅" in feedback
    assert "| 3.1 Read the RFM table | 1 / 1 | ✅ passed |" in feedback
    assert "❌" in (out / "feedback" / "blank.md").read_text(encoding="utf-8")


def test_layout_reads_points_and_names(lay):
    assert len(lay.exercises) >= 4
    assert all(e.points > 0 and e.names for e in lay.exercises)
    assert lay.max_points == sum(e.points for e in lay.exercises)


def test_grade_errors_are_clear(tmp_path):
    with pytest.raises(CRMDataError, match="no folder"):
        grade(tmp_path / "nope", assignment=ASSIGNMENT, solutions=ROOT / "solutions")
    with pytest.raises(CRMDataError, match="Assignments: .*03_rfm"):
        grade(tmp_path, assignment="99_none", solutions=ROOT / "solutions")


def test_cli_grade_without_a_sandbox_says_what_it_risks(tmp_path, classroom):
    folder, _ = classroom
    sub = tmp_path / "subs"
    sub.mkdir()
    shutil.copy(folder / "perfect.ipynb", sub / "alice.ipynb")
    result = subprocess.run(
        [sys.executable, "-m", "crmlab.cli", "grade", str(sub), "--assignment", ASSIGNMENT,
         "--solutions", str(ROOT / "solutions"), "--out", str(tmp_path / "g.csv"),
         "--format", "moodle", "--language", "zh", "--feedback", str(tmp_path / "fb"),
         "--no-sandbox", "--no-progress"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "alice" in result.stdout
    assert "Grading without a sandbox" in result.stderr and "read the answer key" in \
        result.stderr
    assert "Exception ignored" not in result.stderr and "Traceback" not in result.stderr
    grades = pd.read_csv(tmp_path / "g.csv", keep_default_na=False, encoding="utf-8-sig")
    assert (grades["status"] == "passed").all()
    moodle = pd.read_csv(tmp_path / "gradebook-moodle.csv", encoding="utf-8-sig")
    assert moodle.columns.tolist() == ["Username", ASSIGNMENT, f"{ASSIGNMENT} feedback"]
    assert moodle.iloc[0, :2].tolist() == ["alice", 10]
    text = (tmp_path / "fb" / "alice.md").read_text(encoding="utf-8")
    assert text.startswith(f"# {ASSIGNMENT}：alice 的反馈") and "✅ 通过" in text


def test_self_check_of_blank_exercise_fails_every_check_kindly():
    table = self_check(ROOT / "exercises" / f"{ASSIGNMENT}.ipynb")
    assert len(table) >= 4 and not table["passed"].any()
    assert table["feedback"].str.contains("Not answered yet").all()
