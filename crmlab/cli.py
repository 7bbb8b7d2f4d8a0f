"""The ``crmlab`` command: it parses arguments and calls the library, nothing more.

Examples
--------
>>> main(["datasets"])  # doctest: +ELLIPSIS
accounts: B2B accounts: revenue, margin, cost to serve, potential, manager priority ...
...
0
"""

from __future__ import annotations

import argparse
import sys

from crmlab._errors import CRMDataError

__all__ = ["main"]


def _datasets(args) -> int:
    from crmlab import datasets
    from crmlab.io import check_output, write_table

    if args.export:
        out = check_output(args.out or f"{args.export}.csv")  # before loading anything
        frame = datasets.load_data(args.export)
        write_table(frame, out)
        print(f"wrote {len(frame):,} rows to {out}")
        return 0
    for name in datasets.list_datasets():
        print(datasets.describe(name))
    return 0


def _exercises_build(args) -> int:
    from crmlab.exercises import build

    for path in build(args.source, args.target):
        print(f"wrote {path}")
    return 0


def _check(args) -> int:
    from crmlab.grading import self_check, self_check_summary

    table = self_check(args.notebook, timeout=args.timeout)
    print(self_check_summary(table))
    return 0 if table["passed"].all() else 1


def _grade(args) -> int:
    from pathlib import Path

    from crmlab.grading import grade, totals
    from crmlab.grading.sandbox import NO_SANDBOX_RISKS

    if args.no_sandbox:
        print(f"crmlab: warning: {NO_SANDBOX_RISKS}", file=sys.stderr)
    book = args.gradebook or str(Path(args.out).with_name(f"gradebook-{args.format}.csv"))
    table = grade(args.submissions, assignment=args.assignment, solutions=args.solutions,
                  out=args.out, gradebook_out=book, format=args.format,
                  feedback=args.feedback, timeout=args.timeout,
                  total_timeout=args.total_timeout, memory_mb=args.memory,
                  workers=args.workers, progress=not args.no_progress,
                  sandbox=not args.no_sandbox, language=args.language)
    print(totals(table).to_string())
    print(f"wrote {args.out} (one row per student and exercise), {book} (one row per "
          f"student, {args.format})" + (f" and feedback in {args.feedback}/"
                                        if args.feedback else ""))
    return 0


def _columns(args) -> dict:
    return {"customer": args.customer, "date": args.date, "amount": args.amount,
            "order": args.order}


def _read(args, steps):
    """Read the input with crmlab.read_transactions and print its data-quality notes."""
    from crmlab.io import read_transactions, report

    steps("read")
    extra = {k: v for k, v in (("sheet", args.sheet), ("encoding", args.encoding)) if v}
    tx = read_transactions(args.file, **_columns(args), dayfirst=args.dayfirst, warn=False,
                           **extra)
    from tqdm.auto import tqdm

    tqdm.write("data quality (read_transactions):\n  " + report(tx).replace("\n", "\n  "),
               file=sys.stderr)
    steps.done()
    return tx


def _steps(args, names, desc):
    from crmlab.pipelines import Progress

    return Progress(names, not args.no_progress, desc)


def _finish(table, args, steps, what: str) -> None:
    from crmlab.io import write_table

    if args.out:
        steps("write")
        write_table(table, args.out)
        steps.done()
        print(f"wrote {len(table):,} {what} to {args.out}")


def _rfm(args) -> int:
    from crmlab.io import check_output
    from crmlab.pipelines import rfm_customers

    check_output(args.out)
    steps = _steps(args, ["read", "rfm", "write"], "crmlab rfm")
    try:
        tx = _read(args, steps)
        steps("rfm")
        table = rfm_customers(tx, order="order_id" if args.order else None,
                              analysis_date=args.analysis_date, scheme=args.scheme,
                              bins=args.bins, ties=args.ties, language=args.language,
                              engine=args.engine)
        steps.done()
        _finish(table, args, steps, "customers")
    finally:
        steps.close()
    counts = table["segment"].value_counts(sort=False)
    print(f"{len(table):,} customers, analysis date {table.attrs['analysis_date']:%Y-%m-%d}; "
          f"segments ({args.scheme}):")
    print(counts.to_frame("customers").assign(
        share=(counts / len(table)).round(3)).to_string())
    return 0


def _pyramid(args) -> int:
    from crmlab.io import check_output
    from crmlab.pipelines import pyramid_customers, pyramid_overview

    if args.out:
        check_output(args.out)
    steps = _steps(args, ["read", "pyramid", "write"], "crmlab pyramid")
    try:
        tx = _read(args, steps)
        steps("pyramid")
        table = pyramid_customers(tx, gross_profit=args.gross_profit, cost=args.cost,
                                  scheme=args.scheme, language=args.language,
                                  engine=args.engine)
        ov = pyramid_overview(table)
        steps.done()
        _finish(table, args, steps, "customers")
    finally:
        steps.close()
    c = ov["concentration"]
    print(f"{ov['customers']:,} customers; Gini {c['gini']:.3f}; top 20% of customers hold "
          f"{c['top_20pct']:.1%} of net revenue (top 1%: {c['top_1pct']:.1%})")
    if "losing_customers" in ov:
        print(f"profit {ov['total_profit']:,.2f}; {ov['losing_customers']:,} loss-making "
              f"customers lose {ov['loss']:,.2f}")
    for note in ov["notes"]:
        print(f"note: {note}")
    print(f"tiers ({args.scheme}):")
    print(ov["tiers"].round({"customer_share": 3, "value": 2, "value_share": 3,
                            "mean_value": 2}).to_string())
    return 0


def _clv(args) -> int:
    from crmlab.io import check_output
    from crmlab.pipelines import clv_customers

    if args.out:
        check_output(args.out)
    steps = _steps(args, ["read", "fit", "write"], "crmlab clv")
    try:
        tx = _read(args, steps)
        steps("fit BG/NBD + Gamma-Gamma")
        table = clv_customers(tx, observation_end=args.observation_end, unit=args.unit,
                              horizon=args.horizon, discount=args.discount,
                              margin_rate=args.margin_rate, engine=args.engine)
        steps.done()
        _finish(table, args, steps, "customers")
    finally:
        steps.close()
    at = table.attrs
    unit = {"W": "weeks", "D": "days"}[at["unit"]]
    print(f"observation end {at['observation_end']:%Y-%m-%d}; {len(table):,} customers, "
          f"{at['repeat_buyers']:,} with repeat purchases; time unit: {unit}")
    for what, n in at["dropped"].items():
        if n:
            print(f"left out: {n:,} {what}")
    bg, gg = at["bgnbd"], at["gammagamma"]
    print("BG/NBD: " + ", ".join(f"{k}={v:.4f}" for k, v in bg.items())
          + f"; log-likelihood {at['log_likelihood']['bgnbd']:,.1f}")
    print("Gamma-Gamma: " + ", ".join(f"{k}={v:.4f}" for k, v in gg.items())
          + f"; log-likelihood {at['log_likelihood']['gammagamma']:,.1f}")
    print(f"horizon {at['horizon']:g} {unit}, discount {at['discount']:.6f} per "
          f"{unit[:-1]}, margin {at['margin_rate']:g}: expected purchases "
          f"{table['expected_purchases'].sum():,.0f}, total CLV {table['clv'].sum():,.2f}, "
          f"mean {table['clv'].mean():,.2f}, median {table['clv'].median():,.2f}")
    return 0


def _report(args) -> int:
    from crmlab.io import HTML_SUFFIXES, check_output, report, write_text
    from crmlab.pipelines import Progress, analyse
    from crmlab.report import SECTIONS, render_report

    check_output(args.out, HTML_SUFFIXES)
    steps = Progress(["read", *SECTIONS, "html"], not args.no_progress, "crmlab report")
    try:
        steps("read")
        extra = {k: v for k, v in (("sheet", args.sheet), ("encoding", args.encoding)) if v}
        result = analyse(args.file, **_columns(args), gross_profit=args.gross_profit,
                         cost=args.cost, analysis_date=args.analysis_date,
                         observation_end=args.observation_end, progress=steps,
                         dayfirst=args.dayfirst, **extra)
        steps.done()
        from tqdm.auto import tqdm

        tqdm.write("data quality (read_transactions):\n  "
                   + report(result.transactions).replace("\n", "\n  "), file=sys.stderr)
        steps("html")
        out = write_text(render_report(result), args.out)
        steps.done()
    finally:
        steps.close()
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


def _input_options(p, out_required: bool, out_help: str) -> None:
    p.add_argument("file", help="transactions: CSV (UTF-8 or GBK), Excel (.xlsx) or Parquet")
    p.add_argument("-o", "--out", required=out_required, help=out_help)
    g = p.add_argument_group("columns of FILE (as in crmlab.read_transactions)")
    g.add_argument("--customer", default="customer_id", help="customer id column "
                   "(default: %(default)s)")
    g.add_argument("--date", default="order_date", help="order date column "
                   "(default: %(default)s)")
    g.add_argument("--amount", default="amount", help="amount column, negative = return "
                   "(default: %(default)s)")
    g.add_argument("--order", default=None, help="order id column; without it each row is "
                   "one order")
    g.add_argument("--sheet", default=None, help="Excel sheet name (default: the first)")
    g.add_argument("--encoding", default=None, help="CSV encoding (default: UTF-8, else GBK)")
    g.add_argument("--dayfirst", action="store_true", help="read 01/05/2024 as 1 May")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def _engine_option(p) -> None:
    p.add_argument("--engine", choices=["pandas", "duckdb", "spark"], default=None,
                   help="where the per-customer aggregation runs (default: pandas; "
                   "same result on every engine; duckdb/spark need crmlab[scale])")


def _profit_options(p) -> None:
    p.add_argument("--gross-profit", default="gross_profit",
                   help="gross profit column, for profit = gross profit - cost to serve "
                   "(default: %(default)s; skipped when absent)")
    p.add_argument("--cost", default="cost_to_serve",
                   help="cost-to-serve column (default: %(default)s)")


_TABLE_OUT = "output table: .csv, .parquet or .xlsx (chosen by the suffix)"


def parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``crmlab`` command."""
    top = argparse.ArgumentParser(prog="crmlab", description="CRM analytics course tools.")
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("datasets", help="list the bundled datasets or export one")
    p.add_argument("--export", metavar="NAME", help="write dataset NAME to a file")
    p.add_argument("-o", "--out", help="output file (.csv, .parquet or .xlsx)")
    p.set_defaults(func=_datasets)

    p = sub.add_parser("exercises", help="instructor tools for exercise notebooks")
    esub = p.add_subparsers(dest="action", required=True)
    b = esub.add_parser("build", help="generate exercises/ from solutions/")
    b.add_argument("--source", default="solutions", help="folder of solution notebooks")
    b.add_argument("--target", default="exercises", help="folder for the student versions")
    b.set_defaults(func=_exercises_build)

    p = sub.add_parser("check", help="run an exercise notebook and summarise its checks")
    p.add_argument("notebook", help="the notebook to check, e.g. exercises/03_rfm.ipynb")
    p.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    p.set_defaults(func=_check)

    p = sub.add_parser("grade", help="grade a folder of submitted notebooks",
                       description="Run each submission in a sandbox (bubblewrap) and judge "
                       "its answers outside it. Without a sandbox, refuse unless "
                       "--no-sandbox.")
    p.add_argument("submissions", help="folder of STUDENT.ipynb or STUDENT/ASSIGNMENT.ipynb")
    p.add_argument("--assignment", required=True, help="e.g. 03_rfm")
    p.add_argument("--solutions", default="solutions", help="folder of solution notebooks")
    p.add_argument("--out", default="grades.csv", help="the grade table: one row per student "
                   "and exercise (CSV, UTF-8 with BOM; default: %(default)s)")
    p.add_argument("--gradebook", default=None, help="the gradebook table: one row per "
                   "student (CSV; default: gradebook-FORMAT.csv beside --out)")
    p.add_argument("--format", choices=["wide", "canvas", "moodle"], default="wide",
                   help="layout of the gradebook table: wide (a column per exercise, total, "
                   "maximum) or the columns a Canvas or Moodle grade import expects "
                   "(default: %(default)s)")
    p.add_argument("--feedback", default=None, help="folder for per-student feedback")
    p.add_argument("--language", choices=["en", "zh"], default="en",
                   help="language of the reasons and the feedback (default: %(default)s)")
    p.add_argument("--timeout", type=int, default=60, help="seconds per cell "
                   "(default: %(default)s)")
    p.add_argument("--total-timeout", type=int, default=None, help="seconds per notebook "
                   "(default: 10 x --timeout)")
    p.add_argument("--memory", type=int, default=3072, help="memory limit per notebook, MB "
                   "(default: %(default)s)")
    p.add_argument("--workers", type=int, default=2, help="notebooks run at once")
    p.add_argument("--no-sandbox", action="store_true", help="grade without a sandbox where "
                   "none is available (students' code then runs with your rights: only for "
                   "notebooks you trust)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(func=_grade)

    p = sub.add_parser("rfm", help="RFM table, scores and segment per customer",
                       description="RFM (最近一次消费, 消费频率, 消费金额) per customer: "
                       "recency, frequency, monetary, R/F/M scores and a segment.")
    _input_options(p, True, _TABLE_OUT)
    p.add_argument("--scheme", choices=["rf10", "cn8"], default="rf10",
                   help="segments: rf10 = ten named R x F segments (needs --bins 5), "
                   "cn8 = the textbook's eight value segments (default: %(default)s)")
    p.add_argument("--language", choices=["en", "zh"], default=None,
                   help="segment names (default: en for rf10, zh for cn8)")
    p.add_argument("--bins", type=int, default=5, help="score levels, quantiles "
                   "(default: %(default)s)")
    p.add_argument("--ties", choices=["rank-first", "value"], default="rank-first",
                   help="equal values: rank-first (by customer id) or value (kept "
                   "together) (default: %(default)s)")
    p.add_argument("--analysis-date", default=None, help="recency is counted to this day "
                   "(default: the day after the last date)")
    _engine_option(p)
    p.set_defaults(func=_rfm)

    p = sub.add_parser("pyramid", help="customer pyramid: value, tier and ABC class per "
                       "customer, with Gini and tier shares",
                       description="Customer pyramid (客户金字塔): net revenue, profit, tier "
                       "and ABC class per customer; prints Gini, top-20%% share and tiers.")
    _input_options(p, False, _TABLE_OUT + " (optional: without it only the summary)")
    p.add_argument("--scheme", choices=["su", "curry", "zeithaml"], default="su",
                   help="tiers: su 1/19/30/50%%, curry 1/4/15/80%%, zeithaml by profit "
                   "(default: %(default)s)")
    p.add_argument("--language", choices=["zh", "en"], default=None,
                   help="tier names (default: the scheme's)")
    _profit_options(p)
    _engine_option(p)
    p.set_defaults(func=_pyramid)

    p = sub.add_parser("clv", help="BG/NBD + Gamma-Gamma fit and CLV per customer",
                       description="Customer lifetime value (客户终身价值): the Fader-Hardie "
                       "summary, BG/NBD and Gamma-Gamma fits, CLV per customer. Returns "
                       "(amount < 0) are not purchases and are left out.")
    _input_options(p, False, _TABLE_OUT + " (optional: without it only the parameters)")
    p.add_argument("--observation-end", "--calibration-end", dest="observation_end",
                   default=None, help="end of the calibration/observation window; later "
                   "purchases are ignored (default: the last date)")
    p.add_argument("--unit", choices=["W", "D"], default="W",
                   help="time unit of recency, T, horizon and discount (default: %(default)s)")
    p.add_argument("--horizon", type=float, default=None,
                   help="CLV horizon in periods of --unit (default: one year, 52 W / 365 D)")
    p.add_argument("--discount", type=float, default=None,
                   help="discount rate per period of --unit, a decimal (default: 10%% a "
                   "year, 0.00183 per week)")
    p.add_argument("--margin-rate", "--margin", dest="margin_rate", type=float, default=1.0,
                   help="share of spend that is profit, in (0, 1] (default: %(default)s)")
    _engine_option(p)
    p.set_defaults(func=_clv)

    p = sub.add_parser("report", help="one self-contained HTML report (RFM, pyramid, "
                       "Lorenz/whale, key accounts, CLV)",
                       description="Write one self-contained HTML file (charts embedded) "
                       "with data quality, RFM segments, pyramid, Lorenz and whale curves, "
                       "key accounts and CLV.")
    _input_options(p, True, "the .html file to write")
    _profit_options(p)
    p.add_argument("--analysis-date", default=None, help="RFM analysis date")
    p.add_argument("--observation-end", default=None, help="end of the CLV window")
    p.set_defaults(func=_report)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the ``crmlab`` command; return its exit code."""
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except CRMDataError as err:
        print(f"crmlab: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"crmlab: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
