"""One answer model for the notebook and the grader (:mod:`crmlab.exercises.answers`).

``crmlab.check`` judges an answer as the grader sees it, so every answer is accepted or
rejected the same way in both places; numpy scalars, 0-d arrays and one-value arrays
answer a question that asks for a number; and no checker raises on an odd kind of
answer: it explains.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from exercise_helpers import english  # noqa: F401  (autouse fixture)
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from hypothesis.extra import pandas as hpd

from crmlab.exercises import questions
from crmlab.exercises._registry import judge, lookup
from crmlab.exercises.answers import (
    MAX_DEPTH,
    Opaque,
    as_graded,
    from_plain,
    kernel_source,
    to_plain,
)

KERNEL: dict = {}
exec(kernel_source("__crmlab_plain"), KERNEL)  # what the export cell defines in the kernel


def sent(value):
    """A value as it leaves the student's kernel and is read by the grader."""
    return from_plain(json.loads(json.dumps(KERNEL["__crmlab_plain"](value))))


# ---------------------------------------------------------------- the round trip


def test_the_kernel_runs_the_same_encoder_as_the_package():
    value = {"s": pd.Series([1.5, np.nan], index=pd.Index(["a", "b"], name="id"), name="x"),
             "t": (1, "a"), "d": pd.Timestamp("2024-03-01"), "n": np.int64(3)}
    assert KERNEL["__crmlab_plain"](value) == to_plain(value)


def test_floats_come_back_exactly_and_types_are_kept():
    x = 0.1 + 0.2
    back = sent(pd.Series([x, 1 / 3], index=pd.Index([10, 20], name="k"), name="v"))
    assert back.tolist() == [x, 1 / 3] and back.index.tolist() == [10, 20]
    assert back.index.name == "k" and back.name == "v"
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"],
                          "d": pd.to_datetime(["2024-01-01", "2024-02-01"]),
                          "c": pd.Categorical(["hi", "lo"], categories=["lo", "hi"],
                                              ordered=True)},
                         index=pd.Index(["r1", "r2"], name="row"))
    pd.testing.assert_frame_equal(sent(frame), frame)
    multi = pd.Series([1, 2], index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)],
                                                              names=["l", "n"]))
    pd.testing.assert_series_equal(sent(multi), multi)
    assert sent((1, (2, 3))) == (1, (2, 3)) and sent({1, 2}) == {1, 2}
    assert sent(np.array([[1, 2]])).shape == (1, 2) and sent(np.array(2.5)).shape == ()
    assert sent(...) is Ellipsis and sent(None) is None and np.isnan(sent(float("nan")))
    twice = as_graded(as_graded(frame))  # what the grader's check sees again
    pd.testing.assert_frame_equal(twice, frame)


@given(hpd.series(dtype=float, index=hpd.range_indexes(max_size=20)))
def test_any_float_series_round_trips(series):
    pd.testing.assert_series_equal(sent(series), series, check_index_type=False)


@given(hnp.arrays(dtype=st.sampled_from([np.int64, np.float64, np.bool_]),
                  shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)))
def test_any_array_round_trips(array):
    back = sent(array)
    assert back.shape == array.shape and back.dtype == array.dtype
    np.testing.assert_array_equal(back, array)


def test_what_is_not_plain_data_is_described_in_words():
    assert repr(sent(print)) == "<a function (builtin_function_or_method)>"
    assert sent(complex(1, 2)).describe() == "a complex number (complex)"
    import os

    assert isinstance(sent(os), Opaque) and sent(pd) is pd  # only the course's modules


@pytest.mark.parametrize("data", [
    {"__pickle__": "gASVAAAA"},  # an unknown tag: never unpickled
    {"__series__": {"name": None, "index": {"values": [1], "dtype": "int64",
                                            "names": [None]}, "values": [1, 2],
                    "dtype": "int64"}},  # lengths differ
    {"__array__": {"shape": [3], "values": [1], "dtype": "int64"}},
    {"__array__": {"shape": [-1], "values": [], "dtype": "int64"}},
    {"__dict__": [[[1], 2, 3]]},
    {"__module__": "os"},
    {"__float__": "1e999999"},
    {"__datetime__": "x" * 1000},
    {"__frame__": "not a dict"},
    {"a": 1, "b": 2, "c": 3},
])
def test_the_reader_is_defensive(data):
    back = from_plain(data)
    assert isinstance(back, Opaque)


def test_the_reader_limits_depth():
    deep: object = 1
    for _ in range(MAX_DEPTH + 5):
        deep = [deep]
    assert isinstance(from_plain(deep), Opaque)


# ---------------------------------------------------------------- one model


@pytest.mark.parametrize("answer", [np.float64(0.25), np.array(0.25), np.array([0.25]),
                                    np.float32(0.25)], ids=["scalar", "0-d", "1-element",
                                                             "float32"])
def test_numpy_numbers_pass_in_the_notebook_and_the_grader(answer):
    from crmlab.exercises import exercise

    @exercise("0.7")
    def _():
        return 0.25

    assert judge("0.7", answer).passed and judge("0.7", sent(answer)).passed


@pytest.mark.parametrize(("answer", "words"), [
    (pd.Series([0.25]), ".iloc[0]"), ([0.25], "[0]"), (pd.DataFrame({"x": [0.25]}), ".iloc[0, 0]"),
    (np.array([0.25, 0.5]), "Expected number, got list"), (print, "got a function"),
])
def test_one_value_containers_fail_the_same_way_with_a_way_out(answer, words):
    from crmlab.exercises import exercise

    @exercise("0.8")
    def _():
        return 0.25

    mine, grader = judge("0.8", answer), judge("0.8", sent(answer))
    assert not mine.passed and mine.problems == grader.problems
    assert words in " ".join(mine.problems)


def test_the_clv_horizon_check_takes_a_one_value_array():  # it raised a TypeError (issue 12)
    from crmlab.exercises.ch09 import expected

    want = expected("9.2")
    answer = {"clv_growth": np.array([want["clv_growth"]]),
              "years_90": np.array([want["years_90"]])}
    assert judge("9.2", answer).passed and judge("9.2", sent(answer)).passed
    half = {**answer, "years_90": np.array([want["years_90"] + 3e-4])}  # within tolerance
    assert "whole number" in " ".join(judge("9.2", half).problems)


ODD = {"1-element array": np.array([0.3]), "0-d array": np.array(0.3),
       "numpy int": np.int64(3), "Series of one": pd.Series([0.3]), "list of one": [0.3],
       "text": "abc", "nan": float("nan"), "function": print, "dict": {"a": 1},
       "2-d array": np.array([[1, 2], [3, 4]]), "empty Series": pd.Series([], dtype=float)}


@pytest.mark.parametrize("chapter", range(1, 10))
def test_no_checker_raises_on_an_odd_answer(chapter):
    """Every exercise, and every part of a dict answer, judged with odd kinds of value."""
    for qid in questions(chapter):
        ex = lookup(qid)
        want = ex.expected() if ex.expected is not None else None
        cases = [(qid, odd) for odd in ODD.values()]
        if isinstance(want, dict):
            cases += [(qid, {**want, key: odd}) for key in want for odd in ODD.values()]
        for _, answer in cases:
            result = judge(qid, answer)  # never raises
            assert result.passed or result.problems, (qid, answer)
            assert judge(qid, sent(answer)).passed == result.passed, (qid, answer)
