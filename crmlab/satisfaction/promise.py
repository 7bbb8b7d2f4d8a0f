"""What over-promising (过度承诺) does to expectations, satisfaction and churn."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.satisfaction._common import dimensions_of, score_series, survey_values
from crmlab.satisfaction.nps import nps
from crmlab.validation import renamed_keywords, require, show_rows

__all__ = ["promise_effect"]


@renamed_keywords(nps_score="score")
def promise_effect(
    survey: pd.DataFrame,
    *,
    promise: str = "marketing_promise",
    satisfaction: str | None = "satisfaction",
    score: str | None = "nps_score",
    churned: str | None = "churned",
    dimensions: Sequence[str] | None = None,
    expect: str = "expect_",
    perceive: str = "perceive_",
) -> pd.DataFrame:
    """Compare expectations, perceptions, satisfaction and churn by marketing promise.

    Parameters
    ----------
    survey : DataFrame
        One row per customer.
    promise : str, default "marketing_promise"
        What marketing promised each customer (e.g. modest < accurate < inflated).
    satisfaction, score, churned : str or None, default "satisfaction", "nps_score", "churned"
        Overall satisfaction, 0-10 recommendation score (as in :func:`nps_breakdown`) and
        churn flag columns; None leaves that measure out. ``score=`` replaces
        ``nps_score=``, which still works for one release with a ``FutureWarning``.
    dimensions, expect, perceive
        As for :func:`gap_scores`.

    Returns
    -------
    DataFrame
        One row per promise level (category order, else sorted): ``customers``,
        ``expectation``, ``perception`` and ``gap`` (means over customers and
        dimensions), then ``satisfaction`` (mean), ``nps`` and ``churn_rate``.

    Raises
    ------
    CRMDataError
        As :func:`gap_scores` and :func:`nps`, or if a column is missing.

    Notes
    -----
    Over-promising (过度承诺) raises expectations. If the service (perception) is
    the same in every group, the gap, and with it satisfaction, falls as the
    promise grows: the customer compares what they get with what they were told.

    Examples
    --------
    >>> s = pd.DataFrame({"marketing_promise": ["modest", "inflated", "modest", "inflated"],
    ...                   "expect_speed": [4, 7, 4, 6], "perceive_speed": [5, 5, 5, 5],
    ...                   "satisfaction": [8, 5, 7, 6], "nps_score": [9, 6, 10, 8],
    ...                   "churned": [False, True, False, False]})
    >>> promise_effect(s)[["expectation", "gap", "satisfaction", "nps", "churn_rate"]]
                       expectation  gap  satisfaction    nps  churn_rate
    marketing_promise
    inflated                   6.5 -1.5           5.5  -50.0         0.5
    modest                     4.0  1.0           7.5  100.0         0.0
    """
    caller = "promise_effect"
    dims = dimensions_of(survey, dimensions, expect, perceive, caller)
    values = survey_values(survey, dims, expect, perceive, caller)
    cols = {promise: "any"}
    params = {promise: "promise"}
    for name, col, role in (("satisfaction", satisfaction, "number"),
                            ("score", score, "any"), ("churned", churned, "bool")):
        if col is not None:
            cols[col], params[col] = role, name
    df = require(survey, cols, caller=caller, params=params)
    if df[promise].isna().any():
        bad = df[promise].isna()
        raise CRMDataError(f"{caller}: column {promise!r} is missing in "
                           f"{show_rows(df.index[bad])}; fill or drop those rows.")
    e = values[[f"{expect}{d}" for d in dims]].to_numpy(dtype=float).mean(axis=1)
    p = values[[f"{perceive}{d}" for d in dims]].to_numpy(dtype=float).mean(axis=1)
    if score is not None:
        score_series(df[score], caller)
    rows = {}
    for level, idx in df.groupby(promise, observed=True, sort=True).indices.items():
        row = {"customers": len(idx), "expectation": e[idx].mean(), "perception": p[idx].mean(),
               "gap": (p[idx] - e[idx]).mean()}
        if satisfaction is not None:
            row["satisfaction"] = float(df[satisfaction].iloc[idx].mean())
        if score is not None:
            row["nps"] = nps(df[score].iloc[idx])
        if churned is not None:
            row["churn_rate"] = float(df[churned].iloc[idx].astype(bool).mean())
        rows[level] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    if isinstance(df[promise].dtype, pd.CategoricalDtype):
        out = out.loc[[c for c in df[promise].cat.categories if c in rows]]
    else:
        out = out.sort_index()
    out.index.name = promise
    return out
