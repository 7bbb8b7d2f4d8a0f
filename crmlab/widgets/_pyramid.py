"""Explorers for the pyramid chapter: move the tier cut-offs and watch the shares change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from crmlab import pyramid

if TYPE_CHECKING:
    from ipywidgets import interactive

    from crmlab._typing import ArrayLike

__all__ = ["pyramid_explorer", "abc_explorer"]


def pyramid_explorer(values: ArrayLike, *, names: Sequence[str] | None = None,
                     language: str | None = None, plot: bool = True) -> interactive:
    """
    Explore how the customer pyramid's cut-offs change tier sizes and value shares.

    Three sliders set the cumulative share of customers closing the first three
    tiers (default 1 %, 20 % and 50 %: 苏朝晖's pyramid); the fourth tier is the rest.
    Each move recomputes :func:`crmlab.pyramid.pyramid_tiers` and
    :func:`crmlab.pyramid.tier_summary`, shows the table and the pyramid chart, and
    keeps the table on ``w.result``. It shows how arbitrary the cut-offs are: the
    value share of "key accounts" follows wherever the line is drawn.

    Parameters
    ----------
    values : Series or array-like of float
        Value per customer (e.g. revenue).
    names : sequence of 4 str, optional
        Tier names, top first; default the su names in ``language``.
    language : {"zh", "en"}, optional
        Language of the default names (default Chinese).
    plot : bool, default True
        Draw the pyramid chart under the table.

    Returns
    -------
    ipywidgets.interactive
        Controls ``children[0:3]`` (the three cut-offs, in percent of customers),
        ``result`` the latest :func:`crmlab.pyramid.tier_summary` table, or ``None``
        while the cut-offs are not increasing.

    Raises
    ------
    CRMDataError
        If the values are invalid (as :func:`crmlab.pyramid.pyramid_tiers`).

    Examples
    --------
    >>> w = pyramid_explorer([50, 30, 10, 5, 5], plot=False)  # doctest: +SKIP
    >>> w.children[1].value = 40; w.update()                  # doctest: +SKIP
    >>> w.result["customers"].tolist()                        # doctest: +SKIP
    [1, 1, 1, 2]
    """
    import ipywidgets as widgets
    from IPython.display import display

    from crmlab import plots
    from crmlab.widgets._figure import new_figure, show_figure

    tier_names = names if names is not None else pyramid.SCHEMES["su"]["names"][language or "zh"]
    # validate once, up front, so a bad input fails before any widget is built
    pyramid.pyramid_tiers(values, "su", names=tier_names)

    def show(top=1.0, top2=20.0, top3=50.0):
        if not 0 < top < top2 < top3 < 100:
            print(f"The cut-offs must increase: {top}% < {top2}% < {top3}% < 100%.")
            return None
        shares = (top / 100, (top2 - top) / 100, (top3 - top2) / 100, (100 - top3) / 100)
        tiers = pyramid.pyramid_tiers(values, "su", shares=shares, names=tier_names)
        table = pyramid.tier_summary(values, tiers)
        display(table.round(3))
        if plot:
            fig, ax = new_figure((7, 3.2))
            plots.pyramid_chart(table, ax=ax)
            show_figure(fig)
        return table

    style = {"description_width": "initial"}
    layout = widgets.Layout(width="420px")
    return widgets.interactive(
        show,
        top=widgets.FloatSlider(value=1.0, min=0.5, max=10.0, step=0.5, style=style,
                                layout=layout, description="top tier: top % of customers"),
        top2=widgets.FloatSlider(value=20.0, min=5.0, max=60.0, step=1.0, style=style,
                                 layout=layout, description="first two tiers: top %"),
        top3=widgets.FloatSlider(value=50.0, min=20.0, max=95.0, step=5.0, style=style,
                                 layout=layout, description="first three tiers: top %"),
    )


def abc_explorer(values: ArrayLike, *, rule: str = "including",
                 plot: bool = True) -> interactive:
    """
    Explore ABC classes (ABC 分类): move the ``a`` and ``b`` thresholds and the rule.

    Parameters
    ----------
    values : Series or array-like of float
        One non-negative value per customer.
    rule : {"including", "before"}, default "including"
        Initial boundary rule (a dropdown switches it).
    plot : bool, default True
        Draw the Pareto chart under the table.

    Returns
    -------
    ipywidgets.interactive
        Controls ``children[0]`` (``a``), ``children[1]`` (``b``), ``children[2]``
        (the rule); ``result`` the latest :func:`crmlab.pyramid.tier_summary` of the
        classes, or ``None`` while ``a >= b``.

    Raises
    ------
    CRMDataError
        If the values are invalid (as :func:`crmlab.pyramid.abc_classes`).

    Examples
    --------
    >>> w = abc_explorer([70, 15, 10, 5], plot=False)  # doctest: +SKIP
    >>> w.children[2].value = "before"; w.update()     # doctest: +SKIP
    >>> w.result["customers"].tolist()                 # doctest: +SKIP
    [2, 1, 1]
    """
    import ipywidgets as widgets
    from IPython.display import display

    from crmlab import plots
    from crmlab.widgets._figure import new_figure, show_figure

    pyramid.abc_classes(values, rule=rule)  # fail early on bad input

    def show(a=0.8, b=0.95, rule=rule):
        if not a < b:
            print(f"Need a < b, got a = {a} and b = {b}.")
            return None
        classes = pyramid.abc_classes(values, a, b, rule=rule)
        table = pyramid.tier_summary(values, classes)
        display(table.round(3))
        if plot:
            fig, ax = new_figure((7, 3.2))
            plots.abc_chart(values, a=a, b=b, rule=rule, ax=ax)
            show_figure(fig)
        return table

    return widgets.interactive(
        show,
        a=widgets.FloatSlider(value=0.8, min=0.5, max=0.95, step=0.05, description="a"),
        b=widgets.FloatSlider(value=0.95, min=0.6, max=0.99, step=0.01, description="b"),
        rule=widgets.Dropdown(options=["including", "before"], value=rule, description="rule"),
    )
