"""Segment profiles (size, typical values, revenue and profit) and persona names (客户画像)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.segmentation._common import numeric_columns, optional_column
from crmlab.validation import check_number, check_option, renamed_keywords, require

__all__ = ["segment_profiles", "name_segments", "NAMING_RULES"]

#: Default thresholds of :func:`name_segments` (ratios are to the all-customer mean).
NAMING_RULES = {
    "lapsed_days": 120.0,  # mean recency above this: "lapsed"
    "active_days": 60.0,  # mean recency at most this (and orders ratio >= loyal): "loyal"
    "loyal": 1.0,  # orders ratio at or above which an active segment is "loyal"
    "high": 1.5,  # spend ratio at or above which spenders are "big"
    "low": 0.6,  # ratio at or below which a level is low
    "online": 0.6,  # mean online share at or above which a segment is "online"
}



def segment_profiles(
    segmented: pd.DataFrame,
    *,
    segment: str = "segment",
    columns: Sequence[str] | None = None,
    stat: str = "mean",
    revenue: str | None = "spend",
    profit: str | None = "profit",
) -> pd.DataFrame:
    """Describe each segment: size, share, typical feature values, revenue and profit.

    Parameters
    ----------
    segmented : DataFrame
        One row per customer with a segment column (e.g. from :func:`kmeans_segments`).
        Not modified.
    segment : str, default "segment"
        Segment column; categorical order is kept.
    columns : list of str, optional
        Numeric columns to describe. Default: ``attrs["columns"]`` of a
        :func:`kmeans_segments` result, plus ``revenue`` and ``profit``; else every
        numeric column but the segment.
    stat : {"mean", "median", "z"}, default "mean"
        Per-segment mean or median of each column, or ``"z"``: the standardised mean,
        (segment mean - overall mean) / overall standard deviation, which puts every
        feature on one scale (used by the profile heat map).
    revenue, profit : str or None, default "spend", "profit"
        Columns whose segment totals are given as shares (skipped when None or absent).

    Returns
    -------
    DataFrame
        Indexed by segment: ``customers``, ``customer_share``, one column per feature
        (the chosen statistic), then ``revenue_share`` and ``profit_share`` (segment
        total / overall total; NaN when the overall total is not positive). Missing
        feature values are left out of the statistic.

    Raises
    ------
    CRMDataError
        If the table is empty, a column is missing or not numeric, or ``stat`` is
        unknown.

    Examples
    --------
    >>> s = pd.DataFrame({"segment": [0, 0, 1], "orders": [10, 20, 1],
    ...                   "spend": [300.0, 500.0, 200.0]})
    >>> segment_profiles(s)
             customers  customer_share  orders  spend  revenue_share
    segment
    0                2        0.666667    15.0  400.0            0.8
    1                1        0.333333     1.0  200.0            0.2
    """
    caller = "segment_profiles"
    check_option(stat, ("mean", "median", "z"), name="stat", caller=caller)
    require(segmented, {segment: "any"}, caller=caller, params={segment: "segment"})
    revenue = optional_column(segmented, revenue, "spend")
    profit = optional_column(segmented, profit, "profit")
    if columns is None:
        columns = list(segmented.attrs.get("columns", []))
        if columns:
            columns += [c for c in (revenue, profit) if c is not None and c not in columns]
        else:
            columns = [c for c in segmented.columns if c != segment
                       and pd.api.types.is_numeric_dtype(segmented[c])
                       and not pd.api.types.is_bool_dtype(segmented[c])]
    columns = numeric_columns(segmented, columns, caller, allow_nan=True)
    for name, param in ((revenue, "revenue"), (profit, "profit")):
        if name is not None:
            require(segmented, {name: "number"}, caller=caller, params={name: param})
    df = segmented
    groups = df.groupby(segment, observed=False, sort=True)
    out = pd.DataFrame({"customers": groups.size()})
    out["customer_share"] = out["customers"] / len(df)
    if stat == "z":
        sd = df[columns].std(ddof=0).replace(0, np.nan)
        table = (groups[columns].mean() - df[columns].mean()) / sd
    else:
        table = getattr(groups[columns], stat)()
    out = out.join(table)
    for name, label in ((revenue, "revenue_share"), (profit, "profit_share")):
        if name is not None:
            total = df[name].sum()
            out[label] = groups[name].sum() / total if total > 0 else np.nan
    out.attrs = {"stat": stat, "columns": columns, "revenue": revenue, "profit": profit}
    return out


@renamed_keywords(spend="revenue", online="online_share")
def name_segments(
    profiles: pd.DataFrame,
    *,
    rules: Mapping[str, float] | None = None,
    orders: str = "orders",
    revenue: str = "spend",
    recency: str = "recency_days",
    online_share: str = "online_share",
    profit: str = "profit",
) -> pd.DataFrame:
    """Give each segment a readable persona name from its mean profile (客户画像).

    Parameters
    ----------
    profiles : DataFrame
        Output of :func:`segment_profiles` with ``stat="mean"`` (one row per segment,
        with ``customers`` and mean feature columns). Not modified.
    rules : dict, optional
        Thresholds overriding :data:`NAMING_RULES`: ``lapsed_days`` (120),
        ``active_days`` (60), ``loyal`` (1.0), ``high`` (1.5), ``low`` (0.6) and
        ``online`` (0.6).
    orders, revenue, recency, online_share, profit : str
        The mean columns used (orders, revenue i.e. spend, days since the last purchase,
        online share, profit); a column that is absent leaves its word out.
        ``revenue=`` and ``online_share=`` replace ``spend=`` and ``online=``, which
        still work for one release with a ``FutureWarning``.

    Returns
    -------
    DataFrame
        A copy of ``profiles`` with ``status`` ("lapsed", "loyal", "occasional" or
        "regular"), ``spend_level`` ("big", "mid" or "small"), ``online`` (bool),
        ``loss_making`` (bool), ``persona`` (e.g. "loyal online big spenders") and
        ``persona_zh`` (e.g. "忠诚·线上·高消费客户").

    Raises
    ------
    CRMDataError
        If the profiles lack ``customers``, a rule is unknown, or a column is not
        numeric.

    Notes
    -----
    Each segment's mean is compared with the all-customer mean (the
    customer-weighted mean of the segment means) as a ratio:

    1. status: "lapsed" if mean recency > ``lapsed_days``; else "loyal" if the orders
       ratio >= ``loyal`` and mean recency <= ``active_days``; else "occasional" if the
       orders ratio is <= ``low``; else "regular";
    2. spend level: "big" if the spend ratio >= ``high``, "small" if <= ``low``,
       else "mid";
    3. "online" if the mean online share >= the rule ``online``;
    4. "loss-making" if the mean profit is negative.

    The persona is "<status> [online] <level> spenders [(loss-making)]". Two segments
    with the same persona get their segment number appended, so names are unique.

    Examples
    --------
    >>> p = pd.DataFrame({"customers": [10, 30, 60], "orders": [40.0, 10.0, 2.0],
    ...                   "spend": [9000.0, 1500.0, 200.0],
    ...                   "recency_days": [5.0, 90.0, 300.0],
    ...                   "online_share": [0.8, 0.2, 0.1], "profit": [900.0, 150.0, -10.0]})
    >>> name_segments(p)[["persona", "persona_zh"]]
                                   persona    persona_zh
    0            loyal online big spenders   忠诚·线上·高消费客户
    1                 regular mid spenders      常规·中消费客户
    2  lapsed small spenders (loss-making)  流失·低消费客户（亏损）
    """
    caller = "name_segments"
    r = dict(NAMING_RULES)
    if rules is not None and not isinstance(rules, Mapping):
        raise CRMDataError(
            f"{caller}: rules must be a dict of thresholds, e.g. {{'lapsed_days': 180}}, got "
            f"{type(rules).__name__} {rules!r}."
        )
    for key, v in (rules or {}).items():
        check_option(key, list(NAMING_RULES), name="rule", caller=caller)
        r[key] = check_number(v, name=f"rules[{key!r}]", caller=caller, low=0)
    df = require(profiles, {"customers": "number"}, caller=caller)
    present = [c for c in (orders, revenue, recency, online_share, profit)
               if c in profiles.columns]
    numeric_columns(profiles, present, caller, allow_nan=True, param="the profile columns")
    weights = df["customers"].to_numpy(dtype=float)

    def ratio(col):
        if col not in profiles.columns:
            return None
        x = profiles[col].to_numpy(dtype=float)
        ok = np.isfinite(x) & (weights > 0)
        overall = np.average(x[ok], weights=weights[ok]) if ok.any() else np.nan
        return x / overall if overall > 0 else np.full(len(x), np.nan)

    n = len(profiles)
    orders_r, spend_r = ratio(orders), ratio(revenue)
    rec = profiles[recency].to_numpy(dtype=float) if recency in profiles.columns else None
    status, level, is_online, loss, en, zh = [], [], [], [], [], []
    for i in range(n):
        if rec is not None and rec[i] > r["lapsed_days"]:
            s = "lapsed"
        elif (orders_r is not None and orders_r[i] >= r["loyal"]
              and (rec is None or rec[i] <= r["active_days"])):
            s = "loyal"
        elif orders_r is not None and orders_r[i] <= r["low"]:
            s = "occasional"
        else:
            s = "regular"
        if spend_r is not None and spend_r[i] >= r["high"]:
            lv = "big"
        elif spend_r is not None and spend_r[i] <= r["low"]:
            lv = "small"
        else:
            lv = "mid"
        on = bool(online_share in profiles.columns
                  and profiles[online_share].iloc[i] >= r["online"])
        lo = bool(profit in profiles.columns and profiles[profit].iloc[i] < 0)
        status.append(s)
        level.append(lv)
        is_online.append(on)
        loss.append(lo)
        en.append(f"{s}{' online' if on else ''} {lv} spenders"
                  + (" (loss-making)" if lo else ""))
        zh.append("·".join([_STATUS_ZH[s]] + (["线上"] if on else []) + [_LEVEL_ZH[lv]])
                  + ("（亏损）" if lo else ""))
    en_s, zh_s = pd.Series(en), pd.Series(zh)
    dup = en_s.duplicated(keep=False).to_numpy()
    labels = [str(v) for v in profiles.index]
    en = [f"{e} #{lab}" if d else e for e, d, lab in zip(en, dup, labels, strict=True)]
    zh = [f"{z} #{lab}" if d else z for z, d, lab in zip(zh_s, dup, labels, strict=True)]
    out = profiles.copy()
    out["status"] = status
    out["spend_level"] = level
    out["online"] = is_online
    out["loss_making"] = loss
    out["persona"] = en
    out["persona_zh"] = zh
    return out


_STATUS_ZH = {"lapsed": "流失", "loyal": "忠诚", "occasional": "偶尔", "regular": "常规"}
_LEVEL_ZH = {"big": "高消费客户", "mid": "中消费客户", "small": "低消费客户"}
