"""Plots for the bias chapter: manager priority vs. objective rank, hours reallocated."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from crmlab import bias
from crmlab._errors import CRMDataError
from crmlab.language import localized
from crmlab.validation import expect_output

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["priority_scatter", "reallocation_chart"]

_STATUS_COLORS = {"over-served": "tab:red", "aligned": "tab:gray", "under-served": "tab:blue"}
_STATUS_LABELS = {"over-served": ("over-served (过度服务)", "过度服务"),
                  "aligned": ("aligned (一致)", "一致"),
                  "under-served": ("under-served (服务不足)", "服务不足")}


def priority_scatter(audit: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Plot the manager's rank against the objective rank, one dot per account.

    Parameters
    ----------
    audit : DataFrame
        Output of :func:`crmlab.bias.priority_audit`.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current Axes.
    **kwargs
        Passed to every ``ax.scatter`` call (e.g. ``s=12``).

    Returns
    -------
    matplotlib Axes
        One scatter per status (over-served red, aligned grey, under-served blue),
        the diagonal of perfect agreement and, when the audit records its
        threshold, the two dashed lines that bound "aligned". Rank 1 (top) is at
        the origin.

    Raises
    ------
    CRMDataError
        If ``audit`` lacks ``objective_rank``, ``manager_rank`` or ``status``.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> audit = pd.DataFrame({"objective_rank": [1, 2, 3], "manager_rank": [3.0, 2, 1],
    ...                       "status": ["under-served", "aligned", "over-served"]})
    >>> fig, ax = plt.subplots()
    >>> len(priority_scatter(audit, ax=ax).collections)
    3
    >>> plt.close(fig)
    """
    expect_output(audit, ["objective_rank", "manager_rank", "status"],
                  producer="bias.priority_audit(accounts)", caller="priority_scatter")
    ax = plt.gca() if ax is None else ax
    n = len(audit)
    status = audit["status"].astype("str")
    kwargs.setdefault("s", 14)
    for s, color in _STATUS_COLORS.items():
        part = audit[status == s]
        if len(part):
            ax.scatter(part["objective_rank"], part["manager_rank"], color=color,
                       label=localized("{}: {}", "{}：{}").format(
                           localized(*_STATUS_LABELS[s]), len(part)), **kwargs)
    ax.plot([1, n], [1, n], color="black", lw=1,
            label=localized("perfect agreement (完全一致)", "完全一致"))
    thr = audit.attrs.get("threshold")          # the setting used, if still attached
    if thr is not None:
        cut = thr * n
        for sign in (1, -1):
            ax.plot([1, n], [1 - sign * cut, n - sign * cut], color="black", lw=0.8, ls="--")
    ax.set_xlim(0, n + 1)
    ax.set_ylim(0, n + 1)
    rho = bias.audit_totals(audit)["spearman"] if {"hours", "profit"} <= set(audit.columns) \
        else None
    title = localized("Manager priority vs. objective rank (管理层偏见)",
                      "经理的优先排序与客观排名（管理层偏见）")
    if rho is not None and np.isfinite(rho):
        title += localized("\nSpearman ρ = ", "\n斯皮尔曼等级相关 ρ = ") + f"{rho:.2f}"
    ax.set(xlabel=localized("objective rank (客观排名, 1 = best)", "客观排名（1 = 最好）"),
           ylabel=localized("manager's priority rank (经理排名, 1 = top)",
                            "经理排名（1 = 最优先）"), title=title)
    ax.legend(loc="upper left", fontsize="small")
    return ax


def reallocation_chart(result: pd.DataFrame, *, groups: int = 10, ax: Axes | None = None,
                       **kwargs: Any) -> Axes:
    """Compare today's and the fair service hours by group of objective rank.

    Parameters
    ----------
    result : DataFrame
        Output of :func:`crmlab.bias.fair_allocation` (``rank``, ``current_hours``,
        ``fair_hours``).
    groups : int, default 10
        Number of equal groups of accounts by objective rank (10 = deciles), best
        group first.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current Axes.
    **kwargs
        Passed to both ``ax.bar`` calls.

    Returns
    -------
    matplotlib Axes
        Two bars per group (today grey, fair allocation blue): hours per account.

    Raises
    ------
    CRMDataError
        If ``result`` lacks the columns or ``groups`` is not a whole number >= 1.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> r = pd.DataFrame({"rank": [1, 2, 3, 4], "current_hours": [10.0, 20, 30, 40],
    ...                   "fair_hours": [40.0, 30, 20, 10]})
    >>> fig, ax = plt.subplots()
    >>> [float(p.get_height()) for p in reallocation_chart(r, groups=2, ax=ax).patches]
    [15.0, 35.0, 35.0, 15.0]
    >>> plt.close(fig)
    """
    expect_output(result, ["rank", "current_hours", "fair_hours"],
                  producer="bias.fair_allocation(accounts)", caller="reallocation_chart")
    if isinstance(groups, bool) or not isinstance(groups, numbers.Integral) or groups < 1:
        raise CRMDataError(f"reallocation_chart: groups={groups!r} must be a whole number >= 1.")
    ax = plt.gca() if ax is None else ax
    n = len(result)
    g = min(int(groups), max(n, 1))
    ranks = result["rank"].to_numpy(dtype=float)
    code = np.minimum(((ranks - 1) * g // max(n, 1)).astype(int), g - 1)
    frame = pd.DataFrame({"g": code, "now": result["current_hours"].to_numpy(dtype=float),
                          "fair": result["fair_hours"].to_numpy(dtype=float)})
    means = frame.groupby("g")[["now", "fair"]].mean().reindex(range(g))
    x = np.arange(g)
    ax.bar(x - 0.2, means["now"], width=0.4, color="tab:gray",
           label=localized("today (现状)", "现状"), **kwargs)
    ax.bar(x + 0.2, means["fair"], width=0.4, color="tab:blue",
           label=localized("fair allocation (按客观评分分配)", "公平的资源分配（按客观评分）"),
           **kwargs)
    ax.set_xticks(x, [f"{k + 1}" for k in x])
    best = f"{100 / g:.0f}%"
    ax.set(xlabel=localized(f"group of accounts by objective rank (1 = best {best})",
                            f"按客观排名分组的客户（1 = 最好的 {best}）"),
           ylabel=localized("service hours per account (服务小时)", "每个客户的服务小时数"),
           title=localized("Same hours, spread by objective merit",
                           "同样的服务时间，按客观价值分配"))
    ax.legend(loc="best", fontsize="small")
    return ax
