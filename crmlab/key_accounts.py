"""Key accounts (关键客户) and ordinary customers (普通客户).

A key account is worth more than its current revenue says: it is profitable, it can
grow, and it fits the firm's strategy. This module scores accounts on those four
criteria (:func:`scorecard`), picks the key accounts (:func:`identify_key_accounts`,
:func:`key_account_summary`), simulates how service hours should be spread
("should we treat every customer the same?", :func:`allocate_resources`,
:func:`compare_policies`) and measures how far ordinary customers are from the next
tier of the customer pyramid (:func:`upgrade_potential`).

Every function takes a table plus column names as keywords, returns a new frame and
never modifies its input.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.pyramid import SCHEMES
from crmlab.scoring import score_table
from crmlab.validation import renamed_keywords, require, show_rows

__all__ = [
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "KEY",
    "ORDINARY",
    "POLICIES",
    "scorecard",
    "score_contributions",
    "identify_key_accounts",
    "key_account_summary",
    "allocate_resources",
    "compare_policies",
    "upgrade_potential",
]

#: The four criteria of the scorecard, in display order.
CRITERIA = ("value", "profit", "growth", "fit")
#: Default weights: current value (the revenue column), profitability, growth potential,
#: strategic fit.
DEFAULT_WEIGHTS = {"value": 0.3, "profit": 0.3, "growth": 0.2, "fit": 0.2}
#: Tier labels written by :func:`identify_key_accounts`.
KEY, ORDINARY = "关键客户", "普通客户"
#: Allocation policies understood by :func:`allocate_resources`.
POLICIES = ("equal", "by_tier", "by_score", "optimal", "current")

# customer-pyramid tier orders (top tier first) and the su split, from crmlab.pyramid
_SU = SCHEMES["su"]
_SU_FRACTIONS = _SU["shares"]
_TIER_ORDERS = [tuple(names) for scheme in SCHEMES.values() for names in scheme["names"].values()]


# --------------------------------------------------------------------------- scorecard
@renamed_keywords(value="revenue")
def scorecard(
    accounts: pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    normalize: str = "minmax",
    revenue: str = "revenue",
    profit: str = "profit",
    growth: str = "growth_potential",
    fit: str = "strategic_fit",
    account: str = "account_id",
) -> pd.DataFrame:
    """Score accounts 0-100 on value, profit, growth potential and strategic fit.

    Parameters
    ----------
    accounts : DataFrame
        One row per account.
    weights : dict, optional
        Weight of each criterion, keys ``"value"`` (current value: the ``revenue``
        column),
        ``"profit"`` (profitability), ``"growth"`` (growth potential) and ``"fit"``
        (strategic fit). Missing keys weigh 0, and a criterion that weighs 0 may be
        absent from the table. Weights must be >= 0 and are normalised to sum to 1.
        Default ``DEFAULT_WEIGHTS`` = 0.3 / 0.3 / 0.2 / 0.2.
    normalize : {"minmax", "rank"}, default "minmax"
        How each criterion is mapped to 0-100 (see Notes).
    revenue, profit, growth, fit : str
        Column names of the four criteria: current value (the revenue an account
        brings in), profit, growth potential and strategic fit (defaults
        ``"revenue"``, ``"profit"``, ``"growth_potential"``, ``"strategic_fit"``).
        ``revenue=`` replaces ``value=``, which still works for one release with a
        ``FutureWarning``.
    account : str, default "account_id"
        Column with the account id; it becomes the index of the result.

    Returns
    -------
    DataFrame
        Indexed by account and sorted by rank: the four raw criteria (under their
        own column names), ``value_score``, ``profit_score``, ``growth_score``,
        ``fit_score`` (0-100), ``score`` (the weighted total, 0-100) and ``rank``
        (1 = best, a permutation of 1..n). ``attrs["weights"]`` holds the normalised
        weights, ``attrs["columns"]`` the criterion -> column mapping and
        ``attrs["normalize"]`` the method.

    Raises
    ------
    CRMDataError
        If a column is missing, not numeric or has missing values, if the table is
        empty, if account ids are duplicated, if a weight is negative, not a number
        or has an unknown key, if all weights are 0, or if ``normalize`` is unknown.

    See Also
    --------
    identify_key_accounts : flag the top accounts as key accounts.
    score_contributions : the weighted points of each criterion.

    Notes
    -----
    ``normalize="minmax"``: ``100 * (x - min) / (max - min)``; keeps the distances
    (one huge account pushes the others toward 0). ``normalize="rank"``: percentile
    rank ``100 * (rank - 1) / (n - 1)`` with tied values sharing their average rank;
    only the order counts, so outliers do not dominate. Either way the worst account
    scores 0 and the best 100; a criterion on which all accounts are equal (or a
    single account) scores 50 for everyone, so it does not change the ranking.

    ``score = sum(weight * criterion score)``. Ranks order by score (descending);
    equal scores (compared after rounding to 9 decimals) are ordered by account id.

    Examples
    --------
    >>> df = pd.DataFrame({"account_id": ["a", "b", "c"],
    ...                    "revenue": [100.0, 300.0, 200.0], "profit": [10.0, 5.0, 40.0],
    ...                    "growth_potential": [8, 2, 5], "strategic_fit": [5, 5, 9]})
    >>> sc = scorecard(df)
    >>> sc[["value_score", "profit_score", "growth_score", "fit_score", "score", "rank"]].round(1)
                value_score  profit_score  growth_score  fit_score  score  rank
    account_id
    c                  50.0         100.0          50.0      100.0   75.0     1
    b                 100.0           0.0           0.0        0.0   30.0     2
    a                   0.0          14.3         100.0        0.0   24.3     3
    """
    params = {account: "account", revenue: "revenue", profit: "profit", growth: "growth",
              fit: "fit"}
    cols = {"value": revenue, "profit": profit, "growth": growth, "fit": fit}
    return score_table(accounts, cols, weights=weights, defaults=DEFAULT_WEIGHTS,
                        normalize=normalize, account=account, params=params,
                        caller="scorecard")


def _scored(scored, caller: str, extra: Sequence[str] = ()) -> pd.DataFrame:
    if isinstance(scored, pd.DataFrame) and not {"score", "rank"} <= set(scored.columns):
        raise CRMDataError(
            f"{caller}: expected the output of scorecard() (columns 'score' and 'rank'); "
            f"run key_accounts.scorecard(accounts) first."
        )
    return require(scored, {"score": "number", "rank": "number",
                                   **{c: "any" for c in extra}}, caller=caller)


def score_contributions(scored: pd.DataFrame) -> pd.DataFrame:
    """Return each criterion's weighted points, which add up to the total score.

    Parameters
    ----------
    scored : DataFrame
        Output of :func:`scorecard` (its ``attrs["weights"]`` are used).

    Returns
    -------
    DataFrame
        Same index, columns ``value``, ``profit``, ``growth``, ``fit``: weight times
        criterion score. Row sums equal ``scored["score"]``.

    Raises
    ------
    CRMDataError
        If ``scored`` is not a scorecard (no score columns or no weights in attrs).

    Examples
    --------
    >>> df = pd.DataFrame({"account_id": ["a", "b"], "revenue": [1.0, 2.0],
    ...                    "profit": [1.0, 0.0], "growth_potential": [1, 1],
    ...                    "strategic_fit": [3, 9]})
    >>> score_contributions(scorecard(df))
                value  profit  growth   fit
    account_id
    b            30.0     0.0    10.0  20.0
    a             0.0    30.0    10.0   0.0
    """
    caller = "score_contributions"
    weights = getattr(scored, "attrs", {}).get("weights")
    needed = [f"{k}_score" for k in CRITERIA if weights is None or weights.get(k, 0) > 0]
    if not isinstance(scored, pd.DataFrame) or weights is None or not set(needed) <= set(
            scored.columns):
        raise CRMDataError(
            f"{caller}: expected the output of scorecard() with its criterion scores and "
            f"attrs['weights']; run key_accounts.scorecard(accounts) first."
        )
    return pd.DataFrame({k: weights[k] * scored[f"{k}_score"] if f"{k}_score" in scored
                         else pd.Series(0.0, index=scored.index) for k in CRITERIA},
                        index=scored.index)


# --------------------------------------------------------------------------- identify
def identify_key_accounts(
    scored: pd.DataFrame,
    *,
    top: float | None = None,
    n: int | None = None,
    min_score: float | None = None,
) -> pd.DataFrame:
    """Flag the best-scoring accounts as key accounts (关键客户).

    Give at most one rule: ``top`` (a fraction of accounts), ``n`` (a number of
    accounts) or ``min_score`` (a score threshold). With none, ``top=0.2``.

    Parameters
    ----------
    scored : DataFrame
        Output of :func:`scorecard` (needs ``score`` and ``rank``).
    top : float, optional
        Fraction of accounts, by rank, that are key accounts: ``ceil(top * n)``
        accounts. A decimal in (0, 1]; default 0.2 when no rule is given.
    n : int, optional
        Number of key accounts (the ``n`` best ranks).
    min_score : float, optional
        Accounts with ``score >= min_score`` (0-100) are key accounts.

    Returns
    -------
    DataFrame
        A copy of ``scored`` with ``key_account`` (bool) and ``tier`` (``"关键客户"``
        or ``"普通客户"``). ``attrs["rule"]`` says which rule was used.

    Raises
    ------
    CRMDataError
        If ``scored`` is not a scorecard, if more than one rule is given, if ``top``
        is not in (0, 1] (a percentage such as 20 is refused with the fix), if ``n``
        is not a whole number in [0, number of accounts] or ``min_score`` is not a
        number.

    See Also
    --------
    key_account_summary : the share of revenue and profit the key accounts hold.

    Notes
    -----
    The rank from :func:`scorecard` breaks ties by account id, so ``top`` and ``n``
    always select exactly that many accounts, even when scores tie at the cut.

    Examples
    --------
    >>> df = pd.DataFrame({"account_id": list("abcde"),
    ...                    "revenue": [5.0, 4, 3, 2, 1], "profit": [5.0, 4, 3, 2, 1],
    ...                    "growth_potential": [5, 4, 3, 2, 1],
    ...                    "strategic_fit": [5, 4, 3, 2, 1]})
    >>> flagged = identify_key_accounts(scorecard(df), top=0.4)
    >>> flagged[["score", "key_account", "tier"]]
                score  key_account  tier
    account_id
    a           100.0         True  关键客户
    b            75.0         True  关键客户
    c            50.0        False  普通客户
    d            25.0        False  普通客户
    e             0.0        False  普通客户
    """
    caller = "identify_key_accounts"
    _scored(scored, caller)
    given = [name for name, v in (("top", top), ("n", n), ("min_score", min_score))
             if v is not None]
    if len(given) > 1:
        raise CRMDataError(f"{caller}: give one rule, not {' and '.join(given)}.")
    out = scored.copy()
    count = len(out)
    if min_score is not None:
        if isinstance(min_score, bool) or not isinstance(min_score, numbers.Real):
            raise CRMDataError(f"{caller}: min_score must be a number, got {min_score!r}.")
        key = out["score"] >= min_score
        rule = {"min_score": float(min_score)}
    else:
        if n is None:
            top = 0.2 if top is None else top
            if isinstance(top, bool) or not isinstance(top, numbers.Real) or not 0 < top <= 1:
                fix = f" pass {top / 100:g}, not {top:g}." if isinstance(top, numbers.Real) \
                    and 1 < top <= 100 else ""
                raise CRMDataError(f"{caller}: top={top!r} must be a fraction in (0, 1];{fix}")
            n_key = math.ceil(round(top * count, 9))
            rule = {"top": float(top)}
        else:
            if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 0 <= n <= count:
                raise CRMDataError(
                    f"{caller}: n={n!r} must be a whole number between 0 and the number of "
                    f"accounts ({count})."
                )
            n_key = int(n)
            rule = {"n": n_key}
        key = out["rank"] <= n_key
    out["key_account"] = key.astype(bool)
    out["tier"] = pd.Series(np.where(key, KEY, ORDINARY), index=out.index, dtype="str")
    out.attrs = {**scored.attrs, "rule": rule}
    return out


@renamed_keywords(value="revenue")
def key_account_summary(
    flagged: pd.DataFrame,
    *,
    revenue: str = "revenue",
    profit: str = "profit",
    key: str = "key_account",
) -> pd.DataFrame:
    """Tabulate how many accounts, how much revenue and profit key accounts hold.

    Parameters
    ----------
    flagged : DataFrame
        One row per account with a boolean key-account column, e.g. the output of
        :func:`identify_key_accounts`.
    revenue, profit : str
        Revenue and profit columns (defaults ``"revenue"``, ``"profit"``).
        ``revenue=`` replaces ``value=``, which still works for one release with a
        ``FutureWarning``.
    key : str, default "key_account"
        Boolean column, True for key accounts.

    Returns
    -------
    DataFrame
        Rows ``关键客户``, ``普通客户``, ``total``; columns ``accounts``, ``revenue``,
        ``profit`` (sums) and ``account_share``, ``revenue_share``, ``profit_share``
        (fractions of the total; the two tiers add up to 1).

    Raises
    ------
    CRMDataError
        If a column is missing or of the wrong kind, or the table is empty.

    Notes
    -----
    Profit shares are fractions of *net* total profit. When ordinary accounts lose
    money overall, the key accounts' profit share is above 1 (the whale curve).
    With a total profit of 0 the profit shares are NaN.

    Examples
    --------
    >>> df = pd.DataFrame({"revenue": [60.0, 30, 10], "profit": [12.0, 0, -2],
    ...                    "key_account": [True, False, False]})
    >>> key_account_summary(df)
              accounts  revenue  profit  account_share  revenue_share  profit_share
    关键客户         1     60.0    12.0       0.333333            0.6           1.2
    普通客户         2     40.0    -2.0       0.666667            0.4          -0.2
    total            3    100.0    10.0       1.000000            1.0           1.0
    """
    caller = "key_account_summary"
    df = require(flagged, {revenue: "number", profit: "number", key: "bool"},
                 caller=caller, params={revenue: "revenue", profit: "profit", key: "key"})
    is_key = df[key].astype(bool)
    rows = {}
    for label, mask in ((KEY, is_key), (ORDINARY, ~is_key), ("total", is_key | ~is_key)):
        rows[label] = {"accounts": int(mask.sum()),
                       "revenue": float(df.loc[mask, revenue].sum()),
                       "profit": float(df.loc[mask, profit].sum())}
    out = pd.DataFrame.from_dict(rows, orient="index")
    tot = out.loc["total"]
    out["account_share"] = out["accounts"] / tot["accounts"]
    out["revenue_share"] = out["revenue"] / tot["revenue"] if tot["revenue"] != 0 else np.nan
    out["profit_share"] = out["profit"] / tot["profit"] if tot["profit"] != 0 else np.nan
    return out


# --------------------------------------------------------------------------- allocation
def _water_fill(potential: np.ndarray, total: float, h0: float) -> np.ndarray:
    """Hours maximising sum p (1 - exp(-h / h0)) subject to sum h = total, h >= 0."""
    hours = np.zeros(len(potential))
    pos = np.flatnonzero(potential > 0)
    if total == 0:
        return hours
    if len(pos) == 0:
        return np.full(len(potential), total / len(potential))
    logp = np.log(potential[pos])
    order = np.argsort(-logp, kind="stable")
    sorted_logp = logp[order]
    # active set = the k largest potentials; level c solves sum_k h0 (log p - c) = total
    for k in range(len(order), 0, -1):
        c = (sorted_logp[:k].sum() - total / h0) / k
        if sorted_logp[k - 1] > c:
            break
    h = h0 * np.maximum(logp - c, 0.0)
    if h.sum() > 0:
        hours[pos] = h * total / h.sum()  # remove rounding drift
    else:  # a total too small to register: the largest potential gets it
        hours[pos[order[0]]] = total
    return hours


@renamed_keywords(value="revenue")
def allocate_resources(
    accounts: pd.DataFrame,
    *,
    total_hours: float,
    policy: str = "equal",
    tier_weights: Mapping[str, float] | None = None,
    h0: float = 100.0,
    uplift_rate: float = 0.05,
    growth_scale: float = 10.0,
    revenue: str = "revenue",
    profit: str = "profit",
    growth: str = "growth_potential",
    score: str = "score",
    tier: str = "tier",
    hours: str = "resource_hours",
) -> pd.DataFrame:
    """Spread service hours over accounts by a policy and estimate the profit.

    Response model (deliberately simple, see Notes): an account's profit grows with
    the service hours it gets, with diminishing returns,
    ``uplift = potential * (1 - exp(-hours / h0))`` with
    ``potential = uplift_rate * revenue * growth_potential / growth_scale``.

    Parameters
    ----------
    accounts : DataFrame
        One row per account; for ``"by_tier"`` and ``"by_score"`` the output of
        :func:`identify_key_accounts` / :func:`scorecard`.
    total_hours : float
        Service hours to spread (per year); the same under every policy.
    policy : {"equal", "by_tier", "by_score", "optimal", "current"}, default "equal"
        ``"equal"``: every account gets ``total_hours / n``. ``"by_tier"``: hours
        per account proportional to ``tier_weights[tier]``. ``"by_score"``:
        proportional to the score. ``"optimal"``: the hours that maximise the total
        uplift under the response model (a benchmark; it uses the model's own
        potentials). ``"current"``: proportional to today's hours in column ``hours``.
    tier_weights : dict, optional
        Relative hours per account of each tier (policy ``"by_tier"``). Default
        ``{"关键客户": 3, "普通客户": 1}``: a key account gets three times the hours
        of an ordinary one. Pass your own for pyramid tiers, e.g.
        ``{"重要客户": 8, "次要客户": 4, "普通客户": 2, "小客户": 1}``.
    h0 : float, default 100.0
        Hours at which an account realises ``1 - 1/e`` (63%) of its potential.
    uplift_rate : float, default 0.05
        Largest profit uplift, as a fraction of revenue, of an account with the
        highest growth potential.
    growth_scale : float, default 10.0
        The top of the growth-potential scale (1-10 in the bundled data).
    revenue, profit, growth : str
        Revenue, profit and growth-potential columns. ``revenue=`` replaces
        ``value=``, which still works for one release with a ``FutureWarning``.
    score, tier, hours : str
        Score, tier and current-hours columns (only read by the policies that
        use them).

    Returns
    -------
    DataFrame
        Same index and order as ``accounts``: ``hours`` (allocated), ``potential``,
        ``uplift``, ``profit_before`` (the ``profit`` column) and ``profit_after``
        (``profit_before + uplift``), plus ``tier`` / ``score`` when the policy used
        them. ``attrs`` holds ``policy``, ``total_hours``, ``uplift`` (sum) and
        ``profit`` (sum of ``profit_after``).

    Raises
    ------
    CRMDataError
        If a needed column is missing or not numeric, the table is empty,
        ``total_hours`` is negative or not a number, ``policy`` is unknown, a tier
        has no weight, a weight, score, current hours, revenue or growth potential
        is negative, all proportional weights are 0, ``uplift_rate`` is not in
        [0, 1] or ``h0`` / ``growth_scale`` are not positive.

    See Also
    --------
    compare_policies : run several policies on the same hours and tabulate them.

    Notes
    -----
    The same total hours (and so the same service cost) are spread by every policy,
    so the policies differ only in the uplift they buy. ``profit_before`` is treated
    as the baseline before the service effect, identical across policies; what
    matters is the difference in uplift. The exponential response gives the first
    hours the most effect (``potential / h0`` per hour) and flattens out; with a
    large ``h0`` the response is nearly linear and concentrating hours pays, with a
    small ``h0`` accounts saturate and spreading pays. ``"optimal"`` equalises the
    marginal uplift ``potential / h0 * exp(-hours / h0)`` over the accounts that get
    hours (water-filling); no policy can beat it under this model.

    Examples
    --------
    >>> df = pd.DataFrame({"revenue": [1000.0, 1000.0], "profit": [50.0, 20.0],
    ...                    "growth_potential": [10, 5], "tier": ["关键客户", "普通客户"]})
    >>> eq = allocate_resources(df, total_hours=200, policy="equal", uplift_rate=0.1)
    >>> eq[["hours", "potential", "uplift", "profit_after"]].round(2)
       hours  potential  uplift  profit_after
    0  100.0      100.0   63.21        113.21
    1  100.0       50.0   31.61         51.61
    >>> tiered = allocate_resources(df, total_hours=200, policy="by_tier", uplift_rate=0.1)
    >>> tiered["hours"].tolist(), round(float(tiered["uplift"].sum()), 2)
    ([150.0, 50.0], 97.36)
    """
    caller = "allocate_resources"
    if policy not in POLICIES:
        raise CRMDataError(f"{caller}: policy={policy!r}; use one of {', '.join(POLICIES)}.")
    if isinstance(total_hours, bool) or not isinstance(total_hours, numbers.Real) \
            or not math.isfinite(total_hours) or total_hours < 0:
        raise CRMDataError(f"{caller}: total_hours={total_hours!r} must be a number >= 0.")
    for name, v in (("h0", h0), ("growth_scale", growth_scale)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not v > 0:
            raise CRMDataError(f"{caller}: {name}={v!r} must be a positive number.")
    if isinstance(uplift_rate, bool) or not isinstance(uplift_rate, numbers.Real) \
            or not 0 <= uplift_rate <= 1:
        fix = f" pass {uplift_rate / 100:g}, not {uplift_rate:g}." \
            if isinstance(uplift_rate, numbers.Real) and uplift_rate > 1 else ""
        raise CRMDataError(f"{caller}: uplift_rate={uplift_rate!r} must be a fraction in "
                           f"[0, 1];{fix}")
    columns = {revenue: "number", profit: "number", growth: "number"}
    params = {revenue: "revenue", profit: "profit", growth: "growth"}
    if policy == "by_tier":
        columns[tier], params[tier] = "any", "tier"
    elif policy == "by_score":
        columns[score], params[score] = "number", "score"
    elif policy == "current":
        columns[hours], params[hours] = "number", "hours"
    df = require(accounts, columns, caller=caller, params=params)
    for col in (revenue, growth) + ((score,) if policy == "by_score" else ()) + (
            (hours,) if policy == "current" else ()):
        bad = df[col] < 0
        if bad.any():
            raise CRMDataError(
                f"{caller}: column {col!r} has {bad.sum()} negative values in "
                f"{show_rows(df.index[bad], df.loc[bad, col])}; it must be >= 0."
            )
    potential = (uplift_rate * df[revenue] * df[growth] / growth_scale).to_numpy(dtype=float)
    n = len(df)
    out = pd.DataFrame(index=df.index)
    if policy == "equal":
        share = np.ones(n)
    elif policy == "by_tier":
        tw = {KEY: 3.0, ORDINARY: 1.0} if tier_weights is None else dict(tier_weights)
        labels = df[tier].astype("str")
        missing = ~labels.isin(list(tw))
        if missing.any():
            found = sorted(labels[missing].unique().tolist())
            raise CRMDataError(
                f"{caller}: tier(s) {', '.join(map(repr, found[:5]))} in column {tier!r} "
                f"({show_rows(df.index[missing])}) have no weight in tier_weights "
                f"{tw}; add them, e.g. tier_weights={{..., {found[0]!r}: 1}}."
            )
        for k, v in tw.items():
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or not v >= 0:
                raise CRMDataError(f"{caller}: tier weight {k!r}={v!r} must be a number >= 0.")
        share = labels.map(tw).to_numpy(dtype=float)
        out[tier] = df[tier]
    elif policy == "by_score":
        share = df[score].to_numpy(dtype=float)
        out[score] = df[score]
    elif policy == "current":
        share = df[hours].to_numpy(dtype=float)
    if policy == "optimal":
        alloc = _water_fill(potential, float(total_hours), float(h0))
    else:
        if share.sum() <= 0:
            raise CRMDataError(
                f"{caller}: policy {policy!r} gives every account a weight of 0, so the "
                f"hours cannot be spread; check the {policy[3:] or policy} column or weights."
            )
        alloc = total_hours * share / share.sum()
    uplift = potential * (1 - np.exp(-alloc / h0))
    out["hours"] = alloc
    out["potential"] = potential
    out["uplift"] = uplift
    out["profit_before"] = df[profit].to_numpy(dtype=float)
    out["profit_after"] = out["profit_before"] + uplift
    out.attrs = {"policy": policy, "total_hours": float(total_hours)}  # the settings used
    return out


@renamed_keywords(value="revenue")
def compare_policies(
    accounts: pd.DataFrame,
    *,
    total_hours: float,
    policies: Sequence[str] = ("equal", "by_tier", "by_score", "optimal"),
    key: str = "key_account",
    **kwargs,
) -> pd.DataFrame:
    """Run several allocation policies on the same hours and compare their profit.

    Parameters
    ----------
    accounts : DataFrame
        As for :func:`allocate_resources` (usually the output of
        :func:`identify_key_accounts`).
    total_hours : float
        Service hours spread by every policy.
    policies : sequence of str, default ("equal", "by_tier", "by_score", "optimal")
        Policies to run, in the order of the result rows.
    key : str, default "key_account"
        Boolean key-account column; if present, the share of hours key accounts
        get is reported. Ignored when absent.
    **kwargs
        Passed to :func:`allocate_resources` (``h0``, ``uplift_rate``, column names;
        ``value=`` still works for one release as ``revenue=``, with a
        ``FutureWarning``).

    Returns
    -------
    DataFrame
        Index ``policy``; columns ``total_hours``, ``uplift``, ``profit`` (sum of
        ``profit_after``), ``uplift_vs_equal`` (uplift minus that of equal service,
        NaN if ``"equal"`` was not run) and ``key_hours_share`` (when ``key`` exists).

    Raises
    ------
    CRMDataError
        As :func:`allocate_resources`, or if ``policies`` is empty.

    Examples
    --------
    >>> df = pd.DataFrame({"revenue": [1000.0, 1000.0], "profit": [50.0, 20.0],
    ...                    "growth_potential": [10, 5], "tier": ["关键客户", "普通客户"],
    ...                    "key_account": [True, False]})
    >>> compare_policies(df, total_hours=200, policies=["equal", "by_tier"],
    ...                  uplift_rate=0.1).round(2)
             total_hours  uplift  profit  uplift_vs_equal  key_hours_share
    policy
    equal          200.0   94.82  164.82             0.00             0.50
    by_tier        200.0   97.36  167.36             2.54             0.75
    """
    if isinstance(policies, str) or len(policies) == 0:
        raise CRMDataError("compare_policies: give a list of policies, e.g. "
                           "['equal', 'by_tier'].")
    rows = {}
    has_key = isinstance(accounts, pd.DataFrame) and key in accounts.columns
    for p in policies:
        res = allocate_resources(accounts, total_hours=total_hours, policy=p, **kwargs)
        row = {"total_hours": float(res["hours"].sum()), "uplift": float(res["uplift"].sum()),
               "profit": float(res["profit_after"].sum())}
        if has_key:
            mask = accounts[key].astype(bool).to_numpy()
            total = res["hours"].sum()
            row["key_hours_share"] = float(res["hours"][mask].sum() / total) if total else np.nan
        rows[p] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "policy"
    base = out.loc["equal", "uplift"] if "equal" in out.index else np.nan
    out.insert(3, "uplift_vs_equal", out["uplift"] - base)
    return out


# --------------------------------------------------------------------------- upgrades
def _rank_tiers(values: pd.Series, fractions, labels) -> pd.Series:
    """Split by rank as crmlab.pyramid.pyramid_tiers does: largest value first, ties by
    index label then position; rank r is in the first tier with r <= ceil(cum share * n)."""
    x = values.to_numpy(dtype=float)
    n = len(x)
    pos = np.arange(n)
    try:
        label_rank = np.empty(n, dtype=np.int64)
        label_rank[pd.Index(values.index).argsort(kind="stable")] = pos
    except TypeError:  # unsortable mixed labels: keep input order
        label_rank = pos
    order = np.lexsort((pos, label_rank, -x))
    bounds = np.array([math.ceil(round(c * n, 6)) for c in np.cumsum(fractions)])
    bounds[-1] = n
    tier_sorted = np.searchsorted(bounds, np.arange(1, n + 1), side="left")
    out = np.empty(n, dtype=object)
    out[order] = np.asarray(labels, dtype=object)[tier_sorted]
    return pd.Series(out, index=values.index, dtype="str")


@renamed_keywords(order="tier_order")
def upgrade_potential(
    values: pd.Series,
    tiers: pd.Series | None = None,
    *,
    tier_order: Sequence[str] | None = None,
    close: float = 0.1,
) -> pd.DataFrame:
    """Measure how far each customer is from the next tier up of the customer pyramid.

    Parameters
    ----------
    values : Series
        One value per customer (e.g. total spend or profit), indexed by customer.
    tiers : Series, optional
        Each customer's tier, same index as ``values`` (e.g.
        ``crmlab.pyramid.pyramid_tiers(values)``). By default the 苏朝晖 pyramid is
        built here by rank exactly as ``pyramid_tiers(values, "su")`` does: top 1%
        重要客户, next 19% 次要客户, next 30% 普通客户, the rest 小客户.
    tier_order : sequence of str, optional
        Tier labels from the top tier down. By default the categories of a
        categorical ``tiers`` (top tier first, as :func:`crmlab.pyramid.pyramid_tiers`
        returns them), else the order of the known scheme (su, curry, zeithaml) the
        labels belong to. Replaces ``order=``, which still works for one release with
        a ``FutureWarning``.
    close : float, default 0.1
        A customer is *close* to the next tier when the gap is at most this fraction
        of the threshold (10%: spend 10% of the threshold more and you move up).

    Returns
    -------
    DataFrame
        Index as ``values``: ``value``, ``tier``, ``next_tier`` (the nearest
        non-empty tier above; both ordered categoricals with the tiers top first, as
        :func:`crmlab.pyramid.pyramid_tiers` returns them, so ``groupby("tier")``
        lists them in pyramid order), ``threshold`` (the lowest value in that tier),
        ``gap`` (``max(threshold - value, 0)``), ``gap_share`` (gap / threshold)
        and ``close`` (bool). Customers of the top tier have NaN / missing
        ``next_tier``, ``threshold``, ``gap`` and ``close=False``.

    Raises
    ------
    CRMDataError
        If ``values`` is not a numeric Series without missing values, is empty,
        ``tiers`` does not match its index, a tier is not in ``tier_order``, the labels
        are unknown and no ``tier_order`` is given, or ``close`` is not in [0, 1].

    Notes
    -----
    The threshold is the entry point of the next tier *as it is today*: the value of
    its lowest customer. Tiers defined by shares have fixed sizes: when one customer
    moves up, the lowest customer of that tier drops down, so the gaps describe each
    customer alone, not everyone moving at once. The default split follows
    :func:`crmlab.pyramid.pyramid_tiers`: customers ranked by value (ties by index
    label, then position), rank ``r`` in the first tier with ``r <= ceil(c * n)`` for
    the cumulative shares ``c`` = 0.01, 0.20, 0.50, 1. ``gap_share`` is NaN when the
    threshold is not positive.

    Examples
    --------
    >>> spend = pd.Series([500.0, 90, 80, 40, 10], index=list("abcde"))
    >>> tiers = pd.Series(["重要客户", "次要客户", "普通客户", "普通客户", "小客户"],
    ...                   index=spend.index)
    >>> upgrade_potential(spend, tiers, close=0.2)
       value  tier next_tier  threshold    gap  gap_share  close
    a  500.0  重要客户       NaN        NaN    NaN        NaN  False
    b   90.0  次要客户      重要客户      500.0  410.0     0.8200  False
    c   80.0  普通客户      次要客户       90.0   10.0     0.1111   True
    d   40.0  普通客户      次要客户       90.0   50.0     0.5556  False
    e   10.0   小客户      普通客户       40.0   30.0     0.7500  False
    """
    caller = "upgrade_potential"
    if not isinstance(values, pd.Series):
        raise CRMDataError(
            f"{caller}: values must be a pandas Series (one value per customer, indexed "
            f"by customer), got {type(values).__name__}; e.g. df.groupby('customer_id')"
            f"['amount'].sum()."
        )
    df = require(values.rename("value").to_frame(), {"value": "number"}, caller=caller)
    if isinstance(close, bool) or not isinstance(close, numbers.Real) or not 0 <= close <= 1:
        raise CRMDataError(f"{caller}: close={close!r} must be a fraction in [0, 1].")
    order = tier_order
    if tiers is None:
        order = tuple(_SU["names"][_SU["language"]])
        labels = _rank_tiers(df["value"], _SU_FRACTIONS, order)
    else:
        if not isinstance(tiers, pd.Series) or not tiers.index.equals(values.index):
            raise CRMDataError(
                f"{caller}: tiers must be a Series with the same index as values; "
                f"align it first, e.g. tiers.reindex(values.index)."
            )
        labels = tiers.astype("str")
        if labels.isna().any():
            bad = labels.isna()
            raise CRMDataError(f"{caller}: tiers has {bad.sum()} missing labels in "
                               f"{show_rows(labels.index[bad])}.")
        found = set(labels.unique())
        if order is None and isinstance(tiers.dtype, pd.CategoricalDtype):
            order = list(tiers.cat.categories)
        if order is None:
            order = next((o for o in _TIER_ORDERS if found <= set(o)), None)
            if order is None:
                raise CRMDataError(
                    f"{caller}: tier labels {sorted(found)[:5]} are not a known scheme; "
                    f"pass tier_order=[...] from the top tier down."
                )
        order = [str(o) for o in order]
        unknown = ~labels.isin(order)
        if unknown.any():
            raise CRMDataError(
                f"{caller}: tiers not in tier_order={order}: "
                f"{show_rows(labels.index[unknown], labels[unknown])}."
            )
    level = labels.map({t: k for k, t in enumerate(order)}).to_numpy(dtype=int)
    v = df["value"].to_numpy(dtype=float)
    minima = {k: v[level == k].min() for k in np.unique(level)}
    present = sorted(minima)
    nxt = np.full(len(v), -1)
    for k in present:
        above = [j for j in present if j < k]
        if above:
            nxt[level == k] = above[-1]
    has = nxt >= 0
    threshold = np.where(has, [minima.get(j, np.nan) for j in nxt], np.nan)
    gap = np.where(has, np.maximum(threshold - v, 0.0), np.nan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        gap_share = np.where(has & (threshold > 0), gap / threshold, np.nan)
    out = pd.DataFrame(index=values.index)
    out["value"] = v
    tier_type = pd.CategoricalDtype(list(order), ordered=True)
    out["tier"] = pd.Categorical(labels.to_numpy(), dtype=tier_type)
    out["next_tier"] = pd.Categorical(
        np.where(has, np.asarray(order, dtype=object)[nxt], None), dtype=tier_type)
    out["threshold"] = threshold
    out["gap"] = gap
    out["gap_share"] = gap_share
    out["close"] = has & (gap <= close * np.where(has, threshold, 0.0))
    return out
