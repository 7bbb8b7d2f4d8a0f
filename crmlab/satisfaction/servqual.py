"""SERVQUAL gaps (服务质量差距) and the satisfaction index (满意度指数)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.satisfaction._common import check_scale, dimensions_of, survey_values
from crmlab.validation import check_number, check_option, require, show_rows

__all__ = ["gap_scores", "gap_summary", "satisfaction_index"]


def gap_scores(
    survey: pd.DataFrame,
    *,
    dimensions: Sequence[str] | None = None,
    expect: str = "expect_",
    perceive: str = "perceive_",
) -> pd.DataFrame:
    """Compute each customer's SERVQUAL gap (服务质量差距): perception minus expectation.

    Parameters
    ----------
    survey : DataFrame
        One row per customer with ``<expect><dim>`` and ``<perceive><dim>`` columns.
    dimensions : list of str, optional
        Dimensions to compare. Default: every ``<expect><dim>`` column (in column
        order); each must have its ``<perceive><dim>`` partner.
    expect, perceive : str, default "expect_", "perceive_"
        Column-name prefixes of expectations (期望) and perceptions (感知).

    Returns
    -------
    DataFrame
        Same index as ``survey`` (join it back with ``survey.join(gaps)``):
        ``gap_<dim>`` for each dimension and ``mean_gap`` (their unweighted mean).
        ``attrs["dimensions"]`` lists the dimensions.

    Raises
    ------
    CRMDataError
        If no dimensions are found, an expectation column has no perception
        partner, a column is missing, not numeric or has missing values, or the
        survey is empty.

    Notes
    -----
    Gap = perception - expectation: negative when the service fell short of what
    the customer expected (dissatisfaction), positive when it exceeded it
    (delight), 0 when it met it. Both are on the same scale (1-7 in SERVQUAL).

    Examples
    --------
    >>> s = pd.DataFrame({"expect_speed": [5, 6, 4], "perceive_speed": [6, 4, 4],
    ...                   "expect_care": [3, 7, 5], "perceive_care": [4, 5, 2]})
    >>> gap_scores(s)
       gap_speed  gap_care  mean_gap
    0          1         1       1.0
    1         -2        -2      -2.0
    2          0        -3      -1.5
    """
    caller = "gap_scores"
    dims = dimensions_of(survey, dimensions, expect, perceive, caller)
    df = survey_values(survey, dims, expect, perceive, caller)
    out = pd.DataFrame(index=df.index)
    for d in dims:
        out[f"gap_{d}"] = df[f"{perceive}{d}"] - df[f"{expect}{d}"]
    out["mean_gap"] = out[[f"gap_{d}" for d in dims]].mean(axis=1)
    out.attrs["dimensions"] = list(dims)
    return out


def gap_summary(
    survey: pd.DataFrame,
    *,
    dimensions: Sequence[str] | None = None,
    expect: str = "expect_",
    perceive: str = "perceive_",
) -> pd.DataFrame:
    """Summarise expectation, perception and gap per SERVQUAL dimension.

    Parameters
    ----------
    survey : DataFrame
        As for :func:`gap_scores`.
    dimensions, expect, perceive
        As for :func:`gap_scores`.

    Returns
    -------
    DataFrame
        Index ``dimension`` (in the order found): ``expectation`` and
        ``perception`` (means), ``gap`` (mean perception - mean expectation) and
        ``negative_share`` (fraction of customers whose perception fell short of
        their expectation on that dimension).

    Raises
    ------
    CRMDataError
        As :func:`gap_scores`.

    Examples
    --------
    >>> s = pd.DataFrame({"expect_speed": [5, 6, 4], "perceive_speed": [6, 4, 4],
    ...                   "expect_care": [3, 7, 5], "perceive_care": [4, 5, 2]})
    >>> gap_summary(s).round(3)
               expectation  perception    gap  negative_share
    dimension
    speed            5.000       4.667 -0.333           0.333
    care             5.000       3.667 -1.333           0.667
    """
    caller = "gap_summary"
    dims = dimensions_of(survey, dimensions, expect, perceive, caller)
    df = survey_values(survey, dims, expect, perceive, caller)
    rows = {}
    for d in dims:
        e, p = df[f"{expect}{d}"].astype(float), df[f"{perceive}{d}"].astype(float)
        rows[d] = {"expectation": e.mean(), "perception": p.mean(), "gap": (p - e).mean(),
                   "negative_share": float((p < e).mean())}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "dimension"
    return out



def satisfaction_index(
    survey: pd.DataFrame,
    *,
    weights: str | Mapping[str, float] | None = None,
    basis: str = "perception",
    scale: tuple[float, float] = (1, 7),
    target: str = "satisfaction",
    dimensions: Sequence[str] | None = None,
    expect: str = "expect_",
    perceive: str = "perceive_",
) -> pd.Series:
    """Combine the dimensions into a weighted satisfaction index (满意度指数) on 0-100.

    Parameters
    ----------
    survey : DataFrame
        As for :func:`gap_scores`.
    weights : {None, "equal", "regression"} or dict, default None
        ``None``/``"equal"``: every dimension weighs the same. ``"regression"``:
        weights from the least-squares regression of ``target`` on the dimensions'
        ``basis`` values (negative coefficients set to 0), i.e. what actually moves
        stated satisfaction. A dict ``{dim: weight}`` (weights >= 0, missing
        dimensions weigh 0). Weights are normalised to sum to 1.
    basis : {"perception", "gap"}, default "perception"
        Index of perceptions alone, or of the gaps (perception - expectation).
    scale : (float, float), default (1, 7)
        Lowest and highest possible answer.
    target : str, default "satisfaction"
        Overall satisfaction column, only read for ``weights="regression"``.
    dimensions, expect, perceive
        As for :func:`gap_scores`.

    Returns
    -------
    Series
        ``satisfaction_index`` per customer, same index as ``survey``;
        ``attrs["weights"]`` and ``attrs["basis"]`` record the choices.

    Raises
    ------
    CRMDataError
        As :func:`gap_scores`; if an answer lies outside ``scale``, ``weights`` or
        ``basis`` is unknown, a weight is negative or all weights are 0 (also when
        every regression coefficient is negative).

    Notes
    -----
    ``basis="perception"``: ``100 * sum_d w_d (p_d - low) / (high - low)``, so 0 is
    the worst answer everywhere and 100 the best. ``basis="gap"``:
    ``100 * (sum_d w_d g_d + R) / (2 R)`` with ``R = high - low``, so 50 means "met
    expectations", 0 the largest possible shortfall, 100 the largest surplus. The
    regression includes an intercept and is fitted on this survey (descriptive
    "derived importance", not a causal claim).

    Examples
    --------
    >>> s = pd.DataFrame({"expect_speed": [5, 6], "perceive_speed": [7, 4],
    ...                   "expect_care": [3, 7], "perceive_care": [4, 1]})
    >>> satisfaction_index(s).tolist()     # (7-1)/6 = 1 and (4-1)/6 = 0.5 -> 75
    [75.0, 25.0]
    >>> satisfaction_index(s, basis="gap", weights={"speed": 3, "care": 1}).round(2).tolist()
    [64.58, 25.0]
    """
    caller = "satisfaction_index"
    check_option(basis, ("perception", "gap"), name="basis", caller=caller)
    if isinstance(weights, str):
        check_option(weights, ("equal", "regression"), name="weights", caller=caller)
    low, high = check_scale(scale, caller)
    dims = dimensions_of(survey, dimensions, expect, perceive, caller)
    df = survey_values(survey, dims, expect, perceive, caller,
                       perception_only=basis == "perception")
    for col in df.columns:
        bad = (df[col] < low) | (df[col] > high)
        if bad.any():
            raise CRMDataError(
                f"{caller}: column {col!r} has {int(bad.sum())} answers outside the scale "
                f"{low:g}-{high:g}, in {show_rows(df.index[bad], df.loc[bad, col])}. Fix them "
                f"or pass the right scale=(low, high).")
    span = high - low
    if basis == "perception":
        x = pd.DataFrame({d: (df[f"{perceive}{d}"] - low) / span for d in dims})
    else:
        x = pd.DataFrame({d: df[f"{perceive}{d}"] - df[f"{expect}{d}"] for d in dims})
    if weights is None or (isinstance(weights, str) and weights == "equal"):
        w = dict.fromkeys(dims, 1.0)
    elif isinstance(weights, str) and weights == "regression":
        y = require(survey, {target: "number"}, caller=caller,
                    params={target: "target"})[target].to_numpy(dtype=float)
        design = np.column_stack([np.ones(len(x)), x.to_numpy(dtype=float)])
        coef = np.linalg.lstsq(design, y, rcond=None)[0][1:]
        w = {d: max(float(c), 0.0) for d, c in zip(dims, coef, strict=True)}
    elif isinstance(weights, Mapping):
        unknown = sorted(set(map(str, weights)) - set(dims))
        if unknown:
            raise CRMDataError(f"{caller}: weights for unknown dimension(s) {unknown}; the "
                               f"dimensions are {dims}. Key the weights by these names, "
                               f"e.g. {{{dims[0]!r}: 1}}.")
        w = {d: check_number(weights.get(d, 0.0), name=f"weights[{d!r}]", caller=caller, low=0)
             for d in dims}
    else:
        raise CRMDataError(f"{caller}: weights={weights!r}; use None, 'equal', "
                           f"'regression' or a dict {{dimension: weight}}.")
    total = sum(w.values())
    if not total > 0:
        raise CRMDataError(f"{caller}: all weights are 0 (with 'regression': no dimension "
                           f"raises {target!r}); give at least one a positive weight.")
    w = {d: v / total for d, v in w.items()}
    combined = sum(w[d] * x[d] for d in dims)
    index = 100 * combined if basis == "perception" else 100 * (combined + span) / (2 * span)
    out = pd.Series(index.to_numpy(dtype=float), index=df.index, name="satisfaction_index")
    out.attrs = {"weights": w, "basis": basis, "scale": (low, high)}
    return out
