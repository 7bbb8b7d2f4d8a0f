"""Explorers for the segmentation chapter: k is a choice."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from ipywidgets import interactive

__all__ = ["kmeans_explorer"]


def kmeans_explorer(features: pd.DataFrame, *, columns: Sequence[str],
                    log: str | Iterable[str] = (), k: int = 4,
                    k_range: tuple[int, int] = (2, 8),
                    feature_sets: Mapping[str, Sequence[str]] | None = None,
                    random_state: int = 0, plot: bool = True) -> interactive:
    """Explore k-means segments: move k (and the feature set) and watch the profiles change.

    Each move refits :class:`crmlab.segmentation.KMeansSegments`, prints the
    silhouette score, shows the named profile table
    (:func:`~crmlab.segmentation.segment_profiles` +
    :func:`~crmlab.segmentation.name_segments`) and, with ``plot``, the profile heat
    map. The table is kept on ``w.result``. It teaches that k (and the features) are
    choices: the personas split and merge as k moves.

    Parameters
    ----------
    features : DataFrame
        One row per customer (the buyers of :func:`~crmlab.segmentation.customer_features`).
    columns : list of str
        Features clustered on (the first feature set).
    log : list of str, default ()
        Columns to ``log1p``-transform (only those in the chosen set are used).
    k : int, default 4
        The k selected first.
    k_range : pair of int, default (2, 8)
        Smallest and largest k on the slider.
    feature_sets : dict of str to list of str, optional
        Named feature sets offered in a dropdown; default one set, ``"chosen"`` =
        ``columns``.
    random_state : int, default 0
        Seed of k-means.
    plot : bool, default True
        Draw the profile heat map under the table.

    Returns
    -------
    ipywidgets.interactive
        ``children[0]`` is the k slider, ``children[1]`` the feature-set dropdown;
        ``result`` holds the latest named profile table and ``model`` the fitted
        :class:`crmlab.segmentation.KMeansSegments` behind it (``model.silhouette_``
        is the silhouette score).

    Raises
    ------
    CRMDataError
        If the features are invalid for k-means (checked once, before the widget is
        built).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"orders": [1, 2, 1, 30, 32, 29, 10, 11],
    ...                   "spend": [50.0, 80.0, 60.0, 3000.0, 2800.0, 3100.0, 900.0, 950.0]})
    >>> w = kmeans_explorer(f, columns=["orders", "spend"], k=2, plot=False)
    k = 2, features: orders, spend
    silhouette (轮廓系数) = 0.825
    ...
    >>> w.children[0].value = 3
    k = 3, features: orders, spend
    ...
    >>> w.result["persona"].tolist()
    ['loyal big spenders', 'regular mid spenders', 'occasional small spenders']
    """
    import ipywidgets
    from IPython import get_ipython
    from IPython.display import display

    from crmlab import segmentation
    from crmlab.plots import segment_profile_chart
    from crmlab.widgets._figure import new_figure, show_figure

    sets = dict(feature_sets) if feature_sets else {"chosen": list(columns)}
    log = [log] if isinstance(log, str) else list(log)
    lo, hi = (int(v) for v in k_range)
    # validate once, up front, so bad input fails before any widget is built
    for cols in sets.values():
        segmentation.kmeans_segments(features, columns=cols, k=min(lo, len(features)),
                                     log=[c for c in log if c in cols], n_init=1,
                                     random_state=random_state)

    latest: dict = {}  # the fitted model, exposed as w.model

    def show(k, features_set):
        cols = sets[features_set]
        model = segmentation.KMeansSegments(
            k, columns=cols, log=[c for c in log if c in cols], random_state=random_state,
            sample_size=1000).fit(features)
        segmented = model.assign(features)
        named = segmentation.name_segments(segmentation.segment_profiles(segmented))
        latest["model"] = model
        if "widget" in latest:
            latest["widget"].model = model
        print(f"k = {k}, features: {', '.join(cols)}\n"
              f"silhouette (轮廓系数) = {model.silhouette_:.3f}")
        display(named[["customers", "customer_share", *cols, "persona"]].round(2))
        if plot:
            fig, ax = new_figure((7, 0.45 * k + 1.6))
            segment_profile_chart(segmented, labels=named["persona"], ax=ax)
            show_figure(fig)
        return named

    box = ipywidgets.interactive(
        show,
        # outside IPython (tests, scripts) clearing would print terminal escape codes
        clear_output=get_ipython() is not None,
        k=ipywidgets.IntSlider(value=k, min=lo, max=hi, step=1, description="k",
                               continuous_update=False),
        features_set=ipywidgets.Dropdown(options=list(sets), value=next(iter(sets)),
                                         description="features"),
    )
    box.model, latest["widget"] = latest.get("model"), box
    return box
