"""Checks of user input, in one place: every user-facing error is a CRMDataError.

In scikit-learn's style (``sklearn.utils.validation``): small functions that check one
thing, raise :class:`crmlab.CRMDataError` with who called, what was expected, what was
found (a count and the first rows) and how to fix it, and return the checked value.

- :func:`require` checks a table's columns against their roles and returns a copy
  (:func:`check_columns` checks without copying, for large tables);
- :func:`show_rows` describes offending rows for a message;
- :func:`expect_output` checks that a table is the result of an earlier step;
- :func:`check_option` checks a choice among options (with a "did you mean");
- :func:`check_number` and :func:`check_fraction` check numbers and rates (a rate above
  1 is reported as a likely percentage);
- :func:`renamed_keywords` keeps an old keyword working for one release, with a
  ``FutureWarning`` that names the new one (:func:`warn_renamed` for other renames).

Hand-written because no library does this for pandas tables with messages for
students (pandera and pydantic validate schemas, but their messages name models and
fields, not the keyword argument to change).
"""

from __future__ import annotations

import difflib
import functools
import math
import numbers
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError

__all__ = ["ROLES", "check_columns", "check_fraction", "check_number", "check_option",
           "did_you_mean", "expect_output", "fingerprint", "missing_column",
           "renamed_keywords", "require", "show_rows", "source_labels", "warn_at_caller",
           "warn_renamed"]

#: The kinds of column crmlab functions ask for.
ROLES = ("id", "datetime", "number", "bool", "category", "any")

F = TypeVar("F", bound=Callable[..., Any])


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


def did_you_mean(name: object, choices: Iterable, *, cutoff: float = 0.5) -> str | None:
    """Return the choice closest to ``name`` (difflib), or None when none is close.

    Examples
    --------
    >>> did_you_mean("custmer_id", ["customer_id", "order_date", "amount"])
    'customer_id'
    >>> did_you_mean("zzz", ["customer_id"]) is None
    True
    """
    close = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1,
                                      cutoff=cutoff)
    return close[0] if close else None


def missing_column(name: str, param: str | None, present: list, caller: str,
                   where: str = "") -> CRMDataError:
    """The error for a column that is not there: the columns present and the closest names.

    ``param`` is the keyword that named the column (``customer``), ``where`` says where
    it was looked for (a file name).

    Examples
    --------
    >>> print(missing_column("custmer_id", "customer", ["customer_id", "amount"], "demo"))
    demo: no column 'custmer_id'. Columns present: customer_id, amount. Did you mean
    customer='customer_id'?
    """
    hint = ""
    closest = difflib.get_close_matches(str(name), [str(c) for c in present], n=3, cutoff=0.5)
    close = closest[0] if closest else None
    more = (" (or " + ", ".join(map(repr, closest[1:])) + ")") if len(closest) > 1 else ""
    if close and param:
        hint = f" Did you mean {param}={close!r}{more}?"
    elif close:
        hint = f" Did you mean {close!r}{more}?"
    elif param:
        hint = f" Pass the right name, for example {param}='...'."
    shown = ", ".join(str(c) for c in present[:20]) + (", ..." if len(present) > 20 else "")
    place = f" in {where}" if where else ""
    return CRMDataError(f"{caller}: no column {name!r}{place}. Columns present: {shown}.{hint}")


def require(
    data: pd.DataFrame,
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
    Did you mean customer='cust'?
    """
    check_columns(data, columns, caller=caller, params=params, allow_empty=allow_empty)
    return data.loc[:, list(dict.fromkeys(columns))].copy()


def check_columns(
    data: pd.DataFrame,
    columns: Mapping[str, str],
    *,
    caller: str,
    params: Mapping[str, str] | None = None,
    allow_empty: bool = False,
) -> pd.DataFrame:
    """Check columns against their roles, as :func:`require` does, without copying.

    For large tables: one vectorised pass per column and no copy; the caller promises
    not to modify what it gets back (it is ``data`` itself).

    Parameters
    ----------
    data, columns, caller, params, allow_empty
        As in :func:`require`.

    Returns
    -------
    DataFrame
        ``data`` itself.

    Raises
    ------
    CRMDataError
        As :func:`require`.

    Examples
    --------
    >>> df = pd.DataFrame({"cust": ["a", "b"], "amount": [10.0, None]})
    >>> check_columns(df, {"cust": "id"}, caller="demo") is df
    True
    >>> check_columns(df, {"amount": "number"}, caller="demo")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: demo: column 'amount' has 1 missing values in row 1. ...
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
            raise missing_column(name, params.get(name), present, caller)
    if len(data) == 0 and not allow_empty:
        raise CRMDataError(
            f"{caller}: the table has no rows. Check the filter or file that made it."
        )
    for name, role in columns.items():
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; use one of {ROLES}")
        _check_role(data[name], name, role, caller)
    return data


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
        if (pd.api.types.is_float_dtype(col.dtype) and isinstance(col.dtype, np.dtype)
                and np.isfinite(col.to_numpy()).all()):
            return  # the common case in one pass: a float column, every value finite
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


def expect_output(frame: Any, columns: Iterable[str], *, producer: str,
                  caller: str) -> pd.DataFrame:
    """Check that ``frame`` is the table an earlier step returns (a DataFrame with ``columns``).

    Parameters
    ----------
    frame : object
        What the user passed.
    columns : iterable of str
        Columns the earlier step always returns and the caller needs.
    producer : str
        The earlier step, as the user would call it (e.g. ``"bias.priority_audit(accounts)"``).
    caller : str
        The function checking, named in the message.

    Returns
    -------
    DataFrame
        ``frame`` itself (not copied).

    Raises
    ------
    CRMDataError
        If ``frame`` is not a DataFrame or lacks some of ``columns``; the message names
        the missing columns and the step to run first.

    Examples
    --------
    >>> expect_output(pd.DataFrame({"a": [1]}), ["a", "b"], producer="step()", caller="demo")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: demo: expected the output of step() ...; it lacks column(s) 'b'...
    """
    need = list(columns)
    if isinstance(frame, pd.DataFrame):
        missing = [c for c in need if c not in frame.columns]
        if not missing:
            return frame
        found = f"it lacks column(s) {', '.join(map(repr, missing))}"
    else:
        found = f"got a {type(frame).__name__}"
    raise CRMDataError(
        f"{caller}: expected the output of {producer} (columns {', '.join(need)}); "
        f"{found}. Run {producer} first and pass its result."
    )


def check_option(value: Any, options: Sequence, *, name: str, caller: str) -> Any:
    """Return ``value`` if it is one of ``options``; otherwise raise with the closest one.

    Examples
    --------
    >>> check_option("net", ("net", "ignore"), name="returns", caller="rfm_table")
    'net'
    >>> check_option("nett", ("net", "ignore"), name="returns", caller="rfm_table")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: rfm_table: returns='nett' is not one of 'net', 'ignore'.
    Did you mean 'net'?
    """
    try:
        if value in options:
            return value
    except TypeError:  # unhashable values
        pass
    shown = ", ".join(repr(o) for o in options)
    close = did_you_mean(value, options) if isinstance(value, str) else None
    hint = f" Did you mean {close!r}?" if close else ""
    raise CRMDataError(f"{caller}: {name}={value!r} is not one of {shown}.{hint}")


def check_number(
    value: Any,
    *,
    name: str,
    caller: str,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    integer: bool = False,
    allow_none: bool = False,
) -> float | int | None:
    """Return ``value`` as a float (or int) if it is a finite number in the range.

    ``low``/``high`` bound the range (inclusive unless ``low_open``/``high_open``);
    ``integer=True`` asks for a whole number and returns an int. Booleans are not
    numbers here (``True`` passed as a count is a mistake).

    Examples
    --------
    >>> check_number(3, name="bins", caller="rfm_scores", low=2, integer=True)
    3
    >>> check_number(0, name="C", caller="churn_drivers", low=0, low_open=True)
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: churn_drivers: C=0 must be > 0.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise CRMDataError(
            f"{caller}: {name} must be a number, got {type(value).__name__} {value!r}.")
    number = float(value)
    if not math.isfinite(number):
        raise CRMDataError(f"{caller}: {name} must be a finite number, got {value!r}.")
    if integer and number != round(number):
        raise CRMDataError(f"{caller}: {name}={value!r} must be a whole number.")
    too_low = low is not None and (number < low or (low_open and number == low))
    too_high = high is not None and (number > high or (high_open and number == high))
    if too_low or too_high:
        want = []
        if low is not None:
            want.append(f"{'>' if low_open else '>='} {low:g}")
        if high is not None:
            want.append(f"{'<' if high_open else '<='} {high:g}")
        want = " and ".join(want)
        raise CRMDataError(f"{caller}: {name}={value!r} must be {want}.")
    return int(round(number)) if integer else number


def check_fraction(
    value: Any,
    *,
    name: str,
    caller: str,
    low_open: bool = False,
    high_open: bool = False,
    allow_none: bool = False,
) -> float | None:
    """Return ``value`` as a float if it is a rate in [0, 1] (a decimal, not a percentage).

    A value above 1 is reported as a likely percentage, with the decimal to pass.

    Examples
    --------
    >>> check_fraction(0.2, name="fraction", caller="top_share")
    0.2
    >>> check_fraction(20, name="fraction", caller="top_share")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: top_share: fraction=20 looks like a percentage; rates are
    decimals in [0, 1]: pass 0.2, not 20.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not math.isfinite(float(value)):
        raise CRMDataError(
            f"{caller}: {name} must be a number in [0, 1], got {type(value).__name__} "
            f"{value!r}.")
    number = float(value)
    lo, hi = ("(" if low_open else "["), (")" if high_open else "]")
    if 1 < number <= 100:
        raise CRMDataError(
            f"{caller}: {name}={value!r} looks like a percentage; rates are decimals in "
            f"{lo}0, 1{hi}: pass {number / 100:g}, not {value!r}.")
    if number < 0 or number > 1 or (low_open and number == 0) or (high_open and number == 1):
        raise CRMDataError(f"{caller}: {name}={value!r} must be in {lo}0, 1{hi}.")
    return number


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn_renamed(message: str) -> None:
    """Issue a ``FutureWarning`` about a renamed keyword or value, at the user's line.

    The warning points at the first frame outside crmlab (the user's call), however
    deep inside crmlab it is raised (a plot wrapped for fonts, a widget's callback).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_renamed("demo: future='raise' is now future='error'.")
    >>> caught[0].category.__name__, caught[0].filename.startswith(_PACKAGE)
    ('FutureWarning', False)
    """
    warn_at_caller(message, FutureWarning)


def warn_at_caller(message: str, category: type[Warning]) -> None:
    """Issue a warning of ``category`` at the user's line (the first frame outside crmlab).

    Examples
    --------
    >>> import warnings
    >>> from crmlab import CRMFitWarning
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_at_caller("demo: the fit did not converge.", CRMFitWarning)
    >>> caught[0].category.__name__, caught[0].filename.startswith(_PACKAGE)
    ('CRMFitWarning', False)
    """
    level, frame = 1, sys._getframe(0)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)


def renamed_keywords(**renames: str) -> Callable[[F], F]:
    """Keep old keyword names working for one release, with a FutureWarning.

    ``@renamed_keywords(value="revenue")`` lets ``f(value=...)`` still work as
    ``f(revenue=...)`` and warns that ``value=`` is going away. Passing both names is an
    error. An error raised while an old name is in use names the keyword the user
    typed: ``Did you mean value='sales'?``, not ``revenue=``.

    Examples
    --------
    >>> @renamed_keywords(value="revenue")
    ... def total(*, revenue="revenue"):
    ...     if revenue != "sales":
    ...         raise CRMDataError(f"total: no column {revenue!r}; pass revenue='sales'.")
    ...     return revenue
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     total(value="sales")
    'sales'
    >>> str(caught[0].message)
    'total: the keyword value= is now revenue=; value= will stop working in the next release.'
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     total(value="sale")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: total: no column 'sale'; pass value='sales'.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            typed = {}
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise CRMDataError(
                            f"{func.__name__}: pass {new}= only ({old}= is its old name).")
                    warn_renamed(
                        f"{func.__name__}: the keyword {old}= is now {new}=; {old}= will "
                        f"stop working in the next release.")
                    kwargs[new] = kwargs.pop(old)
                    typed[new] = old
            if not typed:
                return func(*args, **kwargs)
            try:
                return func(*args, **kwargs)
            except CRMDataError as err:
                if err.args and isinstance(err.args[0], str):
                    err.args = (_as_typed(err.args[0], typed), *err.args[1:])
                raise

        wrapper.__renamed_keywords__ = dict(renames)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def _as_typed(message: str, typed: Mapping[str, str]) -> str:
    """``message`` with each new keyword (``revenue=``) written as the one typed."""
    for new, old in typed.items():
        message = re.sub(rf"(?<![\w.]){re.escape(new)}=", f"{old}=", message)
    return message


def fingerprint(data: pd.DataFrame) -> str | None:
    """A short hash of a transaction table's ``order_date`` and ``amount`` values.

    :func:`crmlab.read_transactions` stores it beside the file row of every kept row,
    so that :func:`source_labels` can tell whether the table is still the one read (not
    filtered, sorted or edited since) before naming file rows in a message.

    Examples
    --------
    >>> df = pd.DataFrame({"amount": [1.0, 2.0]})
    >>> fingerprint(df) == fingerprint(df.copy()), fingerprint(df) == fingerprint(df[::-1])
    (True, False)
    """
    import hashlib

    cols = [c for c in ("order_date", "amount") if c in data.columns]
    if not cols:
        return None
    h = hashlib.blake2b(digest_size=16)
    h.update(str(len(data)).encode())
    for c in cols:
        h.update(np.ascontiguousarray(data[c].to_numpy()).view(np.uint8).tobytes())
    return h.hexdigest()


def source_labels(data: pd.DataFrame) -> pd.Index:
    """Row labels for messages: the file rows of a table as read, else its index.

    A table from :func:`crmlab.read_transactions` keeps, in ``attrs["source_rows"]``,
    the row number (file line, Excel row) of each kept row; while it is unchanged, a
    message about its rows names those, as the reader's own messages do.

    Examples
    --------
    >>> df = pd.DataFrame({"amount": [5.0, 7.0]})
    >>> df.attrs["source_rows"] = {"rows": np.array([52, 53]), "fingerprint": fingerprint(df)}
    >>> source_labels(df).tolist(), source_labels(df.iloc[::-1]).tolist()
    ([52, 53], [1, 0])
    """
    rows = data.attrs.get("source_rows") if isinstance(data, pd.DataFrame) else None
    if (isinstance(rows, dict) and len(rows.get("rows", ())) == len(data)
            and rows.get("fingerprint") is not None
            and rows["fingerprint"] == fingerprint(data)):
        return pd.Index(rows["rows"])
    return data.index
