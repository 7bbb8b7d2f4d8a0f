"""Plots for the segmentation chapter: choosing k, segment profiles, scatter, lifecycle."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from crmlab import segmentation
from crmlab.language import localized
from crmlab.plots._words import STAGES_ZH, column_name, name_in, segment_axis

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["elbow_silhouette", "segment_profile_chart", "segment_scatter", "lifecycle_chart"]


def elbow_silhouette(choice: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw inertia (elbow method) and silhouette against k, on twin y axes.

    Parameters
    ----------
    choice : DataFrame
        Output of :func:`crmlab.segmentation.choose_k` (columns ``k``, ``inertia``,
        ``silhouette``).
    ax : matplotlib Axes, optional
        Axes for the inertia line; default the current Axes. The silhouette goes on
        a twin Axes (``ax.right_ax``).
    **kwargs
        Passed to both ``plot`` calls.

    Returns
    -------
    matplotlib Axes
        The inertia Axes; the k with the best silhouette is marked with a vertical line.

    Examples
    --------
    >>> c = pd.DataFrame({"k": [2, 3, 4], "inertia": [90.0, 40.0, 30.0],
    ...                   "silhouette": [0.5, 0.7, 0.6]})
    >>> fig, ax = plt.subplots()
    >>> ax = elbow_silhouette(c, ax=ax)
    >>> ax.right_ax.lines[0].get_ydata().tolist()
    [0.5, 0.7, 0.6]
    >>> plt.close("all")
    """
    ax = plt.gca() if ax is None else ax
    k = choice["k"].to_numpy()
    ax.plot(k, choice["inertia"].to_numpy(dtype=float), marker="o", color="C0",
            label=localized("inertia (elbow)", "簇内平方和（肘部法则）"), **kwargs)
    ax.set(xlabel=localized("k, number of segments (细分数)", "细分数 k"),
           ylabel=localized("inertia, within-segment sum of squares (簇内平方和)", "簇内平方和"))
    ax.set_xticks(k)
    right = ax.twinx()
    sil = choice["silhouette"].to_numpy(dtype=float)
    silhouette = localized("silhouette (轮廓系数)", "轮廓系数")
    right.plot(k, sil, marker="s", color="C1", label=silhouette, **kwargs)
    right.set_ylabel(silhouette)
    if np.isfinite(sil).any():
        best = k[int(np.nanargmax(sil))]
        right.axvline(best, color="grey", linestyle=":", linewidth=1)
    handles = ax.get_lines() + right.get_lines()[:1]
    ax.legend(handles, [h.get_label() for h in handles], loc="upper right", fontsize=9)
    ax.right_ax = right
    return ax


def segment_profile_chart(segmented: pd.DataFrame, *, segment: str = "segment",
                          columns: Sequence[str] | None = None,
                          labels: Mapping | Sequence[str] | None = None,
                          ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw the standardised segment means as a heat map (segments x features).

    Each cell is (segment mean - overall mean) / overall standard deviation
    (:func:`crmlab.segmentation.segment_profiles` with ``stat="z"``): red above
    average, blue below, so features in yuan, days and shares compare on one scale.

    Parameters
    ----------
    segmented : DataFrame
        One row per customer with a segment column (from
        :func:`crmlab.segmentation.kmeans_segments`).
    segment : str, default "segment"
        Segment column.
    columns : list of str, optional
        Features to show; default as :func:`~crmlab.segmentation.segment_profiles`.
    labels : mapping or sequence of str, optional
        Row labels per segment (e.g. the personas); default the segment values.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current Axes.
    **kwargs
        Passed to ``ax.imshow`` (default ``cmap="RdBu_r"``, limits +-1.5).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> s = pd.DataFrame({"segment": [0, 0, 1, 1], "orders": [10, 12, 1, 1],
    ...                   "spend": [500.0, 700.0, 50.0, 30.0]})
    >>> fig, ax = plt.subplots()
    >>> ax = segment_profile_chart(s, ax=ax)
    >>> [t.get_text() for t in ax.texts]
    ['+1.0', '+1.0', '-1.0', '-1.0']
    >>> plt.close("all")
    """
    ax = plt.gca() if ax is None else ax
    z = segmentation.segment_profiles(segmented, segment=segment, columns=columns, stat="z")
    z = z[z.attrs["columns"]]
    values = z.to_numpy(dtype=float)
    kwargs.setdefault("cmap", "RdBu_r")
    kwargs.setdefault("vmin", -1.5)
    kwargs.setdefault("vmax", 1.5)
    image = ax.imshow(values, aspect="auto", **kwargs)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[i, j]
            ax.text(j, i, "" if not np.isfinite(v) else f"{v:+.1f}", ha="center",
                    va="center", fontsize=9, color="white" if abs(v) > 1.0 else "black")
    if labels is None:
        names = [str(s) for s in z.index]
    elif isinstance(labels, dict | pd.Series):
        names = [str(labels[s]) for s in z.index]
    else:
        names = [str(s) for s in labels]
    ax.set_xticks(range(values.shape[1]), [str(c) for c in z.columns], rotation=30,
                  ha="right")
    ax.set_yticks(range(values.shape[0]), names)
    ax.set(xlabel=localized("feature (特征)", "特征"), ylabel=segment_axis(segment),
           title=localized("segment profiles: standardised means (z)",
                           "客户细分画像：标准化均值（z）"))
    ax.figure.colorbar(image, ax=ax, label=localized("standard deviations from the mean",
                                                     "与均值相差的标准差数"))
    return ax


def segment_scatter(segmented: pd.DataFrame, *, x: str = "orders", y: str = "spend",
                    segment: str = "segment", log: bool = True, labels: Mapping | None = None,
                    ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Scatter two features, one point per customer, coloured by segment.

    Parameters
    ----------
    segmented : DataFrame
        One row per customer with a segment column.
    x, y : str, default "orders", "spend"
        Columns on the axes.
    segment : str, default "segment"
        Segment column (one colour per segment, in sorted order).
    log : bool, default True
        Log-scale both axes (``"symlog"`` when a column has values <= 0, e.g. a
        net spend after returns).
    labels : mapping of segment to str, optional
        Legend labels (e.g. the personas); default the segment values.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current Axes.
    **kwargs
        Passed to ``ax.scatter``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> s = pd.DataFrame({"segment": [0, 1, 1], "orders": [30, 1, 2],
    ...                   "spend": [3000.0, 40.0, 90.0]})
    >>> fig, ax = plt.subplots()
    >>> ax = segment_scatter(s, ax=ax)
    >>> len(ax.collections), ax.get_xscale()
    (2, 'log')
    >>> plt.close("all")
    """
    ax = plt.gca() if ax is None else ax
    kwargs.setdefault("s", 6)
    kwargs.setdefault("alpha", 0.5)
    for name, part in segmented.groupby(segment, observed=True, sort=True):
        label = str(labels[name]) if labels is not None else str(name)
        ax.scatter(part[x], part[y], label=label, **kwargs)
    if log:
        for col, setter in ((x, ax.set_xscale), (y, ax.set_yscale)):
            positive = bool((segmented[col] > 0).all())
            setter("log" if positive else "symlog")
    ax.set(xlabel=x, ylabel=y)
    ax.legend(title=column_name(segment), fontsize=8, markerscale=2)
    return ax


def lifecycle_chart(staged: pd.DataFrame, *, stage: str = "stage", value: str | None = None,
                    ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw the number of customers per lifecycle stage, in lifecycle order.

    Parameters
    ----------
    staged : DataFrame
        Output of :func:`crmlab.segmentation.lifecycle_stage`.
    stage : str, default "stage"
        Stage column (an ordered categorical; empty stages are shown as 0).
    value : str, optional
        A value column (e.g. ``"spend"``): the label on each bar then also gives the
        stage's share of the total value.
    ax : matplotlib Axes, optional
        Axes to draw on; default the current Axes.
    **kwargs
        Passed to ``ax.bar``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> f = pd.DataFrame({"orders": [0, 1, 3, 20], "recency_days": [None, 5, 10, 20]})
    >>> from crmlab.segmentation import lifecycle_stage
    >>> fig, ax = plt.subplots()
    >>> ax = lifecycle_chart(lifecycle_stage(f), ax=ax)
    >>> [int(p.get_height()) for p in ax.patches]
    [1, 1, 1, 1, 0]
    >>> plt.close("all")
    """
    ax = plt.gca() if ax is None else ax
    col = staged[stage]
    counts = col.value_counts(sort=False)
    if isinstance(col.dtype, pd.CategoricalDtype):
        counts = counts.reindex(col.cat.categories, fill_value=0)
    n = counts.sum()
    x = np.arange(len(counts))
    bars = ax.bar(x, counts.to_numpy(dtype=float), **kwargs)
    if value is not None:
        sums = staged.groupby(stage, observed=False)[value].sum().reindex(counts.index)
        total = staged[value].sum()
        shares = (sums / total).fillna(0.0) if total > 0 else sums * np.nan
    for i, bar in enumerate(bars):
        text = f"{int(counts.iloc[i])}\n{counts.iloc[i] / n:.0%}" if n else "0"
        if value is not None:
            text += f" | {column_name(value)} {shares.iloc[i]:.0%}"
        ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, [name_in(s, STAGES_ZH) for s in counts.index])
    ax.set(xlabel=localized("lifecycle stage (客户生命周期阶段)", "客户生命周期阶段"),
           ylabel=localized("customers (客户数)", "客户数"))
    ax.margins(y=0.15)
    return ax
