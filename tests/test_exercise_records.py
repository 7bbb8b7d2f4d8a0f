"""The exercise records: one declarative record per exercise, judged one way.

What every chapter's records must satisfy (an answer key computed from the data, hints
in both languages, the datasets named, every known mistake reachable), and how
:func:`crmlab.exercises._registry.problems` judges a record, on small made-up records.
"""

from __future__ import annotations

import pandas as pd
import pytest
from exercise_helpers import english  # noqa: F401  (autouse fixture)

import crmlab
from crmlab import CRMDataError
from crmlab.exercises import set_language
from crmlab.exercises._judging import Convention, Mistake, When, judge_parts
from crmlab.exercises._registry import (
    _EXERCISES,
    Exercise,
    Hint,
    Part,
    Tolerance,
    lookup,
    problems,
    questions,
    register,
)

CHAPTERS = [*range(1, 10), 11]


def _records(chapter):
    return [lookup(qid) for qid in questions(chapter)]


def _mistakes(source, want):
    return list(source(want) if callable(source) else source)


# ---------------------------------------------------------------- every chapter


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[f"ch{c:02d}" for c in CHAPTERS])
def test_every_exercise_is_a_record_with_an_answer_key(chapter):
    import importlib

    module = importlib.import_module(f"crmlab.exercises.ch{chapter:02d}")
    records = _records(chapter)
    assert list(module.EXERCISES.values()) == records  # the module's table is the registry's
    datasets = set(crmlab.list_datasets())
    for ex in records:
        assert isinstance(ex, Exercise) and ex.expected is not None, ex.qid
        assert ex.hints and all(isinstance(h, Hint) and h.en and h.zh for h in ex.hints)
        assert set(ex.data) <= datasets, (ex.qid, ex.data)
        want = ex.expected()
        assert want is not None and want is not Ellipsis
        assert problems(ex, want) == [], ex.qid  # the answer key passes its own checks
        if ex.parts:
            assert isinstance(want, dict) and set(ex.parts) <= set(want), ex.qid


def test_records_from_the_bundled_data_name_it():
    """Only the worked examples (numbers given in the exercise), two "about these data"
    exercises (4.7, 5.7: they call datasets.simulate, not load_data) and the concept
    checks (a letter, A to D, 选择题 style) read no dataset."""
    worked = {qid for c in CHAPTERS for qid in questions(c) if not lookup(qid).data
              and lookup(qid).expected() not in ("A", "B", "C", "D")}
    assert worked == {"5.5", "5.6", "7.2", "9.1", "9.2", "9.6", "4.7", "5.7"}


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[f"ch{c:02d}" for c in CHAPTERS])
def test_every_known_mistake_fails_with_its_own_sentence(chapter):
    """No known wrong answer equals the right one, and none is hidden by another."""
    count = 0
    for ex in _records(chapter):
        if ex.judge is not None:  # open questions judge the choice first
            continue
        want = ex.expected()
        if isinstance(want, dict):
            cases = [(key, m) for key, part in ex.parts.items()
                     for m in _mistakes(part.mistakes, want[key])]
        else:
            cases = [(None, m) for m in _mistakes(ex.mistakes, want)]
        for key, mistake in cases:
            if isinstance(mistake, When):
                continue
            wrong, en, _ = mistake
            answer = wrong if key is None else {**want, key: wrong}
            found = problems(ex, answer)
            assert found, (ex.qid, key, en)
            assert any(en in line for line in found), (ex.qid, key, en, found)
            count += 1
    assert count >= 10 or chapter == 3  # chapter 3 relies on the comparator's feedback


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[f"ch{c:02d}" for c in CHAPTERS])
def test_an_answer_of_the_wrong_kind_always_fails(chapter):
    class Nothing:
        pass

    for ex in _records(chapter):
        for answer in (Nothing(), ..., None):
            assert problems(ex, answer), (ex.qid, answer)


# ---------------------------------------------------------------- how a record is judged


@pytest.fixture
def share():
    return Exercise(
        "97.1", expected=lambda: 0.25, data=("leads",),
        mistakes=lambda want: [Mistake(1 - want, "The share kept, not lost.", "这是留下的比例。"),
                               When(lambda answer, want: answer == 0.5, "Half?", "一半？")],
        hints=[Hint("Task.", "任务。"), Hint("Divide.", "相除。")])


def test_a_value_mistake_a_test_and_the_comparator(share):
    assert problems(share, 0.25) == []
    assert problems(share, 0.75) == ["The share kept, not lost."]
    assert problems(share, 0.5) == ["Half?"]
    assert problems(share, 25) == [
        "25 looks like a percentage: rates in crmlab are fractions (0.25 rather than 25)."]
    assert problems(share, 0.3) == ["0.3 is too high."]
    assert problems(share, 0.25000002) == []  # within the default tolerance (relative 1e-6)
    assert "too high" in problems(share, 0.2500004)[0]  # beyond it
    assert problems(share, None)[0].startswith("Not answered yet")


def test_the_most_direct_hint_is_shown_in_the_language_in_force(share):
    register(share)
    from crmlab.exercises._registry import judge

    assert judge("97.1", 0.5).hint == "Divide."
    set_language("zh")
    assert judge("97.1", 0.5).hint == "相除。"
    assert judge("97.1", 0.5).problems == ["一半？"]
    assert judge("97.1", 0.25).hint == ""


def test_before_parts_and_after():
    calls = []

    def expected():
        calls.append(1)
        return {"rate": 0.4, "label": "Gold", "counts": pd.Series([3, 2], index=["a", "b"])}

    ex = Exercise(
        "97.2", expected=expected,
        before=[When(lambda answer, want: isinstance(answer, dict)
                     and answer.get("rate") == want["label"], "Swapped.", "对调了。")],
        parts={"rate": Part(mistakes=lambda want: [(want * 100, "A percentage.", "百分数。")],
                            tolerance=Tolerance(rtol=0.1)),
               "label": Part(judge=lambda value, want: [] if value == want else ["Not it."])},
        after=[When(lambda answer, want: answer["counts"].index[0] != "a", "Order.", "顺序。")],
        ordered=False)
    right = expected()
    assert problems(ex, right) == []
    assert problems(ex, {**right, "rate": 0.42}) == []  # the part's own tolerance
    assert problems(ex, {**right, "rate": 40.0}) == ["[rate] A percentage."]
    assert problems(ex, {**right, "label": "gold"}) == ["[label] Not it."]
    assert problems(ex, {**right, "rate": "Gold"}) == ["Swapped."]
    assert problems(ex, {**right, "counts": right["counts"].iloc[::-1]}) == ["Order."]
    assert problems(ex, {"rate": 0.4})[0].startswith("Missing key(s): label")
    assert problems(ex, [0.4])[0] == "Expected dict, got list."
    assert len(calls) == 1 + 8  # the answer key is computed each time an answer is judged


def test_every_part_convention_reports_each_wrong_part():
    ex = Exercise("97.3", expected=lambda: {"a": 1.0, "b": 2.0},
                  convention=Convention(mistake_rtol=None, name_rounding=False,
                                        every_part=True),
                  parts={"b": Part(judge=lambda value, want: [] if value == want else
                                   ["`b`: named already."])})
    assert problems(ex, {"a": 5.0, "b": 3.0}) == ["`a`: 5 is too high.", "`b`: named already."]
    assert problems(ex, {"a": ..., "b": ...}) == problems(ex, ...)  # untouched: said once
    assert problems(ex, {"a": ..., "b": 2.0})[0] == "`a`: " + problems(ex, ...)[0]


def test_name_rounding_follows_the_convention():
    rounded = Exercise("97.4", expected=lambda: 0.123456)
    plain = Exercise("97.4", expected=lambda: 0.123456, convention=Convention(
        name_rounding=False))
    assert "rounded to 2 decimals" in problems(rounded, 0.12)[0]
    assert problems(plain, 0.13) == ["0.13 is too high."]
    assert "rounded to 2 decimals" in problems(plain, 0.12)[0]  # the comparator names it too


def test_a_custom_judge_gets_the_answer_key():
    ex = Exercise("97.5", expected=lambda: {"pick": "a"},
                  judge=lambda answer, want: [] if answer in ("a", "b") else [f"not {want}"])
    assert problems(ex, "b") == [] and problems(ex, "c") == ["not {'pick': 'a'}"]
    assert problems(ex, ...)[0].startswith("Not answered yet")


def test_badly_made_records_are_clear_errors():
    with pytest.raises(CRMDataError, match="give the expected answer or a judge"):
        Exercise("97.6", expected=None)
    ex = Exercise("97.7", expected=lambda: {"a": 1}, parts={"b": Part()})
    with pytest.raises(CRMDataError, match=r"parts \['b'\] are not in the expected answer"):
        problems(ex, {"a": 1})


def test_judge_parts_keeps_a_problem_that_names_its_part():
    want = {"x": True}
    custom = {"x": lambda value: ["[x] kept as it is"]}
    assert judge_parts({"x": False}, want, {}, custom=custom) == ["[x] kept as it is"]
    assert judge_parts({"x": False}, want, {}, custom={"x": lambda v: ["plain"]}) == ["[x] plain"]


def test_lookup_loads_the_chapter_and_knows_every_exercise():
    assert lookup("4.2").qid == "4.2" and "4.2" in _EXERCISES
    with pytest.raises(CRMDataError, match="No exercise '4.12'. Exercises of chapter 4: 4.1"):
        lookup("4.12")
