"""Which gaps drive churn: a logistic regression, a model-free check and what-ifs.

The fitted logistic regression is a :class:`ChurnModel` (scikit-learn style: ``coef_``,
``intercept_``, ... after ``fit``); :func:`churn_drivers` is the convenient entry
point that returns its table of drivers, and :func:`simulate_improvement` takes the
fitted model. scikit-learn is imported inside the functions, so importing this module
stays cheap.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab._fitted import FittedModel
from crmlab.satisfaction._common import check_scale
from crmlab.satisfaction.servqual import gap_scores
from crmlab.validation import check_number, renamed_keywords, require

__all__ = ["ChurnModel", "churn_by_quartile", "churn_drivers", "simulate_improvement"]


def _feature_frame(survey, features, caller, dimensions, expect, perceive) -> pd.DataFrame:
    """The requested features as numbers; gap_<dim> / mean_gap are computed if absent."""
    if not isinstance(survey, pd.DataFrame):
        raise CRMDataError(f"{caller}: expected a survey DataFrame, got "
                           f"{type(survey).__name__}. Pass the survey table, one row per "
                           f"customer, e.g. crmlab.load_data('survey').")
    if features is None:
        gaps = gap_scores(survey, dimensions=dimensions, expect=expect, perceive=perceive)
        return gaps.drop(columns="mean_gap")
    if isinstance(features, str) or not isinstance(features, Sequence) or not features:
        raise CRMDataError(f"{caller}: features must be a non-empty list of column names, "
                           f"e.g. ['gap_reliability', 'complaints'], got {features!r}.")
    features = list(features)
    computed = [f for f in features if f not in survey.columns
                and (str(f).startswith("gap_") or f == "mean_gap")]
    pool = survey
    if computed:
        gaps = gap_scores(survey, dimensions=dimensions, expect=expect, perceive=perceive)
        missing = [f for f in computed if f not in gaps.columns]
        if missing:
            raise CRMDataError(f"{caller}: no gap {missing[0]!r}; the gaps are "
                               f"{list(gaps.columns)}. Use one of them, or add the "
                               f"{expect}<dim> and {perceive}<dim> columns of that "
                               f"dimension.")
        pool = pd.concat([survey.drop(columns=[c for c in gaps.columns if c in survey]),
                          gaps[computed]], axis=1)
    return require(pool, dict.fromkeys(features, "number"), caller=caller)


def _target(survey, target, caller) -> np.ndarray:
    y = require(survey, {target: "bool"}, caller=caller,
                params={target: "target"})[target].astype(bool).to_numpy()
    return y


def _quartile_codes(x: pd.Series, q: int) -> np.ndarray:
    """Equal-sized groups 0..q-1 by value; ties split by row order (rank 'first')."""
    ranks = x.rank(method="first").to_numpy()
    return np.minimum(((ranks - 1) * q // len(x)).astype(int), q - 1)


class ChurnModel(FittedModel):
    """A logistic regression of churn on standardised features (gaps), as a fitted object.

    Configure with the choices, then ``fit(survey)``; the coefficients and the table of
    drivers are attributes ending in ``_``. :func:`churn_drivers` is the convenient
    entry point that returns the table; :func:`simulate_improvement` takes the fitted
    model.

    Parameters
    ----------
    target, features, C, dimensions, expect, perceive
        As for :func:`churn_drivers`.

    Attributes
    ----------
    coef_ : Series
        Change in the log-odds of churn per standard deviation of each feature, in
        the order of ``features_`` (index ``feature``).
    intercept_ : float
        Log-odds of churn of a customer at the mean of every feature.
    mean_, std_ : Series
        Mean and (population) standard deviation used to standardise each feature.
    features_ : list of str
        The features, in the order fitted.
    drivers_ : DataFrame
        The table of :func:`churn_drivers` (sorted by ``|coef|``, largest first).
    churn_rate_ : float
        Observed churn rate of the survey fitted on.
    n_customers_ : int
        Customers fitted on.
    estimator_ : sklearn.linear_model.LogisticRegression
        The fitted scikit-learn model (on the standardised features).

    Raises
    ------
    CRMDataError
        As :func:`churn_drivers` when fitting; ``NotFittedError`` (a ``CRMDataError``)
        when a learned attribute is read or ``predict_proba`` is called before ``fit``.

    Notes
    -----
    Features are standardised ((x - mean) / std, population std) so the
    coefficients compare: a coefficient of -0.5 means one standard deviation more
    of the feature multiplies the odds of churning by ``exp(-0.5) = 0.61``. The
    model is ``LogisticRegression(C=C, solver="newton-cholesky", tol=1e-10)`` (L2
    penalty): Newton's method converges quadratically, so the coefficients are exact
    to about 1e-10, far below the 3 decimals printed, on every CPU and BLAS (lbfgs at
    its default tolerance stops about 1e-3 away from the optimum, which moves printed
    digits between machines). Quarters are equal-sized groups by
    rank; tied values are split by row order. Coefficients show association in this
    survey; with correlated gaps, read them together.

    Examples
    --------
    >>> s = pd.DataFrame({"gap_speed": [-3, -2, -2, -1, 0, 0, 1, 2] * 5,
    ...                   "gap_care": [0, 1, -1, 0, 1, -1, 0, 1] * 5,
    ...                   "churned": [True, True, False, True, False, False, False, False] * 5})
    >>> model = ChurnModel(features=["gap_speed", "gap_care"]).fit(s)
    >>> model
    ChurnModel(features=['gap_speed', 'gap_care'])
    >>> model.coef_.round(3)
    feature
    gap_speed   -1.975
    gap_care     0.948
    Name: coef, dtype: float64
    >>> round(model.intercept_, 3), model.churn_rate_, model.n_customers_
    (-0.85, 0.375, 40)
    >>> float(model.predict_proba(s).mean().round(3))
    0.375
    """

    _learned = ("coef_", "intercept_", "mean_", "std_", "features_", "drivers_",
                "churn_rate_", "n_customers_", "estimator_")

    def __init__(
        self,
        *,
        target: str = "churned",
        features: Sequence[str] | None = None,
        C: float = 1.0,
        dimensions: Sequence[str] | None = None,
        expect: str = "expect_",
        perceive: str = "perceive_",
    ) -> None:
        self.target = target
        self.features = features
        self.C = C
        self.dimensions = dimensions
        self.expect = expect
        self.perceive = perceive

    def fit(self, survey: pd.DataFrame) -> ChurnModel:
        """Fit the logistic regression on ``survey``; return the fitted object.

        Parameters
        ----------
        survey : DataFrame
            One row per customer with the ``target`` flag and the features (or the
            expectation and perception columns of the gaps). Not modified.

        Returns
        -------
        ChurnModel
            ``self``, with the learned attributes set.

        Examples
        --------
        >>> s = pd.DataFrame({"expect_speed": [6, 6, 5, 5, 4, 4] * 5,
        ...                   "perceive_speed": [3, 4, 4, 6, 5, 6] * 5,
        ...                   "churned": [True, True, False, False, True, False] * 5})
        >>> model = ChurnModel().fit(s)
        >>> model.features_, bool(model.coef_["gap_speed"] < 0)
        (['gap_speed'], True)
        """
        return self._fit(survey, f"{type(self).__name__}.fit")

    def _fit(self, survey, caller: str) -> ChurnModel:
        target = self.target
        C = check_number(self.C, name="C", caller=caller, low=0, low_open=True)
        X = _feature_frame(survey, self.features, caller, self.dimensions, self.expect,
                           self.perceive)
        y = _target(survey, target, caller)
        if y.all() or not y.any():
            raise CRMDataError(
                f"{caller}: column {target!r} has only {'True' if y.all() else 'False'} "
                f"values; a model of churn needs customers who left and customers who "
                f"stayed.")
        mean = X.mean()
        std = X.std(ddof=0)
        flat = std[~(std > 0)]
        if len(flat):
            raise CRMDataError(f"{caller}: feature(s) {list(flat.index)} are constant; they "
                               f"cannot explain churn. Drop them from features.")
        from sklearn.linear_model import LogisticRegression

        Z = ((X - mean) / std).to_numpy(dtype=float)
        model = LogisticRegression(C=float(C), solver="newton-cholesky", tol=1e-10,
                                   max_iter=100)
        model.fit(Z, y)
        coef = model.coef_[0]
        low, high = {}, {}
        for f in X.columns:
            codes = _quartile_codes(X[f], 4)
            low[f] = float(y[codes == 0].mean())
            high[f] = float(y[codes == 3].mean())
        names = pd.Index(list(X.columns), name="feature")
        out = pd.DataFrame({"coef": coef, "odds_ratio": np.exp(coef), "mean": mean.to_numpy(),
                            "std": std.to_numpy(), "churn_low": pd.Series(low).to_numpy(),
                            "churn_high": pd.Series(high).to_numpy()},
                           index=names)
        order = np.argsort(-np.abs(np.round(coef, 12)), kind="stable")
        out = out.iloc[order]
        out.attrs = {"target": target, "n": len(y), "C": float(C)}
        self.coef_ = pd.Series(coef, index=names, name="coef")
        self.intercept_ = float(model.intercept_[0])
        self.mean_ = pd.Series(mean.to_numpy(), index=names, name="mean")
        self.std_ = pd.Series(std.to_numpy(), index=names, name="std")
        self.features_ = list(X.columns)
        self.drivers_ = out
        self.churn_rate_ = float(y.mean())
        self.n_customers_ = len(y)
        self.estimator_ = model
        return self

    def predict_proba(self, survey: pd.DataFrame) -> pd.Series:
        """Predict each customer's probability of churning.

        Parameters
        ----------
        survey : DataFrame
            One row per customer with the fitted features (gaps are computed from the
            expectation and perception columns when absent). Not modified.

        Returns
        -------
        Series
            ``churn_probability`` per customer, indexed like ``survey``.

        Raises
        ------
        CRMDataError
            If the model is not fitted or a feature is missing or not numeric.

        Examples
        --------
        >>> s = pd.DataFrame({"expect_speed": [6, 6, 5, 5, 4, 4] * 5,
        ...                   "perceive_speed": [3, 4, 4, 6, 5, 6] * 5,
        ...                   "churned": [True, True, False, False, True, False] * 5})
        >>> p = ChurnModel().fit(s).predict_proba(s)
        >>> bool(p.iloc[0] > p.iloc[3])   # gap -3 churns more likely than gap +1
        True
        """
        caller = f"{type(self).__name__}.predict_proba"
        self.check_fitted(caller)
        X = _feature_frame(survey, self.features_, caller, None, self.expect, self.perceive)
        return pd.Series(self._predict(X), index=X.index, name="churn_probability")

    def _predict(self, X: pd.DataFrame) -> np.ndarray:
        drivers = self.drivers_
        z = (X[drivers.index] - drivers["mean"]) / drivers["std"]
        # an explicit sum, not a BLAS matrix product, so the last digit is the same on
        # every CPU
        terms = z.to_numpy(dtype=float) * drivers["coef"].to_numpy()
        logit = self.intercept_ + terms.sum(axis=1)
        return 1.0 / (1.0 + np.exp(-logit))


def churn_drivers(
    survey: pd.DataFrame,
    *,
    target: str = "churned",
    features: Sequence[str] | None = None,
    C: float = 1.0,
    dimensions: Sequence[str] | None = None,
    expect: str = "expect_",
    perceive: str = "perceive_",
) -> pd.DataFrame:
    """Find which gaps drive churn with a logistic regression on standardised features.

    Parameters
    ----------
    survey : DataFrame
        One row per customer with the ``target`` flag.
    target : str, default "churned"
        True/False (or 0/1) column: did the customer leave?
    features : list of str, optional
        Columns to explain churn with. Default: the gap of every dimension
        (``gap_<dim>``, computed by :func:`gap_scores`). Names ``gap_<dim>`` and
        ``mean_gap`` not in the survey are computed; other columns (e.g.
        ``"complaints"``) are taken from it.
    C : float, default 1.0
        Inverse strength of the L2 penalty of scikit-learn's ``LogisticRegression``.
    dimensions, expect, perceive
        As for :func:`gap_scores`.

    Returns
    -------
    DataFrame
        Index ``feature``, sorted by the size of the effect (``|coef|``, largest
        first): ``coef`` (change in the log-odds of churn per standard deviation of
        the feature), ``odds_ratio`` (``exp(coef)``), ``mean`` and ``std`` (used to
        standardise), and the simple comparison without a model: ``churn_low`` and
        ``churn_high``, the churn rates of the quarter of customers with the lowest
        and highest values of the feature. ``attrs`` records the provenance:
        ``target``, ``n`` (customers) and ``C``. The intercept and the observed churn
        rate are attributes of the fitted :class:`ChurnModel` (``intercept_``,
        ``churn_rate_``), which :func:`simulate_improvement` needs.

    Raises
    ------
    CRMDataError
        If a column is missing or not numeric, the target is not True/False, only
        one outcome occurs, a feature is constant, ``C`` is not positive, or the
        survey is empty.

    See Also
    --------
    ChurnModel : the fitted model behind this function.
    churn_by_quartile : churn rate in each quarter of one feature.
    simulate_improvement : predicted churn after improving one dimension.

    Notes
    -----
    Features are standardised ((x - mean) / std, population std) so the
    coefficients compare: a coefficient of -0.5 means one standard deviation more
    of the feature multiplies the odds of churning by ``exp(-0.5) = 0.61``. The
    model is ``LogisticRegression(C=C, solver="newton-cholesky", tol=1e-10)`` (L2
    penalty): Newton's method converges quadratically, so the coefficients are exact
    to about 1e-10, far below the 3 decimals printed, on every CPU and BLAS (lbfgs at
    its default tolerance stops about 1e-3 away from the optimum, which moves printed
    digits between machines). Quarters are equal-sized groups by
    rank; tied values are split by row order. Coefficients show association in this
    survey; with correlated gaps, read them together.

    Examples
    --------
    >>> s = pd.DataFrame({"gap_speed": [-3, -2, -2, -1, 0, 0, 1, 2] * 5,
    ...                   "gap_care": [0, 1, -1, 0, 1, -1, 0, 1] * 5,
    ...                   "churned": [True, True, False, True, False, False, False, False] * 5})
    >>> d = churn_drivers(s, features=["gap_speed", "gap_care"])
    >>> d.index.tolist(), bool(d.loc["gap_speed", "coef"] < 0)
    (['gap_speed', 'gap_care'], True)
    >>> d[["churn_low", "churn_high"]]
               churn_low  churn_high
    feature
    gap_speed        0.8         0.0
    gap_care         0.0         0.3
    """
    model = ChurnModel(target=target, features=features, C=C, dimensions=dimensions,
                       expect=expect, perceive=perceive)
    return model._fit(survey, "churn_drivers").drivers_


def churn_by_quartile(
    survey: pd.DataFrame,
    *,
    feature: str = "mean_gap",
    target: str = "churned",
    q: int = 4,
    dimensions: Sequence[str] | None = None,
    expect: str = "expect_",
    perceive: str = "perceive_",
) -> pd.DataFrame:
    """Tabulate the churn rate in equal-sized groups of one feature (a model-free check).

    Parameters
    ----------
    survey : DataFrame
        One row per customer.
    feature : str, default "mean_gap"
        Column to group by; ``gap_<dim>`` and ``mean_gap`` are computed when absent.
    target : str, default "churned"
        True/False churn flag.
    q : int, default 4
        Number of groups (4 = quartiles).
    dimensions, expect, perceive
        As for :func:`gap_scores`.

    Returns
    -------
    DataFrame
        Index ``group`` ``"Q1"`` (lowest values) .. ``"Q<q>"``: ``customers``,
        ``low`` and ``high`` (range of the feature in the group), ``mean`` and
        ``churn_rate``.

    Raises
    ------
    CRMDataError
        As :func:`churn_drivers`, or if ``q`` is not a whole number in [2, rows].

    Notes
    -----
    Groups are equal-sized by rank; tied values are split by row order, so two
    neighbouring groups can share a value.

    Examples
    --------
    >>> s = pd.DataFrame({"mean_gap": [-2.0, -1, 0, 1], "churned": [1, 1, 0, 0]})
    >>> churn_by_quartile(s, q=2)
           customers  low  high  mean  churn_rate
    group
    Q1             2 -2.0  -1.0  -1.5         1.0
    Q2             2  0.0   1.0   0.5         0.0
    """
    caller = "churn_by_quartile"
    X = _feature_frame(survey, [feature], caller, dimensions, expect, perceive)
    y = _target(survey, target, caller)
    q = check_number(q, name="q", caller=caller, low=2, integer=True)
    if q > len(y):
        raise CRMDataError(f"{caller}: q={q!r} must be a whole number between 2 and the "
                           f"number of customers ({len(y)}): each group needs a customer.")
    x = X[feature].astype(float)
    codes = _quartile_codes(x, int(q))
    frame = pd.DataFrame({"x": x.to_numpy(), "y": y, "g": codes})
    out = frame.groupby("g").agg(customers=("y", "size"), low=("x", "min"), high=("x", "max"),
                                 mean=("x", "mean"), churn_rate=("y", "mean"))
    out.index = pd.Index([f"Q{g + 1}" for g in out.index], name="group")
    out["churn_rate"] = out["churn_rate"].astype(float)
    return out


def _model_from_table(table: pd.DataFrame, intercept: float, expect: str,
                      perceive: str) -> ChurnModel:
    """A ChurnModel carrying a churn_drivers table's coefficients (deprecated path)."""
    model = ChurnModel(target=table.attrs.get("target", "churned"), features=list(table.index),
                       C=table.attrs.get("C", 1.0), expect=expect, perceive=perceive)
    names = pd.Index(list(table.index), name="feature")
    model.coef_ = pd.Series(table["coef"].to_numpy(dtype=float), index=names, name="coef")
    model.intercept_ = float(intercept)
    model.mean_ = pd.Series(table["mean"].to_numpy(dtype=float), index=names, name="mean")
    model.std_ = pd.Series(table["std"].to_numpy(dtype=float), index=names, name="std")
    model.features_ = list(names)
    model.drivers_ = table
    model.churn_rate_ = float(table.attrs.get("churn_rate", np.nan))
    model.n_customers_ = table.attrs.get("n")
    model.estimator_ = None
    return model


def _as_model(model, survey, caller: str, expect: str, perceive: str) -> ChurnModel:
    """The fitted ChurnModel to use; a churn_drivers table still works, with a warning."""
    if isinstance(model, ChurnModel):
        model.check_fitted(caller)
        return model
    need = {"coef", "mean", "std"}
    if not isinstance(model, pd.DataFrame) or not need <= set(model.columns):
        raise CRMDataError(
            f"{caller}: model must be a fitted ChurnModel, ChurnModel().fit(survey) (or, for "
            f"one more release, the output of churn_drivers(survey)); got "
            f"{type(model).__name__}.")
    warnings.warn(
        f"{caller}: pass the fitted model, ChurnModel(...).fit(survey), instead of the "
        f"churn_drivers table; the table will stop working here in the next release.",
        FutureWarning, stacklevel=4)
    table = model
    if "intercept" in table.attrs:  # a table from an earlier release carries it
        return _model_from_table(table, table.attrs["intercept"], expect, perceive)
    # the intercept is not in the table: refit on the survey and check it is the same fit
    refit = ChurnModel(target=table.attrs.get("target", "churned"), features=list(table.index),
                       C=table.attrs.get("C", 1.0), expect=expect, perceive=perceive)
    refit._fit(survey, caller)
    fitted = refit.drivers_[["coef", "mean", "std"]].reindex(table.index).to_numpy(dtype=float)
    given = table[["coef", "mean", "std"]].to_numpy(dtype=float)
    if not np.allclose(fitted, given, rtol=1e-6, atol=1e-9):
        raise CRMDataError(
            f"{caller}: the churn_drivers table was fitted on another survey than this "
            f"one. Fit the model on that survey, model = ChurnModel(...).fit(that_survey), "
            f"and pass model.")
    return _model_from_table(table, refit.intercept_, expect, perceive)


@renamed_keywords(drivers="model")
def simulate_improvement(
    survey: pd.DataFrame,
    model: ChurnModel,
    *,
    dimension: str,
    delta: float = 1.0,
    scale: tuple[float, float] = (1, 7),
    expect: str = "expect_",
    perceive: str = "perceive_",
) -> pd.Series:
    """Predict churn after raising every customer's perception of one dimension.

    Parameters
    ----------
    survey : DataFrame
        The survey the model was fitted on (or another with the same columns).
    model : ChurnModel
        The fitted model, ``ChurnModel(...).fit(survey)``. The table of
        :func:`churn_drivers` (and the keyword ``drivers=``) still work for one release,
        with a ``FutureWarning``; the table is then refitted on ``survey``, which must
        be the survey it came from.
    dimension : str
        Dimension to improve, e.g. ``"reliability"``.
    delta : float, default 1.0
        Points added to each customer's perception of it (capped at the top of
        ``scale``); negative values simulate a deterioration.
    scale : (float, float), default (1, 7)
        Lowest and highest possible answer.
    expect, perceive : str
        Column-name prefixes, as for :func:`gap_scores`.

    Returns
    -------
    Series
        Named ``dimension``: ``delta``, ``churn_before`` and ``churn_after`` (mean
        predicted churn probability), ``change`` (after - before) and
        ``customers_kept`` (``-change * customers``, expected customers not lost).

    Raises
    ------
    CRMDataError
        If ``model`` is not a fitted :class:`ChurnModel`, the dimension has no
        perception column, ``delta`` or ``scale`` is not valid, or the features are
        missing from ``survey``.

    Notes
    -----
    The service improves and expectations stay where they are, so each gap of that
    dimension grows by ``delta`` (less where the perception hits the top of the
    scale); ``mean_gap`` moves with it. The prediction uses the fitted logistic
    model; it is a what-if under that model, not a promise.

    Examples
    --------
    >>> s = pd.DataFrame({"expect_speed": [6, 6, 5, 5, 4, 4] * 5,
    ...                   "perceive_speed": [3, 4, 4, 6, 5, 6] * 5,
    ...                   "churned": [True, True, False, False, True, False] * 5})
    >>> model = ChurnModel().fit(s)
    >>> r = simulate_improvement(s, model, dimension="speed", delta=1)
    >>> bool(r["churn_after"] < r["churn_before"])
    True
    """
    caller = "simulate_improvement"
    model = _as_model(model, survey, caller, expect, perceive)
    delta = check_number(delta, name="delta", caller=caller)
    low, high = check_scale(scale, caller)
    col = f"{perceive}{dimension}"
    if not isinstance(survey, pd.DataFrame) or col not in survey.columns:
        raise CRMDataError(f"{caller}: no column {col!r} for dimension {dimension!r}; pass a "
                           f"dimension whose perception is in the survey.")
    features = list(model.drivers_.index)
    X0 = _feature_frame(survey, features, caller, None, expect, perceive)
    changed = survey.copy()
    p = require(survey, {col: "number"}, caller=caller)[col].astype(float)
    changed[col] = p.where(p >= high, (p + delta).clip(low, high))
    X1 = _feature_frame(changed, features, caller, None, expect, perceive)
    before, after = float(model._predict(X0).mean()), float(model._predict(X1).mean())
    return pd.Series({"delta": float(delta), "churn_before": before, "churn_after": after,
                      "change": after - before, "customers_kept": (before - after) * len(X0)},
                     name=dimension)
