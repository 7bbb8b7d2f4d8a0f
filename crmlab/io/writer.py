"""Write results to files atomically: never a half-written file, never a lost old one.

A result is written to a temporary file in the target's folder and moved into place
with :func:`os.replace` only when it is complete, so a failure (a full disk, an error
half-way, Ctrl-C) leaves any previous file untouched. The formats are the ones pandas
really writes: CSV, Parquet (pyarrow) and Excel ``.xlsx`` (openpyxl); the legacy
``.xls`` format cannot be written by pandas and is refused with the fix.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from crmlab._errors import CRMDataError

if TYPE_CHECKING:
    from crmlab._typing import PathLike

__all__ = ["HTML_SUFFIXES", "TABLE_SUFFIXES", "atomic_path", "check_output", "write_table",
           "write_text"]

#: Output formats of :func:`write_table`, by file suffix.
TABLE_SUFFIXES = {".csv": "CSV", ".parquet": "Parquet", ".pq": "Parquet", ".xlsx": "Excel"}
#: Suffixes of an HTML report (:func:`crmlab.report.write_report`).
HTML_SUFFIXES = (".html", ".htm")

# --------------------------------------------------------------------------- output files


def check_output(out: PathLike, kinds: Collection[str] | None = None) -> Path:
    """Check that an output path has a known suffix and an existing folder.

    Parameters
    ----------
    out : str or Path
        The file to be written.
    kinds : mapping or sequence of str, optional
        Accepted suffixes; default :data:`TABLE_SUFFIXES` (``.csv``, ``.parquet``,
        ``.pq``, ``.xlsx``).

    Returns
    -------
    Path

    Raises
    ------
    CRMDataError
        If the suffix is not accepted or the folder does not exist.

    Examples
    --------
    >>> check_output("rfm.parquet").name
    'rfm.parquet'
    >>> check_output("rfm.json")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: output file 'rfm.json': cannot write '.json' files; name it
    with one of .csv, .parquet, .pq, .xlsx (the suffix chooses the format).
    """
    path = Path(out)
    kinds = TABLE_SUFFIXES if kinds is None else kinds
    suffix = path.suffix.lower()
    if suffix not in kinds:
        what = f"{suffix!r} files" if suffix else "a file without a suffix"
        raise CRMDataError(
            f"output file {str(path)!r}: cannot write {what}; name it with one of "
            f"{', '.join(kinds)} (the suffix chooses the format)."
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CRMDataError(
            f"output file {str(path)!r}: the folder {str(folder)!r} does not exist; "
            f"create it first or write somewhere else."
        )
    return path


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only on success.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     target = Path(d) / "out.txt"
    ...     with atomic_path(target) as tmp:
    ...         _ = tmp.write_text("done")
    ...     target.read_text(), sorted(p.name for p in Path(d).iterdir())
    ('done', ['out.txt'])
    """
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.tmp{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_table(table: pd.DataFrame, out: PathLike, *, bom: bool = True) -> Path:
    """Write a per-customer table as CSV, Parquet or Excel, chosen by the suffix.

    The index (the customer id) becomes the first column. The file is written to a
    temporary file in the same folder and moved into place at the end, so a failure
    never leaves a half-written file (and never destroys an existing one).

    Parameters
    ----------
    table : DataFrame
        The table to write; not modified.
    out : str or Path
        ``.csv`` (UTF-8), ``.parquet`` / ``.pq`` or ``.xlsx``.
    bom : bool, default True
        Start a CSV file with the UTF-8 byte-order mark, so that Excel (which reads a
        CSV without one in the system's code page, GBK on Chinese Windows) shows
        客户名称 and 重要价值 instead of mojibake; pandas, R and databases read it as
        plain UTF-8. ``bom=False`` (``crmlab ... --no-bom``) writes plain UTF-8.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    CRMDataError
        If the suffix is unknown or the folder is missing (see :func:`check_output`).

    Examples
    --------
    >>> import tempfile
    >>> t = pd.DataFrame({"recency": [3]}, index=pd.Index(["C1"], name="customer_id"))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = write_table(t, Path(d) / "rfm.csv")
    ...     print(path.read_text(encoding="utf-8-sig").strip(), path.read_bytes()[:3])
    customer_id,recency
    C1,3 b'\xef\xbb\xbf'
    """
    path = check_output(out)
    frame = table.reset_index() if table.index.name is not None else table.copy()
    frame.attrs = {}
    kind = TABLE_SUFFIXES[path.suffix.lower()]
    with atomic_path(path) as tmp:
        if kind == "CSV":
            frame.to_csv(tmp, index=False, encoding="utf-8-sig" if bom else "utf-8")
        elif kind == "Parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_excel(tmp, index=False)
    return path




def write_text(text: str, out: PathLike, kinds: Collection[str] = HTML_SUFFIXES) -> Path:
    """Write a UTF-8 text file (the HTML report) atomically.

    Parameters
    ----------
    text : str
        The content.
    out : str or Path
        The file; its suffix must be one of ``kinds``.
    kinds : sequence of str, default :data:`HTML_SUFFIXES`
        Accepted suffixes.

    Returns
    -------
    Path

    Raises
    ------
    CRMDataError
        If the suffix is not accepted or the folder does not exist.

    Examples
    --------
    >>> write_text("<p>hi</p>", "report.pdf")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: output file 'report.pdf': cannot write '.pdf' files; ...
    """
    path = check_output(out, kinds)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
