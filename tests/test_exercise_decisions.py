"""Discussion exercises: the check judges the numbers, never the stated decision.

Each "Discussion" exercise asks for a decision (a True/False) and the numbers behind it.
The decision is read by the instructor with the reasoning cell (graded by hand against
its rubric), so neither ``crmlab.check`` nor the grader judges it: flipping it, either
way, changes neither the verdict nor the score, a wrong number still fails with its own
sentence, and the feedback says who reads the decision without saying whether it is
right.
"""

from __future__ import annotations

import importlib

import pytest
from exercise_helpers import SOLUTIONS, english  # noqa: F401 - english is an autouse fixture

from crmlab.exercises import set_language
from crmlab.exercises._judging import Mistake, When
from crmlab.exercises._registry import judge, lookup
from crmlab.grading import layout
from crmlab.grading.judge import judge as grader_judge

#: Discussion exercise -> (its decision, its solution notebook).
DISCUSSIONS = {
    "1.8": ("budget_channel", "01_acquisition"),
    "2.8": ("drop_prospects", "02_man_rule"),
    "3.7": ("frequent_always_valuable", "03_rfm"),
    "4.9": ("contradictory", "04_pyramid_long_tail"),
    "5.9": ("treat_all_same", "05_key_accounts"),
    "6.6": ("high_spend_is_high_value", "06_segmentation"),
    "7.8": ("promise_more", "07_satisfaction"),
    "8.7": ("fair_guide", "08_management_bias"),
    "9.7": ("necessarily_lost", "09_clv"),
    "11.6": ("bundle", "11_customer_needs"),
}


def _right(qid: str) -> dict:
    chapter = importlib.import_module(f"crmlab.exercises.ch{int(qid.split('.')[0]):02d}")
    return dict(chapter.expected(qid))


def _wrong(qid: str, right: dict) -> tuple[dict, str]:
    """A wrong number of the exercise and the sentence that names its mistake."""
    if qid == "3.7":  # the threshold is the student's: one below the median is not "often"
        return {**right, "min_frequency": 1}, "is not 'buys often'"
    ex = lookup(qid)
    for name, part in ex.parts.items():
        found = part.mistakes(right[name]) if callable(part.mistakes) else part.mistakes
        for item in found:
            if not isinstance(item, When) and not isinstance(item[0], bool):
                wrong = Mistake(*item)
                return {**right, name: wrong.wrong}, wrong.en.split(":")[0]
    raise AssertionError(f"{qid}: no known mistake of a number")


@pytest.mark.parametrize("qid", DISCUSSIONS)
def test_the_record_names_the_decision(qid):
    decision, _ = DISCUSSIONS[qid]
    assert lookup(qid).decision == decision
    assert decision in _right(qid)


@pytest.mark.parametrize("qid", DISCUSSIONS)
def test_flipping_the_decision_changes_nothing(qid):
    """Right numbers pass and a wrong number fails, whatever the decision, both ways."""
    decision, _ = DISCUSSIONS[qid]
    right = _right(qid)
    wrong, sentence = _wrong(qid, right)
    for answer, passed in ((right, True), (wrong, False)):
        results = [judge(qid, {**answer, decision: stated})
                   for stated in (True, False, not answer[decision], "no", ...)]
        assert [r.passed for r in results] == [passed] * len(results), qid
        assert all(r.problems == results[0].problems for r in results), qid
        for r in results:
            text = r.message()
            assert "instructor reads it with your reasoning" in text
            assert "Not quite" not in text and "look at the numbers again" not in text
        if not passed:
            assert sentence in " ".join(results[0].problems), (qid, results[0].problems)
    missing = judge(qid, {k: v for k, v in right.items() if k != decision})
    assert missing.passed and "not stated yet" in missing.message()


@pytest.mark.parametrize("qid", DISCUSSIONS)
def test_the_grader_scores_the_numbers_alone(qid):
    """The public check and the hidden tests of the solution: same status either way."""
    decision, notebook = DISCUSSIONS[qid]
    grade_id = "check_" + qid.replace(".", "_")
    (cell,) = [e for e in layout(SOLUTIONS / f"{notebook}.ipynb").exercises
               if e.grade_id == grade_id]
    right = _right(qid)
    wrong, _ = _wrong(qid, right)
    for answer, status in ((right, "passed"), (wrong, "failed")):
        got = {grader_judge(cell, {**answer, decision: stated})[0] for stated in (True, False)}
        assert got == {status}, (qid, got)
    status, reason = grader_judge(cell, {**right, decision: True})
    assert f"`{decision}` = True" in reason  # the instructor sees what the student decided


def test_the_note_in_chinese():
    decision, _ = DISCUSSIONS["2.8"]
    set_language("zh")
    text = judge("2.8", {**_right("2.8"), decision: True}).message()
    assert "老师会结合你的理由一起评阅" in text and "`drop_prospects` = True" in text
