"""Customer value assessment (客户价值评估): potential, loyalty, profitability."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.validation import check_fraction, check_number, check_option, require

__all__ = ["value_assessment", "VALUE_CLASSES"]

#: Value classes of :func:`value_assessment`, lowest first, with their Chinese names.
VALUE_CLASSES = {"low": "低价值客户", "medium": "中价值客户", "high": "高价值客户"}


def _rank01(col: pd.Series) -> pd.Series:
    """Percentile rank in [0, 1] (average ties); missing values rank lowest.

    Ordered categoricals rank by their category order; a single value ranks 0.5.
    """
    if isinstance(col.dtype, pd.CategoricalDtype):
        col = col.cat.codes.where(col.notna()).astype("float64")
    n = len(col)
    if n == 1:
        return pd.Series(0.5, index=col.index)
    rank = col.rank(method="average", na_option="top", ascending=True)
    return (rank - 1) / (n - 1)



def value_assessment(
    features: pd.DataFrame,
    *,
    potential: str | None = "mean_basket",
    loyalty: str | None = "orders",
    profitability: str | None = "profit",
    weights: Sequence[float] = (1.0, 1.0, 1.0),
    cuts: Sequence[float] = (1 / 3, 2 / 3),
    method: str = "quantile",
) -> pd.DataFrame:
    """Assess customer value (客户价值评估): purchase potential, loyalty, profitability.

    Parameters
    ----------
    features : DataFrame
        One row per customer (e.g. from :func:`customer_features`). Not modified.
    potential : str or None, default "mean_basket"
        Column measuring purchase potential (购买潜力), numeric or an ordered
        categorical such as ``income_band``. None leaves the dimension out.
    loyalty : str or None, default "orders"
        Column measuring loyalty (忠诚度), e.g. orders or tenure.
    profitability : str or None, default "profit"
        Column measuring profitability (盈利能力), e.g. profit after cost to serve.
    weights : sequence of 3 float, default (1, 1, 1)
        Weights of potential, loyalty and profitability in the value score
        (non-negative, not all 0).
    cuts : pair of float, default (1/3, 2/3)
        The two cut-offs between low / medium and medium / high, see ``method``.
    method : {"quantile", "score"}, default "quantile"
        ``"quantile"``: the cuts are quantiles of the value score, so with the
        defaults each class holds about a third of the customers. ``"score"``: the
        cuts are fixed values of the score itself (in [0, 1]).

    Returns
    -------
    DataFrame
        A copy of ``features`` with ``potential_score``, ``loyalty_score``,
        ``profitability_score`` (percentile ranks in [0, 1], only for the dimensions
        used), ``value_score`` (their weighted mean) and ``value_class`` (ordered
        categorical low < medium < high). ``attrs["cutoffs"]`` holds the two score
        cut-offs used.

    Raises
    ------
    CRMDataError
        If the table is empty, a column is missing or neither numeric nor ordered,
        no dimension is given, the weights are invalid, or the cuts are not two
        increasing fractions in [0, 1].

    Notes
    -----
    Each dimension becomes a percentile rank: (rank - 1) / (n - 1) with average ranks
    for ties, so the lowest customer gets 0 and the highest 1 (a single customer
    0.5); a missing value (e.g. the basket of a customer with no purchase) ranks
    lowest. A customer is "high" if value_score >= the upper cut-off, "low" if it is
    < the lower cut-off, else "medium".

    Examples
    --------
    >>> f = pd.DataFrame({"mean_basket": [200.0, 50.0, 80.0],
    ...                   "orders": [10, 2, 30], "profit": [500.0, -20.0, 100.0]},
    ...                  index=["a", "b", "c"])
    >>> v = value_assessment(f)
    >>> v[["potential_score", "loyalty_score", "profitability_score", "value_score"]]
       potential_score  loyalty_score  profitability_score  value_score
    a              1.0            0.5                  1.0     0.833333
    b              0.0            0.0                  0.0     0.000000
    c              0.5            1.0                  0.5     0.666667
    >>> v["value_class"].tolist()
    ['high', 'low', 'medium']
    """
    caller = "value_assessment"
    dims = {"potential": potential, "loyalty": loyalty, "profitability": profitability}
    if isinstance(weights, str) or not isinstance(weights, Sequence | np.ndarray) \
            or len(weights) != 3:
        raise CRMDataError(
            f"{caller}: weights must be 3 non-negative numbers (potential, loyalty, "
            f"profitability), got {weights!r}. For example weights=(1, 2, 1)."
        )
    w = [check_number(x, name=f"weights[{i}]", caller=caller, low=0)
         for i, x in enumerate(weights)]
    used = {d: (c, wt) for (d, c), wt in zip(dims.items(), w, strict=True)
            if c is not None and wt > 0}
    if not used:
        raise CRMDataError(
            f"{caller}: no dimension to assess: give at least one of potential, loyalty, "
            f"profitability with a positive weight."
        )
    check_option(method, ("quantile", "score"), name="method", caller=caller)
    if isinstance(cuts, str) or not isinstance(cuts, Sequence | np.ndarray) or len(cuts) != 2:
        raise CRMDataError(
            f"{caller}: cuts must be two fractions in [0, 1] (low/medium, medium/high), got "
            f"{cuts!r}. For example cuts=(1/3, 2/3)."
        )
    lo, hi = (check_fraction(c, name=f"cuts[{i}]", caller=caller) for i, c in enumerate(cuts))
    if lo > hi:
        raise CRMDataError(
            f"{caller}: cuts={cuts!r} must increase: the low/medium cut-off first, then the "
            f"medium/high one, e.g. cuts=({hi:g}, {lo:g})."
        )
    require(features, {c: "any" for c, _ in used.values()}, caller=caller,
            params={c: d for d, (c, _) in used.items()})
    out = features.copy()
    total = np.zeros(len(out))
    for d, (c, wt) in used.items():
        col = features[c]
        ordered = isinstance(col.dtype, pd.CategoricalDtype) and col.cat.ordered
        numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
        if not (ordered or numeric):
            raise CRMDataError(
                f"{caller}: column {c!r} ({d}) must be numeric or an ordered categorical; "
                f"it has dtype {col.dtype}. Map its levels to numbers, or make it ordered "
                f"with pd.Categorical(..., categories=[low, ..., high], ordered=True)."
            )
        out[f"{d}_score"] = _rank01(col)
        total += wt * out[f"{d}_score"].to_numpy()
    score = total / sum(wt for _, wt in used.values())
    out["value_score"] = score
    if method == "quantile":
        cut_lo, cut_hi = (float(np.quantile(score, q)) for q in (lo, hi))
    else:
        cut_lo, cut_hi = lo, hi
    labels = np.where(score >= cut_hi, "high", np.where(score < cut_lo, "low", "medium"))
    out["value_class"] = pd.Categorical(labels, categories=list(VALUE_CLASSES), ordered=True)
    out.attrs = {**features.attrs, "cutoffs": (cut_lo, cut_hi), "method": method}
    return out
