"""The exercise records, their registry and ``check``.

Every exercise is one declarative :class:`Exercise` record, registered by its chapter
module (``crmlab/exercises/chNN.py``)::

    Exercise(
        "1.1",
        expected=_conversion_rate,          # the answer key, computed from the data
        data=("leads",),                    # the bundled datasets it reads
        mistakes=_mistakes_1_1,             # known wrong answers, each with its message
        hints=[Hint("A conversion rate is ...", "转化率 = ...")],
    )

How an answer is judged against a record (:func:`problems`): "not answered yet" for
``...`` or ``None``; else a custom ``judge`` when the record has one (open questions
whose right answer depends on the student's choice); else the ``before`` checks of the
whole answer, the comparison with ``expected`` (part by part for a dict, each part with
its own :class:`Part`), the known ``mistakes`` when it differs, and the ``after`` checks
once the values are right (the order of the rows...).

The record keeps apart what later work will move or vary:

- the answer key (``expected`` and everything that reads it: ``mistakes``, ``parts``,
  ``before``, ``after``, ``judge``, all called with the expected value ``want``) from
  what a student may see (``qid``, ``hints``, ``tolerance``), so the key can move to
  the grader;
- ``task`` restates the exercise in words (shown while the answer is still ``...``) and
  ``hints`` climb in tiers, from the gentlest to the most direct: a nudge in words after
  the first wrong tries, a pointer to the right function (its name only) from the
  :data:`POINTER_AFTER`-th wrong try on (:func:`hint_tier`; the tries are counted in the
  attempt log, :mod:`crmlab.exercises._attempts`). No tier shows a finished expression or
  the expected value;
- ``expected`` computes from the bundled ``data`` named in the record, so a
  per-student variant of those datasets gives a per-student answer.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crmlab._errors import CRMDataError
from crmlab.exercises import _attempts
from crmlab.exercises._compare import describe
from crmlab.exercises._judging import Convention, Mistake, When, judge_parts, tell
from crmlab.exercises._judging import judge as judge_value
from crmlab.exercises._text import get_language, say
from crmlab.exercises._variant import per_variant
from crmlab.exercises.answers import HIDDEN_KEY, as_graded, conform

__all__ = ["POINTER_AFTER", "CheckFailed", "Exercise", "Finding", "Hint", "Part", "Result",
           "Tolerance",
           "check", "exercise", "hint_tier", "load_answer_key", "lookup", "pointer", "problems",
           "questions", "register", "untouched"]

#: Known wrong answers: a list of :class:`Mistake` / :class:`When`, or a function of the
#: expected value returning them (called only when the answer is wrong).
Mistakes = Iterable[Mistake | When] | Callable[[Any], Iterable[Mistake | When]]


@dataclass(frozen=True)
class Finding:
    """A fact of the data that a chapter's exercises rely on.

    Each chapter module lists its findings in ``FINDINGS``; ``holds()`` is computed on
    the active data variant (:func:`crmlab.datasets.set_variant`), and
    ``tests/test_variant_findings.py`` checks every finding in many variants, so a
    student's own data never contradicts the exercise text ("the top 20 % bring more
    than half of the value", "qualified leads convert best").

    Examples
    --------
    >>> import crmlab
    >>> most_leads_lost = Finding(
    ...     "most leads do not convert",
    ...     lambda: bool(crmlab.load_data("leads")["converted"].mean() < 0.5))
    >>> most_leads_lost.holds()
    True
    """

    name: str
    holds: Callable[[], bool]


@dataclass(frozen=True)
class Hint:
    """A hint in English and Chinese.

    Examples
    --------
    >>> Hint("Divide by the leads.", "除以线索数。").text()
    'Divide by the leads.'
    """

    en: str
    zh: str = ""

    def text(self) -> str:
        """Return the hint in the feedback language in force (English if no Chinese)."""
        return tell(self.en, self.zh or self.en)


def pointer(*names: str) -> Hint:
    """Return the hint that points to functions or methods by their names alone.

    Examples
    --------
    >>> pointer("pyramid.top_share", "math.ceil").text()
    'Look at pyramid.top_share, math.ceil.'
    """
    listed = ", ".join(names)
    return Hint(f"Look at {listed}.", f"可以看看 {'、'.join(names)}。")


#: From this wrong try on, the most direct hint (the pointer) is shown.
POINTER_AFTER = 3


def hint_tier(hints: tuple[Hint, ...], tries: int | None) -> Hint | None:
    """Return the hint for the ``tries``-th wrong try (None tries: the most direct one).

    The first wrong tries get the first hint (a nudge in words), from the
    :data:`POINTER_AFTER`-th on the next one (a pointer), and so on up to the last.

    Examples
    --------
    >>> hints = (Hint("Think of the leads.", "想想线索。"), pointer("Series.mean"))
    >>> [hint_tier(hints, n).en for n in (1, 2, 3, 9)]
    ['Think of the leads.', 'Think of the leads.', 'Look at Series.mean.', 'Look at Series.mean.']
    >>> hint_tier(hints, None).en
    'Look at Series.mean.'
    """
    if not hints:
        return None
    if tries is None:
        return hints[-1]
    level = 0 if tries < POINTER_AFTER else 1 + (tries - POINTER_AFTER) // POINTER_AFTER
    return hints[min(level, len(hints) - 1)]


@dataclass(frozen=True)
class Tolerance:
    """How close a number must be: relative and absolute tolerance (``math.isclose``).

    The default, relative 1e-6, is for an unrounded answer: a value rounded to a few
    decimals where the task says not to round does not pass. ``decimals=N`` is for a
    task asking "to N decimals": the value rounded to N decimals and the full value pass
    (both are within half a unit of the N-th decimal), a value rounded to fewer decimals
    does not.
    """

    rtol: float = 1e-6
    atol: float = 1e-9
    decimals: int | None = None

    def options(self) -> dict[str, float]:
        """Return the tolerance as keyword arguments of the comparator.

        Examples
        --------
        >>> Tolerance(atol=1e-3).options()
        {'rtol': 1e-06, 'atol': 0.001}
        >>> Tolerance(decimals=3).options()
        {'rtol': 1e-06, 'atol': 0.0005000001}
        """
        if self.decimals is not None:
            return {"rtol": self.rtol, "atol": round(0.5 * 10.0 ** -self.decimals + 1e-10, 12)}
        return {"rtol": self.rtol, "atol": self.atol}


@dataclass(frozen=True)
class Part:
    """How one part of a dict answer is judged, when not just by comparing it.

    Attributes
    ----------
    mistakes : Mistakes
        Known wrong values of the part; a function gets the part's expected value.
    judge : callable, optional
        ``judge(value, want) -> list of problems``, instead of the comparison (a choice
        among names, a case-sensitive code...).
    tolerance : Tolerance, optional
        The part's own tolerance.
    """

    mistakes: Mistakes = ()
    judge: Callable[[Any, Any], list[str]] | None = None
    tolerance: Tolerance | None = None


@dataclass(frozen=True)
class Exercise:
    """One exercise: its answer key, its known mistakes, its hints and its tolerance.

    Attributes
    ----------
    qid : str
        The number printed in the notebook, e.g. ``"3.2"``.
    expected : callable or None
        ``expected()`` returns the right answer, computed from the bundled data with
        crmlab (never a typed-in number). None only for a one-off open question judged
        by ``judge`` alone.
    hints : sequence of Hint
        From the gentlest to the most direct: a nudge in words, then a pointer to the
        right functions by name (:func:`pointer`); which one a failing answer gets
        depends on the wrong tries so far (:func:`hint_tier`).
    task : Hint, optional
        The exercise restated in words, without code, function names or values: what an
        untouched answer (``...``) gets.
    data : tuple of str
        The bundled datasets ``expected`` reads (none for a worked example).
    mistakes : Mistakes
        Known wrong answers of a non-dict answer, tried in order when it differs.
    parts : mapping of str to Part
        For a dict answer: the parts judged specially (the others are compared).
    before : sequence of When
        Checks of the whole answer tried before comparing (two parts swapped...).
    after : sequence of When
        Checks once the values are right (sorted the other way...).
    judge : callable, optional
        ``judge(answer, want) -> list of problems`` instead of all the above, for an
        open question whose right answer depends on the student's choice.
    tolerance : Tolerance
        For numbers.
    ordered : bool
        Whether the order of a list's items or a Series' rows matters.
    convention : Convention
        The chapter's way of matching mistakes and reporting parts.
    decision : str
        For a discussion exercise: the part of the dict answer that is the student's
        stated decision (a True/False). It is recorded, never judged: the check and the
        grader judge only the numbers behind it, and the feedback says the instructor
        reads the decision with the reasoning cell (graded by hand against its rubric), so
        flipping it never flips the verdict.
    """

    qid: str
    expected: Callable[[], Any] | None
    hints: tuple[Hint, ...] = ()
    data: tuple[str, ...] = ()
    mistakes: Mistakes = ()
    parts: Mapping[str, Part] = field(default_factory=dict)
    before: tuple[When, ...] = ()
    after: tuple[When, ...] = ()
    judge: Callable[[Any, Any], list[str]] | None = None
    tolerance: Tolerance = Tolerance()
    ordered: bool = True
    convention: Convention = Convention()
    task: Hint | None = None
    decision: str = ""

    def __post_init__(self):
        for name in ("hints", "data", "before", "after"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.expected is None and self.judge is None:
            raise CRMDataError(f"exercise {self.qid}: give the expected answer or a judge.")

    def hint(self, tries: int | None = None) -> str:
        """Return the hint of the ``tries``-th wrong try, in the feedback language in force.

        None tries: the most direct hint.

        Examples
        --------
        >>> Exercise("0.5", expected=lambda: 1, hints=[Hint("Count.", "数一数。")]).hint()
        'Count.'
        """
        found = hint_tier(self.hints, tries)
        return found.text() if found else ""

    def decision_note(self, answer: object) -> str:
        """Say that the stated decision is read by the instructor (empty if none is asked).

        The note shows the student's own value and never whether it is right.

        Examples
        --------
        >>> ex = Exercise("0.6", expected=lambda: {"keep": True, "share": 0.5}, decision="keep")
        >>> print(ex.decision_note({"keep": False, "share": 0.4}))
        Your decision (`keep` = False) is not checked here: your instructor reads it with
        your reasoning.
        >>> Exercise("0.7", expected=lambda: 1).decision_note(1)
        ''
        """
        if not self.decision:
            return ""
        stated = answer.get(self.decision, ...) if isinstance(answer, dict) else ...
        if stated is Ellipsis or stated is None:
            return say("decision_missing", name=self.decision)
        shown = repr(stated) if isinstance(stated, str) else str(stated)
        return say("decision", name=self.decision, value=shown)

    def task_text(self) -> str:
        """Return the exercise restated in words (empty if the record has none)."""
        return self.task.text() if self.task else ""


_EXERCISES: dict[str, Exercise] = {}


def register(*exercises: Exercise) -> dict[str, Exercise]:
    """Register exercise records (a chapter module registers its own); return them by id.

    Examples
    --------
    >>> records = register(Exercise("0.3", expected=lambda: 0.5,
    ...                             hints=[Hint("Half of them.", "一半。")]))
    >>> check("0.3", 0.5)
    ✅ 0.3 correct.
    Result(question='0.3', passed=True)
    >>> records["0.3"].hint()
    'Half of them.'
    """
    for ex in exercises:
        _EXERCISES[ex.qid] = ex
    return {ex.qid: ex for ex in exercises}


#: Compares like the comparator alone (no rounding named, parts like ``compare``).
COMPARE = Convention(name_rounding=False)


def exercise(qid: str, *, hint: str = "", hint_zh: str = "", rtol: float = 1e-6,
             atol: float = 1e-9, ordered: bool = True,
             open_ended: bool = False) -> Callable[[Callable], Callable]:
    """Register a one-off exercise from a function (a decorator; the chapters use records).

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
    hints = [Hint(hint, hint_zh)] if hint or hint_zh else []

    def decorate(func):
        if open_ended:
            record = Exercise(qid, None, hints, judge=lambda answer, want: func(answer))
        else:
            record = Exercise(qid, per_variant(func), hints,
                              tolerance=Tolerance(rtol, atol), ordered=ordered,
                              convention=COMPARE)
        register(record)
        return func
    return decorate


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


def load_answer_key(qids: Iterable[str]) -> list[str]:
    """Import the checkers of these exercises and compute their expected answers now.

    The grader calls this before it runs any submission, so what it judges with is in
    its memory before a student's code runs (and, without a sandbox, could change the
    files). Returns the ids of the exercises found.

    Examples
    --------
    >>> load_answer_key(["3.1", "3.2"])
    ['3.1', '3.2']
    """
    found = []
    for qid in qids:
        ex = lookup(qid)
        if ex.expected is not None:
            ex.expected()
        found.append(qid)
    return found


def _load(qid: str) -> None:
    match = re.fullmatch(r"(\d+)\.\w+", str(qid))
    if not match:
        raise CRMDataError(say("bad_question_id", qid=qid))
    name = f"crmlab.exercises.ch{int(match[1]):02d}"
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as err:
        if err.name != name:
            raise


def lookup(qid: str) -> Exercise:
    """Return the record of exercise ``qid`` (its chapter is loaded on first use).

    Raises
    ------
    CRMDataError
        If there is no such exercise; the message lists the chapter's exercises.

    Examples
    --------
    >>> lookup("3.2").qid
    '3.2'
    >>> lookup("3.10")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: No exercise '3.10'. Exercises of chapter 3: 3.1, 3.2, 3.3,
    3.4, 3.5, 3.6, 3.7, 3.8, 3.9.
    """
    _load(qid)
    if qid not in _EXERCISES:
        chapter = qid.split(".")[0]
        known = ", ".join(questions(chapter)) or "-"
        raise CRMDataError(say("unknown_question", qid=qid, chapter=chapter, known=known))
    return _EXERCISES[qid]


_MISTAKES: dict = {}


def _bind(mistakes: Mistakes, want) -> Mistakes:
    """The known mistakes for this expected answer, computed once per data variant.

    A mistakes function builds its wrong answers from the data (often the costliest step
    of a check); they depend only on the function, the expected answer and the variant,
    so repeated wrong tries reuse them.
    """
    if not callable(mistakes):
        return mistakes
    from crmlab.datasets import current_variant

    key = (mistakes, current_variant(), get_language(), type(want).__name__, repr(want))
    if key not in _MISTAKES:
        if len(_MISTAKES) > 512:
            _MISTAKES.clear()
        _MISTAKES[key] = list(mistakes(want))
    return _MISTAKES[key]


def _first(checks: Iterable[When], answer, want) -> list[str]:
    for when in checks:
        try:
            found = when.test(answer, want)
        except (TypeError, ValueError, AttributeError, KeyError, IndexError):
            found = False  # a test written for another kind of answer does not apply
        if found:
            return [tell(when.en, when.zh)]
    return []


def untouched(answer: object) -> bool:
    """Whether an answer is still as shipped: ``...`` or None, or a dict of only those.

    Examples
    --------
    >>> untouched(...), untouched({"a": ..., "b": None}), untouched({"a": 1, "b": ...})
    (True, True, False)
    """
    if answer is Ellipsis or answer is None:
        return True
    return isinstance(answer, dict) and bool(answer) and all(
        v is Ellipsis or v is None for v in answer.values())


def problems(ex: Exercise, answer: object) -> list[str]:
    """Return what is wrong with ``answer`` to exercise ``ex`` (empty when it passes).

    Examples
    --------
    >>> ex = Exercise("0.4", expected=lambda: 0.25,
    ...               mistakes=[Mistake(0.75, "That is the share lost.", "这是流失的比例。")])
    >>> problems(ex, 0.25), problems(ex, 0.75), problems(ex, 25)
    ([], ['That is the share lost.'], ['25 looks like a percentage: rates in crmlab are
    fractions (0.25 rather than 25).'])
    >>> problems(ex, ...)
    ['Not answered yet: replace the three dots with your answer and run the cell.']
    """
    if untouched(answer):
        return [say("unanswered")]
    want = ex.expected() if ex.expected is not None else None
    answer = conform(answer, want)
    if ex.decision:  # the stated decision is read by the instructor, never judged here
        answer, want = _without(answer, ex.decision), _without(want, ex.decision)
        if untouched(answer):
            return [say("unanswered")]
    if ex.judge is not None:
        return list(ex.judge(answer, want))
    found = _first(ex.before, answer, want)
    if found:
        return found
    options = {**ex.tolerance.options(), "ordered": ex.ordered, **ex.convention.options()}
    if isinstance(want, dict):
        parts = ex.parts
        unknown = set(parts) - set(want)
        if unknown:
            raise CRMDataError(f"exercise {ex.qid}: parts {sorted(unknown)} are not in the "
                               f"expected answer.")
        found = judge_parts(
            answer, want, {k: _bind(p.mistakes, want[k]) for k, p in parts.items()},
            custom={k: functools.partial(_judge_part, p.judge, want[k])
                    for k, p in parts.items() if p.judge is not None},
            tol={k: p.tolerance.options() for k, p in parts.items() if p.tolerance},
            every=ex.convention.every_part, **options)
    else:
        found = judge_value(answer, want, _bind(ex.mistakes, want), **options)
    return found or _first(ex.after, answer, want)


def _without(value, key: str):
    """A dict without ``key`` (anything else unchanged)."""
    return {k: v for k, v in value.items() if k != key} if isinstance(value, dict) else value


def _judge_part(judge, want, value):
    return judge(value, want)


@dataclass
class Result:
    """What ``check`` found: the question, whether it passed, the feedback lines.

    ``answer`` is the answer as it was judged: as the grader sees it
    (:func:`crmlab.exercises.answers.as_graded`), a number taken out of a one-value array.
    """

    question: str
    passed: bool
    problems: list[str] = field(default_factory=list, repr=False)
    hint: str = field(default="", repr=False)
    answer: Any = field(default=None, repr=False, compare=False)
    #: True while the answer is untouched: ``hint`` is then the task restated.
    unanswered: bool = field(default=False, repr=False, compare=False)
    #: For a discussion exercise: the stated decision is read by the instructor.
    note: str = field(default="", repr=False, compare=False)

    def __bool__(self) -> bool:
        return self.passed

    def _ipython_display_(self) -> None:
        """Show nothing in a notebook: ``check`` has already printed the verdict."""

    def message(self) -> str:
        """Return the feedback as text: the verdict, what differs and the hint."""
        if self.passed:
            return "\n".join([say("pass", qid=self.question)] + [self.note] * bool(self.note))
        lines = [say("fail", qid=self.question), *self.problems]
        if self.hint:
            lines.append(say("task" if self.unanswered else "hint", hint=self.hint))
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)


class CheckFailed(AssertionError):
    """An answer that does not pass; in a notebook it shows as the feedback alone."""

    def __init__(self, result: Result) -> None:
        super().__init__(result.message())
        self.result = result

    def _render_traceback_(self) -> list[str]:  # IPython shows these lines, no traceback
        return ["\x1b[31m" + line + "\x1b[0m" if i == 0 else line
                for i, line in enumerate(self.result.message().splitlines())]


def judge(qid: str, answer, *, tries: int | None = None) -> Result:
    """Compare ``answer`` with exercise ``qid`` and return the :class:`Result`.

    The answer is judged as the grader sees it (:func:`crmlab.exercises.answers.as_graded`),
    so the notebook and ``crmlab grade`` accept the same answers. Raises only for an
    unknown exercise: an answer a checker cannot handle gets a sentence saying what it is.

    An untouched answer gets the task restated as its hint; a wrong one the hint of its
    ``tries``-th wrong try (:func:`hint_tier`; None: the most direct hint).
    """
    ex = lookup(qid)
    if untouched(answer):
        return Result(qid, False, [say("unanswered")], ex.task_text() or ex.hint(1),
                      answer, unanswered=True, note=ex.decision_note(answer))
    answer = as_graded(answer)
    try:
        found = problems(ex, answer)
    except CRMDataError:
        raise
    except Exception:  # a checker written for another kind of answer: explain, never crash
        found = [say("cannot_check", got=describe(answer))]
    want = None
    if not found and ex.expected is not None:
        want = ex.expected()
    return Result(qid, not found, found, ex.hint(tries) if found else "",
                  conform(answer, want), note=ex.decision_note(answer))


def check(question_id: str, answer: object, *, quiet: bool = False,
          log: bool = True) -> Result:
    """Check an exercise answer: print a pass, or raise with what differs and a hint.

    Parameters
    ----------
    question_id : str
        The exercise number as printed in the notebook, e.g. ``"3.2"``.
    answer : object
        Your answer: a number, text, list, Series or DataFrame, as the exercise asks.
    quiet : bool, default False
        Do not print the pass line.
    log : bool, default True
        Keep the try in the notebook's attempt log (:mod:`crmlab.exercises._attempts`),
        whose count of wrong tries chooses the hint: a nudge in words first, a pointer to
        the right function from the third wrong try on. An untouched answer (``...``) is
        not a try: it gets the task restated. The grader checks with ``log=False``.

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
    try:
        result = judge(question_id, answer)
        if log and not result.unanswered:
            tries = _attempts.record(question_id, result.passed)
            if not result.passed:
                result.hint = lookup(question_id).hint(max(tries, 1))
    except ImportError as err:  # in the grading sandbox: the grader checks, outside
        if HIDDEN_KEY not in str(err):
            raise
        result = Result(question_id, False, [say("graded_outside", qid=question_id)])
        print(result.problems[0])
        return result
    if not result.passed:
        raise CheckFailed(result)
    if not quiet:
        print(result.message())
    return result
