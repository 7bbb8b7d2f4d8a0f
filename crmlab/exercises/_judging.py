"""Judging helpers shared by the chapter checkers (:mod:`crmlab.exercises.ch01` ... ``ch09``).

A chapter's validator compares an answer with the expected value through
:func:`~crmlab.exercises._compare.compare`; when the answer is wrong, :func:`judge` looks
for a known wrong answer it equals (a :data:`Mistake`: the value, and one sentence in
English and in Chinese saying what it is) and says that instead of "too high".
:func:`judge_parts` does the same for a dict answer, part by part.

Two conventions are in use. Chapters 1, 2, 4, 6, 7 and 8 (the defaults) match a
mistake at a tight tolerance, so two mistakes close to each other are told apart, name a
float rounded from the expected value as such, and report the first wrong part only,
prefixed ``[part]``. Chapters 5 and 9 (``mistake_rtol=None, name_rounding=False``, and
``every=True`` for the parts) match a mistake at the answer's own tolerance and report
every wrong part, prefixed with its name in backquotes.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable

from crmlab.exercises._compare import _kind, compare
from crmlab.exercises._text import language, say

#: A known wrong answer: (wrong value, English message, Chinese message).
Mistake = tuple[object, str, str]
#: The known mistakes of an answer, or a function returning them (called only when the
#: answer is wrong, and a generator only until one matches: some need a model fit).
Mistakes = Iterable[Mistake] | Callable[[], Iterable[Mistake]]

#: The relative tolerance at which a mistake is matched by default.
TIGHT = 1e-7

CUSTOMER_SHARE_NOT_COUNT = (
    "That is a share of customers, not a number of customers: count them "
    "(.sum() of a True/False condition, or len(...)).",
    "这是客户占比，不是客户人数：请计数（对 True/False 条件求 .sum()，或用 len(...)）。")


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
            return [tell(f"{answer} is rounded to {digits} decimals: keep full "
                         f"precision (round only what you print).",
                         f"{answer} 被四舍五入到 {digits} 位小数：请保留完整精度"
                         f"（只在打印时取整）。")]
    return []


def judge(answer, want, mistakes: Mistakes = (), *, rtol: float = 1e-4, atol: float = 1e-8,
          ordered: bool = True, mistake_rtol: float | None = TIGHT,
          mistakes_in_any_order: bool = False, name_rounding: bool = True) -> list[str]:
    """Compare; if wrong, name the known mistake the answer matches, if any.

    A mistake is matched at ``mistake_rtol`` (None: at the answer's ``rtol``), in the
    answer's order unless ``mistakes_in_any_order``. Failing that, with
    ``name_rounding`` a float rounded from the expected value is named as such.
    """
    problems = compare(answer, want, rtol=rtol, atol=atol, ordered=ordered)
    if not problems or answer is Ellipsis or answer is None:
        return problems
    for wrong, en, zh in mistakes() if callable(mistakes) else mistakes:
        if matches(answer, wrong, ordered=ordered and not mistakes_in_any_order,
                   rtol=rtol if mistake_rtol is None else mistake_rtol, atol=atol):
            return [tell(en, zh)]
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
    backquotes.
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
            return [f"[{key}] {found[0]}"]
        problems += [f"`{key}`: {p}" for p in found]
    return problems


def choice(answer, choices: list[str]) -> str | None:
    """Return the normalised choice, or None when ``answer`` is not one of ``choices``."""
    if not isinstance(answer, str):
        return None
    got = answer.strip().casefold().replace(" ", "_").replace("-", "_")
    return got if got in choices else None


def not_a_choice(answer, choices: list[str], what: str, what_zh: str) -> list[str]:
    """Say that ``answer`` is not one of ``choices`` (the comparator's feedback if not text)."""
    if not isinstance(answer, str):
        return compare(answer, choices[0])
    names = ", ".join(repr(c) for c in choices)
    return [tell(f"{answer!r} is not {what}: answer with one of {names}.",
                 f"{answer!r} 不是{what_zh}：请从 {names} 中选一个作答。")]


def sorted_down(answer, smallest_up: tuple[str, str]) -> list[str]:
    """The values are right: say whether they are sorted from the largest down.

    ``smallest_up`` is the (English, Chinese) feedback for values sorted the other way.
    """
    if answer.is_monotonic_decreasing:
        return []
    if answer.is_monotonic_increasing:
        return [tell(*smallest_up)]
    return [tell("The values are right but not sorted from the largest down: "
                 "use .sort_values(ascending=False).",
                 "数值正确但没有从大到小排序：请用 .sort_values(ascending=False)。")]
