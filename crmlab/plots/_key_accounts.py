"""Plots for the key_accounts chapter: scorecard bars, allocation policies, value vs. profit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from crmlab import key_accounts
from crmlab._errors import CRMDataError
from crmlab.language import localized
from crmlab.plots._words import name_in
from crmlab.validation import renamed_keywords

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["scorecard_chart", "allocation_chart", "value_profit_scatter"]

_LABELS = {"value": ("current value (当前价值)", "当前价值"), "profit": ("profit (利润)", "利润"),
           "growth": ("growth potential (增长潜力)", "增长潜力"),
           "fit": ("strategic fit (战略匹配)", "战略匹配")}
#: The allocation policies of :data:`crmlab.key_accounts.POLICIES` in Chinese.
_POLICIES_ZH = {"equal": "平均分配", "by_tier": "按层级分配", "by_score": "按评分分配",
                "optimal": "最优分配", "current": "现状"}


def scorecard_chart(scored: pd.DataFrame, *, top: int = 10, ax: Axes | None = None,
                    **kwargs: Any) -> Axes:
    """Draw the top accounts' scores as horizontal bars stacked by weighted criterion.

    Parameters
    ----------
    scored : DataFrame
        Output of :func:`crmlab.key_accounts.scorecard` (or of
        ``identify_key_accounts``), indexed by account.
    top : int, default 10
        How many accounts, best rank first (drawn at the top).
    ax : matplotlib Axes, optional
        Axes to draw on; default the current Axes.
    **kwargs
        Passed to every ``ax.barh`` call (e.g. ``height=0.6``).

    Returns
    -------
    matplotlib Axes
        One bar segment per criterion and account (``4 * top`` patches); each bar's
        length is the account's total score.

    Raises
    ------
    CRMDataError
        If ``scored`` is not a scorecard or ``top`` is not a positive whole number.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from crmlab import load_data, key_accounts
    >>> sc = key_accounts.scorecard(load_data("accounts"))
    >>> fig, ax = plt.subplots()
    >>> ax = scorecard_chart(sc, top=5, ax=ax)
    >>> len(ax.patches)
    20
    >>> plt.close(fig)
    """
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise CRMDataError(f"scorecard_chart: top={top!r} must be a whole number >= 1.")
    points = key_accounts.score_contributions(scored)
    ranks = scored["rank"]
    shown = points.loc[ranks.sort_values(kind="stable").index[:top]]
    ax = plt.gca() if ax is None else ax
    labels = [str(i) for i in shown.index][::-1]  # best account at the top
    left = np.zeros(len(shown))
    for crit in key_accounts.CRITERIA:
        width = shown[crit].to_numpy()[::-1]
        w = scored.attrs["weights"][crit]
        ax.barh(labels, width, left=left, label=f"{localized(*_LABELS[crit])} × {w:.2f}",
                **kwargs)
        left = left + width
    ax.set(xlabel=localized("weighted score (0-100, 加权得分)", "加权得分（0-100）"),
           ylabel=localized("account (客户)", "客户"),
           title=localized(f"Top {len(shown)} accounts by scorecard (关键客户评分)",
                           f"关键客户评分最高的 {len(shown)} 个客户"))
    ax.set_xlim(0, 100)
    ax.legend(loc="lower right", fontsize="small")
    return ax


def allocation_chart(comparison: pd.DataFrame, *, ax: Axes | None = None,
                     **kwargs: Any) -> Axes:
    """Draw the profit uplift each allocation policy buys with the same service hours.

    Parameters
    ----------
    comparison : DataFrame
        Output of :func:`crmlab.key_accounts.compare_policies` (index ``policy``,
        column ``uplift``).
    ax : matplotlib Axes, optional
        Axes to draw on; default the current Axes.
    **kwargs
        Passed to ``ax.bar``.

    Returns
    -------
    matplotlib Axes
        One bar per policy, labelled with the uplift in million yuan.

    Raises
    ------
    CRMDataError
        If ``comparison`` has no ``uplift`` column.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> comp = pd.DataFrame({"uplift": [9.0e6, 9.5e6]},
    ...                     index=pd.Index(["equal", "by_tier"], name="policy"))
    >>> fig, ax = plt.subplots()
    >>> [float(p.get_height()) for p in allocation_chart(comp, ax=ax).patches]
    [9.0, 9.5]
    >>> plt.close(fig)
    """
    if not isinstance(comparison, pd.DataFrame) or "uplift" not in comparison.columns:
        raise CRMDataError("allocation_chart: expected the output of "
                           "key_accounts.compare_policies() with an 'uplift' column.")
    ax = plt.gca() if ax is None else ax
    values = comparison["uplift"].to_numpy(dtype=float) / 1e6
    names = [str(p) for p in comparison.index]
    colors = ["tab:gray" if p == "equal" else "tab:blue" for p in names]
    kwargs.setdefault("color", colors)
    bars = ax.bar([name_in(p, _POLICIES_ZH) for p in names], values, **kwargs)
    ax.bar_label(bars, fmt="%.2f")
    ax.set(xlabel=localized("allocation policy (资源分配方式)", "资源分配方式"),
           ylabel=localized("profit uplift, million yuan (利润增量)", "利润增量（百万元）"),
           title=localized("Same service hours, different profit", "同样的服务时间，不同的利润"))
    return ax


@renamed_keywords(value="revenue")
def value_profit_scatter(
    accounts: pd.DataFrame,
    *,
    revenue: str = "revenue",
    profit: str = "profit",
    key: str = "key_account",
    logx: bool = True,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Draw revenue against profit per account, key accounts highlighted.

    Parameters
    ----------
    accounts : DataFrame
        One row per account; with a boolean ``key`` column (the output of
        :func:`crmlab.key_accounts.identify_key_accounts`) key accounts are
        drawn in a second colour.
    revenue, profit : str
        Revenue and profit columns. ``revenue=`` replaces ``value=``, which still
        works for one release with a ``FutureWarning``.
    key : str, default "key_account"
        Boolean key-account column; optional.
    logx : bool, default True
        Log scale for revenue (it is heavy-tailed); linear if some revenue is <= 0.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current Axes.
    **kwargs
        Passed to ``ax.scatter``.

    Returns
    -------
    matplotlib Axes
        One scatter collection per group (key / ordinary, or one for all).

    Raises
    ------
    CRMDataError
        If a column is missing or not numeric.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> df = pd.DataFrame({"revenue": [10.0, 100, 1000], "profit": [-1.0, 5, 80],
    ...                    "key_account": [False, False, True]})
    >>> fig, ax = plt.subplots()
    >>> len(value_profit_scatter(df, ax=ax).collections)
    2
    >>> plt.close(fig)
    """
    from crmlab import schema

    cols = {revenue: "number", profit: "number"}
    has_key = isinstance(accounts, pd.DataFrame) and key in accounts.columns
    if has_key:
        cols[key] = "bool"
    df = schema.require(accounts, cols, caller="value_profit_scatter",
                        params={revenue: "revenue", profit: "profit"})
    ax = plt.gca() if ax is None else ax
    kwargs.setdefault("alpha", 0.7)
    if has_key:
        is_key = df[key].astype(bool)
        ax.scatter(df.loc[~is_key, revenue], df.loc[~is_key, profit], s=14, color="tab:gray",
                   label=localized("ordinary (普通客户)", "普通客户"), **kwargs)
        ax.scatter(df.loc[is_key, revenue], df.loc[is_key, profit], s=22, color="tab:red",
                   label=localized("key account (关键客户)", "关键客户"), **kwargs)
        ax.legend(loc="upper left")
    else:
        ax.scatter(df[revenue], df[profit], s=14, **kwargs)
    ax.axhline(0, color="black", linewidth=0.8)
    if logx and (df[revenue] > 0).all():
        ax.set_xscale("log")
    ax.set(xlabel=localized("revenue, yuan (收入)", "收入（元）"),
           ylabel=localized("profit, yuan (利润)", "利润（元）"),
           title=localized("Revenue vs. profit per account", "各客户的收入与利润"))
    return ax
