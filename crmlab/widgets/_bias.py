"""Explorers for the bias chapter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmlab.validation import renamed_keywords

if TYPE_CHECKING:
    import pandas as pd
    from ipywidgets import interactive

__all__ = ["weights_explorer"]


@renamed_keywords(sales="revenue", margin="gross_margin")
def weights_explorer(accounts: pd.DataFrame, *, threshold: float = 0.25,
                     **columns: str) -> interactive:
    """Move the objective scorecard's weights and watch the audit of the manager change.

    Parameters
    ----------
    accounts : DataFrame
        One row per account (e.g. ``crmlab.load_data("accounts")``).
    threshold : float, default 0.25
        Rank distance, as a fraction of the accounts, that flags an account (as in
        :func:`crmlab.bias.priority_audit`).
    **columns
        Column names passed to :func:`crmlab.bias.priority_audit` and
        :func:`crmlab.bias.fair_allocation` (``priority=``, ``hours=``, ``revenue=``,
        ``gross_margin=``, ``potential=``, ``account=``, ...; ``sales=`` and
        ``margin=`` still work for one release, with a ``FutureWarning``).

    Returns
    -------
    ipywidgets.interactive
        Three sliders (the weights of the criteria ``sales``, ``margin`` and
        ``potential`` of :func:`crmlab.bias.objective_scorecard`, 0-1, normalised to
        sum 1) and an output: the Spearman correlation between the
        manager's priority and the objective rank, the over-served accounts and
        their hours, the hours a fair allocation would move, and the scatter.
        After each change ``w.result`` holds the audit (output of
        ``priority_audit``; :func:`crmlab.bias.audit_totals` sums it up). With all
        weights 0, ``w.result`` is None and a message says so.

    Examples
    --------
    >>> import contextlib, io
    >>> from crmlab import bias, load_data
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     w = weights_explorer(load_data("accounts"))
    >>> round(bias.audit_totals(w.result)["spearman"], 2)
    0.17
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     w.children[1].value, w.children[2].value = 0.0, 0.0   # sales only
    >>> round(bias.audit_totals(w.result)["spearman"], 2)
    0.58
    """
    import ipywidgets as widgets

    from crmlab import bias
    from crmlab.plots import priority_scatter
    from crmlab.widgets._figure import new_figure, show_figure

    alloc_keys = ("hours", "profit", "revenue", "gross_margin", "potential", "account",
                  "normalize")
    alloc_cols = {k: v for k, v in columns.items() if k in alloc_keys}

    def slider(name):
        return widgets.FloatSlider(value=1 / 3, min=0.0, max=1.0, step=0.05, description=name,
                                   continuous_update=False, readout_format=".2f")

    def explore(sales, margin, potential):
        weights = {"sales": sales, "margin": margin, "potential": potential}
        if sum(weights.values()) <= 0:
            print("All weights are 0: give at least one criterion a weight.")
            return None
        audit = bias.priority_audit(accounts, weights=weights, threshold=threshold, **columns)
        fair = bias.fair_allocation(accounts, weights=weights, **alloc_cols)
        s, moved = bias.audit_totals(audit), bias.allocation_totals(fair)
        w = audit.attrs["weights"]
        print("weights (normalised): " + ", ".join(f"{k} {v:.2f}" for k, v in w.items()))
        print(f"Spearman correlation, manager vs. objective rank: {s['spearman']:.2f}")
        print(f"over-served accounts: {s['over_served']} with {s['hours_over_served']:,.0f} "
              f"hours ({s['hours_over_served_share']:.0%} of all), "
              f"{s['loss_making_over_served']} of them lose money")
        print(f"under-served accounts: {s['under_served']} with "
              f"{s['hours_under_served']:,.0f} hours")
        print(f"a fair allocation (hours by objective score) moves "
              f"{moved['hours_moved']:,.0f} of {moved['total_hours']:,.0f} hours")
        fig, ax = new_figure((6, 5))
        priority_scatter(audit, ax=ax)
        show_figure(fig)
        return audit

    return widgets.interactive(explore, sales=slider("sales"), margin=slider("margin"),
                               potential=slider("potential"))
