"""Grading a submission and a class: the steps put together.

:func:`grade_notebook` runs one submission (:mod:`~crmlab.grading.execute`), judges each
exercise (:mod:`~crmlab.grading.judge`) and returns its rows of the grade table
(:mod:`~crmlab.grading.feedback`). :func:`grade` reads the layout once
(:mod:`~crmlab.grading.assignment`), grades every submission of a folder, a few at a
time, and writes the table and the feedback files. Whatever one notebook does, the
batch goes on.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.grading.assignment import Layout, layout
from crmlab.grading.feedback import (
    COLUMNS,
    crashed_rows,
    grade_rows,
    write_feedback,
    write_table,
)
from crmlab.validation import check_number

__all__ = ["find_submissions", "grade", "grade_notebook"]


def _check_limits(caller: str, timeout, memory_mb) -> None:
    check_number(timeout, name="timeout", caller=caller, low=1, integer=True)
    check_number(memory_mb, name="memory_mb", caller=caller, low=1, integer=True,
                 allow_none=True)


def grade_notebook(path: str | Path, lay: Layout, *, student: str | None = None,
                   timeout: int = 60, memory_mb: int | None = 3072) -> pd.DataFrame:
    """Grade one submitted notebook; return one row per exercise.

    Parameters
    ----------
    path : str or Path
        The submitted notebook.
    lay : Layout
        The assignment's exercises (:func:`crmlab.grading.layout`).
    student : str, optional
        The name in the rows (default: the file name without ``.ipynb``).
    timeout : int, default 60
        Seconds per cell before the kernel is interrupted.
    memory_mb : int or None, default 3072
        Address-space limit of the kernel, where the OS allows.

    Returns
    -------
    DataFrame
        Columns student, exercise, points, max_points, status and reason. The status is
        ``passed``; ``failed`` (a public or hidden check failed); ``error`` (the answer
        cell raised); ``missing`` (the answer cell or the variable is gone); ``timeout``
        (the answer cell ran over the limit); ``crashed`` (the kernel died before the
        answer was exported) or ``invalid`` (the file is not a notebook).

    Raises
    ------
    CRMDataError
        If ``timeout`` or ``memory_mb`` is not a positive whole number.

    Examples
    --------
    >>> import tempfile
    >>> from crmlab.grading.assignment import CheckCell
    >>> lay = Layout("03_rfm", [CheckCell("check_3_1", 1.0, "", "", ["n"])], [])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     bad = Path(tmp) / "ana.ipynb"
    ...     _ = bad.write_text("{ not a notebook")
    ...     grade_notebook(bad, lay)[["student", "points", "status"]]
      student  points   status
    0     ana     0.0  invalid
    """
    from crmlab.grading.execute import execute
    from crmlab.grading.judge import verdict

    _check_limits("grade_notebook", timeout, memory_mb)
    path = Path(path)
    run = execute(path, lay, timeout=timeout, memory_mb=memory_mb)
    verdicts = [verdict(ex, run, timeout=timeout) for ex in lay.exercises]
    return grade_rows(student or path.stem, lay, verdicts)


def find_submissions(folder: str | Path, assignment: str) -> list[tuple[str, Path]]:
    """Return (student, notebook) for each submission in a folder, by name.

    A submission is ``STUDENT.ipynb`` or ``STUDENT/ASSIGNMENT.ipynb``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     (Path(tmp) / "bo").mkdir()
    ...     _ = (Path(tmp) / "bo" / "03_rfm.ipynb").write_text("{}")
    ...     _ = (Path(tmp) / "ana.ipynb").write_text("{}")
    ...     _ = (Path(tmp) / "notes.txt").write_text("")
    ...     [(s, p.name) for s, p in find_submissions(tmp, "03_rfm")]
    [('ana', 'ana.ipynb'), ('bo', '03_rfm.ipynb')]
    """
    found = []
    for path in sorted(Path(folder).iterdir()):
        if path.is_file() and path.suffix == ".ipynb":
            found.append((path.stem, path))
        elif path.is_dir():
            candidate = path / f"{assignment}.ipynb"
            if candidate.exists():
                found.append((path.name, candidate))
    return found


def grade(submissions: str | Path, *, assignment: str, solutions: str | Path = "solutions",
          out: str | Path | None = None, feedback: str | Path | None = None,
          timeout: int = 60, memory_mb: int | None = 3072, workers: int = 2,
          progress: bool = True) -> pd.DataFrame:
    """Grade a folder of submitted notebooks; write a grade table and feedback files.

    Parameters
    ----------
    submissions : str or Path
        A folder of ``STUDENT.ipynb`` files, or of ``STUDENT/ASSIGNMENT.ipynb``.
    assignment : str
        The solution notebook's name without ``.ipynb``, e.g. ``"03_rfm"``.
    solutions : str or Path, default "solutions"
        The folder with the instructor's solution notebooks.
    out : str or Path, optional
        Where to write the grade table (CSV).
    feedback : str or Path, optional
        A folder for one Markdown feedback file per student.
    timeout : int, default 60
        Seconds per cell before the kernel is interrupted.
    memory_mb : int or None, default 3072
        Address-space limit of each kernel, where the OS allows.
    workers : int, default 2
        Submissions executed at the same time.
    progress : bool, default True
        Show a progress bar.

    Returns
    -------
    DataFrame
        One row per student and exercise: student, exercise, points, max_points, status,
        reason.

    Raises
    ------
    CRMDataError
        If the folders or the solution notebook do not exist, or ``timeout``,
        ``memory_mb`` or ``workers`` is not a positive whole number.

    Examples
    --------
    >>> grade("no/such/folder", assignment="03_rfm")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: grade: no folder 'no/such/folder' of submissions.
    """
    _check_limits("grade", timeout, memory_mb)
    check_number(workers, name="workers", caller="grade", low=1, integer=True)
    folder = Path(submissions)
    if not folder.is_dir():
        raise CRMDataError(f"grade: no folder {str(folder)!r} of submissions.")
    solution = Path(solutions) / f"{assignment}.ipynb"
    if not solution.exists():
        known = ", ".join(p.stem for p in sorted(Path(solutions).glob("*.ipynb"))) or "none"
        raise CRMDataError(f"grade: no solution notebook {str(solution)!r}. Assignments: {known}.")
    lay = layout(solution)
    items = find_submissions(folder, assignment)
    from tqdm.auto import tqdm

    bar = tqdm(total=len(items), desc=f"grading {assignment}", unit="notebook",
               disable=not progress)

    def one(item):
        student, path = item
        try:
            result = grade_notebook(path, lay, student=student, timeout=timeout,
                                    memory_mb=memory_mb)
        except Exception as err:  # the batch goes on whatever one notebook does
            result = crashed_rows(student, lay, err)
        bar.update(1)
        return result

    with ThreadPoolExecutor(max_workers=int(workers)) as pool:
        results = list(pool.map(one, items))
    bar.close()
    table = pd.concat(results, ignore_index=True) if results else pd.DataFrame(columns=COLUMNS)
    if out is not None:
        write_table(table, out)
    if feedback is not None:
        write_feedback(table, feedback, assignment)
    return table
