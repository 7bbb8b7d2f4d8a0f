"""Reading and writing files: one reader, one writer.

* :func:`read_transactions` reads an analyst's CSV, Excel or Parquet file (or cleans a
  DataFrame) into the canonical transaction table, reporting every cleaned and dropped
  row (:func:`report` prints the account);
* :func:`write_table` writes a per-customer table as CSV, Parquet or Excel (``.xlsx``),
  chosen by the suffix, atomically: a temporary file moved into place at the end;
  :func:`write_text` writes a text file (the HTML report) the same way.
"""

from __future__ import annotations

from crmlab.io.reader import read_transactions, report
from crmlab.io.writer import (
    HTML_SUFFIXES,
    TABLE_SUFFIXES,
    atomic_path,
    check_output,
    write_table,
    write_text,
)

__all__ = ["HTML_SUFFIXES", "TABLE_SUFFIXES", "atomic_path", "check_output",
           "read_transactions", "report", "write_table", "write_text"]
