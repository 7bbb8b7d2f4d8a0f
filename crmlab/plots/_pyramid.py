"""Plots for the pyramid chapter: Lorenz curve, whale curve, the drawn pyramid, Pareto chart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from crmlab import pyramid
from crmlab._errors import CRMDataError
from crmlab.language import localized
from crmlab.plots._words import TIERS_ZH, column_name, name_in
from crmlab.validation import warn_renamed

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from crmlab._typing import ArrayLike

__all__ = ["lorenz", "whale", "pyramid_chart", "abc_chart"]


def _column(data, value: str, caller: str):
    """A DataFrame gives its ``value`` column; a Series, array or list is used as is."""
    if isinstance(data, pd.DataFrame):
        if value not in data.columns:
            shown = ", ".join(map(str, data.columns[:20]))
            raise CRMDataError(
                f"{caller}: no column {value!r}. Columns present: {shown}. "
                f"Pass the right name, for example value='...'."
            )
        return data[value]
    return data


def _pct(x: float) -> str:
    return f"{x:.0%}" if abs(x) >= 0.095 or x == 0 else f"{x:.1%}"


def lorenz(data: pd.DataFrame | ArrayLike, *, value: str = "amount", ax: Axes | None = None,
           label: str | None = None, **kwargs: Any) -> Axes:
    """
    Draw the Lorenz curve (洛伦兹曲线) with the line of equality and the Gini in the legend.

    Parameters
    ----------
    data : DataFrame, Series or array-like
        One row per customer. A DataFrame gives its ``value`` column; anything else
        is taken as the values themselves.
    value : str, default "amount"
        Column of ``data`` holding the customer value (only for a DataFrame).
    ax : matplotlib Axes, optional
        Where to draw; default the current Axes.
    label : str, optional
        Legend label of the curve; default ``"Lorenz curve (Gini = 0.65)"``.
    **kwargs
        Passed to ``ax.plot`` for the curve.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    CRMDataError
        As :func:`crmlab.pyramid.lorenz_curve`, or if the column is missing.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> ax = lorenz([1, 2, 3, 10], ax=ax)
    >>> ax.get_legend_handles_labels()[1]
    ['line of equality (绝对平等线)', 'Lorenz curve (Gini = 0.44)']
    >>> plt.close(fig)
    """
    ax = plt.gca() if ax is None else ax
    values = _column(data, value, "lorenz")
    curve, g = pyramid.lorenz_curve(values), pyramid.gini(values)
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1,
            label=localized("line of equality (绝对平等线)", "绝对平等线"))
    default = localized(f"Lorenz curve (Gini = {g:.2f})", f"洛伦兹曲线（基尼系数 = {g:.2f}）")
    ax.plot(curve["customer_share"], curve["value_share"],
            label=label if label is not None else default, **kwargs)
    ax.set(xlim=(0, 1), ylim=(0, 1), aspect="equal",
           xlabel=localized("share of customers, smallest first (客户占比)",
                            "客户占比（价值从小到大）"),
           ylabel=localized("share of value (价值占比)", "价值占比"))
    ax.legend(loc="upper left")
    return ax


def whale(profits: pd.DataFrame | ArrayLike, *, value: str = "profit", ax: Axes | None = None,
          **kwargs: Any) -> Axes:
    """
    Draw the whale curve (鲸鱼曲线): cumulative profit share, most profitable customers first.

    Parameters
    ----------
    profits : DataFrame, Series or array-like
        Profit per customer (may be negative). A DataFrame gives its ``value`` column.
    value : str, default "profit"
        Column of ``profits`` holding the profit (only for a DataFrame).
    ax : matplotlib Axes, optional
        Where to draw; default the current Axes.
    **kwargs
        Passed to ``ax.plot`` for the curve.

    Returns
    -------
    matplotlib Axes
        With the curve, the 100 % line and the peak marked and annotated.

    Raises
    ------
    CRMDataError
        As :func:`crmlab.pyramid.whale_curve`, or if the column is missing.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> ax = whale([60, 50, -10], ax=ax)
    >>> [round(float(y), 2) for y in ax.lines[0].get_ydata()]
    [0.0, 0.6, 1.1, 1.0]
    >>> plt.close(fig)
    """
    ax = plt.gca() if ax is None else ax
    values = _column(profits, value, "whale")
    curve, summary = pyramid.whale_curve(values), pyramid.whale_summary(values)
    x0, y0 = summary["peak_share"], summary["peak_height"]
    kwargs.setdefault("label", localized("cumulative profit (累计利润)", "累计利润"))
    ax.plot(curve["customer_share"], curve["cumulative_profit_share"], **kwargs)
    ax.axhline(1.0, color="grey", linestyle="--", linewidth=1,
               label=localized("100% of total profit", "总利润的 100%"))
    ax.plot([x0], [y0], marker="o", color="crimson", linestyle="none",
            label=localized(f"peak: {_pct(x0)} of customers earn {_pct(y0)} of profit",
                            f"峰值：{_pct(x0)} 的客户贡献了 {_pct(y0)} 的利润"))
    ax.set(xlim=(0, 1), ylim=(min(0.0, float(curve["cumulative_profit_share"].min())),
                              max(1.1, y0 * 1.08)),
           xlabel=localized("share of customers, most profitable first (客户占比)",
                            "客户占比（利润从高到低）"),
           ylabel=localized("cumulative share of total profit (累计利润占比)", "累计利润占比"))
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda y, _: f"{y:.0%}"))
    ax.legend(loc="lower right")
    return ax


def _is_numeric(x) -> bool:
    """Numbers (not bools, not a categorical): what ``values`` holds."""
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        try:
            dtype = pd.Series(x).dtype
        except (TypeError, ValueError):
            return False
    return (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
            and not isinstance(dtype, pd.CategoricalDtype))


def _tiers_first(values, tiers) -> tuple:
    """Accept the old argument order ``(tiers, values)`` for one release, with a warning.

    The old order is recognised when the first argument holds labels (a categorical,
    text) and the second numbers, or when the only argument holds labels: a swap the
    new order would otherwise draw wrongly or refuse.
    """
    if values is None or isinstance(values, pd.DataFrame) or _is_numeric(values):
        return values, tiers
    if tiers is None:
        warn_renamed("pyramid_chart: the first argument is now the values, as in "
                     "tier_summary(values, tiers); pass the tiers alone as "
                     "pyramid_chart(tiers=...). pyramid_chart(tiers) will stop working in "
                     "the next release.")
        return None, values
    if _is_numeric(tiers):
        warn_renamed("pyramid_chart: the arguments are now (values, tiers), as in "
                     "tier_summary(values, tiers); pyramid_chart(tiers, values) will stop "
                     "working in the next release.")
        return tiers, values
    return values, tiers


def pyramid_chart(values: pd.DataFrame | ArrayLike | None = None,
                  tiers: pd.Series | Sequence | None = None, *, ax: Axes | None = None,
                  colors: Sequence | None = None, value_label: str = "value",
                  **kwargs: Any) -> Axes:
    """
    Draw a customer pyramid (客户金字塔): one centered bar per tier, top tier on top.

    Bar widths grow from the top tier to the bottom (the shape of a pyramid, not the
    tier sizes); each bar is labeled with the tier name, its share of customers and,
    if ``values`` is given, its share of value. The arguments are those of
    :func:`crmlab.pyramid.tier_summary`, in the same order.

    Parameters
    ----------
    values : Series, array-like or DataFrame, optional
        Value per customer, aligned with ``tiers`` by position, for the value shares;
        without it only the shares of customers are drawn. Or the table of
        :func:`crmlab.pyramid.tier_summary` (then ``tiers`` is not given).
    tiers : Series or array-like, optional
        Tier of each customer, e.g. from :func:`crmlab.pyramid.pyramid_tiers` (an
        ordered categorical, top tier first; empty tiers are drawn too). Required
        unless ``values`` is a ``tier_summary`` table; pass it by keyword to draw the
        tiers alone: ``pyramid_chart(tiers=tiers)``.
    ax : matplotlib Axes, optional
        Where to draw; default the current Axes.
    colors : list of colors, optional
        One per tier, top first; default a sequential palette.
    value_label : str, default "value"
        What the value is called in the labels, e.g. ``"profit"``.
    **kwargs
        Passed to ``ax.barh``.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    CRMDataError
        If no tiers are given, or as :func:`crmlab.pyramid.tier_summary`.

    Notes
    -----
    Until this release the order was ``pyramid_chart(tiers, values=None)``. A call in
    the old order, recognised by labels (a categorical or text) first and numbers
    second, or labels alone, still draws the same pyramid for one release, with a
    ``FutureWarning``. Tiers coded as numbers cannot be told from values: pass them by
    keyword.

    Examples
    --------
    >>> v = pd.Series(range(1, 101))
    >>> fig, ax = plt.subplots()
    >>> ax = pyramid_chart(v, pyramid.pyramid_tiers(v, "curry"), ax=ax)
    >>> len(ax.patches), ax.texts[0].get_text(), ax.texts[1].get_text().splitlines()
    (4, 'top', ['1.0% of customers', '2.0% of value'])
    >>> plt.close(fig)
    """
    ax = plt.gca() if ax is None else ax
    values, tiers = _tiers_first(values, tiers)
    if values is None and isinstance(tiers, pd.DataFrame):
        values, tiers = tiers, None  # a tier_summary table passed as tiers=
    if isinstance(values, pd.DataFrame):
        if tiers is not None:
            raise CRMDataError(
                "pyramid_chart: values is a table (the output of tier_summary), so tiers "
                "must not be given; pass per-customer values and tiers, or the table alone.")
        table = values
        has_value = "value_share" in table.columns
    else:
        if tiers is None:
            raise CRMDataError(
                "pyramid_chart: no tiers. Pass the tier of each customer, e.g. "
                "pyramid_chart(values, pyramid.pyramid_tiers(values)), or the table of "
                "pyramid.tier_summary(values, tiers).")
        t = tiers if isinstance(tiers, pd.Series) else pd.Series(tiers)
        has_value = values is not None
        vals = values if has_value else np.ones(len(t))
        table = pyramid.tier_summary(vals, t)
    names = [str(n) for n in table.index]
    k = len(names)
    widths = 0.36 + 0.64 * np.arange(k) / max(k - 1, 1)
    ys = np.arange(k)[::-1]  # top tier at the top
    if colors is None:
        colors = [plt.get_cmap("YlOrBr")(c) for c in np.linspace(0.7, 0.2, k)]
    kwargs.setdefault("edgecolor", "white")
    ax.barh(ys, widths, left=-widths / 2, height=0.92, color=colors, **kwargs)
    for y, w, name, (_, row) in zip(ys, widths, names, table.iterrows(), strict=True):
        ax.text(0, y, name_in(name, TIERS_ZH), ha="center", va="center", fontsize=11)
        share = _pct(row["customer_share"])
        detail = localized(f"{share} of customers", f"占客户的 {share}")
        if has_value:
            share = _pct(row["value_share"])
            detail += localized(f"\n{share} of {value_label}",
                                f"\n占{column_name(value_label)}的 {share}")
        ax.text(w / 2 + 0.03, y, detail, ha="left", va="center", fontsize=9)
    ax.set(xlim=(-0.55, 1.15), ylim=(-0.6, k - 0.4))
    ax.set_axis_off()
    return ax


def abc_chart(values: pd.DataFrame | ArrayLike, *, a: float = 0.8, b: float = 0.95,
              rule: str = "including", value: str = "amount", ax: Axes | None = None,
              **kwargs: Any) -> Axes:
    """
    Draw a Pareto chart (帕累托图) of ABC classes: values largest first, cumulative share line.

    Customers are bars (drawn as a filled step area, so thousands of customers stay
    fast) colored by class, on the share of customers; a second y axis carries the
    cumulative share of value with the ``a`` and ``b`` thresholds.

    Parameters
    ----------
    values : DataFrame, Series or array-like
        One non-negative value per customer. A DataFrame gives its ``value`` column.
    a, b : float, default 0.8 and 0.95
        Class thresholds, as in :func:`crmlab.pyramid.abc_classes`.
    rule : {"including", "before"}, default "including"
        Boundary rule, as in :func:`crmlab.pyramid.abc_classes`.
    value : str, default "amount"
        Column holding the value (only for a DataFrame).
    ax : matplotlib Axes, optional
        Where to draw the bars; default the current Axes. The cumulative line goes on
        ``ax.twinx()``.
    **kwargs
        Passed to ``ax.plot`` for the cumulative line.

    Returns
    -------
    matplotlib Axes
        The Axes with the bars (the twin Axes is in ``ax.figure.axes``).

    Raises
    ------
    CRMDataError
        As :func:`crmlab.pyramid.abc_classes`.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> ax = abc_chart([70, 15, 10, 5], ax=ax)
    >>> ax.get_legend_handles_labels()[1]
    ['A: n = 1', 'B: n = 2', 'C: n = 1']
    >>> plt.close(fig)
    """
    ax = plt.gca() if ax is None else ax
    v = _column(values, value, "abc_chart")
    classes = pyramid.abc_classes(v, a, b, rule=rule)
    x = np.asarray(v, dtype=float)
    order = np.lexsort((classes.cat.codes.to_numpy(), -x))  # value desc; a tie: A before B
    xs, cs = x[order], classes.to_numpy()[order]
    n = len(xs)
    edges = np.arange(n + 1) / n
    colors = {"A": "#c0392b", "B": "#f39c12", "C": "#95a5a6"}
    for cls in ["A", "B", "C"]:
        mask = cs == cls
        heights = np.where(mask, xs, 0.0)
        ax.stairs(heights, edges, fill=True, color=colors[cls],
                  label=f"{cls}: n = {int(mask.sum())}")
    ax.set(xlim=(0, 1), ylim=(0, None),
           xlabel=localized("share of customers, largest first (客户占比)",
                            "客户占比（价值从大到小）"),
           ylabel=localized("customer value (客户价值)", "客户价值"))
    ax.legend(loc="center right")
    ax2 = ax.twinx()
    cum = np.concatenate([[0.0], np.cumsum(xs)]) / xs.sum()
    kwargs.setdefault("color", "black")
    ax2.plot(edges, cum, **kwargs)
    for t in (a, b):
        ax2.axhline(t, color="grey", linestyle=":", linewidth=1)
    ax2.set(ylim=(0, 1.02),
            ylabel=localized("cumulative share of value (累计价值占比)", "累计价值占比"))
    ax2.yaxis.set_major_formatter(plt.FuncFormatter(lambda y, _: f"{y:.0%}"))
    return ax
