"""Plots for the acquisition chapter: the lead funnel, the MAN matrix and channel economics."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crmlab import acquisition
from crmlab.language import localized
from crmlab.plots._words import column_name
from crmlab.validation import renamed_keywords

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["funnel", "man_matrix", "channel_chart"]


@renamed_keywords(order="stages")
def funnel(data: pd.DataFrame, *, stage: str = "funnel_stage", stages: Sequence | None = None,
           ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw the lead funnel (销售漏斗) as centred horizontal bars with counts and shares.

    Parameters
    ----------
    data : DataFrame
        Leads (one row per lead, see :func:`crmlab.acquisition.lead_funnel`) or the
        output of ``lead_funnel`` itself (a frame with a ``reached`` column).
    stage : str, default "funnel_stage"
        Column of the furthest stage reached (used with raw leads).
    stages : sequence, optional
        The stages from first to last, when ``stage`` is not an ordered categorical.
        Replaces ``order=``, which still works for one release with a
        ``FutureWarning``.
    ax : matplotlib Axes, optional
        Where to draw; default the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.barh` (e.g. ``color``).

    Returns
    -------
    matplotlib Axes
        One bar per stage, first stage on top; each labelled "count (share of top)".

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> toy = pd.DataFrame({"stage": ["new", "won", "contacted", "new"]})
    >>> ax = funnel(toy, stage="stage", stages=["new", "contacted", "won"])
    >>> len(ax.patches)
    3
    >>> plt.close("all")
    """
    import matplotlib.pyplot as plt

    ax = plt.gca() if ax is None else ax
    table = data if "reached" in getattr(data, "columns", []) else \
        acquisition.lead_funnel(data, stage=stage, stages=stages)
    counts = table["reached"].to_numpy(dtype=float)
    top = counts[0] if len(counts) and counts[0] > 0 else 1.0
    y = np.arange(len(table))[::-1]
    kwargs.setdefault("color", "#4C72B0")
    ax.barh(y, counts, left=(counts.max(initial=0) - counts) / 2, height=0.7, **kwargs)
    widest = counts.max(initial=0)
    for yi, count in zip(y, counts, strict=True):
        shown, share = f"{count:,.0f}", f"{count / top:.0%}"
        ax.text((widest + count) / 2 + 0.01 * max(widest, 1), yi,
                localized(f"{shown} ({share})", f"{shown}（{share}）"), ha="left", va="center")
    ax.set_xlim(0, 1.2 * max(widest, 1))
    ax.set_yticks(y, [str(s) for s in table.index])
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set(xlabel=localized("leads reaching the stage (share of the top)",
                            "到达该阶段的销售线索数（占第一阶段的比例）"),
           ylabel=localized("funnel stage (销售漏斗阶段)", "销售漏斗阶段"),
           title=localized("Lead funnel (销售漏斗)", "销售漏斗"))
    return ax


def man_matrix(
    leads: pd.DataFrame,
    *,
    money: str = "money",
    authority: str = "authority",
    need: str = "need",
    thresholds: float | Mapping[str, float] | None = None,
    value: str = "converted",
    colorbar: bool = True,
    cmap: str = "YlGn",
    ax: Axes | None = None,
) -> Axes:
    """Draw the eight MAN combinations as a 2 x 4 grid with count and conversion rate.

    Columns are the money/authority pairs (MA, Ma, mA, ma), rows the need criterion
    (N on top, n below); each cell shows its code, the number of leads and the mean of
    ``value`` (for a True/False column: the conversion rate), and is coloured by it.

    Parameters
    ----------
    leads : DataFrame
        One row per lead; qualified with :func:`crmlab.acquisition.man_qualify` first
        when it has no ``man_code`` column.
    money, authority, need, thresholds
        Passed to ``man_qualify``.
    value : str, default "converted"
        Column averaged per cell: a True/False column gives a rate (shown in %), a
        numeric column its mean (e.g. ``"deal_value"``: value per lead).
    colorbar : bool, default True
        Add a colour bar beside the grid.
    cmap : str, default "YlGn"
        Matplotlib colormap name.
    ax : matplotlib Axes, optional
        Where to draw; default the current Axes.

    Returns
    -------
    matplotlib Axes
        Eight rectangles in ``ax.patches``, in the order of ``MAN_CODES``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> toy = pd.DataFrame({"money": [True, False], "authority": [True, False],
    ...                     "need": [True, True], "converted": [True, False]})
    >>> ax = man_matrix(toy)
    >>> len(ax.patches)
    8
    >>> plt.close("all")
    """
    import matplotlib as mpl
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from crmlab._errors import CRMDataError
    from crmlab.validation import require

    ax = plt.gca() if ax is None else ax
    if isinstance(leads, pd.DataFrame) and "man_code" not in leads.columns:
        leads = acquisition.man_qualify(leads, money=money, authority=authority, need=need,
                                        thresholds=thresholds)
    df = require(leads, {"man_code": "category", value: "any"}, caller="man_matrix",
                 params={value: "value"})
    is_rate = pd.api.types.is_bool_dtype(df[value])
    if not is_rate and not pd.api.types.is_numeric_dtype(df[value]):
        raise CRMDataError(
            f"man_matrix: column {value!r} must be True/False or numeric, got dtype "
            f"{df[value].dtype}. Pass value='converted' or a numeric column."
        )
    code = pd.Categorical(df["man_code"].astype(str), categories=acquisition.MAN_CODES)
    grouped = df[value].astype(float).groupby(code, observed=False)
    counts = grouped.size()
    means = grouped.mean()
    finite = means.dropna()
    norm = mpl.colors.Normalize(vmin=0.0, vmax=float(finite.max()) if len(finite) and
                                finite.max() > 0 else 1.0)
    colours = mpl.colormaps[cmap]
    pairs = ["MA", "Ma", "mA", "ma"]
    for c in acquisition.MAN_CODES:
        col = pairs.index(c[:2])
        row = 1 if c[2] == "N" else 0
        mean = means[c]
        face = colours(norm(mean)) if pd.notna(mean) else (0.93, 0.93, 0.93, 1.0)
        ax.add_patch(Rectangle((col, row), 1, 1, facecolor=face, edgecolor="white", lw=2))
        shown = "–" if pd.isna(mean) else (f"{mean:.1%}" if is_rate else f"{mean:,.0f}")
        dark = pd.notna(mean) and norm(mean) > 0.6
        ax.text(col + 0.5, row + 0.5, f"{c}\nn = {counts[c]:,}\n{shown}", ha="center",
                va="center", fontsize=10, color="white" if dark else "black")
    ax.set_xlim(0, 4)
    ax.set_ylim(0, 2)
    ax.set_xticks(np.arange(4) + 0.5, ["M + A", "M + a", "m + A", "m + a"])
    ax.set_yticks([0.5, 1.5], [localized("n (no need)", "n（无购买需求）"),
                               localized("N (need)", "N（有购买需求）")])
    ax.tick_params(length=0)
    label = (localized("conversion rate (转化率)", "转化率") if is_rate
             else localized(f"mean {value}", f"{column_name(value)}均值"))
    ax.set(xlabel=localized("money (购买能力) + authority (购买决定权); upper case = met",
                            "购买能力 + 购买决定权；大写 = 满足"),
           ylabel=localized("need (购买需求)", "购买需求"),
           title=localized(f"MAN matrix (MAN法则): leads and {label}",
                           f"MAN法则矩阵：销售线索数与{label}"))
    if colorbar:
        mappable = mpl.cm.ScalarMappable(norm=norm, cmap=colours)
        bar = ax.figure.colorbar(mappable, ax=ax, fraction=0.05, pad=0.02)
        bar.set_label(label)
        if is_rate:
            bar.ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    return ax


@renamed_keywords(value="revenue")
def channel_chart(
    data: pd.DataFrame,
    *,
    channel: str = "source_channel",
    cost: str = "cost",
    converted: str = "converted",
    revenue: str | None = "deal_value",
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Plot cost per acquisition (获客成本) against conversion rate, one bubble per channel.

    Parameters
    ----------
    data : DataFrame
        Leads, or the output of :func:`crmlab.acquisition.channel_summary` (a frame
        with ``conversion_rate`` and ``cost_per_acquisition`` columns).
    channel, cost, converted, revenue : str
        Passed to ``channel_summary`` when ``data`` holds raw leads. ``revenue=``
        replaces ``value=``, which still works for one release with a ``FutureWarning``.
    ax : matplotlib Axes, optional
        Where to draw; default the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.scatter`.

    Returns
    -------
    matplotlib Axes
        One point per channel with a conversion (bubble area ~ number of leads),
        labelled with the channel name. Channels without a conversion have no CPA;
        they are named in a note instead of plotted.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> toy = pd.DataFrame({"source_channel": ["fair", "fair", "web", "web"],
    ...                     "cost": [300.0, 300.0, 20.0, 20.0],
    ...                     "converted": [True, False, True, True],
    ...                     "deal_value": [900.0, 0.0, 500.0, 400.0]})
    >>> ax = channel_chart(toy)
    >>> len(ax.collections[0].get_offsets())
    2
    >>> plt.close("all")
    """
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    ax = plt.gca() if ax is None else ax
    cols = set(getattr(data, "columns", []))
    summary = data if {"conversion_rate", "cost_per_acquisition"} <= cols else \
        acquisition.channel_summary(data, channel=channel, cost=cost, converted=converted,
                                    revenue=revenue, sort_by=None)
    summary = summary.drop(index="total", errors="ignore")
    shown = summary[summary["cost_per_acquisition"].notna()]
    sizes = 2000 * shown["leads"] / max(summary["leads"].max(), 1) if "leads" in shown else 200
    kwargs.setdefault("alpha", 0.7)
    kwargs.setdefault("color", "#DD8452")
    ax.scatter(shown["conversion_rate"], shown["cost_per_acquisition"], s=sizes, **kwargs)
    for name, row in shown.iterrows():
        ax.annotate(str(name), (row["conversion_rate"], row["cost_per_acquisition"]),
                    xytext=(6, 6), textcoords="offset points", ha="left", va="bottom",
                    fontsize=9)
    missing = summary.index[summary["cost_per_acquisition"].isna()]
    if len(missing):
        ax.text(0.99, 0.98, localized("no conversions (no CPA): ", "没有成交（无获客成本）：")
                + ", ".join(map(str, missing)),
                transform=ax.transAxes, ha="right", va="top", fontsize=9)
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.margins(0.15)
    ax.set(xlabel=localized("conversion rate (转化率)", "转化率"),
           ylabel=localized("cost per acquisition, yuan (获客成本)", "获客成本（元）"),
           title=localized("Channel economics: cheaper and better channels sit bottom right",
                           "渠道的经济性：越靠右下方的渠道成本越低、转化越好"))
    return ax
