"""Step 4 of grading: the grade table, per-student Markdown feedback and the summaries.

The grade table has one row per student and exercise (:data:`COLUMNS`). From it come
the feedback files (:func:`feedback_markdown`, :func:`write_feedback`) and what the
``crmlab grade`` and ``crmlab check`` commands print (:func:`totals`,
:func:`self_check_summary`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from crmlab.grading.assignment import Layout

__all__ = ["COLUMNS", "crashed_rows", "feedback_markdown", "grade_rows", "self_check_summary",
           "totals", "write_feedback", "write_table"]

#: The columns of the grade table.
COLUMNS = ["student", "exercise", "points", "max_points", "status", "reason"]


def grade_rows(student: str, lay: Layout, verdicts: list[tuple[str, str]]) -> pd.DataFrame:
    """Return a student's rows of the grade table; an exercise scores only if ``passed``.

    Parameters
    ----------
    student : str
        The student's name.
    lay : Layout
        The assignment's exercises.
    verdicts : list of (str, str)
        The status and reason of each exercise, in the layout's order.

    Examples
    --------
    >>> from crmlab.grading.assignment import CheckCell, Layout
    >>> lay = Layout("a", [CheckCell("check_1", 1.0, "", "", []),
    ...                    CheckCell("check_2", 2.0, "", "", [])], [])
    >>> grade_rows("ana", lay, [("passed", ""), ("failed", "too low")])
       student exercise  points  max_points  status   reason
    0      ana  check_1     1.0         1.0  passed
    1      ana  check_2     0.0         2.0  failed  too low
    """
    rows = [[student, ex.grade_id, ex.points if status == "passed" else 0.0, ex.points,
             status, reason] for ex, (status, reason) in zip(lay.exercises, verdicts, strict=True)]
    return pd.DataFrame(rows, columns=COLUMNS)


def crashed_rows(student: str, lay: Layout, err: BaseException) -> pd.DataFrame:
    """Return a student's rows when the grader itself failed on the submission.

    Examples
    --------
    >>> from crmlab.grading.assignment import CheckCell, Layout
    >>> lay = Layout("a", [CheckCell("check_1", 1.0, "", "", [])], [])
    >>> crashed_rows("ana", lay, OSError("disk full"))["reason"].tolist()
    ['grader error: OSError']
    """
    return grade_rows(student, lay, [("crashed", f"grader error: {type(err).__name__}")]
                      * len(lay.exercises))


def feedback_markdown(student: str, rows: pd.DataFrame, assignment: str) -> str:
    """Return one student's feedback as Markdown: the score and a table of the exercises.

    Examples
    --------
    >>> rows = pd.DataFrame([["ana", "check_1", 1.0, 1.0, "passed", ""],
    ...                      ["ana", "check_2", 0.0, 2.0, "failed", "a | b"]], columns=COLUMNS)
    >>> print(feedback_markdown("ana", rows, "03_rfm"))
    # 03_rfm: feedback for ana
    <BLANKLINE>
    Score: **1 / 3**
    <BLANKLINE>
    | exercise | points | result | what to look at |
    |---|---|---|---|
    | check_1 | 1 / 1 | ✅ passed |  |
    | check_2 | 0 / 2 | ❌ failed | a \\| b |
    <BLANKLINE>
    """
    total, most = rows["points"].sum(), rows["max_points"].sum()
    lines = [f"# {assignment}: feedback for {student}", "",
             f"Score: **{total:g} / {most:g}**", "",
             "| exercise | points | result | what to look at |", "|---|---|---|---|"]
    for r in rows.itertuples():
        mark = "✅" if r.status == "passed" else "❌"
        reason = str(r.reason).replace("|", "\\|")
        lines.append(f"| {r.exercise} | {r.points:g} / {r.max_points:g} | {mark} {r.status} "
                     f"| {reason} |")
    return "\n".join(lines) + "\n"


def write_table(table: pd.DataFrame, out: str | Path) -> Path:
    """Write the grade table as CSV (folders created as needed); return the path.

    Examples
    --------
    >>> import tempfile
    >>> rows = pd.DataFrame([["ana", "check_1", 1.0, 1.0, "passed", ""]], columns=COLUMNS)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_table(rows, Path(tmp) / "term" / "grades.csv")
    ...     print(path.read_text().splitlines()[1])
    ana,check_1,1.0,1.0,passed,
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    return out


def write_feedback(table: pd.DataFrame, folder: str | Path, assignment: str) -> list[Path]:
    """Write ``STUDENT.md`` per student into ``folder``; return the paths, by student.

    Examples
    --------
    >>> import tempfile
    >>> rows = pd.DataFrame([["bo", "check_1", 0.0, 1.0, "failed", "too low"],
    ...                      ["ana", "check_1", 1.0, 1.0, "passed", ""]], columns=COLUMNS)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in write_feedback(rows, tmp, "03_rfm")]
    ['ana.md', 'bo.md']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for student, rows in table.groupby("student", sort=True):
        path = folder / f"{student}.md"
        path.write_text(feedback_markdown(student, rows, assignment), encoding="utf-8")
        written.append(path)
    return written


def totals(table: pd.DataFrame) -> pd.DataFrame:
    """Return each student's points and maximum points (what ``crmlab grade`` prints).

    Examples
    --------
    >>> rows = pd.DataFrame([["ana", "check_1", 1.0, 1.0, "passed", ""],
    ...                      ["ana", "check_2", 0.0, 2.0, "failed", ""]], columns=COLUMNS)
    >>> totals(rows)
             points  max_points
    student
    ana         1.0         3.0
    """
    return table.groupby("student")[["points", "max_points"]].sum()


def self_check_summary(table: pd.DataFrame) -> str:
    """Return what ``crmlab check`` prints: a line per check and the counts.

    Examples
    --------
    >>> table = pd.DataFrame([["check_3_1", True, ""], ["check_3_2", False, "Not yet."]],
    ...                      columns=["exercise", "passed", "feedback"])
    >>> print(self_check_summary(table))
    ✅ check_3_1
    ❌ check_3_2: Not yet.
    1 passed, 1 failed
    """
    lines = []
    for row in table.itertuples():
        mark = "✅" if row.passed else "❌"
        lines.append(f"{mark} {row.exercise}: {row.feedback}".rstrip(": "))
    passed = int(table["passed"].sum())
    lines.append(f"{passed} passed, {len(table) - passed} failed")
    return "\n".join(lines)
