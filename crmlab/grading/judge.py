"""Step 3 of grading: judge the exported answers, in the grader's own process.

The public check and the hidden tests of the solution's check cell run here, on the
plain values the sandboxed kernel exported (:mod:`crmlab.grading.execute`), with a
``check`` that prints nothing and the checkers the grader imported before any submission
ran. The hidden tests see each answer as the public check accepted it (a number taken
out of a one-value array: :func:`crmlab.exercises.answers.conform`), so an answer the
notebook accepts is judged the same here. A submission that redefines ``check``,
monkeypatches crmlab, edits its check cells or writes files changes nothing that runs
here. :func:`verdict` turns a run and that judgement into the status and reason of a
row, in the language of the run (:mod:`crmlab.grading.words`).
"""

from __future__ import annotations

from crmlab.grading.assignment import CheckCell
from crmlab.grading.execute import Run
from crmlab.grading.words import say

__all__ = ["STATUSES", "judge", "verdict"]

#: Every status a grade row can have, from best to worst.
STATUSES = ("passed", "failed", "error", "missing", "timeout", "crashed", "invalid",
            "forbidden", "unlisted")


def _namespace(values: dict, results: list) -> dict:
    """The names a check cell sees: crmlab (with a quiet check), check, pd, np, the values."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    import pandas as pd

    import crmlab
    from crmlab.exercises import check

    def quiet_check(question_id, answer):
        result = check(question_id, answer, quiet=True, log=False)
        results.append(result)
        return result

    class _Crmlab:  # crmlab as the check cells see it, with a check that prints nothing
        check = staticmethod(quiet_check)

        def __getattr__(self, name):
            return getattr(crmlab, name)

    return {"crmlab": _Crmlab(), "check": quiet_check, "pd": pd, "np": np, **values}


def _exercise(ex: CheckCell, language: str) -> str:
    return say("exercise", language, number=ex.number) if ex.number else ex.grade_id


def _kinds(values: dict) -> str:
    from crmlab.exercises.answers import Opaque

    odd = [f"{name} = {value.describe()}" for name, value in values.items()
           if isinstance(value, Opaque)]
    return "; ".join(odd) or ", ".join(f"{n}: {type(v).__name__}" for n, v in values.items())


def judge(ex: CheckCell, values: dict, *, language: str = "en") -> tuple[str, str]:
    """Run an exercise's public check and hidden tests on exported values.

    Parameters
    ----------
    ex : CheckCell
        The check cell, from :func:`crmlab.grading.layout`.
    values : dict
        Variable name -> plain value, as exported from the student's kernel.
    language : {"en", "zh"}
        The language of the reason.

    Returns
    -------
    (str, str)
        ``("passed", "")`` (for a discussion exercise the reason is the student's stated
        decision, which is not judged: the instructor reads it with the reasoning),
        ``("missing", reason)`` when a variable the check reads was
        not exported, or ``("failed", reason)`` with the check's feedback on one line.

    Examples
    --------
    >>> ex = CheckCell("check_0_1", 1.0, "assert total == 4, 'count again'", "assert total > 0",
    ...               ["total"])
    >>> judge(ex, {"total": 4})
    ('passed', '')
    >>> judge(ex, {"total": 5})
    ('failed', "A further check of your instructor's did not pass: count again")
    >>> judge(ex, {})
    ('missing', 'After running your notebook there is no variable total: store your answer in
    the variable the exercise names.')
    """
    from crmlab.exercises import CheckFailed, set_language

    set_language(language)
    missing = [n for n in ex.names if n not in values]
    if missing:
        return "missing", say("missing_name", language, names=", ".join(missing))
    results: list = []
    space = _namespace(values, results)
    try:
        exec(compile(ex.public, f"<check {ex.grade_id}>", "exec"), space)  # noqa: S102
        for result in results:  # the hidden tests see the answers as the check took them
            if isinstance(result.answer, dict):
                space.update({k: v for k, v in result.answer.items() if k in ex.names})
            elif len(ex.names) == 1 and result.answer is not None:
                space[ex.names[0]] = result.answer
        exec(compile(ex.hidden, f"<hidden {ex.grade_id}>", "exec"), space)  # noqa: S102
    except CheckFailed as err:
        return "failed", " ".join(err.result.message().splitlines()[1:])
    except AssertionError as err:
        text = say("hidden", language)
        return "failed", text + (f": {err}" if str(err) else "")
    except Exception:  # an answer of a kind the instructor's check cannot use
        return "failed", say("not_checkable", language, what=_kinds(values))
    # a discussion exercise: the stated decision, for the instructor to read with the reasoning
    return "passed", " ".join(r.note for r in results if r.note)


def _memory(memory_mb: int | None, language: str) -> str:
    return say("no_memory_limit", language) if memory_mb is None else f"{memory_mb} MB"


def verdict(ex: CheckCell, run: Run, *, timeout: int, memory_mb: int | None = None,
            total: int | None = None, language: str = "en",
            forbidden: dict | None = None) -> tuple[str, str]:
    """Return the status and reason of one exercise of a run (one of :data:`STATUSES`).

    In order: an invalid file; code that reaches for the answer key (``forbidden``: check
    cell id -> what it reached for); a missing answer cell; an answer cell over the time
    limit; no export (the notebook stopped at the time limit: ``timeout``; the kernel died
    or did not start: ``crashed``); otherwise :func:`judge`, where a failure whose answer
    cell raised is an ``error`` with that exception as the reason.

    Examples
    --------
    >>> ex = CheckCell("check_0_1", 1.0, "assert total == 4", "", ["total"], ["answer_0_1"],
    ...                "0.1", "Count")
    >>> verdict(ex, Run(timed_out=["answer_0_1"]), timeout=60)
    ('timeout', 'The answer cell of Exercise 0.1 ran longer than the time limit of 60 s and
    was stopped.')
    >>> verdict(ex, Run(answers={"check_0_1": {"total": 0}},
    ...                 errors={"answer_0_1": "ZeroDivisionError: division by zero"}), timeout=60)
    ('error', 'The answer cell of Exercise 0.1 raised an error: ZeroDivisionError: division by
    zero')
    >>> verdict(ex, Run(), timeout=60, forbidden={"check_0_1": ["crmlab.exercises.ch00"]})[0]
    'forbidden'
    """
    name = _exercise(ex, language)
    absent = [a for a in ex.answer_cells if a in run.missing_cells]
    looping = [a for a in ex.answer_cells if a in run.timed_out]
    if run.problem == "invalid":
        return "invalid", say("invalid", language)
    if forbidden and ex.grade_id in forbidden:
        return "forbidden", say("forbidden", language, what=", ".join(forbidden[ex.grade_id]))
    if absent:
        return "missing", say("missing_cell", language, exercise=name)
    if looping:
        key = "stuck" if run.stopped == "stuck" and run.stopped_at in looping else "timeout"
        return "timeout", say(key, language, exercise=name, seconds=timeout)
    if ex.grade_id not in run.answers:
        memory = _memory(memory_mb, language)
        where = _label_of(run.stopped_at or run.detail, ex, language)
        if run.stopped == "stuck":
            return "timeout", say("stuck_before", language, exercise=where)
        if run.stopped == "total":
            return "timeout", say("total", language, seconds=total or "?")
        if run.problem == "dead":
            return "crashed", (say("dead_at", language, exercise=where, memory=memory)
                               if run.detail else say("dead", language, memory=memory))
        if run.problem in ("start", "grader", "output"):
            return "crashed", say(run.problem, language)
        return "crashed", say("stopped", language)
    status, reason = judge(ex, run.answers[ex.grade_id], language=language)
    raised = [a for a in ex.answer_cells if a in run.errors]
    if status != "passed" and raised:
        error = run.errors[raised[0]]
        if error.startswith("MemoryError"):
            error += say("memory_error", language, memory=_memory(memory_mb, language))
        return "error", say("error", language, exercise=name, error=error)
    return status, reason


def _label_of(answer_cell: str, ex: CheckCell, language: str) -> str:
    """Name the exercise an answer cell belongs to (``answer_3_2`` -> Exercise 3.2)."""
    parts = answer_cell.split("_")
    if len(parts) == 3 and parts[0] == "answer":
        return say("exercise", language, number=f"{parts[1]}.{parts[2]}")
    return answer_cell or _exercise(ex, language)
