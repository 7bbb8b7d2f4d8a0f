"""Behavioural segments with k-means (K均值聚类) and the choice of k.

scikit-learn and threadpoolctl are imported inside the functions, so importing this
module stays cheap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.segmentation._common import numeric_columns
from crmlab.validation import check_number, check_option, require, show_rows

__all__ = ["kmeans_segments", "choose_k"]


def _check_k(k, n_distinct: int, n: int, caller: str, name: str = "k") -> int:
    k = check_number(k, name=name, caller=caller, low=1, integer=True)
    if k > n_distinct:
        raise CRMDataError(
            f"{caller}: {name}={k} is larger than the number of distinct customers "
            f"({n_distinct} distinct feature rows among {n} customers), so some segments "
            f"would be empty. Use {name} <= {n_distinct}, or add customers or features."
        )
    return k


def _check_run(n_init, random_state, sample_size, threads, caller: str) -> tuple:
    """Check the numbers that steer a k-means run; return them as ints (or None)."""
    return (check_number(n_init, name="n_init", caller=caller, low=1, integer=True),
            check_number(random_state, name="random_state", caller=caller, low=0,
                         integer=True, allow_none=True),
            check_number(sample_size, name="sample_size", caller=caller, low=1, integer=True,
                         allow_none=True),
            check_number(threads, name="threads", caller=caller, low=1, integer=True,
                         allow_none=True))


def _prepare(features, columns, log, scale, caller: str):
    """Validate features for k-means and return (frame, columns, log, matrix, scaler)."""
    if not isinstance(features, pd.DataFrame):
        require(features, {}, caller=caller)  # raises the standard type error
    columns = numeric_columns(features, columns, caller)
    if len(features) == 0:
        raise CRMDataError(
            f"{caller}: the feature table has no rows. Build it with "
            f"customer_features(transactions) and check any filter applied to it."
        )
    if log is None:
        log = []
    elif isinstance(log, str):
        log = [log]
    log = list(log)
    stray = [c for c in log if c not in columns]
    if stray:
        raise CRMDataError(
            f"{caller}: log names {stray}, which are not among columns {columns}. "
            f"List in log only columns you cluster on."
        )
    check_option(scale, ("standard", "minmax", None), name="scale", caller=caller)
    X = features[columns].to_numpy(dtype="float64", copy=True)
    for j, c in enumerate(columns):
        if c in log:
            neg = X[:, j] < 0
            if neg.any():
                rows = features.index[neg]
                raise CRMDataError(
                    f"{caller}: column {c!r} has {int(neg.sum())} negative values in "
                    f"{show_rows(rows, features.loc[neg, c])}, so log1p is not defined. "
                    f"Leave {c!r} out of log, or clip it first (.clip(lower=0))."
                )
            X[:, j] = np.log1p(X[:, j])
    if len(features) > 1:
        const = [c for j, c in enumerate(columns) if np.ptp(X[:, j]) == 0]
        if const:
            raise CRMDataError(
                f"{caller}: column(s) {const} have the same value for every customer, "
                f"so they cannot separate segments (and cannot be standardised). "
                f"Leave them out of columns."
            )
    scaler = None
    if scale is not None:
        from sklearn.preprocessing import MinMaxScaler, StandardScaler

        scaler = StandardScaler() if scale == "standard" else MinMaxScaler()
        X = scaler.fit_transform(X)
    return columns, log, X, scaler


def _distinct_rows(X: np.ndarray) -> int:
    return len(np.unique(np.round(X, 12), axis=0)) if len(X) else 0


def _threads(threads: int | None):
    """A context limiting scikit-learn's OpenMP / BLAS threads (None: no limit)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=threads)


def _silhouette(X: np.ndarray, labels: np.ndarray, sample_size: int | None,
                random_state: int, threads: int | None = 1) -> float:
    from sklearn.metrics import silhouette_score

    n_labels = len(np.unique(labels))
    if not 2 <= n_labels <= len(X) - 1:
        return float("nan")
    size = None if sample_size is None or sample_size >= len(X) else int(sample_size)
    if size is not None and size <= n_labels:
        size = None
    with _threads(threads):
        try:
            return float(silhouette_score(X, labels, sample_size=size,
                                          random_state=random_state))
        except ValueError:  # a sample that happened to hold a single label
            return float(silhouette_score(X, labels))



def kmeans_segments(
    features,
    *,
    columns,
    k: int = 4,
    log=(),
    scale: str | None = "standard",
    random_state: int = 0,
    n_init: int = 10,
    order_by: str | None = None,
    sample_size: int | None = 2000,
    segment: str = "segment",
    threads: int | None = 1,
) -> pd.DataFrame:
    """Segment customers with k-means on standardised features (K均值聚类).

    Parameters
    ----------
    features : DataFrame
        One row per customer, e.g. from :func:`customer_features` (keep the buyers:
        customers without a purchase have NaN features). Not modified.
    columns : list of str
        Numeric columns to cluster on (no missing values, none constant).
    k : int, default 4
        Number of segments; at most the number of distinct customers.
    log : list of str, default ()
        Columns (among ``columns``, values >= 0) to ``log1p``-transform first, so that a
        few huge values do not dominate the distances.
    scale : {"standard", "minmax", None}, default "standard"
        ``"standard"``: z-scores (scikit-learn's ``StandardScaler``); ``"minmax"``: each
        column to [0, 1]; None: raw units (the column with the largest numbers wins).
    random_state : int, default 0
        Seed of the k-means initialisation: the same seed gives the same segments.
    n_init : int, default 10
        Number of k-means runs with different starting centres (the best is kept).
    order_by : str, optional
        Column whose segment mean orders the segments, highest first (segment 0).
        Default: ``"spend"`` if present, else the first of ``columns``.
    sample_size : int or None, default 2000
        Customers sampled (with ``random_state``) for the silhouette score in
        ``attrs``; None uses all of them (slow above a few thousand).
    segment : str, default "segment"
        Name of the new column.
    threads : int or None, default 1
        Threads for scikit-learn (OpenMP / BLAS) while fitting; None uses them all.
        One thread is the fast choice for a few thousand customers: on a busy machine,
        idle-waiting OpenMP threads made one fit 50 times slower. The segments are the
        same either way.

    Returns
    -------
    DataFrame
        A copy of ``features`` with an int column ``segment`` in 0..k-1. ``attrs``:
        ``k``, ``columns``, ``log``, ``scale``, ``random_state``, ``order_by``,
        ``centers`` (dict column -> list of the k centres in original units, segment
        order; ``pd.DataFrame(result.attrs["centers"])``), ``centers_scaled`` (the
        same in the clustering units), ``inertia`` (within-segment sum of squares, in
        clustering units) and ``silhouette``.

    Raises
    ------
    CRMDataError
        If the table is empty; a column is missing, not numeric, has missing or
        infinite values, or is constant; a logged column has negative values; ``k``
        exceeds the number of distinct customers; or ``scale`` is unknown.

    See Also
    --------
    choose_k : inertia and silhouette for a range of k.
    segment_profiles : describe the segments.

    Notes
    -----
    Segments are renumbered after fitting: by decreasing mean of ``order_by``, ties
    by the position of their first customer in ``features``; so segment 0 is the
    most valuable one and the labels do not depend on k-means' internal numbering.
    Centres of logged columns are back-transformed with ``expm1``: a geometric-type
    mean, below the arithmetic mean of a skewed column.

    Examples
    --------
    >>> f = pd.DataFrame({"orders": [1, 2, 1, 30, 32, 29],
    ...                   "spend": [50.0, 80.0, 60.0, 3000.0, 2800.0, 3100.0]},
    ...                  index=list("abcdef"))
    >>> s = kmeans_segments(f, columns=["orders", "spend"], k=2)
    >>> s["segment"].tolist()
    [1, 1, 1, 0, 0, 0]
    >>> pd.DataFrame(s.attrs["centers"]).round(1)
       orders   spend
    0    30.3  2966.7
    1     1.3    63.3
    """
    caller = "kmeans_segments"
    n_init, random_state, sample_size, threads = _check_run(n_init, random_state, sample_size,
                                                            threads, caller)
    columns, log, X, scaler = _prepare(features, columns, log, scale, caller)
    k = _check_k(k, _distinct_rows(X), len(X), caller)
    if order_by is None:
        order_by = "spend" if "spend" in features.columns else columns[0]
    numeric_columns(features, [order_by], caller, param="order_by")
    if segment in features.columns:
        raise CRMDataError(
            f"{caller}: features already has a column {segment!r}. Drop it first or pass "
            f"segment='...' with a new name."
        )
    from sklearn.cluster import KMeans

    model = KMeans(n_clusters=k, n_init=n_init, random_state=random_state, tol=0.0)
    with _threads(threads):
        raw = model.fit_predict(X)
    key = features[order_by].to_numpy(dtype="float64")
    means = np.array([key[raw == j].mean() for j in range(k)])
    first = np.array([np.flatnonzero(raw == j)[0] for j in range(k)])
    order = np.lexsort((first, -means))  # old labels, best first
    relabel = np.empty(k, dtype=np.int64)
    relabel[order] = np.arange(k)
    labels = relabel[raw]
    centres_scaled = model.cluster_centers_[order]
    centres = scaler.inverse_transform(centres_scaled) if scaler is not None else centres_scaled
    centres = centres.copy()
    for j, c in enumerate(columns):
        if c in log:
            centres[:, j] = np.expm1(centres[:, j])
    out = features.copy()
    out[segment] = labels.astype("int64")
    out.attrs = {
        **{a: v for a, v in features.attrs.items() if a in ("analysis_date",)},
        "k": k,
        "columns": columns,
        "log": log,
        "scale": scale,
        "random_state": random_state,
        "order_by": order_by,
        "centers": {c: [float(v) for v in centres[:, j]] for j, c in enumerate(columns)},
        "centers_scaled": {c: [float(v) for v in centres_scaled[:, j]]
                           for j, c in enumerate(columns)},
        "inertia": float(model.inertia_),
        "silhouette": _silhouette(X, labels, sample_size, random_state, threads),
    }
    return out


def choose_k(
    features,
    *,
    columns,
    k_range=range(2, 9),
    log=(),
    scale: str | None = "standard",
    random_state: int = 0,
    n_init: int = 10,
    sample_size: int | None = 2000,
    threads: int | None = 1,
) -> pd.DataFrame:
    """Compare numbers of segments: inertia (elbow method) and silhouette per k.

    Parameters
    ----------
    features : DataFrame
        One row per customer (see :func:`kmeans_segments`). Not modified.
    columns : list of str
        Numeric columns to cluster on.
    k_range : iterable of int, default range(2, 9)
        The numbers of segments to try (each at least 2: the silhouette needs two
        segments).
    log, scale, random_state, n_init, threads :
        As in :func:`kmeans_segments`.
    sample_size : int or None, default 2000
        Customers sampled (with ``random_state``) for each silhouette score; None uses
        all.

    Returns
    -------
    DataFrame
        One row per k (index 0..), columns ``k``, ``inertia`` (within-segment sum of
        squares in the clustering units: always falls as k grows; look for the
        "elbow") and ``silhouette`` (from -1 to 1; higher = tighter, better separated
        segments). ``attrs["best_k"]`` is the k with the highest silhouette (the
        smallest such k on a tie).

    Raises
    ------
    CRMDataError
        As :func:`kmeans_segments`; also if ``k_range`` is empty or holds a k below 2.

    Notes
    -----
    Neither number decides alone: the elbow is often vague and the silhouette prefers
    few, well-separated groups. Choose k that is also useful (each segment big enough to
    serve differently and easy to describe).

    Examples
    --------
    >>> f = pd.DataFrame({"x": [0.0, 0.1, 0.2, 5.0, 5.1, 5.2, 10.0, 10.1, 10.2]})
    >>> c = choose_k(f, columns=["x"], k_range=[2, 3, 4])
    >>> c["k"].tolist(), c.attrs["best_k"]
    ([2, 3, 4], 3)
    >>> bool(c["inertia"].is_monotonic_decreasing)
    True
    """
    caller = "choose_k"
    n_init, random_state, sample_size, threads = _check_run(n_init, random_state, sample_size,
                                                            threads, caller)
    columns, log, X, _ = _prepare(features, columns, log, scale, caller)
    ks = list(k_range)
    if not ks:
        raise CRMDataError(f"{caller}: k_range is empty; try k_range=range(2, 9).")
    distinct = _distinct_rows(X)
    for k in ks:
        _check_k(k, distinct, len(X), caller, name="k in k_range")
        if int(k) < 2:
            raise CRMDataError(
                f"{caller}: k_range holds {int(k)}; the silhouette needs at least 2 segments. "
                f"Start at 2, e.g. k_range=range(2, 9)."
            )
    from sklearn.cluster import KMeans

    rows = []
    for k in ks:
        model = KMeans(n_clusters=int(k), n_init=n_init, random_state=random_state, tol=0.0)
        with _threads(threads):
            labels = model.fit_predict(X)
        rows.append({"k": int(k), "inertia": float(model.inertia_),
                     "silhouette": _silhouette(X, labels, sample_size, random_state, threads)})
    out = pd.DataFrame(rows, columns=["k", "inertia", "silhouette"])
    sil = out["silhouette"]
    best = int(out.loc[sil.idxmax(), "k"]) if sil.notna().any() else None
    out.attrs = {"best_k": best, "columns": columns, "log": log, "scale": scale}
    return out
