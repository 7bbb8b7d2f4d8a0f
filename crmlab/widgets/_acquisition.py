"""Explorers for the acquisition chapter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmlab.validation import renamed_keywords

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd
    from ipywidgets import interactive

__all__ = ["man_explorer"]


@renamed_keywords(value="revenue")
def man_explorer(
    leads: pd.DataFrame,
    *,
    money: str = "money_score",
    authority: str = "authority_score",
    need: str = "need_score",
    converted: str = "converted",
    revenue: str | None = "deal_value",
    cost: str | None = "cost",
    thresholds: float | Mapping[str, float] = 6.0,
    step: float = 0.5,
    show_matrix: bool = True,
) -> interactive:
    """Explore how the MAN thresholds trade qualified leads against lost conversions.

    Three sliders set the score at which money (购买能力), authority (购买决定权) and
    need (购买需求) count as met. For each setting the explorer qualifies the leads
    with :func:`crmlab.acquisition.man_qualify`, shows the number of leads and the
    conversion rate per class (:func:`crmlab.acquisition.man_conversion`) and,
    optionally, the MAN matrix. A stricter threshold gives fewer, better "qualified"
    leads but lets more of the later customers fall into the lower classes.

    Parameters
    ----------
    leads : DataFrame
        One row per lead with graded (numeric) scores. Not modified.
    money, authority, need : str, default "money_score", "authority_score", "need_score"
        The graded score columns.
    converted, revenue, cost : str
        Passed to ``man_conversion`` (``revenue`` / ``cost`` may be None).
        ``revenue=`` replaces ``value=``, which still works for one release with a
        ``FutureWarning``.
    thresholds : float or dict, default 6.0
        Starting slider positions (one number, or a dict keyed by criterion).
    step : float, default 0.5
        Slider step.
    show_matrix : bool, default True
        Also draw :func:`crmlab.plots.man_matrix` for the current thresholds.

    Returns
    -------
    ipywidgets.interactive
        Children: the money, authority and need sliders, then the output. After each
        change ``w.result`` holds the ``man_conversion`` table by class, with
        ``w.result.attrs["man_thresholds"]`` the thresholds used.

    Raises
    ------
    CRMDataError
        If a column is missing or not numeric (checked once, before the widget is
        built).

    Examples
    --------
    Outside Jupyter the explorer prints its output; here it is kept quiet.

    >>> import contextlib, io
    >>> import crmlab
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     w = man_explorer(crmlab.load_data("leads"), show_matrix=False)
    ...     w.children[2].value = 8.0       # the need slider
    >>> w.result.attrs["man_thresholds"]["need"]
    8.0
    """
    import ipywidgets as widgets
    import numpy as np
    from IPython.display import display

    from crmlab import acquisition
    from crmlab._errors import CRMDataError
    from crmlab.validation import require
    from crmlab.widgets._figure import new_figure, show_figure

    caller = "man_explorer"
    cols = {"money": money, "authority": authority, "need": need}
    scores = require(leads, {c: "number" for c in cols.values()}, caller=caller,
                     params={c: k for k, c in cols.items()})
    if any(scores[c].dtype == bool for c in cols.values()):
        raise CRMDataError(f"{caller}: the sliders need graded numeric scores, not flags.")
    start = acquisition._thresholds(thresholds, cols, caller)
    # check the other columns once, so a bad input fails here and not inside a callback
    acquisition.man_conversion(acquisition.man_qualify(
        leads, money=money, authority=authority, need=need, thresholds=start),
        converted=converted, revenue=revenue, cost=cost)
    low = float(min(0.0, np.floor(scores.min().min())))
    high = float(max(10.0, np.ceil(scores.max().max())))
    total_conversions = int(np.asarray(leads[converted], dtype=bool).sum())

    def slider(crit):
        return widgets.FloatSlider(value=start[crit], min=low, max=high, step=step,
                                   description=f"{crit} ≥", continuous_update=False,
                                   style={"description_width": "initial"})

    def show(money_threshold, authority_threshold, need_threshold):
        limits = {"money": money_threshold, "authority": authority_threshold,
                  "need": need_threshold}
        qualified = acquisition.man_qualify(leads, money=money, authority=authority,
                                            need=need, thresholds=limits)
        table = acquisition.man_conversion(qualified, converted=converted, revenue=revenue,
                                           cost=cost)
        table.attrs["man_thresholds"] = dict(limits)
        top = table.loc["qualified"]
        print(f"thresholds: money >= {money_threshold:g}, authority >= "
              f"{authority_threshold:g}, need >= {need_threshold:g}")
        if top["leads"] == 0:
            print("'qualified' (MAN): no lead meets all three thresholds")
        else:
            print(f"'qualified' (MAN): {int(top['leads']):,} leads "
                  f"({top['share_of_leads']:.0%} of all), conversion rate "
                  f"{top['conversion_rate']:.1%}, holds {int(top['conversions'])} of "
                  f"{total_conversions} conversions")
        shown = ["leads", "conversions", "conversion_rate", "ci_low", "ci_high",
                 "share_of_conversions"]
        display(table[shown].round(3))
        if show_matrix:
            from crmlab.plots import man_matrix

            fig, ax = new_figure((8, 3.6))
            man_matrix(qualified, value=converted, ax=ax)
            fig.tight_layout()
            show_figure(fig)
        return table

    return widgets.interactive(
        show,
        money_threshold=slider("money"),
        authority_threshold=slider("authority"),
        need_threshold=slider("need"),
    )
