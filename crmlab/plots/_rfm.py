"""Plots for the RFM chapter: the R x F heatmap, segment shares, score distributions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from crmlab import rfm
from crmlab.language import localized
from crmlab.plots._words import (
    AGGREGATIONS_ZH,
    SEGMENTS_ZH,
    column_name,
    name_in,
    segment_axis,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["rfm_heatmap", "segment_chart", "score_distribution", "recency_frequency"]


def rfm_heatmap(scored: pd.DataFrame, *, value: str | None = "monetary", agg: str = "mean",
                fmt: str | None = None, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw the R score x F score grid, coloured and annotated with a value per cell.

    Parameters
    ----------
    scored : DataFrame
        Output of :func:`crmlab.rfm.rfm_scores`.
    value : str or None, default "monetary"
        Column aggregated per cell; ``None`` counts customers.
    agg : str, default "mean"
        Aggregation (``"mean"``, ``"sum"``, ``"median"``, ...), ignored when counting.
    fmt : str, optional
        Format of the annotations; default ``",.0f"`` (``"d"`` when counting).
    ax : matplotlib Axes, optional
        Axes to draw on; default the current Axes.
    **kwargs
        Passed to ``ax.imshow`` (e.g. ``cmap="viridis"``).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> s = pd.DataFrame({"r_score": [1, 2, 2], "f_score": [1, 2, 2],
    ...                   "monetary": [10.0, 20.0, 40.0]})
    >>> fig, ax = plt.subplots()
    >>> ax = rfm_heatmap(s, ax=ax)
    >>> [t.get_text() for t in ax.texts]
    ['', '30', '10', '']
    >>> plt.close("all")
    """
    ax = plt.gca() if ax is None else ax
    grid = rfm.rf_grid(scored, value=value, agg=agg)
    if fmt is None:
        fmt = "d" if value is None else ",.0f"
    kwargs.setdefault("cmap", "YlGnBu")
    image = ax.imshow(grid.to_numpy(dtype=float), aspect="auto", **kwargs)
    values = grid.to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    middle = (finite.min() + finite.max()) / 2 if finite.size else 0.0
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            v = values[i, j]
            text = "" if not np.isfinite(v) else format(int(v) if fmt == "d" else v, fmt)
            ax.text(j, i, text, ha="center", va="center", fontsize=9,
                    color="white" if np.isfinite(v) and v > middle else "black")
    ax.set_xticks(range(grid.shape[1]), [str(c) for c in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [str(r) for r in grid.index])
    what = (localized("customers", "客户数") if value is None else
            localized(f"{agg} {value}", f"{column_name(value)}{name_in(agg, AGGREGATIONS_ZH)}"))
    ax.set(xlabel=localized("F score (消费频率 frequency)", "F 得分（消费频率）"),
           ylabel=localized("R score (最近一次消费 recency)", "R 得分（最近一次消费）"),
           title=localized(f"{what} per R x F cell", f"R × F 各格的{what}"))
    ax.figure.colorbar(image, ax=ax, label=what)
    return ax


def segment_chart(segmented: pd.DataFrame, *, segment: str = "segment", value: str = "monetary",
                  ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw each segment's share of customers beside its share of value (horizontal bars).

    Parameters
    ----------
    segmented : DataFrame
        Output of :func:`crmlab.rfm.rfm_segments` (one row per customer).
    segment : str, default "segment"
        Segment column (categorical order is kept, best segment on top).
    value : str, default "monetary"
        Value whose share is shown (revenue, profit, ...).
    ax : matplotlib Axes, optional
        Axes to draw on; default the current Axes.
    **kwargs
        Passed to both ``ax.barh`` calls.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> seg = pd.DataFrame({"segment": ["x", "y", "x"], "recency": [1, 9, 3],
    ...                     "frequency": [5, 1, 3], "monetary": [300.0, 100.0, 100.0]})
    >>> fig, ax = plt.subplots()
    >>> ax = segment_chart(seg, ax=ax)
    >>> [round(float(p.get_width()), 2) for p in ax.patches]
    [0.67, 0.33, 0.8, 0.2]
    >>> plt.close("all")
    """
    ax = plt.gca() if ax is None else ax
    summary = rfm.segment_summary(segmented, segment=segment, value=value)
    y = np.arange(len(summary))[::-1]
    height = 0.4
    ax.barh(y + height / 2, summary["customer_share"], height,
            label=localized("share of customers", "客户占比"), **kwargs)
    ax.barh(y - height / 2, summary["value_share"], height,
            label=localized(f"share of {value}", f"{column_name(value)}占比"), **kwargs)
    ax.set_yticks(y, [name_in(s, SEGMENTS_ZH) for s in summary.index])
    ax.set(xlabel=localized("share (占比)", "占比"), ylabel=segment_axis(segment))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{x:.0%}"))
    ax.legend(loc="best")
    return ax


def score_distribution(scored: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw how many customers get each R, F and M score (grouped bars).

    Equal-count bins give bars of equal height; ``ties="value"`` shows collapsed
    bins as missing or uneven bars.

    Parameters
    ----------
    scored : DataFrame
        Output of :func:`crmlab.rfm.rfm_scores`.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current Axes.
    **kwargs
        Passed to ``ax.bar``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> s = pd.DataFrame({"r_score": [1, 2], "f_score": [1, 1], "m_score": [2, 1]})
    >>> fig, ax = plt.subplots()
    >>> ax = score_distribution(s, ax=ax)
    >>> [float(p.get_height()) for p in ax.patches]
    [1.0, 1.0, 2.0, 0.0, 1.0, 1.0]
    >>> plt.close("all")
    """
    ax = plt.gca() if ax is None else ax
    columns = ["r_score", "f_score", "m_score"]
    bins = scored.attrs.get("bins", {})
    top = max(int(bins.get(c, scored[c].max())) for c in columns)
    levels = range(1, top + 1)
    counts = pd.DataFrame({c: scored[c].value_counts().reindex(levels, fill_value=0)
                           for c in columns})
    width = 0.27
    x = np.arange(len(levels))
    for k, (col, label) in enumerate(zip(columns, ["R", "F", "M"], strict=True)):
        ax.bar(x + (k - 1) * width, counts[col].to_numpy(dtype=float), width, label=label,
               **kwargs)
    ax.set_xticks(x, [str(v) for v in levels])
    ax.set(xlabel=localized("score (得分)", "得分"),
           ylabel=localized("customers (客户数)", "客户数"))
    ax.legend(title=localized("score", "得分"))
    return ax


def recency_frequency(table: pd.DataFrame, *, recency: str = "recency",
                      frequency: str = "frequency", hue: str | None = None,
                      ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Scatter recency against frequency, one point per customer (log frequency axis).

    Parameters
    ----------
    table : DataFrame
        Output of :func:`crmlab.rfm.rfm_table` (or a scored / segmented copy).
    recency, frequency : str
        Column names.
    hue : str, optional
        A categorical column (e.g. ``"segment"``) to colour the points by.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current Axes.
    **kwargs
        Passed to ``ax.scatter``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> t = pd.DataFrame({"recency": [1, 50, 300], "frequency": [20, 3, 1],
    ...                   "segment": ["a", "b", "b"]})
    >>> fig, ax = plt.subplots()
    >>> ax = recency_frequency(t, hue="segment", ax=ax)
    >>> len(ax.collections)
    2
    >>> plt.close("all")
    """
    ax = plt.gca() if ax is None else ax
    kwargs.setdefault("s", 8)
    kwargs.setdefault("alpha", 0.6)
    if hue is None:
        ax.scatter(table[recency], table[frequency], **kwargs)
    else:
        for name, part in table.groupby(hue, observed=True, sort=True):
            ax.scatter(part[recency], part[frequency], label=name_in(name, SEGMENTS_ZH),
                       **kwargs)
        ax.legend(title=column_name(hue), fontsize=8, markerscale=2)
    ax.set_yscale("log")
    ax.set(xlabel=localized("recency, days (最近一次消费)", "最近一次消费（天）"),
           ylabel=localized("frequency, orders (消费频率)", "消费频率（订单数）"))
    return ax
