"""Private helpers shared by the modules of :mod:`crmlab.satisfaction`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.validation import check_number, require, show_rows

__all__ = ["DIMENSIONS", "DIMENSION_NAMES", "check_scale", "dimensions_of", "score_series",
           "survey_values"]

#: The five SERVQUAL dimensions (Parasuraman, Zeithaml & Berry), in the usual order.
DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
#: Chinese names of the SERVQUAL dimensions.
DIMENSION_NAMES = {"tangibles": "有形性", "reliability": "可靠性",
                   "responsiveness": "响应性", "assurance": "保证性", "empathy": "移情性"}


def score_series(scores: object, caller: str) -> pd.Series:
    """Validate 0-10 recommendation scores; return them as an int Series."""
    if isinstance(scores, pd.DataFrame):
        cols = ", ".join(map(str, list(scores.columns)[:10]))
        raise CRMDataError(
            f"{caller}: expected one score per customer (a Series, array or list), got a "
            f"DataFrame with columns {cols}. Pass one column, e.g. survey['nps_score']."
        )
    if scores is None or np.isscalar(scores):
        raise CRMDataError(
            f"{caller}: expected one 0-10 score per customer (a Series, array or list), "
            f"got {type(scores).__name__} {scores!r}. Wrap a single score in a list."
        )
    if isinstance(scores, pd.Series):
        s = scores
    else:
        arr = np.asarray(scores, dtype=object) if not isinstance(scores, np.ndarray) else scores
        if arr.ndim != 1:
            raise CRMDataError(f"{caller}: expected a 1-D collection of scores, got shape "
                               f"{arr.shape}. Pass one column, e.g. arr.ravel().")
        s = pd.Series(list(arr)) if arr.dtype == object else pd.Series(arr)
    if len(s) == 0:
        raise CRMDataError(f"{caller}: no scores (the input is empty). Check the filter that "
                           f"made it.")
    if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
        parsed = pd.to_numeric(s, errors="coerce") if not pd.api.types.is_bool_dtype(s) \
            else pd.Series(np.nan, index=s.index)
        bad = (parsed.isna() & s.notna()).to_numpy()
        if bad.any() or pd.api.types.is_bool_dtype(s):
            raise CRMDataError(
                f"{caller}: scores must be whole numbers 0-10; {int(bad.sum())} of {len(s)} "
                f"are not numbers, in {show_rows(s.index[bad], s[bad])}. Convert with "
                f"pd.to_numeric(scores, errors='coerce') and drop what is not a score."
            )
        s = parsed
    x = s.to_numpy(dtype=float, na_value=np.nan)
    bad = np.isnan(x)
    if bad.any():
        raise CRMDataError(
            f"{caller}: {int(bad.sum())} of {len(x)} scores are missing (NaN), in "
            f"{show_rows(s.index[bad])}. A customer who did not answer is not a detractor: "
            f"drop them first, e.g. scores.dropna(), and report how many did not answer."
        )
    bad = (x != np.round(x)) | (x < 0) | (x > 10)
    if bad.any():
        hint = (" It looks like a 0-100 scale: NPS uses the 0-10 'how likely are you to "
                "recommend us?' question." if (x > 10).mean() > 0.5 else "")
        raise CRMDataError(
            f"{caller}: scores must be whole numbers from 0 to 10; {int(bad.sum())} of "
            f"{len(x)} are not, in {show_rows(s.index[bad], x[bad])}.{hint} "
            f"Fix or drop those answers."
        )
    return pd.Series(x.astype(np.int64), index=s.index)



def dimensions_of(survey: object, dimensions: Sequence[str] | None, expect: str, perceive: str,
                  caller: str) -> list[str]:
    """The dimensions to compare: given, or every ``<expect><dim>`` with a partner."""
    if not isinstance(survey, pd.DataFrame):
        raise CRMDataError(f"{caller}: expected a survey DataFrame, got "
                           f"{type(survey).__name__}. Pass the survey table, one row per "
                           f"customer, e.g. crmlab.load_data('survey').")
    cols = [str(c) for c in survey.columns]
    if dimensions is None:
        found = [c[len(expect):] for c in cols if c.startswith(expect) and len(c) > len(expect)]
        lonely = [d for d in found if f"{perceive}{d}" not in cols]
        if lonely:
            raise CRMDataError(
                f"{caller}: column(s) {', '.join(repr(expect + d) for d in lonely)} have no "
                f"matching {', '.join(repr(perceive + d) for d in lonely)}. Pass "
                f"dimensions=[...] to choose the dimensions to compare.")
        if not found:
            shown = ", ".join(cols[:20]) + (", ..." if len(cols) > 20 else "")
            raise CRMDataError(
                f"{caller}: no expectation columns starting with {expect!r}. Columns "
                f"present: {shown}. Pass the prefixes (expect='exp_', perceive='perc_') or "
                f"dimensions=[...].")
        return found
    if isinstance(dimensions, str) or not isinstance(dimensions, Sequence) \
            or len(dimensions) == 0:
        raise CRMDataError(f"{caller}: dimensions must be a non-empty list of names such as "
                           f"{list(DIMENSIONS[:2])}, got {dimensions!r}.")
    dims = [str(d) for d in dimensions]
    if len(set(dims)) != len(dims):
        raise CRMDataError(f"{caller}: dimensions {dims} repeat a name; list each dimension "
                           f"once.")
    return dims


def survey_values(survey: pd.DataFrame, dims: list[str], expect: str, perceive: str,
                  caller: str, *, perception_only: bool = False) -> pd.DataFrame:
    """The expectation and perception columns of ``dims``, checked as numbers."""
    columns = {}
    for d in dims:
        if not perception_only:
            columns[f"{expect}{d}"] = "number"
        columns[f"{perceive}{d}"] = "number"
    return require(survey, columns, caller=caller)



def check_scale(scale: object, caller: str) -> tuple[float, float]:
    """Check an answer scale (lowest, highest) and return it as two floats."""
    if isinstance(scale, str) or not isinstance(scale, Sequence) or len(scale) != 2:
        raise CRMDataError(f"{caller}: scale={scale!r} must be (lowest, highest), e.g. (1, 7).")
    low = check_number(scale[0], name="scale[0]", caller=caller)
    high = check_number(scale[1], name="scale[1]", caller=caller)
    if not low < high:
        raise CRMDataError(f"{caller}: scale={scale!r} must be (lowest, highest), e.g. (1, 7): "
                           f"the lowest answer first.")
    return low, high
