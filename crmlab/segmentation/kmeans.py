"""Behavioural segments with k-means (K均值聚类) and the choice of k.

Two fitted objects hold the results, in scikit-learn's style: :class:`KMeansSegments`
(one k: labels, centres, inertia, silhouette) and :class:`KMeansChoice` (a range of k:
inertia and silhouette per k, the best k). :func:`kmeans_segments` and
:func:`choose_k` are the convenient entry points that return DataFrames. scikit-learn
and threadpoolctl are imported inside the functions, so importing this module stays
cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab._fitted import FittedModel
from crmlab.segmentation._common import numeric_columns
from crmlab.validation import check_number, check_option, require, show_rows

__all__ = ["KMeansChoice", "KMeansSegments", "choose_k", "kmeans_segments"]


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


def _logged(features: pd.DataFrame, columns: list[str], log: list[str],
            caller: str) -> np.ndarray:
    """The clustering columns as floats, ``log1p`` applied to the logged ones."""
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
    return X


def _prepare(features, columns, log, scale, caller: str):
    """Validate features for k-means and return (columns, log, matrix, scaler)."""
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
    X = _logged(features, columns, log, caller)
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



class KMeansSegments(FittedModel):
    """k-means customer segments (K均值聚类) on standardised features, as a fitted object.

    Configure with the choices, then ``fit(features)``; the segments, centres and
    quality measures are attributes ending in ``_``. :func:`kmeans_segments` is the
    convenient entry point that returns the table with a segment column.

    Parameters
    ----------
    k : int, default 4
        Number of segments; at most the number of distinct customers.
    columns : list of str
        Numeric columns to cluster on (no missing values, none constant).
    log : list of str, default ()
        Columns (among ``columns``, values >= 0) to ``log1p``-transform first.
    scale : {"standard", "minmax", None}, default "standard"
        How the (logged) columns are put on one scale before clustering.
    random_state, n_init, order_by, sample_size, threads
        As for :func:`kmeans_segments`.

    Attributes
    ----------
    labels_ : Series of int64
        Segment 0..k-1 of every customer, indexed like the features (named
        ``"segment"``); segment 0 has the highest mean of ``order_by_``.
    centers_ : DataFrame
        The k centres in the original units (index ``segment``, one column per
        clustering column); logged columns are back-transformed with ``expm1``.
    centers_scaled_ : DataFrame
        The same centres in the clustering units (logged and scaled).
    inertia_ : float
        Within-segment sum of squares, in the clustering units.
    silhouette_ : float
        Silhouette score (-1 to 1; NaN for a single segment or one customer per
        segment), on a sample of ``sample_size`` customers.
    columns_, log_ : list of str
        The clustering and logged columns, as checked.
    order_by_ : str
        The column that ordered the segments.
    n_customers_ : int
        Customers clustered.
    scaler_ : scikit-learn scaler or None
        The fitted ``StandardScaler`` / ``MinMaxScaler``.
    kmeans_ : sklearn.cluster.KMeans
        The fitted scikit-learn model (its own label numbering, before renumbering).

    Raises
    ------
    CRMDataError
        As :func:`kmeans_segments` when fitting; ``NotFittedError`` (a
        ``CRMDataError``) when a learned attribute is read or ``predict`` is called
        before ``fit``.

    See Also
    --------
    kmeans_segments : the table with a segment column.
    KMeansChoice : inertia and silhouette for a range of k.

    Notes
    -----
    Segments are renumbered after fitting: by decreasing mean of ``order_by``, ties
    by the position of their first customer in ``features``; so segment 0 is the
    most valuable one and the labels do not depend on k-means' internal numbering.
    Centres of logged columns are back-transformed with ``expm1``: a geometric-type
    mean, below the arithmetic mean of a skewed column. k-means runs to a fixed point
    (``tol=0``), so every customer is nearest the centre of their own segment.

    Examples
    --------
    >>> f = pd.DataFrame({"orders": [1, 2, 1, 30, 32, 29],
    ...                   "spend": [50.0, 80.0, 60.0, 3000.0, 2800.0, 3100.0]},
    ...                  index=list("abcdef"))
    >>> model = KMeansSegments(k=2, columns=["orders", "spend"]).fit(f)
    >>> model
    KMeansSegments(k=2, columns=['orders', 'spend'])
    >>> model.labels_.tolist()
    [1, 1, 1, 0, 0, 0]
    >>> model.centers_.round(1)
             orders   spend
    segment
    0          30.3  2966.7
    1           1.3    63.3
    >>> round(model.silhouette_, 3)
    0.957
    >>> model.predict(pd.DataFrame({"orders": [25, 3], "spend": [2000.0, 90.0]})).tolist()
    [0, 1]
    """

    _learned = ("labels_", "centers_", "centers_scaled_", "inertia_", "silhouette_",
                "columns_", "log_", "order_by_", "n_customers_", "scaler_", "kmeans_")

    def __init__(
        self,
        k: int = 4,
        *,
        columns: Sequence[str],
        log: Iterable[str] = (),
        scale: str | None = "standard",
        random_state: int = 0,
        n_init: int = 10,
        order_by: str | None = None,
        sample_size: int | None = 2000,
        threads: int | None = 1,
    ) -> None:
        self.k = k
        self.columns = columns
        self.log = log
        self.scale = scale
        self.random_state = random_state
        self.n_init = n_init
        self.order_by = order_by
        self.sample_size = sample_size
        self.threads = threads

    def fit(self, features: pd.DataFrame) -> KMeansSegments:
        """Cluster the customers of ``features``; return the fitted object.

        Parameters
        ----------
        features : DataFrame
            One row per customer with the ``columns`` (not modified).

        Returns
        -------
        KMeansSegments
            ``self``, with the learned attributes set.

        Examples
        --------
        >>> f = pd.DataFrame({"x": [1.0, 1.1, 9.0, 9.2]}, index=list("abcd"))
        >>> KMeansSegments(2, columns=["x"]).fit(f).labels_.to_dict()
        {'a': 1, 'b': 1, 'c': 0, 'd': 0}
        """
        return self._fit(features, f"{type(self).__name__}.fit")

    def _fit(self, features, caller: str, segment: str | None = None) -> KMeansSegments:
        n_init, random_state, sample_size, threads = _check_run(
            self.n_init, self.random_state, self.sample_size, self.threads, caller)
        columns, log, X, scaler = _prepare(features, self.columns, self.log, self.scale,
                                           caller)
        k = _check_k(self.k, _distinct_rows(X), len(X), caller)
        order_by = self.order_by
        if order_by is None:
            order_by = "spend" if "spend" in features.columns else columns[0]
        numeric_columns(features, [order_by], caller, param="order_by")
        if segment is not None and segment in features.columns:
            raise CRMDataError(
                f"{caller}: features already has a column {segment!r}. Drop it first or "
                f"pass segment='...' with a new name."
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
        centres = (scaler.inverse_transform(centres_scaled) if scaler is not None
                   else centres_scaled)
        centres = centres.copy()
        for j, c in enumerate(columns):
            if c in log:
                centres[:, j] = np.expm1(centres[:, j])
        index = pd.RangeIndex(k, name="segment")
        self.labels_ = pd.Series(labels.astype("int64"), index=features.index, name="segment")
        self.centers_ = pd.DataFrame(centres, index=index, columns=columns)
        self.centers_scaled_ = pd.DataFrame(centres_scaled, index=index, columns=columns)
        self.inertia_ = float(model.inertia_)
        self.silhouette_ = _silhouette(X, labels, sample_size, random_state, threads)
        self.columns_ = columns
        self.log_ = log
        self.order_by_ = order_by
        self.n_customers_ = len(X)
        self.scaler_ = scaler
        self.kmeans_ = model
        return self

    def predict(self, features: pd.DataFrame) -> pd.Series:
        """Put (new) customers in the segment with the nearest centre.

        Parameters
        ----------
        features : DataFrame
            One row per customer with the fitted ``columns_`` (not modified).

        Returns
        -------
        Series of int64
            Segment per customer, indexed like ``features`` and named ``"segment"``.
            For the customers the model was fitted on this equals ``labels_``.

        Raises
        ------
        CRMDataError
            If the model is not fitted, or a column is missing, not numeric, has
            missing values, or is logged and negative.

        Examples
        --------
        >>> f = pd.DataFrame({"x": [1.0, 1.1, 9.0, 9.2]})
        >>> model = KMeansSegments(2, columns=["x"]).fit(f)
        >>> model.predict(pd.DataFrame({"x": [0.5, 8.0, 5.5]})).tolist()
        [1, 0, 0]
        """
        caller = f"{type(self).__name__}.predict"
        self.check_fitted(caller)
        if not isinstance(features, pd.DataFrame):
            require(features, {}, caller=caller)
        numeric_columns(features, self.columns_, caller)
        X = _logged(features, self.columns_, self.log_, caller)
        if self.scaler_ is not None and len(X):
            X = self.scaler_.transform(X)
        centres = self.centers_scaled_.to_numpy()
        distances = ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        labels = distances.argmin(axis=1) if len(X) else np.array([], dtype=np.int64)
        return pd.Series(labels.astype("int64"), index=features.index, name="segment")

    def assign(self, features: pd.DataFrame, *, segment: str = "segment") -> pd.DataFrame:
        """Return a copy of the fitted ``features`` with the segment column added.

        Parameters
        ----------
        features : DataFrame
            The table the model was fitted on (same index); not modified. For other
            customers use :meth:`predict`.
        segment : str, default "segment"
            Name of the new column.

        Returns
        -------
        DataFrame
            As :func:`kmeans_segments`: ``labels_`` in column ``segment``; ``attrs``
            records the provenance (``analysis_date`` of the features if any, ``k``,
            ``columns``, ``log``, ``scale``, ``random_state``, ``order_by``).

        Raises
        ------
        CRMDataError
            If the model is not fitted, ``features`` is not the fitted table, or it
            already has a column ``segment``.

        Examples
        --------
        >>> f = pd.DataFrame({"x": [1.0, 1.1, 9.0, 9.2]})
        >>> model = KMeansSegments(2, columns=["x"]).fit(f)
        >>> model.assign(f, segment="cluster")["cluster"].tolist()
        [1, 1, 0, 0]
        >>> model.assign(f).attrs["k"], model.assign(f).attrs["order_by"]
        (2, 'x')
        """
        caller = f"{type(self).__name__}.assign"
        self.check_fitted(caller)
        if not isinstance(features, pd.DataFrame) \
                or not features.index.equals(self.labels_.index):
            raise CRMDataError(
                f"{caller}: features must be the table the model was fitted on (the same "
                f"{self.n_customers_} customers in the same order). For other customers "
                f"use predict(features)."
            )
        if segment in features.columns:
            raise CRMDataError(
                f"{caller}: features already has a column {segment!r}. Drop it first or "
                f"pass segment='...' with a new name."
            )
        out = features.copy()
        out[segment] = self.labels_.to_numpy()
        out.attrs = {
            **{a: v for a, v in features.attrs.items() if a in ("analysis_date",)},
            "k": len(self.centers_),
            "columns": list(self.columns_),
            "log": list(self.log_),
            "scale": self.scale,
            "random_state": self.random_state,
            "order_by": self.order_by_,
        }
        return out


def kmeans_segments(
    features: pd.DataFrame,
    *,
    columns: Sequence[str],
    k: int = 4,
    log: Iterable[str] = (),
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
        Customers sampled (with ``random_state``) for the silhouette score; None uses
        all of them (slow above a few thousand).
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
        A copy of ``features`` with an int column ``segment`` in 0..k-1. ``attrs``
        records the provenance: ``k``, ``columns``, ``log``, ``scale``,
        ``random_state`` and ``order_by`` (and the features' ``analysis_date``). The
        centres, inertia and silhouette are attributes of the fitted
        :class:`KMeansSegments` (``centers_``, ``centers_scaled_``, ``inertia_``,
        ``silhouette_``): fit it with the same arguments when you need them.

    Raises
    ------
    CRMDataError
        If the table is empty; a column is missing, not numeric, has missing or
        infinite values, or is constant; a logged column has negative values; ``k``
        exceeds the number of distinct customers; ``scale`` is unknown; or a run
        option (``n_init``, ``random_state``, ``sample_size``, ``threads``) is not a
        whole number in range.

    See Also
    --------
    KMeansSegments : the fitted object behind this function (centres, silhouette).
    choose_k : inertia and silhouette for a range of k.
    segment_profiles : describe the segments.

    Notes
    -----
    Segments are renumbered after fitting: by decreasing mean of ``order_by``, ties
    by the position of their first customer in ``features``; so segment 0 is the
    most valuable one and the labels do not depend on k-means' internal numbering.
    Centres of logged columns are back-transformed with ``expm1``: a geometric-type
    mean, below the arithmetic mean of a skewed column. k-means runs to a fixed point
    (``tol=0``), so every customer is nearest the centre of their own segment.

    Examples
    --------
    >>> f = pd.DataFrame({"orders": [1, 2, 1, 30, 32, 29],
    ...                   "spend": [50.0, 80.0, 60.0, 3000.0, 2800.0, 3100.0]},
    ...                  index=list("abcdef"))
    >>> s = kmeans_segments(f, columns=["orders", "spend"], k=2)
    >>> s["segment"].tolist()
    [1, 1, 1, 0, 0, 0]
    >>> s.attrs["k"], s.attrs["columns"], s.attrs["order_by"]
    (2, ['orders', 'spend'], 'spend')
    >>> KMeansSegments(k=2, columns=["orders", "spend"]).fit(f).centers_.round(1)
             orders   spend
    segment
    0          30.3  2966.7
    1           1.3    63.3
    """
    model = KMeansSegments(k, columns=columns, log=log, scale=scale,
                           random_state=random_state, n_init=n_init, order_by=order_by,
                           sample_size=sample_size, threads=threads)
    model._fit(features, "kmeans_segments", segment=segment)
    return model.assign(features, segment=segment)


class KMeansChoice(FittedModel):
    """Inertia (elbow method) and silhouette for a range of k, as a fitted object.

    Configure with the choices, then ``fit(features)``. :func:`choose_k` is the
    convenient entry point that returns the table.

    Parameters
    ----------
    k_range : iterable of int, default range(2, 9)
        The numbers of segments to try (each at least 2: the silhouette needs two
        segments).
    columns : list of str
        Numeric columns to cluster on.
    log, scale, random_state, n_init, sample_size, threads
        As for :func:`kmeans_segments` (``sample_size`` customers for each silhouette).

    Attributes
    ----------
    scores_ : DataFrame
        One row per k (index 0..): ``k``, ``inertia`` and ``silhouette`` (the table of
        :func:`choose_k`).
    best_k_ : int or None
        The k with the highest silhouette (the smallest such k on a tie); None when no
        silhouette could be computed.
    columns_, log_ : list of str
        The clustering and logged columns, as checked.

    Raises
    ------
    CRMDataError
        As :func:`choose_k` when fitting; ``NotFittedError`` (a ``CRMDataError``) when
        a learned attribute is read before ``fit``.

    Examples
    --------
    >>> f = pd.DataFrame({"x": [0.0, 0.1, 0.2, 5.0, 5.1, 5.2, 10.0, 10.1, 10.2]})
    >>> choice = KMeansChoice([2, 3, 4], columns=["x"]).fit(f)
    >>> choice.best_k_
    3
    >>> choice.scores_["k"].tolist()
    [2, 3, 4]
    """

    _learned = ("scores_", "best_k_", "columns_", "log_")

    def __init__(
        self,
        k_range: Iterable[int] = range(2, 9),
        *,
        columns: Sequence[str],
        log: Iterable[str] = (),
        scale: str | None = "standard",
        random_state: int = 0,
        n_init: int = 10,
        sample_size: int | None = 2000,
        threads: int | None = 1,
    ) -> None:
        self.k_range = k_range
        self.columns = columns
        self.log = log
        self.scale = scale
        self.random_state = random_state
        self.n_init = n_init
        self.sample_size = sample_size
        self.threads = threads

    def fit(self, features: pd.DataFrame) -> KMeansChoice:
        """Fit k-means for every k of ``k_range``; return the fitted object.

        Parameters
        ----------
        features : DataFrame
            One row per customer with the ``columns`` (not modified).

        Returns
        -------
        KMeansChoice
            ``self``, with ``scores_`` and ``best_k_`` set.

        Examples
        --------
        >>> f = pd.DataFrame({"x": [0.0, 0.1, 5.0, 5.1, 9.0, 9.1]})
        >>> KMeansChoice([2, 3], columns=["x"]).fit(f).best_k_
        3
        """
        return self._fit(features, f"{type(self).__name__}.fit")

    def _fit(self, features, caller: str) -> KMeansChoice:
        n_init, random_state, sample_size, threads = _check_run(
            self.n_init, self.random_state, self.sample_size, self.threads, caller)
        columns, log, X, _ = _prepare(features, self.columns, self.log, self.scale, caller)
        ks = list(self.k_range)
        if not ks:
            raise CRMDataError(f"{caller}: k_range is empty; try k_range=range(2, 9).")
        distinct = _distinct_rows(X)
        checked = []
        for k in ks:
            k = _check_k(k, distinct, len(X), caller, name="k in k_range")
            if k < 2:
                raise CRMDataError(
                    f"{caller}: k_range holds {k}; the silhouette needs at least 2 segments. "
                    f"Start at 2, e.g. k_range=range(2, 9)."
                )
            checked.append(k)
        from sklearn.cluster import KMeans

        rows = []
        for k in checked:
            model = KMeans(n_clusters=k, n_init=n_init, random_state=random_state, tol=0.0)
            with _threads(threads):
                labels = model.fit_predict(X)
            rows.append({"k": k, "inertia": float(model.inertia_),
                         "silhouette": _silhouette(X, labels, sample_size, random_state,
                                                   threads)})
        scores = pd.DataFrame(rows, columns=["k", "inertia", "silhouette"])
        sil = scores["silhouette"]
        self.best_k_ = int(scores.loc[sil.idxmax(), "k"]) if sil.notna().any() else None
        scores.attrs = {"columns": columns, "log": log, "scale": self.scale}
        self.scores_ = scores
        self.columns_ = columns
        self.log_ = log
        return self


def choose_k(
    features: pd.DataFrame,
    *,
    columns: Sequence[str],
    k_range: Iterable[int] = range(2, 9),
    log: Iterable[str] = (),
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
        segments). ``attrs`` records ``columns``, ``log`` and ``scale``. The k with
        the highest silhouette is ``choice.loc[choice["silhouette"].idxmax(), "k"]``,
        or ``best_k_`` of the fitted :class:`KMeansChoice`.

    Raises
    ------
    CRMDataError
        As :func:`kmeans_segments`; also if ``k_range`` is empty or holds a k below 2.

    See Also
    --------
    KMeansChoice : the fitted object behind this function (``best_k_``).

    Notes
    -----
    Neither number decides alone: the elbow is often vague and the silhouette prefers
    few, well-separated groups. Choose k that is also useful (each segment big enough to
    serve differently and easy to describe).

    Examples
    --------
    >>> f = pd.DataFrame({"x": [0.0, 0.1, 0.2, 5.0, 5.1, 5.2, 10.0, 10.1, 10.2]})
    >>> c = choose_k(f, columns=["x"], k_range=[2, 3, 4])
    >>> c["k"].tolist(), int(c.loc[c["silhouette"].idxmax(), "k"])
    ([2, 3, 4], 3)
    >>> bool(c["inertia"].is_monotonic_decreasing)
    True
    """
    choice = KMeansChoice(k_range, columns=columns, log=log, scale=scale,
                          random_state=random_state, n_init=n_init, sample_size=sample_size,
                          threads=threads)
    return choice._fit(features, "choose_k").scores_
