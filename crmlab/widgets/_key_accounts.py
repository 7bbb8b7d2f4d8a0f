"""Explorers for the key_accounts chapter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmlab.validation import renamed_keywords

if TYPE_CHECKING:
    import pandas as pd
    from ipywidgets import interactive

__all__ = ["scorecard_explorer"]


@renamed_keywords(value="revenue")
def scorecard_explorer(accounts: pd.DataFrame, *, top: float = 0.2, show: int = 10,
                       **columns: str) -> interactive:
    """Move the four scorecard weights and watch accounts enter and leave the key list.

    Parameters
    ----------
    accounts : DataFrame
        One row per account (e.g. ``crmlab.load_data("accounts")``).
    top : float, default 0.2
        Fraction of accounts that are key accounts (as in
        :func:`crmlab.key_accounts.identify_key_accounts`).
    show : int, default 10
        How many top accounts the chart shows.
    **columns
        Column names passed to :func:`crmlab.key_accounts.scorecard`
        (``revenue=``, ``profit=``, ``growth=``, ``fit=``, ``account=``; ``value=``
        still works for one release as ``revenue=``, with a ``FutureWarning``).

    Returns
    -------
    ipywidgets.interactive
        Four sliders (``value``, ``profit``, ``growth``, ``fit``; weights 0-1,
        normalised to sum 1) and an output. After each change ``w.result`` holds the
        flagged scorecard (the output of ``identify_key_accounts``), and
        ``w.entered`` and ``w.left`` list the accounts that joined or left the key
        list compared with the default weights. With all weights at 0, ``w.result``
        is None and a message says so.

    Examples
    --------
    >>> from crmlab import load_data
    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):  # the explorer prints a report
    ...     w = scorecard_explorer(load_data("accounts"))
    >>> int(w.result["key_account"].sum()), w.entered
    (60, [])
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     w.children[3].value = 1.0   # strategic fit weighs much more
    >>> len(w.entered) == len(w.left) > 0
    True
    """
    import ipywidgets as widgets

    from crmlab import key_accounts
    from crmlab.plots import scorecard_chart
    from crmlab.widgets._figure import new_figure, show_figure

    base = key_accounts.identify_key_accounts(
        key_accounts.scorecard(accounts, **columns), top=top)
    base_keys = set(base.index[base["key_account"]])
    summary_cols = {k: columns[k] for k in ("revenue", "profit") if k in columns}
    entered: list = []   # updated in place, exposed as w.entered and w.left
    left: list = []

    def sliders(name, value):
        return widgets.FloatSlider(value=value, min=0.0, max=1.0, step=0.05,
                                   description=name, continuous_update=False)

    def explore(value, profit, growth, fit):
        weights = {"value": value, "profit": profit, "growth": growth, "fit": fit}
        if sum(weights.values()) <= 0:
            print("All weights are 0: give at least one criterion a weight.")
            return None
        scored = key_accounts.scorecard(accounts, weights=weights, **columns)
        flagged = key_accounts.identify_key_accounts(scored, top=top)
        keys = set(flagged.index[flagged["key_account"]])
        entered[:] = sorted(keys - base_keys)
        left[:] = sorted(base_keys - keys)
        summary = key_accounts.key_account_summary(flagged, **summary_cols)
        w = flagged.attrs["weights"]
        print("weights (normalised): " + ", ".join(f"{k} {v:.2f}" for k, v in w.items()))
        print(f"key accounts (关键客户): {len(keys)}, "
              f"share of revenue {summary.loc[key_accounts.KEY, 'revenue_share']:.1%}, "
              f"share of profit {summary.loc[key_accounts.KEY, 'profit_share']:.1%}")
        print(f"entered vs. default weights ({len(entered)}): "
              f"{', '.join(map(str, entered[:15])) or '-'}")
        print(f"left vs. default weights ({len(left)}): "
              f"{', '.join(map(str, left[:15])) or '-'}")
        fig, ax = new_figure((8, 4))
        scorecard_chart(flagged, top=show, ax=ax)
        show_figure(fig)
        return flagged

    d = key_accounts.DEFAULT_WEIGHTS
    box = widgets.interactive(
        explore,
        value=sliders("value", d["value"]),
        profit=sliders("profit", d["profit"]),
        growth=sliders("growth", d["growth"]),
        fit=sliders("fit", d["fit"]),
    )
    box.entered, box.left = entered, left
    return box
