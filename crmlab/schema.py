"""Column roles, the dtype contract, and validation with errors a student can act on.

Every topic module calls :func:`require` first: it checks that the columns exist and
have the right kind of values, and returns a *copy* of just those columns, so no
crmlab function ever mutates its input. Messages follow scikit-learn's
``check_array`` style: who called, what was expected, what was found (a count and the
first rows) and how to fix it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError

__all__ = ["CRMDataError", "require", "show_rows", "ROLES"]

#: The kinds of column crmlab functions ask for.
ROLES = ("id", "datetime", "number", "bool", "category", "any")


def show_rows(index: Iterable, values: Iterable | None = None, n: int = 5) -> str:
    """Describe up to ``n`` offending rows as text for an error message.

    Parameters
    ----------
    index : iterable
        Row labels of the offending rows.
    values : iterable, optional
        The offending values, shown beside the labels.
    n : int, default 5
        How many rows to show.

    Returns
    -------
    str

    Examples
    --------
    >>> show_rows([3, 17, 240], ["¥1,200", "n/a", "12,50"])
    "rows 3, 17, 240 ('¥1,200', 'n/a', '12,50')"
    >>> show_rows(range(8))
    'rows 0, 1, 2, 3, 4, ... (8 in all)'
    """
    index = list(index)
    shown = ", ".join(str(i) for i in index[:n])
    more = f", ... ({len(index)} in all)" if len(index) > n else ""
    text = f"row{'s' if len(index) != 1 else ''} {shown}{more}"
    if values is not None:
        vals = [repr(v) if not isinstance(v, np.generic) else repr(v.item()) for v in values]
        text += f" ({', '.join(vals[:n])})"
    return text


def _missing_column(name: str, param: str | None, present: list, caller: str) -> CRMDataError:
    hint = ""
    close = difflib.get_close_matches(str(name), [str(c) for c in present], n=1, cutoff=0.5)
    if close and param:
        hint = f" Did you mean {param}={close[0]!r}?"
    elif param:
        hint = f" Pass the right name, for example {param}='...'."
    shown = ", ".join(str(c) for c in present[:20]) + (", ..." if len(present) > 20 else "")
    return CRMDataError(f"{caller}: no column {name!r}. Columns present: {shown}.{hint}")


def require(
    data,
    columns: Mapping[str, str],
    *,
    caller: str,
    params: Mapping[str, str] | None = None,
    allow_empty: bool = False,
) -> pd.DataFrame:
    """Check columns against their roles and return a copy of just those columns.

    Parameters
    ----------
    data : DataFrame
        The caller's table. It is never modified.
    columns : mapping of str to str
        Column name to role, one of ``ROLES``: ``"id"`` (no missing values),
        ``"datetime"`` (datetime64), ``"number"`` (numeric, no missing values),
        ``"bool"`` (True/False, or 0/1), ``"category"`` and ``"any"``.
    caller : str
        The public function's name, which starts every message.
    params : mapping of str to str, optional
        Column name to the keyword argument that named it, so a message can say
        ``Did you mean customer='cust'?``.
    allow_empty : bool, default False
        Whether a table with no rows is acceptable.

    Returns
    -------
    DataFrame
        A copy holding the requested columns in the order given.

    Raises
    ------
    CRMDataError
        If ``data`` is not a DataFrame, is empty (unless ``allow_empty``), lacks a
        column, or a column breaks its role: missing ids, non-numeric or missing
        numbers, dates that are not datetime64, flags that are not True/False.

    Examples
    --------
    >>> df = pd.DataFrame({"cust": ["a", "b"], "amount": [10.0, 5.5]})
    >>> require(df, {"cust": "id", "amount": "number"}, caller="demo")
      cust  amount
    0    a    10.0
    1    b     5.5
    >>> require(df, {"customer_id": "id"}, caller="rfm_table",
    ...         params={"customer_id": "customer"})
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: rfm_table: no column 'customer_id'. Columns present: cust, amount.
    Pass the right name, for example customer='...'.
    """
    params = dict(params or {})
    if isinstance(data, pd.Series):
        raise CRMDataError(
            f"{caller}: expected a DataFrame with columns {', '.join(map(repr, columns))}, "
            f"got a Series. Use series.to_frame() or pass the whole table."
        )
    if not isinstance(data, pd.DataFrame):
        raise CRMDataError(
            f"{caller}: expected a pandas DataFrame, got {type(data).__name__}. "
            f"Build one with pd.DataFrame(...) or load a file with crmlab.read_transactions(path)."
        )
    present = list(data.columns)
    for name in columns:
        if name not in data.columns:
            raise _missing_column(name, params.get(name), present, caller)
    if len(data) == 0 and not allow_empty:
        raise CRMDataError(
            f"{caller}: the table has no rows. Check the filter or file that made it."
        )
    out = data.loc[:, list(dict.fromkeys(columns))].copy()
    for name, role in columns.items():
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; use one of {ROLES}")
        _check_role(out[name], name, role, caller)
    return out


def _check_role(col: pd.Series, name: str, role: str, caller: str) -> None:
    if role == "id":
        bad = col.isna()
        if bad.any():
            raise CRMDataError(
                f"{caller}: column {name!r} has {bad.sum()} missing ids in "
                f"{show_rows(col.index[bad])}. Drop those rows or fill the ids; "
                f"crmlab.read_transactions drops them and reports how many."
            )
    elif role == "number":
        if not (pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)):
            parsed = pd.to_numeric(col, errors="coerce")
            bad = parsed.isna() & col.notna()
            raise CRMDataError(
                f"{caller}: column {name!r} must be numeric; it has dtype {col.dtype}"
                + (f" with {bad.sum()} non-numeric values in {show_rows(col.index[bad], col[bad])}"
                   if bad.any() else "")
                + ". Convert with pd.to_numeric(df[...], errors='coerce') after removing "
                "currency symbols and thousands separators, or read the file with "
                "crmlab.read_transactions, which does that."
            )
        bad = col.isna()
        if bad.any():
            raise CRMDataError(
                f"{caller}: column {name!r} has {bad.sum()} missing values in "
                f"{show_rows(col.index[bad])}. Fill them (df[...].fillna(0)) or drop those rows."
            )
        bad = ~np.isfinite(col.to_numpy(dtype=float))
        if bad.any():
            raise CRMDataError(
                f"{caller}: column {name!r} has {bad.sum()} infinite values in "
                f"{show_rows(col.index[bad], col[bad])}. Replace them before analysis."
            )
    elif role == "datetime":
        if not pd.api.types.is_datetime64_any_dtype(col):
            raise CRMDataError(
                f"{caller}: column {name!r} must hold dates (datetime64); it has dtype "
                f"{col.dtype} (first value {col.iloc[0]!r}). Convert with "
                f"pd.to_datetime(df[{name!r}]) or read the file with crmlab.read_transactions."
            )
        bad = col.isna()
        if bad.any():
            raise CRMDataError(
                f"{caller}: column {name!r} has {bad.sum()} missing dates in "
                f"{show_rows(col.index[bad])}. Drop or fill those rows."
            )
    elif role == "bool":
        if pd.api.types.is_bool_dtype(col):
            return
        ok = col.isin([0, 1, True, False])
        if not ok.all():
            raise CRMDataError(
                f"{caller}: column {name!r} must be True/False (or 0/1); "
                f"{(~ok).sum()} values are not, in {show_rows(col.index[~ok], col[~ok])}. "
                f"Map them first, for example df[{name!r}].map({{'yes': True, 'no': False}})."
            )
