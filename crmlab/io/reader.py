"""Read an analyst's transaction file (CSV, Excel, Parquet) into the canonical table.

:func:`read_transactions` turns an analyst's CSV / Excel / Parquet file (or a
DataFrame) into the canonical transaction table and records what it did in
``result.attrs["report"]`` (:func:`report` prints it). Every removed row is reported:
rows in = rows kept + rows dropped. A file is read in one pass of decisions, each
reported: the encoding, the header row, the delimiter, the date convention of the date
column, the amounts' cleaning, currencies, the purchase rule (``keep=``/``exclude=``
filters, refunds) and future dates. When a decision cannot be made safely the reader
stops with a :class:`crmlab.CRMDataError` that shows rows and names the option to pass.

What is left to libraries and what is written here, and why:

- **Encoding.** Strict UTF-8 (with or without BOM) and UTF-16 with a BOM first: a
  strict UTF-8 decode almost never succeeds on non-UTF-8 bytes, so that step is
  reliable. Other bytes go to charset-normalizer, restricted to the encodings
  exports come in (GB18030/GBK, Big5, Windows-1252, Shift-JIS): unrestricted, it calls
  a short GBK header ``客户编号,日期,金额`` Korean (cp949). Its guess and confidence
  (1 - its "chaos" measure) are reported, and a low-confidence guess is an error that
  names ``encoding=``. (A try-in-order list would read a Western cp1252 file as GBK:
  its bytes are valid GB18030.)
- **Delimiter and header row.** The header is the first of the top 50 lines (rows, in
  Excel) that holds the requested column names (or most of them, so that a misspelt
  name still gets a "did you mean"), and the delimiter is the one (``,`` ``;`` tab
  ``|``) that splits it into them. ``csv.Sniffer`` is fooled by
  decimal commas inside semicolon files (``1 200,50 €``) and by title lines.
- **Dates.** A column is read in one convention. ISO 8601 (with a ``T``, a time, a UTC
  offset) is never reinterpreted; year-first (``2024/1/5``, ``2024年1月5日``), compact
  (``20240105``) and dotted day-first (``05.01.2024``) dates are rewritten to ISO by
  regular expressions; slashed ``03/05/2024`` dates get the column's day/month order,
  given (``dayfirst=``) or detected from its unambiguous values (a day above 12), else
  the reader stops. pandas and dateutil guess per value: dateutil reads ``2024/1/5``
  as 1 May when ``dayfirst=True`` and mixes conventions within a column. What is left
  (month names) goes to dateutil.
- **Amounts.** pandas' ``thousands=`` / ``decimal=`` neither strip currency symbols nor
  check digit grouping; here ``12,50`` is rejected (never read as 1250) unless the
  decimal mark is a comma. Plain numbers take a vectorised path (pyarrow); only the
  values that fail it go through the cleaning, so cleaned values are reported exactly.
"""

from __future__ import annotations

import csv
import datetime as _dt
import difflib
import gzip
import io
import os
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.dates import FUTURE, check_future, to_date
from crmlab.io.presets import Preset, get_preset
from crmlab.validation import fingerprint, missing_column, show_rows

if TYPE_CHECKING:
    from crmlab._typing import DateLike, PathLike

__all__ = ["read_transactions", "report"]


# --------------------------------------------------------------------------------------
# Reading transaction files
# --------------------------------------------------------------------------------------

_CALLER = "read_transactions"
_SCAN = 50  # lines (rows) searched for the header
_DELIMITERS = (",", ";", "\t", "|")
_CSV, _EXCEL, _PARQUET = (".csv", ".tsv", ".txt"), (".xlsx", ".xlsm", ".xls"), (".parquet", ".pq")
#: Encodings charset-normalizer may choose among for bytes that are not UTF-8.
ENCODINGS = ("gb18030", "big5", "cp1252", "shift_jis")
#: Below this confidence (1 - charset-normalizer's chaos) a guessed encoding is an error.
MIN_CONFIDENCE = 0.95
# currency symbols and codes; HK$ / US$ before $
_CUR = r"us\$|hk\$|rmb|cny|usd|eur|gbp|hkd|jpy|[¥￥$€£元]"
_CURRENCY = "(?i)" + _CUR
_CODES = {"us$": "USD", "hk$": "HKD", "rmb": "CNY", "cny": "CNY", "usd": "USD", "eur": "EUR",
          "gbp": "GBP", "hkd": "HKD", "jpy": "JPY", "¥": "CNY", "￥": "CNY", "$": "USD",
          "€": "EUR", "£": "GBP", "元": "CNY", "人民币": "CNY"}
_SPACES = r"[\s\u00a0\u2009\u202f]"
_ISO = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_TZ = r"\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})"
# year first, also 2024年1月5日; an optional time of day; nothing else
_YMD = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
    r"((?:\s*[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?)\s*"
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})((?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)\s*")
_SLASHED = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})"
                      r"((?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?)?)\s*")
_SERIAL = (20000, 80000)  # Excel serial day numbers read as dates: 1954-10-03 .. 2119-01-11
_EXCEL_DAY0 = pd.Timestamp("1899-12-30")
_ACCEPTED = (
    "2024-01-05 (also with a time and a UTC offset), 2024/1/5, 2024.1.5, 2024年1月5日, "
    "20240105, 05.01.2024 (day first), Jan 5 2024, 03/05/2024 (day/month order detected "
    "or given by dayfirst=), Excel serial numbers (45356)"
)
#: Options of a preset that an explicit keyword of read_transactions overrides.
_ROLES = ("customer", "date", "amount", "order", "name", "currency", "refund")
_CANON = {"customer": "customer_id", "date": "order_date", "amount": "amount",
          "order": "order_id"}
#: The fast paths (vectorised parsing of plain values); benchmarks turn them off to compare.
FAST = True


@dataclass
class _Raw:
    """A table as read, before any cleaning, with the row labels used in reports."""

    frame: pd.DataFrame
    rows: np.ndarray  # file row numbers (1-based, as a spreadsheet shows) or index labels
    source: str
    is_file: bool = True
    sep: str | None = None
    header: str = ""  # where the header was found, e.g. "line 3"
    notes: list = field(default_factory=list)
    encoding: dict | None = None
    excel: bool = False
    chunk: Any = None  # crmlab.io.large's state when the file is read in chunks


@dataclass
class _Filter:
    """A keep/exclude rule: the first of ``columns`` present, its values (case-folded)."""

    kind: str  # "keep" or "exclude"
    columns: tuple
    values: tuple
    explicit: bool  # given by the caller (not by a preset)

    def text(self, column: str) -> str:
        values = " or ".join(self.values)
        return (f"keep {column} = {values}" if self.kind == "keep"
                else f"exclude {column} = {values}")


def read_transactions(
    path_or_df: PathLike | IO[str] | IO[bytes] | pd.DataFrame,
    *,
    customer: str | None = None,
    date: str | None = None,
    amount: str | None = None,
    order: str | None = None,
    name: str | None = None,
    currency: str | None = None,
    refund: str | None = None,
    preset: str | None = None,
    keep: str | list | dict | None = None,
    exclude: str | list | dict | None = None,
    to_currency: str | None = None,
    rates: PathLike | dict | pd.DataFrame | None = None,
    amount_unit: float | None = None,
    sheet: int | str = 0,
    encoding: str | None = None,
    decimal: str | None = None,
    dayfirst: bool | None = None,
    date_format: str | None = None,
    normalize_ids: bool = True,
    as_of: DateLike | None = None,
    future: str = "drop",
    warn: bool = True,
    **read_kwargs: Any,
) -> pd.DataFrame:
    """Read a transaction table from a messy file or DataFrame into canonical columns.

    Parameters
    ----------
    path_or_df : str, Path, file-like or DataFrame
        A CSV (``.csv``/``.tsv``/``.txt``, optionally ``.gz``; a file-like object is read
        as CSV), Excel (``.xlsx``/``.xlsm``; ``.xls`` needs the xlrd package) or Parquet
        file, or a DataFrame, which is never modified.
    customer, date, amount : str, optional
        The input's names of the customer id, order date and amount columns; default
        the preset's, else "customer_id", "order_date", "amount".
    order : str, optional
        The order id column. If None (and no preset names one), each row is one order
        and no order_id is made. Rows without a date and an amount whose order id
        appeared on an earlier row are *line items* of that order (Shopify writes an
        order's totals on its first row only): reported, not used.
    name : str, optional
        A customer name column, kept as read and named in ``report["columns"]`` (for
        lists that go back into the CRM).
    currency : str, optional
        A column holding each row's currency code (CNY, USD, ...). Without it,
        currency symbols and codes in the amounts (``¥`` ``$`` ``€`` ``£`` ``RMB``
        ``USD`` ``元`` ...; ``¥`` is read as CNY) give the currency.
    refund : str, optional
        A refunded-amount column (>= 0): subtracted from the amount; a row refunded in
        full is not a purchase (dropped, reported).
    preset : str, optional
        The system the file was exported from: ``"zoho-deals"``, ``"zoho-invoices"``,
        ``"fxiaoke-orders"``, ``"salesforce-opportunities"``, ``"hubspot-deals"``,
        ``"shopify-orders"`` (see :mod:`crmlab.io.presets` and the README). It sets
        the columns (English or Chinese headers), the date convention and the purchase
        rule; every keyword given explicitly overrides it.
    keep, exclude : str, list of str or dict, optional
        Row filters: ``"Stage=Closed Won"`` (a column, ``=``, a value; several values
        separated by ``|``), a list of them, or ``{"Stage": ["Closed Won"]}``. ``keep``
        uses only rows matching (every column's rule), ``exclude`` leaves matching rows
        out; values are compared without case and surrounding spaces. The rows left
        out are reported in the row accounting. Replaces the preset's filters; pass
        ``[]`` to apply none.
    to_currency : str, optional
        The currency of the analysis (``"CNY"``). Without ``rates``, rows in other
        currencies are left out (reported); with ``rates``, they are converted. When
        the amounts are in several currencies and neither is given, the reader stops:
        summing them would mix money.
    rates : dict, DataFrame or path, optional
        Exchange rates: the value of one unit of each currency in ``to_currency``
        (``{"USD": 7.1, "EUR": 7.8, "CNY": 1}``), or a table / CSV file with columns
        ``currency`` and ``rate``. ``to_currency`` defaults to the currency whose rate
        is 1.
    amount_unit : float, optional
        Multiply every amount by this (10000 for a column in 万元). Default: 10000 when
        the amount header says 万 (``金额(万元)``), else 1. A cell written ``5万`` or
        ``5万元`` is always 50000.
    sheet : int or str, default 0
        Excel sheet, by 0-based position or name.
    encoding : str, optional
        CSV encoding. If None: UTF-8 (BOM or not) or UTF-16 with a BOM, else detected
        by charset-normalizer among :data:`ENCODINGS`; the report names it and its
        confidence, and a guess below :data:`MIN_CONFIDENCE` stops with an error.
    decimal : {None, ".", ","}, default None
        Decimal mark of text amounts; the other mark is the thousands separator.
        None means "," for a semicolon-delimited CSV (European Excel), else ".".
    dayfirst : bool, optional
        Day/month order of slashed dates such as 03/05/2024: True = 3 May, False =
        5 March. None: detected from the column's unambiguous values (a first number
        above 12 means day first); a column with only ambiguous dates stops with an
        error. Never applies to ISO, year-first or dotted dates.
    date_format : str, optional
        Read every date with this ``strftime`` format (``"%d/%m/%Y %H:%M"``), or as
        ``"excel"`` serial day numbers, ``"epoch-ms"`` or ``"epoch-s"`` timestamps.
        Default: the formats above, detected.
    normalize_ids : bool, default True
        Customer ids are always trimmed; with True also full-width characters become
        half-width (``ＡＢＣ１２３`` = ``ABC123``) and e-mail addresses are lower-cased
        (``Ann@X.com`` = ``ann@x.com``). Each change is counted in the report.
    as_of : date-like, optional
        Dates on a later day than this are "future". Default: today.
    future : {"drop", "keep", "error"}, default "drop"
        Rows dated after ``as_of``: leave them out (reported), so that a mistyped
        year cannot move the analysis date; keep them (counted under ``flagged``); or
        stop with an error showing them.
    warn : bool, default True
        Issue a ``UserWarning`` when rows were dropped. Notebooks pass ``warn=False``
        and show :func:`report` instead.
    **read_kwargs
        Passed to :func:`pandas.read_csv` (e.g. ``sep``, ``nrows``, an int ``skiprows``
        to place the header yourself) or :func:`pandas.read_parquet` (e.g. ``columns``).

    Returns
    -------
    DataFrame
        ``customer_id`` (str), ``order_id`` (str, only if ``order`` is given),
        ``order_date`` (datetime64, time of day kept if present, no time zone),
        ``amount`` (float64; refunds subtracted, converted to ``to_currency``), and every
        other column as read, in the input's column order; index 0..n-1.
        ``attrs["report"]`` is a dict: ``source``, ``rows_in``, ``rows_out``,
        ``dropped`` {reason: count}, ``dropped_rows`` {reason: row labels}, ``cleaned``
        {what: count of kept rows}, ``flagged`` {what: count of kept rows worth a look},
        ``notes`` (list of str), ``columns`` {role: the input's column}, ``rules``
        (the purchase rules applied, in words), ``encoding`` (name, confidence and
        method, for CSV) and ``as_of``. Always
        ``rows_in == rows_out + sum(dropped.values())``. ``attrs["source_rows"]``
        keeps each kept row's label, so later messages can name file lines.

    Raises
    ------
    CRMDataError
        If the file is missing, empty, header-only or of an unsupported type; the
        encoding is a low-confidence guess or the delimiter cannot be read; a column
        is missing (the message lists the columns present and the closest names); an
        amount is not a number even after cleaning (up to five rows shown); the
        day/month order of the dates is ambiguous or mixed; no date at all can be
        read; the amounts are in several currencies and neither ``to_currency`` nor
        ``rates`` is given; a ``keep`` filter matches no row; rows are in the future
        and ``future="error"``; or no row is left.

    Notes
    -----
    Row labels in messages and ``dropped_rows`` are, for CSV and Excel, the row
    numbers a spreadsheet shows (the header row is counted, the first line is 1);
    for Parquet, 0-based positions; for a DataFrame, its index labels. ``rows_in``
    counts rows from below the header to the last non-empty one.

    Rows are dropped, each for the first reason that applies, only for: ``empty
    row``, ``line item`` (see ``order``), the filters (``excluded (...)``, ``not kept
    (...)``), ``missing customer_id``, ``missing order_id``, ``missing order_date``,
    ``unparseable order_date``, ``missing amount``, ``refunded in full``, ``other
    currency``, ``duplicate row`` (identical to an earlier row in every column as
    read; the first is kept) and ``future order_date``. Negative amounts (returns)
    and zero amounts are kept and counted under ``flagged``: a return is never a
    purchase in any crmlab summary.

    Dates: see the module docstring. Time-zone offsets are removed, keeping the local
    time (counted under ``cleaned``, the offsets seen in ``notes``).

    Amounts: full-width digits and signs (``－８０．００``), currency symbols and codes,
    spaces and thousands separators are removed; ``(12.50)`` and ``12.50-`` are read as
    -12.50; ``5万`` as 50000. Thousands groups must have three digits, so a decimal comma
    is never mistaken for a thousands separator. Each cleaning is counted.

    Examples
    --------
    >>> import io
    >>> text = io.StringIO(
    ...     "cust;date;amount\\n"
    ...     "C1;2024-01-05;¥1.200,50\\n"
    ...     "C2;2024年1月6日;-30\\n"
    ...     "C2;2024年1月6日;-30\\n"
    ...     ";20240107;12\\n")
    >>> df = read_transactions(text, customer="cust", date="date", warn=False)
    >>> df
      customer_id order_date  amount
    0          C1 2024-01-05  1200.5
    1          C2 2024-01-06   -30.0
    >>> df.attrs["report"]["dropped"]
    {'missing customer_id': 1, 'duplicate row': 1}
    >>> read_transactions(pd.DataFrame({"cust": ["C1"], "date": ["2024-01-05"],
    ...                                 "amount": [5]}), customer="cust")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: read_transactions: no column 'order_date'. Columns present:
    cust, date, amount. Did you mean date='date'?
    """
    plan = _plan({"customer": customer, "date": date, "amount": amount, "order": order,
                  "name": name, "currency": currency, "refund": refund}, preset=preset,
                 keep=keep, exclude=exclude, decimal=decimal, dayfirst=dayfirst,
                 date_format=date_format, future=future)
    raw = _load(path_or_df, plan.names, sheet, encoding, dict(read_kwargs))
    result = _clean(raw, plan.wanted, plan.filters, plan.pre,
                    decimal=_decimal_of(raw, decimal), dayfirst=plan.dayfirst,
                    date_format=date_format, as_of=as_of, future=plan.future,
                    to_currency=to_currency, rates=rates, amount_unit=amount_unit,
                    normalize_ids=normalize_ids)
    dropped = result.attrs["report"]["dropped"]
    if warn and dropped:
        why = ", ".join(f"{n} {reason}" for reason, n in dropped.items())
        warnings.warn(
            f"{_CALLER}: dropped {sum(dropped.values())} of {result.attrs['report']['rows_in']} "
            f"rows of {raw.source} ({why}). See crmlab.io.report(result) or "
            f"result.attrs['report']; pass warn=False to silence this warning.",
            UserWarning, stacklevel=2,
        )
    return result


@dataclass
class _Plan:
    """The checked options of one read: columns wanted, filters, preset, conventions."""

    wanted: dict
    filters: list
    pre: Preset | None
    dayfirst: bool | None
    future: str
    names: list  # the header names to look for


def _plan(given: dict, *, preset, keep, exclude, decimal, dayfirst, date_format,
          future) -> _Plan:
    """Check read_transactions' options (before any file is opened) and plan the read."""
    future = check_future(future, FUTURE, caller=_CALLER)
    if decimal not in (None, ".", ","):
        raise CRMDataError(f"{_CALLER}: decimal must be '.' or ',', got {decimal!r}.")
    if date_format is not None and not isinstance(date_format, str):
        raise CRMDataError(f"{_CALLER}: date_format must be a strftime format such as "
                           f"'%d/%m/%Y', or 'excel', 'epoch-ms', 'epoch-s'.")
    pre = get_preset(preset) if preset is not None else None
    wanted = _wanted_columns(given, pre)
    filters = _filters(keep, exclude, pre)
    if dayfirst is None and pre is not None:
        dayfirst = pre.dayfirst
    names = [n for names in wanted.values() for n in names]
    names += [c for f in filters for c in f.columns]
    return _Plan(wanted, filters, pre, dayfirst, future, names)


def _decimal_of(raw: _Raw, decimal: str | None) -> str:
    """The decimal mark: given, else ',' for a semicolon file (noted), else '.'."""
    if decimal is not None:
        return decimal
    if raw.sep == ";":
        raw.notes.append("semicolon file: amounts read with a decimal comma "
                         "(pass decimal='.' if not)")
        return ","
    return "."


def _wanted_columns(given: dict, pre: Preset | None) -> dict[str, tuple]:
    """Role -> the column names to look for (explicit keyword, else preset, else default)."""
    wanted = {}
    for role in _ROLES:
        if given[role] is not None:
            wanted[role] = (given[role],)
        elif pre is not None and role in pre.columns:
            wanted[role] = pre.columns[role]
        elif role in ("customer", "date", "amount"):
            wanted[role] = (_CANON[role],)
    for role, names in wanted.items():
        for n in names:
            if not isinstance(n, str) or not n:
                raise CRMDataError(f"{_CALLER}: {role}= must be a column name (text), "
                                   f"got {n!r}.")
    explicit = [given[r] for r in _ROLES if given[r] is not None]
    if len(set(explicit)) < len(explicit):
        shown = ", ".join(f"{r}={given[r]!r}" for r in _ROLES if given[r] is not None)
        raise CRMDataError(f"{_CALLER}: customer, date, amount and order must name different "
                           f"columns; got {shown}.")
    return wanted


def _filters(keep, exclude, pre: Preset | None) -> list[_Filter]:
    out = []
    for kind, spec in (("keep", keep), ("exclude", exclude)):
        if spec is None:
            rules = (pre.keep if kind == "keep" else pre.exclude) if pre is not None else {}
            out += [_Filter(kind, tuple(cols), tuple(vals), False) for cols, vals in
                    rules.items()]
            continue
        if isinstance(spec, str):
            spec = [spec]
        if isinstance(spec, dict):
            items = [(k, [v] if isinstance(v, str) else list(v)) for k, v in spec.items()]
        else:
            items = []
            for rule in spec:
                if not isinstance(rule, str) or "=" not in rule:
                    raise CRMDataError(
                        f"{_CALLER}: {kind}= takes rules such as 'Stage=Closed Won' (a "
                        f"column, '=', a value; values separated by '|'), got {rule!r}.")
                col, _, vals = rule.partition("=")
                items.append((col.strip(), [v.strip() for v in vals.split("|")]))
        merged: dict[str, list] = {}
        for col, vals in items:
            merged.setdefault(str(col).strip(), []).extend(str(v) for v in vals)
        out += [_Filter(kind, (col,), tuple(vals), True) for col, vals in merged.items()]
    return out


def report(data: pd.DataFrame) -> str:
    """Describe what :func:`read_transactions` dropped, cleaned and flagged, as text.

    Parameters
    ----------
    data : DataFrame or crmlab.io.large.LargeRead
        A result of :func:`read_transactions` (it carries ``attrs["report"]``), or a
        file read in chunks (:func:`crmlab.io.large.read_large`).

    Returns
    -------
    str
        One line of counts, then the dropped rows per reason, the cleaning, the flags,
        the purchase rules applied and the notes.

    Raises
    ------
    CRMDataError
        If ``data`` carries no report.

    Examples
    --------
    >>> raw = pd.DataFrame({"customer_id": ["C1", None, "C2"],
    ...                     "order_date": ["2024-01-05", "2024-01-06", "2024/1/7"],
    ...                     "amount": ["¥10", "5", "0"]})
    >>> print(report(read_transactions(raw, warn=False)))
    the DataFrame: 3 rows in, 2 rows out, 1 dropped
    dropped:
      missing customer_id: 1 (row 1)
    cleaned:
      order_date: non-ISO dates read: 1
      amount: currency symbols removed: 1
    flagged (kept):
      zero amount: 1
    notes:
      read from a DataFrame (row labels are its index)
    """
    # a DataFrame, or a LargeRead (crmlab.io.large): both carry attrs["report"]
    rep = data.attrs.get("report") if isinstance(getattr(data, "attrs", None), dict) else None
    if rep is None:
        raise CRMDataError(
            "report: this table carries no read report. It is made by "
            "crmlab.read_transactions (result.attrs['report']); pandas operations such as "
            "merge or concat may drop it, so call report() on the table as read."
        )
    return _report_text(rep)


def _report_text(rep: dict) -> str:
    """The text of :func:`report` from the account dict itself."""
    dropped = sum(rep["dropped"].values())
    lines = [f"{rep['source']}: {rep['rows_in']} rows in, {rep['rows_out']} rows out, "
             f"{dropped} dropped"]
    if rep["dropped"]:
        lines.append("dropped:")
        lines += [f"  {why}: {n} ({show_rows(rep['dropped_rows'][why])})"
                  for why, n in rep["dropped"].items()]
    for title, key in (("cleaned", "cleaned"), ("flagged (kept)", "flagged")):
        if rep[key]:
            lines.append(f"{title}:")
            lines += [f"  {what}: {n}" for what, n in rep[key].items()]
    if rep.get("rules"):
        lines.append("purchase rules:")
        lines += [f"  {rule}" for rule in rep["rules"]]
    if rep["notes"]:
        lines.append("notes:")
        lines += [f"  {note}" for note in rep["notes"]]
    return "\n".join(lines)


# -- loading -----------------------------------------------------------------------------

def _load(src, names: list, sheet, encoding, kwargs: dict) -> _Raw:
    if isinstance(src, pd.DataFrame):
        return _Raw(src, src.index.to_numpy(), "the DataFrame", is_file=False,
                    notes=["read from a DataFrame (row labels are its index)"])
    if hasattr(src, "read"):
        return _read_csv(src.read(), names, encoding, kwargs, "the input")
    if not isinstance(src, (str, os.PathLike)):
        raise CRMDataError(
            f"{_CALLER}: expected a file path or a pandas DataFrame, got "
            f"{type(src).__name__}. Pass a path such as 'sales.csv' or pd.DataFrame(...)."
        )
    path = Path(src).expanduser()
    if not path.is_file():
        raise _not_found(path)
    gz = path.name.lower().endswith(".gz")
    ext = Path(path.name.lower().removesuffix(".gz")).suffix
    if ext in _CSV:
        data = path.read_bytes()
        return _read_csv(gzip.decompress(data) if gz else data, names, encoding, kwargs,
                         path.name)
    if ext in _EXCEL and not gz:
        return _read_excel(path, names, sheet, kwargs)
    if ext in _PARQUET and not gz:
        try:
            frame = pd.read_parquet(path, **kwargs)
        except (OSError, ValueError, ImportError) as e:  # pyarrow's errors subclass these
            raise CRMDataError(f"{_CALLER}: cannot read {path.name!r} as Parquet: {e}") from e
        return _Raw(frame, np.arange(len(frame)), path.name,
                    notes=[f"read {path.name} as Parquet (row labels are 0-based positions)"])
    raise CRMDataError(
        f"{_CALLER}: cannot read {path.name!r}: unsupported file type "
        f"{''.join(path.suffixes) or '(no extension)'!r}. crmlab reads CSV (.csv, .tsv, .txt, "
        f"also .gz), Excel (.xlsx, .xlsm, .xls) and Parquet (.parquet). Save the table as "
        f"one of these, or load it with pandas and pass the DataFrame."
    )


def _not_found(path: Path) -> CRMDataError:
    hint = ""
    if path.parent.is_dir():
        names = sorted(p.name for p in path.parent.iterdir())
        close = difflib.get_close_matches(path.name, names, n=1, cutoff=0.6)
        if close:
            hint = f" Did you mean {str(path.with_name(close[0]))!r}?"
    elif not path.is_absolute():
        hint = " Relative paths start from the working directory, see os.getcwd()."
    return CRMDataError(f"{_CALLER}: file not found: {str(path)!r}.{hint}")


def _decode(data: bytes, encoding: str | None, source: str) -> tuple[str, dict]:
    """Decode CSV bytes; return the text and how (name, confidence, method)."""
    if encoding is not None:
        try:
            return data.decode(encoding), {"name": encoding, "confidence": 1.0,
                                           "method": "given"}
        except (UnicodeDecodeError, LookupError) as e:
            raise CRMDataError(
                f"{_CALLER}: cannot decode {source} as {encoding!r}: {e}. Leave encoding=None "
                f"to detect it, or pass the encoding the file was saved with."
            ) from e
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), {"name": "utf-16", "confidence": 1.0, "method": "BOM"}
    try:
        bom = data.startswith(b"\xef\xbb\xbf")
        return data.decode("utf-8-sig"), {"name": "utf-8 with BOM" if bom else "utf-8",
                                          "confidence": 1.0, "method": "strict decode"}
    except UnicodeDecodeError as e:
        first_bad = e.start
    from charset_normalizer import from_bytes

    matches = [m for m in from_bytes(data, cp_isolation=list(ENCODINGS))]
    for best in matches:
        confidence = round(max(0.0, 1.0 - float(best.chaos)), 2)
        try:
            text = data.decode(best.encoding)
        except UnicodeDecodeError:
            continue
        if confidence < MIN_CONFIDENCE:
            raise CRMDataError(
                f"{_CALLER}: {source} is not UTF-8 (bad byte at position {first_bad}), and "
                f"charset-normalizer's best guess, {best.encoding}, has confidence "
                f"{confidence:.2f} (below {MIN_CONFIDENCE}): too low to trust. Pass the "
                f"encoding it was saved with, e.g. encoding='gbk' (Chinese Excel), "
                f"encoding='cp1252' (Western Excel) or encoding='big5' (Traditional Chinese)."
            )
        label = "gb18030 (GBK)" if best.encoding == "gb18030" else best.encoding
        return text, {"name": label, "confidence": confidence,
                      "method": "detected by charset-normalizer"}
    raise CRMDataError(
        f"{_CALLER}: {source} is neither UTF-8 nor text in one of {', '.join(ENCODINGS)} "
        f"(bad byte at position {first_bad}). Pass the encoding it was saved with, e.g. "
        f"encoding='cp1252' (Western Excel) or encoding='big5' (Traditional Chinese)."
    )


def _find_header(rows: list[list], names: list) -> tuple[int, int]:
    """Return (how many names, row) for the first row holding the most requested names."""
    best = (0, 0)
    for i, row in enumerate(rows[:_SCAN]):
        cells = {str(v).strip() for v in row if v is not None}
        hits = sum(n in cells for n in names)
        if hits > best[0]:
            best = (hits, i)
    return best


def _read_csv(data, names: list, encoding, kwargs: dict, source: str) -> _Raw:
    text, enc = (_decode(data, encoding, source) if isinstance(data, bytes)
                 else (data, {"name": "(given as text)", "confidence": 1.0, "method": "text"}))
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise CRMDataError(
            f"{_CALLER}: {source} is empty: no header, no rows. Check that the export "
            f"wrote the table (and the right sheet)."
        )
    head = re.split(r"\r\n|\r|\n", text[:1_000_000], maxsplit=_SCAN)[:_SCAN]
    given = kwargs.pop("sep", kwargs.pop("delimiter", None))
    seps = [given] if given else list(_DELIMITERS)
    # the header: the line holding most of the names (earliest, then first delimiter)
    head = [ln[:100_000] for ln in head]  # csv's field limit; a header is never that long
    found = {d: _find_header([next(csv.reader([ln], delimiter=d), []) for ln in head], names)
             for d in seps}
    sep = max(seps, key=lambda d: (found[d][0], -found[d][1]))
    hits, hdr = found[sep]
    if hits == 0:  # none at all: let the missing-column error list what is there
        hdr = next(i for i, line in enumerate(head) if line.strip())

        def score(d):
            widths = [len(next(csv.reader([ln], delimiter=d))) for ln in head[hdr:] if ln]
            return widths[0] > 1, sum(w == widths[0] for w in widths), widths[0]

        sep = max(seps, key=score)
    if isinstance(kwargs.get("skiprows"), int):  # the caller knows where the header is
        hdr = kwargs.pop("skiprows")
    header = next(csv.reader([head[hdr]], delimiter=sep), []) if hdr < len(head) else []
    dtype = {h: str for h in header if h.strip() in names}
    text = text.rstrip() + "\n"  # blank lines at the end are not rows
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            # as UTF-8 bytes: pandas' C parser reads them directly (a StringIO it
            # re-encodes chunk by chunk, about a fifth slower)
            frame = pd.read_csv(io.BytesIO(text.encode("utf-8")), sep=sep, skiprows=hdr,
                                dtype=dtype, skip_blank_lines=False, index_col=False,
                                encoding="utf-8", **kwargs)
    except pd.errors.EmptyDataError as e:
        raise CRMDataError(f"{_CALLER}: {source} has no header and no rows.") from e
    except pd.errors.ParserError as e:
        raise CRMDataError(
            f"{_CALLER}: cannot split {source} into columns at {sep!r}: {e}. Put quotes "
            f"around fields that contain {sep!r}, or pass sep=... if the delimiter is another."
        ) from e
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
        lines = re.split(r"\r\n|\r|\n", text)
        wide = [i + 1 for i, f in enumerate(csv.reader(lines[hdr:], delimiter=sep), hdr)
                if len(f) > len(header)]
        raise CRMDataError(
            f"{_CALLER}: {show_rows(wide)} of {source} {'has' if len(wide) == 1 else 'have'} "
            f"more fields than the header "
            f"({len(header)}, split at {sep!r}). Is {sep!r} also used inside values, e.g. "
            f"1,200 or 12,50? Put quotes around such fields, or pass sep=..."
        )
    name = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}.get(sep, repr(sep))
    how = (f" ({enc['method']}, confidence {enc['confidence']:.2f})"
           if enc["method"].startswith("detected") else "")
    note = (f"read {source} as CSV: encoding {enc['name']}{how}, delimiter {name}, header on "
            f"line {hdr + 1}")
    return _Raw(frame, np.arange(len(frame)) + hdr + 2, source, sep=sep, header=f"line {hdr + 1}",
                notes=[note + (f" ({hdr} lines above it skipped)" if hdr else "")], encoding=enc)


def _read_excel(path: Path, names: list, sheet, kwargs: dict) -> _Raw:
    if kwargs:
        raise TypeError(f"{_CALLER}: Excel files take no extra arguments, got {sorted(kwargs)}")
    if path.suffix.lower() == ".xls":
        try:
            table = pd.read_excel(path, sheet_name=sheet, header=None)
        except ImportError as e:
            raise CRMDataError(
                f"{_CALLER}: {path.name} is an old .xls workbook, which needs the xlrd "
                f"package (pip install xlrd); or open it in Excel and save it as .xlsx."
            ) from e
        except (ValueError, OSError) as e:
            raise CRMDataError(f"{_CALLER}: cannot read {path.name!r} as Excel: {e}") from e
        rows, title = table.astype(object).where(table.notna(), None).values.tolist(), sheet
    else:
        import openpyxl

        with warnings.catch_warnings():  # openpyxl warns about styles it cannot read
            warnings.simplefilter("ignore")
            try:
                book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            except Exception as e:  # a damaged or mislabelled file: zipfile, XML errors
                raise CRMDataError(f"{_CALLER}: cannot read {path.name!r} as Excel: {e}") from e
        try:
            ws = book.worksheets[sheet] if isinstance(sheet, int) else book[sheet]
        except (IndexError, KeyError):
            raise CRMDataError(
                f"{_CALLER}: {path.name} has no sheet {sheet!r}; its sheets are "
                f"{book.sheetnames}. Pass sheet= with a name or a 0-based number."
            ) from None
        rows, title = [list(r) for r in ws.iter_rows(values_only=True)], ws.title
        book.close()
    blank = [all(v is None or str(v).strip() == "" for v in r) for r in rows]
    if all(blank):
        raise CRMDataError(f"{_CALLER}: sheet {title!r} of {path.name} is empty.")
    rows = rows[:len(rows) - blank[::-1].index(False)]  # empty rows at the end are not rows
    hits, hdr = _find_header(rows, names)
    hdr = hdr if hits else blank.index(False)
    width = max(len(r) for r in rows)
    cols, seen = [], {}
    for j, v in enumerate(rows[hdr] + [None] * (width - len(rows[hdr]))):
        col = str(v).strip() if v is not None and str(v).strip() else f"Unnamed: {j}"
        seen[col] = seen.get(col, -1) + 1
        cols.append(f"{col}.{seen[col]}" if seen[col] else col)
    body = [r + [None] * (width - len(r)) for r in rows[hdr + 1:]]
    frame = pd.DataFrame(body, columns=cols) if body else pd.DataFrame(columns=cols)
    note = f"read sheet {title!r} of {path.name}: header on row {hdr + 1}"
    return _Raw(frame, np.arange(len(body)) + hdr + 2, path.name, header=f"row {hdr + 1}",
                notes=[note + (f" ({hdr} rows above it skipped)" if hdr else "")], excel=True)


# -- cleaning ------------------------------------------------------------------------------

def _take(per_unique, codes: np.ndarray, fill):
    """Spread values computed once per unique value back to the rows (code -1 = NA)."""
    return np.append(np.asarray(per_unique, dtype=object if fill is None else None),
                     fill)[codes]


def _arrow(col: pd.Series):
    """The column as a pyarrow string array, when it is a string column (else None)."""
    if not FAST or col.dtype == object or not pd.api.types.is_string_dtype(col):
        return None
    import pyarrow as pa

    try:
        return pa.array(col)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):  # pragma: no cover
        return None


def _blank(col: pd.Series) -> np.ndarray:
    out = col.isna().to_numpy(dtype=bool, copy=True)
    if col.dtype == object:
        codes, uniq = pd.factorize(col)
        out |= _take([isinstance(v, str) and not v.strip() for v in uniq], codes, False) == 1
    elif pd.api.types.is_string_dtype(col):
        out |= (col.str.strip() == "").to_numpy(dtype=bool, na_value=False)
    return out


def _text(v) -> str | None:
    if isinstance(v, float | np.floating) and float(v).is_integer():
        v = int(v)
    return str(v).strip() or None


def _ids(col: pd.Series, normalize: bool = False) -> tuple[pd.Series, np.ndarray, dict]:
    """Ids as text (1001.0 -> '1001'), trimmed; blank -> NA. Also: which were padded, and
    (``normalize``) which were made half-width or lower-cased (e-mail addresses)."""
    if pd.api.types.is_string_dtype(col) and col.dtype != object and FAST:
        stripped = col.str.strip()
        ids = stripped.where(stripped != "")
        padded = (col != stripped).to_numpy(dtype=bool, na_value=False)
        ids = ids.reset_index(drop=True)
    else:
        codes, uniq = pd.factorize(col)
        ids = pd.Series(_take([_text(v) for v in uniq], codes, None), dtype="str")
        padded = _take([isinstance(v, str) and v != v.strip() for v in uniq], codes,
                       False).astype(bool)
    flags = {}
    if normalize:
        wide = ~ids.str.isascii().to_numpy(dtype=bool, na_value=True)
        wide &= ids.notna().to_numpy()
        if wide.any():
            half = ids[wide].map(lambda v: unicodedata.normalize("NFKC", v).strip())
            changed = np.zeros(len(ids), bool)
            changed[wide] = (half != ids[wide]).to_numpy()
            ids = ids.copy()
            ids[wide] = half
            flags["customer_id: full-width characters made half-width"] = changed
        mail = ids.str.contains("@", regex=False).to_numpy(dtype=bool, na_value=False)
        if mail.any():
            lower = ids[mail].str.lower()
            changed = np.zeros(len(ids), bool)
            changed[mail] = (lower != ids[mail]).to_numpy()
            ids = ids.copy()
            ids[mail] = lower
            flags["customer_id: e-mail addresses lower-cased"] = changed
    return ids, padded, flags


class _Seen:
    """A set of 64-bit hashes in one sorted array (8 bytes a member), for reads in parts."""

    def __init__(self) -> None:
        self.values = np.empty(0, np.uint64)

    def seen(self, h: np.ndarray) -> np.ndarray:
        """Which of ``h`` were added before; then add them all."""
        if len(self.values):
            at = np.searchsorted(self.values, h).clip(max=len(self.values) - 1)
            before = self.values[at] == h
        else:
            before = np.zeros(len(h), bool)
        new = np.sort(h[~before])
        new = new[np.r_[True, new[1:] != new[:-1]]] if len(new) else new
        if len(new):
            merged = np.concatenate([self.values, new])
            merged.sort(kind="stable")  # two sorted runs: merged in one pass
            self.values = merged
        return before


class _DayOrder:
    """The day/month order of a date column read in parts (chunks): decided by the first
    part with an unambiguous date, then checked, never re-decided, in every later part."""

    def __init__(self) -> None:
        self.first: bool | None = None
        self.unambiguous = _Seen()  # the distinct unambiguous date texts seen
        self.shown = ""  # the rows that decided it

    @property
    def n(self) -> int:
        return len(self.unambiguous.values)

    def __bool__(self) -> bool:  # as dateutil's dayfirst= for what is left
        return bool(self.first)


def _dayfirst_note(first: bool, n: int) -> str:
    return (f"order_date: day/month order detected as "
            f"{'day/month/year' if first else 'month/day/year'} from {n} "
            f"unambiguous date{'s' if n != 1 else ''} (pass dayfirst= to say so)")


def _dayfirst_in_parts(parts: pd.DataFrame, labels_of, name: str, source: str,
                       order: _DayOrder, texts: pd.Series) -> bool:
    """:func:`_dayfirst_of` for one part of a column read in parts."""
    a, b = parts[0].astype(int), parts[1].astype(int)
    day_first, month_first = a > 12, b > 12
    if order.first is None:
        if not (day_first.any() or month_first.any()) and (a != b).any():
            rows = labels_of(a != b)
            raise CRMDataError(
                f"{_CALLER}: column {name!r} has dates such as {show_rows(rows[0], rows[1])} "
                f"of {source} that read as day/month/year or as month/day/year, and no date "
                f"up to them settles which (none has a first or second number above 12). A "
                f"file read in chunks decides the order on its first dates. Pass "
                f"dayfirst=True if 03/05/2024 means 3 May, or dayfirst=False if it means "
                f"5 March.")
        first, note = _dayfirst_of(parts, labels_of, name, source, None)
        if note is None:
            return first  # only dates such as 01/01/2024: the same either way
        order.first = first
        rows = labels_of(day_first if first else month_first)
        order.shown = show_rows(rows[0], rows[1])
    against = month_first if order.first else day_first
    if against.any():
        rows = labels_of(against)
        was, now = (("day/month/year", "month/day/year") if order.first
                    else ("month/day/year", "day/month/year"))
        raise CRMDataError(
            f"{_CALLER}: column {name!r} of {source} was read as {was} (decided by "
            f"{order.shown}), but {show_rows(rows[0], rows[1])} can only be {now}. One "
            f"column must use one convention: correct those cells, or pass "
            f"dayfirst=True or dayfirst=False (or date_format='%d/%m/%Y') to read the "
            f"whole column in one convention.")
    sure = (day_first | month_first).to_numpy()
    order.unambiguous.seen(pd.util.hash_array(texts[sure].to_numpy(object)))
    return order.first


def _dayfirst_of(parts: pd.DataFrame, labels_of, name: str, source: str,
                 dayfirst: bool | None, texts: pd.Series | None = None
                 ) -> tuple[bool, str | None]:
    """The day/month order of slashed dates: given, or detected, or an error."""
    if isinstance(dayfirst, _DayOrder):
        return _dayfirst_in_parts(parts, labels_of, name, source, dayfirst, texts), None
    if dayfirst is not None:
        return dayfirst, None
    a, b = parts[0].astype(int), parts[1].astype(int)
    day_first, month_first = a > 12, b > 12
    if day_first.any() and month_first.any():
        df_rows, mf_rows = labels_of(day_first), labels_of(month_first)
        raise CRMDataError(
            f"{_CALLER}: column {name!r} mixes day-first and month-first dates: "
            f"{show_rows(df_rows[0], df_rows[1])} can only be day/month/year, "
            f"{show_rows(mf_rows[0], mf_rows[1])} only month/day/year, of {source}. One "
            f"column must use one convention: correct those cells, or pass "
            f"date_format='%d/%m/%Y' (or '%m/%d/%Y') to read it in one and drop the rest."
        )
    if day_first.any() or month_first.any():
        first = bool(day_first.any())
        return first, _dayfirst_note(first, int((day_first | month_first).sum()))
    ambiguous = a != b
    if not ambiguous.any():
        return False, None  # 01/01, 02/02, ...: the same date either way
    rows = labels_of(ambiguous)
    raise CRMDataError(
        f"{_CALLER}: column {name!r} has dates such as {show_rows(rows[0], rows[1])} of "
        f"{source} that read as day/month/year or as month/day/year, and no date in it "
        f"settles which (none has a first or second number above 12). Pass "
        f"dayfirst=True if 03/05/2024 means 3 May, or dayfirst=False if it means 5 March."
    )


def _dates(col: pd.Series, *, dayfirst: bool | None, date_format: str | None,
           epoch_ms: bool, labels: np.ndarray, source: str, chunk: Any = None
           ) -> tuple[pd.Series, np.ndarray, dict, list]:
    """Parse dates in one convention; return them, which non-blank values failed, the
    cleaning flags per row and notes."""
    from dateutil import parser as dateutil_parser

    n, name = len(col), col.name
    notes: list[str] = []
    if pd.api.types.is_datetime64_any_dtype(col):
        values = col.reset_index(drop=True)
        tz = np.full(n, values.dt.tz is not None)
        if values.dt.tz is not None:
            values = values.dt.tz_localize(None)
        return values, np.zeros(n, bool), {"order_date: time zone removed": tz & values.notna()}, []
    codes, uniq = pd.factorize(col)
    raw_u = list(uniq)
    is_stamp = np.array([isinstance(v, _dt.datetime | _dt.date | pd.Timestamp) for v in raw_u],
                        dtype=bool)
    is_num = np.array([isinstance(v, int | float | np.number) and not isinstance(v, bool)
                       for v in raw_u], dtype=bool)
    texts = []
    for v in raw_u:
        if isinstance(v, float | np.floating) and float(v).is_integer():
            v = int(v)  # 20240105.0 from a numeric column
        t = str(v).strip()
        texts.append(t if t else None)
    s = pd.Series(texts, dtype="str")
    parsed = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    other = np.zeros(len(s), bool)
    tz = np.zeros(len(s), bool)
    serial = np.zeros(len(s), bool)
    epoch = np.zeros(len(s), bool)

    def first_rows(mask_u: np.ndarray) -> tuple[list, list]:
        """Rows and values of up to five rows whose unique value is in ``mask_u``."""
        hit = np.flatnonzero(np.isin(codes, np.flatnonzero(mask_u)))[:5]
        return labels[hit].tolist(), [texts[codes[k]] for k in hit]

    if is_stamp.any():
        stamps = pd.to_datetime(pd.Series([pd.Timestamp(v) if is_stamp[k] else None
                                           for k, v in enumerate(raw_u)]), utc=False,
                                errors="coerce")
        if getattr(stamps.dt, "tz", None) is not None:  # pragma: no cover
            stamps = stamps.dt.tz_localize(None)
        parsed[is_stamp] = stamps[is_stamp].astype("datetime64[us]")
    digits = s.str.fullmatch(r"\d+(?:\.\d+)?").to_numpy(dtype=bool, na_value=False)
    number = pd.to_numeric(s.where(digits | is_num), errors="coerce")
    if date_format in ("epoch-ms", "epoch-s") or (epoch_ms and date_format is None):
        unit = "s" if date_format == "epoch-s" else "ms"
        width = (9, 11) if unit == "s" else (12, 14)
        whole = digits & s.str.len().between(*width).to_numpy(dtype=bool, na_value=False)
        if whole.any():
            parsed[whole] = pd.to_datetime(number[whole].astype("int64"), unit=unit)
            epoch |= whole
            notes.append(f"order_date: epoch {'milli' if unit == 'ms' else ''}seconds read "
                         f"as UTC times")
    if date_format not in (None, "epoch-ms", "epoch-s", "excel"):
        todo = s.notna() & parsed.isna() & ~pd.Series(is_stamp)
        got = pd.to_datetime(s.where(todo), format=date_format, errors="coerce")
        parsed = parsed.fillna(got)
        other |= (got.notna() & todo).to_numpy()
    elif date_format != "epoch-ms" and date_format != "epoch-s":
        if date_format == "excel" or date_format is None:
            lo, hi = _SERIAL if date_format is None else (1, 2958466)
            ser = ((digits | is_num) & (number >= lo).to_numpy(dtype=bool, na_value=False)
                   & (number < hi).to_numpy(dtype=bool, na_value=False)
                   & parsed.isna().to_numpy())
            if date_format is None:
                ser &= ~s.str.fullmatch(r"\d{8}").to_numpy(dtype=bool, na_value=False)
            if ser.any():
                days = number[ser].astype(float)
                parsed[ser] = (_EXCEL_DAY0 + pd.to_timedelta(days, unit="D")).dt.round("s")
                serial |= ser
        if date_format is None:
            parsed, other, tz = _text_dates(s, parsed, other, tz, dayfirst, first_rows, name,
                                            source, notes, chunk)
            for k in np.flatnonzero(parsed.isna().to_numpy() & s.notna().to_numpy()):
                t = s.iloc[k]  # the rest: dateutil, if it has a day, month and year
                n_digits = len(re.findall(r"\d+", t))
                if n_digits >= 3 or (n_digits == 2 and re.search(r"[A-Za-z]{3}", t)):
                    try:
                        stamp = pd.Timestamp(dateutil_parser.parse(t, dayfirst=bool(dayfirst)))
                    except (ValueError, OverflowError):
                        continue
                    tz[k] = stamp.tz is not None
                    parsed.iloc[k] = stamp.tz_localize(None)
                    other[k] = True
    values = pd.Series(_take(parsed.to_numpy(), codes, np.datetime64("NaT")))
    values = pd.to_datetime(values)
    bad = values.isna().to_numpy() & (codes >= 0) & _take(s.notna().to_numpy(), codes, False)
    flags = {
        "order_date: non-ISO dates read": _take(other & ~serial & ~epoch, codes, False),
        "order_date: time zone removed": _take(tz, codes, False),
        "order_date: Excel serial numbers read": _take(serial, codes, False),
        "order_date: epoch timestamps read": _take(epoch, codes, False),
    }
    flags = {k: v.astype(bool) for k, v in flags.items()}
    if serial.any():
        notes.append(f"order_date: Excel serial day numbers ({_SERIAL[0]}-{_SERIAL[1]}) "
                     f"read as dates (day 1 = 1900-01-01)")
    return values, bad.astype(bool), flags, notes


def _text_dates(s, parsed, other, tz, dayfirst, first_rows, name, source, notes,
                chunk=None):
    """The text forms: ISO (with offsets), year first, compact, dotted, slashed."""
    todo = parsed.isna() & s.notna()
    iso = s.str.fullmatch(_ISO).to_numpy(dtype=bool, na_value=False) & todo.to_numpy()
    norm = s.where(iso)
    iso_tz = s.str.fullmatch(_ISO + _TZ).to_numpy(dtype=bool, na_value=False) & todo.to_numpy()
    iso_tz &= ~iso
    if iso_tz.any():
        offsets = s[iso_tz].str.extract(f"({_TZ})$")[0].str.strip()
        norm = norm.fillna(s.where(iso_tz).str.replace(f"{_TZ}$", "", regex=True)
                           .str.strip())
        tz |= iso_tz
        if chunk is not None:  # distinct values over the whole file
            chunk.offsets(s[iso_tz], offsets)
        seen = offsets.value_counts()
        notes.append("order_date: UTC offsets removed, local time kept (" + ", ".join(
            f"{k}: {v} value{'s' if v != 1 else ''}" for k, v in seen.items()) + ")")
    plain = iso | iso_tz
    for pattern, order in ((_YMD, (1, 2, 3)), (_COMPACT, (1, 2, 3)), (_DOTTED, (3, 2, 1))):
        parts = s.where(todo & ~plain).str.extract(f"^{pattern.pattern}$")
        if parts.empty or not parts[0].notna().any():
            continue
        y, m, d = (parts[k - 1] for k in order)
        rest = parts[3].fillna("") if parts.shape[1] > 3 else ""
        norm = norm.fillna(y + "-" + m.str.zfill(2) + "-" + d.str.zfill(2) + rest)
    parts = s.where(todo & norm.isna()).str.extract(f"^{_SLASHED.pattern}$")
    slashed = parts[0].notna().to_numpy()
    if slashed.any():
        sub = parts[slashed]

        def labels_of(mask):
            full = np.zeros(len(s), bool)
            full[np.flatnonzero(slashed)[mask.to_numpy()]] = True
            return first_rows(full)

        first, note = _dayfirst_of(sub, labels_of, name, source, dayfirst, s[slashed])
        if note:
            notes.append(note)
        d, m = (sub[0], sub[1]) if first else (sub[1], sub[0])
        y = sub[2].where(sub[2].str.len() == 4, "20" + sub[2])
        times = sub[3].fillna("").map(_clock)
        norm[slashed] = y + "-" + m.str.zfill(2) + "-" + d.str.zfill(2) + times
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = pd.to_datetime(norm, format="ISO8601", errors="coerce")
    parsed = parsed.fillna(got.astype("datetime64[us]"))
    other |= got.notna().to_numpy() & ~plain
    return parsed, other, tz


def _clock(t: str) -> str:
    """' 10:05 PM' -> ' 22:05'; '' -> ''."""
    t = t.strip()
    if not t:
        return ""
    m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([AaPp])\.?[Mm]\.?)?", t)
    hour = int(m.group(1))
    if m.group(4):
        hour = hour % 12 + (12 if m.group(4).lower() == "p" else 0)
    return f" {hour:02d}:{m.group(2)}" + (f":{m.group(3)}" if m.group(3) else "")


_STRICT = {".": r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$", ",": r"^[+-]?\d+$"}


def _amounts(col: pd.Series, decimal: str) -> tuple[pd.Series, np.ndarray, dict, np.ndarray]:
    """Amounts as float; return them, which non-blank values are not numbers, the cleaning
    flags and each row's currency code from its symbol (None where there is none)."""
    n = len(col)
    if pd.api.types.is_bool_dtype(col):
        raise CRMDataError(
            f"{_CALLER}: the amount column {col.name!r} holds True/False, not money. "
            f"Pass amount= with the column of order values."
        )
    if pd.api.types.is_numeric_dtype(col):
        values = pd.Series(col.to_numpy(dtype="float64"))
        return values, np.isinf(values.to_numpy()), {}, np.full(n, None, dtype=object)
    arr = _arrow(col)
    values = np.full(n, np.nan)
    slow = np.ones(n, bool)
    if arr is not None:  # the fast path: plain numbers, parsed by pyarrow
        import pyarrow as pa
        import pyarrow.compute as pc

        ok = pc.fill_null(pc.match_substring_regex(arr, _STRICT[decimal]), False)
        nums = pc.cast(pc.if_else(ok, arr, pa.scalar(None, arr.type)), pa.float64())
        fast = ok.to_numpy(zero_copy_only=False)
        values[fast] = nums.to_numpy(zero_copy_only=False)[fast]
        slow = ~fast
    rest = col[slow]
    codes, uniq = pd.factorize(rest)
    u = pd.Series(uniq, dtype=object)
    is_num = u.map(lambda v: isinstance(v, int | float | np.number) and not isinstance(v, bool))
    num = pd.Series(np.nan, index=u.index)
    num[is_num] = u[is_num].astype(float)
    t0 = u[~is_num].astype("str").str.strip()
    t = t0.map(lambda v: unicodedata.normalize("NFKC", v))  # full-width digits and signs
    wide = t != t0.str.replace("￥", "¥", regex=False)  # not for the currency sign alone
    t = t.str.replace("\u2212", "-", regex=False)
    paren = t.str.startswith("(") & t.str.endswith(")")
    t = t.where(~paren, t.str.slice(1, -1))
    wan = t.str.contains(r"万元?$|万元?\s*$|^[^万]*万\s*元?\s*$", regex=True)
    t = t.str.replace(r"\s*万\s*", "", regex=True)
    found = t.str.extract(f"(?i)({_CUR})")[0]
    code = found.str.lower().map(_CODES)
    currency = found.notna()
    t = t.str.replace(_CURRENCY, "", regex=True)
    spaces = t.str.contains(_SPACES)
    t = t.str.replace(_SPACES, "", regex=True)
    trailing = t.str.fullmatch(r"[^-]*\d-") & ~t.str.startswith("-")
    t = t.where(~trailing, "-" + t.str.slice(0, -1))
    thou, dec = (",", ".") if decimal == "." else (".", ",")
    grouped = rf"\d{{1,3}}(?:\{thou}\d{{3}})+"
    ok = t.str.fullmatch(rf"[+-]?(?:(?:{grouped}|\d+)(?:\{dec}\d*)?|\{dec}\d+)(?:[eE][+-]?\d+)?")
    plain = t.str.replace(thou, "", regex=False).str.replace(dec, ".", regex=False)
    parsed = pd.to_numeric(plain.where(ok), errors="coerce")
    parsed = parsed.where(~paren, -parsed).where(~wan, parsed * 10000)
    num[~is_num] = parsed
    blank = pd.Series(False, index=u.index)
    blank[~is_num] = t == ""
    slow_values = _take(num.to_numpy(), codes, np.nan)
    values[slow] = slow_values
    bad = np.zeros(n, bool)
    bad[slow] = _take((num.isna() & ~blank).to_numpy(), codes, False).astype(bool)
    values[np.flatnonzero(slow)[_take(blank.to_numpy(), codes, False).astype(bool)]] = np.nan
    row_code = np.full(n, None, dtype=object)
    full_code = pd.Series(None, index=u.index, dtype=object)
    full_code[~is_num] = code.where(ok)
    row_code[slow] = _take(full_code.to_numpy(), codes, None)

    def rows(flag):
        full = pd.Series(False, index=u.index)
        full[~is_num] = flag & ok
        out = np.zeros(n, bool)
        out[slow] = _take(full.to_numpy(), codes, False).astype(bool)
        return out

    flags = {
        "amount: full-width characters read": rows(wide),
        "amount: currency symbols removed": rows(currency),
        "amount: spaces removed": rows(spaces),
        "amount: thousands separators removed": rows(t.str.contains(thou, regex=False)),
        "amount: decimal comma read": rows(t.str.contains(",", regex=False) & (dec == ",")),
        "amount: (parentheses) read as negative": rows(paren),
        "amount: trailing minus read as negative": rows(trailing),
        "amount: 万 read as 10,000": rows(wan),
    }
    return pd.Series(values, dtype="float64"), bad, flags, row_code


def _amount_error(values: pd.Series, rows: np.ndarray, n: int, name: str, source: str,
                  decimal: str) -> CRMDataError:
    texts = [str(v) for v in values]
    if decimal == "." and any(re.search(r"\d,\d{1,2}(?!\d)", t) for t in texts):
        fix = "They look like decimal commas: pass decimal=','."
    elif decimal == "," and any(re.search(r"\d\.\d{1,2}(?!\d)", t) for t in texts):
        fix = ("They look like decimal points: pass decimal='.' (a semicolon-delimited "
               "file is read with a decimal comma unless you say so).")
    else:
        fix = ("Correct or delete those cells (or leave them empty: a missing amount is "
               "dropped and reported).")
    return CRMDataError(
        f"{_CALLER}: column {name!r} has {len(texts)} of {n} values that are not amounts, "
        f"even after removing currency symbols, spaces and thousands separators: "
        f"{show_rows(rows, values)} of {source}. {fix}"
    )


def _read_rates(rates) -> dict[str, float]:
    if isinstance(rates, dict):
        table = dict(rates)
    else:
        if isinstance(rates, pd.DataFrame):
            frame = rates
        else:
            path = Path(rates).expanduser()
            if not path.is_file():
                raise _not_found(path)
            frame = pd.read_csv(path, encoding="utf-8-sig")
        cols = {str(c).strip().lower(): c for c in frame.columns}
        if not {"currency", "rate"} <= set(cols):
            raise CRMDataError(
                f"{_CALLER}: a rate table needs the columns currency and rate (the value "
                f"of one unit in the analysis currency); it has "
                f"{', '.join(map(str, frame.columns))}.")
        table = dict(zip(frame[cols["currency"]], frame[cols["rate"]], strict=True))
    out = {}
    for k, v in table.items():
        code = _currency_code(k)
        try:
            rate = float(v)
        except (TypeError, ValueError):
            rate = float("nan")
        if code is None or not np.isfinite(rate) or rate <= 0:
            raise CRMDataError(f"{_CALLER}: rates: {k!r} -> {v!r} is not a currency code and "
                               f"a positive rate.")
        out[code] = rate
    return out


def _currency_code(v) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    t = str(v).strip()
    if not t:
        return None
    return _CODES.get(t.lower(), t.upper())


def _resolve(frame: pd.DataFrame, wanted: dict, pre: Preset | None, raw: _Raw
             ) -> dict[str, str]:
    """Role -> the column of ``frame`` that plays it (the first candidate present)."""
    found = {}
    present = list(frame.columns)
    for role, names in wanted.items():
        hit = next((n for n in names if n in frame.columns), None)
        if hit is not None:
            found[role] = hit
            continue
        if role not in ("customer", "date", "amount") and pre is not None and \
                role in pre.columns and not (len(names) == 1 and names[0] not in
                                             pre.columns[role]):
            continue  # an optional column of the preset that this export lacks
        param = role
        err = missing_column(names[0], param, present, _CALLER)
        if len(names) > 1:
            err.args = (err.args[0].replace(
                f"no column {names[0]!r}",
                f"no column {' or '.join(map(repr, names))} (preset {pre.name!r})"),)
        if raw.header:
            err.args = (f"{err.args[0]} (crmlab took the header from {raw.header} of "
                        f"{raw.source}: the first of the top {_SCAN} holding most of the "
                        f"column names asked for, else the first non-empty one.)",)
        raise err
    cols = [found[r] for r in ("customer", "date", "amount", "order") if r in found]
    if len(set(cols)) < len(cols):
        shown = ", ".join(f"{r}={found[r]!r}" for r in ("customer", "date", "amount", "order")
                          if r in found)
        raise CRMDataError(f"{_CALLER}: customer, date, amount and order must name different "
                           f"columns; got {shown}.")
    for role, col in found.items():
        canon = _CANON.get(role)
        if canon and canon != col and canon in frame.columns and \
                canon not in found.values():
            raise CRMDataError(
                f"{_CALLER}: {role}={col!r} would be renamed to {canon!r}, but "
                f"{raw.source} already has a column {canon!r}. Pass {role}={canon!r}, "
                f"or drop or rename that column first."
            )
    return found


def _match(col: pd.Series, values: tuple) -> np.ndarray:
    wanted = {str(v).strip().casefold() for v in values}
    codes, uniq = pd.factorize(col)
    hit = [(_text(v) or "").casefold() in wanted for v in uniq]
    return _take(hit, codes, False).astype(bool)


def _clean(raw: _Raw, wanted: dict, filters: list, pre: Preset | None, *, decimal,
           dayfirst, date_format, as_of, future, to_currency, rates, amount_unit,
           normalize_ids) -> pd.DataFrame:
    frame, labels, source, chunk = raw.frame, raw.rows, raw.source, raw.chunk
    stripped = [c.strip() if isinstance(c, str) else c for c in frame.columns]
    renamed = sum(a != b for a, b in zip(stripped, frame.columns, strict=True))
    frame = frame.set_axis(stripped, axis=1).reset_index(drop=True)
    junk = [c for c in frame.columns if str(c).startswith("Unnamed: ") and frame[c].isna().all()]
    if junk:
        frame = frame.drop(columns=junk)
        raw.notes.append(f"{len(junk)} empty column(s) without a header ignored")
    empty = np.column_stack([_blank(frame[c]) for c in frame.columns] or
                            [np.ones(len(frame), bool)]).all(axis=1)
    if raw.is_file and len(frame) and (chunk is None or chunk.last):
        # blank lines after the last row are not rows
        last = len(frame) - np.argmin(empty[::-1]) if not empty.all() else 0
        frame, labels, empty = frame.iloc[:last], labels[:last], empty[:last]
    present = list(frame.columns)
    if len(frame) == 0 and chunk is not None:
        return None  # a last chunk of blank lines only
    if len(frame) == 0:
        raise CRMDataError(
            f"{_CALLER}: {source} has a header but no data rows (columns: "
            f"{', '.join(map(str, present))}). Check that the export wrote the rows."
        )
    cols = _resolve(frame, wanted, pre, raw)
    roles = {cols[r]: _CANON[r] for r in ("customer", "date", "amount", "order") if r in cols}
    n = len(frame)
    alive, dropped, dropped_rows = np.ones(n, bool), {}, {}
    notes = list(raw.notes)
    rules: list[str] = []
    if pre is not None:
        notes.append(f"preset {pre.name!r} ({pre.system}): " + ", ".join(
            f"{role} = {col!r}" for role, col in cols.items()))

    def drop(mask, reason):
        nonlocal alive
        hit = np.asarray(mask, bool) & alive
        if hit.any():
            dropped[reason] = dropped.get(reason, 0) + int(hit.sum())
            dropped_rows[reason] = dropped_rows.get(reason, []) + labels[hit].tolist()
            alive = alive & ~hit
        return int(hit.sum())

    drop(empty, "empty row")
    dcol, acol = frame[cols["date"]], frame[cols["amount"]]
    if "order" in cols:
        orders, _, _ = _ids(frame[cols["order"]])
        no_totals = _blank(dcol) & _blank(acol) & orders.notna().to_numpy()
        earlier = chunk.orders_seen(orders) if chunk is not None else False
        if no_totals.any():
            seen = orders.duplicated(keep="first").to_numpy() | earlier
            k = drop(no_totals & seen, "line item (order totals on the order's first row)")
            if k:
                rules.append(f"{k} line-item rows of orders whose totals are on the order's "
                             f"first row: not counted again")
    for f in filters:
        col = next((c for c in f.columns if c in frame.columns), None)
        if col is None:
            err = missing_column(f.columns[0], f.kind, present, _CALLER)
            what = f"{f.kind}={f.columns[0]}=...: " if f.explicit else (
                f"preset {pre.name!r} {'keeps' if f.kind == 'keep' else 'excludes'} rows by "
                f"column {' or '.join(map(repr, f.columns))}: ")
            raise CRMDataError(f"{err.args[0].split(': ', 1)[0]}: {what}"
                               f"{err.args[0].split(': ', 1)[1]} Pass {f.kind}='COLUMN=VALUE' "
                               f"with your status column, or {f.kind}=[] to apply no such "
                               f"filter.")
        hit = _match(frame[col], f.values)
        if f.kind == "keep":
            if not (hit & alive).any() and chunk is None:
                counts = frame.loc[alive, col].map(_text).value_counts()
                close = difflib.get_close_matches(f.values[0], [str(v) for v in counts.index],
                                                  n=3, cutoff=0.4)
                hint = (f" Did you mean {' or '.join(map(repr, close))}?" if close else "")
                shown = ", ".join(f"{v!r} ({c})" for v, c in counts.head(10).items())
                raise CRMDataError(
                    f"{_CALLER}: keep {col} = {' or '.join(f.values)} matches no row of "
                    f"{source}. Values in {col!r}: {shown}.{hint} Pass keep='{col}=VALUE'.")
            k = drop(~hit, f"not kept ({col} is not {' or '.join(f.values)})")
            rules.append(f"only rows with {col} = {' or '.join(f.values)}: {k} other rows "
                         f"left out")
        else:
            k = drop(hit, f"excluded ({col} = {' or '.join(f.values)})")
            rules.append(f"rows with {col} = {' or '.join(f.values)} left out: {k} rows")
            if not k:
                notes.append(f"exclude {col} = {' or '.join(f.values)}: no row matched")
    ids, padded, id_flags = _ids(frame[cols["customer"]], normalize=normalize_ids)
    drop(ids.isna(), "missing customer_id")
    if "order" in cols:
        drop(orders.isna(), "missing order_id")
    dates, bad_dates, date_flags, date_notes = _dates(
        dcol, dayfirst=dayfirst, date_format=date_format,
        epoch_ms=bool(pre is not None and pre.epoch_ms), labels=labels, source=source,
        chunk=chunk)
    notes += date_notes
    drop(_blank(dcol), "missing order_date")
    if alive.any() and bad_dates[alive].all() and chunk is None:
        fix = ("pass date_format= with its format, e.g. date_format='%d/%m/%Y'"
               if date_format is None else f"check date_format={date_format!r}")
        raise CRMDataError(
            f"{_CALLER}: no value of column {cols['date']!r} is a date crmlab can read: "
            f"{show_rows(labels[alive], dcol[alive])} of {source}. Accepted: {_ACCEPTED}. "
            f"Check that date= names the date column, or {fix}."
        )
    drop(bad_dates, "unparseable order_date")
    amounts, bad_amounts, amount_flags, cell_codes = _amounts(acol, decimal)
    drop(amounts.isna().to_numpy() & ~bad_amounts, "missing amount")
    if (bad_amounts & alive).any():
        hit = bad_amounts & alive
        raise _amount_error(acol[hit], labels[hit], n, cols["amount"], source, decimal)
    unit = amount_unit
    if unit is None and "万" in str(cols["amount"]):
        unit = 10000
        notes.append(f"amount: the header {cols['amount']!r} says 万: amounts multiplied by "
                     f"10,000 (pass amount_unit=1 if not)")
    if unit is not None and unit != 1:
        amounts = amounts * float(unit)
        rules.append(f"amounts in units of {unit:,g}: multiplied by {unit:,g}")
    refund_flags = {}
    if "refund" in cols:
        rcol = frame[cols["refund"]]
        refunds, bad_refunds, _, _ = _amounts(rcol, decimal)
        if (bad_refunds & alive).any():
            hit = bad_refunds & alive
            raise _amount_error(rcol[hit], labels[hit], n, cols["refund"], source, decimal)
        refunds = refunds.fillna(0.0).abs() * float(unit or 1)
        full = (amounts > 0) & (refunds >= amounts)
        k = drop(full.to_numpy(), "refunded in full")
        part = ((refunds > 0) & (amounts > 0) & ~full).to_numpy()
        amounts = amounts.where(~pd.Series(part), amounts - refunds)
        refund_flags[f"amount: refunds ({cols['refund']}) subtracted"] = part
        partly = int((part & alive).sum())
        rules.append(f"{cols['refund']} subtracted from {cols['amount']}: {partly} rows "
                     f"partly refunded; {k} rows refunded in full left out")
    amounts, currency_flags = _currencies(
        frame, cols, amounts, cell_codes, alive, labels, source, to_currency, rates, drop,
        rules, notes, chunk)
    dup = np.zeros(n, bool)
    dup[alive] = frame[alive].duplicated(keep="first").to_numpy()
    if chunk is not None:  # identical to a row of an earlier chunk
        dup[alive] |= chunk.rows_seen(frame[alive])
    drop(dup, "duplicate row")
    cutoff = (to_date(as_of, name="as_of", caller=_CALLER) or
              pd.Timestamp(_dt.date.today())).normalize()
    is_future = (dates >= cutoff + pd.Timedelta(days=1)).to_numpy()
    if future == "error" and (is_future & alive).any():
        hit = is_future & alive
        shown_dates = (dates.dt.strftime("%Y-%m-%d %H:%M").str.removesuffix(" 00:00")
                       if pd.api.types.is_datetime64_any_dtype(dcol) else dcol.reset_index(
                           drop=True)).to_numpy()
        if chunk is None:
            raise _future_error(int(hit.sum()), source, cutoff, labels[hit],
                                shown_dates[hit])
        chunk.late(labels[hit], shown_dates[hit])
    if future == "drop":
        k = drop(is_future, "future order_date")
        if k:
            notes.append(f"future order_date: {k} rows dated after {cutoff:%Y-%m-%d} (as_of) "
                         f"left out, so they cannot move the analysis date (pass "
                         f"future='keep' to use them)")
    if not alive.any() and chunk is None:
        raise _no_rows_error(source, n, dropped)
    out = frame.loc[alive].reset_index(drop=True)
    parsed = {"customer_id": ids, "order_date": dates, "amount": amounts}
    if "order" in cols:
        parsed["order_id"] = orders
    inv = {canon: name for name, canon in roles.items()}
    for canon, values in parsed.items():
        out[inv[canon]] = pd.Series(values).reset_index(drop=True)[alive].reset_index(drop=True)
    out = out.rename(columns=roles)

    flags = {"column names: spaces stripped": renamed,
             "customer_id: spaces stripped": int(padded[alive].sum())}
    flags |= {k: int(v[alive].sum()) for k, v in {**id_flags, **date_flags, **amount_flags,
                                                   **refund_flags, **currency_flags}.items()}
    kept = amounts[alive]
    flagged = {"negative amount (return)": int((kept < 0).sum()),
               "zero amount": int((kept == 0).sum()),
               f"future order_date (after {cutoff.date()})": int(is_future[alive].sum())}
    if id_flags and chunk is not None:  # counted over the whole file by the caller
        changed = np.logical_or.reduce(list(id_flags.values())) & alive
        chunk.ids_changed(frame.loc[changed, cols["customer"]].map(_text), ids[changed])
    elif id_flags:
        before = frame.loc[alive, cols["customer"]].map(_text).nunique()
        after = out["customer_id"].nunique()
        if after < before:
            notes.append(_ids_note(before, after))
    if "order_id" in out and out["order_id"].duplicated().any() and chunk is None:
        notes.append(f"order_id: {out['order_id'].duplicated().sum()} rows repeat an order id "
                     f"(kept: an order may span several rows)")
    columns = {_CANON.get(r, r): c for r, c in cols.items()}
    out.attrs["report"] = {
        "source": source, "rows_in": n, "rows_out": len(out),
        "dropped": dropped, "dropped_rows": dropped_rows,
        # a chunk keeps the zeros, so that the chunks' keys merge in this order
        "cleaned": {k: v for k, v in flags.items() if v or chunk is not None},
        "flagged": {k: v for k, v in flagged.items() if v or chunk is not None},
        "notes": notes, "columns": columns, "rules": rules,
        "encoding": raw.encoding, "as_of": cutoff, "future": future,
        "preset": pre.name if pre is not None else None,
    }
    out.attrs["source_rows"] = {"rows": labels[alive], "fingerprint": fingerprint(out)}
    return out


def _ids_note(before: int, after: int) -> str:
    return (f"customer_id: {before - after} ids merged by the normalisation "
            f"({before} distinct as written, {after} after; pass "
            f"normalize_ids=False to keep them apart)")


def _future_error(n: int, source: str, cutoff, rows, values) -> CRMDataError:
    return CRMDataError(
        f"{_CALLER}: {n} rows of {source} are dated after {cutoff:%Y-%m-%d} "
        f"(as_of, default today): {show_rows(rows, values)}. Correct "
        f"them, or "
        f"pass future='drop' to leave them out (reported) or future='keep' to use them."
    )


def _no_rows_error(source: str, n: int, dropped: dict) -> CRMDataError:
    return CRMDataError(
        f"{_CALLER}: no usable rows left in {source}: all {n} were dropped ("
        + ", ".join(f"{k} {why}" for why, k in dropped.items())
        + "). Check the column names and the file."
    )


def _currencies(frame, cols, amounts, cell_codes, alive, labels, source, to_currency,
                rates, drop, rules, notes, chunk=None):
    """Each row's currency (its column, else its symbol); convert, select or stop."""
    codes = cell_codes.copy()
    codes[pd.isna(codes)] = None
    where = "currency symbols"
    if "currency" in cols:
        ccol = frame[cols["currency"]]
        uniq_codes, uniq = pd.factorize(ccol)
        from_col = _take([_currency_code(v) for v in uniq], uniq_codes, None)
        codes = np.where(pd.isna(from_col), codes, from_col)
        codes[pd.isna(codes)] = None
        where = f"column {cols['currency']!r}"
    known = pd.Series(codes[alive]).dropna()
    counts = known.value_counts()
    flags = {}
    to = _currency_code(to_currency) if to_currency is not None else None
    table = _read_rates(rates) if rates is not None else None
    if table is not None and to is None:
        ones = [c for c, r in table.items() if r == 1]
        if len(ones) != 1:
            raise CRMDataError(f"{_CALLER}: rates= given without to_currency=; name the "
                               f"analysis currency, e.g. to_currency='CNY'.")
        to = ones[0]
    if table is not None:
        table.setdefault(to, 1.0)
        missing = sorted(set(counts.index) - set(table))
        if missing:
            raise CRMDataError(
                f"{_CALLER}: the rate table has no rate for {', '.join(missing)} (found in "
                f"{where} of {source}); add a row currency,rate for each.")
        rate = np.array([table.get(c, 1.0) if c is not None else 1.0 for c in codes])
        converted = np.array([c is not None and c != to for c in codes])
        amounts = pd.Series(amounts.to_numpy() * rate)
        flags[f"amount: converted to {to} (rates)"] = converted
        rules.append(f"amounts converted to {to} at " + ", ".join(
            f"{c} {table[c]:g}" for c in counts.index if c != to) if len(counts) > 1 or
            (len(counts) == 1 and counts.index[0] != to) else f"amounts in {to}")
        if pd.isna(codes[alive]).any():
            notes.append(f"{int(pd.isna(codes[alive]).sum())} amounts without a currency "
                         f"taken as {to}")
        return amounts, flags
    if to is not None:
        other = np.array([c is not None and c != to for c in codes])
        k = drop(other, f"other currency (not {to})")
        rules.append(f"only amounts in {to}: {k} rows in other currencies "
                     f"({', '.join(c for c in counts.index if c != to)}) left out"
                     if k else f"amounts in {to}")
        return amounts, flags
    alive_codes = codes[alive]
    examples = {c: labels[alive][np.flatnonzero(alive_codes == c)[:1]].tolist()
                for c in counts.index}
    if chunk is not None:  # the currencies of the earlier chunks too
        counts, examples = chunk.currencies(counts, examples)
    if len(counts) > 1:
        shown = ", ".join(f"{c} ({v} rows)" for c, v in counts.items())
        first = "; ".join(f"{c} e.g. row {rows[0]}" for c, rows in examples.items() if rows)
        raise CRMDataError(
            f"{_CALLER}: column {cols['amount']!r} of {source} holds amounts in "
            f"{len(counts)} currencies: {shown}; from {where} ({first}). Summing them would "
            f"mix money. Pass to_currency='{counts.index[0]}' to use only those rows, or "
            f"rates='rates.csv' (columns currency, rate) with to_currency= to convert them."
        )
    if "currency" in cols and len(counts) == 1:
        rules.append(f"amounts in {counts.index[0]} ({where})")
    return amounts, flags
