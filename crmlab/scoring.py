"""The one scoring core of the account scorecards (客户评分卡).

:func:`crmlab.key_accounts.scorecard` (value, profit, growth, fit) and
:func:`crmlab.bias.objective_scorecard` (sales, margin, potential) differ only in their
criteria and default weights; both score each criterion 0-100, weight and rank here.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.validation import require, show_rows

__all__ = ["check_weights", "normalise", "rank_desc", "score_table", "unique_ids"]


def check_weights(weights: Mapping[str, float] | None, caller: str,
                  defaults: Mapping[str, float]) -> dict[str, float]:
    """Validate weights over the criteria named by ``defaults``; normalise them to sum 1."""
    criteria = tuple(defaults)
    if weights is None:
        weights = defaults
    if not isinstance(weights, Mapping):
        raise CRMDataError(
            f"{caller}: weights must be a dict such as {dict(defaults)}, "
            f"got {type(weights).__name__}."
        )
    unknown = sorted(set(map(str, weights)) - set(criteria))
    if unknown:
        raise CRMDataError(
            f"{caller}: unknown weight key(s) {', '.join(map(repr, unknown))}; "
            f"use {', '.join(map(repr, criteria))} (missing keys weigh 0)."
        )
    clean = {}
    for key in criteria:
        w = weights.get(key, 0.0)
        if isinstance(w, bool) or not isinstance(w, numbers.Real) or not math.isfinite(w):
            raise CRMDataError(f"{caller}: weight {key!r} must be a finite number, got {w!r}.")
        if w < 0:
            raise CRMDataError(
                f"{caller}: weight {key!r} is negative ({w:g}); weights must be >= 0 "
                f"(a criterion you don't care about gets 0)."
            )
        clean[key] = float(w)
    total = sum(clean.values())
    if total <= 0:
        raise CRMDataError(
            f"{caller}: all weights are 0; give at least one criterion a positive weight, "
            f"for example {dict(defaults)}."
        )
    return {k: w / total for k, w in clean.items()}


def normalise(x: pd.Series, method: str) -> pd.Series:
    """Map a criterion to 0-100 (see scorecard Notes)."""
    if x.nunique() <= 1:
        return pd.Series(50.0, index=x.index)
    if method == "minmax":
        return 100 * (x - x.min()) / (x.max() - x.min())
    ranks = x.rank(method="average")
    return 100 * (ranks - 1) / (len(x) - 1)


def unique_ids(df: pd.DataFrame, account: str, caller: str) -> None:
    dup = df[account].duplicated(keep=False)
    if dup.any():
        raise CRMDataError(
            f"{caller}: column {account!r} has duplicated account ids in "
            f"{show_rows(df.index[dup], df.loc[dup, account])}. One row per account: "
            f"aggregate first, e.g. df.groupby({account!r}).sum()."
        )


def rank_desc(score: pd.Series) -> np.ndarray:
    """Rank 1..n by score, descending; equal scores (to 9 decimals) by account id."""
    keys = pd.DataFrame({"s": -score.round(9).to_numpy(), "id": score.index.to_numpy()})
    try:
        order = keys.sort_values(["s", "id"], kind="stable").index.to_numpy()
    except TypeError:  # ids of mixed types cannot be sorted: ties keep the input order
        order = keys.sort_values("s", kind="stable").index.to_numpy()
    rank = np.empty(len(score), dtype="int64")
    rank[order] = np.arange(1, len(score) + 1)
    return rank


def score_table(accounts: pd.DataFrame, cols: Mapping[str, str], *,
                weights: Mapping[str, float] | None, defaults: Mapping[str, float],
                normalize: str, account: str, params: Mapping[str, str],
                caller: str) -> pd.DataFrame:
    """Score each criterion 0-100, weight, rank: the core of every account scorecard.

    Shared by :func:`crmlab.key_accounts.scorecard` and
    :func:`crmlab.bias.objective_scorecard`, which differ
    only in their criteria (``cols``: criterion -> column) and default weights.
    """
    if normalize not in ("minmax", "rank"):
        raise CRMDataError(f"{caller}: normalize={normalize!r}; use 'minmax' or 'rank'.")
    w = check_weights(weights, caller, defaults)
    if isinstance(accounts, pd.DataFrame):  # a criterion weighing 0 may be absent
        cols = {k: c for k, c in cols.items() if w[k] > 0 or c in accounts.columns}
    roles = {account: "id", **{col: "number" for col in cols.values()}}
    df = require(accounts, roles, caller=caller, params=params)
    unique_ids(df, account, caller)
    out = df.set_index(account)
    total = pd.Series(0.0, index=out.index)
    for key, col in cols.items():
        out[f"{key}_score"] = normalise(out[col].astype(float), normalize)
        total = total + w[key] * out[f"{key}_score"]
    out["score"] = total
    out["rank"] = rank_desc(total)
    out = out.sort_values("rank", kind="stable")
    out.attrs = {"weights": w, "columns": dict(cols), "normalize": normalize}
    return out
