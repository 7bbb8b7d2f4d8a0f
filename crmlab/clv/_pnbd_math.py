"""The Pareto/NBD likelihood in a numerically stable form, with its analytic gradient.

Private to :mod:`crmlab.clv` (used by :mod:`crmlab.clv.pareto_nbd`). Written by hand
because no maintained library evaluates it stably with derivatives: lifetimes and
pymc-marketing call ``scipy.special.hyp2f1`` on Fader & Hardie's closed form, raise
``(max(alpha, beta) + t_x) ** (r + s + x)`` to huge powers and subtract two nearly equal
terms, and the derivatives by ``r`` and ``s`` of a hypergeometric function by its
parameters have no closed form at all.

The likelihood of a customer with ``x`` repeat purchases, the last at ``t_x``, observed
for ``T`` (Fader & Hardie 2005, "A note on deriving the Pareto/NBD model", eq. 18) is

    L = Gamma(r + x) / Gamma(r) * alpha^r * beta^s
        * [(alpha + T)^-(r + x) (beta + T)^-s + s * I],
    I = integral from t_x to T of (alpha + tau)^-(r + x) (beta + tau)^-(s + 1) d tau,

the second term being "alive until tau, then gone" integrated over the drop-out time.
With ``M = max(alpha, beta)``, ``m = min(alpha, beta)``, ``p_M`` / ``p_m`` the exponents of
``M + tau`` / ``m + tau``, ``a = r + s + x`` and ``w_c = (M - m) / (M + c)`` in [0, 1),

    integral from c to infinity = f(c) (m + c) / a * S(w_c),
    f(c) = (alpha + c)^-(r + x) (beta + c)^-(s + 1),
    S(w) = 2F1(1, p_M; a + 1; w) = sum_n (p_M)_n / (a + 1)_n w^n

(Euler's transformation of Fader & Hardie's 2F1(a, p_m; a + 1; w)). Every term of
``S`` is positive and at most ``w^n``, ``1 <= S < 1 / (1 - w)``, so nothing overflows and
nothing cancels; dividing by ``f(t_x)``, the likelihood is

    log L = log Gamma(r + x) - log Gamma(r) + r log alpha + s log beta + log f(t_x)
            + log[rho ((beta + T) - (s / a)(m + T) S(w_T)) + (s / a)(m + t_x) S(w_tx)],

with ``rho = f(T) / f(t_x)`` in (0, 1]. For ``t_x = T`` the bracket is exactly ``beta + T``
(a customer who bought at the end is alive), for any ``x``.

``S`` and its derivatives by ``p_M``, ``a`` and ``w`` (which give the gradient by
``r``, ``alpha``, ``s``, ``beta`` through the chain rule) are summed as a series when
``w <= 0.5`` (at most ~60 terms), and otherwise by the tanh-sinh (double-exponential)
rule on its integral form ``S(w) = E[1 / (1 - w theta)]``, ``theta ~ Beta(p_M, p_m)``,
whose error falls like ``exp(-c / h)`` however close ``w`` is to 1 (the series would need
``~37 / (1 - w)`` terms). Both are accurate to about 1e-13 or better (the tests check
them, and the likelihood, against adaptive quadrature of the integrals, also for
concentrated ``Beta(p_M, p_m)`` with both exponents in the hundreds), so the gradient
is the derivative of the value to that accuracy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: Up to this w the series (<= ~60 terms) is used; above, the tanh-sinh rule.
_W_SERIES = 0.5
#: Terms of the series summed per vectorised block.
_BLOCK = 16


def _series(pM: np.ndarray, a: np.ndarray, w: np.ndarray, log_1mw: np.ndarray | None = None,
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """S(w) = sum_n (p_M)_n / (a + 1)_n w^n and dS/dp_M, dS/da, dS/dw, for 0 <= w < 1.

    Summed in blocks of terms until the tail (bounded by a geometric series, each term
    being at most w times the one before) is below 1e-17 of the sum.
    """
    m = pM.size
    S, Sp, Sa, Sw = np.ones(m), np.zeros(m), np.zeros(m), pM / (a + 1)
    rows = np.flatnonzero(w > 0)
    Sw[rows] = 0.0
    P, A, W = pM[rows], a[rows], w[rows]
    term, d1, d2 = np.ones(rows.size), np.zeros(rows.size), np.zeros(rows.size)
    k0 = 0
    while rows.size:
        k = k0 + np.arange(_BLOCK, dtype=float)
        ratio = (P[:, None] + k) / (A[:, None] + 1 + k)
        dw = (k + 1) * ratio  # times term_k: the derivative by w of term_{k+1}
        terms = term[:, None] * np.cumprod(ratio * W[:, None], axis=1)
        dw[:, 1:] *= terms[:, :-1]
        dw[:, 0] *= term
        c1 = d1[:, None] + np.cumsum(1.0 / (P[:, None] + k), axis=1)
        c2 = d2[:, None] + np.cumsum(1.0 / (A[:, None] + 1 + k), axis=1)
        S[rows] += terms.sum(axis=1)
        Sp[rows] += (terms * c1).sum(axis=1)
        Sa[rows] -= (terms * c2).sum(axis=1)
        Sw[rows] += dw.sum(axis=1)
        term, d1, d2 = terms[:, -1], c1[:, -1], c2[:, -1]
        k0 += _BLOCK
        tail = term * (k0 + 2) * (1 + d1 + d2) / (1 - W) ** 2
        going = tail > 1e-17 * S[rows]
        rows, P, A, W, term, d1, d2 = (v[going] for v in (rows, P, A, W, term, d1, d2))
    return S, Sp, Sa, Sw


def _log_sigmoid(v: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -v)


def _tanh_sinh(pM: np.ndarray, a: np.ndarray, w: np.ndarray, log_1mw: np.ndarray,
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """S(w) and its derivatives by the tanh-sinh rule, for any 0 <= w < 1.

    ``S(w) = Q(w) / Q(0)``, ``Q(w) = integral of theta^(p_M - 1) (1 - theta)^(p_m - 1) /
    (1 - w theta)``, with ``theta = sigmoid(pi sinh t)`` and the trapezoidal rule in t.
    The step follows the integrand's nearest complex singularity (at
    ``theta = 1 / w``, closer to the real line the closer w is to 1) and the range
    its slowest decay (``theta^p`` with the smaller exponent), row by row.
    ``log_1mw`` is log(1 - w), computed without cancellation by the caller (with w
    within 1e-9 of 1, 1 - w from w would keep only 7 digits).
    """
    pm = a + 1 - pM
    v0 = -log_1mw  # the singularity sits at v = v0 +- i pi
    dist = np.minimum(np.abs(np.arcsinh((v0 + 1j * np.pi) / np.pi).imag), np.pi / 2)
    # the peak of theta^p_M (1 - theta)^p_m, at v* = log(p_M / p_m), has a width of
    # sqrt(1 / p_M + 1 / p_m) in v (Laplace), divided by dv/dt = pi cosh(t*) in t
    width = np.sqrt(1 / pM + 1 / pm) / np.hypot(np.pi, np.log(pM / pm))
    h = np.minimum(2 * np.pi * dist / 42.0, width / 2.0)
    # the range: log[theta^p_M (1 - theta)^p_m] is at most p_M v (v < 0) and -p_m v (v > 0)
    # and peaks at top0 = p_M log(p_M / (p_M + p_m)) + p_m log(p_m / (p_M + p_m)); 1 /
    # (1 - w theta) is between 1 and e^v0. Beyond v = (48 + v0 - top0) / min(p_M, p_m) the
    # integrand is below e^-48 of its peak (the peak itself, at v*, is well inside).
    total = pM + pm
    top0 = pM * np.log(pM / total) + pm * np.log(pm / total)
    reach = np.arcsinh((48.0 + v0 - top0) / (np.pi * np.minimum(pM, pm))) + 0.5
    half = int(np.ceil(np.max(reach / h)))
    j = np.arange(-half, half + 1, dtype=float)
    t = h[:, None] * j
    outside = np.abs(t) > reach[:, None]  # beyond a row's own reach: left out
    t[outside] = 0.0
    v = np.pi * np.sinh(t)
    ls, lc = _log_sigmoid(v), _log_sigmoid(-v)  # log theta, log(1 - theta)
    log_jac = np.log(h[:, None] * np.pi * np.cosh(t))
    g0 = pM[:, None] * ls + pm[:, None] * lc + log_jac  # Q(0): theta^(p_M - 1) ... d theta
    log_den = np.logaddexp(lc, log_1mw[:, None] + ls)  # log(1 - w theta)
    g0[outside] = -np.inf
    g = g0 - log_den
    top = g.max(axis=1, keepdims=True)
    e, e0 = np.exp(g - top), np.exp(g0 - top)
    q, q0 = e.sum(axis=1), e0.sum(axis=1)
    S = q / q0
    dp, da = ls - lc, lc  # d log integrand / d p_M (a fixed), / d a
    Sp = ((e * dp).sum(axis=1) - S * (e0 * dp).sum(axis=1)) / q0
    Sa = ((e * da).sum(axis=1) - S * (e0 * da).sum(axis=1)) / q0
    Sw = (e * np.exp(ls - log_den)).sum(axis=1) / q0
    return S, Sp, Sa, Sw


def series_S(pM: Any, a: Any, M: float, m: float, c: Any) -> tuple[np.ndarray, ...]:
    """``S(w)`` at ``w = (M - m) / (M + c)`` and its derivatives by ``p_M``, ``a``, ``w``."""
    pM, a, c = (np.array(v, dtype=float).ravel() for v in np.broadcast_arrays(pM, a, c))
    w = (M - m) / (M + c)
    log_1mw = np.log((m + c) / (M + c))  # 1 - w = (m + c) / (M + c), no cancellation
    out = [np.empty_like(w) for _ in range(4)]
    small = w <= _W_SERIES
    for mask, method in ((small, _series), (~small, _tanh_sinh)):
        if mask.any():
            parts = method(pM[mask], a[mask], w[mask], log_1mw[mask])
            for o, part in zip(out, parts, strict=True):
                o[mask] = part
    return tuple(out)


def _unique_rows(x: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (x, c) pairs and the index of each row's pair."""
    pairs = np.stack([x, c], axis=1)
    unique, inverse = np.unique(pairs, axis=0, return_inverse=True)
    return unique[:, 0], unique[:, 1], inverse.ravel()


def plan(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> tuple:
    """The distinct (x, t_x) and (x, T) pairs: ``S`` depends on a customer only through
    them (all customers without a repeat purchase share one (0, 0)). Made once per fit."""
    return _unique_rows(x, t_x), _unique_rows(x, T)


def pnbd_loglik(params: Any, x: np.ndarray, t_x: np.ndarray, T: np.ndarray,
                gradient: bool = False, plan_: tuple | None = None) -> Any:
    """Per-customer Pareto/NBD log-likelihood; with ``gradient=True`` also its derivatives
    by (r, alpha, s, beta), one row each. ``plan_`` is :func:`plan` of the data."""
    from scipy.special import digamma, gammaln

    r, alpha, s, beta = (float(v) for v in params)
    ab = alpha >= beta  # which of alpha + tau, beta + tau decays faster is irrelevant;
    M, m = (alpha, beta) if ab else (beta, alpha)  # w >= 0 keeps every term positive
    parts = plan_ if plan_ is not None else plan(x, t_x, T)
    S = {}
    for key, (ux, uc, inv) in zip(("x", "T"), parts, strict=True):
        pM = ux + r if ab else np.full_like(ux, s + 1.0)
        vals = series_S(pM, ux + r + s, M, m, uc)
        S[key] = [v[inv] for v in vals]
    a = r + s + x
    K = s / a
    log_at, log_atx = np.log(alpha + T), np.log(alpha + t_x)
    log_bt, log_btx = np.log(beta + T), np.log(beta + t_x)
    rho = np.exp(-(r + x) * (log_at - log_atx) - (s + 1) * (log_bt - log_btx))
    S_T, S_x = S["T"][0], S["x"][0]
    A_T = (beta + T) - K * (m + T) * S_T
    A_x = K * (m + t_x) * S_x
    B = rho * A_T + A_x
    ll = (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
          - (r + x) * log_atx - (s + 1) * log_btx + np.log(B))
    if not gradient:
        return ll
    rows = []
    for name in ("r", "alpha", "s", "beta"):
        d_pM = float((name == "r" and ab) or (name == "s" and not ab))
        d_a = float(name in ("r", "s"))
        d_M = float((name == "alpha" and ab) or (name == "beta" and not ab))
        d_m = float((name == "beta" and ab) or (name == "alpha" and not ab))
        dK = -s / a**2 if name == "r" else (1 / a - s / a**2 if name == "s" else 0.0)

        def d_S(parts: list, c: np.ndarray, d_pM=d_pM, d_a=d_a, d_M=d_M, d_m=d_m):
            dw = d_M * (m + c) / (M + c) ** 2 - d_m / (M + c)
            return parts[1] * d_pM + parts[2] * d_a + parts[3] * dw

        if name == "r":
            d_rho = -(log_at - log_atx)
            d_head = digamma(r + x) - digamma(r) + np.log(alpha) - log_atx
        elif name == "alpha":
            d_rho = -(r + x) * (1 / (alpha + T) - 1 / (alpha + t_x))
            d_head = r / alpha - (r + x) / (alpha + t_x)
        elif name == "s":
            d_rho = -(log_bt - log_btx)
            d_head = np.log(beta) - log_btx
        else:
            d_rho = -(s + 1) * (1 / (beta + T) - 1 / (beta + t_x))
            d_head = s / beta - (s + 1) / (beta + t_x)
        d_A_T = (float(name == "beta") - dK * (m + T) * S_T - K * d_m * S_T
                 - K * (m + T) * d_S(S["T"], T))
        d_A_x = dK * (m + t_x) * S_x + K * d_m * S_x + K * (m + t_x) * d_S(S["x"], t_x)
        rows.append(d_head + (rho * (d_rho * A_T + d_A_T) + d_A_x) / B)
    return ll, np.vstack(rows)


def pnbd_alive(params: Any, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """P(alive at T | x, t_x, T): the survival term's share of the likelihood,
    ``rho (beta + T) / B`` in the notation above."""
    r, alpha, s, beta = (float(v) for v in params)
    ab = alpha >= beta
    M, m = (alpha, beta) if ab else (beta, alpha)
    a = r + s + x
    pM_x = x + r if ab else np.full_like(x, s + 1.0)
    S_T = series_S(pM_x, a, M, m, T)[0]
    S_x = series_S(pM_x, a, M, m, t_x)[0]
    K = s / a
    rho = np.exp(-(r + x) * np.log((alpha + T) / (alpha + t_x))
                 - (s + 1) * np.log((beta + T) / (beta + t_x)))
    alive = rho * (beta + T)
    return alive / (alive - rho * K * (m + T) * S_T + K * (m + t_x) * S_x)
