"""Read an analyst's transaction file (CSV, Excel, Parquet) into the canonical table.

:func:`read_transactions` turns an analyst's CSV / Excel / Parquet file (or a
DataFrame) into the canonical transaction table and records what it did in
``result.attrs["report"]`` (:func:`report` prints it). Every removed row is reported:
rows in = rows kept + rows dropped. Four parts are hand-written on purpose, because the
library defaults guess wrong on exactly the files analysts have:
- **Encoding.** Strict UTF-8 (with or without BOM), then GB18030 (a superset of the
  GBK that Chinese Excel writes as "CSV"). A strict UTF-8 decode almost never succeeds
  on non-UTF-8 bytes, so the two steps are reliable and deterministic. Statistical
  detectors are not, on short files: charset-normalizer calls the GBK header
  ``客户编号,日期,金额`` Korean (cp949) and a GBK ``退货`` note Big5.
- **Delimiter and header row.** The header is the first of the top 50 lines (rows, in
  Excel) that holds the requested column names (or most of them, so that a misspelt
  name still gets a "did you mean"), and the delimiter is the one (``,`` ``;`` tab
  ``|``) that splits it into them. ``csv.Sniffer`` is fooled by
  decimal commas inside semicolon files (``1 200,50 €``) and by title lines.
- **Dates.** Year-first (``2024/1/5``, ``2024年1月5日``), compact (``20240105``) and
  dotted day-first (``05.01.2024``) dates are rewritten to ISO by regular expressions
  before pandas parses them; only what is left goes to dateutil, which would read
  ``2024/1/5`` as 1 May when ``dayfirst=True`` and fills a missing year from today.
- **Amounts.** pandas' ``thousands=`` / ``decimal=`` neither strip currency symbols nor
  check digit grouping; here ``12,50`` is rejected (never read as 1250) unless the
  decimal mark is a comma.
"""

from __future__ import annotations

import csv
import datetime as _dt
import difflib
import gzip
import io
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

import numpy as np
import pandas as pd
from dateutil import parser as dateutil_parser

from crmlab._errors import CRMDataError
from crmlab.validation import missing_column, show_rows

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
_CURRENCY = r"(?i)rmb|cny|usd|eur|[¥￥$€£元]"
_SPACES = r"[\s\u00a0\u2009\u202f]"
# year first, also 2024年1月5日; an optional time of day; nothing else
_YMD = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
    r"((?:\s*[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?)\s*"
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})((?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)\s*")
_ACCEPTED = (
    "2024-01-05, 2024/1/5, 2024.1.5, 2024年1月5日, 20240105, 05.01.2024 (day first), "
    "Jan 5 2024, 1/5/2024 (month first unless dayfirst=True)"
)


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


def read_transactions(
    path_or_df: PathLike | IO[str] | IO[bytes] | pd.DataFrame,
    *,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
    order: str | None = None,
    sheet: int | str = 0,
    encoding: str | None = None,
    decimal: str | None = None,
    dayfirst: bool = False,
    as_of: DateLike | None = None,
    future: str = "keep",
    warn: bool = True,
    **read_kwargs,
) -> pd.DataFrame:
    """Read a transaction table from a messy file or DataFrame into canonical columns.

    Parameters
    ----------
    path_or_df : str, Path, file-like or DataFrame
        A CSV (``.csv``/``.tsv``/``.txt``, optionally ``.gz``; a file-like object is read
        as CSV), Excel (``.xlsx``/``.xlsm``; ``.xls`` needs the xlrd package) or Parquet
        file, or a DataFrame, which is never modified.
    customer, date, amount : str, default "customer_id", "order_date", "amount"
        The input's names of the customer id, order date and amount columns.
    order : str, optional
        The order id column. If None, each row is one order and no order_id is made.
    sheet : int or str, default 0
        Excel sheet, by 0-based position or name.
    encoding : str, optional
        CSV encoding. If None: UTF-8 (BOM or not), else UTF-16 if it starts with a
        UTF-16 BOM, else GB18030/GBK (Chinese Excel's "CSV").
    decimal : {None, ".", ","}, default None
        Decimal mark of text amounts; the other mark is the thousands separator.
        None means "," for a semicolon-delimited CSV (European Excel), else ".".
    dayfirst : bool, default False
        Read ambiguous slashed dates such as 01/05/2024 as 1 May instead of 5 January.
    as_of : date-like, optional
        Dates on a later day than this are "future". Default: today.
    future : {"keep", "drop"}, default "keep"
        Keep future-dated rows (counted under ``flagged``) or drop them (reported);
        the reader does not stop on them (no ``"error"``).
    warn : bool, default True
        Issue a ``UserWarning`` when rows were dropped. Notebooks pass ``warn=False``
        and show :func:`report` instead.
    **read_kwargs
        Passed to :func:`pandas.read_csv` (e.g. ``sep``, ``nrows``, an int ``skiprows``
        to place the header yourself) or
        :func:`pandas.read_parquet` (e.g. ``columns``).

    Returns
    -------
    DataFrame
        ``customer_id`` (str), ``order_id`` (str, only if ``order`` is given),
        ``order_date`` (datetime64, time of day kept if present, no time zone),
        ``amount`` (float64), and every other column as read, in the input's column
        order; index 0..n-1. ``attrs["report"]`` is a dict: ``source``, ``rows_in``,
        ``rows_out``, ``dropped`` {reason: count}, ``dropped_rows`` {reason: row
        labels}, ``cleaned`` {what: count of kept rows}, ``flagged`` {what: count of
        kept rows worth a look} and ``notes`` (list of str). Always
        ``rows_in == rows_out + sum(dropped.values())``.

    Raises
    ------
    CRMDataError
        If the file is missing, empty, header-only or of an unsupported type; the
        encoding or delimiter cannot be read; a column is missing (the message lists
        the columns present and the closest name); an amount is not a number even
        after cleaning (up to five rows shown); no date at all can be read; or no row
        is left.

    Notes
    -----
    Row labels in messages and ``dropped_rows`` are, for CSV and Excel, the row
    numbers a spreadsheet shows (the header row is counted, the first line is 1);
    for Parquet, 0-based positions; for a DataFrame, its index labels. ``rows_in``
    counts rows from below the header to the last non-empty one.

    Rows are dropped, each for the first reason that applies, only for: ``empty
    row``, ``missing customer_id``, ``missing order_id``, ``missing order_date``,
    ``unparseable order_date``, ``missing amount``, ``duplicate row`` (identical to an
    earlier row in every column as read; the first is kept) and, with
    ``future="drop"``, ``future order_date``. Negative amounts (returns) and zero
    amounts are kept and counted under ``flagged``.

    Dates accepted: 2024-01-05, 2024/1/5, 2024.1.5, 2024年1月5日, 20240105 (year
    first, always), 05.01.2024 (dotted: day first, always), an optional time of day,
    and, via dateutil, forms with a day, month and year such as Jan 5 2024 and
    1/5/2024 (month first unless ``dayfirst=True``). Time-zone offsets are removed,
    keeping the local time (counted under ``cleaned``).

    Amounts: currency symbols (¥ ￥ $ € £ RMB CNY USD EUR 元), spaces and thousands
    separators are removed, ``(12.50)`` is read as -12.50. Thousands groups must have
    three digits, so a decimal comma is never mistaken for a thousands separator.

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
    if future not in ("keep", "drop"):
        raise CRMDataError(f"{_CALLER}: future must be 'keep' or 'drop', got {future!r}.")
    if decimal not in (None, ".", ","):
        raise ValueError(f"decimal must be '.' or ',', got {decimal!r}")
    roles = {customer: "customer_id", date: "order_date", amount: "amount"}
    if order is not None:
        roles[order] = "order_id"
    if len(roles) < 3 + (order is not None):
        raise CRMDataError(
            f"{_CALLER}: customer, date, amount and order must name different columns; "
            f"got customer={customer!r}, date={date!r}, amount={amount!r}, order={order!r}."
        )
    raw = _load(path_or_df, [str(n) for n in roles], sheet, encoding, dict(read_kwargs))
    if decimal is None:
        decimal = "," if raw.sep == ";" else "."
        if raw.sep == ";":
            raw.notes.append("semicolon file: amounts read with a decimal comma "
                             "(pass decimal='.' if not)")
    params = {customer: "customer", date: "date", amount: "amount", order: "order"}
    result = _clean(raw, roles, params, decimal=decimal, dayfirst=dayfirst,
                    as_of=as_of, future=future)
    dropped = result.attrs["report"]["dropped"]
    if warn and dropped:
        why = ", ".join(f"{n} {reason}" for reason, n in dropped.items())
        warnings.warn(
            f"{_CALLER}: dropped {sum(dropped.values())} of {result.attrs['report']['rows_in']} "
            f"rows of {raw.source} ({why}). See crmlab.schema.report(result) or "
            f"result.attrs['report']; pass warn=False to silence this warning.",
            UserWarning, stacklevel=2,
        )
    return result


def report(data: pd.DataFrame) -> str:
    """Describe what :func:`read_transactions` dropped, cleaned and flagged, as text.

    Parameters
    ----------
    data : DataFrame
        A result of :func:`read_transactions` (it carries ``attrs["report"]``).

    Returns
    -------
    str
        One line of counts, then the dropped rows per reason, the cleaning and flags.

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
    rep = data.attrs.get("report") if isinstance(data, pd.DataFrame) else None
    if rep is None:
        raise CRMDataError(
            "report: this table carries no read report. It is made by "
            "crmlab.read_transactions (result.attrs['report']); pandas operations such as "
            "merge or concat may drop it, so call report() on the table as read."
        )
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


def _decode(data: bytes, encoding: str | None, source: str) -> tuple[str, str]:
    if encoding is not None:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as e:
            raise CRMDataError(
                f"{_CALLER}: cannot decode {source} as {encoding!r}: {e}. Leave encoding=None "
                f"to try UTF-8 and GBK, or pass the encoding the file was saved with."
            ) from e
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        bom = data.startswith(b"\xef\xbb\xbf")
        return data.decode("utf-8-sig"), "utf-8 with BOM" if bom else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030 (GBK)"
    except UnicodeDecodeError as e:
        raise CRMDataError(
            f"{_CALLER}: {source} is neither UTF-8 nor GBK/GB18030 text (bad byte at "
            f"position {e.start}). Pass the encoding it was saved with, e.g. "
            f"encoding='cp1252' (Western Excel) or encoding='big5' (Traditional Chinese)."
        ) from e


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
                 else (data, "(given as text)"))
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
            frame = pd.read_csv(io.StringIO(text), sep=sep, skiprows=hdr, dtype=dtype,
                                skip_blank_lines=False, index_col=False, **kwargs)
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
    note = f"read {source} as CSV: encoding {enc}, delimiter {name}, header on line {hdr + 1}"
    return _Raw(frame, np.arange(len(frame)) + hdr + 2, source, sep=sep, header=f"line {hdr + 1}",
                notes=[note + (f" ({hdr} lines above it skipped)" if hdr else "")])


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
                notes=[note + (f" ({hdr} rows above it skipped)" if hdr else "")])


# -- cleaning ------------------------------------------------------------------------------

def _take(per_unique, codes: np.ndarray, fill):
    """Spread values computed once per unique value back to the rows (code -1 = NA)."""
    return np.append(np.asarray(per_unique, dtype=object if fill is None else None),
                     fill)[codes]


def _blank(col: pd.Series) -> np.ndarray:
    out = col.isna().to_numpy(dtype=bool, copy=True)
    if col.dtype == object:
        codes, uniq = pd.factorize(col)
        out |= _take([isinstance(v, str) and not v.strip() for v in uniq], codes, False) == 1
    elif pd.api.types.is_string_dtype(col):
        out |= (col.str.strip() == "").to_numpy(dtype=bool, na_value=False)
    return out


def _ids(col: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Ids as text (1001.0 -> '1001'), stripped; blank -> NA. Also: which were padded."""
    codes, uniq = pd.factorize(col)

    def text(v):
        if isinstance(v, float | np.floating) and float(v).is_integer():
            v = int(v)
        return str(v).strip() or None

    ids = pd.Series(_take([text(v) for v in uniq], codes, None), dtype="str")
    padded = _take([isinstance(v, str) and v != v.strip() for v in uniq], codes, False)
    return ids, padded.astype(bool)


def _dates(col: pd.Series, dayfirst: bool) -> tuple[pd.Series, np.ndarray, dict]:
    """Parse dates; return them, which non-blank values failed, and cleaning flags."""
    n = len(col)
    if pd.api.types.is_datetime64_any_dtype(col):
        values = col.reset_index(drop=True)
        tz = np.full(n, values.dt.tz is not None)
        if values.dt.tz is not None:
            values = values.dt.tz_localize(None)
        return values, np.zeros(n, bool), {"order_date: time zone removed": tz & values.notna()}
    codes, uniq = pd.factorize(col)
    texts = []
    for v in uniq:
        if isinstance(v, float | np.floating) and float(v).is_integer():
            v = int(v)  # 20240105.0 from a numeric column
        texts.append(str(v).strip() if str(v).strip() else None)
    s = pd.Series(texts, dtype="str")
    iso = s.str.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
    norm = s.where(iso)
    for pattern, order in ((_YMD, (1, 2, 3)), (_COMPACT, (1, 2, 3)), (_DOTTED, (3, 2, 1))):
        parts = s.str.extract(f"^{pattern.pattern}$")
        if parts.empty or not parts[0].notna().any():
            continue
        y, m, d = (parts[k - 1] for k in order)
        rest = parts[3].fillna("") if parts.shape[1] > 3 else ""
        norm = norm.fillna(y + "-" + m.str.zfill(2) + "-" + d.str.zfill(2) + rest)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(norm, format="ISO8601", errors="coerce")
    tz = np.zeros(len(s), bool)
    for k in np.flatnonzero(parsed.isna() & s.notna()):  # the rest: dateutil, if guessable
        t = s.iloc[k]
        digits = len(re.findall(r"\d+", t))
        if digits >= 3 or (digits == 2 and re.search(r"[A-Za-z]{3}", t)):
            try:
                stamp = pd.Timestamp(dateutil_parser.parse(t, dayfirst=dayfirst))
            except (ValueError, OverflowError):
                continue
            tz[k] = stamp.tz is not None
            parsed.iloc[k] = stamp.tz_localize(None)
    values = pd.Series(_take(parsed.to_numpy(), codes, np.datetime64("NaT")))
    values = pd.to_datetime(values)
    bad = values.isna().to_numpy() & (codes >= 0) & _take(s.notna().to_numpy(), codes, False)
    other = parsed.notna().to_numpy() & ~iso.to_numpy(dtype=bool)
    return values, bad.astype(bool), {
        "order_date: non-ISO dates read": _take(other, codes, False).astype(bool),
        "order_date: time zone removed": _take(tz, codes, False).astype(bool),
    }


def _amounts(col: pd.Series, decimal: str) -> tuple[pd.Series, np.ndarray, dict]:
    """Amounts as float; return them, which non-blank values are not numbers, and flags."""
    if pd.api.types.is_bool_dtype(col):
        raise CRMDataError(
            f"{_CALLER}: the amount column {col.name!r} holds True/False, not money. "
            f"Pass amount= with the column of order values."
        )
    if pd.api.types.is_numeric_dtype(col):
        values = pd.Series(col.to_numpy(dtype="float64"))
        return values, np.isinf(values.to_numpy()), {}
    codes, uniq = pd.factorize(col)
    u = pd.Series(uniq, dtype=object)
    is_num = u.map(lambda v: isinstance(v, int | float | np.number) and not isinstance(v, bool))
    num = pd.Series(np.nan, index=u.index)
    num[is_num] = u[is_num].astype(float)
    t = u[~is_num].astype("str").str.strip()
    paren = t.str.startswith("(") & t.str.endswith(")")
    t = t.where(~paren, t.str.slice(1, -1)).str.replace("\u2212", "-", regex=False)
    currency = t.str.contains(_CURRENCY)
    t = t.str.replace(_CURRENCY, "", regex=True)
    spaces = t.str.contains(_SPACES)
    t = t.str.replace(_SPACES, "", regex=True)
    thou, dec = (",", ".") if decimal == "." else (".", ",")
    grouped = rf"\d{{1,3}}(?:\{thou}\d{{3}})+"
    ok = t.str.fullmatch(rf"[+-]?(?:(?:{grouped}|\d+)(?:\{dec}\d*)?|\{dec}\d+)(?:[eE][+-]?\d+)?")
    plain = t.str.replace(thou, "", regex=False).str.replace(dec, ".", regex=False)
    num[~is_num] = pd.to_numeric(plain.where(ok), errors="coerce").where(~paren, lambda x: -x)
    blank = pd.Series(False, index=u.index)
    blank[~is_num] = t == ""
    values = pd.Series(_take(num.to_numpy(), codes, np.nan), dtype="float64")
    bad = _take((num.isna() & ~blank).to_numpy(), codes, False).astype(bool)
    values[_take(blank.to_numpy(), codes, False).astype(bool)] = np.nan

    def rows(flag):
        full = pd.Series(False, index=u.index)
        full[~is_num] = flag & ok
        return _take(full.to_numpy(), codes, False).astype(bool)

    return values, bad, {
        "amount: currency symbols removed": rows(currency),
        "amount: spaces removed": rows(spaces),
        "amount: thousands separators removed": rows(t.str.contains(thou, regex=False)),
        "amount: decimal comma read": rows(t.str.contains(",", regex=False) & (dec == ",")),
        "amount: (parentheses) read as negative": rows(paren),
    }


def _amount_error(values: pd.Series, rows: np.ndarray, n: int, name: str, source: str,
                  decimal: str) -> CRMDataError:
    texts = [str(v) for v in values]
    if decimal == "." and any(re.search(r"\d,\d{1,2}(?!\d)", t) for t in texts):
        fix = "They look like decimal commas: pass decimal=','."
    elif decimal == "," and any(re.search(r"\d\.\d{1,2}(?!\d)", t) for t in texts):
        fix = ("They look like decimal points: pass decimal='.' (a semicolon-delimited "
               "file is read with a decimal comma unless you say so).")
    else:
        fix = ("Correct or delete those cells, or convert the column yourself with "
               "pd.to_numeric(..., errors='coerce') and pass the DataFrame.")
    return CRMDataError(
        f"{_CALLER}: column {name!r} has {len(texts)} of {n} values that are not amounts, "
        f"even after removing currency symbols, spaces and thousands separators: "
        f"{show_rows(rows, values)} of {source}. {fix}"
    )


def _clean(raw: _Raw, roles: dict, params: dict, *, decimal, dayfirst, as_of,
           future) -> pd.DataFrame:
    frame, labels, source = raw.frame, raw.rows, raw.source
    stripped = [c.strip() if isinstance(c, str) else c for c in frame.columns]
    renamed = sum(a != b for a, b in zip(stripped, frame.columns, strict=True))
    frame = frame.set_axis(stripped, axis=1).reset_index(drop=True)
    junk = [c for c in frame.columns if str(c).startswith("Unnamed: ") and frame[c].isna().all()]
    if junk:
        frame = frame.drop(columns=junk)
        raw.notes.append(f"{len(junk)} empty column(s) without a header ignored")
    empty = np.column_stack([_blank(frame[c]) for c in frame.columns] or
                            [np.ones(len(frame), bool)]).all(axis=1)
    if raw.is_file and len(frame):  # blank lines after the last row are not rows
        last = len(frame) - np.argmin(empty[::-1]) if not empty.all() else 0
        frame, labels, empty = frame.iloc[:last], labels[:last], empty[:last]
    present = list(frame.columns)
    if len(frame) == 0:
        raise CRMDataError(
            f"{_CALLER}: {source} has a header but no data rows (columns: "
            f"{', '.join(map(str, present))}). Check that the export wrote the rows."
        )
    for name, canon in roles.items():
        if name not in frame.columns:
            err = missing_column(name, params[name], present, _CALLER)
            if raw.header:
                err.args = (f"{err.args[0]} (crmlab took the header from {raw.header} of "
                            f"{source}: the first of the top {_SCAN} holding most of "
                            f"{', '.join(map(repr, roles))}, else the first non-empty one.)",)
            raise err
        if canon != name and canon in frame.columns and canon not in roles:
            raise CRMDataError(
                f"{_CALLER}: {params[name]}={name!r} would be renamed to {canon!r}, but "
                f"{source} already has a column {canon!r}. Pass {params[name]}={canon!r}, "
                f"or drop or rename that column first."
            )
    n = len(frame)
    alive, dropped, dropped_rows = np.ones(n, bool), {}, {}

    def drop(mask, reason):
        nonlocal alive
        hit = np.asarray(mask, bool) & alive
        if hit.any():
            dropped[reason], dropped_rows[reason] = int(hit.sum()), labels[hit].tolist()
            alive = alive & ~hit

    inv = {canon: name for name, canon in roles.items()}
    drop(empty, "empty row")
    ids, padded = _ids(frame[inv["customer_id"]])
    drop(ids.isna(), "missing customer_id")
    if "order_id" in inv:
        orders, _ = _ids(frame[inv["order_id"]])
        drop(orders.isna(), "missing order_id")
    dcol = frame[inv["order_date"]]
    dates, bad_dates, date_flags = _dates(dcol, dayfirst)
    drop(_blank(dcol), "missing order_date")
    if alive.any() and bad_dates[alive].all():
        raise CRMDataError(
            f"{_CALLER}: no value of column {inv['order_date']!r} is a date crmlab can read: "
            f"{show_rows(labels[alive], dcol[alive])} of {source}. Accepted: {_ACCEPTED}. "
            f"Check that date= names the date column, or convert it yourself with "
            f"pd.to_datetime(df[{inv['order_date']!r}], format=...) and pass the DataFrame."
        )
    drop(bad_dates, "unparseable order_date")
    acol = frame[inv["amount"]]
    amounts, bad_amounts, amount_flags = _amounts(acol, decimal)
    drop(amounts.isna().to_numpy() & ~bad_amounts, "missing amount")
    if (bad_amounts & alive).any():
        hit = bad_amounts & alive
        raise _amount_error(acol[hit], labels[hit], n, inv["amount"], source, decimal)
    dup = np.zeros(n, bool)
    dup[alive] = frame[alive].duplicated(keep="first").to_numpy()
    drop(dup, "duplicate row")
    cutoff = pd.Timestamp(_dt.date.today() if as_of is None else as_of).normalize()
    is_future = (dates >= cutoff + pd.Timedelta(days=1)).to_numpy()
    if future == "drop":
        drop(is_future, "future order_date")
    if not alive.any():
        raise CRMDataError(
            f"{_CALLER}: no usable rows left in {source}: all {n} were dropped ("
            + ", ".join(f"{k} {why}" for why, k in dropped.items())
            + "). Check the column names and the file."
        )
    out = frame.loc[alive].reset_index(drop=True)
    parsed = {"customer_id": ids, "order_date": dates, "amount": amounts}
    if "order_id" in inv:
        parsed["order_id"] = orders
    for canon, values in parsed.items():
        out[inv[canon]] = values[alive].reset_index(drop=True)
    out = out.rename(columns=roles)

    flags = {"column names: spaces stripped": renamed,
             "customer_id: spaces stripped": int(padded[alive].sum())}
    flags |= {k: int(v[alive].sum()) for k, v in {**date_flags, **amount_flags}.items()}
    kept = amounts[alive]
    flagged = {"negative amount (return)": int((kept < 0).sum()),
               "zero amount": int((kept == 0).sum()),
               f"future order_date (after {cutoff.date()})": int(is_future[alive].sum())}
    notes = list(raw.notes)
    if "order_id" in inv and out["order_id"].duplicated().any():
        notes.append(f"order_id: {out['order_id'].duplicated().sum()} rows repeat an order id "
                     f"(kept: an order may span several rows)")
    out.attrs["report"] = {
        "source": source, "rows_in": n, "rows_out": len(out),
        "dropped": dropped, "dropped_rows": dropped_rows,
        "cleaned": {k: v for k, v in flags.items() if v},
        "flagged": {k: v for k, v in flagged.items() if v},
        "notes": notes,
    }
    return out
