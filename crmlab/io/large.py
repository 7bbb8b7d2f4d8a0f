"""Read a transaction file larger than memory in chunks (the command line's large-file path).

:func:`read_large` reads a CSV or Parquet file chunk by chunk through the *same*
cleaning code as :func:`crmlab.read_transactions` (so every message and decision is
the same), appends each cleaned chunk to a temporary Parquet file (pyarrow's
``ParquetWriter``) in a temporary folder that is always removed, and merges the
chunks' row accounts into one, equal to the account of the whole-file read. The
per-customer tables are then computed by DuckDB from that Parquet file
(:func:`crmlab.customers.customer_table` with ``engine="duckdb"``), so memory stays
bounded by the chunk size. The ``crmlab`` command takes this path for files of more
than :data:`LARGE_FILE_BYTES` (or with ``--large``).

Why it is written here: pandas' chunked reader (``read_csv(chunksize=...)``) cannot
apply the reader's column-wide decisions (the header below title lines, the encoding,
the day/month order detected from the whole column, duplicate rows and line items
anywhere above), and DuckDB's CSV reader does none of the cleaning (amounts with
currency symbols, Chinese dates, refunds, purchase rules) nor its row accounting.

How:

- **CSV.** The bytes are split at line ends (outside quotes, never after a blank line),
  which is safe for UTF-8, GB18030/GBK, Big5, Shift-JIS and cp1252: none of them uses
  the bytes of a newline or a quote inside a character. UTF-16 is refused (convert the
  file to UTF-8). The encoding, the delimiter, the header line and the decimal mark are
  decided on the first :data:`SAMPLE_BYTES` of the file, exactly as the whole-file
  reader decides them, and passed explicitly to every chunk; the header block (the
  title lines and the header) is put in front of each chunk, so that row labels in
  every message are the true line numbers.
- **Parquet.** Read in batches of rows with pyarrow; labels are 0-based positions.
- **Day/month order.** Decided by the first chunk that has an unambiguous slashed date
  (a number above 12) and checked, never re-decided, in every later chunk: a later
  day-first date in a month-first column stops with a :class:`crmlab.CRMDataError`
  that names the column, shows both rows and gives the fix (``dayfirst=`` or
  ``date_format=``). A first chunk whose slashed dates are all ambiguous stops too
  (the whole-file reader might have found the answer further down: pass ``dayfirst=``).
- **Across chunks.** A duplicate row (identical to an *earlier* row in every column as
  read) and a line item (its order id on an earlier row) may lie in an earlier chunk:
  a 64-bit hash of every row (DuckDB's ``hash()`` of its values as read; and of every
  order id, with ``order=``) is kept in a sorted array, 8 bytes per row: 400 MB at
  50 million rows (800 MB with order ids, and twice that for a moment while a chunk is
  merged in). Two different rows share a
  hash with a probability of about n²/2⁶⁵ (0.007 % at 50 million rows), which would
  drop one of them as a duplicate. A value that pandas reads as a number in one chunk
  and as text in another (a column with text further down) compares as different.
- **The account.** rows in = rows out + rows dropped, summed over the chunks; notes and
  rules are merged (counts summed, one "read in N chunks" note), the day/month note,
  the ids merged by the normalisation and the repeated order ids are counted over the
  whole file. Errors that need the whole file (``future="error"``, no usable row) are
  raised after the last chunk; an error about the values of one chunk (an amount that
  is not a number, two currencies) stops at that chunk, its counts those read so far.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.io import reader as _r

if TYPE_CHECKING:
    from crmlab._typing import PathLike

__all__ = ["CHUNK_ROWS", "LARGE_FILE_BYTES", "SAMPLE_BYTES", "LargeRead", "is_large",
           "read_large"]

#: Files of more bytes than this take the large-file path in the ``crmlab`` command
#: (1 GiB; the environment variable ``CRMLAB_LARGE_FILE_BYTES`` sets another).
LARGE_FILE_BYTES: int = int(os.environ.get("CRMLAB_LARGE_FILE_BYTES", str(1 << 30)))

#: Rows read and cleaned at a time (``--chunk-rows``); memory grows with it.
CHUNK_ROWS: int = 500_000

#: The start of a CSV file on which the encoding, delimiter and header are decided.
SAMPLE_BYTES: int = 4 << 20

_BLOCK = 16 << 20  # bytes read at a time
_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def is_large(path: PathLike, threshold: int | None = None) -> bool:
    """Whether ``path`` is a CSV or Parquet file of more than ``threshold`` bytes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     f = pathlib.Path(d) / "t.csv"
    ...     _ = f.write_text("customer_id,order_date,amount\\nC1,2024-01-05,10\\n")
    ...     is_large(f), is_large(f, threshold=10)
    (False, True)
    """
    p = Path(path).expanduser()
    limit = LARGE_FILE_BYTES if threshold is None else threshold
    return (p.is_file() and _kind(p) is not None and p.stat().st_size > limit)


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    base = name.removesuffix(".gz")
    if base.endswith(_r._CSV):
        return "csv"
    if name.endswith(_r._PARQUET):
        return "parquet"
    return None


class LargeRead:
    """A file read by :func:`read_large`: the cleaned rows in a temporary Parquet file.

    Attributes
    ----------
    path : Path
        The Parquet file of the cleaned rows (canonical columns ``customer_id``,
        ``order_date``, ``amount``, ``order_id`` when read with ``order=``, and the
        ``columns`` asked for); removed when the ``with`` block ends.
    report : dict
        The row account, as ``read_transactions(...).attrs["report"]``.
    columns : list of str
        The columns of ``path``.
    chunks : int
        How many chunks were read.
    """

    def __init__(self, path: Path, report: dict, columns: list, chunks: int) -> None:
        self.path, self.report, self.columns, self.chunks = path, report, columns, chunks
        self.attrs = {"report": report}

    def frame(self) -> pd.DataFrame:
        """The cleaned rows in memory (for small files and tests), with the account."""
        out = pd.read_parquet(self.path)
        out.attrs["report"] = self.report
        return out

    def sql(self, query: str) -> pd.DataFrame:
        """Run ``query`` in DuckDB, where ``tx`` is the cleaned rows."""
        con = _connect(self.path.parent)
        try:
            where = str(self.path).replace("'", "''")
            con.execute(f"CREATE VIEW tx AS SELECT * FROM read_parquet('{where}', "
                        f"file_row_number = true)")
            return con.execute(query).df()
        finally:
            con.close()

    def customers_without_purchase(self) -> list[str]:
        """The customers with only returns (amount < 0), sorted."""
        return self.sql("SELECT customer_id FROM tx GROUP BY 1 HAVING count(*) FILTER "
                        "(WHERE amount >= 0) = 0 ORDER BY 1")["customer_id"].tolist()

    def first_values(self, column: str) -> pd.Series:
        """Each customer's first non-missing value of ``column`` (in file order)."""
        quoted = '"' + column.replace('"', '""') + '"'
        got = self.sql(f"SELECT customer_id, arg_min({quoted}, file_row_number) AS v FROM tx "
                       f"WHERE {quoted} IS NOT NULL GROUP BY 1")
        return got.set_index("customer_id")["v"]

    def __repr__(self) -> str:
        return (f"LargeRead({self.report['rows_out']:,} rows of {self.report['source']} "
                f"in {self.chunks} chunks)")


@contextlib.contextmanager
def read_large(path: PathLike, *, chunk_rows: int = CHUNK_ROWS,
               columns: list[str] | tuple = (), progress: bool = False,
               customer: str | None = None, date: str | None = None,
               amount: str | None = None, order: str | None = None,
               name: str | None = None, currency: str | None = None,
               refund: str | None = None, preset: str | None = None,
               keep: Any = None, exclude: Any = None, to_currency: str | None = None,
               rates: Any = None, amount_unit: float | None = None,
               encoding: str | None = None, decimal: str | None = None,
               dayfirst: bool | None = None, date_format: str | None = None,
               normalize_ids: bool = True, as_of: Any = None, future: str = "drop",
               sheet: Any = None, **read_kwargs: Any) -> Iterator[LargeRead]:
    """Read a CSV or Parquet file in chunks into a temporary Parquet file (a context manager).

    Parameters
    ----------
    path : str or Path
        A CSV (``.csv``/``.tsv``/``.txt``, optionally ``.gz``) or Parquet file.
    chunk_rows : int, default CHUNK_ROWS
        Rows per chunk (memory grows with it).
    columns : sequence of str
        Other columns of the file to keep beside the canonical ones (e.g. the profit
        columns): numbers as float64, else text; those absent are skipped.
    progress : bool, default False
        Show a tqdm bar on stderr that moves by bytes (CSV) or rows (Parquet).
    customer, ..., future
        As in :func:`crmlab.read_transactions` (``sheet`` only for Excel: refused);
        ``read_kwargs`` may hold ``sep``.

    Yields
    ------
    LargeRead
        The Parquet file of the cleaned rows and the merged account. The temporary
        folder is removed when the block ends, also after an error.

    Raises
    ------
    CRMDataError
        As :func:`crmlab.read_transactions`; also for Excel or UTF-16 files, other
        ``read_kwargs``, a ``chunk_rows`` below 1, a day/month order that a later chunk
        contradicts, and profit columns that are not numbers.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     f = pathlib.Path(d) / "t.csv"
    ...     _ = f.write_text("customer_id,order_date,amount\\n"
    ...                      "C2,13/01/2024,5\\nC1,05/01/2024,10\\nC1,05/01/2024,10\\n")
    ...     with read_large(f, chunk_rows=1) as big:
    ...         df = big.frame()
    >>> df["order_date"].dt.strftime("%d %b").tolist(), big.report["dropped"], big.chunks
    (['13 Jan', '05 Jan'], {'duplicate row': 1}, 3)
    """
    if not isinstance(chunk_rows, int | np.integer) or chunk_rows < 1:
        raise CRMDataError(f"read_large: chunk_rows must be a whole number >= 1, got "
                           f"{chunk_rows!r}.")
    extra = sorted(set(read_kwargs) - {"sep", "delimiter"})
    if extra:
        raise CRMDataError(f"read_large: a file read in chunks takes no pandas options "
                           f"{', '.join(extra)} (only sep=); read it whole instead.")
    plan = _r._plan({"customer": customer, "date": date, "amount": amount, "order": order,
                     "name": name, "currency": currency, "refund": refund}, preset=preset,
                    keep=keep, exclude=exclude, decimal=decimal, dayfirst=dayfirst,
                    date_format=date_format, future=future)
    src = Path(path).expanduser()
    if not src.is_file():
        raise _r._not_found(src)
    kind = _kind(src)
    if kind is None:
        raise CRMDataError(
            f"read_large: {src.name} is not a CSV or Parquet file; only those are read in "
            f"chunks (an Excel sheet is read whole: leave out --large, or save it as CSV).")
    options = {"decimal": decimal, "dayfirst": plan.dayfirst, "date_format": date_format,
               "as_of": as_of, "future": plan.future, "to_currency": to_currency,
               "rates": rates, "amount_unit": amount_unit, "normalize_ids": normalize_ids}
    folder = Path(tempfile.mkdtemp(prefix="crmlab-large-"))
    try:
        state = _State(plan.dayfirst is None and date_format is None, folder)
        if state.order is not None:
            options["dayfirst"] = state.order
        out = folder / "transactions.parquet"
        parts = (_csv_parts(src, plan, encoding, read_kwargs) if kind == "csv"
                 else _parquet_parts(src, chunk_rows))
        writer = _Writer(out, list(columns))
        bar = _bar(src, kind, progress)
        try:
            reports, raw, df = [], None, None
            for raw, last, moved in (parts if kind == "parquet"
                                     else _split_csv(parts, chunk_rows)):
                state.last = last
                raw.chunk = state
                df = _r._clean(raw, plan.wanted, plan.filters, plan.pre,
                               decimal=_r._decimal_of(raw, options["decimal"]),
                               **{k: v for k, v in options.items() if k != "decimal"})
                if df is not None:
                    reports.append(df.attrs["report"])
                    writer.write(df)
                bar.update(moved)
        finally:
            bar.close()
            writer.close()
            state.con.close()
        if not reports:
            raise CRMDataError(f"read_transactions: {src.name} has a header but no data "
                               f"rows. Check that the export wrote the rows.")
        report = _merge(reports, state, out, chunk_rows)
        names, chunks = writer.names, len(reports)
        # nothing of the reading is kept while the caller computes
        del state, reports, raw, df, writer, parts
        _release()
        yield LargeRead(out, report, names, chunks)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _connect(folder: Path, limit: str = "1GB"):
    """A DuckDB connection whose memory is bounded (it spills to ``folder``/duckdb, a
    folder of this read only)."""
    import duckdb

    con = duckdb.connect(config={"memory_limit": limit,
                                 "temp_directory": str(folder / "duckdb")})
    con.execute("SET enable_progress_bar = false")
    return con


def _release() -> None:
    """Give the memory freed by the reading back to the system (glibc keeps it)."""
    import ctypes
    import gc

    import pyarrow as pa

    gc.collect()
    pa.default_memory_pool().release_unused()  # pyarrow's allocator keeps it too
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _bar(src: Path, kind: str, progress: bool):
    from tqdm.auto import tqdm

    if kind == "parquet":
        import pyarrow.parquet as pq

        total = pq.ParquetFile(src).metadata.num_rows
        return tqdm(total=total, desc=f"read {src.name}", unit="row", unit_scale=True,
                    disable=not progress, leave=False, mininterval=0)
    return tqdm(total=src.stat().st_size if not src.name.lower().endswith(".gz") else None,
                desc=f"read {src.name}", unit="B", unit_scale=True, unit_divisor=1024,
                disable=not progress, leave=False, mininterval=0)  # once a chunk


# -- the state carried from chunk to chunk --------------------------------------------------

_Seen = _r._Seen


def _hashes(con, frame: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash of each row of ``frame`` (DuckDB's ``hash``), equal in every chunk
    for equal values: numbers as DOUBLE (an int column in one chunk and a float one in
    another), dates as TIMESTAMP, text as text."""
    exprs, data = [], {}
    for i, c in enumerate(frame.columns):
        col, name = frame[c].reset_index(drop=True), f"c{i}"
        if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
            data[name], expr = col.astype("float64"), f"CAST({name} AS DOUBLE)"
        elif pd.api.types.is_datetime64_any_dtype(col):
            data[name], expr = col.astype("datetime64[us]"), f"CAST({name} AS TIMESTAMP)"
        elif col.dtype == object:  # mixed: numbers as floats, the rest as text
            data[name] = col.map(lambda v: repr(float(v)) if isinstance(
                v, int | float | np.number) and not isinstance(v, bool) and v == v else (
                None if v is None or v != v else str(v))).astype("str")
            expr = name
        else:
            data[name], expr = col.astype("str"), name
        exprs.append(expr)
    table = pd.DataFrame(data, index=pd.RangeIndex(len(frame)))
    con.register("crmlab_chunk", table)
    try:
        got = con.execute(f"SELECT hash({', '.join(exprs)}) AS h FROM crmlab_chunk"
                          ).fetchnumpy()["h"]
    finally:
        con.unregister("crmlab_chunk")
    return np.asarray(got, dtype=np.uint64)


class _State:
    """What the chunks of one file share (see :func:`read_large`)."""

    def __init__(self, detect_order: bool, folder: Path) -> None:
        self.last = False
        self.order = _r._DayOrder() if detect_order else None
        self.rows = _Seen()
        self.orders = _Seen()
        self.currency_counts: dict = {}
        self.currency_examples: dict = {}
        self.late_count = 0
        self.late_rows: list = []
        self.late_values: list = []
        self.changed_raw: set = set()
        self.changed_to: dict = {}
        self.tz: dict = {}  # UTC offset -> the distinct date texts that carry it
        self.con = _connect(folder, "512MB")
        self.con.execute("SET preserve_insertion_order = true")

    def offsets(self, values: pd.Series, offsets: pd.Series) -> None:
        """Remember the distinct date texts with each UTC offset (their note counts them)."""
        for offset, texts in values.groupby(offsets.to_numpy(), sort=False):
            self.tz.setdefault(offset, _Seen()).seen(
                pd.util.hash_array(texts.to_numpy(object)))

    def rows_seen(self, frame: pd.DataFrame) -> np.ndarray:
        """Rows identical to a row of an earlier chunk (as read)."""
        return self.rows.seen(_hashes(self.con, frame))

    def orders_seen(self, orders: pd.Series) -> np.ndarray:
        """Rows whose order id was on a row of an earlier chunk."""
        ok = orders.notna().to_numpy()
        out = np.zeros(len(orders), bool)
        out[ok] = self.orders.seen(_hashes(self.con, orders[ok].to_frame()))
        return out

    def currencies(self, counts: pd.Series, examples: dict) -> tuple[pd.Series, dict]:
        for code, n in counts.items():
            self.currency_counts[code] = self.currency_counts.get(code, 0) + int(n)
            if examples.get(code):
                self.currency_examples.setdefault(code, examples[code])
        merged = pd.Series(self.currency_counts, dtype="int64").sort_values(
            ascending=False, kind="stable")
        return merged, {c: self.currency_examples.get(c, []) for c in merged.index}

    def late(self, rows: np.ndarray, values: np.ndarray) -> None:
        self.late_count += len(rows)
        room = 5 - len(self.late_rows)
        self.late_rows += list(rows[:room])
        self.late_values += list(values[:room])

    def ids_changed(self, raw: pd.Series, ids: pd.Series) -> None:
        self.changed_raw.update(raw.dropna())
        for v in ids.dropna():
            self.changed_to[v] = self.changed_to.get(v, 0) + 1


# -- CSV ----------------------------------------------------------------------------------

class _CsvPlan:
    def __init__(self, src, header: bytes, start: int, names, encoding, kwargs, notes,
                 enc, sep, skip) -> None:
        self.src, self.header, self.start, self.names = src, header, start, names
        self.encoding, self.kwargs, self.notes, self.enc = encoding, kwargs, notes, enc
        self.sep, self.skip = sep, skip


def _open(src: Path):
    return gzip.open(src, "rb") if src.name.lower().endswith(".gz") else open(src, "rb")


def _csv_parts(src: Path, plan, encoding: str | None, kwargs: dict) -> _CsvPlan:
    """Decide encoding, delimiter and header on the file's first bytes."""
    if encoding is not None and re.sub(r"[-_]", "", encoding.lower()).startswith("utf16"):
        encoding = "utf-16"
    with _open(src) as f:
        sample = f.read(SAMPLE_BYTES)
        more = bool(f.read(1))
    if encoding == "utf-16" or (encoding is None and sample.startswith(_UTF16)):
        raise CRMDataError(
            f"read_transactions: {src.name} is UTF-16 text, which cannot be split into "
            f"chunks at line ends. Save it as UTF-8 (Excel: 'CSV UTF-8'), or leave out "
            f"--large (and pass --encoding utf-16) to read it whole.")
    if more:  # whole lines only
        cut = sample.rfind(b"\n")
        sample = sample[:cut + 1] if cut >= 0 else sample
    raw = _r._read_csv(sample, plan.names, encoding, dict(kwargs), src.name)
    hdr = int(raw.header.split()[-1]) - 1
    ends = [m.end() for m in re.finditer(rb"\n", sample[:2_000_000])][:hdr + 1]
    if len(ends) < hdr + 1:  # one line only (or \r line ends): no data line to split
        start = len(sample) if not more else None
        if start is None:
            raise CRMDataError(
                f"read_transactions: {src.name}: no line end (\\n) found after the header "
                f"in the first {SAMPLE_BYTES:,} bytes, so it cannot be read in chunks. "
                f"Leave out --large to read it whole.")
        header = sample
    else:
        start = ends[hdr]
        header = sample[:start]
    name = raw.encoding["name"]
    chosen = (encoding if encoding is not None else
              "utf-8" if name.startswith("utf-8") else name.split(" ")[0])
    return _CsvPlan(src, header, start, plan.names, chosen, kwargs, raw.notes, raw.encoding,
                    raw.sep, hdr)


def _split_csv(plan: _CsvPlan, chunk_rows: int):
    """Yield (raw chunk, is it the last, bytes read) with true line numbers."""
    offset = 0
    for data, last, moved in _byte_chunks(plan, chunk_rows):
        kwargs = {k: v for k, v in plan.kwargs.items() if k not in ("sep", "delimiter")}
        raw = _r._read_csv(plan.header + data, plan.names, plan.encoding,
                           {**kwargs, "sep": plan.sep, "skiprows": plan.skip},
                           plan.src.name)
        raw.rows = raw.rows + offset
        offset += len(raw.frame)
        raw.notes, raw.encoding = list(plan.notes), plan.enc
        yield raw, last, moved


def _byte_chunks(plan: _CsvPlan, chunk_rows: int):
    """The data bytes after the header block, cut after every ``chunk_rows`` records: at
    a line end outside quotes, after a line that is not blank; a blank tail joins the
    chunk before it. Yield (bytes, is it the last, bytes read since the last yield)."""
    with _open(plan.src) as f:
        f.seek(plan.start)
        buf, moved, pending = b"", plan.start, None
        scan, rec, count, quotes, eof = 0, 0, 0, 0, False
        while True:
            cut = None
            if scan < len(buf):
                a = np.frombuffer(buf, np.uint8, offset=scan)
                nl = np.flatnonzero(a == 10)
                qp = np.flatnonzero(a == 34)
                ends = nl[(quotes + np.searchsorted(qp, nl)) % 2 == 0] + scan
                k = max(chunk_rows - count - 1, 0)
                while k < len(ends):
                    start = int(ends[k - 1]) + 1 if k > 0 else rec
                    if buf[start:int(ends[k]) + 1].strip():
                        cut = int(ends[k]) + 1
                        break
                    k += 1
                if cut is None:
                    count += len(ends)
                    quotes += len(qp)
                    rec = int(ends[-1]) + 1 if len(ends) else rec
                    scan = len(buf)
            if cut is not None:
                piece, buf = buf[:cut], buf[cut:]
                scan, rec, count, quotes = 0, 0, 0, 0
                if pending is not None:
                    yield pending, False, moved
                    moved = 0
                pending = piece
                continue
            if eof:
                if buf.strip() and pending is not None:
                    yield pending, False, moved
                    yield buf, True, 0
                else:  # a blank tail is not rows
                    yield (pending or b"") + buf, True, moved
                return
            block = f.read(_BLOCK)
            eof = not block
            buf += block
            moved += len(block)


# -- Parquet ------------------------------------------------------------------------------

def _parquet_parts(src: Path, chunk_rows: int):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(src)
    except (OSError, ValueError) as e:
        raise CRMDataError(f"read_transactions: cannot read {src.name!r} as Parquet: {e}") \
            from e
    note = f"read {src.name} as Parquet (row labels are 0-based positions)"
    offset, held = 0, None
    for batch in pf.iter_batches(batch_size=chunk_rows):
        if held is not None:
            yield held[0], False, held[1]
        frame = pa.Table.from_batches([batch]).to_pandas()
        held = (_r._Raw(frame, np.arange(len(frame)) + offset, src.name, notes=[note]),
                len(frame))
        offset += len(frame)
    if held is not None:
        yield held[0], True, held[1]


# -- writing the cleaned chunks -------------------------------------------------------------

class _Writer:
    """Append cleaned chunks to one Parquet file with a fixed schema."""

    def __init__(self, path: Path, extra: list) -> None:
        self.path, self.extra, self.writer, self.names = path, extra, None, []
        self.schema = None

    def write(self, df: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.schema is None:
            fields = [("customer_id", pa.string())]
            if "order_id" in df.columns:
                fields.append(("order_id", pa.string()))
            fields += [("order_date", pa.timestamp("us")), ("amount", pa.float64())]
            name = df.attrs["report"]["columns"].get("name")
            for c in [name, *self.extra]:
                if c and c in df.columns and c not in dict(fields):
                    numeric = pd.api.types.is_numeric_dtype(df[c]) and not \
                        pd.api.types.is_bool_dtype(df[c]) and c != name
                    fields.append((c, pa.float64() if numeric else pa.string()))
            self.schema = pa.schema(fields)
            self.names = [f[0] for f in fields]
        arrays = []
        for field in self.schema:
            col = df[field.name] if field.name in df.columns else pd.Series(
                None, index=df.index, dtype=object)
            if field.type == pa.float64() and field.name != "amount":
                if not (pd.api.types.is_numeric_dtype(col) or col.isna().all()):
                    bad = pd.to_numeric(col, errors="coerce").isna() & col.notna()
                    rows = df.attrs["source_rows"]["rows"][bad.to_numpy()]
                    raise CRMDataError(
                        f"read_transactions: column {field.name!r} of "
                        f"{df.attrs['report']['source']} holds values that are not numbers: "
                        f"{_r.show_rows(rows, col[bad])}. Correct them, or leave the column "
                        f"out.")
                col = col.astype("float64")
            elif field.type == pa.string():
                col = col.astype("str").where(col.notna(), None)
            arr = pa.array(col, from_pandas=True)
            arrays.append(arr.cast(field.type, safe=False))
        table = pa.Table.from_arrays(arrays, schema=self.schema)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, self.schema)
        self.writer.write_table(table)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


# -- one account from the chunks' accounts ----------------------------------------------------

_DROPPED = ("empty row", "line item", r"(not kept|excluded) \(", "missing customer_id",
            "missing order_id", "missing order_date", "unparseable order_date",
            "missing amount", "refunded in full", "other currency", "duplicate row",
            "future order_date")
_NOTES = ("read ", "semicolon file", r"\d+ empty column", "preset ", "exclude ",
          "order_date: epoch", "order_date: UTC", "order_date: day/month", "order_date: Excel",
          "amount: the header", r"\d+ amounts without", "future order_date",
          "customer_id: ", "order_id: ")
_RULES = (r"\d+ line-item", r"(only )?rows with", "amounts in units", r".* subtracted from ",
          r"(amounts converted|only amounts in|amounts in )")
_ID_FLAGS = ("customer_id: full-width characters made half-width",
             "customer_id: e-mail addresses lower-cased")
_COUNT = re.compile(r"(?<![\w.:/+-])(\d+)(?= (?:rows\b|other rows|line-item rows|amounts "
                    r"without|values?\b))")
_OFFSETS = re.compile(r"order_date: UTC offsets removed, local time kept \((.*)\)$")


def _rank(patterns: tuple, line: str) -> int:
    return next((i for i, p in enumerate(patterns) if re.match(p, line)), len(patterns))


def _merge_lines(lists: list[list[str]], patterns: tuple, tz: dict | None = None
                 ) -> list[str]:
    """Lines of every chunk, once, their counts summed, in the reader's order."""
    merged: dict[str, list] = {}
    offsets: dict[str, int] = {}
    for lines in lists:
        for line in lines:
            m = _OFFSETS.match(line)
            if m:
                for item in m.group(1).split(", "):
                    k, v = item.rsplit(": ", 1)
                    offsets[k] = offsets.get(k, 0) + int(v.split()[0])
                merged.setdefault("\0offsets", [line, None])
                continue
            key = _COUNT.sub("#", line)
            nums = [int(n) for n in _COUNT.findall(line)]
            if key in merged:
                merged[key][1] = [a + b for a, b in zip(merged[key][1], nums, strict=True)]
            else:
                merged[key] = [line, nums]
    out = []
    for key, (line, nums) in merged.items():
        if key == "\0offsets":
            if tz is not None:  # distinct values over the whole file
                offsets = pd.Series({k: len(v.values) for k, v in tz.items()}).sort_values(
                    ascending=False, kind="stable").to_dict()
            line = ("order_date: UTC offsets removed, local time kept (" + ", ".join(
                f"{k}: {v} value{'s' if v != 1 else ''}" for k, v in offsets.items()) + ")")
        elif nums:
            line = _fill(line, nums)
        out.append(line)
    ranks = [_rank(patterns, line) for line in out]
    return [line for _, line in sorted(zip(ranks, out, strict=True), key=lambda t: t[0])]


def _fill(line: str, nums: list) -> str:
    """The line with its counts replaced by ``nums``, in order."""
    it = iter(nums)
    return _COUNT.sub(lambda _m: str(next(it)), line)


def _merge_keys(dicts: list[dict], kind: str) -> dict:
    """Counts by key, summed, in the order the chunks list them (zeros left out)."""
    keys: list = []
    for d in dicts:
        names = list(d)
        for i, k in enumerate(names):
            if k not in keys:  # before the next key of this chunk already placed
                nxt = next((x for x in names[i + 1:] if x in keys), None)
                keys.insert(keys.index(nxt) if nxt is not None else len(keys), k)
    if kind == "dropped":
        keys.sort(key=lambda k: _rank(_DROPPED, k))
    ids = [k for k in _ID_FLAGS if k in keys]
    if ids and "customer_id: spaces stripped" in keys:  # the only keys a chunk may lack
        keys = [k for k in keys if k not in ids]
        at = keys.index("customer_id: spaces stripped") + 1
        keys[at:at] = ids
    out = {}
    for k in keys:
        if k == "column names: spaces stripped":  # columns, not rows: the same each chunk
            out[k] = max(d.get(k, 0) for d in dicts)
        else:
            out[k] = sum(d.get(k, 0) for d in dicts)
    return {k: v for k, v in out.items() if v}


def _merge(reports: list[dict], state: _State, path: Path, chunk_rows: int) -> dict:
    first = reports[0]
    dropped = _merge_keys([r["dropped"] for r in reports], "dropped")
    dropped_rows = {k: [x for r in reports for x in r["dropped_rows"].get(k, [])]
                    for k in dropped}
    rows_in = sum(r["rows_in"] for r in reports)
    rows_out = sum(r["rows_out"] for r in reports)
    source = first["source"]
    if state.late_count:
        raise _r._future_error(state.late_count, source, first["as_of"],
                               np.array(state.late_rows), np.array(state.late_values))
    if rows_out == 0:
        raise _r._no_rows_error(source, rows_in, dropped)
    rules = _merge_lines([r["rules"] for r in reports], _RULES)
    rules = [r for r in rules if not (re.fullmatch(r"amounts in (\w+)", r) and any(
        x.startswith(f"only amounts in {r.split()[-1]}:") for x in rules))]
    notes = _merge_lines([r["notes"] for r in reports], _NOTES, state.tz)
    notes = [n for n in notes if not _excluded_after_all(n, rules)]
    extra = []
    if state.order is not None and state.order.n:
        extra.append(_r._dayfirst_note(bool(state.order.first), state.order.n))
    state.rows = state.orders = None  # not needed any more: free them before DuckDB works
    _release()
    con = _connect(path.parent)
    try:
        where = str(path).replace("'", "''")
        if state.changed_raw:
            after = con.execute(f"SELECT count(DISTINCT customer_id) FROM "
                                f"read_parquet('{where}')").fetchall()[0][0]
            ids = pd.DataFrame({"id": list(state.changed_to),
                                "changed": list(state.changed_to.values())})
            con.register("changed_ids", ids)
            only = con.execute(
                f"SELECT count(*) FROM changed_ids c JOIN (SELECT customer_id, count(*) AS n "
                f"FROM read_parquet('{where}') WHERE customer_id IN (SELECT id FROM "
                f"changed_ids) GROUP BY 1) t ON t.customer_id = c.id WHERE t.n = c.changed"
            ).fetchall()[0][0]
            before = after - only + len(state.changed_raw)
            if after < before:
                extra.append(_r._ids_note(before, after))
        if "order_id" in first["columns"]:
            total, distinct = con.execute(
                f"SELECT count(*), count(DISTINCT order_id) FROM "
                f"read_parquet('{where}')").fetchall()[0]
            if total > distinct:
                extra.append(f"order_id: {total - distinct} rows repeat an order id (kept: an "
                             f"order may span several rows)")
    finally:
        con.close()
    notes = sorted(notes + extra, key=lambda n: _rank(_NOTES, n))
    notes.append(f"read in {len(reports)} chunk{'s' if len(reports) != 1 else ''} of up to "
                 f"{chunk_rows:,} rows (a file larger than memory: crmlab.io.large)")
    return {**first, "rows_in": rows_in, "rows_out": rows_out, "dropped": dropped,
            "dropped_rows": dropped_rows,
            "cleaned": _merge_keys([r["cleaned"] for r in reports], "cleaned"),
            "flagged": _merge_keys([r["flagged"] for r in reports], "flagged"),
            "notes": notes, "rules": rules}


def _excluded_after_all(note: str, rules: list[str]) -> bool:
    """'exclude X = v: no row matched' from a chunk, when another chunk matched."""
    m = re.fullmatch(r"exclude (.*): no row matched", note)
    if not m:
        return False
    rule = next((r for r in rules if r.startswith(f"rows with {m.group(1)} left out: ")),
                None)
    return rule is not None and not rule.endswith(": 0 rows")
