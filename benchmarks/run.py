"""Benchmark crmlab's engines against hand-written DuckDB SQL and lifetimes.

Not part of the test suite. Generates seeded synthetic transaction logs (Parquet) of
1M, 10M and 50M rows, then times, per engine, ``rfm.rfm_table``, the pyramid
(``pyramid.customer_values`` + ``pyramid_tiers`` + ``gini``) and the CLV summary
(``clv.summary_from_transactions``), against a hand-written DuckDB query (RFM table,
pyramid tiers) and lifetimes' ``summary_data_from_transaction_data``. Every
measurement runs in a fresh Python process; its peak memory is that process's
maximum resident set size (``VmHWM``; for Spark the JVM is reported apart). Results go to
``benchmarks/results.json`` (resumable: measurements already there are skipped) and
the table in ``benchmarks/README.md`` is rewritten from them.

Usage::

    .venv/bin/python benchmarks/run.py                       # 1M and 10M, 3 runs each
    .venv/bin/python benchmarks/run.py --sizes 5e7 --runs 1  # the 50M case, once
    .venv/bin/python benchmarks/run.py --sizes 1e6 --tasks rfm --engines spark
    .venv/bin/python benchmarks/run.py --readme              # only rewrite the README
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
README = HERE / "README.md"
START = "2024-01-01"
DAYS = 730

# --------------------------------------------------------------------------- data


def generate(rows: int, path: Path, seed: int = 20240101) -> None:
    """Write a synthetic transaction log: rows/30 customers with skewed activity,
    timestamps over two years, amounts in cents (lognormal), ~4 % returns."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    customers = max(rows // 30, 1)
    weight = rng.gamma(0.6, size=customers)
    cumulative = np.cumsum(weight / weight.sum())
    start = np.datetime64(START, "s")
    chunk = 5_000_000
    tmp = path.with_suffix(".tmp")
    writer = None
    for first in range(0, rows, chunk):
        n = min(chunk, rows - first)
        who = np.searchsorted(cumulative, rng.random(n)).clip(max=customers - 1)
        seconds = rng.integers(0, DAYS * 86400, n)
        amount = np.round(np.exp(rng.normal(4.0, 1.0, n)), 2)
        amount[rng.random(n) < 0.04] *= -1
        cid = pc.binary_join_element_wise(
            "C", pc.utf8_lpad(pc.cast(pa.array(who + 1), pa.string()), 8, "0"), "")
        oid = pc.binary_join_element_wise(
            "O", pc.utf8_lpad(pc.cast(pa.array(np.arange(first, first + n) + 1), pa.string()),
                              10, "0"), "")
        table = pa.table({
            "customer_id": cid,
            "order_id": oid,
            "order_date": pa.array(start + seconds.astype("timedelta64[s]"),
                                   type=pa.timestamp("us")),
            "amount": pa.array(amount),
        })
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table, row_group_size=1_000_000)
    writer.close()
    tmp.rename(path)


# --------------------------------------------------------------------------- tasks
# Each task reads the Parquet file and computes one result; the child process times
# only this call (from the file to the result in memory).

HAND_RFM = """
WITH a AS (
    SELECT customer_id,
           MAX(CAST(order_date AS DATE)) AS last_any,
           MAX(CAST(order_date AS DATE)) FILTER (WHERE amount >= 0) AS last_buy,
           COUNT(*) FILTER (WHERE amount >= 0) AS frequency,
           ROUND(SUM(amount), 2) AS monetary
    FROM read_parquet('{f}')
    GROUP BY customer_id
)
SELECT customer_id, CAST((SELECT MAX(last_any) FROM a) + 1 - last_buy AS BIGINT) AS recency,
       frequency, monetary
FROM a
WHERE last_buy IS NOT NULL
ORDER BY customer_id
"""

HAND_PYRAMID = """
WITH v AS (
    SELECT customer_id, ROUND(SUM(amount), 2) AS value
    FROM read_parquet('{f}') GROUP BY customer_id
), r AS (
    SELECT customer_id, value,
           ROW_NUMBER() OVER (ORDER BY value DESC, customer_id) AS rank,
           COUNT(*) OVER () AS n
    FROM v
)
SELECT customer_id, value,
       CASE WHEN rank <= CEIL(0.01 * n) THEN '重要客户'
            WHEN rank <= CEIL(0.20 * n) THEN '次要客户'
            WHEN rank <= CEIL(0.50 * n) THEN '普通客户'
            ELSE '小客户' END AS tier
FROM r
ORDER BY customer_id
"""


def task(name: str, engine: str, f: str):
    """Run one measurement; returns the number of result rows."""
    import warnings

    if name == "rfm" and engine == "hand-sql":
        import duckdb

        return len(duckdb.connect().sql(HAND_RFM.format(f=f)).df())
    if name == "pyramid" and engine == "hand-sql":
        import duckdb

        return len(duckdb.connect().sql(HAND_PYRAMID.format(f=f)).df())
    if name == "clv" and engine == "lifetimes":
        import pandas as pd

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from lifetimes.utils import summary_data_from_transaction_data

            df = pd.read_parquet(f, columns=["customer_id", "order_date", "amount"])
            out = summary_data_from_transaction_data(
                df, "customer_id", "order_date", monetary_value_col="amount",
                observation_period_end=df["order_date"].max())
        return len(out)
    from crmlab import clv, pyramid, rfm

    if name == "rfm":
        return len(rfm.rfm_table(f, engine=engine))
    if name == "pyramid":
        values = pyramid.customer_values(f, engine=engine)
        tiers = pyramid.pyramid_tiers(values)
        pyramid.gini(values.clip(lower=0))
        return len(tiers)
    if name == "clv":
        return len(clv.summary_from_transactions(f, amount="amount", engine=engine))
    raise ValueError(name)


def child(name: str, engine: str, f: str) -> None:
    """Entry point of the measuring process: prints a JSON line with the seconds."""
    import warnings

    import pandas  # noqa: F401 - imports are not part of the measured time

    import crmlab.clv
    import crmlab.engines
    import crmlab.pyramid
    import crmlab.rfm  # noqa: F401

    if engine in ("duckdb", "hand-sql"):
        import duckdb  # noqa: F401
    if engine == "lifetimes":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import lifetimes.utils  # noqa: F401
    if engine == "spark":
        from crmlab import engines

        t0 = time.perf_counter()
        engines.local_spark("crmlab-bench")
        startup = time.perf_counter() - t0
    else:
        startup = 0.0
    t0 = time.perf_counter()
    rows = task(name, engine, f)
    seconds = time.perf_counter() - t0
    if engine == "spark":
        from crmlab import engines

        engines.local_spark().stop()
    # VmHWM: this process's own peak (ru_maxrss would carry over the parent's across exec)
    status = Path("/proc/self/status").read_text()
    peak_kb = int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1])
    import resource

    jvm_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if engine == "spark" else 0
    print(json.dumps({"seconds": seconds, "rows": rows, "startup": startup,
                      "peak_mb": peak_kb / 1024, "children_mb": jvm_kb / 1024}))


def measure(name: str, engine: str, f: Path, timeout: float) -> dict:
    """Run one task in a fresh process; it reports its seconds and its peak RSS."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", name, engine, str(f)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"})
    deadline = time.time() + timeout
    while True:
        pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.time() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            return {"error": f"timeout after {timeout:.0f} s"}
        time.sleep(0.05)
    out, err = proc.stdout.read(), proc.stderr.read()
    if status != 0:
        return {"error": (err.strip().splitlines() or ["failed"])[-1][:300]}
    return json.loads(out.strip().splitlines()[-1])


# --------------------------------------------------------------------------- driver

TASKS = {
    "rfm": ["duckdb", "hand-sql", "pandas", "spark"],
    "pyramid": ["duckdb", "hand-sql", "pandas", "spark"],
    "clv": ["duckdb", "lifetimes", "pandas", "spark"],
}


def load() -> dict:
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else {}


def save(results: dict) -> None:
    RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e6,1e7", help="comma separated row counts")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement")
    parser.add_argument("--tasks", default="rfm,pyramid,clv")
    parser.add_argument("--engines", default="duckdb,hand-sql,pandas,lifetimes",
                        help="any of duckdb, hand-sql, pandas, lifetimes, spark")
    parser.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "crmlab-bench"),
                        help="folder for the generated Parquet files (kept for reruns)")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--force", action="store_true", help="re-measure existing results")
    parser.add_argument("--readme", action="store_true", help="only rewrite the README table")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return
    if not args.readme:
        results = load()
        data = Path(args.data)
        data.mkdir(parents=True, exist_ok=True)
        wanted = set(args.engines.split(","))
        for size in (int(float(s)) for s in args.sizes.split(",")):
            f = data / f"tx_{size}.parquet"
            if not f.exists():
                t0 = time.time()
                generate(size, f)
                print(f"generated {f} ({f.stat().st_size / 2**20:.0f} MiB) in "
                      f"{time.time() - t0:.0f} s", flush=True)
            for name in args.tasks.split(","):
                todo = [e for e in TASKS[name] if e in wanted]
                for run in range(args.runs):  # interleaved: engines see the same load
                    for engine in todo:
                        key = f"{size}/{name}/{engine}"
                        runs = results.setdefault(key, [])
                        if args.force and run == 0:
                            runs.clear()
                        if len(runs) > run:
                            continue
                        r = measure(name, engine, f, args.timeout)
                        runs.append(r)
                        save(results)
                        shown = (f"{r['seconds']:.2f} s, {r['peak_mb']:.0f} MB"
                                 if "seconds" in r else r["error"])
                        print(f"{key} run {run + 1}: {shown}", flush=True)
    write_readme(load())


# --------------------------------------------------------------------------- report


def _median(runs: list, field: str):
    values = [r[field] for r in runs if field in r]
    return statistics.median(values) if values else None


def _cell(runs) -> str:
    if not runs:
        return "–"
    seconds, peak = _median(runs, "seconds"), _median(runs, "peak_mb")
    if seconds is None:
        return "failed: " + runs[-1].get("error", "?")[:40]
    return f"{seconds:.2f} s, {peak / 1024:.2f} GB ({len(runs)})"


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = []
    for mod in ("pandas", "duckdb", "pyspark", "lifetimes", "numpy", "pyarrow"):
        try:
            versions.append(f"{mod} {__import__(mod).__version__}")
        except Exception:  # noqa: BLE001 - optional packages
            pass
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, shared with other jobs; "
            f"Python {platform.python_version()} on {platform.system()}; "
            + ", ".join(versions))


def table(results: dict) -> str:
    sizes = sorted({int(k.split("/")[0]) for k in results})
    lines = ["| rows | task | crmlab duckdb | reference | ratio | crmlab pandas | crmlab spark |",
             "|---|---|---|---|---|---|---|"]
    for size in sizes:
        for name, ref in (("rfm", "hand-sql"), ("pyramid", "hand-sql"), ("clv", "lifetimes")):
            def get(e, size=size, name=name):
                return results.get(f"{size}/{name}/{e}", [])

            duck, reference = get("duckdb"), get(ref)
            ratio = "–"
            if _median(duck, "seconds") and _median(reference, "seconds"):
                ratio = f"{_median(duck, 'seconds') / _median(reference, 'seconds'):.2f}x time"
                if name == "clv":
                    ratio += (f", {_median(duck, 'peak_mb') / _median(reference, 'peak_mb'):.2f}x"
                              f" memory")
            label = "hand-written DuckDB SQL" if ref == "hand-sql" else "lifetimes"
            lines.append(f"| {size / 1e6:g}M | {name} | {_cell(duck)} | {label}: "
                         f"{_cell(reference)} | {ratio} | {_cell(get('pandas'))} | "
                         f"{_cell(get('spark'))} |")
    return "\n".join(lines)


def write_readme(results: dict) -> None:
    text = README.read_text() if README.exists() else ""
    begin, end = "<!-- results:begin -->", "<!-- results:end -->"
    block = (f"{begin}\nMachine: {machine()}.\n\n"
             f"Each cell: median seconds, median peak memory (RSS of the measuring process), "
             f"(number of runs).\n\n{table(results)}\n{end}")
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text + "\n" + block + "\n"
    README.write_text(text)


if __name__ == "__main__":
    main()
