"""Management bias (管理层偏见): auditing managers' priorities against an objective scorecard.

Account managers tend to favour long-standing, friendly or simply large accounts,
not the profitable or promising ones. This module makes the comparison explicit:

* :func:`objective_scorecard` scores accounts on the objective criteria the textbook
  names: sales (销售额), profit margin (利润率) and cooperation potential (合作潜力);
* :func:`priority_audit` puts the manager's priority beside the objective rank and
  flags over-served and under-served accounts, with the Spearman rank correlation
  between the two and the service hours and profit involved;
* :func:`priority_drivers` shows what the manager's priority does follow (tenure,
  relationship, revenue) and what it does not (profit, potential);
* :func:`audit_summary` totals accounts, hours and profit per audit status;
* :func:`fair_allocation` re-spreads the same service hours by objective score (or
  by tier) and estimates the effect with the response model of
  :func:`crmlab.key_accounts.allocate_resources`.

Every function takes a table plus column names as keywords, returns a new frame and
never modifies its input. scipy is imported inside the functions that need it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.scoring import rank_desc, score_table, unique_ids
from crmlab.validation import expect_output, renamed_keywords, require, show_rows

__all__ = [
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "STATUSES",
    "objective_scorecard",
    "priority_audit",
    "priority_drivers",
    "audit_summary",
    "audit_totals",
    "fair_allocation",
    "allocation_totals",
]

#: The three objective criteria, in display order (the keys of ``weights``): sales (the
#: ``revenue`` column), profit margin (the ``gross_margin`` column) and cooperation
#: potential (the ``potential`` column).
CRITERIA = ("sales", "margin", "potential")
#: Default weights: sales, profit margin and cooperation potential count equally.
DEFAULT_WEIGHTS = {"sales": 1 / 3, "margin": 1 / 3, "potential": 1 / 3}
#: Audit statuses written by :func:`priority_audit`.
STATUSES = ("over-served", "aligned", "under-served")


# --------------------------------------------------------------------------- helpers
def _fraction(value, name: str, caller: str, *, closed_low: bool = False) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) \
        and math.isfinite(value) and (0 <= value if closed_low else 0 < value) and value < 1
    if not ok:
        fix = f" pass {value / 100:g}, not {value:g}." if isinstance(value, numbers.Real) \
            and not isinstance(value, bool) and 1 <= value <= 100 else ""
        interval = "[0, 1)" if closed_low else "(0, 1)"
        raise CRMDataError(f"{caller}: {name}={value!r} must be a fraction in {interval};{fix}")
    return float(value)


def _spearman(a, b) -> float:
    """Spearman's rho (scipy), NaN when a variable is constant or n < 3."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    from scipy.stats import spearmanr

    return float(spearmanr(a, b).statistic)


# --------------------------------------------------------------------------- scorecard
@renamed_keywords(sales="revenue", margin="gross_margin")
def objective_scorecard(
    accounts: pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    normalize: str = "rank",
    revenue: str = "revenue",
    gross_margin: str = "gross_margin",
    potential: str = "growth_potential",
    account: str = "account_id",
) -> pd.DataFrame:
    """Score accounts 0-100 on sales, profit margin and cooperation potential.

    Parameters
    ----------
    accounts : DataFrame
        One row per account.
    weights : dict, optional
        Weight of each criterion, keys ``"sales"`` (the ``revenue`` column),
        ``"margin"`` (the ``gross_margin`` column) and ``"potential"``; missing keys
        weigh 0; weights >= 0, normalised to sum to 1. Default: equal weights (1/3
        each).
    normalize : {"rank", "minmax"}, default "rank"
        How each criterion is mapped to 0-100 (see Notes).
    revenue, gross_margin, potential : str
        Columns of sales (销售额, default ``"revenue"``), profit margin (利润率, a
        rate, default ``"gross_margin"``) and cooperation potential (合作潜力,
        ``"growth_potential"``). ``revenue=`` and ``gross_margin=`` replace
        ``sales=`` and ``margin=``, which still work for one release with a
        ``FutureWarning``.
    account : str, default "account_id"
        Account id column; it becomes the index.

    Returns
    -------
    DataFrame
        Indexed by account, sorted by rank: the three raw criteria, ``sales_score``,
        ``margin_score``, ``potential_score`` (0-100), ``score`` (weighted, 0-100) and
        ``rank`` (1 = best, a permutation of 1..n). ``attrs`` holds ``weights``
        (normalised), ``columns`` and ``normalize``.

    Raises
    ------
    CRMDataError
        If a column is missing, not numeric or has missing values, the table is
        empty, account ids repeat, a weight is negative, unknown or not a number,
        all weights are 0, or ``normalize`` is unknown.

    See Also
    --------
    crmlab.key_accounts.scorecard : the four-criterion scorecard of chapter 05.

    Notes
    -----
    ``"rank"`` (default): percentile rank ``100 * (rank - 1) / (n - 1)``, ties
    sharing their average rank. Revenue is heavy-tailed, so min-max scaling would
    squeeze most accounts near 0; ranks also match the audit, which compares ranks
    (Spearman). ``"minmax"``: ``100 * (x - min) / (max - min)``. A constant
    criterion scores 50 for everyone. Equal scores (to 9 decimals) are ranked by
    account id. Profit itself is not a criterion: it is sales times margin minus the
    cost to serve, and the cost to serve follows the hours the manager chose to
    spend, which is what the audit questions.

    Examples
    --------
    >>> df = pd.DataFrame({"account_id": ["a", "b", "c"],
    ...                    "revenue": [100.0, 300.0, 200.0],
    ...                    "gross_margin": [0.3, 0.1, 0.2], "growth_potential": [8, 2, 5]})
    >>> objective_scorecard(df)[["sales_score", "margin_score", "potential_score",
    ...                          "score", "rank"]].round(1)
                sales_score  margin_score  potential_score  score  rank
    account_id
    a                   0.0         100.0            100.0   66.7     1
    c                  50.0          50.0             50.0   50.0     2
    b                 100.0           0.0              0.0   33.3     3
    """
    cols = {"sales": revenue, "margin": gross_margin, "potential": potential}
    params = {account: "account", revenue: "revenue", gross_margin: "gross_margin",
              potential: "potential"}
    return score_table(accounts, cols, weights=weights, defaults=DEFAULT_WEIGHTS,
                        normalize=normalize, account=account, params=params,
                        caller="objective_scorecard")


# --------------------------------------------------------------------------- audit
@renamed_keywords(sales="revenue", margin="gross_margin")
def priority_audit(
    accounts: pd.DataFrame,
    *,
    priority: str = "manager_priority",
    hours: str = "resource_hours",
    profit: str = "profit",
    score: str | None = None,
    weights: Mapping[str, float] | None = None,
    threshold: float = 0.25,
    keep: Sequence[str] = (),
    normalize: str = "rank",
    revenue: str = "revenue",
    gross_margin: str = "gross_margin",
    potential: str = "growth_potential",
    account: str = "account_id",
) -> pd.DataFrame:
    """Compare the manager's priority with the objective rank and flag misallocation.

    Parameters
    ----------
    accounts : DataFrame
        One row per account.
    priority : str, default "manager_priority"
        The manager's ranking, 1 = highest priority (ties allowed).
    hours : str, default "resource_hours"
        Service hours per account.
    profit : str, default "profit"
        Profit per account (reported, not scored).
    score : str, optional
        A column holding your own objective score (higher = better). Default: the
        :func:`objective_scorecard` score with ``weights`` and ``normalize``.
    weights : dict, optional
        Scorecard weights (``score=None`` only); default equal.
    threshold : float, default 0.25
        How far apart the two ranks must be, as a fraction of the number of
        accounts, to flag an account (0.25: a quarter of the list).
    keep : sequence of str, default ()
        Further columns copied into the result (e.g. ``["tenure_years",
        "relationship"]``) for :func:`audit_summary`.
    normalize, revenue, gross_margin, potential, account
        As for :func:`objective_scorecard` (``sales=`` and ``margin=`` still work for
        one release as ``revenue=`` and ``gross_margin=``, with a ``FutureWarning``).

    Returns
    -------
    DataFrame
        Indexed by account, sorted by objective rank: ``score``, ``objective_rank``,
        ``manager_rank``, ``rank_gap`` (objective rank - manager rank: positive when
        the manager ranks the account higher than its score does), ``status``
        (``"over-served"`` when ``rank_gap > threshold * n``, ``"under-served"`` when
        ``rank_gap < -threshold * n``, else ``"aligned"``), ``hours``, ``profit`` and
        the ``keep`` columns. ``attrs`` holds the settings used (``threshold``,
        ``weights``); :func:`audit_totals` sums the audit up (agreement, hours and profit
        per status).

    Raises
    ------
    CRMDataError
        If a column is missing or not numeric, the table is empty, ids repeat, a
        priority is not positive, hours are negative, ``threshold`` is not a fraction
        in (0, 1) (a percentage such as 25 is refused with the fix), or as
        :func:`objective_scorecard`.

    See Also
    --------
    priority_drivers : what the manager's priority follows.
    audit_summary : accounts, hours and profit per status.

    Notes
    -----
    ``manager_rank`` is the priority re-ranked to 1..n (average ranks for ties), so
    it equals ``priority`` when that is already a permutation of 1..n. The Spearman
    correlation (``scipy.stats.spearmanr``) is +1 when the manager orders accounts
    exactly as the scorecard does, 0 when unrelated, -1 when reversed; NaN with
    fewer than 3 accounts or a constant ranking.

    Examples
    --------
    >>> df = pd.DataFrame({"account_id": list("abcde"),
    ...                    "revenue": [5.0, 4, 3, 2, 1], "gross_margin": [0.5, 0.4, 0.3, 0.2, 0.1],
    ...                    "growth_potential": [5, 4, 3, 2, 1],
    ...                    "manager_priority": [5, 4, 3, 1, 2],
    ...                    "resource_hours": [10.0, 20, 30, 50, 40],
    ...                    "profit": [50.0, 30, 10, -5, -10]})
    >>> audit = priority_audit(df)
    >>> audit[["objective_rank", "manager_rank", "rank_gap", "status"]]
                objective_rank  manager_rank  rank_gap        status
    account_id
    a                        1           5.0      -4.0  under-served
    b                        2           4.0      -2.0  under-served
    c                        3           3.0       0.0       aligned
    d                        4           1.0       3.0   over-served
    e                        5           2.0       3.0   over-served
    >>> totals = audit_totals(audit)
    >>> totals["spearman"], totals["hours_over_served"]
    (-0.9, 90.0)
    """
    caller = "priority_audit"
    thr = _fraction(threshold, "threshold", caller)
    keep = [keep] if isinstance(keep, str) else list(keep)
    cols = {account: "id", priority: "number", hours: "number", profit: "number"}
    params = {account: "account", priority: "priority", hours: "hours", profit: "profit"}
    if score is not None:
        cols[score], params[score] = "number", "score"
    for k in keep:
        cols.setdefault(k, "any")
    df = require(accounts, cols, caller=caller, params=params)
    unique_ids(df, account, caller)
    for col, what in ((priority, "a rank >= 1 (1 = highest priority)"), (hours, ">= 0")):
        bad = df[col] < 1 if col == priority else df[col] < 0
        if bad.any():
            raise CRMDataError(
                f"{caller}: column {col!r} must be {what}; {int(bad.sum())} values are not, "
                f"in {show_rows(df.index[bad], df.loc[bad, col])}.")
    base = df.set_index(account)
    if score is None:
        sc = objective_scorecard(accounts, weights=weights, normalize=normalize,
                                 revenue=revenue, gross_margin=gross_margin,
                                 potential=potential, account=account)
        objective = sc["score"].reindex(base.index)
        weights_used = sc.attrs["weights"]
    else:
        objective = base[score].astype(float)
        weights_used = None
    n = len(base)
    out = pd.DataFrame(index=base.index)
    out["score"] = objective
    out["objective_rank"] = rank_desc(objective)
    out["manager_rank"] = base[priority].rank(method="average").astype(float)
    out["rank_gap"] = out["objective_rank"] - out["manager_rank"]
    cut = thr * n
    status = np.where(out["rank_gap"] > cut, STATUSES[0],
                      np.where(out["rank_gap"] < -cut, STATUSES[2], STATUSES[1]))
    out["status"] = pd.Categorical(status, categories=list(STATUSES))
    out["hours"] = base[hours].astype(float)
    out["profit"] = base[profit].astype(float)
    for k in keep:
        if k not in out.columns:
            out[k] = base[k]
    out = out.sort_values("objective_rank", kind="stable")
    out.attrs = {"threshold": thr, "weights": weights_used}  # provenance: the settings used
    return out


def audit_totals(audit: pd.DataFrame) -> dict:
    """Sum up an audit: agreement of manager and score, and the hours and profit per status.

    Parameters
    ----------
    audit : DataFrame
        Output of :func:`priority_audit`.

    Returns
    -------
    dict
        ``spearman`` (rank correlation of manager and objective ranks), ``threshold``,
        ``accounts``, ``over_served`` / ``aligned`` / ``under_served`` (counts),
        ``hours_total``, ``hours_over_served``, ``hours_over_served_share``,
        ``profit_over_served``, ``loss_making_over_served`` (over-served accounts with
        profit < 0), ``hours_under_served`` and ``profit_under_served``.

    Raises
    ------
    CRMDataError
        If ``audit`` is not the output of :func:`priority_audit`.

    Examples
    --------
    >>> df = pd.DataFrame({"account_id": ["a", "b", "c", "d"],
    ...                    "revenue": [100.0, 80, 60, 40], "gross_margin": [0.3, 0.3, 0.3, 0.3],
    ...                    "growth_potential": [5, 4, 3, 2], "manager_priority": [4, 3, 2, 1],
    ...                    "resource_hours": [10.0, 20, 30, 40], "profit": [20.0, 10, 5, -5]})
    >>> totals = audit_totals(priority_audit(df))
    >>> totals["spearman"], totals["over_served"], totals["hours_over_served"]
    (-1.0, 1, 40.0)
    """
    expect_output(audit, ["status", "hours", "profit", "manager_rank", "objective_rank"],
                  producer="priority_audit(accounts)", caller="audit_totals")
    over, under = audit["status"] == STATUSES[0], audit["status"] == STATUSES[2]
    total_hours = float(audit["hours"].sum())
    return {
        "spearman": _spearman(audit["manager_rank"], audit["objective_rank"]),
        "threshold": audit.attrs.get("threshold"),
        "accounts": len(audit),
        "over_served": int(over.sum()),
        "aligned": int((audit["status"] == STATUSES[1]).sum()),
        "under_served": int(under.sum()),
        "hours_total": total_hours,
        "hours_over_served": float(audit.loc[over, "hours"].sum()),
        "hours_over_served_share": float(audit.loc[over, "hours"].sum() / total_hours)
        if total_hours > 0 else float("nan"),
        "profit_over_served": float(audit.loc[over, "profit"].sum()),
        "loss_making_over_served": int((over & (audit["profit"] < 0)).sum()),
        "hours_under_served": float(audit.loc[under, "hours"].sum()),
        "profit_under_served": float(audit.loc[under, "profit"].sum()),
    }


def priority_drivers(
    accounts: pd.DataFrame,
    *,
    priority: str = "manager_priority",
    attributes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Measure what the manager's priority follows: Spearman correlation per attribute.

    Parameters
    ----------
    accounts : DataFrame
        One row per account.
    priority : str, default "manager_priority"
        The manager's ranking, 1 = highest priority.
    attributes : list of str, optional
        Numeric columns to correlate with the priority. Default: every numeric
        column except ``priority`` itself.

    Returns
    -------
    DataFrame
        Index ``attribute``, sorted from the strongest positive link down:
        ``spearman`` (rank correlation between the manager's *preference*, i.e. the
        reversed priority, and the attribute: positive = the manager favours
        accounts with high values) and ``p_value`` (scipy's test of no correlation).

    Raises
    ------
    CRMDataError
        If a column is missing or not numeric, the table is empty or no attribute
        is left.

    Notes
    -----
    Preference = ``-priority``, so a positive correlation with ``profit`` would
    mean that the manager puts profitable accounts first. A constant attribute, or
    fewer than 3 accounts, gives NaN.

    Examples
    --------
    >>> df = pd.DataFrame({"manager_priority": [1, 2, 3, 4, 5],
    ...                    "tenure_years": [12, 9, 5, 3, 1],
    ...                    "profit": [-5.0, 20, 10, 40, 30]})
    >>> priority_drivers(df)
                  spearman  p_value
    attribute
    tenure_years       1.0   0.0000
    profit            -0.8   0.1041
    """
    caller = "priority_drivers"
    if not isinstance(accounts, pd.DataFrame):
        raise CRMDataError(f"{caller}: expected a DataFrame of accounts, got "
                           f"{type(accounts).__name__}.")
    if attributes is None:
        attributes = [c for c in accounts.columns if c != priority
                      and pd.api.types.is_numeric_dtype(accounts[c])
                      and not pd.api.types.is_bool_dtype(accounts[c])]
    elif isinstance(attributes, str):
        attributes = [attributes]
    attributes = list(attributes)
    if not attributes:
        raise CRMDataError(f"{caller}: no numeric attribute to correlate with {priority!r}; "
                           f"pass attributes=[...].")
    df = require(accounts, {priority: "number", **dict.fromkeys(attributes, "number")},
                        caller=caller, params={priority: "priority"})
    from scipy.stats import spearmanr

    pref = -df[priority].to_numpy(dtype=float)
    rows = {}
    for a in attributes:
        x = df[a].to_numpy(dtype=float)
        if len(x) < 3 or np.ptp(x) == 0 or np.ptp(pref) == 0:
            rows[a] = {"spearman": float("nan"), "p_value": float("nan")}
        else:
            res = spearmanr(pref, x)
            rows[a] = {"spearman": float(res.statistic), "p_value": float(res.pvalue)}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "attribute"
    out = out.sort_values("spearman", ascending=False, kind="stable", na_position="last")
    return out.round({"p_value": 4})


def audit_summary(audit: pd.DataFrame) -> pd.DataFrame:
    """Total accounts, hours and profit per audit status, with averages of the rest.

    Parameters
    ----------
    audit : DataFrame
        Output of :func:`priority_audit`.

    Returns
    -------
    DataFrame
        One row per status (``over-served``, ``aligned``, ``under-served``) and
        ``all``: ``accounts``, ``hours`` (sum), ``hours_share``, ``hours_per_account``,
        ``profit`` (sum), ``loss_making`` (accounts with profit < 0), ``score``
        (mean) and the mean of every numeric ``keep`` column.

    Raises
    ------
    CRMDataError
        If ``audit`` is not the output of :func:`priority_audit`.

    Examples
    --------
    >>> audit = pd.DataFrame({"score": [90.0, 50, 10], "status": ["under-served",
    ...                       "aligned", "over-served"], "hours": [10.0, 30, 60],
    ...                       "profit": [100.0, 20, -30]})
    >>> audit_summary(audit)[["accounts", "hours", "hours_share", "profit", "loss_making"]]
                  accounts  hours  hours_share  profit  loss_making
    status
    over-served          1   60.0          0.6   -30.0            1
    aligned              1   30.0          0.3    20.0            0
    under-served         1   10.0          0.1   100.0            0
    all                  3  100.0          1.0    90.0            1
    """
    caller = "audit_summary"
    expect_output(audit, ["score", "status", "hours", "profit"],
                  producer="priority_audit(accounts)", caller=caller)
    if len(audit) == 0:
        raise CRMDataError(f"{caller}: the audit has no rows.")
    skip = {"status", "hours", "profit", "objective_rank", "manager_rank", "rank_gap"}
    means = [c for c in audit.columns if c not in skip
             and pd.api.types.is_numeric_dtype(audit[c]) and not pd.api.types.is_bool_dtype(
                 audit[c])]
    total_hours = float(audit["hours"].sum())
    status = audit["status"].astype("str")

    def row(part):
        r = {"accounts": len(part), "hours": float(part["hours"].sum()),
             "hours_share": float(part["hours"].sum() / total_hours) if total_hours else np.nan,
             "hours_per_account": float(part["hours"].mean()) if len(part) else np.nan,
             "profit": float(part["profit"].sum()), "loss_making": int((part["profit"] < 0).sum())}
        r.update({c: float(part[c].mean()) if len(part) else np.nan for c in means})
        return r

    rows = {s: row(audit[status == s]) for s in STATUSES}
    rows["all"] = row(audit)
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "status"
    return out


# --------------------------------------------------------------------------- allocation
@renamed_keywords(sales="revenue", margin="gross_margin")
def fair_allocation(
    accounts: pd.DataFrame,
    *,
    total_hours: float | None = None,
    by: str = "score",
    min_hours: float = 0.0,
    top: float = 0.2,
    tier_weights: Mapping[str, float] | None = None,
    weights: Mapping[str, float] | None = None,
    score: str | None = None,
    hours: str = "resource_hours",
    profit: str = "profit",
    h0: float = 100.0,
    uplift_rate: float = 0.05,
    growth_scale: float = 10.0,
    normalize: str = "rank",
    revenue: str = "revenue",
    gross_margin: str = "gross_margin",
    potential: str = "growth_potential",
    account: str = "account_id",
) -> pd.DataFrame:
    """Re-spread the same service hours by objective merit and estimate what changes.

    Parameters
    ----------
    accounts : DataFrame
        One row per account with today's ``hours``.
    total_hours : float, optional
        Hours to spread; default the sum of today's hours (same cost).
    by : {"score", "tier", "equal"}, default "score"
        ``"score"``: beyond ``min_hours``, hours in proportion to the objective
        score. ``"tier"``: the top ``top`` fraction by objective rank are key
        accounts (关键客户) and get ``tier_weights`` times the hours of the others.
        ``"equal"``: the same for everyone.
    min_hours : float, default 0.0
        Basic service every account keeps; the rest is spread by ``by``.
    top : float, default 0.2
        Fraction of accounts that are key accounts (``by="tier"``).
    tier_weights : dict, optional
        Relative hours per account of each tier (``by="tier"``), default
        ``{"关键客户": 3, "普通客户": 1}``.
    weights : dict, optional
        Scorecard weights, as for :func:`objective_scorecard`.
    score : str, optional
        Use this column as the objective score instead of the scorecard.
    hours, profit : str
        Today's service hours and profit per account.
    h0, uplift_rate, growth_scale : float
        The response model of :func:`crmlab.key_accounts.allocate_resources` (see
        Notes).
    normalize, revenue, gross_margin, potential, account
        As for :func:`objective_scorecard`; ``revenue`` and ``potential`` also feed
        the response model (``sales=`` and ``margin=`` still work for one release as
        ``revenue=`` and ``gross_margin=``, with a ``FutureWarning``).

    Returns
    -------
    DataFrame
        Indexed by account, sorted by objective rank: ``score``, ``rank``, ``tier``
        (``by="tier"``), ``current_hours``, ``fair_hours``, ``change``
        (fair - current), ``uplift_current`` and ``uplift_fair`` (modelled profit
        uplift of the hours). ``attrs`` holds the settings used (``by``,
        ``total_hours``); :func:`allocation_totals` sums it up (hours moved, accounts
        that gain or lose, the uplift).

    Raises
    ------
    CRMDataError
        If a column is missing or not numeric, hours are negative, ``total_hours``
        is negative or smaller than ``min_hours`` times the number of accounts,
        ``by`` is unknown, ``top`` is not a fraction, or as
        :func:`objective_scorecard` and :func:`crmlab.key_accounts.allocate_resources`.

    Notes
    -----
    Hours per account: ``min_hours + (total_hours - n * min_hours) * s_i / sum(s)``
    with ``s_i`` the score, the tier weight, or 1. Without ``min_hours`` the worst
    account (score 0) gets no hours. Response model (chapter 05): an account's
    profit grows with its hours with diminishing returns, ``uplift = potential *
    (1 - exp(-hours / h0))``, ``potential = uplift_rate * revenue * potential_score /
    growth_scale`` (here ``potential_score`` is the raw ``potential`` column, 1-10).
    The total hours, and so their cost, are the same before and after, so
    ``uplift_change`` is the modelled gain from moving hours. It is a what-if under
    a simple model, not a forecast.

    Examples
    --------
    >>> df = pd.DataFrame({"account_id": ["a", "b", "c"], "revenue": [100.0, 300.0, 200.0],
    ...                    "gross_margin": [0.3, 0.1, 0.2], "growth_potential": [8, 2, 5],
    ...                    "resource_hours": [10.0, 80.0, 30.0], "profit": [20.0, 5.0, 30.0]})
    >>> fair = fair_allocation(df)
    >>> fair[["score", "current_hours", "fair_hours", "change"]].round(1)
                score  current_hours  fair_hours  change
    account_id
    a            66.7           10.0        53.3    43.3
    c            50.0           30.0        40.0    10.0
    b            33.3           80.0        26.7   -53.3
    >>> round(allocation_totals(fair)["hours_moved"], 1), round(float(fair["fair_hours"].sum()), 6)
    (53.3, 120.0)
    """
    caller = "fair_allocation"
    if by not in ("score", "tier", "equal"):
        raise CRMDataError(f"{caller}: by={by!r}; use 'score', 'tier' or 'equal'.")
    cols = {account: "id", hours: "number", profit: "number", revenue: "number",
            potential: "number"}
    params = {account: "account", hours: "hours", profit: "profit", revenue: "revenue",
              potential: "potential"}
    if score is not None:
        cols[score], params[score] = "number", "score"
    df = require(accounts, cols, caller=caller, params=params)
    unique_ids(df, account, caller)
    bad = df[hours] < 0
    if bad.any():
        raise CRMDataError(f"{caller}: column {hours!r} has {int(bad.sum())} negative hours in "
                           f"{show_rows(df.index[bad], df.loc[bad, hours])}; hours must be >= 0.")
    for name, v in (("min_hours", min_hours),) + (
            (("total_hours", total_hours),) if total_hours is not None else ()):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v) \
                or v < 0:
            raise CRMDataError(f"{caller}: {name}={v!r} must be a number of hours >= 0.")
    base = df.set_index(account)
    n = len(base)
    total = float(base[hours].sum()) if total_hours is None else float(total_hours)
    if total < n * min_hours - 1e-9:
        raise CRMDataError(
            f"{caller}: min_hours={min_hours:g} for {n} accounts needs {n * min_hours:g} "
            f"hours, more than the {total:g} to spread. Lower min_hours or raise total_hours.")
    if score is None:
        sc = objective_scorecard(accounts, weights=weights, normalize=normalize,
                                 revenue=revenue, gross_margin=gross_margin,
                                 potential=potential, account=account)
        s = sc["score"].reindex(base.index)
    else:
        s = base[score].astype(float)
        if (s < 0).any():
            raise CRMDataError(f"{caller}: column {score!r} has negative scores; hours in "
                               f"proportion to a score need scores >= 0.")
    out = pd.DataFrame(index=base.index)
    out["score"] = s
    out["rank"] = rank_desc(s)
    if by == "score":
        share = s.to_numpy(dtype=float)
    elif by == "equal":
        share = np.ones(n)
    else:
        from crmlab import key_accounts

        if isinstance(top, bool) or not isinstance(top, numbers.Real) or not 0 < top <= 1:
            fix = f" pass {top / 100:g}, not {top:g}." if isinstance(top, numbers.Real) \
                and not isinstance(top, bool) and 1 < top <= 100 else ""
            raise CRMDataError(f"{caller}: top={top!r} must be a fraction in (0, 1];{fix}")
        frac = float(top)
        tiers = key_accounts.identify_key_accounts(out[["score", "rank"]], top=frac)["tier"]
        tw = {key_accounts.KEY: 3.0, key_accounts.ORDINARY: 1.0} if tier_weights is None \
            else dict(tier_weights)
        missing = sorted(set(tiers) - set(tw))
        if missing:
            raise CRMDataError(f"{caller}: tier_weights {tw} has no weight for {missing}.")
        for k, v in tw.items():
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or not v >= 0:
                raise CRMDataError(f"{caller}: tier weight {k!r}={v!r} must be a number >= 0.")
        out["tier"] = tiers
        share = tiers.map(tw).to_numpy(dtype=float)
    if share.sum() <= 0:
        share = np.ones(n)  # every score is 0: nothing to tell the accounts apart
    rest = max(total - n * float(min_hours), 0.0)
    out["current_hours"] = base[hours].astype(float)
    out["fair_hours"] = float(min_hours) + rest * share / share.sum()
    out["change"] = out["fair_hours"] - out["current_hours"]
    out["uplift_current"] = _uplift(base, out["current_hours"], revenue, profit, potential,
                                    h0, uplift_rate, growth_scale)
    out["uplift_fair"] = _uplift(base, out["fair_hours"], revenue, profit, potential,
                                 h0, uplift_rate, growth_scale)
    out = out.sort_values("rank", kind="stable")
    out.attrs = {"by": by, "total_hours": total}  # provenance: the settings used
    return out


def allocation_totals(fair: pd.DataFrame) -> dict:
    """Sum up a fair allocation: hours moved, accounts that gain or lose, the uplift.

    Parameters
    ----------
    fair : DataFrame
        Output of :func:`fair_allocation`.

    Returns
    -------
    dict
        ``total_hours``, ``hours_moved`` (the sum of the positive changes),
        ``accounts_gain`` / ``accounts_lose`` (accounts whose hours rise / fall),
        ``uplift_current``, ``uplift_fair`` and ``uplift_change`` (modelled uplift of
        the current and the fair hours, and the difference).

    Raises
    ------
    CRMDataError
        If ``fair`` is not the output of :func:`fair_allocation`.

    Examples
    --------
    >>> fair = pd.DataFrame({"current_hours": [10.0, 30.0], "fair_hours": [25.0, 15.0],
    ...                      "change": [15.0, -15.0], "uplift_current": [1.0, 2.0],
    ...                      "uplift_fair": [2.5, 1.5]})
    >>> allocation_totals(fair)["hours_moved"], allocation_totals(fair)["accounts_gain"]
    (15.0, 1)
    """
    expect_output(fair, ["current_hours", "fair_hours", "change", "uplift_current",
                         "uplift_fair"], producer="fair_allocation(accounts)",
                  caller="allocation_totals")
    total = float(fair["current_hours"].sum())
    eps = 1e-9 * max(total, 1.0)
    uplift_current = float(fair["uplift_current"].sum())
    uplift_fair = float(fair["uplift_fair"].sum())
    return {
        "total_hours": float(fair.attrs.get("total_hours", total)),
        "hours_moved": float(fair["change"].clip(lower=0).sum()),
        "accounts_gain": int((fair["change"] > eps).sum()),
        "accounts_lose": int((fair["change"] < -eps).sum()),
        "uplift_current": uplift_current,
        "uplift_fair": uplift_fair,
        "uplift_change": uplift_fair - uplift_current,
    }


def _uplift(base, hours_col, revenue, profit, potential, h0, uplift_rate, growth_scale):
    """Modelled uplift of these hours, by crmlab.key_accounts.allocate_resources."""
    from crmlab import key_accounts

    if float(hours_col.sum()) <= 0:
        frame = pd.DataFrame({revenue: base[revenue], profit: base[profit],
                              potential: base[potential], "__hours__": 1.0})
        res = key_accounts.allocate_resources(
            frame, total_hours=0.0, policy="current", hours="__hours__", revenue=revenue,
            profit=profit, growth=potential, h0=h0, uplift_rate=uplift_rate,
            growth_scale=growth_scale)
        return res["uplift"].to_numpy()
    frame = pd.DataFrame({revenue: base[revenue], profit: base[profit],
                          potential: base[potential], "__hours__": hours_col})
    res = key_accounts.allocate_resources(
        frame, total_hours=float(hours_col.sum()), policy="current", hours="__hours__",
        revenue=revenue, profit=profit, growth=potential, h0=h0, uplift_rate=uplift_rate,
        growth_scale=growth_scale)
    return res["uplift"].to_numpy()
