"""Compute crmlab's aggregates on pandas, DuckDB or Spark, with identical results (计算引擎).

The engines are a pure backend: they turn a transaction log into *raw* per-customer
aggregates and know nothing of RFM, pyramids or CLV. Two aggregates read the whole log:

* ``"customers"`` (:data:`CUSTOMERS_SQL`): one row per customer with counts (rows,
  orders, returns), sums (spend, purchases, returns, gross profit, cost), first and last
  purchase days, online orders and categories; the base of every per-customer table;
* ``"periods"`` (:data:`PERIODS_SQL`): purchases merged per day or week, then per
  customer the number of purchase periods, the first and last one and the mean spend of
  the repeat periods (the buy-till-you-die summary's input);
* ``"cohorts"`` (:data:`COHORTS_SQL`): each customer's calendar months with a purchase
  and the first of them (the cohort), counted per cohort and months since: the cohort
  retention table's input (:func:`crmlab.satisfaction.cohort_table`), one row per cell,
  with the log's row counts alongside.

:func:`aggregate` runs one on an engine; :mod:`crmlab.customers` checks and finishes it
(the same code for every engine) and the topic modules select from that table. Each
aggregate is one SQL text that DuckDB and Spark SQL both run (they differ only in how a
name is quoted and how a day number is computed, filled in from ``_DIALECTS``) plus its
pandas twin for DataFrames; ``tests/test_engines.py`` checks that all three give
identical results (integers equal, money equal after rounding to cents: float sums
differ in the last bit between engines, so crmlab rounds money to cents before anything
ranks it, and breaks ties by customer id).

``engine=`` on the scaling functions takes ``"pandas"`` (in memory), ``"duckdb"``
(embedded DuckDB reads a CSV or Parquet file itself, or scans a DataFrame in place, so a
file larger than memory never goes through pandas), ``"spark"`` (Spark SQL, on a PySpark
DataFrame, a file or a DataFrame) or ``None`` (the default): pandas for a DataFrame
(DuckDB, scanning it in place, from :data:`AUTO_DUCKDB_ROWS` rows when installed and
the columns are plain), Spark for a PySpark DataFrame, and for a file path DuckDB when
it is installed and the file's columns are plain (a CSV's dates ISO, without a UTC
offset), or when the file is larger than :data:`AUTO_DUCKDB_BYTES` (200 MiB), else
pandas (see :func:`choose_engine`). A DataFrame is checked in pandas (one vectorised pass per
column, no copy) whichever engine aggregates it, so its errors show the same rows.

Files: ``.parquet`` / ``.pq`` (or a folder of Parquet files) and ``.csv`` / ``.tsv``
/ ``.txt`` (optionally ``.gz``) with a header row. In a CSV, ids are read as text
(``"007"`` keeps its zeros) and dates must be ISO (``2024-01-05`` or
``2024-01-05 13:45:00``); clean a messy export first with
:func:`crmlab.read_transactions` and save it as Parquet. Timestamps should carry no
time zone: DuckDB refuses a zoned date column (a zoned Parquet timestamp, or a CSV
whose sniffed dates carry UTC offsets) rather than count its days in UTC.

DuckDB and PySpark are optional (``pip install "crmlab[scale]"``) and imported only
when an engine needs them, so ``import crmlab`` stays fast.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import uuid
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.validation import check_option, missing_column

if TYPE_CHECKING:
    import pyspark.sql

    from crmlab._typing import PathLike, Source

__all__ = ["AGGREGATES", "AUTO_DUCKDB_BYTES", "AUTO_DUCKDB_ROWS", "COHORTS_SQL",
           "CUSTOMERS_SQL", "CUSTOMER_PERIODS_SQL", "DUCKDB_MEMORY_LIMIT", "ENGINES",
           "PERIODS_SQL", "RAW_COLUMNS", "ROLE_KINDS", "aggregate",
           "aggregate_sql", "as_path", "choose_engine", "day_numbers", "local_spark",
           "metric_sql", "month_numbers", "period_numbers", "read_frame", "spark_available"]

#: The engines every scaling metric accepts.
ENGINES = ("pandas", "duckdb", "spark")

#: With ``engine=None``, a file larger than this many bytes is read by DuckDB.
AUTO_DUCKDB_BYTES = 200 * 1024**2

#: With ``engine=None``, a DataFrame of at least this many rows is aggregated by DuckDB
#: (scanned in place, zero-copy) when DuckDB is installed and its columns are plain
#: (see :func:`choose_engine`); smaller ones stay in pandas.
AUTO_DUCKDB_ROWS = 1_000_000

#: Memory DuckDB may use before it spills to a temporary folder (None: DuckDB's own
#: default, 80 % of RAM). With 2 GB, 50 million transactions fit in 4 GiB in all.
DUCKDB_MEMORY_LIMIT: str | None = "2GB"

_NOT_YET = ("polars",)
_PARQUET = (".parquet", ".pq")
_CSV = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz")

# --------------------------------------------------------------------------- SQL
# One text per aggregate, shared by DuckDB and Spark SQL. Placeholders in braces are
# filled by _render: {source} the table or file reader, {c}/{d}/{m}/{o}/... the quoted
# input columns, {day} the day-number expression of the date column, and the optional
# parts of _customers_parts / _periods_parts.

#: The per-customer aggregate behind every per-customer table (crmlab.customers): one
#: pass over the log, one row per customer. ``inw``: the row lies in the window (its
#: period is not after the last period); ``buy``: a purchase (amount >= 0), not a return.
CUSTOMERS_SQL = """
WITH src AS (
    SELECT {c} AS c{select}
    FROM {source}
),
w AS (
    SELECT *, {in_window} AS inw, {is_buy} AS buy
    FROM src
)
SELECT
    c,
    COUNT(*) AS n_rows,{null_counts}
    {late_rows} AS late_rows,
    {rows_in} AS rows_in{counts}{aggregates}
FROM w
GROUP BY c
ORDER BY c
"""

#: Purchase periods per customer (the buy-till-you-die summary): purchases in the
#: window merged per period (day or week), then per customer the number of periods,
#: the first and last period and the spend of all periods but the first (min_by).
PERIODS_SQL = """
WITH src AS (
    SELECT {c} AS c, {day} AS d{amount_column}
    FROM {source}
),
per AS (
    SELECT c, {period} AS p{amount_sum}
    FROM src
    WHERE d IS NOT NULL AND {is_buy} AND {in_window}
    GROUP BY c, {period}
)
SELECT
    c,
    COUNT(*) AS periods,
    MIN(p) AS first_period,
    MAX(p) AS last_period{repeat_spend}
FROM per
GROUP BY c
ORDER BY c
"""

#: The per-customer counts and the purchase periods in one pass (the buy-till-you-die
#: summary's input, :func:`crmlab.clv.summary_from_transactions`): rows merged per
#: customer, period and purchase-or-return, then per customer the row counts, the day
#: range and the periods of :data:`PERIODS_SQL`. Used instead of the two aggregates
#: when the caller needs no other per-customer column. Day numbers are 32-bit integers
#: here: the first GROUP BY has about one group per row, and narrower keys hash faster
#: (on a 10M-row CSV, 1.18x the time of the hand-written query with 64-bit keys, 1.04x
#: with 32-bit ones, in one noisy interleaved run of 3 rounds).
CUSTOMER_PERIODS_SQL = """
WITH src AS (
    SELECT {c} AS c, CAST({day} AS INTEGER) AS d{amount_column}
    FROM {source}
),
per AS (
    SELECT c, {period} AS p, {is_buy} AS buy, COUNT(*) AS n{day_range}{amount_sum}
    FROM src
    GROUP BY c, {period}, {is_buy}
),
w AS (
    SELECT *, {in_window} AS inw
    FROM per
)
SELECT
    c,
    CAST(SUM(n) AS BIGINT) AS n_rows,{null_counts}
    {late_rows} AS late_rows,
    {rows_in} AS rows_in,{min_max}
    {periods} AS periods,
    {first_period} AS first_period,
    {last_period} AS last_period{repeat_spend}
FROM w
GROUP BY c
ORDER BY c
"""

#: Cohort retention: the purchase months of each customer (month number = year * 12 +
#: month - 1), the first one its cohort, then customers per (cohort, months since). The
#: log's counts (rows, missing ids/dates/amounts, returns, the last month of any row)
#: ride along on every row (one row with NULL cells when there is no purchase), so the
#: caller checks the input and accounts for every row from this one pass.
COHORTS_SQL = """
WITH src AS (
    SELECT {c} AS c, {month} AS mo{amount_column}
    FROM {source}
),
per AS (
    SELECT c, mo, COUNT(*) AS n, {buys} AS buys, {returns} AS rets{amount_count}
    FROM src
    GROUP BY c, mo
),
tot AS (
    SELECT SUM(n) AS n_rows,
           COALESCE(SUM(CASE WHEN c IS NULL THEN n END), 0) AS missing_ids,
           COALESCE(SUM(CASE WHEN mo IS NULL THEN n END), 0) AS missing_dates,
           {missing_amounts} AS missing_amounts,
           SUM(rets) AS return_rows,
           MAX(mo) AS last_month
    FROM per
),
buy AS (
    SELECT c, mo, MIN(mo) OVER (PARTITION BY c) AS cohort
    FROM per
    WHERE buys > 0 AND c IS NOT NULL AND mo IS NOT NULL
),
cells AS (
    SELECT cohort, mo - cohort AS since, COUNT(*) AS customers
    FROM buy
    GROUP BY cohort, mo - cohort
)
SELECT cells.cohort, cells.since, cells.customers, tot.*
FROM tot LEFT JOIN cells ON TRUE
ORDER BY cohort, since
"""

_DIALECTS = {
    "duckdb": {
        "quote": lambda name: '"' + str(name).replace('"', '""') + '"',
        "day": "CAST(CAST({x} AS DATE) - DATE '1970-01-01' AS BIGINT)",
        "day_text": "CAST(CAST(CAST({x} AS TIMESTAMP) AS DATE) - DATE '1970-01-01' AS BIGINT)",
    },
    "spark": {
        "quote": lambda name: "`" + str(name).replace("`", "``") + "`",
        "day": "CAST(unix_date(CAST({x} AS DATE)) AS BIGINT)",
        "day_text": "CAST(unix_date(CAST(CAST({x} AS TIMESTAMP) AS DATE)) AS BIGINT)",
    },
}


def _render(template: str, dialect: str, source: str, columns: dict, types: dict,
            **parts) -> str:
    """Fill a template: quoted columns, the day expression, the source and the parts."""
    quote = _DIALECTS[dialect]["quote"]
    fill = {key: quote(name) for key, name in columns.items() if name is not None}
    if "d" in fill:
        temporal = _is_temporal(types.get(columns["d"], ""), dialect)
        kind = "day" if temporal else "day_text"
        fill["day"] = _DIALECTS[dialect][kind].format(x=fill["d"])
        x = fill["d"] if temporal else f"CAST({fill['d']} AS TIMESTAMP)"
        fill["month"] = f"CAST(year({x}) * 12 + month({x}) - 1 AS BIGINT)"
    parts = {key: text.format(**fill) for key, text in parts.items()}
    return template.format(source=source, **fill, **parts)


def metric_sql(metric: str, engine: str = "duckdb", *, source: str = "transactions",
               customer: str = "customer_id", date: str = "order_date",
               amount: str = "amount", order: str | None = None) -> str:
    """Deprecated: use :func:`aggregate_sql` (``"rfm"`` and ``"values"`` are now the one
    ``"customers"`` aggregate, ``"btyd"`` the ``"periods"`` aggregate).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     "GROUP BY c" in metric_sql("values")
    True
    """
    check_option(metric, ("rfm", "values", "btyd"), name="metric", caller="metric_sql")
    name = "periods" if metric == "btyd" else "customers"
    warnings.warn(f"metric_sql is now aggregate_sql({name!r}, roles, ...); metric_sql will "
                  f"stop working in the next release.", FutureWarning, stacklevel=2)
    roles = {"customer": customer, "date": None if metric == "values" else date,
             "amount": amount, "order": order if metric == "rfm" else None}
    return aggregate_sql(name, roles, engine, source=source)


# --------------------------------------------------------------------------- choosing


def _is_spark_frame(obj) -> bool:
    return type(obj).__module__.startswith("pyspark.") and hasattr(obj, "createOrReplaceTempView")


def as_path(source: object) -> Path | None:
    """``source`` as a Path when it names a file (str or os.PathLike), else None."""
    if isinstance(source, (str, os.PathLike)):
        return Path(source)
    return None


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in _PARQUET)
    return [path]


def _kind(path: Path, caller: str) -> str:
    """'parquet' or 'csv' from the file name (a folder holds Parquet files)."""
    name = path.name.lower()
    if path.is_dir():
        if not _files(path):
            raise CRMDataError(
                f"{caller}: the folder {str(path)!r} holds no .parquet files. Pass a CSV or "
                f"Parquet file, or a folder of Parquet files."
            )
        return "parquet"
    if name.endswith(_PARQUET):
        return "parquet"
    if name.endswith(_CSV):
        return "csv"
    raise CRMDataError(
        f"{caller}: cannot tell the format of {str(path)!r}; the engines read .parquet/.pq "
        f"and .csv/.tsv/.txt (optionally .gz) files. For Excel use crmlab.read_transactions."
    )


def _check_exists(path: Path, caller: str) -> None:
    if not path.exists():
        raise CRMDataError(
            f"{caller}: expected a pandas DataFrame, got str {str(path)!r}, which is not an "
            f"existing file. Pass a DataFrame or the path of an existing CSV or Parquet file."
        )


def _duckdb_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("duckdb") is not None


def _plain_columns(frame: pd.DataFrame, columns: dict) -> bool:
    """Whether DuckDB scans these columns as pandas has them: ids as strings (pandas'
    string dtype) or integers, dates as time-zone-free datetime64, numbers as float or
    integer; other columns (object, categorical, time zones, text channels) stay in
    pandas, whose conversions are the reference."""
    for name, role in columns.items():
        if name not in frame.columns:
            return False
        kind = frame[name].dtype
        if role == "id":
            ok = isinstance(kind, pd.StringDtype) or (
                isinstance(kind, np.dtype) and kind.kind in "iu")
        elif role == "datetime":
            ok = isinstance(kind, np.dtype) and kind.kind == "M"
        elif role == "number":
            ok = isinstance(kind, np.dtype) and kind.kind in "iuf"
        else:
            ok = False
        if not ok:
            return False
    return True


_ISO_DATE_FORMATS = (None, "%Y-%m-%d")


def _sniff_csv(path: Path) -> tuple[dict, str | None, str | None]:
    """DuckDB's sniffer on a CSV file (its sample of the rows): column -> type, and
    the date and timestamp formats it found (None: ISO). Remembered per file, size and
    modification time, so choosing the engine and opening the file sniff it once."""
    stat = path.stat()
    return _sniff_csv_cached(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _sniff_csv_cached(path: str, size: int, mtime_ns: int) -> tuple[dict, str | None,
                                                                     str | None]:
    import duckdb

    where = path.replace("'", "''")
    sep = "\\t" if ".tsv" in Path(path).name.lower() else ","
    with duckdb.connect() as con:
        found = con.sql(f"SELECT Columns, DateFormat, TimestampFormat FROM sniff_csv("
                        f"'{where}', header = true, delim = '{sep}')").fetchall()[0]
    return {c["name"]: str(c["type"]).upper() for c in found[0]}, found[1], found[2]


def _plain_file(path: Path, columns: dict, caller: str) -> bool:
    """Whether DuckDB reads these columns of a CSV/Parquet file as the pandas reader
    (:func:`read_frame`) does: ids as text or integers, dates without a time zone,
    numbers as numbers. Parquet: from the schema. CSV: from DuckDB's sniffer (its
    sample of the file): dates must be ISO (``2024-01-05``, ``2024-01-05 13:45:00``)
    without a UTC offset; DuckDB reads ``01/05/2024`` day first where pandas reads it
    month first, and drops an offset where pandas keeps it, so such a file stays in
    pandas."""
    try:
        kind = _kind(path, caller)
    except CRMDataError:
        return False  # the pandas reader gives the message
    if kind == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            schema = pq.read_schema(_files(path)[0])
        except (OSError, ValueError, pa.ArrowException):
            return False
        for name, role in columns.items():
            if name not in schema.names:
                return False
            kind_ = schema.field(name).type
            if role == "id":
                ok = (pa.types.is_string(kind_) or pa.types.is_large_string(kind_)
                      or pa.types.is_integer(kind_))
            elif role == "datetime":
                ok = ((pa.types.is_timestamp(kind_) and kind_.tz is None)
                      or pa.types.is_date(kind_))
            elif role == "number":
                ok = pa.types.is_integer(kind_) or pa.types.is_floating(kind_)
            else:
                ok = False
            if not ok:
                return False
        return True
    import duckdb

    try:
        sniffed, date_format, timestamp_format = _sniff_csv(path)
    except duckdb.Error:
        return False
    for name, role in columns.items():
        kind_ = sniffed.get(name)
        if kind_ is None:
            return False
        if role == "datetime":
            ok = ((kind_ == "DATE" and date_format in _ISO_DATE_FORMATS)
                  or (kind_ == "TIMESTAMP" and timestamp_format is None))
        elif role == "number":
            ok = _is_numeric(kind_)
        else:
            ok = role == "id"
        if not ok:
            return False
    return True


def choose_engine(source: Source, engine: str | None = None, *,
                  caller: str = "choose_engine", columns: dict | None = None) -> str:
    """Decide which engine computes a metric on ``source``.

    Parameters
    ----------
    source : DataFrame, str, Path or PySpark DataFrame
        The transactions: in memory, a CSV/Parquet file (or a folder of Parquet
        files), or a Spark DataFrame.
    engine : {None, "pandas", "duckdb", "spark"}, default None
        ``None`` chooses: Spark for a PySpark DataFrame; for a path, DuckDB when the
        file (all files of a folder) is larger than :data:`AUTO_DUCKDB_BYTES`, else
        pandas (but see ``columns``); pandas for a DataFrame.
    caller : str, default "choose_engine"
        The public function's name, for messages.
    columns : dict, optional
        Column name -> role (``"id"``, ``"datetime"``, ``"number"``) of the columns
        the metric reads. With it, ``None`` sends a DataFrame of at least
        :data:`AUTO_DUCKDB_ROWS` rows to DuckDB when DuckDB is installed and those
        columns are plain (string or integer ids, datetime64 dates without a time
        zone, float or integer numbers): the same results, several times faster.
        It also sends a file of any size to DuckDB when DuckDB is installed and the
        file's columns are plain (:func:`_plain_file`): a Parquet file whose schema
        has string or integer ids, timestamps without a time zone (or dates) and
        numbers; a CSV file whose dates DuckDB's sniffer reads as ISO dates or
        timestamps without a UTC offset and whose numbers it reads as numbers. A CSV
        with other dates (``01/05/2024``, which DuckDB reads day first and pandas month
        first, or offsets like ``+08:00``) stays in pandas, whose parsing is the
        reference.

    Returns
    -------
    str
        ``"pandas"``, ``"duckdb"`` or ``"spark"``.

    Raises
    ------
    CRMDataError
        If ``engine`` is unknown; if a PySpark DataFrame is given with an engine
        other than Spark; if the path does not exist.

    Examples
    --------
    >>> choose_engine(pd.DataFrame({"a": [1]}))
    'pandas'
    >>> choose_engine(pd.DataFrame({"a": [1]}), "sql")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: choose_engine: unknown engine 'sql'; use one of 'pandas', ...
    """
    if engine is not None and engine not in ENGINES:
        if engine in _NOT_YET:
            raise CRMDataError(
                f"{caller}: engine {engine!r} is not available yet; use one of "
                f"{', '.join(map(repr, ENGINES))}."
            )
        raise CRMDataError(
            f"{caller}: unknown engine {engine!r}; use one of {', '.join(map(repr, ENGINES))} "
            f"(or None to choose by input)."
        )
    if _is_spark_frame(source):
        if engine not in (None, "spark"):
            raise CRMDataError(
                f"{caller}: a PySpark DataFrame runs on engine='spark', not {engine!r}. "
                f"Convert it first (sdf.toPandas()) only if it is small."
            )
        return "spark"
    path = as_path(source)
    if path is not None:
        _check_exists(path, caller)
        if engine is None:
            size = sum(p.stat().st_size for p in _files(path))
            if size > AUTO_DUCKDB_BYTES:
                return "duckdb"
            plain = (columns is not None and _duckdb_installed()
                     and _plain_file(path, columns, caller))
            return "duckdb" if plain else "pandas"
    if (engine is None and columns is not None and isinstance(source, pd.DataFrame)
            and len(source) >= AUTO_DUCKDB_ROWS and _plain_columns(source, columns)
            and _duckdb_installed()):
        return "duckdb"
    return "pandas" if engine is None else engine


# --------------------------------------------------------------------------- pandas on files


def read_frame(path: PathLike, columns: dict, *, caller: str,
               params: dict | None = None) -> pd.DataFrame:
    """Read just ``columns`` (name -> role) of a CSV/Parquet file into pandas.

    Ids of a CSV are read as text and its date column is parsed as dates, as the
    SQL engines do; the caller validates the result with :func:`crmlab.schema.require`.
    """
    path = Path(path)
    _check_exists(path, caller)
    kind = _kind(path, caller)
    names = list(dict.fromkeys(columns))
    present = _file_columns_pandas(path, kind, caller)
    _require_columns(names, present, repr(str(path)), caller, params)
    try:
        if kind == "parquet":
            return pd.read_parquet(path, columns=names)
        ids = {n: str for n, role in columns.items() if role == "id"}
        dates = [n for n, role in columns.items() if role == "datetime"]
        sep = "\t" if ".tsv" in path.name.lower() else ","
        return pd.read_csv(path, usecols=names, dtype=ids, parse_dates=dates, sep=sep)
    except (OSError, ValueError) as err:
        raise CRMDataError(f"{caller}: cannot read {str(path)!r}: {_first_line(err)}") from err


def _file_columns_pandas(path: Path, kind: str, caller: str) -> list:
    try:
        if kind == "parquet":
            import pyarrow.parquet as pq

            first = _files(path)[0]
            return list(pq.read_schema(first).names)
        sep = "\t" if ".tsv" in path.name.lower() else ","
        return list(pd.read_csv(path, nrows=0, sep=sep).columns)
    except (OSError, ValueError) as err:
        raise CRMDataError(f"{caller}: cannot read {str(path)!r}: {_first_line(err)}") from err


def _require_columns(names, present: list, label: str, caller: str,
                     params: dict | None = None) -> None:
    params = params or {}
    for name in names:
        if name not in present:
            raise missing_column(name, params.get(name), present, caller, where=label)


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


# --------------------------------------------------------------------------- sources


class _Source:
    """A table the SQL engines can query: name/reader text, columns and their types."""

    def __init__(self, engine: str, source, needed: dict, caller: str, params: dict):
        self.engine, self.caller, self.label = engine, caller, "the table"
        self.params = params
        self._cleanup: list = []
        try:
            if engine == "duckdb":
                self._open_duckdb(source, needed)
            else:
                self._open_spark(source, needed)
            _require_columns(list(needed), list(self.types), self.label, caller, params)
            self._check_types(needed)
        except BaseException:
            self.close()
            raise

    # DuckDB --------------------------------------------------------------------
    def _open_duckdb(self, source, needed):
        import duckdb

        config = {}
        if DUCKDB_MEMORY_LIMIT is not None:
            import tempfile

            config.update(memory_limit=DUCKDB_MEMORY_LIMIT,
                          temp_directory=os.path.join(tempfile.gettempdir(), "crmlab-duckdb"))
        self.con = duckdb.connect(config=config)
        self._cleanup.append(self.con.close)
        self.con.sql("SET enable_progress_bar = false")  # no bar on stdout in notebooks
        path = as_path(source)
        if path is None:
            if not isinstance(source, pd.DataFrame):
                raise CRMDataError(
                    f"{self.caller}: engine='duckdb' takes a DataFrame or a CSV/Parquet path, "
                    f"got {type(source).__name__}."
                )
            name = f"crmlab_src_{uuid.uuid4().hex[:8]}"
            self.con.register(name, source)
            self.text = name
        else:
            _check_exists(path, self.caller)
            self.label = repr(str(path))
            kind = _kind(path, self.caller)
            where = str(path / "*.parquet") if path.is_dir() else str(path)
            where = where.replace("'", "''")
            if kind == "parquet":
                self.text = f"read_parquet('{where}')"
            else:
                sep = "\\t" if ".tsv" in path.name.lower() else ","
                base = f"read_csv('{where}', header = true, delim = '{sep}'"
                try:
                    sniffed = dict(_sniff_csv(path)[0])
                except duckdb.Error as err:
                    raise CRMDataError(
                        f"{self.caller}: cannot read {self.label} with DuckDB: "
                        f"{_first_line(err)}"
                    ) from err
                _require_columns(list(needed), list(sniffed), self.label, self.caller,
                                 self.params)
                for name, role in needed.items():
                    if role == "datetime" and "TIME ZONE" in sniffed[name]:
                        raise _zone_error(self.caller, name, "UTC offsets (like +08:00)",
                                          self.label)
                # dates are read as text and cast here, so that a UTC offset anywhere
                # in the file (not only in the sniffer's sample) stops the query
                # instead of being dropped: the pandas reader refuses such a column
                types = {"id": "VARCHAR", "datetime": "VARCHAR", "number": "DOUBLE"}
                spec = ", ".join(f"'{n.replace(chr(39), chr(39) * 2)}': '{types[r]}'"
                                 for n, r in needed.items() if r in types)
                casts = ", ".join(_strict_timestamp(n, self.label)
                                  for n, r in needed.items() if r == "datetime")
                reader = f"{base}, types = {{{spec}}})"
                self.text = (f"(SELECT * REPLACE ({casts}) FROM {reader})" if casts
                             else reader)
                types = {**types, "datetime": "TIMESTAMP"}
                # the sniffed types with ours over them: what DuckDB reads (no second
                # sniff of the file)
                self.types = {**sniffed, **{n: types[r] for n, r in needed.items()
                                            if r in types}}
                return
        rows = self._duckdb(f"DESCRIBE SELECT * FROM {self.text}")
        self.types = {r[0]: str(r[1]).upper() for r in rows}

    def _duckdb(self, query: str):
        import duckdb

        try:
            return self.con.sql(query).fetchall()
        except duckdb.Error as err:
            raise CRMDataError(
                f"{self.caller}: cannot read {self.label} with DuckDB: {_first_line(err)}"
            ) from err

    # Spark ---------------------------------------------------------------------
    def _open_spark(self, source, needed):
        path = as_path(source)
        with _quiet_spark():
            if _is_spark_frame(source):
                frame, self.spark = source, source.sparkSession
            else:
                self.spark = local_spark()
                if path is not None:
                    _check_exists(path, self.caller)
                    self.label = repr(str(path))
                    reader = self.spark.read
                    try:
                        if _kind(path, self.caller) == "parquet":
                            _refuse_zoned_parquet(path, needed, self.caller, self.label)
                            frame = reader.parquet(str(path))
                        else:
                            sep = "\t" if ".tsv" in path.name.lower() else ","
                            frame = reader.csv(str(path), header=True, sep=sep)
                    except CRMDataError:
                        raise
                    except Exception as err:  # pyspark raises its own exception classes
                        raise CRMDataError(
                            f"{self.caller}: cannot read {self.label} with Spark: "
                            f"{_first_line(err)}"
                        ) from err
                elif isinstance(source, pd.DataFrame):
                    present = [n for n in needed if n in source.columns]
                    _require_columns(list(needed), list(source.columns), self.label,
                                     self.caller, self.params)
                    frame = self.spark.createDataFrame(source.loc[:, present])
                else:
                    raise CRMDataError(
                        f"{self.caller}: engine='spark' takes a PySpark DataFrame, a pandas "
                        f"DataFrame or a CSV/Parquet path, got {type(source).__name__}."
                    )
            self.text = f"crmlab_src_{uuid.uuid4().hex[:8]}"
            frame.createOrReplaceTempView(self.text)
        self._cleanup.append(lambda: self.spark.catalog.dropTempView(self.text))
        self.types = {name: kind.upper() for name, kind in frame.dtypes}

    # both ----------------------------------------------------------------------
    def _check_types(self, needed: dict) -> None:
        for name, role in needed.items():
            kind = self.types[name]
            if role == "number" and not _is_numeric(kind) and kind != "STRING":
                raise CRMDataError(
                    f"{self.caller}: column {name!r} must be numeric; it has type {kind} in "
                    f"{self.label}. Convert it (pd.to_numeric) or read the file with "
                    f"crmlab.read_transactions and save it as Parquet."
                )
            if (role == "datetime" and not _is_temporal(kind, self.engine)
                    and kind not in ("STRING", "VARCHAR")):
                raise CRMDataError(
                    f"{self.caller}: column {name!r} must hold dates; it has type {kind} in "
                    f"{self.label}. Convert it with pd.to_datetime or read the file with "
                    f"crmlab.read_transactions."
                )
            if role == "datetime" and "TIME ZONE" in kind and self.engine == "duckdb":
                raise _zone_error(self.caller, name, f"a time zone ({kind})", self.label)
            if role == "datetime" and kind == "VARCHAR" and self.engine == "duckdb":
                raise CRMDataError(
                    f"{self.caller}: column {name!r} must hold dates (datetime64); it has "
                    f"text in {self.label}. Convert it with pd.to_datetime or read the file "
                    f"with crmlab.read_transactions."
                )

    def run(self, query: str) -> pd.DataFrame:
        if self.engine == "duckdb":
            import duckdb

            try:
                # through Arrow, one block per column: pandas does not stack the columns
                # into one 2-D block (a copy of the whole result)
                table = self.con.sql(query).to_arrow_table()
                return table.to_pandas(split_blocks=True, self_destruct=True)
            except duckdb.Error as err:
                found = re.search(rf"{_OFFSET_MARK} '(.*?)' of .*?: (.*)", str(err))
                if found:  # a date with a UTC offset past the sniffer's sample
                    raise _zone_error(self.caller, found.group(1),
                                      f"UTC offsets (like {found.group(2).strip()!r})",
                                      self.label) from err
                raise CRMDataError(
                    f"{self.caller}: DuckDB could not compute the result from {self.label}: "
                    f"{_first_line(err)}"
                ) from err
        # Spark sorts with an extra sampling job; the result is one row per customer
        # (or per cohort cell), so pandas sorts it instead (string order = code-point
        # order, as in SQL)
        query, _, keys = query.rstrip().rpartition("\nORDER BY ")
        with _quiet_spark():
            try:
                result = self.spark.sql(query).toPandas()
                return result.sort_values(keys.split(", "), kind="stable", ignore_index=True)
            except Exception as err:  # pyspark raises its own exception classes
                raise CRMDataError(
                    f"{self.caller}: Spark could not compute the result from {self.label}: "
                    f"{_first_line(err)}"
                ) from err

    def close(self) -> None:
        for step in reversed(self._cleanup):
            with contextlib.suppress(Exception):
                step()


#: How DuckDB's error() reports a date with a UTC offset past the sniffer's sample.
_OFFSET_MARK = "crmlab: UTC offset in column"


def _strict_timestamp(name: str, label: str) -> str:
    """SQL casting a CSV's date column, read as text, to TIMESTAMP; a value with a UTC
    offset (``+08:00``, ``Z``) raises (an ISO date-time without one is at most 26
    characters: ``2024-01-05 13:45:00.123456``)."""
    col = '"' + name.replace('"', '""') + '"'
    message = f"{_OFFSET_MARK} {name!r} of {label}: ".replace("'", "''")
    return (f"CAST(CASE WHEN length({col}) > 19 AND regexp_matches({col}, "
            f"'(Z|[+-][0-9]{{2}}(:?[0-9]{{2}})?)$') THEN error('{message}' || {col}) "
            f"ELSE {col} END AS TIMESTAMP) AS {col}")


def _refuse_zoned_parquet(path: Path, needed: dict, caller: str, label: str) -> None:
    """Spark reads a zoned Parquet timestamp in its session time zone: refuse it, as
    DuckDB does, rather than cut days and months elsewhere than the data's local time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(_files(path)[0])
    except (OSError, ValueError, IndexError, pa.ArrowException):
        return  # Spark's own reader gives the message
    for name, role in needed.items():
        if role == "datetime" and name in schema.names:
            kind = schema.field(name).type
            if pa.types.is_timestamp(kind) and kind.tz is not None:
                raise _zone_error(caller, name, f"a time zone ({kind.tz})", label)


def _zone_error(caller: str, name: str, what: str, label: str) -> CRMDataError:
    """DuckDB would cut days and months in its session time zone (UTC), or drop an
    offset, where pandas keeps each row's local time: refuse rather than differ."""
    return CRMDataError(
        f"{caller}: column {name!r} has dates with {what} in {label}; DuckDB would count "
        f"days and months in UTC or drop the offsets, not in each row's local time. Pass "
        f"engine='pandas' (local days and months), or write the dates without a time zone "
        f"(df[{name!r}] = df[{name!r}].dt.tz_localize(None)) and save the file again."
    )


def _is_numeric(kind: str) -> bool:
    kind = kind.upper()
    return kind.startswith(("TINYINT", "SMALLINT", "INT", "BIGINT", "HUGEINT", "UTINYINT",
                            "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE",
                            "DECIMAL", "REAL", "BYTE", "SHORT", "LONG"))


def _is_temporal(kind: str, dialect: str) -> bool:
    return kind.upper().startswith(("DATE", "TIMESTAMP"))


@contextlib.contextmanager
def _quiet_spark():
    """Silence PySpark's warnings about pandas >= 3 (import, createDataFrame, toPandas)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas",
                                category=FutureWarning)
        warnings.filterwarnings("ignore", message="The copy keyword is deprecated",
                                category=DeprecationWarning)
        yield


def local_spark(app_name: str = "crmlab") -> pyspark.sql.SparkSession:
    """Return the active SparkSession, or start a local one for one machine.

    The local session uses ``local[2]``, the Spark UI off, the driver bound to
    127.0.0.1, 2 shuffle partitions, no console progress bar and UTC as session time zone.

    Parameters
    ----------
    app_name : str, default "crmlab"
        Name of a new session.

    Returns
    -------
    pyspark.sql.SparkSession

    Raises
    ------
    CRMDataError
        If PySpark is not installed.
    """
    try:
        with _quiet_spark():
            from pyspark.sql import SparkSession
    except ImportError as err:
        raise CRMDataError(
            "engine='spark' needs PySpark and Java 17+: pip install \"crmlab[scale]\"."
        ) from err
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    with _quiet_spark():
        spark = (
            SparkSession.builder.master("local[2]").appName(app_name)
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _open(engine: str, source, needed: dict, caller: str, params: dict) -> _Source:
    if engine == "duckdb":
        try:
            import duckdb  # noqa: F401
        except ImportError as err:
            raise CRMDataError(
                f"{caller}: engine='duckdb' needs DuckDB: pip install \"crmlab[scale]\" "
                f"(or pass engine='pandas')."
            ) from err
    return _Source(engine, source, needed, caller, params)


# --------------------------------------------------------------------------- aggregates

#: The aggregates the engines compute, each from one SQL text (and its pandas twin).
AGGREGATES = ("customers", "periods", "cohorts", "customer_periods")

#: Column roles an aggregate reads (the vocabulary of crmlab.schema): role -> data kind.
ROLE_KINDS = {"customer": "id", "date": "datetime", "amount": "number", "order": "id",
              "gross_profit": "number", "cost": "number", "channel": "any",
              "category": "any"}


def _period_expr(period: str) -> str:
    """SQL period number of day number ``d``: the day, or the Monday-to-Sunday week."""
    return "d" if period == "D" else "CAST(FLOOR((d - 4) / 7.0) AS BIGINT)"


def _window(period: str, end_period: int | None) -> str:
    return "TRUE" if end_period is None else f"{_period_expr(period)} <= {int(end_period)}"


#: Raw aggregate columns behind each column of the per-customer table
#: (:func:`crmlab.customers.customer_table`), so a caller that needs a few columns
#: (``needs=``) has only those computed.
RAW_COLUMNS = {"rows": ("rows_in",), "orders": ("orders",), "returns": ("returns",),
               "first_purchase": ("first_purchase",), "last_purchase": ("last_purchase",),
               "return_rows": ("return_rows",), "spend": ("spend",), "gross": ("gross",),
               "returned": ("return_amount",), "gross_profit": ("gross_profit",),
               "cost": ("cost",), "profit": ("gross_profit", "cost"),
               "online_orders": ("online_orders",), "categories": ("categories",)}


def _raw_needs(needs) -> set | None:
    """The raw columns behind the table columns ``needs`` (None: all of them)."""
    if needs is None:
        return None
    return {raw for name in needs for raw in RAW_COLUMNS.get(name, ())}


def _customers_parts(roles: dict, online, period: str, end_period, dialect: str,
                     needs=None, null_counts: bool = True) -> dict:
    """The optional parts of CUSTOMERS_SQL for the roles present (and the raw columns
    ``needs`` asks for: None, all of them; the counts always, and the day range unless
    the input was checked already, ``null_counts=False``: its caller has the dates)."""
    text = "VARCHAR" if dialect == "duckdb" else "STRING"
    has = {r: roles.get(r) is not None for r in ROLE_KINDS}
    raw = _raw_needs(needs)

    def want(name: str) -> bool:
        return raw is None or name in raw

    cols, nulls, aggs = [], [], []
    if has["date"]:
        cols.append("{day} AS d")
        nulls.append("COUNT(d) AS n_dates")
        if null_counts:
            aggs += ["MIN(d) AS min_day", "MAX(d) AS max_day"]
        aggs += [a for a in ("MIN(d) FILTER (WHERE inw AND buy) AS first_purchase",
                             "MAX(d) FILTER (WHERE inw AND buy) AS last_purchase")
                 if want(a.rsplit(" ", 1)[1])]
    if has["amount"]:
        cols.append("CAST({m} AS DOUBLE) AS m")
        nulls.append("COUNT(m) AS n_amounts")
        # without an order column, return rows = rows in the window - orders (the
        # caller, crmlab.customers, derives them when orders are counted: the input was
        # checked, or it checks the null counts first, so no amount is missing)
        derive = not has["order"] and want("orders") and (not null_counts
                                                           or needs is not None)
        aggs += [a for a in ("COUNT(*) FILTER (WHERE inw AND NOT buy) AS return_rows",
                             "SUM(m) FILTER (WHERE inw) AS spend",
                             "SUM(m) FILTER (WHERE inw AND buy) AS gross",
                             "SUM(m) FILTER (WHERE inw AND NOT buy) AS return_amount")
                 if want(a.rsplit(" ", 1)[1])
                 and not (derive and a.endswith(" return_rows"))]
    if has["order"]:
        cols.append("{o} AS o")
        nulls.append("COUNT(o) AS n_orders")
    if has["gross_profit"]:
        cols.append("CAST({g} AS DOUBLE) AS g")
        nulls.append("COUNT(g) AS n_gross_profit")
        if want("gross_profit"):
            aggs.append("SUM(g) FILTER (WHERE inw) AS gross_profit")
    if has["cost"]:
        cols.append("CAST({k} AS DOUBLE) AS k")
        nulls.append("COUNT(k) AS n_cost")
        aggs += (["SUM(k) FILTER (WHERE inw) AS cost"] if want("cost") else []) + [
            "MIN(k) AS min_cost"]
    unit = "DISTINCT o" if has["order"] else "*"
    if has["channel"] and want("online_orders"):
        values = ", ".join("'" + str(v).replace("'", "''").replace("{", "{{").replace("}", "}}")
                           + "'" for v in online) or "NULL"
        cols.append(f"(CAST({{ch}} AS {text}) IN ({values})) AS onl")
        aggs.append(f"COUNT({unit}) FILTER (WHERE inw AND buy AND onl) AS online_orders")
    if has["category"] and want("categories"):
        cols.append("{cat} AS cat")
        aggs.append("COUNT(DISTINCT cat) FILTER (WHERE inw AND buy) AS categories")
    if has["date"]:
        in_window = _window(period, end_period)
    else:
        in_window = "TRUE"
    is_buy = "(m >= 0)" if has["amount"] else "TRUE"
    counts = []
    if want("orders"):
        counts.append(f"COUNT({unit}) FILTER (WHERE inw AND buy) AS orders")
    if want("returns"):
        counts.append(f"COUNT({unit}) FILTER (WHERE inw AND NOT buy) AS returns"
                      if has["amount"] else "0 AS returns")
    parts = {
        "select": "".join(f", {c}" for c in cols),
        "null_counts": "".join(f"\n    {n}," for n in nulls) if null_counts else "",
        "in_window": in_window,
        "is_buy": is_buy,
        "late_rows": "COUNT(*) FILTER (WHERE NOT inw)",
        "rows_in": "COUNT(*) FILTER (WHERE inw)",
        "counts": "".join(f",\n    {c}" for c in counts),
        "aggregates": "".join(f",\n    {a}" for a in aggs),
    }
    if in_window == "TRUE":  # no window: no filter on it (fewer conditions per row)
        parts["late_rows"], parts["rows_in"] = "0", "COUNT(*)"
        for key in ("counts", "aggregates"):
            parts[key] = (parts[key].replace(" FILTER (WHERE inw)", "")
                          .replace("(WHERE inw AND ", "(WHERE "))
    return parts


def _periods_parts(roles: dict, period: str, end_period, dialect: str) -> dict:
    has_amount = roles.get("amount") is not None
    return {
        "amount_column": ", CAST({m} AS DOUBLE) AS m" if has_amount else "",
        "amount_sum": ", SUM(m) AS m" if has_amount else "",
        "is_buy": "m >= 0" if has_amount else "TRUE",
        "period": _period_expr(period),
        "in_window": _window(period, end_period),
        "repeat_spend": (",\n    (SUM(m) - min_by(m, p)) / NULLIF(COUNT(*) - 1, 0) AS repeat_mean"
                         if has_amount else ""),
    }


def _customer_periods_parts(roles: dict, period: str, end_period,
                            null_counts: bool = True) -> dict:
    """The parts of CUSTOMER_PERIODS_SQL. Without ``null_counts`` (a DataFrame checked
    already: no missing values, and its caller has the dates) the non-null counts and
    the day range are left out; without a window or an amount, the conditions that
    are always true are left out too (fewer aggregates and no FILTER per group)."""
    has_amount = roles.get("amount") is not None
    window = end_period is not None
    buys = " AND ".join(["inw"] * window + ["buy"] * has_amount)
    keep = f" FILTER (WHERE {buys})" if buys else ""
    parts = {
        "amount_column": ", CAST({m} AS DOUBLE) AS m" if has_amount else "",
        "amount_sum": ", SUM(m) AS m" if has_amount else "",
        "is_buy": "(m >= 0)" if has_amount else "TRUE",
        "period": _period_expr(period),
        "in_window": f"p <= {int(end_period)}" if window else "TRUE",
        "day_range": "",
        "null_counts": "",
        "min_max": "",
        "late_rows": ("CAST(COALESCE(SUM(n) FILTER (WHERE NOT inw), 0) AS BIGINT)" if window
                      else "CAST(0 AS BIGINT)"),
        "rows_in": ("CAST(COALESCE(SUM(n) FILTER (WHERE inw), 0) AS BIGINT)" if window
                    else "CAST(SUM(n) AS BIGINT)"),
        "periods": f"COUNT(*){keep}",
        "first_period": f"MIN(p){keep}",
        "last_period": f"MAX(p){keep}",
        "repeat_spend": (f",\n    (SUM(m){keep} - min_by(m, p){keep}) / NULLIF(COUNT(*){keep} "
                         f"- 1, 0) AS repeat_mean" if has_amount else ""),
    }
    if null_counts and period == "D":
        # a group's period is its day, and its purchase flag is missing exactly when
        # its amounts are: the counts and the day range come from the groups' keys
        parts["null_counts"] = (
            "\n    CAST(COALESCE(SUM(n) FILTER (WHERE p IS NOT NULL), 0) AS BIGINT) "
            "AS n_dates," + ("\n    CAST(COALESCE(SUM(n) FILTER (WHERE buy IS NOT NULL), 0)"
                             " AS BIGINT) AS n_amounts," if has_amount else ""))
        parts["min_max"] = "\n    MIN(p) AS min_day,\n    MAX(p) AS max_day,"
    elif null_counts:
        parts["day_range"] = ", COUNT(d) AS nd, MIN(d) AS d0, MAX(d) AS d1" + (
            ", COUNT(m) AS nm" if has_amount else "")
        parts["null_counts"] = "\n    CAST(SUM(nd) AS BIGINT) AS n_dates," + (
            "\n    CAST(SUM(nm) AS BIGINT) AS n_amounts," if has_amount else "")
        parts["min_max"] = "\n    MIN(d0) AS min_day,\n    MAX(d1) AS max_day,"
    return parts


def _cohorts_parts(roles: dict) -> dict:
    has_amount = roles.get("amount") is not None
    return {
        "amount_column": ", CAST({m} AS DOUBLE) AS m" if has_amount else "",
        "buys": "COUNT(*) FILTER (WHERE m >= 0)" if has_amount else "COUNT(*)",
        "returns": "COUNT(*) FILTER (WHERE m < 0)" if has_amount else "0",
        "amount_count": ", COUNT(m) AS n_m" if has_amount else "",
        "missing_amounts": "SUM(n) - SUM(n_m)" if has_amount else "0",
    }


def _sql_columns(roles: dict) -> dict:
    """Placeholder -> column name, for the roles present."""
    keys = {"customer": "c", "date": "d", "amount": "m", "order": "o", "gross_profit": "g",
            "cost": "k", "channel": "ch", "category": "cat"}
    return {keys[r]: name for r, name in roles.items() if name is not None and r in keys}


def aggregate_sql(name: str, roles: dict, engine: str = "duckdb", *,
                  source: str = "transactions", online: Sequence[str] = ("online", "app"),
                  period: str = "D", end_period: int | None = None,
                  types: dict | None = None, needs: Sequence[str] | None = None,
                  null_counts: bool = True) -> str:
    """Return the SQL text of an aggregate for the given column roles.

    Parameters
    ----------
    name : {"customers", "periods", "cohorts", "customer_periods"}
        The aggregate.
    roles : dict
        Role (``customer``, ``date``, ``amount``, ``order``, ``gross_profit``, ``cost``,
        ``channel``, ``category``) -> column name; absent or None roles are left out.
    engine : {"duckdb", "spark"}, default "duckdb"
        The SQL dialect.
    source : str, default "transactions"
        The table name or reader expression.
    online : sequence of str, default ("online", "app")
        Channel values that count as online orders.
    period : {"D", "W"}, default "D"
        The window's (and the purchase periods') unit: days or Monday-to-Sunday weeks.
    end_period : int, optional
        Last period in the window (day number since 1970-01-01, or week number); None:
        every row.
    types : dict, optional
        Column name -> SQL type, to read text dates when needed.
    needs : set of str, optional
        ``"customers"``: the columns of the per-customer table the caller needs (see
        :data:`RAW_COLUMNS`); only their aggregates are computed. None: all.
    null_counts : bool, default True
        ``"customers"``: count the non-missing values of each input (for the caller's
        checks); False when the input was checked already.

    Returns
    -------
    str

    Examples
    --------
    >>> print(aggregate_sql("customers", {"customer": "customer_id", "amount": "amount"}))
    ... # doctest: +NORMALIZE_WHITESPACE
    WITH src AS (
        SELECT "customer_id" AS c, CAST("amount" AS DOUBLE) AS m
        FROM transactions
    ),
    w AS (
        SELECT *, TRUE AS inw, (m >= 0) AS buy
        FROM src
    )
    SELECT
        c,
        COUNT(*) AS n_rows,
        COUNT(m) AS n_amounts,
        0 AS late_rows,
        COUNT(*) AS rows_in,
        COUNT(*) FILTER (WHERE buy) AS orders,
        COUNT(*) FILTER (WHERE NOT buy) AS returns,
        COUNT(*) FILTER (WHERE NOT buy) AS return_rows,
        SUM(m) AS spend,
        SUM(m) FILTER (WHERE buy) AS gross,
        SUM(m) FILTER (WHERE NOT buy) AS return_amount
    FROM w
    GROUP BY c
    ORDER BY c
    """
    check_option(name, AGGREGATES, name="aggregate", caller="aggregate_sql")
    check_option(engine, tuple(_DIALECTS), name="engine", caller="aggregate_sql")
    columns = _sql_columns(roles)
    types = types if types is not None else {roles.get("date"): "TIMESTAMP"}
    if name == "customers":
        parts = _customers_parts(roles, online, period, end_period, engine, needs=needs,
                                 null_counts=null_counts)
        return _render(CUSTOMERS_SQL, engine, source, columns, types, **parts)
    if name == "cohorts":
        return _render(COHORTS_SQL, engine, source, columns, types, **_cohorts_parts(roles))
    if name == "customer_periods":
        parts = _customer_periods_parts(roles, period, end_period, null_counts)
        return _render(CUSTOMER_PERIODS_SQL, engine, source, columns, types, **parts)
    parts = _periods_parts(roles, period, end_period, engine)
    return _render(PERIODS_SQL, engine, source, columns, types, **parts)


def day_numbers(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 (floored, time zone dropped), as int64.

    Examples
    --------
    >>> d = pd.to_datetime(["1970-01-02 23:00", "2024-01-31"], format="ISO8601")
    >>> day_numbers(pd.Series(d)).tolist()
    [1, 19753]
    """
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    return dates.to_numpy().astype("datetime64[D]").astype(np.int64)


def period_numbers(days: np.ndarray, period: str) -> np.ndarray:
    """Number the periods of day numbers: the day itself, or Monday-to-Sunday weeks.

    Examples
    --------
    >>> period_numbers(np.array([0, 3, 4, 10, 11]), "W").tolist()  # 1970-01-05 was a Monday
    [-1, -1, 0, 0, 1]
    """
    return days if period == "D" else (days - 4) // 7


def _distinct_count(key_codes: np.ndarray, values: tuple, keep: np.ndarray,
                    groups: int) -> np.ndarray:
    """Per group, the number of distinct values among the rows ``keep``; ``values`` is
    ``pd.factorize`` of the value column. The (group, value) pairs become one int64 each,
    made unique and counted per group: what ``nunique`` does, without hashing the
    values per group."""
    codes, uniques = values
    width = max(len(uniques), 1)
    ok = keep & (codes >= 0)  # a missing value is not counted, as COUNT(DISTINCT) skips NULL
    pairs = key_codes[ok].astype(np.int64) * width + codes[ok]
    return np.bincount(pd.unique(pairs) // width, minlength=groups).astype(np.int64)


def _customers_pandas(df: pd.DataFrame, roles: dict, online, period: str,
                      end_period: int | None, needs=None) -> pd.DataFrame:
    """CUSTOMERS_SQL in pandas, on a validated table: the same raw columns (those
    ``needs`` asks for), from ONE factorisation of the customer id: counts by
    ``bincount`` of the integer codes, distinct orders and categories from unique
    (customer, value) integer pairs, and the sums, minima and maxima in one
    ``groupby().agg`` on the codes. Masked values are NaN, which sums and minima skip,
    so each column aggregates exactly the rows its SQL FILTER keeps."""
    has = {r: roles.get(r) is not None for r in ROLE_KINDS}
    raw = _raw_needs(needs)

    def want(name: str) -> bool:
        return raw is None or name in raw

    n = len(df)
    codes, uniques = pd.factorize(df[roles["customer"]], sort=True)
    groups = len(uniques)

    def count(mask) -> np.ndarray:
        return np.bincount(codes[mask], minlength=groups).astype(np.int64)

    if has["date"]:
        days = day_numbers(df[roles["date"]])
        inw = (np.ones(n, dtype=bool) if end_period is None
               else period_numbers(days, period) <= end_period)
    else:
        inw = np.ones(n, dtype=bool)
    buy = (df[roles["amount"]].to_numpy() >= 0) if has["amount"] else np.ones(n, bool)
    purchase, returned = inw & buy, inw & ~buy
    out: dict[str, object] = {"c": uniques,
                              "n_rows": np.bincount(codes, minlength=groups).astype(np.int64)}
    rows_in = out["n_rows"] if inw.all() else count(inw)
    out["late_rows"] = out["n_rows"] - rows_in
    out["rows_in"] = rows_in
    if has["order"]:
        order = pd.factorize(df[roles["order"]])
        if want("orders"):
            out["orders"] = _distinct_count(codes, order, purchase, groups)
        if has["amount"] and want("returns"):
            out["returns"] = _distinct_count(codes, order, returned, groups)
    else:
        if want("orders"):
            out["orders"] = count(purchase)
        if has["amount"] and want("returns"):
            out["returns"] = count(returned)
    if not has["amount"] and want("returns"):
        out["returns"] = np.zeros(groups, dtype=np.int64)
    cols: dict[str, object] = {}
    named: dict[str, tuple[str, str]] = {}
    if has["date"]:
        cols["d"] = days
        named.update(min_day=("d", "min"), max_day=("d", "max"))
        if want("first_purchase") or want("last_purchase"):
            cols["d_buy"] = np.where(purchase, days, np.nan)
        if want("first_purchase"):
            named["first_purchase"] = ("d_buy", "min")
        if want("last_purchase"):
            named["last_purchase"] = ("d_buy", "max")
    if has["amount"]:
        amount = df[roles["amount"]].to_numpy(dtype=float)
        if want("return_rows"):
            out["return_rows"] = count(returned)
        for name, mask, key in (("spend", inw, "m_in"), ("gross", purchase, "m_buy"),
                                ("return_amount", returned, "m_ret")):
            if want(name):
                cols[key] = amount if mask is inw and inw.all() else np.where(
                    mask, amount, np.nan)
                named[name] = (key, "sum")
    if has["gross_profit"] and want("gross_profit"):
        g = df[roles["gross_profit"]].to_numpy(dtype=float)
        cols["g_in"] = np.where(inw, g, np.nan)
        named["gross_profit"] = ("g_in", "sum")
    if has["cost"]:
        k = df[roles["cost"]].to_numpy(dtype=float)
        cols["k_all"] = k
        named["min_cost"] = ("k_all", "min")
        if want("cost"):
            cols["k_in"] = np.where(inw, k, np.nan)
            named["cost"] = ("k_in", "sum")
    if has["channel"] and want("online_orders"):
        onl = df[roles["channel"]].astype("str").isin([str(v) for v in online]).to_numpy()
        if has["order"]:
            out["online_orders"] = _distinct_count(codes, order, purchase & onl, groups)
        else:
            out["online_orders"] = count(purchase & onl)
    if has["category"] and want("categories"):
        out["categories"] = _distinct_count(codes, pd.factorize(df[roles["category"]]),
                                            purchase, groups)
    result = pd.DataFrame(out)
    if named:
        agg = pd.DataFrame(cols).groupby(codes, sort=True).agg(**named)
        for name in named:
            result[name] = agg[name].to_numpy()
    return result


def _periods_pandas(df: pd.DataFrame, roles: dict, period: str,
                    end_period: int | None) -> pd.DataFrame:
    """PERIODS_SQL in pandas. Spend is summed per period in lifetimes' order (by date,
    then amount) and the repeat periods averaged as lifetimes does, so the results agree
    with lifetimes' summary to the last bit."""
    customer, date, amount = roles["customer"], roles["date"], roles.get("amount")
    days = day_numbers(df[date])
    periods = period_numbers(days, period)
    keep = np.ones(len(df), dtype=bool) if end_period is None else periods <= end_period
    if amount is not None:
        keep &= df[amount].to_numpy() >= 0
    frame = pd.DataFrame({"c": df[customer].to_numpy(), "p": periods})
    if amount is not None:
        frame["t"] = df[date].to_numpy()
        frame["m"] = df[amount].to_numpy(dtype=float)
    frame = frame.loc[keep]
    if amount is not None:
        frame = frame.sort_values(["c", "t", "m"], kind="stable")
        per = frame.groupby(["c", "p"], sort=True)["m"].sum().reset_index()
    else:
        per = frame.drop_duplicates(["c", "p"]).sort_values(["c", "p"], kind="stable")
    named = {"periods": ("p", "size"), "first_period": ("p", "min"),
             "last_period": ("p", "max")}
    if amount is not None:
        # per is sorted by customer and period: a customer's first row is its first
        # period, masked as NaN as lifetimes does (the compensated group mean of the
        # repeat periods then agrees with lifetimes' to the last bit)
        first = per["c"].ne(per["c"].shift()).to_numpy()
        per = per.assign(r=per["m"].where(~first))
        named["repeat_mean"] = ("r", "mean")
    out = per.groupby("c", sort=True).agg(**named)
    out["periods"] = out["periods"].astype(np.int64)
    return out.rename_axis("c").reset_index()


def month_numbers(dates: pd.Series) -> np.ndarray:
    """Calendar months as numbers, ``year * 12 + month - 1`` (local months of a time zone).

    Examples
    --------
    >>> month_numbers(pd.Series(pd.to_datetime(["2024-01-31", "2024-02-01"]))).tolist()
    [24288, 24289]
    """
    return (dates.dt.year.to_numpy(dtype=np.int64) * 12
            + dates.dt.month.to_numpy(dtype=np.int64) - 1)


def _cohorts_pandas(df: pd.DataFrame, roles: dict) -> pd.DataFrame:
    """COHORTS_SQL in pandas, on a validated table (no missing values): the distinct
    (customer, purchase month) pairs, the first month per customer from one
    factorisation, then one count per (cohort, months since)."""
    month = month_numbers(df[roles["date"]])
    n = len(df)
    amount = roles.get("amount")
    buy = (df[amount].to_numpy() >= 0) if amount is not None else np.ones(n, dtype=bool)
    codes, _ = pd.factorize(df[roles["customer"]])
    codes, bought = codes[buy], month[buy]
    if codes.size:
        first = np.full(codes.max() + 1, np.iinfo(np.int64).max)
        np.minimum.at(first, codes, bought)
        pairs = pd.DataFrame({"cohort": first[codes], "since": bought - first[codes],
                              "c": codes}).drop_duplicates()
        cells = (pairs.groupby(["cohort", "since"], sort=True).size()
                 .rename("customers").reset_index())
    else:
        cells = pd.DataFrame({"cohort": [np.nan], "since": [np.nan], "customers": [np.nan]})
    return cells.assign(n_rows=n, missing_ids=0, missing_dates=0, missing_amounts=0,
                        return_rows=int(n - buy.sum()),
                        last_month=int(month.max()) if n else np.nan)


def aggregate(name: str, source: Source, roles: dict, *, engine: str, caller: str,
              params: dict | None = None, online: Sequence[str] = ("online", "app"),
              period: str = "D", end_period: int | None = None,
              needs: Sequence[str] | None = None, checked: bool = False) -> pd.DataFrame:
    """Compute an aggregate of a transaction log on an engine: its raw columns.

    Parameters
    ----------
    name : {"customers", "periods", "cohorts"}
        The aggregate (see :data:`CUSTOMERS_SQL`, :data:`PERIODS_SQL`,
        :data:`COHORTS_SQL`; the cohorts aggregate reads ``customer``, ``date`` and
        ``amount`` and ignores the window).
    source : DataFrame, str, Path or PySpark DataFrame
        For ``engine="pandas"`` a DataFrame already checked with
        :func:`crmlab.validation.require` (the caller validates once); for DuckDB and
        Spark a DataFrame, a CSV/Parquet path or a Spark DataFrame.
    roles : dict
        Role -> column name (see :data:`ROLE_KINDS`).
    engine : {"pandas", "duckdb", "spark"}
        Where to compute.
    caller : str
        The public function's name, for messages.
    params : dict, optional
        Column name -> the keyword that named it, for "did you mean" messages.
    online, period, end_period, needs
        As in :func:`aggregate_sql`.
    checked : bool, default False
        A DataFrame ``source`` was checked already (no missing values): the SQL
        engines skip counting them.

    Returns
    -------
    DataFrame
        One row per customer (column ``c``, sorted), with the aggregate's raw columns:
        counts, sums, day or period numbers, and (SQL engines) non-null counts of the
        inputs for the caller's checks. For ``"cohorts"``: one row per cell (``cohort``,
        ``since``, ``customers``, sorted), each with the log's counts (``n_rows``,
        ``missing_ids``, ``missing_dates``, ``missing_amounts``, ``return_rows``,
        ``last_month``).

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [5.0, 2.0, -1.0],
    ...                     "order_date": pd.to_datetime(["2024-01-05", "2024-03-01",
    ...                                                   "2024-02-01"])})
    >>> roles = {"customer": "customer_id", "date": "order_date", "amount": "amount"}
    >>> raw = aggregate("cohorts", log, roles, engine="pandas", caller="demo")
    >>> raw[["cohort", "since", "customers", "n_rows", "return_rows", "last_month"]]
       cohort  since  customers  n_rows  return_rows  last_month
    0   24288      0          1       3            1       24290
    1   24288      2          1       3            1       24290
    """
    roles = {r: c for r, c in roles.items() if c is not None}
    if name == "cohorts":
        roles = {r: c for r, c in roles.items() if r in ("customer", "date", "amount")}
    if name == "customer_periods":
        roles = {r: c for r, c in roles.items() if r in ("customer", "date", "amount")}
    if engine == "pandas":
        if name == "cohorts":
            return _cohorts_pandas(source, roles)
        if name == "customers":
            return _customers_pandas(source, roles, online, period, end_period, needs)
        per = _periods_pandas(source, roles, period, end_period)
        if name == "periods":
            return per
        counts = _customers_pandas(source, roles, online, period, end_period, {"rows"})
        return counts.merge(per, on="c", how="left")
    needed = {column: ROLE_KINDS[role] for role, column in roles.items()}
    src = _open(engine, source, needed, caller, params or {})
    try:
        query = aggregate_sql(name, roles, engine, source=src.text, online=online,
                              period=period, end_period=end_period, types=src.types,
                              needs=needs, null_counts=not checked)
        return src.run(query)
    finally:
        src.close()


def spark_available() -> bool:
    """Whether PySpark imports and a Java runtime is on PATH (for test skips)."""
    import shutil

    try:
        with _quiet_spark():
            import pyspark  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))
