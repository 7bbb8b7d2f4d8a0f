"""Analyst pipelines and the one-file HTML report behind the ``crmlab`` command (分析报告).

An analyst runs the course's analyses on a company file: :func:`rfm_customers`,
:func:`pyramid_customers` (with :func:`pyramid_overview`) and :func:`clv_customers`
each turn a transaction table into one row per customer by calling the topic modules
(:mod:`crmlab.rfm`, :mod:`crmlab.pyramid`, :mod:`crmlab.clv`); :func:`build_report`
puts all of them, with their charts, into one self-contained HTML page and
:func:`write_report` writes it. :func:`write_table` saves a result as CSV, Parquet or
Excel, chosen by the file suffix, without ever leaving a half-written file behind.

The report has no external references: charts are PNG images embedded as ``data:``
URIs (drawn on :class:`matplotlib.figure.Figure` objects, so no pyplot state and no
display are needed), the style sheet is inline, and Chinese labels are drawn with the
CJK font bundled through :mod:`crmlab.fonts`. It prints on paper as it shows on screen.

Conventions:

* **Value** of a customer is the net revenue (sum of ``amount``, returns subtract);
  **profit** is gross profit minus cost to serve, when those columns exist.
* Concentration measures (Gini, Lorenz, top shares, ABC classes) need values >= 0:
  a customer whose returns exceed the purchases counts as 0 there (reported).
* The buy-till-you-die models (BG/NBD, Gamma-Gamma) see *purchases* only: rows with
  an amount <= 0 (returns, free orders) are left out and counted in ``attrs``.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import io
import math
import os
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.schema import require

__all__ = [
    "TABLE_SUFFIXES",
    "HTML_SUFFIXES",
    "MIN_REPEAT_BUYERS",
    "check_output",
    "write_table",
    "rfm_customers",
    "pyramid_customers",
    "pyramid_overview",
    "clv_customers",
    "build_report",
    "write_report",
]

#: Output formats of :func:`write_table`, by file suffix.
TABLE_SUFFIXES = {".csv": "CSV", ".parquet": "Parquet", ".pq": "Parquet", ".xlsx": "Excel"}
#: Suffixes :func:`write_report` accepts.
HTML_SUFFIXES = (".html", ".htm")
#: Fewest customers with a repeat purchase for :func:`clv_customers` to fit the models.
MIN_REPEAT_BUYERS = 10


# --------------------------------------------------------------------------- output files


def check_output(out, kinds=None) -> Path:
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
def _atomic(path: Path):
    """Yield a temporary path beside ``path``; move it into place only on success."""
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.tmp{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_table(table: pd.DataFrame, out) -> Path:
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
    ...     print(path.read_text().strip())
    customer_id,recency
    C1,3
    """
    path = check_output(out)
    frame = table.reset_index() if table.index.name is not None else table.copy()
    frame.attrs = {}
    kind = TABLE_SUFFIXES[path.suffix.lower()]
    with _atomic(path) as tmp:
        if kind == "CSV":
            frame.to_csv(tmp, index=False)
        elif kind == "Parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_excel(tmp, index=False)
    return path


# --------------------------------------------------------------------------- pipelines


def _read_report(transactions) -> dict | None:
    return transactions.attrs.get("report") if isinstance(transactions, pd.DataFrame) else None


def rfm_customers(
    transactions,
    *,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
    order: str | None = None,
    analysis_date=None,
    scheme: str = "rf10",
    bins: int = 5,
    ties: str = "rank-first",
    language: str | None = None,
    engine: str | None = None,
) -> pd.DataFrame:
    """Build the RFM table, scores and segment of every customer in one call.

    Parameters
    ----------
    transactions : DataFrame
        One row per order, e.g. from :func:`crmlab.read_transactions`; not modified.
    customer, date, amount, order : str
        Column names, as in :func:`crmlab.rfm.rfm_table`.
    analysis_date : date-like, optional
        Recency is measured to this day; default the day after the last date.
    scheme : {"rf10", "cn8"}, default "rf10"
        Segment scheme of :func:`crmlab.rfm.rfm_segments`; ``"rf10"`` needs ``bins=5``.
    bins : int, default 5
        Score levels (quantiles) of :func:`crmlab.rfm.rfm_scores`.
    ties : {"rank-first", "value"}, default "rank-first"
        Tie rule of the quantile scores.
    language : {"en", "zh"}, optional
        Segment names; default English for ``"rf10"``, Chinese for ``"cn8"``.
    engine : {None, "pandas", "duckdb", "spark"}, optional
        Where :func:`crmlab.rfm.rfm_table` computes; same result on every engine.

    Returns
    -------
    DataFrame
        Indexed by customer: ``recency``, ``frequency``, ``monetary``, ``r_score``,
        ``f_score``, ``m_score``, ``rfm_sum``, ``rfm_code``, ``segment``. ``attrs``
        keeps those of :func:`crmlab.rfm.rfm_table` (analysis date, returns, dropped).

    Raises
    ------
    CRMDataError
        As the rfm functions, and if ``scheme="rf10"`` with ``bins`` other than 5
        (raised before any work).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "c"],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-01-10",
    ...                                                  "2024-01-05", "2024-01-09"]),
    ...                    "amount": [100.0, 50.0, 80.0, 20.0]})
    >>> rfm_customers(tx, scheme="cn8")[["recency", "frequency", "monetary", "segment"]]
                 recency  frequency  monetary segment
    customer_id
    a                  1          2     150.0    重要价值
    b                  6          1      80.0    一般挽留
    c                  2          1      20.0    一般发展
    """
    from crmlab import rfm

    if scheme == "rf10" and bins != 5:
        raise CRMDataError(
            f"rfm_customers: scheme='rf10' names segments on the 5 x 5 grid of R and F "
            f"scores, so it needs bins=5 (got bins={bins}). Use bins=5, or scheme='cn8' "
            f"(the eight value segments split at the means)."
        )
    table = rfm.rfm_table(transactions, customer=customer, date=date, amount=amount,
                          order=order, analysis_date=analysis_date, engine=engine)
    scored = rfm.rfm_scores(table, bins=bins, ties=ties)
    lang = language or ("zh" if scheme == "cn8" else "en")
    out = rfm.rfm_segments(scored, scheme=scheme, language=lang)
    out.attrs = {**table.attrs, **out.attrs, "scheme": scheme}
    return out


def pyramid_customers(
    transactions,
    *,
    customer: str = "customer_id",
    amount: str = "amount",
    gross_profit: str | None = "gross_profit",
    cost: str | None = "cost_to_serve",
    scheme: str = "su",
    language: str | None = None,
    a: float = 0.8,
    b: float = 0.95,
    engine: str | None = None,
) -> pd.DataFrame:
    """Compute each customer's value, profit, pyramid tier and ABC class.

    Parameters
    ----------
    transactions : DataFrame
        One row per order; not modified.
    customer, amount : str
        Customer id and amount columns.
    gross_profit, cost : str or None, default "gross_profit", "cost_to_serve"
        Profit columns; profit = gross profit - cost to serve. When either column is
        absent (or None), there is no ``profit`` column.
    scheme : {"su", "curry", "zeithaml"}, default "su"
        Pyramid of :func:`crmlab.pyramid.pyramid_tiers`; ``"su"`` and ``"curry"``
        rank by value, ``"zeithaml"`` by profit (it needs the profit columns).
    language : {"zh", "en"}, optional
        Tier names; the scheme's default language when None.
    a, b : float, default 0.8 and 0.95
        ABC thresholds of :func:`crmlab.pyramid.abc_classes`.
    engine : {None, "pandas", "duckdb", "spark"}, optional
        Where :func:`crmlab.pyramid.customer_values` aggregates.

    Returns
    -------
    DataFrame
        Indexed by customer, sorted by value (largest first, ties by id): ``value``
        (net revenue), ``profit`` (if available), ``tier`` and ``abc_class``
        (ordered categoricals). ``attrs``: ``scheme``, ``negative_values`` (customers
        with value < 0, counted as 0 for ABC) and ``has_profit``.

    Raises
    ------
    CRMDataError
        If a column is missing, the total value is not positive, or
        ``scheme="zeithaml"`` without profit columns.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b", "b", "c"],
    ...                    "amount": [900.0, 60.0, 40.0, 5.0]})
    >>> pyramid_customers(tx, scheme="curry")
                 value   tier abc_class
    customer_id
    a            900.0    top         B
    b            100.0  small         C
    c              5.0  small         C
    """
    from crmlab import pyramid

    caller = "pyramid_customers"
    present = set(transactions.columns) if isinstance(transactions, pd.DataFrame) else set()
    has_profit = gross_profit is not None and cost is not None and {gross_profit, cost} <= present
    if scheme == "zeithaml" and not has_profit:
        raise CRMDataError(
            f"{caller}: scheme='zeithaml' ranks customers by profit, but the table has no "
            f"columns {gross_profit!r} and {cost!r} (columns present: "
            f"{', '.join(map(str, transactions.columns))}). Name them with gross_profit= "
            f"and cost=, or use scheme='su' or 'curry' (ranked by revenue)."
        )
    value = pyramid.customer_values(transactions, customer=customer, value=amount,
                                    engine=engine)
    out = pd.DataFrame({"value": value})
    if has_profit:
        profit = pyramid.customer_values(transactions, customer=customer, value=gross_profit,
                                         cost=cost, engine=engine)
        out["profit"] = profit.reindex(out.index)
    ranked = out["profit"] if scheme == "zeithaml" else out["value"]
    out["tier"] = pyramid.pyramid_tiers(ranked, scheme, language=language)
    out["abc_class"] = pyramid.abc_classes(out["value"].clip(lower=0), a, b)
    out = out.sort_index().sort_values("value", ascending=False, kind="stable")
    out.index.name = customer
    out.attrs = {"scheme": scheme, "has_profit": bool(has_profit),
                 "negative_values": int((out["value"] < 0).sum())}
    return out


def pyramid_overview(table: pd.DataFrame) -> dict:
    """Summarise a :func:`pyramid_customers` table: concentration, tiers, ABC, profit.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`pyramid_customers`.

    Returns
    -------
    dict
        ``customers``; ``concentration`` (Series from
        :func:`crmlab.pyramid.concentration_summary` of the values clipped at 0:
        gini, top 1/10/20 % shares, tail share); ``tiers`` and ``abc`` (tables from
        :func:`crmlab.pyramid.tier_summary`); with profit also ``losing_customers``,
        ``loss`` and ``total_profit``; ``notes`` (list of str).

    Raises
    ------
    CRMDataError
        If the total value is not positive.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": list("abcd"), "amount": [70.0, 15, 10, 5]})
    >>> ov = pyramid_overview(pyramid_customers(tx))
    >>> round(float(ov["concentration"]["gini"]), 3), ov["tiers"]["customers"].tolist()
    (0.5, [1, 0, 1, 2])
    """
    from crmlab import pyramid

    caller = "pyramid_overview"
    data = require(table, {"value": "number", "tier": "any", "abc_class": "any"}, caller=caller)
    clipped = data["value"].clip(lower=0)
    notes = []
    if (data["value"] < 0).any():
        notes.append(f"{int((data['value'] < 0).sum())} customers returned more than they "
                     f"bought (net value < 0); they count as 0 for Gini, shares and ABC.")
    out = {
        "customers": len(data),
        "concentration": pyramid.concentration_summary(clipped),
        "tiers": pyramid.tier_summary(data["value"], data["tier"]),
        "abc": pyramid.tier_summary(clipped, data["abc_class"]),
        "notes": notes,
    }
    if "profit" in table.columns:
        profit = table["profit"]
        out["total_profit"] = float(profit.sum())
        out["losing_customers"] = int((profit < 0).sum())
        out["loss"] = float(profit[profit < 0].sum())
    return out


def _per_year(rate: float, unit: str) -> float:
    return (1 + rate) ** (1 / (365 if unit == "D" else 52)) - 1


def clv_customers(
    transactions,
    *,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
    observation_end=None,
    unit: str = "W",
    horizon: float | None = None,
    discount: float | None = None,
    margin: float = 1.0,
    engine: str | None = None,
) -> pd.DataFrame:
    """Fit BG/NBD and Gamma-Gamma on a transaction log and compute each customer's CLV.

    Parameters
    ----------
    transactions : DataFrame
        One row per order; not modified. Rows with ``amount <= 0`` (returns, free
        orders) are not purchases and are left out (counted in ``attrs``).
    customer, date, amount : str
        Column names.
    observation_end : date-like, optional
        End of the calibration (observation) window; later purchases are ignored.
        Default: the last date in the data.
    unit : {"W", "D"}, default "W"
        Time unit of recency, T, the horizon and the discount rate (purchases are
        merged per day either way; weeks = days / 7, as Fader & Hardie do).
    horizon : float, optional
        CLV horizon in periods of ``unit``; default one year (52 weeks or 365 days).
    discount : float, optional
        Discount rate per period of ``unit``, a decimal; default 10 % a year
        converted to the unit (``1.1 ** (1 / 52) - 1`` per week).
    margin : float, default 1.0
        Share of spend that is profit, in (0, 1]; 1 gives revenue.
    engine : {None, "pandas", "duckdb", "spark"}, optional
        Where :func:`crmlab.clv.summary_from_transactions` computes.

    Returns
    -------
    DataFrame
        Indexed by customer: ``frequency``, ``recency``, ``T``, ``monetary_value``
        (the Fader-Hardie summary), ``expected_purchases`` (over the horizon),
        ``probability_alive``, ``expected_average_spend`` and ``clv``. ``attrs``:
        ``bgnbd`` and ``gammagamma`` (parameter dicts), ``log_likelihood``,
        ``repeat_buyers``, ``observation_end``, ``unit``, ``horizon``, ``discount``,
        ``margin`` and ``dropped`` (reason -> rows or customers).

    Raises
    ------
    CRMDataError
        If a column is missing or invalid, no purchase is left, fewer than
        :data:`MIN_REPEAT_BUYERS` customers bought again in the window (the models
        cannot be fitted), a rate is out of range, or the optimiser fails.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b"], "amount": [10.0, 5.0],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-01-02"])})
    >>> clv_customers(tx)
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: clv_customers: only 0 of 2 customers bought again ...
    """
    from crmlab import clv

    caller = "clv_customers"
    if unit not in ("D", "W"):
        raise CRMDataError(f"{caller}: unit must be 'D' (days) or 'W' (weeks), got {unit!r}.")
    df = require(transactions, {customer: "id", date: "datetime", amount: "number"},
                 caller=caller, params={customer: "customer", date: "date", amount: "amount"})
    not_purchase = df[amount] <= 0
    dropped = {"rows with amount <= 0 (returns, free orders)": int(not_purchase.sum())}
    buys = df.loc[~not_purchase]
    if buys.empty:
        raise CRMDataError(f"{caller}: no purchases (rows with {amount!r} > 0) in the table.")
    summary = clv.summary_from_transactions(buys, customer=customer, date=date, amount=amount,
                                            observation_end=observation_end, freq="D",
                                            unit=unit, engine=engine)
    dropped.update(summary.attrs.get("dropped", {}))
    repeat = int((summary["frequency"] > 0).sum())
    if repeat < MIN_REPEAT_BUYERS:
        raise CRMDataError(
            f"{caller}: only {repeat} of {len(summary)} customers bought again in the "
            f"observation window (up to {summary.attrs['observation_end']:%Y-%m-%d}); the "
            f"BG/NBD and Gamma-Gamma models learn from repeat purchases and need at least "
            f"{MIN_REPEAT_BUYERS} repeat buyers. Use a longer window (a later "
            f"observation_end) or more customers."
        )
    horizon = (52 if unit == "W" else 365) if horizon is None else horizon
    discount = _per_year(0.10, unit) if discount is None else discount
    bg = clv.BetaGeo().fit(summary)
    gg = clv.GammaGamma().fit(summary)
    values = clv.clv_table(bg, gg, summary, horizon=horizon, discount=discount,
                           margin_rate=margin)
    out = summary.join(values)
    out.attrs = {
        "bgnbd": dict(bg.params_), "gammagamma": dict(gg.params_),
        "log_likelihood": {"bgnbd": bg.log_likelihood_, "gammagamma": gg.log_likelihood_},
        "spend_frequency_correlation": gg.spend_frequency_correlation_,
        "repeat_buyers": repeat, "observation_end": summary.attrs["observation_end"],
        "unit": unit, "horizon": float(horizon), "discount": float(discount),
        "margin": float(margin), "dropped": dropped,
    }
    return out


# --------------------------------------------------------------------------- the HTML report

_CSS = """
body { font-family: "crmlab CJK", "DejaVu Sans", "Segoe UI", Arial, sans-serif;
       color: #222; max-width: 62rem; margin: 1.5rem auto; padding: 0 1rem;
       line-height: 1.45; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #4c72b0; padding-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .25rem .55rem; text-align: right; }
th { background: #eef2f8; }
td:first-child, th:first-child { text-align: left; }
figure { margin: .5rem 0 1rem; }
figure img { max-width: 100%; height: auto; }
figcaption, .muted { color: #555; font-size: .88rem; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: .5rem .8rem; }
.row { display: flex; flex-wrap: wrap; gap: 1rem; }
.row figure { flex: 1 1 24rem; }
nav ol { columns: 2; }
@media print { body { max-width: none; margin: 0; } h2 { break-before: auto; }
               figure, table { break-inside: avoid; } nav { display: none; } }
"""

_SECTIONS = {
    "overview": "Data overview and quality (数据概览与数据质量)",
    "rfm": "RFM segments (RFM客户细分)",
    "pyramid": "Customer pyramid (客户金字塔)",
    "concentration": "Lorenz and whale curves (洛伦兹曲线与鲸鱼曲线)",
    "key-accounts": "Key accounts (关键客户)",
    "clv": "Customer lifetime value (客户终身价值, CLV)",
}


def _esc(x) -> str:
    return html.escape(str(x))


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96)  # constrained layout: no second "tight" pass
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(draw, caption: str, size=(7.0, 4.2)) -> str:
    from matplotlib.figure import Figure

    from crmlab.fonts import use_chinese_font

    use_chinese_font()
    fig = Figure(figsize=size, layout="constrained")
    draw(fig.add_subplot())
    return (f'<figure><img alt="{_esc(caption)}" src="{_png(fig)}">'
            f"<figcaption>{_esc(caption)}</figcaption></figure>")


def _num(x, digits=2) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    if isinstance(x, (int, np.integer)):
        return f"{int(x):,}"
    return f"{float(x):,.{digits}f}"


def _pct(x) -> str:
    return "–" if x is None or not math.isfinite(float(x)) else f"{float(x):.1%}"


def _table(frame: pd.DataFrame, formats: dict | None = None, index: bool = True) -> str:
    formats = formats or {}
    shown = frame.reset_index() if index else frame.copy()
    for col in shown.columns:
        fmt = formats.get(col)
        if fmt == "pct":
            shown[col] = shown[col].map(_pct)
        elif fmt is not None:
            shown[col] = shown[col].map(lambda v, f=fmt: _num(v, f))
        elif pd.api.types.is_integer_dtype(shown[col]):
            shown[col] = shown[col].map(_num)
        elif pd.api.types.is_float_dtype(shown[col]):
            shown[col] = shown[col].map(_num)
    shown = shown.astype(str)
    return shown.to_html(index=False, border=0, escape=True)


def _pairs(rows) -> str:
    body = "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _font_face(text: str) -> str:
    """An @font-face rule embedding the bundled CJK font, cut down to the glyphs used.

    Browsers then draw the Chinese terms with it on machines without a CJK font, and
    the page stays self-contained (a ``data:`` URI, a few dozen kB).
    """
    chars = "".join(sorted({c for c in text if ord(c) > 0x2E7F}))
    return _cjk_font_face(chars) if chars else ""


@functools.lru_cache(maxsize=8)
def _cjk_font_face(chars: str) -> str:
    from importlib.resources import files

    from fontTools import subset

    opts = subset.Options()
    opts.flavor, opts.layout_features, opts.hinting = "woff", [], False
    source = files("mplfonts").joinpath("fonts", "NotoSansCJKsc-Regular.otf")
    font = subset.load_font(str(source), opts, lazy=True)
    cutter = subset.Subsetter(opts)
    cutter.populate(text=chars)
    cutter.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, opts)
    font.close()
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return ('@font-face { font-family: "crmlab CJK"; '
            f'src: url(data:font/woff;base64,{data}) format("woff"); '
            f"unicode-range: U+2E80-FFFF; font-display: block; }}\n")


def _note(text: str) -> str:
    return f'<p class="note">{_esc(text)}</p>'


class _Steps:
    """A tqdm bar over named steps, on stderr; silent when ``progress`` is False."""

    def __init__(self, names, progress: bool, desc: str):
        from tqdm.auto import tqdm

        self.bar = tqdm(total=len(names), desc=desc, disable=not progress, unit="step",
                        leave=False)

    def __call__(self, name: str) -> None:
        self.bar.set_postfix_str(name, refresh=True)

    def done(self) -> None:
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def _section_overview(tx, rep, cols) -> str:
    amount, customer, date = cols["amount"], cols["customer"], cols["date"]
    returns = tx[amount] < 0
    orders = tx[cols["order"]].nunique() if cols["order"] in tx.columns else len(tx)
    rows = [
        ("source (来源)", rep["source"] if rep else "a DataFrame"),
        ("rows read (读入行数)", _num(rep["rows_in"]) if rep else _num(len(tx))),
        ("rows used (使用行数)", _num(len(tx))),
        ("customers (客户数)", _num(tx[customer].nunique())),
        ("orders (订单数)", _num(orders)),
        ("date range (日期范围)",
         f"{tx[date].min():%Y-%m-%d} to {tx[date].max():%Y-%m-%d}"),
        ("net revenue (净销售额)", _num(float(tx[amount].sum()))),
        ("returns (退货)", f"{_num(int(returns.sum()))} rows, "
                           f"{_num(float(tx.loc[returns, amount].sum()))}"),
    ]
    parts = [_pairs(rows), "<h3>Data quality (数据质量)</h3>"]
    if rep is None:
        parts.append("<p>The table was passed in memory without a read report.</p>")
        return "".join(parts)
    dropped = rep.get("dropped", {})
    if dropped:
        d = pd.DataFrame({"rows dropped": pd.Series(dropped, dtype="int64")})
        d.index.name = "reason (原因)"
        parts.append(f"<p>{_num(sum(dropped.values()))} of {_num(rep['rows_in'])} rows were "
                     f"dropped (删除), each for the first reason that applies:</p>")
        parts.append(_table(d))
    else:
        parts.append(f"<p>No row was dropped: all {_num(rep['rows_in'])} rows were used.</p>")
    for title, key in (("Cleaned (kept, values repaired; 已清洗)", "cleaned"),
                       ("Flagged (kept, worth a look; 已标记)", "flagged")):
        if rep.get(key):
            d = pd.DataFrame({"rows": pd.Series(rep[key], dtype="int64")})
            d.index.name = "what"
            parts.append(f"<p>{_esc(title)}:</p>{_table(d)}")
    if rep.get("notes"):
        parts.append("<ul>" + "".join(f"<li>{_esc(n)}</li>" for n in rep["notes"]) + "</ul>")
    return "".join(parts)


def _section_rfm(seg) -> str:
    from crmlab import plots, rfm

    summary = rfm.segment_summary(seg)
    english = {zh: en for zh, en in rfm.CN8_SEGMENTS.values()}
    summary.index = pd.Index([f"{s} ({english.get(s, '')})" for s in summary.index],
                             name="segment (客户细分)")
    table = _table(summary, {"customer_share": "pct", "value_share": "pct",
                             "mean_recency": 1, "mean_frequency": 2, "mean_value": 2,
                             "value": 2})
    when = seg.attrs["analysis_date"]
    means = seg.attrs["means"]
    text = (f"<p>Recency (最近一次消费) is counted in days up to {when:%Y-%m-%d}, frequency "
            f"(消费频率) in orders and monetary (消费金额) as net spend. The textbook's eight "
            f"value segments split R, F and M at their means (recency {means['recency']:.1f} "
            f"days, frequency {means['frequency']:.2f} orders, monetary "
            f"{means['monetary']:,.2f}): recent = recency at or below the mean, high F and "
            f"M = at or above it.</p>")
    chart = _figure(lambda ax: plots.segment_chart(seg, ax=ax),
                    "Share of customers and of net spend per segment (客户细分占比)",
                    size=(7.0, 4.0))
    heat = _figure(lambda ax: plots.rfm_heatmap(seg, ax=ax),
                   "Mean net spend per R score x F score cell, quintile scores (RFM热力图)",
                   size=(6.5, 4.6))
    return text + table + f'<div class="row">{chart}{heat}</div>'


def _section_pyramid(table, ov) -> str:
    from crmlab import plots

    tiers = _table(ov["tiers"], {"customer_share": "pct", "value_share": "pct", "value": 2,
                                 "mean_value": 2})
    abc = _table(ov["abc"], {"customer_share": "pct", "value_share": "pct", "value": 2,
                             "mean_value": 2})
    chart = _figure(lambda ax: plots.pyramid_chart(table["tier"], table["value"], ax=ax,
                                                   value_label="revenue"),
                    "Customer pyramid by net revenue, 苏朝晖 tiers 1% / 19% / 30% / 50%",
                    size=(6.5, 3.8))
    notes = "".join(_note(n) for n in ov["notes"])
    return ("<p>Customers ranked by net revenue (净销售额), largest first: the top 1% are "
            "重要客户 (vip), the next 19% 次要客户 (major), the next 30% 普通客户 (ordinary) "
            "and the rest 小客户 (small).</p>" + tiers + chart +
            "<h3>ABC classes (ABC分类)</h3><p>A: customers making up the first 80% of "
            "revenue, B: the next 15%, C: the rest.</p>" + abc + notes)


def _section_concentration(table, ov) -> str:
    from crmlab import plots, pyramid

    c = ov["concentration"]
    rows = [("Gini coefficient (基尼系数)", f"{c['gini']:.3f}"),
            ("top 1% of customers hold", _pct(c["top_1pct"])),
            ("top 10% hold", _pct(c["top_10pct"])),
            ("top 20% hold (二八法则)", _pct(c["top_20pct"])),
            ("the other 80% (long tail, 长尾) hold", _pct(c["tail_share"]))]
    lorenz = _figure(lambda ax: plots.lorenz(table["value"].clip(lower=0), ax=ax),
                     "Lorenz curve of net revenue (洛伦兹曲线)", size=(5.0, 5.0))
    if "profit" not in table.columns:
        return (_pairs(rows) + f'<div class="row">{lorenz}</div>' +
                _note("No profit columns (gross profit, cost to serve): the whale curve and "
                      "loss-making customers are not shown."))
    rows += [("total profit (总利润)", _num(ov["total_profit"])),
             ("loss-making customers (亏损客户)",
              f"{_num(ov['losing_customers'])} of {_num(ov['customers'])} "
              f"({ov['losing_customers'] / ov['customers']:.1%}), together "
              f"{_num(ov['loss'])}")]
    try:
        curve = pyramid.whale_curve(table["profit"])
    except CRMDataError as err:
        return _pairs(rows) + f'<div class="row">{lorenz}</div>' + _note(str(err))
    rows.append(("whale curve peak (鲸鱼曲线峰值)",
                 f"the top {_pct(curve.attrs['peak_share'])} of customers earn "
                 f"{_pct(curve.attrs['peak_height'])} of total profit"))
    whale = _figure(lambda ax: plots.whale(table["profit"], ax=ax),
                    "Whale curve of profit = gross profit - cost to serve (鲸鱼曲线)",
                    size=(5.6, 5.0))
    return _pairs(rows) + f'<div class="row">{lorenz}{whale}</div>'


def _section_key_accounts(table, seg) -> str:
    from crmlab import key_accounts

    top_tiers = list(table["tier"].cat.categories[:2])
    is_key = table["tier"].isin(top_tiers)
    parts = [f"<p>Key accounts (关键客户) are the top two tiers of the pyramid, "
             f"{' and '.join(map(_esc, top_tiers))}: {_num(int(is_key.sum()))} customers.</p>"]
    if "profit" in table.columns:
        flagged = pd.DataFrame({"revenue": table["value"], "profit": table["profit"],
                                "key_account": is_key})
        summary = key_accounts.key_account_summary(flagged)
        summary = summary.rename(index={"total": "total (合计)"})
        summary.index.name = "group"
        parts.append(_table(summary, {"revenue": 2, "profit": 2, "account_share": "pct",
                                      "revenue_share": "pct", "profit_share": "pct"}))
    cols = [c for c in ("value", "profit", "tier", "abc_class") if c in table.columns]
    top = table[cols].head(15).copy()
    top.insert(1, "orders", seg["frequency"].reindex(top.index))
    top["segment"] = seg["segment"].reindex(top.index).astype(str)
    parts.append("<h3>Top 15 customers by net revenue (价值最高的客户)</h3>")
    parts.append(_table(top, {"value": 2, "profit": 2}))
    if "profit" in table.columns:
        worst = table.nsmallest(10, "profit")[cols].copy()
        worst.insert(1, "orders", seg["frequency"].reindex(worst.index))
        parts.append("<h3>The 10 most loss-making customers (亏损最多的客户)</h3>")
        parts.append(_table(worst, {"value": 2, "profit": 2}))
    return "".join(parts)


def _section_clv(tx, cols) -> str:
    from crmlab import plots

    try:
        values = clv_customers(tx, customer=cols["customer"], date=cols["date"],
                               amount=cols["amount"],
                               observation_end=cols.get("observation_end"))
    except CRMDataError as err:
        return _note(f"The CLV models could not be fitted on this data: {err}")
    at = values.attrs
    bg, gg = at["bgnbd"], at["gammagamma"]
    params = pd.DataFrame({
        "model": ["BG/NBD"] * 4 + ["Gamma-Gamma"] * 3,
        "parameter": ["r", "alpha", "a", "b", "p", "q", "gamma"],
        "estimate": [bg["r"], bg["alpha"], bg["a"], bg["b"], gg["p"], gg["q"], gg["gamma"]],
    })
    q = values["clv"].quantile([0.1, 0.25, 0.5, 0.75, 0.9])
    rows = [
        ("observation window ends (观察期末)", f"{at['observation_end']:%Y-%m-%d}"),
        ("customers / repeat buyers (回头客)",
         f"{_num(len(values))} / {_num(at['repeat_buyers'])}"),
        ("horizon (预测期)", f"{at['horizon']:g} weeks"),
        ("discount rate per week (折现率)", f"{at['discount']:.5f} (10% a year)"),
        ("expected purchases, all customers (预期购买次数)",
         _num(float(values["expected_purchases"].sum()), 0)),
        ("expected purchases per customer", _num(float(values["expected_purchases"].mean()))),
        ("mean P(alive) (存活概率)", f"{values['probability_alive'].mean():.3f}"),
        ("total CLV (总终身价值)", _num(float(values["clv"].sum()))),
        ("mean / median CLV", f"{_num(float(values['clv'].mean()))} / {_num(float(q[0.5]))}"),
        ("CLV percentiles 10 / 25 / 75 / 90",
         " / ".join(_num(float(q[k])) for k in (0.1, 0.25, 0.75, 0.9))),
    ]
    dropped = {k: v for k, v in at["dropped"].items() if v}
    note = ("".join(_note(f"Left out of the CLV models: {v:,} {k}.") for k, v in dropped.items())
            if dropped else "")
    chart = _figure(lambda ax: plots.clv_distribution(values, ax=ax, bins=50),
                    "Distribution of CLV over the next year (客户终身价值分布)", size=(7, 3.8))
    top = values.nlargest(10, "clv")[["frequency", "recency", "T", "monetary_value",
                                      "expected_purchases", "probability_alive", "clv"]]
    return ("<p>The Fader–Hardie summary counts <em>repeat</em> purchase days (frequency), "
            "the age at the last purchase (recency) and the age at the end of the window "
            "(T), in weeks. BG/NBD predicts purchases, Gamma-Gamma the spend per purchase; "
            "CLV is their discounted product over the horizon (revenue, margin 1).</p>"
            + _table(params, {"estimate": 4}, index=False) + _pairs(rows) + note + chart
            + "<h3>Top 10 customers by CLV</h3>"
            + _table(top, {"frequency": 0, "recency": 1, "T": 1, "monetary_value": 2,
                           "expected_purchases": 2, "probability_alive": 3, "clv": 2}))


def build_report(
    transactions: pd.DataFrame,
    *,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
    order: str | None = None,
    gross_profit: str = "gross_profit",
    cost: str = "cost_to_serve",
    analysis_date=None,
    observation_end=None,
    title: str = "Customer analytics report (客户分析报告)",
    progress: bool = False,
) -> str:
    """Build a self-contained HTML report of a transaction table.

    Sections: data overview and quality, RFM segments, customer pyramid, Lorenz and
    whale curves, key accounts and CLV (each with tables and embedded charts).

    Parameters
    ----------
    transactions : DataFrame
        The transactions. A table from :func:`crmlab.read_transactions` (it carries
        ``attrs["report"]``) is taken as read, with canonical column names; any other
        DataFrame is read through it first with the column names given.
    customer, date, amount, order : str
        Column names of a raw DataFrame (``order`` optional, as in
        :func:`crmlab.read_transactions`).
    gross_profit, cost : str, default "gross_profit", "cost_to_serve"
        Profit columns; without them the profit parts say so.
    analysis_date : date-like, optional
        RFM analysis date; default the day after the last date.
    observation_end : date-like, optional
        End of the CLV observation window; default the last date.
    title : str
        Page title.
    progress : bool, default False
        Show a progress bar over the steps (tqdm, on stderr).

    Returns
    -------
    str
        The HTML document (UTF-8 text). Charts are ``data:image/png`` URIs and the
        style sheet is inline: the page references no other file or URL.

    Raises
    ------
    CRMDataError
        If the table cannot be read as transactions (see
        :func:`crmlab.read_transactions`) or the total revenue is not positive. A
        CLV fit that fails is reported in its section instead.

    Examples
    --------
    >>> import crmlab
    >>> tx = crmlab.load_data("retail_transactions").head(400)
    >>> page = build_report(tx, order="order_id")
    >>> page.startswith("<!DOCTYPE html>"), "https://" in page, page.count("<img")
    (True, False, 6)
    """
    from crmlab.schema import read_transactions

    steps = _Steps(list(_SECTIONS) + ["html"], progress, desc="crmlab report")
    try:
        rep = _read_report(transactions)
        if rep is None:
            transactions = read_transactions(transactions, customer=customer, date=date,
                                             amount=amount, order=order, warn=False)
            rep = transactions.attrs["report"]
        tx = transactions
        cols = {"customer": "customer_id", "date": "order_date", "amount": "amount",
                "order": "order_id",
                "order_col": "order_id" if "order_id" in tx.columns else None,
                "analysis_date": analysis_date, "observation_end": observation_end}
        body = {}
        steps("overview")
        body["overview"] = _section_overview(tx, rep, cols)
        steps.done()
        steps("rfm")
        seg = rfm_customers(tx, order=cols["order_col"], analysis_date=analysis_date,
                            scheme="cn8")
        body["rfm"] = _section_rfm(seg)
        steps.done()
        steps("pyramid")
        table = pyramid_customers(tx, gross_profit=gross_profit, cost=cost)
        ov = pyramid_overview(table)
        body["pyramid"] = _section_pyramid(table, ov)
        steps.done()
        steps("concentration")
        body["concentration"] = _section_concentration(table, ov)
        steps.done()
        steps("key accounts")
        body["key-accounts"] = _section_key_accounts(table, seg)
        steps.done()
        steps("clv")
        body["clv"] = _section_clv(tx, cols)
        steps.done()
        steps("html")
        toc = "".join(f'<li><a href="#{k}">{_esc(v)}</a></li>' for k, v in _SECTIONS.items())
        sections = "".join(f'<section id="{k}"><h2>{_esc(_SECTIONS[k])}</h2>{body[k]}</section>'
                           for k in _SECTIONS)
        body_html = (
            f"<h1>{_esc(title)}</h1>\n"
            f'<p class="muted">Source: {_esc(rep["source"])} · made with crmlab</p>\n'
            f"<nav><ol>{toc}</ol></nav>\n{sections}\n"
        )
        style = _font_face(title + body_html) + _CSS
        page = (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_esc(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n"
            f"{body_html}</body>\n</html>\n"
        )
        steps.done()
    finally:
        steps.close()
    return page


def write_report(path_or_df, out, *, customer: str = "customer_id", date: str = "order_date",
                 amount: str = "amount", order: str | None = None,
                 gross_profit: str = "gross_profit", cost: str = "cost_to_serve",
                 analysis_date=None, observation_end=None, progress: bool = False,
                 **read_kwargs) -> Path:
    """Read transactions and write the HTML report of :func:`build_report` to a file.

    Parameters
    ----------
    path_or_df : str, Path or DataFrame
        A CSV, Excel or Parquet file, or a DataFrame, read with
        :func:`crmlab.read_transactions` (unless it already carries its report).
    out : str or Path
        The ``.html`` file to write. It is written to a temporary file in the same
        folder and moved into place at the end: a failure leaves no partial file.
    customer, date, amount, order, gross_profit, cost, analysis_date, observation_end
        As in :func:`build_report`.
    progress : bool, default False
        Show a progress bar (tqdm, on stderr).
    **read_kwargs
        Passed to :func:`crmlab.read_transactions` (``sheet``, ``encoding``, ...).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    CRMDataError
        If ``out`` does not end in ``.html`` (checked before any work), or as
        :func:`build_report`.

    Examples
    --------
    >>> write_report("sales.csv", "report.pdf")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: output file 'report.pdf': cannot write '.pdf' files; ...
    """
    from crmlab.schema import read_transactions

    path = check_output(out, HTML_SUFFIXES)
    tx = path_or_df
    if _read_report(tx) is None:
        tx = read_transactions(path_or_df, customer=customer, date=date, amount=amount,
                               order=order, warn=False, **read_kwargs)
    page = build_report(tx, gross_profit=gross_profit, cost=cost, analysis_date=analysis_date,
                        observation_end=observation_end, progress=progress)
    with _atomic(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return path
