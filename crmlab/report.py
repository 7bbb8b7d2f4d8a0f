"""The one-file HTML report behind ``crmlab report`` (分析报告): rendering only.

:func:`build_report` takes the results of :func:`crmlab.pipelines.analyse` (RFM
segments, the customer pyramid, concentration, key accounts, cohort retention and CLV,
from one validated table) and renders them, with their charts, into one self-contained HTML
page; :func:`write_report` writes it atomically. The analyses and their domain rules
live in the topic modules and :mod:`crmlab.pipelines`; this module only lays them out.

The page has no external references: charts are PNG images embedded as ``data:`` URIs
(drawn on :class:`matplotlib.figure.Figure` objects, so no pyplot state and no display
are needed), the style sheet is inline, and Chinese labels are drawn with the CJK font
bundled through :mod:`crmlab.fonts`. It prints on paper as it shows on screen.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.io.writer import HTML_SUFFIXES, check_output, write_text
from crmlab.pipelines import Analysis, Progress, analyse

if TYPE_CHECKING:
    from crmlab._typing import DateLike, PathLike

__all__ = ["SECTIONS", "WORDS", "build_report", "render_report", "write_report"]


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

#: The report's sections: anchor -> title.
SECTIONS = {
    "overview": "Data overview and quality (数据概览与数据质量)",
    "rfm": "RFM segments (RFM客户细分)",
    "pyramid": "Customer pyramid (客户金字塔)",
    "concentration": "Lorenz and whale curves (洛伦兹曲线与鲸鱼曲线)",
    "key-accounts": "Key accounts (关键客户)",
    "cohorts": "Cohort retention (同期群客户保持率)",
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

    from crmlab.fonts import chinese_font
    from crmlab.language import using

    # every crmlab.plots function gives its texts the CJK font itself; the report is
    # English (with Chinese terms), whatever crmlab.set_language chose for the notebook
    with chinese_font(), using("en"):
        fig = Figure(figsize=size, layout="constrained")
        draw(fig.add_subplot())
        for ax in fig.axes:
            _plain_numbers(ax)
        src = _png(fig)
    return (f'<figure><img alt="{_esc(caption)}" src="{src}">'
            f"<figcaption>{_esc(caption)}</figcaption></figure>")


def _plain_numbers(ax) -> None:
    """Tick labels as plain numbers with thousands separators: never 1e6 or an offset."""
    from matplotlib.ticker import FuncFormatter, ScalarFormatter

    for axis in (ax.xaxis, ax.yaxis):
        if not isinstance(axis.get_major_formatter(), ScalarFormatter):
            continue
        low, high = axis.get_view_interval()
        if max(abs(low), abs(high)) >= 10_000:
            axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        else:
            axis.get_major_formatter().set_scientific(False)
            axis.get_major_formatter().set_useOffset(False)


def _num(x, digits=2) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    if isinstance(x, (int, np.integer)):
        return f"{int(x):,}"
    return f"{float(x):,.{digits}f}"


def _pct(x) -> str:
    return "–" if x is None or not math.isfinite(float(x)) else f"{float(x):.1%}"


#: Column headers in words, English and Chinese, for the tables of the report.
WORDS = {
    "customers": "customers (客户数)", "accounts": "customers (客户数)",
    "customer_share": "share of customers (客户占比)",
    "account_share": "share of customers (客户占比)",
    "value": "net revenue (净销售额)", "revenue": "net revenue (净销售额)",
    "value_share": "share of revenue (销售额占比)",
    "revenue_share": "share of revenue (销售额占比)",
    "mean_value": "revenue per customer (人均销售额)",
    "mean_recency": "days since last purchase, mean (平均距上次购买天数)",
    "mean_frequency": "orders per customer, mean (人均订单数)",
    "profit": "profit (利润)", "profit_share": "share of profit (利润占比)",
    "orders": "orders (订单数)", "tier": "pyramid tier (金字塔层级)",
    "abc_class": "ABC class (ABC分类)", "segment": "RFM segment (RFM细分)",
    "action": "recommended action (建议行动)",
    "frequency": "repeat purchases (重复购买次数)",
    "recency": "weeks from first to last purchase (首末购买间隔周数)",
    "T": "weeks since first purchase (首购至今周数)",
    "monetary_value": "spend per repeat purchase (每次重复购买金额)",
    "expected_purchases": "expected purchases next year (预期购买次数)",
    "probability_alive": "probability still a customer (仍活跃概率)",
    "clv": "CLV, next year (客户终身价值)",
    "model": "model (模型)", "parameter": "parameter (参数)", "estimate": "estimate (估计值)",
    "rows dropped": "rows left out (删除行数)", "rows": "rows (行数)",
    "customer_id": "customer (客户)", "group": "group (组别)", "what": "what (内容)",
    "clv_band": "customers by CLV (按终身价值分组)", "clv_total": "CLV in all (终身价值合计)",
    "clv_share": "share of all CLV (终身价值占比)",
}


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
    shown.columns = [WORDS.get(str(c), str(c)) for c in shown.columns]
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


@functools.cache
def _small_font_covers() -> frozenset:
    """The characters of the pre-cut report font (tools/build_report_font.py)."""
    from fontTools.ttLib import TTFont

    with TTFont(str(_SMALL_FONT), lazy=True) as font:
        return frozenset(font.getBestCmap())


_SMALL_FONT = Path(__file__).parent / "_fontdata" / "crmlab-cjk.otf"


@functools.lru_cache(maxsize=8)
def _cjk_font_face(chars: str) -> str:
    from importlib.resources import files

    from fontTools import subset

    opts = subset.Options()
    opts.flavor, opts.layout_features, opts.hinting = "woff", [], False
    if _SMALL_FONT.exists() and {ord(c) for c in chars} <= _small_font_covers():
        source = _SMALL_FONT  # 4,400 common glyphs: subsets in 1/10 of the time
    else:  # a rarer character: the full font
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


def _section_overview(result: Analysis) -> str:
    base, rep = result.base, result.read_report
    rows_in = rep["rows_in"] if rep else base.attrs["rows"]
    used = int(base["rows"].sum())
    rows = [
        ("source (来源)", rep["source"] if rep else "a DataFrame"),
        ("rows read (读入行数)", _num(rows_in)),
        ("rows used (使用行数)", _num(used)),
        ("rows left out, each reported below (删除并报告的行数)", _num(rows_in - used)),
        ("customers (客户数)", _num(len(base))),
        ("orders (订单数)", _num(int(base["orders"].sum()))),
        ("date range (日期范围)",
         f"{base.attrs['first_date']:%Y-%m-%d} to {base.attrs['last_date']:%Y-%m-%d}"),
        ("net revenue (净销售额)", _num(float(base["spend"].sum()))),
        ("returns (退货)", f"{_num(int(base['return_rows'].sum()))} rows, "
                           f"{_num(0.0 - float(base['returned'].sum()))}"),
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
    guide = rfm.SEGMENT_GUIDE[rfm.SEGMENT_GUIDE["scheme"] == "cn8"]
    summary["action"] = summary.index.map(dict(zip(guide["segment_zh"], guide["action"],
                                                   strict=True)))
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
    chart = _figure(lambda ax: plots.pyramid_chart(table["value"], table["tier"], ax=ax,
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
        peak = pyramid.whale_summary(table["profit"])
    except CRMDataError as err:
        return _pairs(rows) + f'<div class="row">{lorenz}</div>' + _note(str(err))
    rows.append(("whale curve peak (鲸鱼曲线峰值)",
                 f"the top {_pct(peak['peak_share'])} of customers earn "
                 f"{_pct(peak['peak_height'])} of total profit"))
    whale = _figure(lambda ax: plots.whale(table["profit"], ax=ax),
                    "Whale curve of profit = gross profit - cost to serve (鲸鱼曲线)",
                    size=(5.6, 5.0))
    return _pairs(rows) + f'<div class="row">{lorenz}{whale}</div>'


def _section_key_accounts(result: Analysis) -> str:
    from crmlab import key_accounts
    from crmlab.pipelines import KEY_ACCOUNT_SHARE

    table, seg = result.key_accounts, result.rfm
    is_key = table["key_account"]
    parts = [f"<p>Key accounts (关键客户) are the top {KEY_ACCOUNT_SHARE:.0%} of customers "
             f"by net revenue (the top two tiers of the pyramid, 1% + 19%): "
             f"{_num(int(is_key.sum()))} customers.</p>"]
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


def _section_cohorts(result: Analysis) -> str:
    from crmlab import plots

    shares, summary = result.cohorts, result.cohort_summary
    months = [c for c in summary.columns if c != "customers"]
    text = (f"<p>Customers are grouped into cohorts (同期群) by the month of their first "
            f"purchase; a cell is the share of the cohort that bought in the k-th month after "
            f"that one (month 0 is the first month itself: 100%). Cells after the last month "
            f"of the data ({_esc(shares.attrs['last_month'])}) are blank: those customers "
            f"have not had the time yet. "
            + (f"The first {len(summary)} of {len(shares)} cohorts:</p>"
               if len(summary) < len(shares) else f"All {len(shares)} cohorts:</p>"))
    table = _table(summary, dict.fromkeys(months, "pct"))
    first = shares.iloc[:len(summary), :13]
    chart = _figure(lambda ax: plots.cohort_heatmap(first, ax=ax, annotate=first.size <= 200),
                    "Share of each cohort buying in the months after its first purchase "
                    "(同期群客户保持率)", size=(8.0, 4.8))
    return text + table + chart


def _section_clv(result: Analysis) -> str:
    from crmlab import plots

    if result.clv is None:
        return _note(f"The CLV models could not be fitted on this data: {result.clv_error}")
    values = result.clv
    at = values.attrs
    clv = values["clv"]
    total = float(clv.sum())
    ranked = clv.sort_values(ascending=False)
    n = len(ranked)
    bands = []
    for label, lo, hi in (("top 10% of customers (前10%)", 0, 0.1),
                          ("next 40% (其后40%)", 0.1, 0.5),
                          ("bottom 50% (后50%)", 0.5, 1.0)):
        part = ranked.iloc[int(round(lo * n)):int(round(hi * n))]
        bands.append({"clv_band": label, "customers": len(part),
                      "clv_total": float(part.sum()),
                      "clv_share": float(part.sum()) / total if total else float("nan")})
    band_table = pd.DataFrame(bands).set_index("clv_band")
    q = clv.quantile([0.5])
    likely = int((values["probability_alive"] >= 0.5).sum())
    rows = [
        ("customers valued (客户数)", _num(len(values))),
        ("total CLV over the next year (未来一年客户终身价值合计)", _num(total)),
        ("CLV per customer: mean / median (人均 / 中位数)",
         f"{_num(float(clv.mean()))} / {_num(float(q[0.5]))}"),
        ("customers likely still buying, P(alive) ≥ 50% (仍活跃的客户)",
         f"{_num(likely)} of {_num(len(values))}"),
        ("mean P(alive), probability still a customer (平均存活概率)",
         f"{values['probability_alive'].mean():.3f}"),
        ("expected purchases next year, all customers (预期购买次数)",
         _num(float(values["expected_purchases"].sum()), 0)),
        ("customers who bought again in the window (回头客)", _num(result.clv_fit.repeat_buyers)),
        ("window ends (观察期末)", f"{at['observation_end']:%Y-%m-%d}"),
    ]
    dropped = {k: v for k, v in at["dropped"].items() if v}
    note = ("".join(_note(f"Left out of the CLV models: {v:,} {k}.") for k, v in dropped.items())
            if dropped else "")
    doubts = "".join(_note(f"Warning (拟合警告): {w}") for w in
                     getattr(result, "clv_warnings", []))
    chart = _figure(lambda ax: plots.clv_distribution(values, ax=ax, bins=50),
                    "Distribution of CLV over the next year (客户终身价值分布)", size=(7, 3.8))
    top = values.nlargest(10, "clv")[["clv", "expected_purchases", "probability_alive",
                                      "monetary_value", "frequency"]]
    fit = result.clv_fit
    bg, gg = fit.bgnbd.params_, fit.gammagamma.params_
    params = pd.DataFrame({
        "model": ["BG/NBD"] * 4 + ["Gamma-Gamma"] * 3,
        "parameter": ["r", "alpha", "a", "b", "p", "q", "gamma"],
        "estimate": [bg["r"], bg["alpha"], bg["a"], bg["b"], gg["p"], gg["q"], gg["gamma"]],
    })
    appendix = _pairs([
        ("horizon (预测期)", f"{at['horizon']:g} weeks"),
        ("discount rate per week (折现率)", f"{at['discount']:.5f} (10% a year)"),
        ("margin (利润率)", f"{at['margin_rate']:g} (CLV in revenue)"),
        ("log-likelihood BG/NBD / Gamma-Gamma",
         f"{fit.bgnbd.log_likelihood_:,.1f} / {fit.gammagamma.log_likelihood_:,.1f}"),
    ])
    return (doubts
            + "<p>Customer lifetime value (CLV) is the revenue each customer is expected to "
            "bring over the next year, discounted: how many purchases they will make "
            "(BG/NBD model) times what they spend per purchase (Gamma-Gamma model). It "
            "ranks customers for retention spending.</p>"
            + _pairs(rows) + "<h3>Where the value is (价值分布)</h3>"
            + _table(band_table, {"clv_total": 2, "clv_share": "pct"}) + note + chart
            + "<h3>Top 10 customers by CLV</h3>"
            + _table(top, {"clv": 2, "expected_purchases": 2, "probability_alive": 3,
                           "monetary_value": 2, "frequency": 0})
            + '<h3 id="appendix">Appendix: model parameters (附录：模型参数)</h3>'
            + "<p>The Fader–Hardie summary counts repeat purchase days (frequency), the "
            "age at the last purchase (recency) and at the end of the window (T), in weeks. "
            "BG/NBD (r, alpha, a, b) predicts purchases, Gamma-Gamma (p, q, gamma) the "
            "spend per purchase.</p>"
            + _table(params, {"estimate": 4}, index=False) + appendix)


def build_report(
    transactions: pd.DataFrame,
    *,
    customer: str | None = None,
    date: str | None = None,
    amount: str | None = None,
    order: str | None = None,
    gross_profit: str = "gross_profit",
    cost: str = "cost_to_serve",
    analysis_date: DateLike | None = None,
    observation_end: DateLike | None = None,
    title: str = "Customer analytics report (客户分析报告)",
    progress: bool = False,
) -> str:
    """Build a self-contained HTML report of a transaction table.

    Sections: data overview and quality, RFM segments, customer pyramid, Lorenz and
    whale curves, key accounts, cohort retention and CLV (each with tables and embedded
    charts).

    Parameters
    ----------
    transactions : DataFrame
        The transactions. A table from :func:`crmlab.read_transactions` (it carries
        ``attrs["report"]``) is taken as read, with canonical column names; any other
        DataFrame is read through it first with the column names given.
    customer, date, amount, order : str, optional
        Column names of a raw DataFrame (default "customer_id", "order_date", "amount";
        ``order`` optional, as in :func:`crmlab.read_transactions`).
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
    (True, False, 7)
    """
    steps = Progress(list(SECTIONS) + ["html"], progress, desc="crmlab report")
    try:
        result = analyse(transactions, customer=customer, date=date, amount=amount,
                         order=order, gross_profit=gross_profit, cost=cost,
                         analysis_date=analysis_date, observation_end=observation_end,
                         progress=steps)
        steps("html")
        page = render_report(result, title=title)
        steps.done()
    finally:
        steps.close()
    return page


def render_report(result: Analysis, *, title: str = "Customer analytics report (客户分析报告)"
                  ) -> str:
    """Render the results of :func:`crmlab.pipelines.analyse` as one HTML page.

    Parameters
    ----------
    result : Analysis
        From :func:`crmlab.pipelines.analyse`.
    title : str
        Page title.

    Returns
    -------
    str
        The HTML document.

    Examples
    --------
    >>> import crmlab
    >>> from crmlab.pipelines import analyse
    >>> page = render_report(analyse(crmlab.load_data("retail_transactions").head(300)))
    >>> page.count("<section")
    7
    """
    body = {
        "overview": _section_overview(result),
        "rfm": _section_rfm(result.rfm),
        "pyramid": _section_pyramid(result.pyramid, result.overview),
        "concentration": _section_concentration(result.pyramid, result.overview),
        "key-accounts": _section_key_accounts(result),
        "cohorts": _section_cohorts(result),
        "clv": _section_clv(result),
    }
    source = result.read_report["source"] if result.read_report else "a DataFrame"
    toc = "".join(f'<li><a href="#{k}">{_esc(v)}</a></li>' for k, v in SECTIONS.items())
    sections = "".join(f'<section id="{k}"><h2>{_esc(SECTIONS[k])}</h2>{body[k]}</section>'
                       for k in SECTIONS)
    rules = getattr(result, "rules", None) or []
    rules_html = ('<div class="note"><strong>How this report counts (本报告的口径)</strong><ul>'
                  + "".join(f"<li>{_esc(r)}</li>" for r in rules) + "</ul></div>\n"
                  if rules else "")
    body_html = (
        f"<h1>{_esc(title)}</h1>\n"
        f'<p class="muted">Source: {_esc(source)} · made with crmlab</p>\n'
        f"{rules_html}<nav><ol>{toc}</ol></nav>\n{sections}\n"
    )
    style = _font_face(title + body_html) + _CSS
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n"
        f"{body_html}</body>\n</html>\n"
    )


def write_report(path_or_df: PathLike | pd.DataFrame, out: PathLike, *,
                 customer: str | None = None, date: str | None = None,
                 amount: str | None = None, order: str | None = None,
                 gross_profit: str = "gross_profit", cost: str = "cost_to_serve",
                 analysis_date: DateLike | None = None,
                 observation_end: DateLike | None = None, progress: bool = False,
                 **read_kwargs: Any) -> Path:
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
        Passed to :func:`crmlab.read_transactions` (``preset``, ``keep``, ``exclude``,
        ``to_currency``, ``sheet``, ``encoding``, ...).

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
    from crmlab.io import read_transactions

    path = check_output(out, HTML_SUFFIXES)
    tx = path_or_df
    if not (isinstance(tx, pd.DataFrame) and "report" in tx.attrs):
        tx = read_transactions(path_or_df, customer=customer, date=date, amount=amount,
                               order=order, warn=False, **read_kwargs)
    page = build_report(tx, gross_profit=gross_profit, cost=cost, analysis_date=analysis_date,
                        observation_end=observation_end, progress=progress)
    return write_text(page, path)
