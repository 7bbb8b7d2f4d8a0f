"""Customer lifecycle stages (客户生命周期): prospect, first-time, repeat, loyal, lapsed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.segmentation._common import numeric_columns
from crmlab.validation import check_number, check_option, require, show_rows

__all__ = ["lifecycle_stage", "LIFECYCLE_STAGES"]

#: Lifecycle stages of :func:`lifecycle_stage`, in lifecycle order, with Chinese names.
LIFECYCLE_STAGES = {
    "prospect": "潜在客户",
    "first-time": "新客户",
    "repeat": "重复购买客户",
    "loyal": "忠诚客户",
    "lapsed": "流失客户",
}


def lifecycle_stage(
    features: pd.DataFrame,
    *,
    orders: str = "orders",
    recency: str = "recency_days",
    loyal_orders: float = 12,
    active_days: float = 90,
    lapsed_days: float = 180,
    language: str = "en",
) -> pd.DataFrame:
    """Place every customer in one lifecycle stage (客户生命周期).

    Parameters
    ----------
    features : DataFrame
        One row per customer with an order count and the days since the last purchase
        (e.g. from :func:`customer_features`; recency may be NaN for customers with
        no purchase). Not modified.
    orders : str, default "orders"
        Number of purchase orders.
    recency : str, default "recency_days"
        Days from the last purchase to the analysis date.
    loyal_orders : float, default 12
        Orders needed to be "loyal" (12: about one a month over the two years of the
        course data).
    active_days : float, default 90
        A loyal customer bought within this many days.
    lapsed_days : float, default 180
        A customer with no purchase for more than this many days has lapsed.
    language : {"en", "zh"}, default "en"
        Stage names in English or Chinese (:data:`LIFECYCLE_STAGES`).

    Returns
    -------
    DataFrame
        A copy of ``features`` with ``stage``, an ordered categorical: prospect <
        first-time < repeat < loyal < lapsed (潜在客户 < 新客户 < 重复购买客户 <
        忠诚客户 < 流失客户).

    Raises
    ------
    CRMDataError
        If the table is empty, a column is missing or not numeric, orders are
        negative, recency is missing for a customer with orders, or the thresholds
        are inconsistent (``active_days > lapsed_days``, ``loyal_orders < 2``).

    Notes
    -----
    The rules are applied in order, so every customer gets exactly one stage:

    1. prospect (潜在客户): no order (a member who never bought);
    2. lapsed (流失客户): recency > ``lapsed_days``;
    3. loyal (忠诚客户): orders >= ``loyal_orders`` and recency <= ``active_days``;
    4. first-time (新客户): exactly one order;
    5. repeat (重复购买客户): everyone else (2+ orders, not lapsed, not loyal).

    Examples
    --------
    >>> f = pd.DataFrame({"orders": [0, 1, 3, 12, 12, 20],
    ...                   "recency_days": [None, 10, 30, 90, 91, 181]},
    ...                  index=list("abcdef"))
    >>> lifecycle_stage(f)["stage"].tolist()
    ['prospect', 'first-time', 'repeat', 'loyal', 'repeat', 'lapsed']
    >>> lifecycle_stage(f, language="zh")["stage"].tolist()[:3]
    ['潜在客户', '新客户', '重复购买客户']
    """
    caller = "lifecycle_stage"
    check_option(language, ("en", "zh"), name="language", caller=caller)
    loyal_orders = check_number(loyal_orders, name="loyal_orders", caller=caller, low=0)
    active_days = check_number(active_days, name="active_days", caller=caller, low=0)
    lapsed_days = check_number(lapsed_days, name="lapsed_days", caller=caller, low=0)
    if loyal_orders < 2:
        raise CRMDataError(
            f"{caller}: loyal_orders must be at least 2 (a loyal customer buys again), "
            f"got {loyal_orders:g}."
        )
    if active_days > lapsed_days:
        raise CRMDataError(
            f"{caller}: active_days ({active_days:g}) must not exceed lapsed_days "
            f"({lapsed_days:g}): a loyal customer cannot have lapsed. Raise lapsed_days or "
            f"lower active_days."
        )
    df = require(features, {orders: "number", recency: "any"}, caller=caller,
                 params={orders: "orders", recency: "recency"})
    numeric_columns(df, [recency], caller, allow_nan=True, param="recency")
    n, r = df[orders], df[recency]
    if (n < 0).any():
        bad = n < 0
        raise CRMDataError(
            f"{caller}: column {orders!r} has {int(bad.sum())} negative order counts in "
            f"{show_rows(df.index[bad], n[bad])}. Count orders, not net quantities."
        )
    gap = (n > 0) & r.isna()
    if gap.any():
        raise CRMDataError(
            f"{caller}: column {recency!r} is missing for {int(gap.sum())} customers with "
            f"orders, in {show_rows(df.index[gap])}. Recompute the features with "
            f"customer_features(transactions)."
        )
    stage = np.select(
        [n == 0, r > lapsed_days, (n >= loyal_orders) & (r <= active_days), n == 1],
        ["prospect", "lapsed", "loyal", "first-time"],
        default="repeat",
    )
    names = list(LIFECYCLE_STAGES)
    if language == "zh":
        stage = np.array([LIFECYCLE_STAGES[s] for s in stage], dtype=object)
        names = list(LIFECYCLE_STAGES.values())
    out = features.copy()
    out["stage"] = pd.Categorical(stage, categories=names, ordered=True)
    return out
