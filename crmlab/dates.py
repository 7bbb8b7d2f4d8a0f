"""The analysis date and rows dated after it, decided once for every topic module.

RFM recency, customer features, purchase cycles and the per-customer table all measure
time up to an *analysis date* and must say what happens to rows dated after it. These
functions are the one definition; topic modules import them instead of each other.
:func:`check_future` reads the ``future=`` choice, the same words everywhere:
``"error"`` (raise, showing the rows), ``"drop"`` (leave them out, counted) and, where a
table has room for them, ``"keep"``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.validation import check_option, show_rows, source_labels, warn_renamed

if TYPE_CHECKING:
    from crmlab._typing import DateLike

__all__ = ["FUTURE", "analysis_date_of", "check_future", "drop_future_rows"]

#: The choices of ``future=`` (rows dated after the analysis date or today).
FUTURE = ("error", "drop", "keep")


def check_future(future: str, options: tuple[str, ...], *, caller: str) -> str:
    """Return the ``future=`` choice if it is one of ``options`` (a subset of FUTURE).

    ``"raise"``, the old name of ``"error"``, still works for one release with a
    ``FutureWarning``.

    Examples
    --------
    >>> check_future("drop", ("error", "drop"), caller="rfm_table")
    'drop'
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     check_future("raise", ("error", "drop"), caller="rfm_table")
    'error'
    >>> print(caught[0].message)
    rfm_table: future='raise' is now future='error'; 'raise' will stop working in the next
    release.
    >>> check_future("keep", ("error", "drop"), caller="rfm_table")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: rfm_table: future='keep' is not one of 'error', 'drop'.
    """
    assert set(options) <= set(FUTURE), options  # a function offers a subset of the words
    if isinstance(future, str) and future == "raise" and "error" in options:
        warn_renamed(f"{caller}: future='raise' is now future='error'; 'raise' will stop "
                     f"working in the next release.")
        future = "error"
    return check_option(future, options, name="future", caller=caller)


def to_date(value: DateLike | None, *, name: str, caller: str) -> pd.Timestamp | None:
    """Read a date argument (a string, date or Timestamp) as a Timestamp without time zone.

    The one reader of date arguments (``analysis_date=``, ``observation_end=``, the end of
    a window): None stays None; anything that is not a date raises with the fix.

    Examples
    --------
    >>> to_date("2024-01-31", name="observation_end", caller="demo")
    Timestamp('2024-01-31 00:00:00')
    >>> to_date("end of year", name="analysis_date", caller="rfm_table")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: rfm_table: analysis_date='end of year' is not a date; pass a
    date such as analysis_date='2025-12-31'.
    """
    if value is None:
        return None
    try:
        when = pd.Timestamp(value)
    except (TypeError, ValueError) as err:
        raise CRMDataError(
            f"{caller}: {name}={value!r} is not a date; pass a date such as "
            f"{name}='2025-12-31'."
        ) from err
    if when is pd.NaT or pd.isna(when):
        raise CRMDataError(f"{caller}: {name} is missing (NaT); pass a real date.")
    return when.tz_localize(None) if when.tzinfo is not None else when


def analysis_date_of(dates: pd.Series, analysis_date: DateLike | None = None, *,
                     caller: str) -> pd.Timestamp:
    """Return the analysis date as a normalised Timestamp.

    Parameters
    ----------
    dates : Series of datetime64
        The dates of the data (its last day gives the default).
    analysis_date : date-like, optional
        The day to measure to. Default: the day after the last date in ``dates``.
    caller : str
        The public function's name, for messages.

    Examples
    --------
    >>> d = pd.Series(pd.to_datetime(["2024-01-01", "2024-01-10"]))
    >>> analysis_date_of(d, caller="demo")
    Timestamp('2024-01-11 00:00:00')
    >>> analysis_date_of(d, "2024-02-01 08:00", caller="demo")
    Timestamp('2024-02-01 00:00:00')
    """
    if analysis_date is None:
        return dates.max() + pd.Timedelta(days=1)
    return to_date(analysis_date, name="analysis_date", caller=caller).normalize()


def drop_future_rows(df: pd.DataFrame, day: pd.Series, when: pd.Timestamp, date: str,
                     future: str, caller: str, dropped: dict) -> pd.DataFrame:
    """Raise on (``future="error"``) or drop and count (``"drop"``) rows after ``when``.

    ``day`` holds the rows' dates (normalised as the caller compares them); the count
    of dropped rows goes to ``dropped["after analysis_date"]``.

    Examples
    --------
    >>> df = pd.DataFrame({"d": pd.to_datetime(["2024-01-01", "2024-03-01"])})
    >>> dropped = {}
    >>> drop_future_rows(df, df["d"], pd.Timestamp("2024-02-01"), "d", "drop", "demo",
    ...                  dropped), dropped
    (           d
    0 2024-01-01, {'after analysis_date': 1})
    """
    future = check_future(future, ("error", "drop"), caller=caller)
    late = day > when
    if not late.any():
        return df
    if future == "error":
        shown = show_rows(source_labels(df)[late.to_numpy()],
                          df.loc[late, date].dt.strftime("%Y-%m-%d"))
        raise CRMDataError(
            f"{caller}: {int(late.sum())} of {len(df)} rows in column {date!r} are dated after the "
            f"analysis date {when:%Y-%m-%d}: {shown}. Pass a later analysis_date, filter "
            f"those rows out, or pass future='drop' to leave them out and count them in "
            f"result.attrs['dropped']."
        )
    dropped["after analysis_date"] = int(late.sum())
    return df.loc[~late]
