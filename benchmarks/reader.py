"""Time read_transactions on the bundled retail log written as CSV: fast path on and off.

``crmlab.io.reader.FAST`` switches the vectorised parsing of plain values (pyarrow for
amounts that are plain numbers, pandas string methods for ids) on or off; off, every
value goes through the cleaning path, as before the fast path existed. Runs alternate
(off, on, off, on, ...) in one process so both see the same background load; the result
is the ratio of the medians, the only number worth quoting on a shared machine. Both
runs must give the same table and the same report (tests/test_messy_files.py checks it
too).

    .venv/bin/python benchmarks/reader.py            # 5 runs each
    .venv/bin/python benchmarks/reader.py --runs 9
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

import crmlab
from crmlab.io import reader


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "retail.csv"
        crmlab.load_data("retail_transactions").to_csv(path, index=False)
        times: dict[bool, list[float]] = {False: [], True: []}
        results = {}
        for _ in range(args.runs):
            for fast in (False, True):
                reader.FAST = fast
                start = time.perf_counter()
                df = crmlab.read_transactions(path, order="order_id", warn=False)
                times[fast].append(time.perf_counter() - start)
                results[fast] = df
        reader.FAST = True
    pd.testing.assert_frame_equal(results[False], results[True])
    for key in ("dropped", "cleaned", "flagged", "notes"):
        assert results[False].attrs["report"][key] == results[True].attrs["report"][key]
    slow, fast = statistics.median(times[False]), statistics.median(times[True])
    print(f"read_transactions, retail_transactions as CSV ({len(results[True]):,} rows), "
          f"median of {args.runs} alternating runs: cleaning path {slow:.2f} s, fast path "
          f"{fast:.2f} s: {slow / fast:.1f}x faster")


if __name__ == "__main__":
    main()
