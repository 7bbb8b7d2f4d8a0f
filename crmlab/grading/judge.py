"""Step 3 of grading: judge the exported answers, in the grader's own process.

The public check and the hidden tests of the solution's check cell run here, on the
plain values the student's kernel exported (:mod:`crmlab.grading.execute`), with a
``check`` that prints nothing. A submission that redefines ``check``, monkeypatches
crmlab, edits its check cells or writes files changes nothing that runs here.
:func:`verdict` turns a run and that judgement into the status and reason of a row.
"""

from __future__ import annotations

import traceback

from crmlab.grading.assignment import CheckCell
from crmlab.grading.execute import Run

__all__ = ["STATUSES", "judge", "verdict"]

#: Every status a grade row can have, from best to worst.
STATUSES = ("passed", "failed", "error", "missing", "timeout", "crashed", "invalid")


def _namespace(values: dict) -> dict:
    """The names a check cell sees: crmlab (with a quiet check), check, pd, np, the values."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    import pandas as pd

    import crmlab
    from crmlab.exercises import check

    def quiet_check(question_id, answer):
        return check(question_id, answer, quiet=True)

    class _Crmlab:  # crmlab as the check cells see it, with a check that prints nothing
        check = staticmethod(quiet_check)

        def __getattr__(self, name):
            return getattr(crmlab, name)

    return {"crmlab": _Crmlab(), "check": quiet_check, "pd": pd, "np": np, **values}


def judge(ex: CheckCell, values: dict) -> tuple[str, str]:
    """Run an exercise's public check and hidden tests on exported values.

    Parameters
    ----------
    ex : CheckCell
        The check cell, from :func:`crmlab.grading.layout`.
    values : dict
        Variable name -> plain value, as exported from the student's kernel.

    Returns
    -------
    (str, str)
        ``("passed", "")``, ``("missing", reason)`` when a variable the check reads was
        not exported, or ``("failed", reason)`` with the check's feedback on one line.

    Examples
    --------
    >>> ex = CheckCell("check_0_1", 1.0, "assert total == 4, 'count again'", "assert total > 0",
    ...               ["total"])
    >>> judge(ex, {"total": 4})
    ('passed', '')
    >>> judge(ex, {"total": 5})
    ('failed', 'a hidden check failed: count again')
    >>> judge(ex, {})
    ('missing', "no variable 'total' after running the notebook: keep the names the
    exercise gives")
    """
    from crmlab.exercises import CheckFailed

    missing = [n for n in ex.names if n not in values]
    if missing:
        return "missing", (f"no variable {', '.join(map(repr, missing))} after running the "
                           f"notebook: keep the names the exercise gives")
    code = ex.public + "\n" + ex.hidden
    try:
        exec(compile(code, f"<check {ex.grade_id}>", "exec"), _namespace(values))  # noqa: S102
    except CheckFailed as err:
        return "failed", str(err).replace("\n", " ")
    except AssertionError as err:
        return "failed", f"a hidden check failed{': ' + str(err) if str(err) else ''}"
    except Exception as err:
        last = traceback.format_exception_only(type(err), err)[-1].strip()
        return "failed", f"the answer could not be checked ({last})"
    return "passed", ""


def verdict(ex: CheckCell, run: Run, *, timeout: int) -> tuple[str, str]:
    """Return the status and reason of one exercise of a run (one of :data:`STATUSES`).

    In order: an invalid file; a missing answer cell; an answer cell over the time limit;
    no export (the kernel died or stopped first); otherwise :func:`judge`, where a
    failure whose answer cell raised is an ``error`` with that exception as the reason.

    Examples
    --------
    >>> ex = CheckCell("check_0_1", 1.0, "assert total == 4", "", ["total"], ["answer_0_1"])
    >>> verdict(ex, Run(timed_out=["answer_0_1"]), timeout=60)
    ('timeout', "the answer cell 'answer_0_1' ran over 60 s")
    >>> verdict(ex, Run(answers={"check_0_1": {"total": 0}},
    ...                 errors={"answer_0_1": "ZeroDivisionError: division by zero"}), timeout=60)
    ('error', "the answer cell 'answer_0_1' raised ZeroDivisionError: division by zero")
    >>> verdict(ex, Run(problem="the kernel died (crash or memory)"), timeout=60)
    ('crashed', 'the kernel died (crash or memory)')
    """
    absent = [a for a in ex.answer_cells if a in run.missing_cells]
    looping = [a for a in ex.answer_cells if a in run.timed_out]
    if run.problem.startswith("not a valid"):
        return "invalid", run.problem
    if absent:
        return "missing", f"the answer cell {absent[0]!r} is missing"
    if looping:
        return "timeout", f"the answer cell {looping[0]!r} ran over {timeout} s"
    if ex.grade_id not in run.answers:
        return "crashed", run.problem or "the notebook stopped before this exercise"
    status, reason = judge(ex, run.answers[ex.grade_id])
    raised = [a for a in ex.answer_cells if a in run.errors]
    if status != "passed" and raised:
        return "error", f"the answer cell {raised[0]!r} raised {run.errors[raised[0]]}"
    return status, reason
