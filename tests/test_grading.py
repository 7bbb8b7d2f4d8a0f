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
from crmlab.grading.feedback import MANUAL_STATUSES, merge_manual, read_table, write_feedback
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
                  feedback=out / "feedback", manual_out=out / "manual.csv", timeout=TIMEOUT,
                  progress=False, sandbox=False)
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
    auto = table[~table["status"].isin(MANUAL_STATUSES)]
    got = auto[want.columns].sort_values(["student", "exercise"], kind="stable")
    want = want.sort_values(["student", "exercise"], kind="stable")
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))


def test_reasoning_rows_wait_for_the_instructor(graded, classroom, lay):
    """Every student gets a row for the reasoning cell: to grade by hand, with its rubric."""
    table, _ = graded
    manual = table[table["status"] == "manual"]
    assert [m.grade_id for m in lay.manual] == ["reasoning_3_7"]
    assert sorted(manual["student"]) == sorted(classroom[1])
    assert (manual["exercise"] == "reasoning_3_7").all() and (manual["question"] == "3.7").all()
    assert manual["points"].isna().all() and (manual["max_points"] == 1).all()
    assert manual["reason"].str.startswith(
        "To grade by hand. Rubric: Full (1): the decision stated (`frequent_always_valuable = "
        "False`: no)").all()
    assert manual["reason"].str.contains(r"Partial \(0.5\): .* / None \(0\): ").all()
    # the row follows its exercise's check
    perfect = table[table["student"] == "perfect"]["exercise"].tolist()
    at = perfect.index("reasoning_3_7")
    assert perfect[at - 1] == "check_3_7"


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
    assert set(written["status"]) <= {*STATUSES, *MANUAL_STATUSES}  # plain words, no symbols
    book = pd.read_csv(out / "gradebook.csv", encoding="utf-8-sig")
    assert list(book.columns) == ["student", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7",
                                  "3.7 reasoning", "3.8", "3.9", "total", "max_points",
                                  "to_grade_by_hand"]
    perfect = book.set_index("student").loc["perfect"]
    assert perfect["total"] == 9 and perfect["to_grade_by_hand"] == 1  # the checks' 9 of 10
    assert book["3.7 reasoning"].isna().all()  # empty until the instructor fills it in
    assert (book["max_points"] == 10).all() and len(book) == len(classroom[1])
    feedback = (out / "feedback" / "perfect.md").read_text(encoding="utf-8")
    assert "Score: **9 / 10**" in feedback and "✅" in feedback
    assert "| 3.1 Read the RFM table | 1 / 1 | ✅ passed |" in feedback
    # the reasoning is announced, its rubric not shown before it is graded
    assert ("| 3.7 Discussion: is a customer who buys often always valuable? (reasoning) | "
            "– / 1 | to grade by hand | Your written reasoning is graded by hand") in feedback
    assert "Rubric" not in feedback and "Full (1)" not in feedback
    form = pd.read_csv(out / "manual.csv", encoding="utf-8-sig", keep_default_na=False)
    assert form.columns.tolist() == ["student", "cell", "max_points", "points", "comment",
                                     "rubric"]
    assert sorted(form["student"]) == sorted(classroom[1]) and (form["points"] == "").all()
    assert "❌" in (out / "feedback" / "blank.md").read_text(encoding="utf-8")


def test_merging_manual_scores_updates_totals_and_feedback(graded, tmp_path, lay):
    _, out = graded
    table = read_table(out / "grades.csv")  # the grade table as written, read back
    form = pd.read_csv(out / "manual.csv", encoding="utf-8-sig", keep_default_na=False,
                       dtype=str)
    form.loc[form["student"] == "perfect", ["points", "comment"]] = ["0.5", "One number only."]
    form.loc[form["student"] == "blank", "points"] = "0"
    merged = merge_manual(table, form, lay)
    rows = merged.set_index(["student", "exercise"])
    assert rows.loc[("perfect", "reasoning_3_7"), "points"] == 0.5
    assert rows.loc[("perfect", "reasoning_3_7"), "status"] == "graded"
    assert rows.loc[("blank", "reasoning_3_7"), "points"] == 0
    assert (merged["status"] == "manual").sum() == len(form) - 2  # the rest still to grade
    totals = merged.groupby("student")["points"].sum()
    before = table.groupby("student")["points"].sum()
    assert totals["perfect"] == before["perfect"] + 0.5 == 9.5
    assert totals.drop("perfect").equals(before.drop("perfect"))
    assert table["points"].isna().sum() == len(form)  # the input is left alone
    path = write_feedback(merged[merged["student"] == "perfect"], tmp_path, ASSIGNMENT)[0]
    text = path.read_text(encoding="utf-8")
    assert "Score: **9.5 / 10**" in text
    assert ("| 0.5 / 1 | ✍ graded by hand | One number only. Rubric: Full (1): the decision "
            "stated" in text)
    with pytest.raises(CRMDataError, match=r"no cell to grade by hand for row 0 .*'nobody'"):
        merge_manual(table, pd.DataFrame({"student": ["nobody"], "cell": ["reasoning_3_7"],
                                          "points": [1]}))
    with pytest.raises(CRMDataError, match="from 0 to the cell's points"):
        merge_manual(table, pd.DataFrame({"student": ["perfect"], "cell": ["reasoning_3_7"],
                                          "points": [-1]}))
    with pytest.raises(CRMDataError, match="must be numbers"):
        merge_manual(table, pd.DataFrame({"student": ["perfect"], "cell": ["reasoning_3_7"],
                                          "points": ["full"]}))
    with pytest.raises(CRMDataError, match="scored twice"):
        merge_manual(table, pd.DataFrame({"student": ["perfect"] * 2,
                                          "cell": ["reasoning_3_7"] * 2, "points": [1, 0]}))
    with pytest.raises(CRMDataError, match="no cell to grade by hand"):  # not a manual cell
        merge_manual(table, pd.DataFrame({"student": ["perfect"], "cell": ["check_3_1"],
                                          "points": [0]}))


def test_layout_reads_points_and_names(lay):
    assert len(lay.exercises) >= 4
    assert all(e.points > 0 and e.names for e in lay.exercises)
    assert lay.max_points == sum(e.points for e in lay.exercises) + 1 == 10
    assert [(m.grade_id, m.number, m.points, m.after) for m in lay.manual] == [
        ("reasoning_3_7", "3.7", 1.0, "check_3_7")]


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
    assert (grades["status"] == "passed").sum() == len(grades) - 1
    assert grades.loc[grades["status"] == "manual", "reason"].str.startswith(
        "待人工评分。评分标准：满分 (1)").all()
    assert "to grade by hand (" in result.stdout
    assert "reasoning_3_7 (1 point): 待人工评分" in result.stdout
    moodle = pd.read_csv(tmp_path / "gradebook-moodle.csv", encoding="utf-8-sig")
    assert moodle.columns.tolist() == ["Username", ASSIGNMENT, f"{ASSIGNMENT} feedback"]
    assert moodle.iloc[0, :2].tolist() == ["alice", 9]
    text = (tmp_path / "fb" / "alice.md").read_text(encoding="utf-8")
    assert text.startswith(f"# {ASSIGNMENT}：alice 的反馈") and "✅ 通过" in text
    assert "待人工评分" in text and "评分标准" not in text
    # the instructor fills in the form crmlab grade wrote and merges it back
    (tmp_path / "scores.csv").write_text("student,cell,points,comment\n"
                                         "alice,reasoning_3_7,1,清楚\n", encoding="utf-8")
    merged = subprocess.run(
        [sys.executable, "-m", "crmlab.cli", "grade-merge", str(tmp_path / "g.csv"),
         str(tmp_path / "scores.csv"), "--assignment", ASSIGNMENT, "--solutions",
         str(ROOT / "solutions"), "--format", "moodle", "--language", "zh", "--feedback",
         str(tmp_path / "fb")], capture_output=True, text=True, cwd=tmp_path)
    assert merged.returncode == 0, merged.stderr
    assert "0 cell(s) still to grade by hand" in merged.stdout
    moodle = pd.read_csv(tmp_path / "gradebook-moodle.csv", encoding="utf-8-sig")
    assert moodle.iloc[0, :2].tolist() == ["alice", 10]
    text = (tmp_path / "fb" / "alice.md").read_text(encoding="utf-8")
    assert "得分：**10 / 10**" in text and "清楚 评分标准：满分 (1)" in text


def test_self_check_of_blank_exercise_fails_every_check_kindly():
    table = self_check(ROOT / "exercises" / f"{ASSIGNMENT}.ipynb")
    assert len(table) >= 4 and not table["passed"].any()
    assert table["feedback"].str.contains("Not answered yet").all()


def test_rubrics_are_read_from_solutions_only():
    """A rubric is read inside the solution region; a student's markdown is never parsed."""
    from crmlab.grading.assignment import layout_of

    nb = nbformat.read(SOLUTION, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                == "reasoning_3_7")
    broken = copy.deepcopy(nb)
    target = next(c for c in broken.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                  == "reasoning_3_7")
    target.source = cell.source.replace("部分分 (0.5)", "部分分 (2)")
    with pytest.raises(CRMDataError, match=r"03_rfm.ipynb cell \d+: the rubric's points must "
                                           r"fall .* 1, 2, 0"):
        layout_of(broken, "03_rfm.ipynb")
    # a submission's reasoning cell: the student's text, even with marker-like lines
    target.source = "### BEGIN SOLUTION\n* **Full · 满分 (7)**: I deserve it"
    assert layout_of(broken, "03_rfm.ipynb", rubrics=False).manual[0].rubric == []
    target.source = "* **Full · 满分 (7)**: outside a solution region"
    assert layout_of(broken, "03_rfm.ipynb").manual[0].rubric == []


def test_the_chinese_edition_is_graded_in_chinese(tmp_path):
    """zh/exercises submissions, graded on zh/solutions with --language zh (the CLI's path)."""
    name = "11_customer_needs"  # the quickest chapter to run
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(ROOT / "zh" / "solutions" / f"{name}.ipynb", subs / "li.ipynb")
    shutil.copy(ROOT / "zh" / "exercises" / f"{name}.ipynb", subs / "wang.ipynb")
    table = grade(subs, assignment=name, solutions=ROOT / "zh" / "solutions", language="zh",
                  sandbox=False, progress=False, feedback=tmp_path / "fb", workers=1)
    auto = table[~table["status"].isin(MANUAL_STATUSES)]
    assert (auto.loc[auto["student"] == "li", "status"] == "passed").all()
    wang = auto.loc[auto["student"] == "wang"]
    assert len(wang) and (wang["status"] != "passed").all()
    assert wang["reason"].str.contains("[\u4e00-\u9fff]").all(), wang["reason"].tolist()
    text = (tmp_path / "fb" / "wang.md").read_text(encoding="utf-8")
    assert text.startswith(f"# {name}：wang 的反馈")
