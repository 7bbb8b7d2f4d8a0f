"""Benchmark crmlab against what an analyst would use instead: hand-written pandas,
Polars and DuckDB SQL, and lifetimes.

Two inputs:

* ``--input frame`` (the default path): the log is a pandas DataFrame already in memory
  (``rows / 3`` customers, string ids: 3.3M customers at 10M rows); each task times
  ``rfm.rfm_table(df)``, ``pyramid.customer_values(df)`` and
  ``clv.summary_from_transactions(df)`` with no engine given, against the same table
  from hand-written pandas ``groupby().agg()``, Polars ``group_by().agg()`` (on a
  Polars DataFrame already in memory) and DuckDB SQL on the DataFrame (``HAND`` below);
  the log is loaded before the clock starts;
* ``--input file`` (the default): a Parquet file, as described next.

With ``--fits``, the model fits of ``benchmarks/fits.py`` (crmlab and lifetimes, CDNOW
and synthetic customers) are measured too and shown in the same table.

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
    .venv/bin/python benchmarks/run.py --input frame --sizes 1e7   # the default path
    .venv/bin/python benchmarks/run.py --fits --sizes none    # the model fits only
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


def generate(rows: int, path: Path, seed: int = 20240101, per_customer: float = 30,
             shape: float = 0.6) -> None:
    """Write a synthetic transaction log: rows/per_customer customers with skewed
    activity (gamma weights of this shape), timestamps over two years, amounts in cents
    (lognormal), ~4 % returns."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    customers = max(int(rows / per_customer), 1)
    weight = rng.gamma(shape, size=customers)
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
    FROM {src}
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
    FROM {src} GROUP BY customer_id
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

# The CLV summary with amounts (the file task): purchases merged per customer and day,
# then per customer the repeat days, the first and last day and the mean spend of the
# days after the first; T runs to the last date of any row (one scan of the file).
HAND_CLV = """
WITH per AS (
    SELECT customer_id, CAST(order_date AS DATE) AS day,
           SUM(amount) FILTER (WHERE amount >= 0) AS spend
    FROM {src}
    GROUP BY customer_id, day
), a AS (
    SELECT customer_id, COUNT(spend) - 1 AS frequency,
           MIN(day) FILTER (WHERE spend IS NOT NULL) AS first,
           MAX(day) FILTER (WHERE spend IS NOT NULL) AS last,
           MAX(day) AS last_any,
           (SUM(spend) - min_by(spend, day) FILTER (WHERE spend IS NOT NULL))
               / NULLIF(COUNT(spend) - 1, 0) AS mv
    FROM per
    GROUP BY customer_id
)
SELECT customer_id, CAST(frequency AS DOUBLE) AS frequency,
       CAST(last - first AS DOUBLE) AS recency,
       CAST((SELECT MAX(last_any) FROM a) - first AS DOUBLE) AS T,
       COALESCE(mv, 0) AS monetary_value
FROM a
WHERE first IS NOT NULL
ORDER BY customer_id
"""


def file_source(f: str) -> str:
    """DuckDB's reader of the file, as an analyst writes it (types sniffed from a CSV)."""
    reader = "read_csv" if f.endswith(".csv") else "read_parquet"
    return f"{reader}('{f}')"


# The same tables by hand on a DataFrame ``df`` in memory (pandas, Polars, DuckDB SQL):
# RFM (recency in days to the day after the last date, frequency = purchase rows,
# monetary = net spend to cents, customers with a purchase), the value per customer
# (net spend to cents), the CLV summary without amounts (frequency = purchase days - 1,
# recency and T in days).

HAND_SQL = {
    "rfm": """
WITH a AS (
    SELECT customer_id,
           MAX(CAST(order_date AS DATE)) FILTER (WHERE amount >= 0) AS last_buy,
           COUNT(*) FILTER (WHERE amount >= 0) AS frequency,
           ROUND(SUM(amount), 2) AS monetary
    FROM df GROUP BY customer_id
)
SELECT customer_id,
       CAST((SELECT MAX(CAST(order_date AS DATE)) FROM df) + 1 - last_buy AS BIGINT)
           AS recency, frequency, monetary
FROM a WHERE last_buy IS NOT NULL ORDER BY customer_id
""",
    "values": """
SELECT customer_id, ROUND(SUM(amount), 2) AS value FROM df
GROUP BY customer_id ORDER BY customer_id
""",
    "summary": """
WITH a AS (
    SELECT customer_id, COUNT(DISTINCT CAST(order_date AS DATE)) - 1 AS frequency,
           MIN(CAST(order_date AS DATE)) AS first, MAX(CAST(order_date AS DATE)) AS last
    FROM df GROUP BY customer_id
)
SELECT customer_id, CAST(frequency AS DOUBLE) AS frequency,
       CAST(last - first AS DOUBLE) AS recency,
       CAST((SELECT MAX(CAST(order_date AS DATE)) FROM df) - first AS DOUBLE) AS T
FROM a ORDER BY customer_id
""",
}


def hand_pandas(name: str, df):
    import pandas as pd

    if name == "rfm":
        buy = df["amount"] >= 0
        g = (df.assign(last=df["order_date"].where(buy), f=buy)
             .groupby("customer_id")
             .agg(last=("last", "max"), frequency=("f", "sum"), monetary=("amount", "sum")))
        g = g[g["last"].notna()]
        end = df["order_date"].max().normalize() + pd.Timedelta(days=1)
        return pd.DataFrame({"recency": (end - g["last"].dt.normalize()).dt.days,
                             "frequency": g["frequency"], "monetary": g["monetary"].round(2)})
    if name == "values":
        return df.groupby("customer_id")["amount"].sum().round(2)
    day = df["order_date"].dt.normalize()
    g = (df.assign(day=day).drop_duplicates(["customer_id", "day"])
         .groupby("customer_id")["day"].agg(["size", "min", "max"]))
    return pd.DataFrame({"frequency": (g["size"] - 1).astype(float),
                         "recency": (g["max"] - g["min"]).dt.days.astype(float),
                         "T": (day.max() - g["min"]).dt.days.astype(float)})


def hand_polars(name: str, df):
    import polars as pl

    if name == "rfm":
        end = df["order_date"].max().date()
        buy = pl.col("amount") >= 0
        return (df.group_by("customer_id")
                .agg(pl.col("order_date").filter(buy).max().dt.date().alias("last"),
                     buy.sum().alias("frequency"), pl.col("amount").sum().round(2)
                     .alias("monetary"))
                .filter(pl.col("last").is_not_null())
                .with_columns(recency=(pl.lit(end) - pl.col("last")).dt.total_days() + 1)
                .sort("customer_id"))
    if name == "values":
        return (df.group_by("customer_id").agg(pl.col("amount").sum().round(2).alias("value"))
                .sort("customer_id"))
    day = pl.col("order_date").dt.date()
    end = df["order_date"].max().date()
    return (df.group_by("customer_id")
            .agg((day.n_unique() - 1).cast(pl.Float64).alias("frequency"),
                 day.min().alias("first"), day.max().alias("last"))
            .with_columns(recency=(pl.col("last") - pl.col("first")).dt.total_days()
                          .cast(pl.Float64),
                          T=(pl.lit(end) - pl.col("first")).dt.total_days().cast(pl.Float64))
            .sort("customer_id"))


def frame_task(name: str, engine: str, df):
    """One measurement on a log in memory; returns the number of result rows."""
    if engine == "pandas-hand":
        return len(hand_pandas(name, df))
    if engine == "polars-hand":
        return len(hand_polars(name, df))
    if engine == "duckdb-hand":
        import duckdb

        con = duckdb.connect()
        con.register("df", df)
        return len(con.sql(HAND_SQL[name]).df())
    from crmlab import clv, pyramid, rfm

    engine = None if engine == "crmlab" else engine.removeprefix("crmlab-")
    if name == "rfm":
        return len(rfm.rfm_table(df, engine=engine))
    if name == "values":
        return len(pyramid.customer_values(df, engine=engine))
    return len(clv.summary_from_transactions(df, engine=engine))


def task(name: str, engine: str, f: str):
    """Run one measurement; returns the number of result rows."""
    import warnings

    if engine == "hand-sql":
        import duckdb

        hand = {"rfm": HAND_RFM, "pyramid": HAND_PYRAMID, "clv": HAND_CLV}[name]
        return len(duckdb.connect().sql(hand.format(src=file_source(f))).df())
    if name == "clv" and engine == "lifetimes":
        import pandas as pd

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from lifetimes.utils import summary_data_from_transaction_data

            columns = ["customer_id", "order_date", "amount"]
            df = (pd.read_csv(f, usecols=columns, parse_dates=["order_date"])
                  if f.endswith(".csv") else pd.read_parquet(f, columns=columns))
            out = summary_data_from_transaction_data(
                df, "customer_id", "order_date", monetary_value_col="amount",
                observation_period_end=df["order_date"].max())
        return len(out)
    from crmlab import clv, pyramid, rfm

    engine = None if engine == "crmlab" else engine  # crmlab's default path
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

    if name.startswith("frame-"):  # the log in memory before the clock starts
        name = name.removeprefix("frame-")
        if engine == "polars-hand":
            import polars as pl

            df = pl.read_parquet(f, columns=["customer_id", "order_date", "amount"])
        else:
            df = pandas.read_parquet(f, columns=["customer_id", "order_date", "amount"])
            import crmlab.clv
            import crmlab.pyramid
            import crmlab.rfm  # noqa: F401
            if "duckdb" in engine or engine == "crmlab":
                import duckdb  # noqa: F401
        loaded_kb = _status_kb("VmRSS")
        t0 = time.perf_counter()
        rows = frame_task(name, engine, df)
        seconds = time.perf_counter() - t0
        print(json.dumps({"seconds": seconds, "rows": rows,
                          "peak_mb": _status_kb("VmHWM") / 1024,
                          "data_mb": loaded_kb / 1024}))
        return

    import crmlab.clv
    import crmlab.engines
    import crmlab.pyramid
    import crmlab.rfm  # noqa: F401

    if engine in ("duckdb", "hand-sql", "crmlab"):
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


def _status_kb(field: str) -> int:
    status = Path("/proc/self/status").read_text()
    return int(next(x for x in status.splitlines() if x.startswith(field)).split()[1])


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
    "rfm": ["crmlab", "hand-sql", "duckdb", "pandas", "spark"],
    "pyramid": ["crmlab", "hand-sql", "duckdb", "pandas", "spark"],
    "clv": ["crmlab", "hand-sql", "duckdb", "lifetimes", "pandas", "spark"],
}

#: File formats of ``--input file``: the Parquet file, and the same rows as CSV
#: (written from it by DuckDB: ISO timestamps, a header row). Result keys of a CSV
#: task carry the prefix "csv-" (``10000000/csv-rfm/crmlab``).
FORMATS = ("parquet", "csv")

#: On a DataFrame in memory: crmlab's default path (no engine given) and crmlab's
#: pandas engine against the hand-written alternatives.
FRAME_TASKS = ("rfm", "values", "summary")
FRAME_ENGINES = ("crmlab", "pandas-hand", "polars-hand", "duckdb-hand", "crmlab-pandas")

#: The in-memory log: 5M customers at 10M rows with gamma(1) activity, of whom about
#: 3.3M have a row (the rest are drawn with none).
FRAME_PER_CUSTOMER, FRAME_SHAPE = 2, 1.0


def load() -> dict:
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else {}


def save(results: dict) -> None:
    RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")


def _record(results: dict, key: str, run: int, force: bool, measure_one) -> None:
    """Measure run number ``run`` of ``key`` unless it is there (resumable), save, print."""
    runs = results.setdefault(key, [])
    if force and run == 0:
        runs.clear()
    if len(runs) > run:
        return
    r = measure_one()
    runs.append(r)
    save(results)
    shown = f"{r['seconds']:.3f} s, {r['peak_mb']:.0f} MB" if "seconds" in r else r["error"]
    print(f"{key} run {run + 1}: {shown}", flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e6,1e7", help="comma separated row counts")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement")
    parser.add_argument("--tasks", default="rfm,pyramid,clv")
    parser.add_argument("--engines", default="duckdb,hand-sql,pandas,lifetimes",
                        help="any of crmlab (the default path: no engine given), duckdb, "
                             "hand-sql, pandas, lifetimes, spark")
    parser.add_argument("--formats", default="parquet",
                        help="file formats of --input file: parquet, csv or both")
    parser.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "crmlab-bench"),
                        help="folder for the generated Parquet files (kept for reruns)")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--force", action="store_true", help="re-measure existing results")
    parser.add_argument("--readme", action="store_true", help="only rewrite the README table")
    parser.add_argument("--input", choices=("file", "frame"), default="file",
                        help="a Parquet file (the engines) or a DataFrame in memory "
                             "(the default path against hand-written pandas/Polars/DuckDB)")
    parser.add_argument("--fits", action="store_true",
                        help="also time the model fits of fits.py (crmlab and lifetimes)")
    parser.add_argument("--fit-sizes", default="cdnow,40k",
                        help="comma separated: cdnow, or a number of synthetic customers "
                        "such as 40k or 1000k")
    parser.add_argument("--fit-models", default="bgnbd,gammagamma,paretonbd",
                        help="comma separated models to fit (default: %(default)s)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return
    if args.fits and not args.readme:
        run_fits(args)
    if args.input == "frame" and not args.readme:
        run_frames(args)
    elif not args.readme and args.sizes != "none":
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
            csv = f.with_suffix(".csv")
            if "csv" in args.formats.split(",") and not csv.exists():
                write_csv(f, csv)
            for name in args.tasks.split(","):
                todo = [e for e in TASKS[name] if e in wanted]
                for run in range(args.runs):  # interleaved: engines see the same load
                    for kind in (k for k in FORMATS if k in args.formats.split(",")):
                        path = csv if kind == "csv" else f
                        prefix = "csv-" if kind == "csv" else ""
                        for engine in todo:
                            _record(results, f"{size}/{prefix}{name}/{engine}", run,
                                    args.force, lambda n=name, e=engine, p=path:
                                    measure(n, e, p, args.timeout))
    write_readme(load())


def write_csv(parquet: Path, csv: Path) -> None:
    """The Parquet log as CSV: a header row, ISO timestamps (``2024-01-02 20:03:43``)."""
    import duckdb

    t0 = time.time()
    tmp = csv.with_suffix(".tmp")
    con = duckdb.connect()
    con.sql("SET enable_progress_bar = false")
    con.sql(f"COPY (SELECT * FROM read_parquet('{parquet}')) TO '{tmp}' "
            f"(HEADER, DELIMITER ',', FORMAT csv)")
    tmp.rename(csv)
    print(f"wrote {csv} ({csv.stat().st_size / 2**20:.0f} MiB) in {time.time() - t0:.0f} s",
          flush=True)


def run_frames(args) -> None:
    """The default path on a DataFrame: every engine of FRAME_ENGINES, interleaved."""
    results = load()
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    wanted = [e for e in FRAME_ENGINES if e in args.engines.split(",")] or list(FRAME_ENGINES)
    alias = {"pyramid": "values", "clv": "summary"}
    tasks = list(dict.fromkeys(alias.get(t, t) for t in args.tasks.split(",")
                               if alias.get(t, t) in FRAME_TASKS)) or list(FRAME_TASKS)
    for size in (int(float(s)) for s in args.sizes.split(",")):
        f = data / f"frame_{size}_c{FRAME_PER_CUSTOMER}.parquet"
        if not f.exists():
            t0 = time.time()
            generate(size, f, per_customer=FRAME_PER_CUSTOMER, shape=FRAME_SHAPE)
            print(f"generated {f} in {time.time() - t0:.0f} s", flush=True)
        for name in tasks:
            for run in range(args.runs):
                for engine in wanted:
                    _record(results, f"{size}/frame-{name}/{engine}", run, args.force,
                            lambda n=name, e=engine, f=f: measure(f"frame-{n}", e, f,
                                                                  args.timeout))


def run_fits(args) -> None:
    """The model fits of fits.py, each in a fresh process, interleaved."""
    sys.path.insert(0, str(HERE))
    import fits

    results = load()
    for size in args.fit_sizes.split(","):
        for model in args.fit_models.split(","):
            for run in range(args.runs):
                for lib in fits.LIBS:
                    _record(results, f"fit/{size}/{model}/{lib}", run, args.force,
                            lambda m=model, lib=lib, size=size: fits.measure(m, lib, size))


# --------------------------------------------------------------------------- report


def _median(runs: list, field: str):
    values = [r[field] for r in runs if field in r]
    return statistics.median(values) if values else None


def _cell(runs, digits: int = 2) -> str:
    if not runs:
        return "–"
    seconds, peak = _median(runs, "seconds"), _median(runs, "peak_mb")
    if seconds is None:
        return "failed: " + runs[-1].get("error", "?")[:40]
    return f"{seconds:.{digits}f} s, {peak / 1024:.2f} GB ({len(runs)})"


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
    for mod in ("pandas", "polars", "duckdb", "pyspark", "lifetimes", "numpy", "pyarrow"):
        try:
            versions.append(f"{mod} {__import__(mod).__version__}")
        except Exception:  # noqa: BLE001 - optional packages
            pass
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, shared with other jobs; "
            f"Python {platform.python_version()} on {platform.system()}; "
            + ", ".join(versions))


def _ratio(mine: list, others: list) -> str:
    """crmlab's time over the fastest other's, per round of interleaved runs (the
    engines of one round ran back to back, under the same background load): the
    median of those ratios and their range."""
    rounds = []
    for i, run in enumerate(mine):
        theirs = [o[i]["seconds"] for o in others if len(o) > i and "seconds" in o[i]]
        if "seconds" in run and theirs:
            rounds.append(run["seconds"] / min(theirs))
    if not rounds:
        return "–"
    spread = f" ({min(rounds):.2f}–{max(rounds):.2f})" if len(rounds) > 1 else ""
    return f"{statistics.median(rounds):.2f}x{spread}"


def table(results: dict) -> str:
    """One table: the default path on a DataFrame, the engines on a Parquet file and
    the model fits, each beside the alternatives an analyst would pick."""
    lines = ["| input | task | crmlab | crmlab, pandas engine | pandas by hand | "
             "Polars by hand | DuckDB SQL by hand | lifetimes | crmlab / fastest other, per "
             "round |",
             "|---|---|---|---|---|---|---|---|---|"]
    keys = [k.split("/") for k in results]
    frames = sorted({int(k[0]) for k in keys if len(k) == 3 and k[1].startswith("frame-")})
    for size in frames:
        for name in FRAME_TASKS:
            def get(e, size=size, name=name):
                return results.get(f"{size}/frame-{name}/{e}", [])

            call = {"rfm": "rfm_table(df)", "values": "customer_values(df)",
                    "summary": "summary_from_transactions(df)"}[name]
            others = [get("pandas-hand"), get("polars-hand"), get("duckdb-hand")]
            counted = [r["rows"] for r in results.get(f"{size}/frame-values/crmlab", [])
                       if "rows" in r]  # one row per customer
            who = f", {counted[0] / 1e6:.1f}M customers" if counted else ""
            lines.append(
                f"| DataFrame, {size / 1e6:g}M rows{who} | `{call}` | {_cell(get('crmlab'))} | "
                f"{_cell(get('crmlab-pandas'))} | {_cell(others[0])} | {_cell(others[1])} | "
                f"{_cell(others[2])} | – | {_ratio(get('crmlab'), others)} |")
    files = sorted({int(k[0]) for k in keys
                    if len(k) == 3 and k[1].removeprefix("csv-") in TASKS})
    for kind, prefix in (("Parquet", ""), ("CSV", "csv-")):
        for size in files:
            for name in TASKS:
                def get(e, size=size, name=name, prefix=prefix):
                    return results.get(f"{size}/{prefix}{name}/{e}", [])

                hand, life = get("hand-sql"), get("lifetimes")
                # the reference: DuckDB SQL on the file (lifetimes where none was timed)
                ref = hand or (life if name == "clv" else [])
                where = (f"| {kind} file, {size / 1e6:g}M rows, {size // 30 / 1e6:.2g}M "
                         f"customers |")
                for engine, label in (("crmlab", "no engine given"),
                                      ("duckdb", "engine='duckdb'")):
                    if not get(engine):
                        continue
                    lines.append(
                        f"{where} {name} ({label}) | {_cell(get(engine))} | "
                        f"{_cell(get('pandas'))} | – | – | {_cell(hand)} | {_cell(life)} | "
                        f"{_ratio(get(engine), [ref])} |")
    fits = sorted({(k[1], k[2]) for k in keys if k[0] == "fit"},
                  key=lambda sm: (sm[0] != "cdnow", len(sm[0]), sm[0], sm[1]))
    for size, model in fits:
        mine = results.get(f"fit/{size}/{model}/crmlab", [])
        theirs = results.get(f"fit/{size}/{model}/lifetimes", [])
        n = next((r.get("customers") for r in mine if "customers" in r), size)
        label = {"bgnbd": "BG/NBD", "gammagamma": "Gamma-Gamma",
                 "paretonbd": "Pareto/NBD"}.get(model, model)
        lines.append(f"| fit, {n:,} customers ({size}) | {label} | {_cell(mine, 3)} | – | – | "
                     f"– | – | {_cell(theirs, 3)} | {_ratio(mine, [theirs])} |")
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
