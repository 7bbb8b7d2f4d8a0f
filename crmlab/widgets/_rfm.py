"""Explorers for the RFM chapter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from ipywidgets import interactive

__all__ = ["rfm_explorer"]


def rfm_explorer(table: pd.DataFrame, *, bins: Sequence[int] = (3, 4, 5),
                 ties: Sequence[str] = ("rank-first", "value")) -> interactive:
    """Explore how the number of bins and the tie rule change the RFM scores.

    Shows the number of customers per R, F and M score and, when a score uses fewer
    levels than asked for (``ties="value"`` on a column with many equal values),
    says so.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`crmlab.rfm.rfm_table`.
    bins : sequence of int, default (3, 4, 5)
        The choices of bins offered (the last one is selected first).
    ties : sequence of str, default ("rank-first", "value")
        The tie rules offered (the first one is selected first).

    Returns
    -------
    ipywidgets.interactive
        Its ``children[0]`` chooses bins, ``children[1]`` the tie rule; after a change
        ``.result`` holds the latest scored frame (from :func:`crmlab.rfm.rfm_scores`).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"recency": [5, 40, 10, 300, 8, 60],
    ...                   "frequency": [1, 1, 1, 6, 2, 1],
    ...                   "monetary": [90.0, 50.0, 20.0, 30.0, 10.0, 70.0]})
    >>> w = rfm_explorer(t)
    >>> w.children[0].value = 3
    >>> w.result.attrs["collapsed"]
    {}
    >>> w.children[1].value = "value"
    >>> w.result["f_score"].tolist(), w.result.attrs["collapsed"]
    ([1, 1, 1, 3, 3, 1], {'f_score': 2})
    """
    import ipywidgets
    from IPython import get_ipython

    from crmlab import rfm
    from crmlab.plots import score_distribution
    from crmlab.widgets._figure import new_figure, show_figure

    bins, ties = list(bins), list(ties)

    def show(bins, ties):
        scored = rfm.rfm_scores(table, bins=bins, ties=ties)
        fig, ax = new_figure((7, 3.2))
        score_distribution(scored, ax=ax)
        notes = scored.attrs["notes"] or ["every score uses all its levels"]
        ax.set_title(f"bins={bins}, ties={ties!r}\n" + "\n".join(notes), fontsize=9)
        show_figure(fig)
        return scored

    return ipywidgets.interactive(
        show,
        # outside IPython (tests, scripts) clearing would print terminal escape codes
        clear_output=get_ipython() is not None,
        bins=ipywidgets.ToggleButtons(options=bins, value=bins[-1], description="bins"),
        ties=ipywidgets.ToggleButtons(options=ties, value=ties[0], description="ties"),
    )
