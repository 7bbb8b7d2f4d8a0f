"""Net Promoter Score (净推荐值): promoters minus detractors."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.satisfaction._common import score_series
from crmlab.validation import require

__all__ = ["nps", "nps_breakdown"]

_GROUPS = ("detractors", "passives", "promoters")


def nps(scores: pd.Series | np.ndarray | Sequence[float]) -> float:
    """Compute the Net Promoter Score (净推荐值) of 0-10 recommendation scores.

    Parameters
    ----------
    scores : Series, array or list of int
        Answers to "how likely are you to recommend us?" on 0-10, one per customer.

    Returns
    -------
    float
        % promoters minus % detractors, in [-100, 100].

    Raises
    ------
    CRMDataError
        If ``scores`` is empty, a DataFrame, or holds values that are not whole
        numbers from 0 to 10 (the message names their positions) or are missing
        (drop non-answers with ``scores.dropna()`` first).

    See Also
    --------
    nps_breakdown : the three groups' shares, overall or by group.

    Notes
    -----
    Reichheld's convention: promoters (推荐者) answer 9-10, passives (被动者) 7-8,
    detractors (贬损者) 0-6. NPS = 100 * (promoters - detractors) / all answers;
    passives count in the denominator only. It is a score, not a percentage of
    anything: -100 means everyone is a detractor.

    Examples
    --------
    >>> nps([10, 9, 8, 7, 6, 0])
    0.0
    >>> nps([10, 10, 9, 3])
    50.0
    """
    x = score_series(scores, "nps").to_numpy()
    return float(100.0 * ((x >= 9).sum() - (x <= 6).sum()) / len(x))


def nps_breakdown(
    survey: pd.DataFrame | pd.Series | np.ndarray | Sequence[float],
    *,
    score: str = "nps_score",
    by: str | None = None,
) -> pd.DataFrame:
    """Tabulate the shares of detractors, passives and promoters and the NPS.

    Parameters
    ----------
    survey : DataFrame, Series, array or list
        A survey table with a ``score`` column, or the scores themselves (then ``by``
        must be None).
    score : str, default "nps_score"
        Column of 0-10 recommendation scores.
    by : str, optional
        Column to group by (e.g. ``"segment"``); one row per group. Default: one
        row ``"all"``.

    Returns
    -------
    DataFrame
        One row per group (in category order): ``customers``, ``detractors``,
        ``passives``, ``promoters`` (shares, summing to 1) and ``nps``.

    Raises
    ------
    CRMDataError
        As :func:`nps`, or if a column is missing or ``by`` is given with bare scores.

    Examples
    --------
    >>> nps_breakdown([10, 9, 8, 7, 6, 0]).round(3)
         customers  detractors  passives  promoters  nps
    all          6       0.333     0.333      0.333  0.0
    """
    caller = "nps_breakdown"
    if isinstance(survey, pd.DataFrame):
        cols = {score: "any"} | ({by: "any"} if by is not None else {})
        df = require(survey, cols, caller=caller,
                     params={score: "score"} | ({by: "by"} if by else {}))
        scores = score_series(df[score], caller)
        keys = df[by] if by is not None else None
    else:
        if by is not None:
            raise CRMDataError(f"{caller}: by={by!r} needs a DataFrame with that column; "
                               f"got bare scores. Pass the survey table, e.g. "
                               f"nps_breakdown(survey, by={by!r}).")
        scores = score_series(survey, caller)
        keys = None
    groups = [("all", scores)] if keys is None else [
        (str(k), g) for k, g in scores.groupby(keys, observed=True, sort=True)]
    rows = {}
    for name, g in groups:
        x = g.to_numpy()
        shares = [(x <= 6).mean(), ((x >= 7) & (x <= 8)).mean(), (x >= 9).mean()]
        rows[name] = {"customers": len(x), **dict(zip(_GROUPS, map(float, shares), strict=True)),
                      "nps": float(100 * (shares[2] - shares[0]))}
    out = pd.DataFrame.from_dict(rows, orient="index")
    if by is not None:
        out.index.name = by
    return out
