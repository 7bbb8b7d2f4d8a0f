"""Feedback that teaches (issue 13): tiered hints, the attempt log, what differs without
the target, precision that matches the task, Unicode text and feedback fully in Chinese."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from exercise_helpers import english  # noqa: F401  (autouse fixture)

from crmlab import CRMDataError
from crmlab.exercises import CheckFailed, Exercise, Hint, Tolerance, check, register, set_language
from crmlab.exercises._attempts import FILE, read_attempts, record
from crmlab.exercises._compare import compare, normal_text
from crmlab.exercises._registry import judge, pointer

TASK = Hint("Give the share of leads won, as a fraction.", "给出赢得的线索占比（小数）。")
NUDGE = Hint("A share is a part over the whole: which count is the whole?",
             "占比是部分除以整体：哪个数是整体？")


@pytest.fixture(scope="module", autouse=True)
def records():
    register(Exercise("96.1", expected=lambda: 0.4321, task=TASK,
                      hints=[NUDGE, pointer("Series.mean")]),
             Exercise("96.2", expected=lambda: {"a": 1.23456, "b": 2.0},
                      hints=[NUDGE, pointer("round")]),
             Exercise("96.3", expected=lambda: 12.3456789, tolerance=Tolerance(decimals=3),
                      hints=[NUDGE]),
             Exercise("96.4", expected=lambda: "Can't Lose Them", hints=[NUDGE]))


@pytest.fixture
def log(tmp_path, monkeypatch):
    path = tmp_path / FILE
    monkeypatch.setenv("CRMLAB_ATTEMPTS", str(path))
    return path


def _feedback(qid, answer) -> str:
    with pytest.raises(CheckFailed) as err:
        check(qid, answer)
    return err.value.result.message()


# ---------------------------------------------------------------- tiers and the log


def test_hints_climb_in_tiers_and_the_log_keeps_every_try(log):
    blank = _feedback("96.1", ...)
    assert "Not answered yet" in blank and TASK.en in blank and "Series.mean" not in blank
    assert not log.exists()  # an untouched answer is not a try
    first, second, third = (_feedback("96.1", v) for v in (0.5, 0.6, 0.7))
    assert NUDGE.en in first and NUDGE.en in second
    assert "Series.mean" not in first + second
    assert "Look at Series.mean." in third and NUDGE.en not in third
    check("96.1", 0.4321, quiet=True)
    entries = read_attempts(log)
    assert [(e["exercise"], e["passed"]) for e in entries] == [("96.1", False)] * 3 + [
        ("96.1", True)]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", e["time"])
               for e in entries)
    # another kernel (a restart) keeps counting from the file
    assert "Look at Series.mean." in _feedback("96.1", 0.8)


def test_judge_without_tries_gives_the_most_direct_hint():
    assert judge("96.1", 0.5).hint == "Look at Series.mean."
    assert judge("96.1", 0.5, tries=1).hint == NUDGE.en
    assert judge("96.1", ...).hint == TASK.en


def test_an_unwritable_folder_or_a_broken_log_never_stops_a_check(tmp_path, monkeypatch):
    not_a_folder = tmp_path / "a_file"  # not writable as a folder, even by root
    not_a_folder.write_text("", encoding="utf-8")
    monkeypatch.setenv("CRMLAB_ATTEMPTS", str(not_a_folder / FILE))
    counts = [record("96.9", False) for _ in range(3)]
    assert counts == [1, 2, 3]  # counted in memory
    assert "Look at Series.mean." in "".join(_feedback("96.1", 0.9) for _ in range(3))
    broken = tmp_path / FILE
    broken.write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("CRMLAB_ATTEMPTS", str(broken))
    assert "96.1 not yet" in _feedback("96.1", 0.9)
    assert broken.read_text(encoding="utf-8") == "{not json"  # left as it was
    broken.write_text(json.dumps({"a": 1}), encoding="utf-8")
    assert read_attempts(broken) == []
    monkeypatch.setenv("CRMLAB_ATTEMPTS", "off")
    check("96.1", 0.4321, quiet=True)
    assert not (tmp_path / "off").exists()


def test_a_dict_of_dots_is_untouched_but_one_part_answered_is_a_try(log):
    assert "Not answered yet" in _feedback("96.2", {"a": ..., "b": ...})
    assert not log.exists()
    assert "[a] Not answered yet" in _feedback("96.2", {"a": ..., "b": 2.0})
    assert read_attempts(log)[-1]["passed"] is False


# ---------------------------------------------------------------- what differs, no target


def test_feedback_says_what_differs_without_the_target():
    assert "sign" in compare(-0.4321, 0.4321)[0]
    assert "about 1,000 times too large" in compare(43210.0, 43.21)[0]
    assert "about 1,000 times too small" in compare(0.04321, 43.21)[0]
    assert compare(0.43, 0.4321) == [
        "0.43 is rounded to 2 decimals: keep full precision (round only what you print)."]
    want = pd.Series([1.5, 2.25, 3.0], index=["a", "b", "c"])
    text = compare(pd.Series([1.5, 9.0, 3.0], index=["a", "b", "c"]), want)[0]
    assert "first at b (you have 9, too high)" in text and "2.25" not in text
    assert "rounded to 0 decimals" in compare(want.round(), want)[0]
    frame = compare(want.to_frame("x").assign(x=[1.5, 0.0, 3.0]), want.to_frame("x"))[0]
    assert "'x'" in frame and "2.25" not in frame


# ---------------------------------------------------------------- precision


def test_unrounded_answers_are_compared_at_relative_1e_6():
    assert judge("96.1", 0.4321 * (1 + 5e-7)).passed
    assert not judge("96.1", 0.4321 * (1 + 5e-6)).passed
    assert "rounded to 2 decimals" in judge("96.1", 0.43).problems[0]


def test_to_n_decimals_is_exactly_that_rounding():
    assert judge("96.3", 12.346).passed and judge("96.3", 12.3456789).passed
    assert not judge("96.3", 12.35).passed  # two decimals where three are asked
    assert not judge("96.3", 12.347).passed
    assert Tolerance(decimals=2).options()["atol"] == pytest.approx(0.005)


# ---------------------------------------------------------------- text


@pytest.mark.parametrize("spelled", ["Can’t Lose Them", "can't  lose them", " Can‘t Lose Them ",
                                     "Ｃａｎ'ｔ Ｌｏｓｅ Ｔｈｅｍ"])
def test_text_is_compared_after_unicode_normalisation(spelled):
    assert judge("96.4", spelled).passed


def test_a_difference_of_spelling_only_is_named():
    text = " ".join(judge("96.4", "Cant-Lose-Them").problems)
    assert "only in its spelling" in text and "Can't Lose Them" not in text
    assert "is not the answer" in judge("96.4", "Hibernating").problems[0]
    assert normal_text("ＡＢＣ　“x”") == 'abc "x"'


# ---------------------------------------------------------------- Chinese


def test_chinese_feedback_names_the_kinds_in_chinese_with_full_width_punctuation():
    set_language("zh")
    assert compare(pd.Series([1.0]), 0.5) != []
    text = compare(pd.Series([1.0, 2.0]), 0.5)[0]
    assert text == "应为数值，实际得到序列。"
    assert compare(0.5, pd.DataFrame({"a": [1]}))[0] == "应为数据框，实际得到数值。"
    assert compare([1], {"a": 1})[0] == "应为字典，实际得到列表。"
    assert "True 或 False" in compare("yes", True)[0]
    message = judge("96.1", ...).message()
    assert "尚未作答" in message and "题目：" in message and TASK.zh in message
    assert "看起来是百分数" in compare(np.float64(43.21), 0.4321)[0]
    with pytest.raises(CRMDataError, match="题号的格式"):
        judge("three", 1)
    with pytest.raises(CRMDataError, match="没有练习"):
        judge("3.99", 1)


def test_chinese_sentences_use_full_width_punctuation():
    from crmlab.exercises._text import MESSAGES

    for key, (_, zh) in MESSAGES.items():
        assert not re.search(r"[\u4e00-\u9fff][:,;?!]|[:,;?!][\u4e00-\u9fff]", zh), (key, zh)
        assert not re.search(r"(?<![\w.])(number|Series|DataFrame)(?![\w(])", zh), (key, zh)
