"""Judging helpers shared by the chapter records (:mod:`crmlab.exercises.ch01` ... ``ch09``).

An exercise record (:class:`crmlab.exercises._registry.Exercise`) compares an answer
with the expected value through :func:`~crmlab.exercises._compare.compare`; when the
answer is wrong, :func:`judge` looks for a known wrong answer it equals (a
:class:`Mistake`: the value, and one sentence in English and in Chinese saying what it
is) or shows (a :class:`When`: a test of the answer, and the two sentences) and says that
instead of "too high". :func:`judge_parts` does the same for a dict answer, part by part.

Each chapter judges by one :class:`Convention`. Chapters 1, 2, 4, 6, 7 and 8 (the
defaults) match a mistake at a tight tolerance, so two mistakes close to each other are
told apart, name a float rounded from the expected value as such, and report the first
wrong part only, prefixed ``[part]``. Chapters 5 and 9 (``mistake_rtol=None,
name_rounding=False, every_part=True``) match a mistake at the answer's own tolerance
and report every wrong part, prefixed with its name in backquotes. Chapter 3 uses the
comparator alone (``name_rounding=False``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from crmlab.exercises._compare import _kind, compare, normal_text
from crmlab.exercises._text import language, say

#: The relative tolerance at which a mistake is matched by default.
TIGHT = 1e-7


class Mistake(NamedTuple):
    """A known wrong answer: its value, and one sentence in English and in Chinese."""

    wrong: object
    en: str
    zh: str


class When(NamedTuple):
    """A known mistake told by a test of the answer rather than by its value.

    ``test(answer, want)`` says whether ``answer`` shows the mistake (``want`` is the
    expected answer); ``en`` and ``zh`` say what it is.
    """

    test: Callable[[Any, Any], bool]
    en: str
    zh: str


#: The known mistakes of an answer (plain ``(value, en, zh)`` tuples are mistakes too),
#: or a function returning them (called only when the answer is wrong, and a generator
#: only until one matches: some need a model fit).
Mistakes = Iterable[Mistake | When] | Callable[[], Iterable[Mistake | When]]


@dataclass(frozen=True)
class Convention:
    """A chapter's way of judging (the two conventions of this module's docstring).

    Attributes
    ----------
    mistake_rtol : float or None
        The relative tolerance at which a mistake matches (None: the answer's own).
    name_rounding : bool
        Whether a float rounded from the expected value is named as such.
    mistakes_in_any_order : bool
        Whether a mistake matches in any order of the rows.
    every_part : bool
        Whether every wrong part of a dict answer is reported (prefixed with its name in
        backquotes) rather than the first one (prefixed ``[part]``).
    """

    mistake_rtol: float | None = TIGHT
    name_rounding: bool = True
    mistakes_in_any_order: bool = False
    every_part: bool = False

    def options(self) -> dict[str, Any]:
        """Return the options :func:`judge` takes (``every_part`` is for the parts).

        Examples
        --------
        >>> Convention(mistake_rtol=None, name_rounding=False).options()
        {'mistake_rtol': None, 'name_rounding': False, 'mistakes_in_any_order': False}
        """
        return {"mistake_rtol": self.mistake_rtol, "name_rounding": self.name_rounding,
                "mistakes_in_any_order": self.mistakes_in_any_order}

CUSTOMER_SHARE_NOT_COUNT = (
    "That is a share of customers, not a number of customers: count the customers "
    "that meet the condition instead of averaging it.",
    "这是客户占比，不是客户人数：请数出满足条件的客户，而不是求平均。")


def tell(en: str, zh: str) -> str:
    """Return the sentence in the feedback language in force."""
    return zh if language() == "zh" else en


def matches(answer, wrong, *, ordered: bool = True, rtol: float = 1e-4,
            atol: float = 1e-8) -> bool:
    """Whether ``answer`` equals ``wrong`` within the tolerance (False if they can't compare)."""
    try:
        return not compare(answer, wrong, ordered=ordered, rtol=rtol, atol=atol)
    except (TypeError, ValueError):
        return False


def _rounded(answer, want) -> list[str]:
    """Name a float answer that is ``want`` rounded to 0-4 decimals (0 only from 10 up)."""
    if not isinstance(want, float) or not isinstance(answer, numbers.Real) \
            or isinstance(answer, bool):
        return []
    for digits in range(0 if abs(want) >= 10 else 1, 5):
        if round(want, digits) != 0 and math.isclose(float(answer), round(want, digits),
                                                     abs_tol=1e-12):
            return [say("rounded", got=answer, digits=digits)]
    return []


def judge(answer, want, mistakes: Mistakes = (), *, rtol: float = 1e-4, atol: float = 1e-8,
          ordered: bool = True, mistake_rtol: float | None = TIGHT,
          mistakes_in_any_order: bool = False, name_rounding: bool = True) -> list[str]:
    """Compare; if wrong, name the known mistake the answer matches, if any.

    A mistake is matched at ``mistake_rtol`` (None: at the answer's ``rtol``), in the
    answer's order unless ``mistakes_in_any_order``; a :class:`When` by its test.
    Failing that, with ``name_rounding`` a float rounded from the expected value is
    named as such.
    """
    problems = compare(answer, want, rtol=rtol, atol=atol, ordered=ordered)
    if not problems or answer is Ellipsis or answer is None:
        return problems
    for item in mistakes() if callable(mistakes) else mistakes:
        if isinstance(item, When):
            found = item.test(answer, want)
        else:
            found = matches(answer, item[0], ordered=ordered and not mistakes_in_any_order,
                            rtol=rtol if mistake_rtol is None else mistake_rtol, atol=atol)
        if found:
            return [tell(item[1], item[2])]
    rounded = _rounded(answer, want) if name_rounding else []
    return rounded or problems


def judge_parts(answer, want: dict, mistakes: dict[str, Mistakes], *,
                custom: dict[str, Callable] | None = None, tol: dict[str, dict] | None = None,
                every: bool = False, **options) -> list[str]:
    """Judge a dict answer part by part with :func:`judge`; feedback names the part.

    ``mistakes`` maps a part to its mistakes, ``custom`` to a function judging it instead,
    ``tol`` to its own tolerance (``{"share": {"rtol": 1e-3}}``); ``options`` go to every
    :func:`judge`. By default the first problem of the first wrong part is returned,
    prefixed ``[part]``, and an answer that is not a dict with every part gets the
    comparator's feedback; with ``every``, each part is judged on its own (a missing
    one is named) and every problem is returned, prefixed with the part's name in
    backquotes. A problem that starts with the part's name already keeps its own words.
    """
    if not isinstance(answer, dict):
        return [say("want_type", want="dict", got=_kind(answer))] if every \
            else compare(answer, want)
    if not every and any(key not in answer for key in want):
        return compare(answer, want)
    problems = []
    for key, value in want.items():
        if key not in answer:
            problems.append(say("missing_keys", keys=key))
            continue
        judge_part = (custom or {}).get(key)
        found = judge_part(answer[key]) if judge_part else judge(
            answer[key], value, mistakes.get(key, ()), **{**options, **(tol or {}).get(key, {})})
        if found and not every:
            return [_named(found[0], f"[{key}]", " ")]
        problems += [_named(p, f"`{key}`", ": ") for p in found]
    return problems


def _named(problem: str, name: str, sep: str) -> str:
    """Prefix a part's problem with the part's name, unless it starts with it already."""
    return problem if problem.startswith(name) else f"{name}{sep}{problem}"


def choice(answer, choices: list[str]) -> str | None:
    """Return the normalised choice, or None when ``answer`` is not one of ``choices``."""
    if not isinstance(answer, str):
        return None
    got = normal_text(answer).replace(" ", "_").replace("-", "_")
    return got if got in choices else None


def not_a_choice(answer, choices: list[str], what: str, what_zh: str) -> list[str]:
    """Say that ``answer`` is not one of ``choices`` (the comparator's feedback if not text)."""
    if not isinstance(answer, str):
        return compare(answer, choices[0])
    names = ", ".join(repr(c) for c in choices)
    return [tell(f"{answer!r} is not {what}: answer with one of {names}.",
                 f"{answer!r} 不是{what_zh}：请从 {names} 中选一个作答。")]


def descending(smallest_up: tuple[str, str]) -> tuple[When, When]:
    """Checks that right values are sorted from the largest down (an ``after`` of a record).

    ``smallest_up`` is the (English, Chinese) feedback for values sorted the other way;
    values in no order get a generic sentence.

    Examples
    --------
    >>> import pandas as pd
    >>> up, unsorted = descending(("Smallest first.", "从小到大了。"))
    >>> up.test(pd.Series([1, 2, 3]), None), unsorted.test(pd.Series([3, 1, 2]), None)
    (True, True)
    >>> unsorted.test(pd.Series([3, 2, 1]), None)
    False
    """
    return (
        When(lambda answer, want: not answer.is_monotonic_decreasing
             and answer.is_monotonic_increasing, *smallest_up),
        When(lambda answer, want: not answer.is_monotonic_decreasing,
             "The values are right but not sorted from the largest down: put the "
             "largest first.",
             "数值正确但没有从大到小排序：请把最大的放在最前面。"),
    )
