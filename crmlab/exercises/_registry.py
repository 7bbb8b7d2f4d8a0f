"""The exercise registry and ``check``."""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from crmlab._errors import CRMDataError
from crmlab.exercises._compare import compare
from crmlab.exercises._text import language, say

__all__ = ["CheckFailed", "Result", "check", "exercise", "questions"]


@dataclass
class Exercise:
    """One exercise: how to get the expected answer and how to compare."""

    qid: str
    expected: Callable[[], Any] | None
    hint: str = ""
    hint_zh: str = ""
    rtol: float = 1e-4
    atol: float = 1e-8
    ordered: bool = True
    validate: Callable[[Any], list[str]] | None = None
    extra: list[Callable[[Any], list[str]]] = field(default_factory=list)


_EXERCISES: dict[str, Exercise] = {}


def exercise(qid: str, *, hint: str = "", hint_zh: str = "", rtol: float = 1e-4,
             atol: float = 1e-8, ordered: bool = True, open_ended: bool = False):
    """Register an exercise (a decorator used in ``crmlab/exercises/chNN.py``).

    The decorated function returns the expected answer, or, with ``open_ended=True``,
    takes the answer and returns a list of problems (empty when acceptable).

    Examples
    --------
    >>> @exercise("0.1", hint="Add the two numbers.")
    ... def _():
    ...     return 2
    >>> check("0.1", 1 + 1)
    ✅ 0.1 correct.
    Result(question='0.1', passed=True)
    """
    def register(func):
        if open_ended:
            _EXERCISES[qid] = Exercise(qid, None, hint, hint_zh, validate=func)
        else:
            _EXERCISES[qid] = Exercise(qid, functools.cache(func), hint, hint_zh, rtol, atol,
                                       ordered)
        return func
    return register


def questions(chapter: int | str) -> list[str]:
    """Return the question ids of a chapter, in order.

    Examples
    --------
    >>> @exercise("99.2")
    ... def _():
    ...     return 1
    >>> @exercise("99.10")
    ... def _():
    ...     return 2
    >>> questions(99)
    ['99.2', '99.10']
    """
    _load(f"{int(chapter)}.0")
    prefix = f"{int(chapter)}."
    found = [q for q in _EXERCISES if q.startswith(prefix)]
    return sorted(found, key=lambda q: [int(p) for p in re.findall(r"\d+", q)])


def _load(qid: str) -> None:
    match = re.fullmatch(r"(\d+)\.\w+", str(qid))
    if not match:
        raise CRMDataError(f"check: question ids look like '3.2', not {qid!r}.")
    name = f"crmlab.exercises.ch{int(match[1]):02d}"
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as err:
        if err.name != name:
            raise


@dataclass
class Result:
    """What ``check`` found: the question, whether it passed, the feedback lines."""

    question: str
    passed: bool
    problems: list[str] = field(default_factory=list, repr=False)
    hint: str = field(default="", repr=False)

    def __bool__(self) -> bool:
        return self.passed

    def _ipython_display_(self) -> None:
        """Show nothing in a notebook: ``check`` has already printed the verdict."""

    def message(self) -> str:
        """Return the feedback as text: the verdict, what differs and the hint."""
        if self.passed:
            return say("pass", qid=self.question)
        lines = [say("fail", qid=self.question), *self.problems]
        if self.hint:
            lines.append(say("hint", hint=self.hint))
        return "\n".join(lines)


class CheckFailed(AssertionError):
    """An answer that does not pass; in a notebook it shows as the feedback alone."""

    def __init__(self, result: Result):
        super().__init__(result.message())
        self.result = result

    def _render_traceback_(self) -> list[str]:  # IPython shows these lines, no traceback
        return ["\x1b[31m" + line + "\x1b[0m" if i == 0 else line
                for i, line in enumerate(self.result.message().splitlines())]


def judge(qid: str, answer) -> Result:
    """Compare ``answer`` with exercise ``qid`` and return the :class:`Result`, never raising."""
    _load(qid)
    if qid not in _EXERCISES:
        chapter = qid.split(".")[0]
        known = ", ".join(questions(chapter)) or "-"
        raise CRMDataError(say("unknown_question", qid=qid, chapter=chapter, known=known))
    ex = _EXERCISES[qid]
    if ex.validate is not None:
        problems = [say("unanswered")] if answer is Ellipsis or answer is None else \
            list(ex.validate(answer))
    else:
        problems = compare(answer, ex.expected(), rtol=ex.rtol, atol=ex.atol, ordered=ex.ordered)
    hint = (ex.hint_zh or ex.hint) if language() == "zh" else ex.hint
    return Result(qid, not problems, problems, "" if not problems else hint)


def check(question_id: str, answer, *, quiet: bool = False) -> Result:
    """Check an exercise answer: print a pass, or raise with what differs and a hint.

    Parameters
    ----------
    question_id : str
        The exercise number as printed in the notebook, e.g. ``"3.2"``.
    answer : object
        Your answer: a number, text, list, Series or DataFrame, as the exercise asks.
    quiet : bool, default False
        Do not print the pass line.

    Returns
    -------
    Result
        ``passed=True`` (a failing answer raises instead).

    Raises
    ------
    CheckFailed
        If the answer does not match; the message says what differs and gives a hint. In
        a notebook only that message shows.
    CRMDataError
        If there is no exercise with that id.

    Examples
    --------
    >>> @exercise("0.2", hint="A rate is a fraction between 0 and 1.")
    ... def _():
    ...     return 0.25
    >>> check("0.2", 0.25)
    ✅ 0.2 correct.
    Result(question='0.2', passed=True)
    >>> check("0.2", 25)
    Traceback (most recent call last):
    ...
    crmlab.exercises._registry.CheckFailed: ❌ 0.2 not yet.
    25 looks like a percentage: rates in crmlab are fractions (0.25 rather than 25).
    Hint: A rate is a fraction between 0 and 1.
    """
    result = judge(question_id, answer)
    if not result.passed:
        raise CheckFailed(result)
    if not quiet:
        print(result.message())
    return result
