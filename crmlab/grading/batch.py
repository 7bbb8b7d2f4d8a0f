"""Grading a submission and a class: the steps put together.

:func:`grade_notebook` runs one submission in its sandbox (:mod:`~crmlab.grading.execute`),
reads its code for reaches into the answer key (:mod:`~crmlab.grading.scan`), judges each
exercise (:mod:`~crmlab.grading.judge`) and returns its rows of the grade table
(:mod:`~crmlab.grading.feedback`). :func:`grade` reads the layout once
(:mod:`~crmlab.grading.assignment`), finds the sandbox (:mod:`~crmlab.grading.sandbox`) or
refuses without one, loads the answer key into its own memory before any submission runs,
grades every submission of a folder, a few at a time, and writes the grade table, the
gradebook table and the feedback files. Whatever one notebook does, the batch goes on.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.grading.assignment import Layout, layout
from crmlab.grading.feedback import (
    COLUMNS,
    FORMATS,
    crashed_rows,
    grade_rows,
    gradebook,
    manual_template,
    write_csv,
    write_feedback,
    write_table,
)
from crmlab.grading.sandbox import NO_SANDBOX_RISKS, Sandbox, find
from crmlab.grading.words import LANGUAGES
from crmlab.validation import check_number, check_option

__all__ = ["find_submissions", "grade", "grade_notebook", "load_answer_key"]


def _check_limits(caller: str, timeout, memory_mb, total_timeout=None) -> None:
    check_number(timeout, name="timeout", caller=caller, low=1, integer=True)
    check_number(memory_mb, name="memory_mb", caller=caller, low=1, integer=True,
                 allow_none=True)
    check_number(total_timeout, name="total_timeout", caller=caller, low=1, integer=True,
                 allow_none=True)


def grade_notebook(path: str | Path, lay: Layout, *, student: str | None = None,
                   timeout: int = 60, memory_mb: int | None = 3072,
                   total_timeout: int | None = None, sandbox: Sandbox | None = None,
                   language: str = "en") -> pd.DataFrame:
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
        Address-space limit of the kernel.
    total_timeout : int, optional
        Seconds for the whole notebook (default ``10 * timeout``).
    sandbox : Sandbox, optional
        Where the notebook runs (:func:`crmlab.grading.sandbox.find`); None runs it as a
        plain process with the limits only (:data:`~crmlab.grading.sandbox.NO_SANDBOX_RISKS`).
    language : {"en", "zh"}, default "en"
        The language of the reasons.

    Returns
    -------
    DataFrame
        The columns of :data:`~crmlab.grading.feedback.COLUMNS`. The status is ``passed``;
        ``failed`` (a public or hidden check failed); ``error`` (the answer cell raised);
        ``missing`` (the answer cell or the variable is gone); ``timeout`` (the answer
        cell, or the notebook, ran over its time); ``crashed`` (the kernel died before the
        answer was exported); ``invalid`` (the file is not a notebook) or ``forbidden``
        (the code reaches for the answer key or changes the checks).

    Raises
    ------
    CRMDataError
        If ``timeout``, ``memory_mb`` or ``total_timeout`` is not a positive whole number.

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
    import nbformat

    from crmlab.grading.execute import execute
    from crmlab.grading.judge import verdict
    from crmlab.grading.scan import forbidden

    _check_limits("grade_notebook", timeout, memory_mb, total_timeout)
    check_option(language, LANGUAGES, name="language", caller="grade_notebook")
    path = Path(path)
    total = int(total_timeout or 10 * timeout)
    run = execute(path, lay, timeout=timeout, memory_mb=memory_mb, total=total,
                  sandbox=sandbox)
    reached: dict = {}
    if run.problem != "invalid":
        try:
            reached = forbidden(nbformat.read(path, as_version=4), lay,
                                key_cells=run.key_cells)
        except Exception:  # the file changed or cannot be read again: judge what ran
            reached = {}
    verdicts = [verdict(ex, run, timeout=timeout, memory_mb=memory_mb, total=total,
                        language=language, forbidden=reached) for ex in lay.exercises]
    return grade_rows(student or path.stem, lay, verdicts, language)


def find_submissions(folder: str | Path, assignment: str) -> list[tuple[str, Path]]:
    """Return (student, notebook) for each submission in a folder, by name.

    A submission is ``STUDENT.ipynb``, ``STUDENT/ASSIGNMENT.ipynb`` or, as in nbgrader's
    ``submitted/`` folder, ``STUDENT/ASSIGNMENT/ASSIGNMENT.ipynb``; links are not
    followed (a submission cannot point the grader at another file).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     (Path(tmp) / "bo").mkdir()
    ...     _ = (Path(tmp) / "bo" / "03_rfm.ipynb").write_text("{}")
    ...     (Path(tmp) / "cy" / "03_rfm").mkdir(parents=True)
    ...     _ = (Path(tmp) / "cy" / "03_rfm" / "03_rfm.ipynb").write_text("{}")
    ...     _ = (Path(tmp) / "ana.ipynb").write_text("{}")
    ...     _ = (Path(tmp) / "notes.txt").write_text("")
    ...     [(s, p.relative_to(tmp).as_posix()) for s, p in find_submissions(tmp, "03_rfm")]
    [('ana', 'ana.ipynb'), ('bo', 'bo/03_rfm.ipynb'), ('cy', 'cy/03_rfm/03_rfm.ipynb')]
    """
    found = []
    for path in sorted(Path(folder).iterdir()):
        if path.is_symlink():
            continue
        if path.is_file() and path.suffix == ".ipynb":
            found.append((path.stem, path))
        elif path.is_dir():
            name = f"{assignment}.ipynb"
            for candidate in (path / name, path / assignment / name):
                if candidate.is_file() and not any(
                        p.is_symlink() for p in (candidate, candidate.parent)):
                    found.append((path.name, candidate))
                    break
    return found


def load_answer_key(lay: Layout) -> list[str]:
    """Load the checkers an assignment's check cells call, with their expected answers.

    Done before any submission runs, so the grader judges with what it has in memory.

    Examples
    --------
    >>> load_answer_key(layout(Path(__file__).parents[2] / "solutions" / "03_rfm.ipynb"))[:2]
    ['3.1', '3.2']
    """
    from crmlab.exercises import load_answer_key as load

    qids = []
    for ex in lay.exercises:
        qids += [q for q in re.findall(r"check\(\s*[\"'](\d+\.\w+)[\"']", ex.public)
                 if q not in qids]
    return load(qids)


def _sandbox(sandbox, hide: list[Path]) -> Sandbox | None:
    if isinstance(sandbox, Sandbox):
        return sandbox
    if not sandbox:
        return None
    box, why = find(hide)
    if box is None:
        raise CRMDataError(
            f"grade: no sandbox for the students' code on this machine: {why}. "
            f"To grade anyway, pass sandbox=False (crmlab grade --no-sandbox), but only "
            f"for notebooks you trust. {NO_SANDBOX_RISKS}")
    return box


def grade(submissions: str | Path, *, assignment: str, solutions: str | Path = "solutions",
          out: str | Path | None = None, gradebook_out: str | Path | None = None,
          format: str = "wide", feedback: str | Path | None = None,
          manual_out: str | Path | None = None, timeout: int = 60,
          memory_mb: int | None = 3072, total_timeout: int | None = None, workers: int = 2,
          progress: bool = True, sandbox: bool | Sandbox = True,
          language: str = "en") -> pd.DataFrame:
    """Grade a folder of submitted notebooks; write the grade tables and feedback files.

    Parameters
    ----------
    submissions : str or Path
        A folder of ``STUDENT.ipynb`` files, or of ``STUDENT/ASSIGNMENT.ipynb``.
    assignment : str
        The solution notebook's name without ``.ipynb``, e.g. ``"03_rfm"``.
    solutions : str or Path, default "solutions"
        The folder with the instructor's solution notebooks.
    out : str or Path, optional
        Where to write the grade table (CSV, one row per student and exercise).
    gradebook_out : str or Path, optional
        Where to write the gradebook table (CSV, one row per student), in ``format``.
    format : {"wide", "canvas", "moodle"}, default "wide"
        The layout of the gradebook table (:func:`crmlab.grading.feedback.gradebook`).
    feedback : str or Path, optional
        A folder for one Markdown feedback file per student.
    manual_out : str or Path, optional
        Where to write the form for the cells graded by hand (CSV: student, cell,
        max_points, points left empty, comment, rubric;
        :func:`~crmlab.grading.feedback.manual_template`), when the assignment has any.
        Fill in ``points`` and merge it back with
        :func:`~crmlab.grading.feedback.merge_manual` (``crmlab grade-merge``).
    timeout : int, default 60
        Seconds per cell before the kernel is interrupted; a kernel that does not stop
        within a few seconds more is killed with its sandbox.
    memory_mb : int or None, default 3072
        Address-space limit of each kernel.
    total_timeout : int, optional
        Seconds for each whole notebook (default ``10 * timeout``).
    workers : int, default 2
        Submissions executed at the same time.
    progress : bool, default True
        Show a progress bar.
    sandbox : bool or Sandbox, default True
        Run each submission in a bubblewrap sandbox (:mod:`crmlab.grading.sandbox`);
        without one, refuse. ``False`` runs them as plain processes
        (:data:`~crmlab.grading.sandbox.NO_SANDBOX_RISKS`).
    language : {"en", "zh"}, default "en"
        The language of the reasons and the feedback.

    Returns
    -------
    DataFrame
        One row per student and exercise (:data:`~crmlab.grading.feedback.COLUMNS`), and
        one per student and reasoning cell to grade by hand (status ``manual``, points
        empty, the rubric as the reason).

    Raises
    ------
    CRMDataError
        If the folders or the solution notebook do not exist, an option is out of range,
        or there is no sandbox and ``sandbox`` is not False.

    Examples
    --------
    >>> grade("no/such/folder", assignment="03_rfm")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: grade: no folder 'no/such/folder' of submissions.
    """
    _check_limits("grade", timeout, memory_mb, total_timeout)
    check_number(workers, name="workers", caller="grade", low=1, integer=True)
    check_option(format, FORMATS, name="format", caller="grade")
    check_option(language, LANGUAGES, name="language", caller="grade")
    folder = Path(submissions)
    if not folder.is_dir():
        raise CRMDataError(f"grade: no folder {str(folder)!r} of submissions.")
    solution = Path(solutions) / f"{assignment}.ipynb"
    if not solution.exists():
        known = ", ".join(p.stem for p in sorted(Path(solutions).glob("*.ipynb"))) or "none"
        raise CRMDataError(f"grade: no solution notebook {str(solution)!r}. Assignments: {known}.")
    lay = layout(solution)
    hide = [folder, Path(solutions)] + [Path(p) for p in (feedback,) if p is not None] + [
        Path(p).parent for p in (out, gradebook_out, manual_out) if p is not None]
    box = _sandbox(sandbox, hide)
    if box is not None:
        box.prepare()  # once, before the worker threads share it
    load_answer_key(lay)  # in the grader's memory before any student code runs
    items = find_submissions(folder, assignment)
    from tqdm.auto import tqdm

    from crmlab.exercises import get_language, set_language

    before = get_language()
    bar = tqdm(total=len(items), desc=f"grading {assignment}", unit="notebook",
               disable=not progress)

    def one(item):
        student, path = item
        try:
            result = grade_notebook(path, lay, student=student, timeout=timeout,
                                    memory_mb=memory_mb, total_timeout=total_timeout,
                                    sandbox=box, language=language)
        except Exception as err:  # the batch goes on whatever one notebook does
            result = crashed_rows(student, lay, err, language)
        bar.update(1)
        return result

    try:
        set_language(language)
        with ThreadPoolExecutor(max_workers=int(workers)) as pool:
            results = list(pool.map(one, items))
    finally:
        set_language(before)
        bar.close()
        if box is not None and box is not sandbox:
            box.close()
    table = pd.concat(results, ignore_index=True) if results else pd.DataFrame(columns=COLUMNS)
    if out is not None:
        write_table(table, out)
    if gradebook_out is not None:
        write_csv(gradebook(table, format, assignment=assignment), gradebook_out)
    if feedback is not None:
        write_feedback(table, feedback, assignment, language)
    if manual_out is not None and lay.manual:
        write_csv(manual_template(table), manual_out)
    return table
