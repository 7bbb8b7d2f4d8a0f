"""Feedback teaches in words: no wrong-answer sentence, task or nudge of any exercise holds code.

``tests/test_exercises_as_shipped.py`` runs every shipped notebook untouched; this test
reads every record instead, so the sentences only a wrong answer shows are checked too:
the known mistakes (fixed, or computed from the expected answer), the checks before and
after the comparison, the per-part mistakes, the task restated and the nudge in words.
The pointer tier may name a function (``pyramid.top_share``), never a finished call.
"""

from __future__ import annotations

import re

import pytest

from crmlab.exercises._judging import Mistake, When
from crmlab.exercises._registry import lookup, questions

CHAPTERS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11]
# code: a call of a (lower-case, Python) name, ".method(", indexing with a string, a
# comparison operator. Maths is not code: "Beta(a, b)", "S(10) / S(9)", "P(alive)"; a
# function may be named ("as bias.priority_drivers does"), not called.
CODE = re.compile(r"(?<![A-Za-z])[a-z_][a-z0-9_]*\(|\.\w+\(|\[['\"]|==|>=|<=|!=")


def _sentences(items, want):
    items = items(want) if callable(items) else items
    for item in items or ():
        if isinstance(item, (Mistake, When)):
            yield item.en
            yield item.zh
        elif isinstance(item, tuple) and len(item) == 3:
            yield item[1]
            yield item[2]


def _texts(ex):
    want = ex.expected() if ex.expected is not None else None
    yield from _sentences(ex.mistakes, want)
    yield from _sentences(ex.before, want)
    yield from _sentences(ex.after, want)
    for key, part in ex.parts.items():
        part_want = want.get(key) if isinstance(want, dict) else None
        yield from _sentences(part.mistakes, part_want)
    if ex.task is not None:
        yield ex.task.en
        yield ex.task.zh
    for hint in ex.hints:
        if not hint.en.startswith("Look at "):  # the nudges in words, not the pointer
            yield hint.en
            yield hint.zh


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[f"ch{c:02d}" for c in CHAPTERS])
def test_no_feedback_sentence_holds_code(chapter):
    found = []
    for qid in questions(chapter):
        ex = lookup(qid)
        for text in _texts(ex):
            if text and CODE.search(text):
                found.append(f"{qid}: {text}")
    assert not found, "\n".join(found)
