"""Plots for the satisfaction chapter: expectation-perception gaps, NPS, churn drivers,
cohort retention."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from crmlab import satisfaction
from crmlab._errors import CRMDataError
from crmlab.language import localized
from crmlab.plots._words import name_in

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["gap_chart", "nps_chart", "driver_chart", "cohort_heatmap"]

_NPS_COLORS = {"detractors": "tab:red", "passives": "tab:gray", "promoters": "tab:green"}
_NPS_LABELS = {"detractors": ("detractors 0-6 (贬损者)", "贬损者（0-6 分）"),
               "passives": ("passives 7-8 (被动者)", "被动者（7-8 分）"),
               "promoters": ("promoters 9-10 (推荐者)", "推荐者（9-10 分）")}


def _label(dim: str) -> str:
    zh = satisfaction.DIMENSION_NAMES.get(str(dim))
    return localized(f"{dim} ({zh})", zh) if zh else str(dim)


def gap_chart(summary: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw expectation vs. perception per dimension as a dumbbell chart.

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`crmlab.satisfaction.gap_summary` (columns ``expectation``
        and ``perception``, one row per dimension).
    ax : matplotlib Axes, optional
        Axes to draw on; default the current Axes.
    **kwargs
        Passed to both ``ax.scatter`` calls (e.g. ``s=80``).

    Returns
    -------
    matplotlib Axes
        One segment per dimension (red where perception falls short of expectation,
        green where it exceeds it), expectation dots and perception dots.

    Raises
    ------
    CRMDataError
        If ``summary`` lacks the ``expectation`` / ``perception`` columns.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> summary = pd.DataFrame({"expectation": [5.0, 4.0], "perception": [4.5, 4.6]},
    ...                        index=["reliability", "tangibles"])
    >>> fig, ax = plt.subplots()
    >>> len(gap_chart(summary, ax=ax).lines)
    2
    >>> plt.close(fig)
    """
    if not isinstance(summary, pd.DataFrame) or not {"expectation", "perception"} <= set(
            summary.columns):
        raise CRMDataError("gap_chart: expected the output of satisfaction.gap_summary() "
                           "(columns 'expectation' and 'perception').")
    ax = plt.gca() if ax is None else ax
    labels = [_label(d) for d in summary.index][::-1]
    e = summary["expectation"].to_numpy(dtype=float)[::-1]
    p = summary["perception"].to_numpy(dtype=float)[::-1]
    y = np.arange(len(labels))
    for yi, ei, pi in zip(y, e, p, strict=True):
        ax.plot([ei, pi], [yi, yi], color="tab:red" if pi < ei else "tab:green", lw=3,
                alpha=0.6, zorder=1)
    ax.scatter(e, y, color="tab:gray", label=localized("expectation (期望)", "期望"), zorder=2,
               **kwargs)
    ax.scatter(p, y, color="tab:blue", label=localized("perception (感知)", "感知"), zorder=3,
               **kwargs)
    ax.set_yticks(y, labels)
    ax.set(xlabel=localized("mean rating, 1-7", "平均评分（1-7 分）"),
           ylabel=localized("service dimension (服务维度)", "服务维度"),
           title=localized("Expectation vs. perception (SERVQUAL gap, 服务质量差距)",
                           "期望与感知（SERVQUAL 服务质量差距）"))
    ax.legend(loc="best", fontsize="small")
    return ax


def nps_chart(scores: pd.DataFrame | pd.Series | np.ndarray | Sequence[float], *,
              ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw the shares of detractors, passives and promoters as stacked bars with the NPS.

    Parameters
    ----------
    scores : Series, array, list or DataFrame
        0-10 recommendation scores (one bar), or the output of
        :func:`crmlab.satisfaction.nps_breakdown` (one bar per row, e.g. per
        segment).
    ax : matplotlib Axes, optional
        Axes to draw on; default the current Axes.
    **kwargs
        Passed to every ``ax.barh`` call.

    Returns
    -------
    matplotlib Axes
        Three bar segments per row, the NPS written at the end of each bar.

    Raises
    ------
    CRMDataError
        As :func:`crmlab.satisfaction.nps` for bad scores.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> fig, ax = plt.subplots()
    >>> [round(float(p.get_width()), 3) for p in nps_chart([10, 9, 8, 7, 6, 0], ax=ax).patches]
    [0.333, 0.333, 0.333]
    >>> plt.close(fig)
    """
    if isinstance(scores, pd.DataFrame) and set(_NPS_COLORS) <= set(scores.columns):
        table = scores
    else:
        table = satisfaction.nps_breakdown(scores)
    ax = plt.gca() if ax is None else ax
    labels = [name_in(i, {"all": "全体客户"}) for i in table.index][::-1]
    left = np.zeros(len(table))
    for group in _NPS_COLORS:
        width = table[group].to_numpy(dtype=float)[::-1]
        ax.barh(labels, width, left=left, color=_NPS_COLORS[group],
                label=localized(*_NPS_LABELS[group]), **kwargs)
        left = left + width
    if "nps" in table.columns:
        for yi, value in enumerate(table["nps"].to_numpy(dtype=float)[::-1]):
            ax.text(1.01, yi, f"NPS {value:+.0f}", va="center", fontsize="small",
                    transform=ax.get_yaxis_transform())
    ax.set_xlim(0, 1)
    ax.set(xlabel=localized("share of customers (客户占比)", "客户占比"),
           title=localized("Net Promoter Score (净推荐值)", "净推荐值（NPS）"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, fontsize="small")
    return ax


def driver_chart(drivers: pd.DataFrame, *, value: str = "coef", ax: Axes | None = None,
                 **kwargs: Any) -> Axes:
    """Draw the churn model's coefficients (or odds ratios) per feature as bars.

    Parameters
    ----------
    drivers : DataFrame
        Output of :func:`crmlab.satisfaction.churn_drivers`.
    value : {"coef", "odds_ratio"}, default "coef"
        What to draw: the change in log-odds of churn per standard deviation, or the
        odds ratio (drawn around 1).
    ax : matplotlib Axes, optional
        Axes to draw on; default the current Axes.
    **kwargs
        Passed to ``ax.barh``.

    Returns
    -------
    matplotlib Axes
        One bar per feature, largest effect at the top; red bars raise churn, blue
        bars lower it.

    Raises
    ------
    CRMDataError
        If ``drivers`` lacks the ``value`` column or ``value`` is unknown.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> d = pd.DataFrame({"coef": [-1.0, 0.5], "odds_ratio": [0.37, 1.65]},
    ...                  index=["gap_reliability", "complaints"])
    >>> fig, ax = plt.subplots()
    >>> [float(p.get_width()) for p in driver_chart(d, ax=ax).patches]
    [0.5, -1.0]
    >>> plt.close(fig)
    """
    if value not in ("coef", "odds_ratio"):
        raise CRMDataError(f"driver_chart: value={value!r}; use 'coef' or 'odds_ratio'.")
    if not isinstance(drivers, pd.DataFrame) or value not in drivers.columns:
        raise CRMDataError(f"driver_chart: expected the output of satisfaction.churn_drivers() "
                           f"with a {value!r} column.")
    ax = plt.gca() if ax is None else ax
    base = 1.0 if value == "odds_ratio" else 0.0
    v = drivers[value].to_numpy(dtype=float)[::-1]
    labels = [str(i) for i in drivers.index][::-1]
    kwargs.setdefault("color", ["tab:red" if x > base else "tab:blue" for x in v])
    ax.barh(labels, v - base, left=base, **kwargs)
    ax.axvline(base, color="black", lw=0.8)
    xlabel = (localized("change in log-odds of churn per 1 SD (流失对数几率)",
                        "每增加 1 个标准差，流失对数几率的变化") if value == "coef"
              else localized("odds ratio of churn per 1 SD (流失优势比)",
                             "每增加 1 个标准差的流失优势比"))
    ax.set(xlabel=xlabel, ylabel=localized("feature", "特征"),
           title=localized("What drives churn (客户流失的驱动因素)", "客户流失的驱动因素"))
    return ax


def cohort_heatmap(table: pd.DataFrame, *, ax: Axes | None = None, annotate: bool = True,
                   **kwargs: Any) -> Axes:
    """Draw a cohort retention table as a heat map: cohorts down, months since across.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`crmlab.satisfaction.cohort_table` (shares or counts); missing
        cells (months not yet seen) stay blank.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current Axes.
    annotate : bool, default True
        Write each cell's value (a percentage for shares, a count for counts).
    **kwargs
        Passed to ``ax.imshow`` (e.g. ``cmap=``).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> t = pd.DataFrame([[1.0, 0.5, 0.0], [1.0, 1.0, float("nan")]],
    ...                  index=pd.Index(["2024-01", "2024-02"], name="cohort"))
    >>> t.attrs = {"share": True}
    >>> fig, ax = plt.subplots()
    >>> [x.get_text() for x in cohort_heatmap(t, ax=ax).texts]
    ['100%', '50%', '0%', '100%', '100%']
    >>> plt.close(fig)
    """
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise CRMDataError("cohort_heatmap: expected the output of "
                           "satisfaction.cohort_table(transactions).")
    ax = plt.gca() if ax is None else ax
    share = bool(table.attrs.get("share", True))
    values = table.to_numpy(dtype=float, na_value=np.nan)
    kwargs.setdefault("cmap", "Blues")
    if share:
        kwargs.setdefault("vmin", 0.0)
        kwargs.setdefault("vmax", 1.0)
    image = ax.imshow(np.ma.masked_invalid(values), aspect="auto",
                      interpolation="nearest", **kwargs)
    if annotate:
        top = np.nanmax(values) if np.isfinite(values).any() else 1.0
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                scaled = v if share else v / top
                ax.text(j, i, f"{v:.0%}" if share else f"{v:,.0f}", ha="center",
                        va="center", fontsize=8,
                        color="white" if scaled > 0.6 else "black")
    ax.figure.colorbar(image, ax=ax, label=localized("share of the cohort (客户保持率)",
                                                     "客户保持率") if share
                       else localized("customers (客户数)", "客户数"))
    ax.set_xticks(range(values.shape[1]), [str(c) for c in table.columns])
    ax.set_yticks(range(values.shape[0]), [str(i) for i in table.index])
    ax.set(xlabel=localized("months since the first purchase (首次购买后月数)", "首次购买后月数"),
           ylabel=localized("cohort: month of the first purchase (首购月份)",
                            "同期群：首次购买的月份"),
           title=localized("cohort retention (同期群客户保持率)", "同期群客户保持率"))
    return ax
