"""A-priori segments: groups by attributes (demographic, geographic, psychographic)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.validation import renamed_keywords, require

__all__ = ["segment_by"]


@renamed_keywords(value="revenue")
def segment_by(
    data: pd.DataFrame,
    *,
    by: str | Sequence[str],
    revenue: str = "spend",
    profit: str | None = None,
) -> pd.DataFrame:
    """Segment customers a priori by one or more attributes and compare the groups.

    Parameters
    ----------
    data : DataFrame
        One row per customer with the attribute columns and a revenue column, e.g. the
        output of ``customer_features(transactions, customers)``. Not modified.
    by : str or list of str
        Attribute column(s) to group by: demographic (gender, age band, income),
        geographic (region, city tier) or psychographic (lifestyle).
    revenue : str, default "spend"
        Revenue column (money each customer brought in), summed and averaged per group.
        Replaces ``value=``, which still works for one release with a ``FutureWarning``.
    profit : str, optional
        Profit column, also summed and averaged per group (e.g. ``"profit"``).

    Returns
    -------
    DataFrame
        Indexed by the group(s) (category order kept, only groups that occur):
        ``customers``, ``customer_share``, ``mean_<revenue>``, ``<revenue>_share`` and,
        with ``profit``, ``mean_<profit>`` and ``<profit>_share``. Shares are
        fractions of the total (a share is NaN when the total is not positive).
        Customers with a missing attribute form no group and are counted in
        ``attrs["dropped"]``.

    Raises
    ------
    CRMDataError
        If the table is empty, a column is missing, or the revenue or profit column is
        not numeric.

    Examples
    --------
    >>> d = pd.DataFrame({"region": ["N", "S", "S", "N"],
    ...                   "spend": [100.0, 50.0, 30.0, 20.0]})
    >>> segment_by(d, by="region")
            customers  customer_share  mean_spend  spend_share
    region
    N               2             0.5        60.0          0.6
    S               2             0.5        40.0          0.4
    """
    caller = "segment_by"
    by = [by] if isinstance(by, str) else list(by)
    if not by:
        raise CRMDataError(f"{caller}: by is empty; name at least one attribute column.")
    columns = {c: "any" for c in by}
    columns[revenue] = "number"
    params = {c: "by" for c in by} | {revenue: "revenue"}
    if profit is not None:
        columns[profit] = "number"
        params[profit] = "profit"
    df = require(data, columns, caller=caller, params=params)
    missing = df[by].isna().any(axis=1)
    dropped = {"missing attribute": int(missing.sum())} if missing.any() else {}
    groups = df.loc[~missing].groupby(by if len(by) > 1 else by[0], observed=True, sort=True)
    out = pd.DataFrame({"customers": groups.size()})
    out["customer_share"] = out["customers"] / len(df)
    for col in [revenue] + ([profit] if profit is not None else []):
        total = df[col].sum()
        out[f"mean_{col}"] = groups[col].mean()
        out[f"{col}_share"] = groups[col].sum() / total if total > 0 else np.nan
    out.attrs = {"dropped": dropped}
    return out
