"""Explorers for the customer lifetime value chapter (客户终身价值)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipywidgets import interactive

__all__ = ["clv_explorer"]


def clv_explorer(*, margin: float = 100.0, retention: float = 0.8, discount: float = 0.1,
                 acquisition_cost: float = 0.0, horizon: int = 20) -> interactive:
    """Explore how margin, retention and discount rate change a customer's lifetime value.

    Shows the expected discounted margin collected period by period and its total
    (:func:`crmlab.clv.simple_clv`, margins at the end of each period).

    Parameters
    ----------
    margin : float, default 100.0
        Starting margin per period (yuan).
    retention : float, default 0.8
        Starting retention rate, a decimal.
    discount : float, default 0.1
        Starting discount rate, a decimal.
    acquisition_cost : float, default 0.0
        Acquisition cost subtracted from the value.
    horizon : int, default 20
        Periods drawn (the value shown is for an infinite horizon).

    Returns
    -------
    ipywidgets.interactive
        ``children[0]`` is the margin, ``children[1]`` the retention and
        ``children[2]`` the discount slider; after a change ``.result`` holds the CLV
        (float).

    Examples
    --------
    >>> w = clv_explorer()
    >>> round(w.result, 2)
    266.67
    >>> w.children[1].value = 0.9
    >>> round(w.result, 2)
    450.0
    """
    import ipywidgets
    import numpy as np
    from IPython import get_ipython

    from crmlab.clv import margin_multiple, simple_clv
    from crmlab.widgets._figure import new_figure, show_figure

    def show(margin, retention, discount):
        value = simple_clv(margin, retention, discount, acquisition_cost=acquisition_cost)
        t = np.arange(1, horizon + 1)
        per_period = margin * (retention / (1 + discount)) ** t
        fig, ax = new_figure((7, 3.2))
        ax.bar(t, np.cumsum(per_period) - acquisition_cost, color="#4c72b0",
               label="cumulative expected discounted margin")
        ax.axhline(value, color="crimson", label=f"CLV (infinite horizon) = {value:,.2f}")
        ax.set(xlabel="period (期)", ylabel="yuan (元)",
               title=f"margin multiple r/(1+i-r) = {margin_multiple(retention, discount):.2f}")
        ax.legend(loc="lower right", fontsize=8)
        show_figure(fig)
        return value

    style = {"description_width": "initial"}
    return ipywidgets.interactive(
        show,
        clear_output=get_ipython() is not None,
        margin=ipywidgets.FloatSlider(value=margin, min=0, max=max(1000.0, margin), step=10,
                                      description="margin m (毛利)", style=style),
        retention=ipywidgets.FloatSlider(value=retention, min=0, max=0.99, step=0.01,
                                         description="retention r (客户保持率)", style=style),
        discount=ipywidgets.FloatSlider(value=discount, min=0, max=0.5, step=0.01,
                                        description="discount i (折现率)", style=style),
    )
