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
import contextlib
import re
import sys

from crmlab._errors import CRMDataError

__all__ = ["OTHER_OPTIONS", "READ_OPTIONS", "cli_message", "load_config", "main"]


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


def _edition_folder(folder: str | None, name: str, language: str) -> str:
    """A folder option's value, defaulting to the edition's: zh/solutions for Chinese."""
    if folder is not None:
        return folder
    from pathlib import Path

    chinese = Path("zh") / name
    return chinese.as_posix() if language == "zh" and chinese.is_dir() else name


def _exercises_build(args) -> int:
    args.source = _edition_folder(args.source, "solutions", args.language)
    args.target = _edition_folder(args.target, "exercises", args.language)
    if args.roster:
        from crmlab.grading.roster import MANIFEST, build_roster

        written = build_roster(args.roster, args.source, args.out or "students",
                               course=args.course)
        students = {p.parent for p in written if p.name != MANIFEST}
        print(f"wrote {len(written) - 1} notebooks for {len(students)} students in "
              f"{args.out or 'students'}/, each on the student's own data, and the manifest "
              f"{written[-1]} (student -> variant; for you, not for the students)")
        print(f"grade with: crmlab grade SUBMISSIONS --assignment NAME --roster {args.roster}"
              + (f" --course {args.course!r}" if args.course != "crmlab" else ""))
        return 0
    if args.course != "crmlab":
        raise CRMDataError("crmlab exercises build: --course salts the students' variants; "
                           "it needs --roster.")
    from crmlab.exercises import build

    for path in build(args.source, args.out or args.target):
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

    args.solutions = _edition_folder(args.solutions, "solutions", args.language)
    if args.no_sandbox:
        print(f"crmlab: warning: {NO_SANDBOX_RISKS}", file=sys.stderr)
    book = args.gradebook or str(Path(args.out).with_name(f"gradebook-{args.format}.csv"))
    manual = str(Path(args.out).with_name(f"manual-{args.assignment}.csv"))
    table = grade(args.submissions, assignment=args.assignment, solutions=args.solutions,
                  out=args.out, gradebook_out=book, format=args.format,
                  feedback=args.feedback, manual_out=manual, timeout=args.timeout,
                  total_timeout=args.total_timeout, memory_mb=args.memory,
                  workers=args.workers, progress=not args.no_progress,
                  sandbox=not args.no_sandbox, language=args.language, roster=args.roster,
                  course=args.course, hidden_tests=args.hidden_tests)
    print(totals(table).to_string())
    if args.roster:
        unlisted = sorted(set(table.loc[table["status"] == "unlisted", "student"]))
        print(f"each submission judged on its student's own data (variants of {args.roster}"
              + (f", course {args.course!r}" if args.course != "crmlab" else "") + ")"
              + ("" if args.hidden_tests else "; the solution's hidden tests were not run "
                 "(they may state facts of the bundled data; --hidden-tests runs them)"))
        if unlisted:
            print(f"not on the roster, not graded: {', '.join(unlisted)} (add them to "
                  f"{args.roster} and grade again)")
    print(f"wrote {args.out} (one row per student and exercise), {book} (one row per "
          f"student, {args.format})" + (f" and feedback in {args.feedback}/"
                                        if args.feedback else ""))
    todo = table[table["status"] == "manual"].drop_duplicates("exercise")
    if len(todo):
        print(f"to grade by hand ({manual}: fill in points, then crmlab grade-merge):")
        for row in todo.itertuples():
            unit = "point" if row.max_points == 1 else "points"
            print(f"  {row.question} {row.exercise} ({row.max_points:g} {unit}): {row.reason}")
    return 0


def _grade_merge(args) -> int:
    from pathlib import Path

    import pandas as pd

    from crmlab.grading import layout, totals
    from crmlab.grading.feedback import (
        gradebook,
        merge_manual,
        read_table,
        write_csv,
        write_feedback,
        write_table,
    )

    args.solutions = _edition_folder(args.solutions, "solutions", args.language)
    lay = layout(Path(args.solutions) / f"{args.assignment}.ipynb")
    scores = pd.read_csv(args.scores, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    table = merge_manual(read_table(args.grades), scores, lay, args.language)
    out = args.out or args.grades
    book = args.gradebook or str(Path(out).with_name(f"gradebook-{args.format}.csv"))
    write_table(table, out)
    write_csv(gradebook(table, args.format, assignment=args.assignment), book)
    if args.feedback:
        write_feedback(table, args.feedback, args.assignment, args.language)
    print(totals(table).to_string())
    left = int((table["status"] == "manual").sum())
    print(f"wrote {out}, {book}" + (f" and feedback in {args.feedback}/" if args.feedback
                                    else "") + f"; {left} cell(s) still to grade by hand")
    return 0


#: read_transactions keywords and the CLI options that set them (messages are translated).
READ_OPTIONS = {
    "customer": "--customer", "date": "--date", "amount": "--amount", "order": "--order",
    "name": "--name", "currency": "--currency-column", "refund": "--refund",
    "preset": "--preset", "keep": "--keep", "exclude": "--exclude",
    "to_currency": "--to-currency", "rates": "--rates", "amount_unit": "--amount-unit",
    "sheet": "--sheet", "encoding": "--encoding", "decimal": "--decimal",
    "date_format": "--date-format", "future": "--future", "as_of": "--as-of",
}
#: Other keywords named in messages, with their options.
OTHER_OPTIONS = {"analysis_date": "--analysis-date", "observation_end": "--observation-end",
                 "scheme": "--scheme", "bins": "--bins", "margin_rate": "--margin-rate",
                 "gross_profit": "--gross-profit", "cost": "--cost", "unit": "--unit",
                 "horizon": "--horizon", "discount": "--discount", "engine": "--engine"}


def _read_kwargs(args) -> dict:
    """The read_transactions keywords set by the shared input options."""
    out = {}
    for key in READ_OPTIONS:
        value = getattr(args, key, None)
        if key in ("keep", "exclude") and value is not None:
            value = [] if [v.strip().lower() for v in value] == ["none"] else list(value)
        if value is not None:
            out[key] = value
    if getattr(args, "dayfirst", None) is not None:
        out["dayfirst"] = args.dayfirst
    if getattr(args, "exact_ids", False):
        out["normalize_ids"] = False
    if out.get("sheet") is not None and str(out["sheet"]).isdigit():
        out["sheet"] = int(out["sheet"])
    return out


def cli_message(text: str) -> str:
    """A library message with its keyword fixes written as the command's options.

    Examples
    --------
    >>> print(cli_message("f: f: pass decimal=',' or dayfirst=True; Did you mean "
    ...                   "customer='客户 名称' (or 'Kunde')?"))
    f: pass --decimal ',' or --dayfirst; Did you mean --customer '客户 名称' (or 'Kunde')?
    """
    options = {**READ_OPTIONS, **OTHER_OPTIONS}

    def option(m):
        key, value = m.group(1), m.group(2)
        if key == "dayfirst":
            return "--dayfirst" if value == "True" else "--monthfirst"
        if key == "normalize_ids":
            return "--exact-ids" if value == "False" else ""
        if value == "[]":
            return f"{options[key]} none"
        if value[:1] in "'\"" and value[-1:] == value[:1]:
            value = value[1:-1]
            if not re.fullmatch(r"[\w.%/+:-]+", value):
                value = "'" + value.replace("'", "'\\''") + "'"
        return f"{options[key]} {value}"

    keys = "|".join(sorted({*options, "dayfirst", "normalize_ids"}, key=len, reverse=True))
    text = re.sub(r"^([\w.]+): (?:\1: )+", r"\1: ", text)  # the source, said once
    return re.sub(rf"(?<![\w.-])({keys})=('[^']*'|\"[^\"]*\"|\[\]|[\w.%/+-]+)", option, text)


def _large(args) -> bool:
    """Whether FILE takes the large-file path: --large, or a CSV/Parquet file of more
    than crmlab.io.large.LARGE_FILE_BYTES (env CRMLAB_LARGE_FILE_BYTES)."""
    from crmlab.io.large import is_large

    return bool(getattr(args, "large", False)) or is_large(args.file)


@contextlib.contextmanager
def _input(args, steps, columns=()):
    """Read FILE (whole, or in chunks into a temporary Parquet file when it is large),
    print its data-quality notes and yield it: a DataFrame or a crmlab.io.large.LargeRead
    (its temporary folder is removed when the block ends)."""
    steps("read")
    if _large(args):
        from crmlab.io.large import CHUNK_ROWS, read_large

        with read_large(args.file, chunk_rows=args.chunk_rows or CHUNK_ROWS,
                        columns=[c for c in columns if c], progress=not args.no_progress,
                        **_read_kwargs(args)) as tx:
            _print_quality(tx)
            steps.done()
            yield tx
        return
    from crmlab.io import read_transactions

    tx = read_transactions(args.file, warn=False, **_read_kwargs(args))
    _print_quality(tx)
    steps.done()
    yield tx


def _source(tx, args):
    """What the compute functions read, and on which engine: a large file's cleaned
    Parquet file goes to DuckDB."""
    from crmlab.io.large import LargeRead

    if isinstance(tx, LargeRead):
        return str(tx.path), "duckdb"
    return tx, args.engine


def _print_quality(tx) -> None:
    from tqdm.auto import tqdm

    from crmlab.io import report

    tqdm.write("data quality (read_transactions):\n  " + report(tx).replace("\n", "\n  "),
               file=sys.stderr)


def _steps(args, names, desc):
    from crmlab.pipelines import Progress

    return Progress(names, not args.no_progress, desc)


def _finish(table, args, steps, what: str) -> None:
    from crmlab.io import write_table

    if args.out:
        steps("write")
        write_table(table, args.out, bom=not args.no_bom)
        steps.done()
        print(f"wrote {len(table):,} {what} to {args.out}")


def _analyst(args, command: str, compute, show) -> int:
    """The path every analyst command shares: check the output, read, compute, write, show."""
    from crmlab.io import check_output

    if args.out:
        check_output(args.out)
    elif command == "rfm":
        raise CRMDataError("-o/--out is required: the file to write the RFM table to "
                           "(.csv, .parquet or .xlsx), on the command line or as out= in "
                           "the --config file.")
    steps = _steps(args, ["read", command, "write"], f"crmlab {command}")
    profit = (getattr(args, "gross_profit", None), getattr(args, "cost", None))
    with contextlib.ExitStack() as stack:
        try:
            tx = stack.enter_context(_input(args, steps, profit))
            steps(command)
            table, extra = compute(tx, args)
            steps.done()
            _finish(table, args, steps, "customers")
        finally:
            steps.close()
        show(table, extra, args, tx)
    return 0


def _rfm_compute(tx, args):
    from crmlab.pipelines import rfm_customers

    src, engine = _source(tx, args)
    table = rfm_customers(src, order="order_id" if "order_id" in tx.columns else None,
                          analysis_date=args.analysis_date, scheme=args.scheme,
                          bins=args.bins, ties=args.ties, language=args.language,
                          engine=engine)
    return table, None


def _rfm_show(table, _, args, tx) -> None:
    counts = table["segment"].value_counts(sort=False)
    print(f"{len(table):,} customers, analysis date {table.attrs['analysis_date']:%Y-%m-%d}; "
          f"segments ({args.scheme}):")
    print(counts.to_frame("customers").assign(
        share=(counts / len(table)).round(3)).to_string())
    _print_left_out(table, tx)


def _print_left_out(table, tx) -> None:
    """Name the customers of the file that are not in a per-customer result."""
    from crmlab.io.large import LargeRead

    if isinstance(tx, LargeRead):
        missing = tx.customers_without_purchase()
    else:
        missing = sorted(set(tx["customer_id"]) - set(table.index))
    if missing:
        shown = ", ".join(missing[:10]) + (f", ... ({len(missing)} in all)"
                                          if len(missing) > 10 else "")
        print(f"left out: {len(missing):,} customers with only returns (no purchase to "
              f"measure recency from): {shown}")


def _pyramid_compute(tx, args):
    from crmlab.pipelines import pyramid_customers, pyramid_overview

    src, engine = _source(tx, args)
    table = pyramid_customers(src, gross_profit=args.gross_profit, cost=args.cost,
                              scheme=args.scheme, language=args.language, engine=engine)
    return table, pyramid_overview(table)


def _pyramid_show(table, ov, args, tx) -> None:
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


def _clv_compute(tx, args):
    from crmlab.pipelines import clv_fit

    src, engine = _source(tx, args)
    fit = clv_fit(src, observation_end=args.observation_end, unit=args.unit,
                  horizon=args.horizon, discount=args.discount,
                  margin_rate=args.margin_rate, engine=engine)
    return fit.table, fit


def _clv_show(table, fit, args, tx) -> None:
    at = table.attrs
    unit = {"W": "weeks", "D": "days"}[at["unit"]]
    print(f"observation end {at['observation_end']:%Y-%m-%d}; {len(table):,} customers, "
          f"{fit.repeat_buyers:,} with repeat purchases; time unit: {unit}")
    for what, n in at["dropped"].items():
        if n:
            print(f"left out: {n:,} {what}")
    for name, model in (("BG/NBD", fit.bgnbd), ("Gamma-Gamma", fit.gammagamma)):
        print(f"{name}: " + ", ".join(f"{k}={v:.4f}" for k, v in model.params_.items())
              + f"; log-likelihood {model.log_likelihood_:,.1f}")
    print(f"horizon {at['horizon']:g} {unit}, discount {at['discount']:.6f} per "
          f"{unit[:-1]}, margin {at['margin_rate']:g}: expected purchases "
          f"{table['expected_purchases'].sum():,.0f}, total CLV {table['clv'].sum():,.2f}, "
          f"mean {table['clv'].mean():,.2f}, median {table['clv'].median():,.2f}")


def _rfm(args) -> int:
    return _analyst(args, "rfm", _rfm_compute, _rfm_show)


def _pyramid(args) -> int:
    return _analyst(args, "pyramid", _pyramid_compute, _pyramid_show)


def _clv(args) -> int:
    return _analyst(args, "clv", _clv_compute, _clv_show)


def _report(args) -> int:
    from crmlab.io import HTML_SUFFIXES, check_output
    from crmlab.pipelines import Progress, analyse
    from crmlab.report import SECTIONS

    if not args.out:
        raise CRMDataError("-o/--out is required: the .html file to write, on the command "
                           "line or as out= in the --config file.")
    check_output(args.out, HTML_SUFFIXES)
    if args.segments:
        check_output(args.segments)
    steps = Progress(["read", *SECTIONS, "html"], not args.no_progress, "crmlab report")
    try:
        if _large(args):  # read in chunks, then every section from DuckDB
            with _input(args, steps, (args.gross_profit, args.cost)) as tx:
                result = analyse(tx, gross_profit=args.gross_profit, cost=args.cost,
                                 analysis_date=args.analysis_date,
                                 observation_end=args.observation_end, progress=steps)
                out = _report_files(result, args, steps)
        else:
            steps("read")
            result = analyse(args.file, gross_profit=args.gross_profit, cost=args.cost,
                             analysis_date=args.analysis_date,
                             observation_end=args.observation_end, progress=steps,
                             **_read_kwargs(args))
            steps.done()
            _print_quality(result.transactions)
            out = _report_files(result, args, steps)
    finally:
        steps.close()
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


def _report_files(result, args, steps):
    """Write the HTML report (and the segment list); return the report's path."""
    from crmlab.io import write_table, write_text
    from crmlab.pipelines import segment_list
    from crmlab.report import render_report

    steps("html")
    out = write_text(render_report(result), args.out)
    steps.done()
    if args.segments:
        table = segment_list(result)
        write_table(table, args.segments, bom=not args.no_bom)
        print(f"wrote {len(table):,} customers to {args.segments} (segment list)")
    return out


def _input_options(p, out_help: str) -> None:
    p.add_argument("file", nargs="?", default=None,
                   help="transactions: CSV (any encoding), Excel (.xlsx) or Parquet; or "
                   "file= in the --config file")
    p.add_argument("-o", "--out", default=None, help=out_help)
    p.add_argument("--config", default=None, metavar="TOML",
                   help="a TOML file with these options (see README, 'Repeatable runs'); "
                   "options on the command line win")
    g = p.add_argument_group("columns of FILE (as in crmlab.read_transactions; default: the "
                             "preset's, else customer_id, order_date, amount)")
    g.add_argument("--preset", default=None,
                   help="the system FILE was exported from: zoho-deals, zoho-invoices, "
                   "fxiaoke-orders, salesforce-opportunities, hubspot-deals, shopify-orders "
                   "(sets the columns and the purchase rule; the options below override it)")
    g.add_argument("--customer", default=None, help="customer id column")
    g.add_argument("--date", default=None, help="order date column")
    g.add_argument("--amount", default=None, help="amount column, negative = return")
    g.add_argument("--order", default=None, help="order id column; without it each row is "
                   "one order")
    g.add_argument("--name", default=None, help="customer name column (for segment lists)")
    g.add_argument("--currency-column", dest="currency", default=None,
                   help="column with each row's currency code")
    g.add_argument("--refund", default=None, help="refunded-amount column, subtracted from "
                   "the amount")
    r = p.add_argument_group("what counts as a purchase, and how FILE is read")
    r.add_argument("--keep", action="append", default=None, metavar="COLUMN=VALUE",
                   help="use only rows with this value, e.g. --keep 'Stage=Closed Won' "
                   "(repeatable; VALUE1|VALUE2 for several; 'none' for no filter)")
    r.add_argument("--exclude", action="append", default=None, metavar="COLUMN=VALUE",
                   help="leave out rows with this value, e.g. --exclude 生命状态=作废")
    r.add_argument("--to-currency", default=None, metavar="CODE",
                   help="analyse in this currency (other currencies: converted with "
                   "--rates, else left out)")
    r.add_argument("--rates", default=None, metavar="CSV",
                   help="exchange rates: a CSV with columns currency, rate")
    r.add_argument("--amount-unit", type=float, default=None,
                   help="multiply amounts by this, e.g. 10000 for 万元 (default: 10000 when "
                   "the amount header says 万)")
    r.add_argument("--sheet", default=None, help="Excel sheet name or number (default: the "
                   "first)")
    r.add_argument("--encoding", default=None, help="CSV encoding (default: UTF-8, else "
                   "detected, e.g. gbk, cp1252)")
    r.add_argument("--decimal", choices=[".", ","], default=None,
                   help="decimal mark of amounts (default: ',' for ';' files, else '.')")
    first = r.add_mutually_exclusive_group()
    first.add_argument("--dayfirst", action="store_const", const=True, dest="dayfirst",
                       default=None, help="read 03/05/2024 as 3 May")
    first.add_argument("--monthfirst", action="store_const", const=False, dest="dayfirst",
                       help="read 03/05/2024 as 5 March (default: detected from the dates)")
    r.add_argument("--date-format", default=None,
                   help="strftime format of the dates (e.g. %%d/%%m/%%Y), or excel, "
                   "epoch-ms, epoch-s")
    r.add_argument("--future", choices=["drop", "keep", "error"], default=None,
                   help="rows dated after today (or --as-of): drop (default; reported), keep "
                   "or error")
    r.add_argument("--as-of", default=None, help="dates after this day are future "
                   "(default: today)")
    r.add_argument("--exact-ids", action="store_true", default=None,
                   help="keep customer ids as written (default: full-width made "
                   "half-width, e-mails lower-cased)")
    p.add_argument("--no-bom", action="store_true", default=None,
                   help="write CSV as UTF-8 without a BOM (default: with a BOM, so Excel "
                   "shows Chinese text)")
    p.add_argument("--no-progress", action="store_true", default=None,
                   help="hide the progress bar")
    big = p.add_argument_group("files larger than memory")
    big.add_argument("--large", action="store_true", default=None,
                     help="read FILE (CSV or Parquet) in chunks through the same cleaning, "
                     "into a temporary Parquet file, and compute with DuckDB (needs "
                     "crmlab[scale]); taken by itself for files over 1 GiB "
                     "(CRMLAB_LARGE_FILE_BYTES sets another size)")
    big.add_argument("--chunk-rows", type=int, default=None, metavar="N",
                     help="rows per chunk on the large-file path (default: 500,000; "
                     "memory grows with it)")


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
    b.add_argument("--source", default=None, help="folder of solution notebooks (default: "
                   "solutions, or zh/solutions with --language zh)")
    b.add_argument("--target", default=None, help="folder for the student versions (default: "
                   "exercises, or zh/exercises with --language zh)")
    b.add_argument("--language", choices=["en", "zh"], default="en", help="the edition: zh "
                   "builds the Chinese edition's exercises from its solutions (default: "
                   "%(default)s)")
    b.add_argument("--roster", default=None, help="class list (CSV with a student_id or id "
                   "column): one folder per student, every notebook on the student's own "
                   "data, and a manifest (student -> variant)")
    b.add_argument("--out", default=None, help="with --roster: folder for the students' "
                   "folders (default: students); without: the same as --target")
    b.add_argument("--course", default="crmlab", help="with --roster: the course salt of the "
                   "variants (another term, other data); grade with the same one "
                   "(default: %(default)s)")
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
    p.add_argument("--solutions", default=None, help="folder of solution notebooks (default: "
                   "solutions, or zh/solutions with --language zh: the Chinese edition's "
                   "exercise titles)")
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
    p.add_argument("--roster", default=None, help="the class list the notebooks were built "
                   "from (exercises build --roster): each submission is judged on its "
                   "student's own data, taken from the roster, never from the notebook")
    p.add_argument("--course", default="crmlab", help="with --roster: the course salt the "
                   "notebooks were built with (default: %(default)s)")
    p.add_argument("--hidden-tests", action="store_true", default=None,
                   help="with --roster, run the solution's hidden tests too (they may state "
                   "facts of the bundled data that a student's own data do not share)")
    p.set_defaults(func=_grade)

    p = sub.add_parser("grade-merge", help="merge the instructor's manual scores into the "
                       "grade table", description="Fill in the reasoning cells graded by "
                       "hand: read the grade table of crmlab grade and a CSV with student, "
                       "cell, points (and comment), e.g. the manual-ASSIGNMENT.csv form it "
                       "wrote; rewrite the grade table, the gradebook and the feedback.")
    p.add_argument("grades", help="the grade table written by crmlab grade")
    p.add_argument("scores", help="CSV: student, cell, points[, comment]")
    p.add_argument("--assignment", required=True, help="e.g. 03_rfm")
    p.add_argument("--solutions", default=None, help="folder of solution notebooks (default: "
                   "solutions, or zh/solutions with --language zh: the Chinese edition's "
                   "exercise titles)")
    p.add_argument("--out", default=None, help="the merged grade table (default: overwrite "
                   "GRADES)")
    p.add_argument("--gradebook", default=None, help="the gradebook table (default: "
                   "gradebook-FORMAT.csv beside --out)")
    p.add_argument("--format", choices=["wide", "canvas", "moodle"], default="wide",
                   help="layout of the gradebook table (default: %(default)s)")
    p.add_argument("--feedback", default=None, help="folder for per-student feedback")
    p.add_argument("--language", choices=["en", "zh"], default="en",
                   help="language of the feedback (default: %(default)s)")
    p.set_defaults(func=_grade_merge)

    p = sub.add_parser("rfm", help="RFM table, scores and segment per customer",
                       description="RFM (最近一次消费, 消费频率, 消费金额) per customer: "
                       "recency, frequency, monetary, R/F/M scores and a segment.")
    _input_options(p, _TABLE_OUT + " (required)")
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
    _input_options(p, _TABLE_OUT + " (optional: without it only the summary)")
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
    _input_options(p, _TABLE_OUT + " (optional: without it only the parameters)")
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
                       "Lorenz/whale, key accounts, cohorts, CLV)",
                       description="Write one self-contained HTML file (charts embedded) "
                       "with data quality, RFM segments, pyramid, Lorenz and whale curves, "
                       "key accounts, cohort retention and CLV.")
    _input_options(p, "the .html file to write (required)")
    p.add_argument("--segments", default=None, metavar="TABLE",
                   help="also write a segment list to import into the CRM: the export's own "
                   "customer id and name, RFM segment, recommended action, tier and CLV "
                   "(.csv, .xlsx or .parquet)")
    _profit_options(p)
    p.add_argument("--analysis-date", default=None, help="RFM analysis date")
    p.add_argument("--observation-end", default=None, help="end of the CLV window")
    p.set_defaults(func=_report)
    return top


#: Config-file keys that are paths, read relative to the config file's folder.
_PATHS = ("file", "rates", "out", "segments")
#: Config-file keys spelt as in Python that set a flag of the command line the other way.
_NEGATED = {"normalize_ids": "exact_ids", "bom": "no_bom", "progress": "no_progress"}


def load_config(path: str, command: argparse.ArgumentParser) -> dict:
    """Read a TOML config file into the option values of one analyst command.

    Top-level keys and the tables ``[columns]``, ``[read]``, ``[analysis]`` and
    ``[output]`` hold options named as in Python (``customer``, ``keep``, ``to_currency``,
    ``analysis_date``, ``out``, ``segments``, ``bom``, ...); paths are relative to the
    config file. Unknown keys are an error with the closest name.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     cfg = pathlib.Path(d) / "monthly.toml"
    ...     _ = cfg.write_text('preset = "zoho-deals"\\n[output]\\nout = "r.html"\\nbom = false\\n')
    ...     got = load_config(str(cfg), parser()._subparsers._group_actions[0].choices["report"])
    >>> got["preset"], got["out"].endswith("r.html"), got["no_bom"]
    ('zoho-deals', True, True)
    """
    import tomllib
    from pathlib import Path

    from crmlab.validation import did_you_mean

    where = Path(path).expanduser()
    if not where.is_file():
        raise CRMDataError(f"--config: file not found: {str(where)!r}.")
    try:
        data = tomllib.loads(where.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise CRMDataError(f"--config: {where.name} is not valid TOML: {err}.") from err
    flat: dict = {}
    for key, value in data.items():
        if key in ("columns", "read", "analysis", "output") and isinstance(value, dict):
            flat.update(value)
        else:
            flat[key] = value
    dests = {a.dest for a in command._actions} - {"help", "config", "func"}
    out = {}
    for key, value in flat.items():
        dest = _NEGATED.get(key, key)
        if dest not in dests:
            close = did_you_mean(key, sorted(dests | set(_NEGATED)))
            hint = f" Did you mean {close!r}?" if close else ""
            raise CRMDataError(f"--config: {where.name} has an unknown key {key!r} for "
                               f"'crmlab {command.prog.split()[-1]}'.{hint}")
        if key in _NEGATED:
            value = not value
        if key in ("keep", "exclude"):
            if isinstance(value, str):
                value = [value]
            elif isinstance(value, dict):
                value = [f"{k}={'|'.join(v) if isinstance(v, list) else v}"
                         for k, v in value.items()]
            value = [str(v) for v in value] or ["none"]
        if key in _PATHS and isinstance(value, str):
            value = str((where.parent / value).expanduser())
        out[dest] = value
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the ``crmlab`` command; return its exit code."""
    top = parser()
    args = top.parse_args(argv)
    try:
        if getattr(args, "config", None):
            command = top._subparsers._group_actions[0].choices[args.command]
            command.set_defaults(**load_config(args.config, command))
            args = top.parse_args(argv)
        for flag in ("no_bom", "no_progress", "exact_ids", "large"):
            if hasattr(args, flag) and getattr(args, flag) is None:
                setattr(args, flag, False)
        if hasattr(args, "file") and args.file is None and args.command in (
                "rfm", "pyramid", "clv", "report"):
            raise CRMDataError(f"crmlab {args.command}: name the input FILE, on the command "
                               f"line or as file= in the --config file.")
        return args.func(args)
    except CRMDataError as err:
        print(f"crmlab: {cli_message(str(err))}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"crmlab: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
