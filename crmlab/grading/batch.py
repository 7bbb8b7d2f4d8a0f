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

import dataclasses
import json
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.grading.assignment import Layout, layout
from crmlab.grading.feedback import (
    COLUMNS,
    FORMATS,
    TRIED,
    crashed_rows,
    grade_rows,
    gradebook,
    manual_template,
    unlisted_rows,
    write_csv,
    write_feedback,
    write_table,
)
from crmlab.grading.roster import DEFAULT_COURSE, Roster, read_roster
from crmlab.grading.sandbox import NO_SANDBOX_RISKS, Sandbox, find
from crmlab.grading.words import LANGUAGES, say
from crmlab.validation import check_number, check_option

__all__ = ["ATTEMPT_LOG", "MAX_LOG", "checks_tried", "declared_variant", "find_submissions",
           "grade", "grade_notebook", "load_answer_key", "on_data"]

#: The most bytes of a student's attempt log the grader reads (a larger file is not read).
MAX_LOG = 1024 ** 2
#: The attempt log's file name, as the student's kernel writes it
#: (``crmlab.exercises._attempts.FILE``; a test keeps the two equal).
ATTEMPT_LOG = ".crmlab_attempts.json"

#: One judge at a time may set the data variant (the variant is the process's state).
_JUDGING = threading.RLock()


@contextmanager
def on_data(variant: str | None) -> Iterator[None]:
    """Judge on one data variant (None: the bundled data); one thread at a time.

    The expected answers of the checks follow :func:`crmlab.datasets.current_variant`;
    while the grader's worker threads judge submissions of different students, each
    judges under this lock with its student's variant, and the variant in force before
    comes back afterwards.

    Examples
    --------
    >>> from crmlab.datasets import current_variant
    >>> with on_data("rj2evtx3"):
    ...     current_variant()
    'rj2evtx3'
    >>> current_variant() is None
    True
    """
    from crmlab.datasets import current_variant, set_variant

    with _JUDGING:
        before = current_variant()
        set_variant(variant)
        try:
            yield
        finally:
            set_variant(before)


def _qids(public: str) -> list[str]:
    found: list[str] = []
    for q in re.findall(r"check\(\s*[\"'](\d+\.\w+)[\"']", public):
        if q not in found:
            found.append(q)
    return found


def checks_tried(path: str | Path, lay: Layout) -> list[int | None]:
    """How many times each exercise's check was run, from the notebook's attempt log.

    The log (``.crmlab_attempts.json``, :mod:`crmlab.exercises._attempts`) is the one in
    the student's own folder beside the notebook (``STUDENT/ASSIGNMENT.ipynb`` or
    nbgrader's ``STUDENT/ASSIGNMENT/ASSIGNMENT.ipynb``); a notebook in a folder shared by
    the class (``STUDENT.ipynb``) has none. The file is written by the student's kernel,
    so it is read defensively: not followed through a link, at most :data:`MAX_LOG`
    bytes, entries of another shape ignored, and anything unreadable gives None (no
    count) rather than an error. A count is information for the instructor, never points.

    Examples
    --------
    >>> import tempfile
    >>> from crmlab.grading.assignment import CheckCell
    >>> lay = Layout("03_rfm", [CheckCell("check_3_1", 1.0, "check('3.1', n)", "", ["n"]),
    ...                         CheckCell("check_3_2", 1.0, "check('3.2', m)", "", ["m"])], [])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     notebook = Path(tmp) / "03_rfm.ipynb"
    ...     log = Path(tmp) / ".crmlab_attempts.json"
    ...     _ = log.write_text('[{"exercise": "3.1", "passed": false}, '
    ...                        '{"exercise": "3.1", "passed": true}, "junk"]')
    ...     checks_tried(notebook, lay)
    [2, 0]
    >>> checks_tried("no/such/03_rfm.ipynb", lay)
    [None, None]
    """
    from crmlab.exercises import read_attempts

    path = Path(path)
    none = [None] * len(lay.exercises)
    if path.stem != lay.assignment:  # STUDENT.ipynb in a folder of the class: no own log
        return none
    log = path.parent / ATTEMPT_LOG
    try:
        if log.is_symlink() or not log.is_file() or log.stat().st_size > MAX_LOG:
            return none
        entries = read_attempts(log)
    except Exception:  # noqa: BLE001 - a student's file never stops the grading
        return none
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry["exercise"]] = counts.get(entry["exercise"], 0) + 1
    return [sum(counts.get(q, 0) for q in _qids(ex.public)) for ex in lay.exercises]


def declared_variant(path: str | Path) -> str | None:
    """The variant a submitted notebook's own ``set_variant`` line loads (None if none).

    Read only to explain a mismatch to the student: what is judged is the roster's
    variant, never this one.

    Examples
    --------
    >>> import nbformat, tempfile
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    ...     'import crmlab\\ncrmlab.datasets.set_variant("rj2evtx3")  # your own data')])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     nbformat.write(nb, Path(tmp) / "a.ipynb")
    ...     declared_variant(Path(tmp) / "a.ipynb")
    'rj2evtx3'
    """
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        cells = json.loads(text).get("cells", [])
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            found = re.search(r"set_variant\(\s*(?:variant\s*=\s*)?[\"']([^\"']*)[\"']",
                              source)
            if found:
                return found[1].strip()
    except Exception:  # noqa: BLE001 - only for the message; a bad file is judged elsewhere
        return None
    return None


def _check_limits(caller: str, timeout, memory_mb, total_timeout=None) -> None:
    check_number(timeout, name="timeout", caller=caller, low=1, integer=True)
    check_number(memory_mb, name="memory_mb", caller=caller, low=1, integer=True,
                 allow_none=True)
    check_number(total_timeout, name="total_timeout", caller=caller, low=1, integer=True,
                 allow_none=True)


def grade_notebook(path: str | Path, lay: Layout, *, student: str | None = None,
                   timeout: int = 60, memory_mb: int | None = 3072,
                   total_timeout: int | None = None, sandbox: Sandbox | None = None,
                   language: str = "en", variant: str | None = None,
                   hidden_tests: bool = True) -> pd.DataFrame:
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
    variant : str, optional
        The student's data variant, from the roster (:mod:`crmlab.grading.roster`): the
        expected answers are those of this variant, whatever the notebook loads; a wrong
        value's reason says it does not fit the student's data. None: the bundled data.
    hidden_tests : bool, default True
        Run the hidden tests of the solution's check cells. Those of ``solutions/`` may
        state facts of the bundled data (a count, a first row), which another variant
        does not share: :func:`grade` turns them off with a roster unless asked.

    Returns
    -------
    DataFrame
        The columns of :data:`~crmlab.grading.feedback.COLUMNS` and
        :data:`~crmlab.grading.feedback.TRIED`. The status is ``passed``;
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
    judged = lay.exercises if hidden_tests else [dataclasses.replace(ex, hidden="")
                                                 for ex in lay.exercises]
    with on_data(variant):
        verdicts = [verdict(ex, run, timeout=timeout, memory_mb=memory_mb, total=total,
                            language=language, forbidden=reached) for ex in judged]
    if variant is not None:
        verdicts = _own_data(verdicts, variant, declared_variant(path), language)
    return grade_rows(student or path.stem, lay, verdicts, language,
                      tried=checks_tried(path, lay))


def _own_data(verdicts: list[tuple[str, str]], variant: str, declared: str | None,
              language: str) -> list[tuple[str, str]]:
    """Say that a failed answer does not fit the student's own data (never who copied)."""
    note = say("own_data" if declared == variant else "other_variant", language)
    return [(status, f"{reason} {note}".strip() if status == "failed" else reason)
            for status, reason in verdicts]


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

    qids: list[str] = []
    for ex in lay.exercises:
        qids += [q for q in _qids(ex.public) if q not in qids]
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
          language: str = "en", roster: str | Path | Roster | None = None,
          course: str = DEFAULT_COURSE, hidden_tests: bool | None = None) -> pd.DataFrame:
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
    roster : str, Path or Roster, optional
        The class list the students' notebooks were built from (``crmlab exercises
        build --roster``; :func:`~crmlab.grading.roster.read_roster`). Each submission
        is judged against the expected answers of its student's own variant, taken from
        the roster by the student's name (the file or folder name), never from the
        notebook; a student not on the roster gets rows with status ``unlisted`` and
        nothing of theirs is run. Each variant's answers are computed in the grader's
        process before any submission runs.
    course : str, default "crmlab"
        The course salt the notebooks were built with (``--course``).
    hidden_tests : bool, optional
        Run the hidden tests of the solution's check cells; default: yes without a
        roster, no with one (the hidden tests of ``solutions/`` may state facts of the
        bundled data; with a roster the public check already compares with the exact
        answer of the student's own data).

    Returns
    -------
    DataFrame
        One row per student and exercise (:data:`~crmlab.grading.feedback.COLUMNS`, then
        the checks tried from the attempt log, :data:`~crmlab.grading.feedback.TRIED`), and
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
    class_list = roster if isinstance(roster, Roster) or roster is None else \
        read_roster(roster, course=course)
    run_hidden = class_list is None if hidden_tests is None else bool(hidden_tests)
    items = find_submissions(folder, assignment)
    variants = {student: class_list.variant(student) if class_list else None
                for student, _ in items}
    # every answer key in the grader's memory before any student code runs
    for variant in dict.fromkeys([None] if class_list is None else
                                 [v for v in variants.values() if v is not None]):
        with on_data(variant):
            load_answer_key(lay)
    from tqdm.auto import tqdm

    from crmlab.exercises import get_language, set_language

    before = get_language()
    bar = tqdm(total=len(items), desc=f"grading {assignment}", unit="notebook",
               disable=not progress)

    def one(item):
        student, path = item
        try:
            if class_list is not None and variants[student] is None:
                result = unlisted_rows(student, lay, language)
            else:
                result = grade_notebook(path, lay, student=student, timeout=timeout,
                                        memory_mb=memory_mb, total_timeout=total_timeout,
                                        sandbox=box, language=language,
                                        variant=variants[student], hidden_tests=run_hidden)
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
    table = pd.concat(results, ignore_index=True) if results else \
        pd.DataFrame(columns=[*COLUMNS, TRIED])
    if out is not None:
        write_table(table, out)
    if gradebook_out is not None:
        write_csv(gradebook(table, format, assignment=assignment), gradebook_out)
    if feedback is not None:
        write_feedback(table, feedback, assignment, language)
    if manual_out is not None and lay.manual:
        write_csv(manual_template(table), manual_out)
    return table
