"""Compare a student's answer with the expected one and say, kindly, what differs.

Hand-written because no library gives feedback of this kind: ``pandas.testing`` and
``numpy.testing`` raise on the first difference with a message for developers. Here each
problem is one sentence a student can act on (the expected type, shape, columns, the first
differing rows) plus the hints for the usual mistakes: a rate given as a percentage, a
Series of one value instead of a number, scores off by one, the right values in the wrong
order, a column under another name. What differs is said without the target: the kind
of value, the sign, the scale ("about 100 times too large"), the rounding, the order,
which rows or keys differ, never the expected number. Text is compared after Unicode
normalisation (:func:`normal_text`).
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata

import numpy as np
import pandas as pd

from crmlab.exercises._text import say
from crmlab.exercises.answers import Opaque

__all__ = ["compare", "describe", "normal_text"]

#: Typographic quotes and dashes and their plain forms (NFKC keeps these apart).
_PLAIN = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'",
                        "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
                        "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "、": ","})


def normal_text(text: str) -> str:
    """Return text as it is compared: NFKC (full-width to half-width), plain quotes and
    dashes, one space between words, no case.

    Examples
    --------
    >>> normal_text("  Can’t   Lose Them ") == normal_text("can't lose them")
    True
    >>> normal_text("ＡＢＣ　客户")
    'abc 客户'
    """
    text = unicodedata.normalize("NFKC", str(text)).translate(_PLAIN)
    return " ".join(text.split()).casefold()


def _letters(text: str) -> str:
    """Text with only its letters and digits (to tell a difference of spelling only)."""
    return re.sub(r"[\W_]+", "", normal_text(text))


def describe(value: object) -> str:
    """Say what kind of value an answer is, in a student's words.

    Examples
    --------
    >>> describe(0.5), describe("0.5"), describe([1]), describe(print)
    ('number', 'text', 'list', 'builtin_function_or_method')
    """
    return _kind(value)


def _kind(value) -> str:
    if isinstance(value, Opaque):
        return value.describe()
    if value is None:
        return "None"
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, numbers.Number):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, pd.DataFrame):
        return "DataFrame"
    if isinstance(value, pd.Series):
        return "Series"
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Index)):
        return "list"
    if isinstance(value, dict):
        return "dict"
    return type(value).__name__


def _show(value) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    text = repr(value.item() if isinstance(value, np.generic) else value)
    return text if len(text) <= 40 else text[:37] + "..."


def _close(a, b, rtol, atol) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=rtol, abs_tol=atol)
    except (TypeError, ValueError):
        return False


def _number(answer, expected, rtol, atol) -> list[str]:
    kind = _kind(answer)
    if isinstance(answer, pd.Series) and len(answer) == 1 and _kind(answer.iloc[0]) == "number":
        return [say("series_of_one")]
    if isinstance(answer, pd.DataFrame) and answer.size == 1:
        return [say("frame_of_one")]
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
        kind = _kind(answer)
    if isinstance(answer, (list, tuple)) and len(answer) == 1 and _kind(answer[0]) == "number":
        return [say("list_of_one")]
    if kind == "text":
        return [say("number_as_text", got=_show(answer))]
    if kind != "number":
        return [say("want_type", want="number", got=kind)]
    if not math.isfinite(float(answer)):
        return [say("not_finite", got=_show(answer))]
    if _close(answer, expected, rtol, atol):
        return []
    if expected != 0 and _close(answer, expected * 100, rtol, atol):
        return [say("percentage", got=_show(answer))]
    if expected != 0 and _close(answer, expected / 100, rtol, atol):
        return [say("fraction_for_percent", got=_show(answer))]
    if 0 <= expected <= 1 and _close(answer, 1 - expected, rtol, atol):
        return [say("complement")]
    return _how_far(float(answer), float(expected), rtol, atol)


def _how_far(answer: float, expected: float, rtol, atol) -> list[str]:
    """Say how a wrong number differs (sign, power of ten, rounding, direction), not the target."""
    if expected != 0 and _close(answer, -expected, rtol, atol):
        return [say("sign", got=_show(answer))]
    if expected != 0 and answer != 0 and (answer > 0) == (expected > 0):
        power = math.log10(abs(answer / expected))
        if abs(power) >= 0.9 and abs(power - round(power)) < 0.05:
            big = power > 0
            return [say("scale", got=_show(answer), factor=f"{10 ** abs(round(power)):,}",
                        way="large" if big else "small", way_zh="大" if big else "小")]
    if isinstance(expected, float) and not float(expected).is_integer():
        for digits in range(0 if abs(expected) >= 10 else 1, 6):
            if round(expected, digits) != 0 and math.isclose(answer, round(expected, digits),
                                                             abs_tol=1e-12):
                return [say("rounded", got=_show(answer), digits=digits)]
    return [say("too_high" if answer > expected else "too_low", got=_show(answer))]


def _series(answer, expected, rtol, atol, ordered) -> list[str]:
    if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
        return [say("frame_not_series", col=str(answer.columns[0]))]
    if not isinstance(answer, pd.Series):
        return [say("want_type", want="Series", got=_kind(answer))]
    if len(answer) != len(expected):
        return [say("length", want=len(expected), got=len(answer))]
    if not answer.index.equals(expected.index):
        if set(answer.index) == set(expected.index):
            if ordered:
                return [say("order")]
            answer = answer.reindex(expected.index)
        else:
            extra = sorted(map(str, set(answer.index) - set(expected.index)))[:5]
            missing = sorted(map(str, set(expected.index) - set(answer.index)))[:5]
            return [say("index", extra=", ".join(extra) or "-", missing=", ".join(missing) or "-")]
    return _values(answer, expected, rtol, atol, name=None)


def _values(answer: pd.Series, expected: pd.Series, rtol, atol, name) -> list[str]:
    where = f" {say('in_column', col=name)}" if name is not None else ""
    numeric = pd.api.types.is_numeric_dtype(expected) and not pd.api.types.is_bool_dtype(expected)
    if numeric:
        got = pd.to_numeric(answer, errors="coerce")
        if got.isna().sum() > expected.isna().sum():
            return [say("non_numeric", where=where)]
        a = got.to_numpy(dtype=float)
        e = expected.to_numpy(dtype=float)
        same = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
        if same.all():
            return []
        diff = a - e
        finite = np.isfinite(diff)
        if finite.all() and np.allclose(diff, diff[0]) and float(diff[0]).is_integer():
            return [say("off_by", n=int(diff[0]), where=where)]
        if np.allclose(a, e * 100, rtol=rtol, atol=atol, equal_nan=True):
            return [say("percentage_column", where=where)]
        if np.allclose(np.sort(a), np.sort(e), rtol=rtol, atol=atol, equal_nan=True):
            return [say("shuffled", where=where)]
        for digits in range(0, 5):
            if np.isfinite(e).all() and not np.allclose(e, np.round(e, digits)) \
                    and np.allclose(a, np.round(e, digits), rtol=0, atol=1e-12):
                return [say("rounded_column", where=where, digits=digits)]
    else:
        same = (answer.astype(str).to_numpy() == expected.astype(str).to_numpy())
        if same.all():
            return []
    bad = np.flatnonzero(~same)
    rows = "; ".join(f"{expected.index[i]!s} ({say('got')} {_show(answer.iloc[i])}"
                     f"{_direction(answer.iloc[i], expected.iloc[i]) if numeric else ''})"
                     for i in bad[:3])
    return [say("rows_differ", n=len(bad), total=len(expected), where=where, rows=rows)]


def _direction(got, want) -> str:
    """``, too high`` / ``, too low`` for a wrong number in a row (never the target)."""
    try:
        got, want = float(got), float(want)
    except (TypeError, ValueError):
        return ""
    if not (math.isfinite(got) and math.isfinite(want)):
        return ""
    return ", " + say("row_high" if got > want else "row_low")


def _frame(answer, expected, rtol, atol, ordered) -> list[str]:
    if not isinstance(answer, pd.DataFrame):
        hint = say("series_not_frame") if isinstance(answer, pd.Series) else ""
        return [say("want_type", want="DataFrame", got=_kind(answer)) + hint]
    missing = [c for c in expected.columns if c not in answer.columns]
    if missing:
        extra = [c for c in answer.columns if c not in expected.columns]
        text = say("missing_columns", cols=", ".join(map(str, missing)))
        if extra:
            text += " " + say("extra_columns", cols=", ".join(map(str, extra[:5])))
        return [text]
    if len(answer) != len(expected):
        return [say("rows", want=len(expected), got=len(answer))]
    if not answer.index.equals(expected.index):
        if set(answer.index) == set(expected.index):
            if ordered:
                return [say("order")]
            answer = answer.reindex(expected.index)
        elif answer.index.equals(pd.RangeIndex(len(answer))) or expected.index.equals(
                pd.RangeIndex(len(expected))):
            answer = answer.set_axis(expected.index)
        else:
            return [say("index", extra="...", missing="...")]
    problems: list[str] = []
    for col in expected.columns:
        problems += _values(answer[col], expected[col], rtol, atol, name=col)
        if problems:
            break
    return problems


def compare(answer: object, expected: object, *, rtol: float = 1e-4, atol: float = 1e-8,
            ordered: bool = True) -> list[str]:
    """Return the problems with ``answer`` (an empty list when it matches ``expected``).

    Parameters
    ----------
    answer : object
        What the student computed.
    expected : object
        The reference: a number, bool, str, list/set, Series or DataFrame.
    rtol, atol : float
        Relative and absolute tolerance for numbers (``math.isclose``).
    ordered : bool, default True
        Whether the order of a list's items or of a Series/DataFrame's rows matters.

    Returns
    -------
    list of str
        One sentence per problem, in the current feedback language.

    Examples
    --------
    >>> compare(0.25, 0.25)
    []
    >>> compare(25.0, 0.25)
    ['25 looks like a percentage: rates in crmlab are fractions (0.25 rather than 25).']
    >>> compare(pd.Series([2, 3], index=["a", "b"]), pd.Series([1, 2], index=["a", "b"]))
    ['Every value is off by 1: scores and bins start at 1, check the +1 or the labels.']
    """
    if answer is Ellipsis or (answer is None and expected is not None):
        return [say("unanswered")]
    kind = _kind(expected)
    if kind == "bool":
        if _kind(answer) != "bool":
            return [say("want_type", want="True or False", got=_kind(answer))]
        return [] if bool(answer) == bool(expected) else [say("wrong_bool")]
    if kind == "number":
        return _number(answer, expected, rtol, atol)
    if kind == "text":
        if _kind(answer) != "text":
            return [say("want_type", want="text (str)", got=_kind(answer))]
        if normal_text(answer) == normal_text(expected):
            return []
        if _letters(answer) and _letters(answer) == _letters(expected):
            return [say("spelling", got=_show(answer))]
        return [say("wrong_text", got=_show(answer))]
    if kind == "Series":
        return _series(answer, expected, rtol, atol, ordered)
    if kind == "DataFrame":
        return _frame(answer, expected, rtol, atol, ordered)
    if kind == "list":
        if isinstance(answer, np.ndarray) and answer.ndim == 0:
            return [say("want_type", want="list", got=_kind(answer.item()))]
        if isinstance(answer, (pd.Series, pd.Index, np.ndarray, tuple, set, frozenset)):
            answer = list(answer)
        if not isinstance(answer, list):
            return [say("want_type", want="list", got=_kind(answer))]
        want = list(expected)
        if isinstance(expected, (set, frozenset)) or not ordered:
            got_set, want_set = set(map(str, answer)), set(map(str, want))
            if got_set == want_set and len(answer) == len(want):
                return []
            return [say("set_differs", extra=", ".join(sorted(got_set - want_set)[:5]) or "-",
                        missing=len(want_set - got_set))]
        if len(answer) != len(want):
            return [say("length", want=len(want), got=len(answer))]
        if [str(a) for a in answer] == [str(w) for w in want]:
            return []
        if sorted(map(str, answer)) == sorted(map(str, want)):
            return [say("order")]
        return [say("list_differs")]
    if kind == "dict":
        if not isinstance(answer, dict):
            return [say("want_type", want="dict", got=_kind(answer))]
        missing = [k for k in expected if k not in answer]
        if missing:
            return [say("missing_keys", keys=", ".join(map(str, missing[:5])))]
        for key, value in expected.items():
            problems = compare(answer[key], value, rtol=rtol, atol=atol, ordered=ordered)
            if problems:
                return [f"[{key}] " + problems[0]]
        return []
    raise TypeError(f"compare: cannot compare with an expected {type(expected).__name__}")
