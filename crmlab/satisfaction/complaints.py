"""Complaints (投诉率): complainants per customer and complaints per 100 customers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.validation import require, show_rows

__all__ = ["complaint_rate"]


def complaint_rate(
    survey: pd.DataFrame,
    *,
    complaints: str = "complaints",
    by: str | None = None,
) -> pd.DataFrame:
    """Tabulate the complaint rate (投诉率) and complaints per 100 customers.

    Parameters
    ----------
    survey : DataFrame
        One row per customer.
    complaints : str, default "complaints"
        Number of complaints each customer filed (whole numbers >= 0).
    by : str, optional
        Column to group by; one row per group plus ``"all"``.

    Returns
    -------
    DataFrame
        Rows per group and ``"all"``: ``customers``, ``complainants`` (customers
        with at least one complaint), ``complaint_rate`` (complainants / customers),
        ``complaints`` (total) and ``per_100`` (complaints per 100 customers).

    Raises
    ------
    CRMDataError
        If a column is missing, the survey is empty, or a complaint count is
        negative, missing or not a whole number.

    Notes
    -----
    The two measures differ: one angry customer who complains five times raises
    ``per_100`` but not ``complaint_rate``. Neither counts the dissatisfied
    customers who leave without complaining.

    Examples
    --------
    >>> s = pd.DataFrame({"complaints": [0, 0, 1, 3]})
    >>> complaint_rate(s)
         customers  complainants  complaint_rate  complaints  per_100
    all          4             2             0.5           4    100.0
    """
    caller = "complaint_rate"
    cols = {complaints: "number"} | ({by: "any"} if by is not None else {})
    df = require(survey, cols, caller=caller,
                 params={complaints: "complaints"} | ({by: "by"} if by else {}))
    c = df[complaints]
    bad = (c < 0) | (c != np.round(c))
    if bad.any():
        raise CRMDataError(
            f"{caller}: column {complaints!r} must count complaints (whole numbers >= 0); "
            f"{int(bad.sum())} values are not, in {show_rows(df.index[bad], c[bad])}. Fix "
            f"or drop those rows.")

    def row(x):
        n = len(x)
        return {"customers": n, "complainants": int((x > 0).sum()),
                "complaint_rate": float((x > 0).mean()), "complaints": int(x.sum()),
                "per_100": float(100 * x.sum() / n)}

    rows = {}
    if by is not None:
        for k, g in c.groupby(df[by], observed=True, sort=True):
            rows[str(k)] = row(g)
    rows["all"] = row(c)
    out = pd.DataFrame.from_dict(rows, orient="index")
    if by is not None:
        out.index.name = by
    return out
