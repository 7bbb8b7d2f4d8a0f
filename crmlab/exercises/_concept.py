"""Concept checks: a bilingual multiple-choice question on a chapter's definitions.

The textbook's 选择题 style: one question, options A to D, one right letter. The answer
is a letter string (``concept_3 = "B"``); the comparator already accepts it after
Unicode normalisation (``"b"``, full-width ``"Ｂ"``, spaces around it). A wrong letter
gets the sentence written for that option, about the idea (why the option is wrong),
never naming the right letter; anything that is not one of A to D is told so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from crmlab.exercises._compare import compare, normal_text
from crmlab.exercises._judging import tell
from crmlab.exercises._registry import Exercise, Hint

__all__ = ["LETTERS", "concept_check", "letter_judge"]

#: The options of every concept check.
LETTERS = ("A", "B", "C", "D")


def _letter(answer: object) -> str | None:
    """The option an answer names (A to D), or None when it names none."""
    if not isinstance(answer, str):
        return None
    text = normal_text(answer).strip(" .)(（）。、").upper()
    return text if text in LETTERS else None


def letter_judge(right: str, wrong: Mapping[str, tuple[str, str]]
                 ) -> Callable[[Any, Any], list[str]]:
    """The judge of a concept check: the letter ``right``, and why each other one is wrong.

    The answer is compared after Unicode normalisation ("Ｂ", "b", " B." and "(B)" are B);
    a wrong letter gets its sentence from ``wrong`` (English, Chinese), about the idea,
    never naming the right letter; a letter without a sentence gets a general one.

    Examples
    --------
    >>> judge = letter_judge("B", {"A": ("A is a price.", "A 是价格。")})
    >>> judge("Ｂ", "B"), judge(" b.", "B"), judge("a", "B")
    ([], [], ['A is a price.'])
    >>> judge("E", "B")
    ["'E' is not one of the options: answer with one letter, A, B, C or D."]
    """
    def judge(answer: Any, want: Any) -> list[str]:
        got = _letter(answer)
        if got is None:  # a number or a list says its type too
            kind = [] if isinstance(answer, str) else compare(answer, right)
            return kind + [tell(f"{answer!r} is not one of the options: answer with one "
                                "letter, A, B, C or D.",
                                f"{answer!r} 不是选项之一：请只填一个字母：A、B、C 或 D。")]
        if got == right:
            return []
        return [tell(*wrong.get(got, ("That option does not fit the definition.",
                                      "这个选项不符合定义。")))]
    return judge


def concept_check(qid: str, right: str, wrong: Mapping[str, tuple[str, str]], *,
                  task: Hint, nudge: Hint) -> Exercise:
    """Return the record of a concept check whose answer is the letter ``right``.

    Parameters
    ----------
    qid : str
        The exercise id, e.g. ``"3.9"``.
    right : str
        The right option, one of :data:`LETTERS`.
    wrong : mapping of str to (str, str)
        For each other option, why it is wrong (English, Chinese), about the idea.
    task, nudge : Hint
        The question restated in words (for an untouched answer) and the hint after a
        wrong try.

    Examples
    --------
    >>> from crmlab.exercises._registry import problems
    >>> ex = concept_check("0.8", "B", {
    ...     "A": ("A counts orders, not days.", "A 数的是订单，不是天数。"),
    ...     "C": ("C is spend.", "C 是金额。"), "D": ("D is a score.", "D 是分数。")},
    ...     task=Hint("Pick one letter.", "选一个字母。"),
    ...     nudge=Hint("Think of days.", "想想天数。"))
    >>> problems(ex, "Ｂ"), problems(ex, " b"), problems(ex, "a")
    ([], [], ['A counts orders, not days.'])
    >>> problems(ex, "E")
    ["'E' is not one of the options: answer with one letter, A, B, C or D."]
    """
    if right not in LETTERS or set(wrong) != set(LETTERS) - {right}:
        raise ValueError(f"concept check {qid}: give the right letter and a sentence for each "
                         f"other option of {LETTERS}.")
    return Exercise(qid, expected=lambda: right, judge=letter_judge(right, wrong),
                    task=task, hints=[nudge])
