"""Shared machinery of the buy-till-you-die models: input checks, the optimiser, the fitter base.

Private to :mod:`crmlab.clv`; scipy is imported inside the functions so that
``import crmlab.clv`` stays fast.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.validation import require, show_rows

_UNITS = {"D": "days", "W": "weeks"}
_DAYS = {"D": 1, "W": 7}


# --------------------------------------------------------------------------------------
# Validation shared by the models
# --------------------------------------------------------------------------------------


def _summary_columns(summary, caller, needed=("frequency", "recency", "T")):
    if isinstance(summary, pd.DataFrame):
        df = require(summary, {c: "number" for c in needed}, caller=caller)
    else:
        raise CRMDataError(
            f"{caller}: expected the summary DataFrame from "
            f"clv.summary_from_transactions(...), got {type(summary).__name__}."
        )
    return df


def _check_rfT(x, t_x, T, index, caller):
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


def _as_array(value, name, caller):
    arr = np.asarray(value, dtype=float) if not isinstance(value, pd.Series) else value.to_numpy(
        dtype=float)
    if not np.all(np.isfinite(arr)):
        raise CRMDataError(f"{caller}: {name} must be finite numbers, got {value!r}.")
    return arr


def _inputs(summary, frequency, recency, T, caller):
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


def _output(values, index, name):
    if index is not None:
        return pd.Series(values, index=index, name=name)
    values = np.asarray(values, dtype=float)
    return float(values) if values.ndim == 0 else values


def _rate(value, name, caller):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise CRMDataError(f"{caller}: {name} must be a number, got {value!r}.")
    if value >= 1:
        raise CRMDataError(
            f"{caller}: {name}={value:g} looks like a percentage; rates are decimals in "
            f"[0, 1): pass {value / 100:g}, not {value:g}."
        )
    if value < 0:
        raise CRMDataError(f"{caller}: {name}={value:g} is negative; it must be in [0, 1).")
    return float(value)


def _horizon(t, caller):
    arr = _as_array(t, "t", caller)
    if np.any(arr < 0):
        raise CRMDataError(f"{caller}: the horizon t must be >= 0, got {t!r}.")
    return arr


#: Convergence of every BTYD fit: Newton steps on the log-parameters are taken until the
#: largest one is below this, i.e. every parameter is known to a relative 1e-11 or better,
#: far below the 3-6 significant digits the course prints. The gradient is analytic and
#: summed by numpy's pairwise sum (no BLAS call), so the optimum does not depend on the
#: CPU, the BLAS kernel or the thread count; only its last bits do.
FIT_TOLERANCE = 1e-11


def _minimize(objective, starts, args):
    """Minimise a smooth objective over log-parameters to :data:`FIT_TOLERANCE`.

    ``objective(log_params, *args)`` returns ``(value, gradient)``, both analytic. From
    each start (the next only when the previous failed): BFGS with the analytic
    gradient (a Nelder-Mead search first when BFGS cannot leave the start), then Newton
    polishing with a Hessian from central differences of the gradient, until the
    largest step is below ``FIT_TOLERANCE``. Returns scipy's ``OptimizeResult`` with
    ``x``, ``fun``, ``jac``, ``success``, ``message`` and ``hess`` (of the objective,
    at ``x``; None when not positive definite).
    """
    from scipy.optimize import minimize

    value = lambda v: objective(v, *args)[0]  # noqa: E731
    best = None
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


def _hessian(objective, x, args):
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


def _newton_polish(objective, res, args, max_steps: int = 50):
    """Newton steps from a BFGS result until the largest step is below FIT_TOLERANCE."""
    x = np.asarray(res.x, dtype=float).copy()
    fun, grad = objective(x, *args)
    res.success, res.hess = False, None
    if not np.isfinite(fun) or fun >= 1e99:
        res.message = "the likelihood is not finite at the optimiser's last point"
        return res
    for _ in range(max_steps):
        hess = _hessian(objective, x, args)
        if not np.all(np.isfinite(hess)) or np.any(np.linalg.eigvalsh(hess) <= 0):
            res.message = ("the likelihood is flat or not concave here: a parameter may be "
                           "running to a boundary (0 or infinity)")
            break
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
        if np.max(np.abs(t * step)) < FIT_TOLERANCE:
            res.success = True
            res.message = f"converged: largest Newton step below {FIT_TOLERANCE:g}"
            res.hess = hess
            break
    else:
        res.message = f"no convergence after {max_steps} Newton steps"
    res.x, res.fun, res.jac = x, float(fun), grad
    return res


def _standard_errors(hess_of_mean, log_params, n):
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


class _Fitter:
    """Shared not-fitted check and repr."""

    _fit_arg = "summary"

    def _check_fitted(self):
        if not hasattr(self, "params_"):
            raise CRMDataError(
                f"{type(self).__name__} is not fitted yet: call .fit({self._fit_arg}) first."
            )

    def __repr__(self):
        name = type(self).__name__
        if not hasattr(self, "params_"):
            return f"{name}(not fitted)"
        shown = ", ".join(f"{k}={v:.3f}" for k, v in self.params_.items())
        return f"{name}({shown}; fitted on {self.n_:,} {self._what})"



def _same_unit(model, summary, caller):
    unit = summary.attrs.get("unit", summary.attrs.get("freq"))
    if unit is not None and unit != model.freq_:
        raise CRMDataError(
            f"{caller}: the model was fitted in {_UNITS.get(model.freq_, model.freq_)} "
            f"(freq_={model.freq_!r}) but this summary is in {_UNITS.get(unit, unit)} "
            f"(unit={unit!r}); rebuild the summary with unit={model.freq_!r}."
        )
