"""Shared machinery of the buy-till-you-die models: units, input checks, the optimiser, the base.

Private to :mod:`crmlab.clv` (its public names are re-exported there). A model module
(:mod:`crmlab.clv.bgnbd`, :mod:`crmlab.clv.gamma_gamma`, :mod:`crmlab.clv.sbg`, and
later Pareto/NBD, MBG/NBD, BG/BB) supplies only what is its own:

- a per-customer log-likelihood with its analytic gradient,
  ``loglik(params, *data, gradient=True) -> (ll, grad)`` (``grad`` one row per
  parameter), turned into the objective by :func:`_neg_mean_loglik`;
- a subclass of :class:`_Fitter` (or :class:`_PenalizedFitter`) naming the parameters
  (``_param_names``) and the objective (``_objective``), whose ``fit`` checks the
  input, chooses the starts and calls :meth:`_Fitter._estimate`.

The base does the rest the same way for every model: the search (:func:`_minimize`:
BFGS, then Newton polishing to :data:`FIT_TOLERANCE`), ``params_``, ``converged_``,
``standard_errors_`` (delta method), the not-fitted check, the repr, and the time unit
of a fit (``unit_``, :func:`_fit_unit`, :func:`_same_unit`).

scipy is imported inside the functions, so ``import crmlab.clv`` stays fast.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.validation import check_fraction, check_number, check_option, require, show_rows

if TYPE_CHECKING:
    from crmlab._typing import DateLike

#: The time units of a summary and of the models fitted to it.
_UNITS = {"D": "days", "W": "weeks"}
#: Days in one period of each unit.
_DAYS = {"D": 1, "W": 7}

#: An objective: ``objective(log_params, *args) -> (value, gradient by log_params)``.
Objective = Callable[..., tuple[float, np.ndarray]]


# --------------------------------------------------------------------------------------
# Input checks shared by the models
# --------------------------------------------------------------------------------------


def _summary_columns(summary: Any, caller: str,
                     needed: Sequence[str] = ("frequency", "recency", "T")) -> pd.DataFrame:
    """Check that ``summary`` is a DataFrame with numeric ``needed`` columns; return them."""
    if not isinstance(summary, pd.DataFrame):
        raise CRMDataError(
            f"{caller}: expected the summary DataFrame from "
            f"clv.summary_from_transactions(...), got {type(summary).__name__}."
        )
    return require(summary, {c: "number" for c in needed}, caller=caller)


def _check_rfT(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, index: pd.Index,
               caller: str) -> None:
    """Validate frequency / recency / T arrays (already floats)."""
    bad = (x < 0) | (t_x < 0) | (T < 0)
    if bad.any():
        raise CRMDataError(
            f"{caller}: frequency, recency and T must be >= 0; {bad.sum()} customers have "
            f"negative values in {show_rows(index[bad])}. Rebuild the summary with "
            f"clv.summary_from_transactions."
        )
    bad = x != np.round(x)
    if bad.any():
        raise CRMDataError(
            f"{caller}: column 'frequency' must hold whole numbers of repeat purchases; "
            f"{bad.sum()} values are not, in {show_rows(index[bad], x[bad])}. A fractional "
            f"frequency is not rounded silently: rebuild the summary with "
            f"clv.summary_from_transactions."
        )
    bad = t_x > T * (1 + 1e-12)
    if bad.any():
        raise CRMDataError(
            f"{caller}: recency must not exceed T (the last purchase cannot come after the "
            f"end of observation); {bad.sum()} customers break this, in "
            f"{show_rows(index[bad], t_x[bad])}. Check that recency and T are in the same "
            f"unit and measured from the first purchase."
        )
    bad = (x == 0) & (t_x > 0)
    if bad.any():
        raise CRMDataError(
            f"{caller}: a customer with frequency 0 (no repeat purchase) must have "
            f"recency 0; {bad.sum()} do not, in {show_rows(index[bad], t_x[bad])}. Recency "
            f"is the time from the first to the last purchase, not the RFM recency."
        )


def _as_array(value: Any, name: str, caller: str) -> np.ndarray:
    """``value`` (a number, sequence or Series) as a float array of finite numbers."""
    try:
        arr = (value.to_numpy(dtype=float) if isinstance(value, pd.Series)
               else np.asarray(value, dtype=float))
    except (TypeError, ValueError) as exc:
        raise CRMDataError(
            f"{caller}: {name} must be numbers, got {type(value).__name__} {value!r}. "
            f"Convert it with pd.to_numeric(...) first."
        ) from exc
    bad = ~np.isfinite(arr)
    if bad.any():
        flat = bad.ravel()
        raise CRMDataError(
            f"{caller}: {name} must be finite numbers; {int(flat.sum())} are not, in "
            f"{show_rows(np.flatnonzero(flat), arr.ravel()[flat])} of {name}. Drop or fill "
            f"the missing (NaN) or infinite values first."
        )
    return arr


def _inputs(summary: pd.DataFrame | None, frequency: Any, recency: Any, T: Any,
            caller: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Index | None]:
    """Return (x, t_x, T, index or None) from a summary or three arrays."""
    if summary is not None:
        df = _summary_columns(summary, caller)
        x, t_x, big_t = (df[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
        index = df.index
    else:
        if frequency is None or recency is None or T is None:
            raise CRMDataError(
                f"{caller}: pass a summary, or all of frequency=, recency= and T=."
            )
        x = _as_array(frequency, "frequency", caller)
        t_x = _as_array(recency, "recency", caller)
        big_t = _as_array(T, "T", caller)
        x, t_x, big_t = np.broadcast_arrays(x, t_x, big_t)
        index = pd.RangeIndex(x.size) if x.ndim else pd.RangeIndex(1)
    _check_rfT(np.atleast_1d(x), np.atleast_1d(t_x), np.atleast_1d(big_t), index, caller)
    return x, t_x, big_t, (index if summary is not None else None)


def _output(values: Any, index: pd.Index | None, name: str) -> pd.Series | float | np.ndarray:
    """A Series indexed like the summary, else a float (scalar input) or an array."""
    if index is not None:
        return pd.Series(values, index=index, name=name)
    values = np.asarray(values, dtype=float)
    return float(values) if values.ndim == 0 else values


def _rate(value: Any, name: str, caller: str) -> float:
    """A rate per period in [0, 1), a decimal (a percentage such as 10 is reported)."""
    return check_fraction(value, name=name, caller=caller, high_open=True)


def _horizon(t: Any, caller: str) -> np.ndarray:
    """A horizon (number or array) of periods >= 0, as a float array."""
    arr = _as_array(t, "t", caller)
    if np.any(arr < 0):
        raise CRMDataError(f"{caller}: the horizon t must be >= 0, got {t!r}; it counts "
                           f"periods of the model's time unit from now.")
    return arr


# --------------------------------------------------------------------------------------
# Time units
# --------------------------------------------------------------------------------------


def _summary_unit(summary: Any) -> str | None:
    """The time unit a summary records in ``attrs`` ("unit", else "freq"), or None."""
    attrs = getattr(summary, "attrs", None) or {}
    return attrs.get("unit", attrs.get("freq"))


def _fit_unit(summary: pd.DataFrame, unit: str | None, caller: str) -> str:
    """The time unit of a fit: ``summary.attrs["unit"]`` or ``unit=``, never a guess.

    Raises when neither says it, when they disagree, or when it is not "D" or "W".
    """
    recorded = _summary_unit(summary)
    if unit is not None:
        check_option(unit, tuple(_UNITS), name="unit", caller=caller)
    if recorded is None and unit is None:
        raise CRMDataError(
            f"{caller}: the summary does not record its time unit (no attrs['unit']), so "
            f"recency, T and every prediction would be in an unknown unit. Pass unit='D' "
            f"(days) or unit='W' (weeks), or build the summary with "
            f"clv.summary_from_transactions(...), which records it."
        )
    if recorded is not None and unit is not None and recorded != unit:
        raise CRMDataError(
            f"{caller}: unit={unit!r} but the summary is in {_UNITS.get(recorded, recorded)} "
            f"(attrs['unit']={recorded!r}). Leave out unit=, or rebuild the summary with "
            f"clv.summary_from_transactions(..., unit={unit!r})."
        )
    if unit is None:
        check_option(recorded, tuple(_UNITS), name="summary.attrs['unit']", caller=caller)
    return recorded if unit is None else unit


def _model_unit(model: Any, caller: str) -> str:
    """The time unit of a fitted model (``unit_``), or an error saying how to set it."""
    unit = getattr(model, "unit_", None)
    if unit is None:
        raise CRMDataError(
            f"{caller}: {type(model).__name__} has no time unit (unit_): fit it with "
            f".fit(summary), or set unit_ = 'D' or 'W' with hand-set params_."
        )
    return unit


def _same_unit(model: Any, summary: Any, caller: str) -> None:
    """Raise if the summary records a time unit other than the model's."""
    unit = _summary_unit(summary)
    mine = _model_unit(model, caller)
    if unit is not None and unit != mine:
        raise CRMDataError(
            f"{caller}: the model was fitted in {_UNITS.get(mine, mine)} "
            f"(unit_={mine!r}) but this summary is in {_UNITS.get(unit, unit)} "
            f"(unit={unit!r}); rebuild the summary with unit={mine!r}."
        )


# --------------------------------------------------------------------------------------
# The optimiser
# --------------------------------------------------------------------------------------

#: Convergence of every BTYD fit: Newton steps on the log-parameters are taken until the
#: largest one is below this, i.e. every parameter is known to a relative 1e-11 or better,
#: far below the 3-6 significant digits the course prints. The gradient is analytic and
#: summed by numpy's pairwise sum (no BLAS call), so the optimum does not depend on the
#: CPU, the BLAS kernel or the thread count; only its last bits do.
FIT_TOLERANCE = 1e-11


def _minimize(objective: Objective, starts: Sequence[np.ndarray], args: tuple) -> Any:
    """Minimise a smooth objective over log-parameters to :data:`FIT_TOLERANCE`.

    ``objective(log_params, *args)`` returns ``(value, gradient)``, both analytic. From
    each start (the next only when the previous failed): BFGS with the analytic
    gradient (a Nelder-Mead search first when BFGS cannot leave the start), then Newton
    polishing with a Hessian from central differences of the gradient, until the
    largest step is below ``FIT_TOLERANCE``. Returns scipy's ``OptimizeResult`` with
    ``x``, ``fun``, ``jac``, ``success``, ``message`` and ``hess`` (of the objective,
    near ``x``; None when not positive definite).

    Numeric warnings of the search (overflow, division by zero, a line search that
    meets the "out of bounds" value) are silenced here: the objective reports every
    non-finite value as 1e100, and what the search achieved is in ``success`` and
    ``message``, which :meth:`_Fitter._estimate` turns into a
    :class:`~crmlab.CRMFitWarning` when it matters.
    """
    from scipy.optimize import minimize

    value = lambda v: objective(v, *args)[0]  # noqa: E731
    best = None
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for start in starts:
            start = np.asarray(start, dtype=float)
            res = minimize(objective, start, args=args, jac=True, method="BFGS",
                           options={"gtol": 1e-9, "maxiter": 2000})
            if not np.isfinite(res.fun) or res.fun >= 1e99:
                simplex = minimize(value, start, method="Nelder-Mead",
                                   options={"xatol": 1e-9, "fatol": 1e-13, "maxiter": 20000})
                res = minimize(objective, simplex.x, args=args, jac=True, method="BFGS",
                               options={"gtol": 1e-9, "maxiter": 2000})
            res = _newton_polish(objective, res, args)
            if best is None or res.fun < best.fun:
                best = res
            if best.success and best.fun < 1e99:
                break
    return best


def _hessian(objective: Objective, x: np.ndarray, args: tuple) -> np.ndarray:
    """Hessian of the objective: central differences of its analytic gradient."""
    k = len(x)
    hess = np.empty((k, k))
    for i in range(k):
        h = 1e-5 * max(1.0, abs(x[i]))
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        hess[:, i] = (objective(up, *args)[1] - objective(down, *args)[1]) / (2 * h)
    return (hess + hess.T) / 2


def _newton_polish(objective: Objective, res: Any, args: tuple, max_steps: int = 50) -> Any:
    """Newton steps from a BFGS result until the largest step is below FIT_TOLERANCE.

    The Hessian (2k gradient evaluations for k parameters) is computed once and kept
    while the steps shrink by a factor of 10 or more each time (a chord Newton
    iteration: near the optimum the Hessian hardly changes, so the kept one contracts
    the steps by about its relative change); it is recomputed only when they do not.
    """
    x = np.asarray(res.x, dtype=float).copy()
    fun, grad = objective(x, *args)
    res.success, res.hess = False, None
    if not np.isfinite(fun) or fun >= 1e99:
        res.message = "the likelihood is not finite at the optimiser's last point"
        return res
    hess, last = None, np.inf
    for _ in range(max_steps):
        if hess is None:
            hess = _hessian(objective, x, args)
            if not np.all(np.isfinite(hess)) or np.any(np.linalg.eigvalsh(hess) <= 0):
                res.message = ("the likelihood is flat or not concave here: a parameter may "
                               "be running to a boundary (0 or infinity)")
                break
            last = np.inf
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while t > 1e-6:  # backtrack if a full step does not decrease the objective
            trial = x - t * step
            f_new, g_new = objective(trial, *args)
            if np.isfinite(f_new) and f_new <= fun + 1e-12 * abs(fun):
                break
            t /= 2
        else:
            res.message = "Newton polishing could not decrease the objective"
            break
        x, fun, grad = trial, f_new, g_new
        size = np.max(np.abs(t * step))
        if size < FIT_TOLERANCE:
            res.success = True
            res.message = f"converged: largest Newton step below {FIT_TOLERANCE:g}"
            res.hess = hess
            break
        if t < 1 or size > 0.1 * last:
            hess = None  # the kept Hessian no longer contracts fast: compute a new one
        last = size
    else:
        res.message = f"no convergence after {max_steps} Newton steps"
    res.x, res.fun, res.jac = x, float(fun), grad
    return res


def _standard_errors(hess_of_mean: np.ndarray | None, log_params: np.ndarray,
                     n: float) -> np.ndarray:
    """Standard errors of exp(log_params) from the Hessian of the mean negative
    log-likelihood over ``n`` customers (delta method)."""
    k = len(log_params)
    if hess_of_mean is None:
        return np.full(k, np.nan)
    try:
        cov = np.linalg.inv(hess_of_mean * n)
    except np.linalg.LinAlgError:
        return np.full(k, np.nan)
    var = np.diag(cov)
    se_log = np.sqrt(np.where(var > 0, var, np.nan))
    return np.exp(log_params) * se_log


def _neg_mean_loglik(loglik: Callable[..., tuple[np.ndarray, np.ndarray]],
                     log_params: np.ndarray, data: tuple, penalizer: float = 0.0,
                     weights: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """The objective of a model whose data are one row per customer.

    The mean negative log-likelihood over customers plus ``penalizer`` times the sum of
    the squared parameters, and its analytic gradient by the log-parameters (the search
    runs on logs, so every parameter stays positive). ``loglik(params, *data,
    gradient=True)`` returns the per-customer log-likelihood and its derivatives by the
    parameters (one row each). ``weights`` counts the customers of each row when equal
    rows were merged (:func:`_compress`); the mean is then the weighted mean. Sums are
    numpy's pairwise sums along each row (no BLAS). Where the value or the gradient is
    not finite the objective is 1e100 with a zero gradient, which the search treats as
    "out of bounds".
    """
    params = np.exp(log_params)
    with np.errstate(all="ignore"):
        ll, grad = loglik(params, *data, gradient=True)
        if weights is None:
            value = -np.mean(ll)
            mean_grad = np.mean(grad, axis=1)
        else:
            total = np.sum(weights)
            value = -np.sum(ll * weights) / total
            mean_grad = np.sum(grad * weights, axis=1) / total
        value = value + penalizer * np.sum(params**2)
        jac = -mean_grad * params + 2 * penalizer * params**2
    return _finite(value, jac, log_params)


def _finite(value: float, jac: np.ndarray, log_params: np.ndarray) -> tuple[float, np.ndarray]:
    """``(value, jac)``, or ``(1e100, 0)`` where either is not finite."""
    if not (np.isfinite(value) and np.all(np.isfinite(jac))):
        return 1e100, np.zeros_like(log_params)
    return float(value), jac


def _compress(*columns: np.ndarray) -> tuple[tuple[np.ndarray, ...], np.ndarray | None]:
    """Merge equal rows of the columns: ``(unique columns, counts)``.

    A likelihood that is a sum over customers is the same sum over the distinct
    histories times their counts, and a summary in days or weeks repeats histories
    often (CDNOW: 2,357 customers, 1,016 distinct (frequency, recency, T)). Returns the
    columns unchanged and ``None`` when merging would not at least halve the rows.
    """
    n = len(columns[0])
    if n < 64:
        return columns, None
    order = np.lexsort(columns[::-1])
    ordered = [c[order] for c in columns]
    new = np.ones(n, dtype=bool)
    new[1:] = np.any([c[1:] != c[:-1] for c in ordered], axis=0)
    starts = np.flatnonzero(new)
    if len(starts) > n // 2:
        return columns, None
    counts = np.diff(np.append(starts, n)).astype(float)
    return tuple(c[starts] for c in ordered), counts


def _nbd_pmf(r: float, alpha: float, t: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(N(t) = x) of the NBD (Poisson purchases, rates ~ Gamma(r, alpha)), in logs first."""
    from scipy.special import gammaln, xlogy

    # xlogy: 0 * log(0) = 0, so P(N(0) = 0) = 1 and P(N(0) = x > 0) = 0 without a warning
    with np.errstate(divide="ignore"):
        log = (gammaln(r + x) - gammaln(r) - gammaln(x + 1) + r * np.log(alpha / (alpha + t))
               + xlogy(x, t / (alpha + t)))
    return np.exp(log)


def _nbd_at_least(r: float, alpha: float, t: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(N(t) >= x) of the NBD: the incomplete beta I_{t / (alpha + t)}(x, r), 1 at x = 0."""
    from scipy.special import betainc

    z = t / (alpha + t)
    return np.where(x > 0, betainc(np.maximum(x, 1), r, z), 1.0)


def _by_count(func: Callable[[np.ndarray], np.ndarray], shift: float,
              x: np.ndarray) -> np.ndarray:
    """``func(shift + x)`` for whole numbers ``x >= 0``, computed once per distinct x.

    Special functions (log-gamma, digamma, log-beta) cost far more than arithmetic; a
    summary's frequencies take few distinct values, so they are evaluated on
    ``0 .. max(x)`` and looked up.
    """
    top = int(x.max()) if x.size else 0
    if top > 4 * x.size + 64:
        return func(shift + x)
    return func(shift + np.arange(top + 1, dtype=float))[x.astype(np.intp)]


# --------------------------------------------------------------------------------------
# The fitter base
# --------------------------------------------------------------------------------------


#: A parameter below this (any parameter), or above ``1 / _BOUNDARY`` (a shape parameter:
#: not one in the data's time or money units), sits on a boundary of the parameter
#: space: the likelihood keeps rising as it runs to 0 or infinity.
_BOUNDARY = 1e-6
#: When the search stopped on a flat likelihood, the parameters beyond this are the ones
#: running to a boundary (the search stops before they get far).
_NEAR_BOUNDARY = 1e-4


class _Fitter:
    """Base of the models: maximum likelihood, the not-fitted check and the repr.

    A subclass sets ``_param_names`` (the parameters, in the order of the objective's
    vector), ``_objective`` (``staticmethod``: ``objective(log_params, *args) ->
    (value, gradient)``, e.g. built on :func:`_neg_mean_loglik`), ``_what`` (what ``n_``
    counts, for the repr), ``_fit_arg`` (the name of ``fit``'s input, for the
    not-fitted message) and ``_scale_params`` (the parameters in the data's time or
    money units, which may legitimately be large). Its ``fit`` checks the input and
    calls :meth:`_estimate`.
    """

    _param_names: ClassVar[tuple[str, ...]] = ()
    _scale_params: ClassVar[tuple[str, ...]] = ()
    _what: ClassVar[str] = "customers"
    _fit_arg: ClassVar[str] = "summary"
    _objective: ClassVar[Objective]

    def _estimate(self, starts: Sequence[np.ndarray], args: tuple, *, n: float, caller: str,
                  advice: str = "", causes: Callable[[], list[str]] | None = None,
                  ) -> np.ndarray:
        """Maximise the likelihood; set ``params_``, ``standard_errors_``, ``converged_``.

        ``n`` is the number of customers the objective's mean is over (for the standard
        errors); ``advice`` ends the message when the search fails. When the search
        does not converge, or ends on a boundary of the parameter space, a
        :class:`~crmlab.CRMFitWarning` says so, with the likely causes that
        ``causes()`` finds in the data. Returns the parameters as an array, in the
        order of ``_param_names``.
        """
        warm = getattr(self, "_warm_start", None)  # a refit (the bootstrap) starts nearby
        if warm is not None:
            starts = [np.log(np.asarray(warm, dtype=float)), *starts]
        res = _minimize(self._objective, starts, args)
        if not np.isfinite(res.fun) or res.fun >= 1e99:
            raise CRMDataError(
                f"{caller}: the optimiser did not converge ({res.message}).{advice}")
        params = np.exp(res.x)
        names = self._param_names
        self.params_ = dict(zip(names, params.tolist(), strict=True))
        self.converged_ = bool(res.success)
        boundary = self._at_boundary(_BOUNDARY if self.converged_ else _NEAR_BOUNDARY)
        self.standard_errors_ = dict(zip(
            names, (_standard_errors(res.hess, res.x, n) if not boundary
                    else np.full(len(names), np.nan)).tolist(), strict=True))
        if boundary or not self.converged_:
            self._warn_doubtful(res.message, boundary, caller, advice,
                                causes() if causes is not None else [])
        return params

    def _at_boundary(self, limit: float) -> dict[str, float]:
        """The parameters that ran to 0 (or a shape parameter to infinity)."""
        return {k: v for k, v in self.params_.items()
                if v < limit or (v > 1 / limit and k not in self._scale_params)}

    def _warn_doubtful(self, message: str, boundary: dict[str, float], caller: str,
                       advice: str, causes: list[str]) -> None:
        from crmlab._errors import CRMFitWarning
        from crmlab.validation import warn_at_caller

        if boundary:
            shown = ", ".join(f"{k} = {v:.3g} (running to {'0' if v < 1 else 'infinity'})"
                              for k, v in boundary.items())
            what = f"the fit ended on a boundary of the parameter space: {shown}"
        else:
            what = f"the fit did not converge ({message})"
        likely = (" Likely cause" + ("s: " if len(causes) > 1 else ": ") + "; ".join(causes)
                  + ".") if causes else ""
        if isinstance(self, _PenalizedFitter) and any(v > 1 for v in boundary.values()):
            advice += (f" A small penalizer, e.g. {type(self).__name__}(penalizer=0.001), "
                       f"keeps parameters from running to infinity.")
        warn_at_caller(
            f"{caller}: {what}, so the estimates, their standard errors and every "
            f"prediction made from them are not to be trusted.{likely}{advice}",
            CRMFitWarning)

    def _check_fitted(self) -> None:
        if not hasattr(self, "params_"):
            raise CRMDataError(
                f"{type(self).__name__} is not fitted yet: call .fit({self._fit_arg}) first."
            )

    def __repr__(self) -> str:
        name = type(self).__name__
        if not hasattr(self, "params_"):
            return f"{name}(not fitted)"
        shown = ", ".join(f"{k}={v:.3f}" for k, v in self.params_.items())
        return f"{name}({shown}; fitted on {self.n_:,} {self._what})"


def _summary_causes(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, unit: str,
                    weights: np.ndarray | None = None) -> list[str]:
    """What in a BTYD summary commonly makes a fit end on a boundary (for the warning)."""
    w = np.ones_like(x) if weights is None else weights
    n = float(np.sum(w))
    repeat = float(np.sum(w[x > 0]))
    causes = []
    if repeat < 30 or repeat < 0.05 * n:
        causes.append(
            f"too few repeat buyers: only {repeat:,.0f} of {n:,.0f} customers "
            f"({repeat / n:.1%}) made a repeat purchase, too few to tell buying rates from "
            f"drop-out; use a longer calibration period or more customers")
    else:
        # without drop-out, a customer silent for over three of her own mean purchase
        # intervals is rare (about 5%); with it, common (CDNOW: 29%)
        two = x >= 2
        if np.sum(w[two]) >= 30:
            gap = t_x[two] / x[two]
            silent = float(np.sum(w[two][(T[two] - t_x[two]) > 3 * gap]) / np.sum(w[two]))
            if silent < 0.1:
                causes.append(
                    f"no sign of drop-out: only {silent:.1%} of the customers with 2+ repeat "
                    f"purchases have been silent for more than three of their own mean "
                    f"purchase intervals (about 5% would be by chance), so nothing in the "
                    f"data says that customers leave")
    name = _UNITS.get(unit, unit)
    median_t = float(np.median(T)) if T.size else 0.0
    if unit == "W" and median_t > 260:
        causes.append(
            f"a wrong time unit: the median T is {median_t:,.0f} weeks (over five years), as "
            f"if the summary were in days; build it with clv.summary_from_transactions(..., "
            f"unit='W'), which converts")
    elif unit == "D" and median_t < 14:
        causes.append(
            f"a wrong time unit: the median T is {median_t:.3g} {name}, as if the summary "
            f"were in weeks or months; pass the unit the summary is in")
    many = x > T * _DAYS.get(unit, 1) + 1e-9
    if many.any():
        causes.append(
            f"a wrong time unit: {int(np.sum(w[many])):,} customers have more repeat "
            f"purchases than days observed, as if recency and T were in a longer unit than "
            f"unit={unit!r} says")
    return causes


class _PenalizedFitter(_Fitter):
    """A fitter with an L2 penalty on the parameters (lifetimes' ``penalizer_coef``)."""

    def __init__(self, penalizer: float = 0.0) -> None:
        self.penalizer = penalizer

    def _checked_penalizer(self, caller: str) -> float:
        return check_number(self.penalizer, name="penalizer", caller=caller, low=0)


def end_date(observation_end: DateLike | None, caller: str,
             name: str = "observation_end") -> pd.Timestamp | None:
    """The end of a window as a Timestamp without time zone (None stays None)."""
    from crmlab.dates import to_date

    return to_date(observation_end, name=name, caller=caller)
