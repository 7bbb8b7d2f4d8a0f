"""Step 4 of grading: the grade tables, per-student Markdown feedback and the summaries.

The grade table has one row per student and exercise (:data:`COLUMNS`, the long table),
and one per student and reasoning cell graded by hand (status ``manual``, points empty,
the rubric as the reason, until :func:`merge_manual` fills in the instructor's scores:
status ``graded``).
From it come the gradebook tables (:func:`gradebook`: one row per student, ``wide`` with a
column per exercise, total and maximum, or the columns a Canvas or Moodle import expects),
the feedback files (:func:`feedback_markdown`, :func:`write_feedback`) and what the
``crmlab grade`` and ``crmlab check`` commands print (:func:`totals`,
:func:`self_check_summary`).

CSV files are UTF-8 with a byte-order mark, so Excel on Windows reads the Chinese text,
and hold plain words only; the symbols ✅ and ❌ appear in Markdown feedback alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.grading.assignment import Layout
from crmlab.grading.words import LANGUAGES, say, status_label
from crmlab.validation import check_option

__all__ = ["COLUMNS", "FORMATS", "MANUAL_STATUSES", "TRIED", "crashed_rows",
           "feedback_markdown", "grade_rows", "gradebook", "manual_template", "merge_manual",
           "read_table", "self_check_summary", "totals", "unlisted_rows", "write_csv",
           "write_feedback", "write_table"]

#: The columns of the grade table (the long table).
COLUMNS = ["student", "exercise", "question", "title", "points", "max_points", "status",
           "reason"]

#: The column after :data:`COLUMNS`: how many times the student ran the exercise's check,
#: from the notebook's attempt log (empty without a log). The log is the student's own
#: file, so this is information for the instructor, never points.
TRIED = "checks_tried"

#: The statuses of a cell graded by hand: still to grade, and graded.
MANUAL_STATUSES = ("manual", "graded")

#: The layouts of the gradebook table.
FORMATS = ("wide", "canvas", "moodle")

#: A Canvas "Download Submissions" file name: name, user id, submission id, original name.
CANVAS_NAME = re.compile(r"^(?P<name>[^_]+)(?:_LATE)?_(?P<id>\d+)_(?P<submission>\d+)_")


def grade_rows(student: str, lay: Layout, verdicts: list[tuple[str, str]],
               language: str = "en", tried: list[int | None] | None = None) -> pd.DataFrame:
    """Return a student's rows of the grade table; an exercise scores only if ``passed``.

    Each cell graded by hand (``lay.manual``) gets a row after its exercise's check: status
    ``manual``, points empty (NaN), its rubric as the reason. The last column,
    :data:`TRIED`, holds ``tried`` (the checks tried per exercise; empty without a log).

    Parameters
    ----------
    student : str
        The student's name.
    lay : Layout
        The assignment's exercises.
    verdicts : list of (str, str)
        The status and reason of each exercise, in the layout's order.
    language : {"en", "zh"}, default "en"
        The language of the reasons of the rows graded by hand.
    tried : list of int or None, optional
        The checks tried of each exercise, in the layout's order (:data:`TRIED`).

    Examples
    --------
    >>> from crmlab.grading.assignment import CheckCell, Layout
    >>> lay = Layout("a", [CheckCell("check_1", 1.0, "", "", [], [], "1.1", "Count"),
    ...                    CheckCell("check_2", 2.0, "", "", [], [], "1.2", "Sum")], [])
    >>> grade_rows("ana", lay, [("passed", ""), ("failed", "too low")]).iloc[:, [0, 2, 4, 6]]
      student question  points  status
    0     ana      1.1     1.0  passed
    1     ana      1.2     0.0  failed
    """
    from crmlab.grading.rubric import text

    def manual(after):
        return [[student, m.grade_id, m.number, m.title, float("nan"), m.points, "manual",
                 say("rubric", language, rubric=text(m.rubric, language) or "-"), None]
                for m in lay.manual if m.after == after]

    tried = [None] * len(lay.exercises) if tried is None else tried
    rows = manual("")
    for ex, (status, reason), n in zip(lay.exercises, verdicts, tried, strict=True):
        rows.append([student, ex.grade_id, ex.number, ex.title,
                     ex.points if status == "passed" else 0.0, ex.points, status, reason, n])
        rows += manual(ex.grade_id)
    known = {"", *(ex.grade_id for ex in lay.exercises)}
    rows += [r for m in lay.manual if m.after not in known for r in manual(m.after)]
    table = pd.DataFrame(rows, columns=[*COLUMNS, TRIED])
    table[TRIED] = pd.array(table[TRIED].tolist(), dtype="Int64")
    return table


def crashed_rows(student: str, lay: Layout, err: BaseException,
                 language: str = "en") -> pd.DataFrame:
    """Return a student's rows when the grader itself failed on the submission.

    Examples
    --------
    >>> from crmlab.grading.assignment import CheckCell, Layout
    >>> lay = Layout("a", [CheckCell("check_1", 1.0, "", "", [])], [])
    >>> crashed_rows("ana", lay, OSError("disk full"))["reason"].str[:40].tolist()
    ['The grader could not run this notebook; ']
    """
    return grade_rows(student, lay, [("crashed", say("grader", language))]
                      * len(lay.exercises), language)


def unlisted_rows(student: str, lay: Layout, language: str = "en") -> pd.DataFrame:
    """Return a student's rows when the student is not on the roster (nothing was run).

    Examples
    --------
    >>> from crmlab.grading.assignment import CheckCell, Layout
    >>> lay = Layout("a", [CheckCell("check_1", 1.0, "", "", [])], [])
    >>> unlisted_rows("zed", lay)[["student", "points", "status"]]
      student  points    status
    0     zed     0.0  unlisted
    """
    return grade_rows(student, lay, [("unlisted", say("unlisted", language, student=student))]
                      * len(lay.exercises), language)


def _label(row, language: str = "en") -> str:
    label = f"{row.question} {row.title}".strip() if row.question else str(row.exercise)
    return f"{label} ({say('reasoning', language)})" if row.status in MANUAL_STATUSES else label


def _points(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:g}"


def feedback_markdown(student: str, rows: pd.DataFrame, assignment: str,
                      language: str = "en") -> str:
    """Return one student's feedback as Markdown: the score and a table of the exercises.

    Each exercise is named by its number and title; each result says in words what to
    look at. A reasoning cell still to grade by hand says so (its rubric is not shown
    yet); once graded (:func:`merge_manual`) it shows the points, the instructor's comment
    and the rubric.

    Examples
    --------
    >>> rows = pd.DataFrame([["ana", "check_1", "1.1", "Count", 1.0, 1.0, "passed", ""],
    ...                      ["ana", "check_2", "1.2", "Sum", 0.0, 2.0, "failed", "a | b"]],
    ...                     columns=COLUMNS)
    >>> print(feedback_markdown("ana", rows, "03_rfm"))
    # 03_rfm: feedback for ana
    <BLANKLINE>
    Score: **1 / 3**
    <BLANKLINE>
    | exercise | points | result | what to look at |
    |---|---|---|---|
    | 1.1 Count | 1 / 1 | ✅ passed |  |
    | 1.2 Sum | 0 / 2 | ❌ not yet | a \\| b |
    <BLANKLINE>
    """
    total, most = rows["points"].sum(), rows["max_points"].sum()
    tried = rows[TRIED] if TRIED in rows.columns else pd.Series(pd.NA, index=rows.index)
    shown = bool(tried.notna().any())
    lines = [say("title", language, assignment=assignment, student=student), "",
             say("score", language, total=f"{total:g}", most=f"{most:g}"), "",
             say("header", language) + (f" {say('tried', language)} |" if shown else ""),
             "|---|---|---|---|" + ("---|" if shown else "")]
    for r, n in zip(rows.itertuples(), tried, strict=True):
        mark = {"passed": "✅ ", "manual": "", "graded": "✍ "}.get(r.status, "❌ ")
        reason = say("pending", language) if r.status == "manual" else r.reason
        reason = " ".join(str(reason).split()).replace("|", "\\|")
        extra = (f" {'' if pd.isna(n) else int(n)} |" if shown else "")
        lines.append(f"| {_label(r, language).replace('|', '/')} | {_points(r.points)} / "
                     f"{r.max_points:g} | {mark}{status_label(r.status, language)} | {reason} |"
                     + extra)
    return "\n".join(lines) + "\n"


def write_csv(table: pd.DataFrame, out: str | Path) -> Path:
    """Write a table as CSV in UTF-8 with a byte-order mark (folders made as needed).

    The byte-order mark makes Excel on Windows read the file as UTF-8; the file is
    written beside its target and moved into place, so a failed write leaves no half file.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_csv(pd.DataFrame({"学生": ["ana"]}), Path(tmp) / "g.csv")
    ...     path.read_bytes()[:3], path.read_text(encoding="utf-8-sig").splitlines()
    (b'\\xef\\xbb\\xbf', ['学生', 'ana'])
    """
    from crmlab.io import atomic_path

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as tmp:
        table.to_csv(tmp, index=False, encoding="utf-8-sig")
    return out


def write_table(table: pd.DataFrame, out: str | Path) -> Path:
    """Write the grade table (the long table) as CSV; return the path.

    Examples
    --------
    >>> import tempfile
    >>> rows = pd.DataFrame([["ana", "check_1", "1.1", "Count", 1.0, 1.0, "passed", ""]],
    ...                     columns=COLUMNS)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_table(rows, Path(tmp) / "term" / "grades.csv")
    ...     print(path.read_text(encoding="utf-8-sig").splitlines()[1])
    ana,check_1,1.1,Count,1.0,1.0,passed,
    """
    return write_csv(table, out)


def _column(row) -> str:
    name = str(row["question"]) if row["question"] else str(row["exercise"])
    return f"{name} reasoning" if row["status"] in MANUAL_STATUSES else name


def gradebook(table: pd.DataFrame, format: str = "wide", *,
              assignment: str = "grade") -> pd.DataFrame:
    """Return the gradebook table: one row per student, in a layout an LMS imports.

    Parameters
    ----------
    table : DataFrame
        The grade table (:data:`COLUMNS`).
    format : {"wide", "canvas", "moodle"}
        ``wide``: student, one column per exercise (by number), ``total``, ``max_points``;
        with cells graded by hand, a column per reasoning cell (``3.7 reasoning``, empty
        until the instructor's scores are merged) and ``to_grade_by_hand``, the points still
        to grade. ``total`` counts the points given so far, ``max_points`` all of them.
        ``canvas``: Canvas's gradebook import: ``Student``, ``ID``, ``SIS User ID``,
        ``SIS Login ID``, ``Section`` and one column named after the assignment, with a
        ``Points Possible`` row first; ``ID`` comes from the file names Canvas gives
        downloaded submissions (``name_USERID_SUBMISSIONID_file.ipynb``), otherwise
        ``SIS Login ID`` is the submission's name. ``moodle``: Moodle's CSV grade import:
        ``Username``, the assignment's total and a ``... feedback`` column (the
        exercises that did not pass, with their status).
    assignment : str
        The assignment's name (the grade column of the LMS formats).

    Returns
    -------
    DataFrame

    Raises
    ------
    CRMDataError
        For an unknown format.

    Examples
    --------
    >>> rows = pd.DataFrame([["ana", "check_1", "1.1", "Count", 1.0, 1.0, "passed", ""],
    ...                      ["ana", "check_2", "1.2", "Sum", 0.0, 2.0, "timeout", "slow"],
    ...                      ["bo_4711_99_03_rfm", "check_1", "1.1", "Count", 0.0, 1.0,
    ...                       "failed", "no"],
    ...                      ["bo_4711_99_03_rfm", "check_2", "1.2", "Sum", 2.0, 2.0,
    ...                       "passed", ""]], columns=COLUMNS)
    >>> gradebook(rows)
                 student  1.1  1.2  total  max_points
    0                ana  1.0  0.0    1.0         3.0
    1  bo_4711_99_03_rfm  0.0  2.0    2.0         3.0
    >>> gradebook(rows, "canvas", assignment="03_rfm")[["Student", "ID", "SIS Login ID",
    ...                                                  "03_rfm"]]
               Student    ID SIS Login ID  03_rfm
    0  Points Possible                        3.0
    1              ana               ana     1.0
    2               bo  4711                 2.0
    >>> print(gradebook(rows, "moodle", assignment="03_rfm").to_csv(index=False).strip())
    Username,03_rfm,03_rfm feedback
    ana,1.0,1.2: timeout
    bo_4711_99_03_rfm,2.0,1.1: failed
    """
    check_option(format, FORMATS, name="format", caller="gradebook")
    if table.empty:
        points = pd.DataFrame(columns=["student", "total", "max_points"])
    else:
        rows = table.assign(column=table.apply(_column, axis=1))
        order = list(dict.fromkeys(rows["column"]))
        points = rows.groupby(["student", "column"], sort=True)["points"].sum(
            min_count=1).unstack("column")[order]
        points.columns.name = None
        sums = rows.groupby("student")[["points", "max_points"]].sum()
        points["total"] = sums["points"]
        points["max_points"] = sums["max_points"]
        if (rows["status"] == "manual").any() or (rows["status"] == "graded").any():
            pending = rows[rows["status"] == "manual"].groupby("student")["max_points"].sum()
            points["to_grade_by_hand"] = pending.reindex(points.index).fillna(0.0)
        points = points.reset_index()
    if format == "wide":
        return points
    most = float(points["max_points"].max()) if len(points) else 0.0
    if format == "canvas":
        out = [["Points Possible", "", "", "", "", most]]
        for student, total in zip(points["student"], points["total"], strict=True):
            match = CANVAS_NAME.match(student)
            if match:
                out.append([match["name"], match["id"], "", "", "", total])
            else:
                out.append([student, "", "", student, "", total])
        return pd.DataFrame(out, columns=["Student", "ID", "SIS User ID", "SIS Login ID",
                                          "Section", assignment])
    notes = {}
    for student, rows_of in table.groupby("student", sort=True):
        notes[student] = "; ".join(f"{_column(r)}: {r['status']}"
                                   for _, r in rows_of.iterrows()
                                   if r["status"] not in ("passed", "graded"))
    return pd.DataFrame({"Username": points["student"], assignment: points["total"],
                         f"{assignment} feedback": [notes.get(s, "") for s in points["student"]]})


def write_feedback(table: pd.DataFrame, folder: str | Path, assignment: str,
                   language: str = "en") -> list[Path]:
    """Write ``STUDENT.md`` per student into ``folder``; return the paths, by student.

    Examples
    --------
    >>> import tempfile
    >>> rows = pd.DataFrame([["bo", "check_1", "1.1", "", 0.0, 1.0, "failed", "too low"],
    ...                      ["ana", "check_1", "1.1", "", 1.0, 1.0, "passed", ""]],
    ...                     columns=COLUMNS)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in write_feedback(rows, tmp, "03_rfm")]
    ['ana.md', 'bo.md']
    """
    check_option(language, LANGUAGES, name="language", caller="write_feedback")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for student, rows in table.groupby("student", sort=True):
        if not re.fullmatch(r"[^/\\\x00]+", str(student)) or str(student) in (".", ".."):
            raise CRMDataError(f"write_feedback: {student!r} cannot be a file name.")
        path = folder / f"{student}.md"
        path.write_text(feedback_markdown(student, rows, assignment, language),
                        encoding="utf-8")
        written.append(path)
    return written


def totals(table: pd.DataFrame) -> pd.DataFrame:
    """Return each student's points and maximum points (what ``crmlab grade`` prints).

    Examples
    --------
    >>> rows = pd.DataFrame([["ana", "check_1", "1.1", "", 1.0, 1.0, "passed", ""],
    ...                      ["ana", "check_2", "1.2", "", 0.0, 2.0, "failed", ""]],
    ...                     columns=COLUMNS)
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


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a grade table written by :func:`write_table` (text stays text, points numbers).

    Examples
    --------
    >>> import tempfile
    >>> rows = pd.DataFrame([["ana", "check_1", "3.10", "", 1.0, 1.0, "passed", ""],
    ...                      ["ana", "reasoning_1", "3.10", "", float("nan"), 2.0, "manual",
    ...                       "Rubric"]], columns=COLUMNS)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     back = read_table(write_table(rows, Path(tmp) / "grades.csv"))
    >>> back["question"].tolist(), back["points"].tolist()
    (['3.10', '3.10'], [1.0, nan])
    """
    text = {c: str for c in COLUMNS if c not in ("points", "max_points")}
    table = pd.read_csv(path, dtype={**text, TRIED: "Int64"}, keep_default_na=False,
                        na_values={"points": [""], TRIED: [""]}, encoding="utf-8-sig")
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise CRMDataError(f"read_table: {str(path)!r} is not a grade table of crmlab grade: "
                           f"no column {', '.join(missing)}.")
    if TRIED not in table.columns:  # a table of an older crmlab
        table[TRIED] = pd.array([None] * len(table), dtype="Int64")
    return table[[*COLUMNS, TRIED]]


def manual_template(table: pd.DataFrame) -> pd.DataFrame:
    """Return the form for the instructor's manual scores: a row per cell still to grade.

    Columns ``student``, ``cell`` (the reasoning cell's id), ``max_points``, ``points``
    (empty: the instructor fills it in), ``comment`` (optional, shown to the student)
    and ``rubric``. :func:`merge_manual` reads it back.

    Examples
    --------
    >>> rows = pd.DataFrame([["ana", "check_1", "1.1", "", 1.0, 1.0, "passed", ""],
    ...                      ["ana", "reasoning_1_1", "1.1", "", float("nan"), 2.0, "manual",
    ...                       "To grade by hand. Rubric: Full (2): ..."]], columns=COLUMNS)
    >>> manual_template(rows)[["student", "cell", "max_points", "points"]]
      student           cell  max_points points
    0     ana  reasoning_1_1         2.0
    """
    todo = table[table["status"] == "manual"]
    return pd.DataFrame({"student": todo["student"].to_numpy(),
                         "cell": todo["exercise"].to_numpy(),
                         "max_points": todo["max_points"].to_numpy(),
                         "points": "", "comment": "",
                         "rubric": todo["reason"].to_numpy()})


def merge_manual(table: pd.DataFrame, scores: pd.DataFrame, lay: Layout | None = None,
                 language: str = "en") -> pd.DataFrame:
    """Return the grade table with the instructor's manual scores filled in.

    Parameters
    ----------
    table : DataFrame
        The grade table (:data:`COLUMNS`), e.g. read back with :func:`read_table`.
    scores : DataFrame
        One row per student and cell graded: ``student``, ``cell`` (the reasoning cell's
        id, e.g. ``reasoning_3_7``), ``points`` and, optionally, ``comment`` (what the
        student reads). The form :func:`manual_template` writes; rows with ``points``
        left empty are skipped (still to grade).
    lay : Layout, optional
        The assignment's layout: its rubrics go into the graded rows' reason, so the
        student's feedback shows them.
    language : {"en", "zh"}, default "en"
        The language of the reasons.

    Returns
    -------
    DataFrame
        A new table; each scored row has status ``graded``, the points given and, as the
        reason, the comment and the rubric.

    Raises
    ------
    CRMDataError
        If a column is missing, a row names no cell to grade by hand of that student, a
        cell is scored twice, or points are not a number between 0 and the cell's points.

    Examples
    --------
    >>> rows = pd.DataFrame([["ana", "check_1", "1.1", "", 1.0, 1.0, "passed", ""],
    ...                      ["ana", "reasoning_1_1", "1.1", "", float("nan"), 2.0, "manual",
    ...                       "Rubric: ..."]], columns=COLUMNS)
    >>> scores = pd.DataFrame({"student": ["ana"], "cell": ["reasoning_1_1"],
    ...                        "points": [1.5], "comment": ["Two numbers, no comparison."]})
    >>> merged = merge_manual(rows, scores)
    >>> merged[["exercise", "points", "status"]]
            exercise  points  status
    0        check_1     1.0  passed
    1  reasoning_1_1     1.5  graded
    >>> totals(merged)
             points  max_points
    student
    ana         2.5         3.0
    >>> merge_manual(rows, scores.assign(points=[3]))
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: merge_manual: points must be a number from 0 to the cell's
    points: row 0 (3 of 2).
    """
    from crmlab.grading.rubric import text
    from crmlab.validation import show_rows

    check_option(language, LANGUAGES, name="language", caller="merge_manual")
    missing = [c for c in ("student", "cell", "points") if c not in scores.columns]
    if missing:
        raise CRMDataError(f"merge_manual: the scores have no column {', '.join(missing)}; "
                           f"they need student, cell, points (and may have comment).")
    scores = scores.reset_index(drop=True)
    given = scores["points"].astype(str).str.strip().replace({"nan": "", "None": ""}) != ""
    scores = scores[given]
    points = pd.to_numeric(scores["points"], errors="coerce")
    if points.isna().any():
        bad = scores.index[points.isna()]
        raise CRMDataError(f"merge_manual: points must be numbers: "
                           f"{show_rows(bad, scores.loc[bad, 'points'])}.")
    keys = list(zip(scores["student"].astype(str), scores["cell"].astype(str), strict=True))
    twice = scores.index[pd.Series(keys, index=scores.index).duplicated(keep=False)]
    if len(twice):
        raise CRMDataError(f"merge_manual: a cell is scored twice for the same student: "
                           f"{show_rows(twice, [keys[scores.index.get_loc(i)] for i in twice])}"
                           f"; keep one row each.")
    out = table.copy()
    where = {(str(s), str(c)): i for i, s, c, st in zip(out.index, out["student"],
                                                         out["exercise"], out["status"],
                                                         strict=True)
             if st in MANUAL_STATUSES}
    unknown = [i for i, k in zip(scores.index, keys, strict=True) if k not in where]
    if unknown:
        raise CRMDataError(f"merge_manual: no cell to grade by hand for "
                           f"{show_rows(unknown, [keys[scores.index.get_loc(i)] for i in unknown])}"
                           f"; use the student and cell names of the grade table.")
    most = [float(out.at[where[k], "max_points"]) for k in keys]
    over = [i for i, p, m in zip(scores.index, points, most, strict=True) if not 0 <= p <= m]
    if over:
        shown = [f"{points[i]:g} of {most[scores.index.get_loc(i)]:g}" for i in over]
        raise CRMDataError(f"merge_manual: points must be a number from 0 to the cell's "
                           f"points: {show_rows(over)} ({', '.join(shown)}).")
    rubrics = {m.grade_id: text(m.rubric, language) for m in (lay.manual if lay else [])}
    comments = scores["comment"] if "comment" in scores.columns else pd.Series("", scores.index)
    for key, p, comment in zip(keys, points, comments.fillna("").astype(str), strict=True):
        i = where[key]
        comment = comment.strip()
        rubric = rubrics.get(key[1], "")
        out.at[i, "points"] = float(p)
        out.at[i, "status"] = "graded"
        out.at[i, "reason"] = (say("graded_rubric", language,
                                   comment=f"{comment} " if comment else "", rubric=rubric)
                               if rubric else comment)
    return out
