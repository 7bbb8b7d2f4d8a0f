"""Benchmark crmlab's model fits against lifetimes 0.11.3: time and peak memory.

Not part of the test suite. Fits BG/NBD, Gamma-Gamma and Pareto/NBD with crmlab
(``clv.BetaGeo``, ``clv.GammaGamma``, ``clv.ParetoNBD``) and with lifetimes
(``BetaGeoFitter``, ``GammaGammaFitter``, ``ParetoNBDFitter``, default settings) on

* ``cdnow``: the CDNOW 1/10 sample's 39-week calibration summary (2,357 customers), and
* ``40k`` (or any ``--customers N``): a seeded synthetic summary of N customers drawn from
  the BG/NBD process with CDNOW's estimates (r 0.243, alpha 4.414, a 0.793, b 2.426;
  weekly, T from 27 to 39 weeks, purchase times rounded to days) and Gamma-Gamma spend
  (p 6.25, q 3.74, gamma 15.44).

Every fit runs in a fresh Python process: the imports, the summary and a first fit on
200 of the customers (which loads what each library imports lazily) are made before
the clock starts, so the time is the fit alone; the peak memory is that process's
maximum resident set size (``VmHWM``, imports included) and the fit's own increase
over the resident size just before it. Runs are interleaved (crmlab, lifetimes,
crmlab, ...), so both share the same background load; the table gives medians.

Usage::

    .venv/bin/python benchmarks/fits.py                 # cdnow and 40k, 3 runs each
    .venv/bin/python benchmarks/fits.py --sizes cdnow --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

MODELS = ("bgnbd", "gammagamma", "paretonbd")
LIBS = ("crmlab", "lifetimes")
LABELS = {"bgnbd": "BG/NBD", "gammagamma": "Gamma-Gamma", "paretonbd": "Pareto/NBD"}


def synthetic(n: int, seed: int = 20260101):
    """N customers from the BG/NBD process and Gamma-Gamma spend (weeks, day resolution)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    T = rng.integers(27 * 7, 39 * 7 + 1, n) / 7.0
    lam = rng.gamma(0.243, 1 / 4.414, n)
    p = rng.beta(0.793, 2.426, n)
    t = np.zeros(n)
    last = np.zeros(n)
    x = np.zeros(n)
    going = np.ones(n, bool)
    while going.any():
        idx = np.flatnonzero(going)
        t[idx] += rng.exponential(1 / lam[idx])
        bought = t[idx] <= T[idx]
        going[idx[~bought]] = False
        b = idx[bought]
        x[b] += 1
        last[b] = t[b]
        going[b[rng.random(b.size) < p[b]]] = False
    recency = np.floor(last * 7) / 7  # purchase days, in weeks
    nu = rng.gamma(3.74, 1 / 15.44, n)
    spend = np.where(x > 0, rng.gamma(6.25 * np.maximum(x, 1), 1 / (nu * np.maximum(x, 1))),
                     0.0)
    out = pd.DataFrame({"frequency": x, "recency": recency, "T": T, "monetary_value": spend},
                       index=pd.Index([f"C{i:07d}" for i in range(n)], name="customer_id"))
    out.attrs["unit"] = "W"
    return out


def summary_for(size: str):
    if size == "cdnow":
        import crmlab
        from crmlab import clv

        return clv.summary_from_transactions(crmlab.load_data("cdnow_sample"),
                                             amount="amount", observation_end="1997-09-30",
                                             unit="W")
    return synthetic(int(float(size.rstrip("k")) * (1000 if size.endswith("k") else 1)))


def _rss_kb(field: str) -> int:
    status = Path("/proc/self/status").read_text()
    return int(next(x for x in status.splitlines() if x.startswith(field)).split()[1])


def child(model: str, lib: str, size: str) -> None:
    import warnings

    warnings.simplefilter("ignore")
    s = summary_for(size)
    repeat = s[s["frequency"] > 0]
    if lib == "crmlab":
        from crmlab import clv

        fitter = {"bgnbd": clv.BetaGeo, "gammagamma": clv.GammaGamma,
                  "paretonbd": clv.ParetoNBD}[model]()
        data = (repeat,) if model == "gammagamma" else (s,)
    else:
        import lifetimes

        fitter = {"bgnbd": lifetimes.BetaGeoFitter, "gammagamma": lifetimes.GammaGammaFitter,
                  "paretonbd": lifetimes.ParetoNBDFitter}[model]()
        data = ((repeat["frequency"], repeat["monetary_value"]) if model == "gammagamma"
                else (s["frequency"], s["recency"], s["T"]))
    # a first fit on 200 customers loads what either library imports lazily (scipy's
    # optimisers, special functions) before the clock starts
    warm = type(fitter)()
    warm.fit(*(d.iloc[:200] for d in data))
    before = _rss_kb("VmRSS")
    t0 = time.perf_counter()
    fitter.fit(*data)
    seconds = time.perf_counter() - t0
    peak = _rss_kb("VmHWM")
    params = (list(fitter.params_.values()) if lib == "crmlab"
              else fitter.params_.to_list())
    print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024,
                      "fit_mb": max(peak - before, 0) / 1024, "params": params,
                      "customers": len(s)}))


def measure(model: str, lib: str, size: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", model, lib, size],
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"}, timeout=3600)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1][:300]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def table(results: dict, sizes: list[str], models: list[str]) -> str:
    import numpy as np

    lines = ["| customers | model | crmlab | lifetimes | time ratio (crmlab / lifetimes) "
             "| largest parameter difference |",
             "|---|---|---|---|---|---|"]
    for size in sizes:
        for model in models:
            cells, med = [], {}
            for lib in LIBS:
                runs = [r for r in results[size][model][lib] if "error" not in r]
                if not runs:
                    cells.append(results[size][model][lib][0].get("error", "failed"))
                    continue
                med[lib] = {k: statistics.median(r[k] for r in runs)
                            for k in ("seconds", "peak_mb", "fit_mb")}
                med[lib]["params"] = np.array(runs[0]["params"])
                cells.append(f"{med[lib]['seconds']:.3g} s, peak {med[lib]['peak_mb']:.0f} MB "
                             f"(fit +{med[lib]['fit_mb']:.0f} MB) ({len(runs)})")
            if len(med) == 2:
                ratio = f"{med['crmlab']['seconds'] / med['lifetimes']['seconds']:.2f}x"
                a, b = med["crmlab"]["params"], med["lifetimes"]["params"]
                diff = f"{np.max(np.abs(a / b - 1)):.1e}"
            else:
                ratio = diff = "–"
            n = results[size][model]["crmlab"][0].get("customers", size)
            lines.append(f"| {n:,} | {LABELS[model]} | {cells[0]} | {cells[1]} | {ratio} "
                         f"| {diff} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", nargs=3, metavar=("MODEL", "LIB", "SIZE"))
    ap.add_argument("--sizes", default="cdnow,40k")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--models", default=",".join(MODELS))
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    sizes = args.sizes.split(",")
    models = args.models.split(",")
    results = {s: {m: {lib: [] for lib in LIBS} for m in MODELS} for s in sizes}
    for _ in range(args.runs):
        for size in sizes:
            for model in models:
                for lib in LIBS:
                    r = measure(model, lib, size)
                    results[size][model][lib].append(r)
                    print(size, model, lib, r, file=sys.stderr, flush=True)
    import lifetimes  # noqa: F401  (for the version line)
    import numpy
    import pandas
    import scipy

    from crmlab import __version__ as crmlab_version

    print(f"Python {platform.python_version()}, {os.cpu_count()} cores; crmlab "
          f"{crmlab_version}, lifetimes {sys.modules['lifetimes'].__version__}, numpy "
          f"{numpy.__version__}, scipy {scipy.__version__}, pandas {pandas.__version__}; "
          f"median of {args.runs} interleaved runs, each in a fresh process.\n")
    print(table(results, sizes, models))


if __name__ == "__main__":
    main()
