"""The HTML report: every section, self-contained, and rendered by a real headless Chromium.

Chromium is Debian's ``chromium`` package (``/usr/bin/chromium``), driven by Playwright
for Python with ``executable_path`` (never ``playwright install``: browser downloads do
not work here). The session fixture installs it with apt-get when it is missing and we
are root; otherwise the browser test is skipped with the reason.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from browser.lab import CHROMIUM_ARGS, find_chromium

import crmlab
from crmlab import CRMDataError
from crmlab.report import build_report, write_report

SECTIONS = {
    "overview": "Data overview and quality (数据概览与数据质量)",
    "rfm": "RFM segments (RFM客户细分)",
    "pyramid": "Customer pyramid (客户金字塔)",
    "concentration": "Lorenz and whale curves (洛伦兹曲线与鲸鱼曲线)",
    "key-accounts": "Key accounts (关键客户)",
    "cohorts": "Cohort retention (同期群客户保持率)",
    "clv": "Customer lifetime value (客户终身价值, CLV)",
}


@pytest.fixture(scope="module")
def raw():
    """A messy subsample: 5,000 orders plus a blank id, a duplicate and a bad date."""
    tx = crmlab.load_data("retail_transactions").head(5000)
    tx = tx.astype({"order_date": "str", "category": "str", "channel": "str"})
    extra = tx.iloc[[0, 1, 2]].copy()
    extra.iloc[0, 0] = None  # missing customer id
    extra.iloc[2, 2] = "not a date"
    return pd.concat([tx, extra], ignore_index=True)


@pytest.fixture(scope="module")
def page(raw):
    tx = crmlab.read_transactions(raw, order="order_id", warn=False)
    return build_report(tx)


def test_every_section_is_there(page):
    for key, title in SECTIONS.items():
        assert f'<section id="{key}"><h2>{title}</h2>' in page
    for term in ("Gini coefficient (基尼系数)", "重要价值", "重要客户", "次要客户",
                 "whale curve peak", "loss-making customers", "BG/NBD", "Gamma-Gamma",
                 "expected purchases", "mean P(alive)", "Top 15 customers",
                 "How this report counts (本报告的口径)", "recommended action (建议行动)",
                 "Appendix: model parameters (附录：模型参数)", "share of customers (客户占比)"):
        assert term in page, term
    # segments, RFM heatmap, pyramid, Lorenz, whale, cohort heatmap, CLV
    assert page.count("<img ") == 7


def test_data_quality_notes(page, raw):
    # the three added rows: one missing id, one duplicate, one unparseable date
    assert f"rows read (读入行数)</th><td>{len(raw):,}" in page
    assert f"rows used (使用行数)</th><td>{len(raw) - 3:,}" in page
    for reason in ("missing customer_id", "unparseable order_date", "duplicate row",
                   "negative amount (return)"):
        assert reason in page
    returns = crmlab.load_data("retail_transactions").head(5000)["amount"].lt(0).sum()
    assert f"returns (退货)</th><td>{returns:,} rows" in page


def test_self_contained(page):
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "http://" not in page and "https://" not in page
    assert 'src="/' not in page and "<link" not in page and "<script" not in page
    sources = re.findall(r'src="([^"]*)"', page)
    assert len(sources) == 7 and all(s.startswith("data:image/png;base64,") for s in sources)
    urls = re.findall(r"url\(([^)]*)\)", page)
    assert urls and all(u.startswith("data:font/woff;base64,") for u in urls)


def test_numbers_match_the_library(page, raw):
    from crmlab import pyramid

    tx = crmlab.read_transactions(raw, order="order_id", warn=False)
    value = tx.groupby("customer_id")["amount"].sum()
    assert f"Gini coefficient (基尼系数)</th><td>{pyramid.gini(value.clip(lower=0)):.3f}" in page
    assert f"customers (客户数)</th><td>{value.size:,}" in page


def test_cohort_section_matches_the_library(page, raw):
    """The shares shown are satisfaction.cohort_table's, from the one validated table."""
    from crmlab import satisfaction

    tx = crmlab.read_transactions(raw, order="order_id", warn=False)
    shares = satisfaction.cohort_table(tx)
    section = page[page.index('<section id="cohorts">'):page.index('<section id="clv">')]
    assert len(shares) == 4 and "All 4 cohorts:" in section  # 5,000 rows: four months
    assert f"({shares.attrs['last_month']})" in section
    counts = satisfaction.cohort_table(tx, share=False)
    first = shares.index[0]
    row = (f"<td>{first}</td>\n      <td>{int(counts.loc[first, 0]):,}</td>\n"
           f"      <td>{shares.loc[first, 1]:.1%}</td>")
    assert row in section, section[:3000]
    assert section.count("<img ") == 1


def test_cohorts_aggregate_the_validated_table_once(monkeypatch):
    """analyse counts the cohorts on the table the per-customer step validated."""
    from crmlab import satisfaction, validation
    from crmlab.pipelines import analyse

    tx = crmlab.read_transactions(crmlab.load_data("retail_transactions").head(300),
                                  order="order_id", warn=False)
    calls = []
    real = validation.require
    monkeypatch.setattr("crmlab.satisfaction.cohorts.require",
                        lambda *a, **k: calls.append(k.get("caller")) or real(*a, **k))
    result = analyse(tx)
    assert calls == []
    counts = satisfaction.cohort_table(tx, share=False)  # 300 rows: January 2024 only
    assert result.cohort_summary.to_dict("list") == {"customers": counts[0].tolist()}
    assert result.cohorts.attrs == {**counts.attrs, "share": True}
    bad = result.cohorts
    with pytest.raises(CRMDataError, match="share=False"):
        from crmlab.pipelines import cohort_summary

        cohort_summary(bad)


def test_without_profit_columns_and_repeat_buyers():
    tx = pd.DataFrame({"customer_id": [f"C{i}" for i in range(30)],
                       "order_date": pd.date_range("2024-01-01", periods=30),
                       "amount": np.arange(1.0, 31.0)})
    html = build_report(tx)
    assert "The CLV models could not be fitted on this data" in html
    assert "only 0 of 30 customers bought again" in html
    assert "No profit columns" in html
    assert all(f'id="{key}"' in html for key in SECTIONS)


def test_the_report_figures_stay_english_when_crmlab_speaks_chinese():
    from crmlab import plots, report
    from crmlab.language import using

    def draw(ax):
        return plots.lorenz([1.0, 2.0, 3.0, 10.0], ax=ax)

    english = report._figure(draw, "Lorenz")  # a PNG embedded in the page
    with using("zh"):
        assert report._figure(draw, "Lorenz") == english


def test_bad_input_raises():
    with pytest.raises(CRMDataError, match="no column 'order_date'"):
        build_report(pd.DataFrame({"customer_id": ["a"], "amount": [1.0]}))


def test_write_report(raw, tmp_path):
    small = raw.head(400)
    out = write_report(small, tmp_path / "r.html", order="order_id")
    assert out.read_text(encoding="utf-8").count("<section") == 7
    with pytest.raises(CRMDataError, match="'.txt'"):
        write_report(small, tmp_path / "r.txt")
    with pytest.raises(CRMDataError, match="no column"):
        write_report(small, tmp_path / "bad.html", customer="cust")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


# --------------------------------------------------------------------------- in Chromium


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium: found, installed with apt-get when root, or the test is skipped."""
    pytest.importorskip("playwright", reason="Playwright for Python is not installed "
                        "(`pip install playwright`; never `playwright install`)")
    path, why = find_chromium()
    if path is None:
        pytest.skip(why)
    return path


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_renders_in_headless_chromium(chromium, page, tmp_path):
    from PIL import Image
    from playwright.sync_api import sync_playwright

    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    shot = tmp_path / "shot.png"
    problems, requests = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page(viewport={"width": 1100, "height": 900})
            tab.on("console", lambda m: problems.append(f"{m.type}: {m.text}")
                   if m.type in ("error", "warning") else None)
            tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            tab.on("request", lambda r: requests.append(r.url))
            tab.goto(path.as_uri(), wait_until="load")
            tab.evaluate("document.fonts.ready.then(() => 0)")
            images = tab.evaluate("Array.from(document.images).map(i => [i.complete, "
                                  "i.naturalWidth, i.naturalHeight])")
            headings = tab.evaluate("Array.from(document.querySelectorAll('h2'))"
                                    ".map(h => h.textContent)")
            fonts = tab.evaluate("Array.from(document.fonts).map(f => [f.family, f.status])")
            height = tab.evaluate("document.body.scrollHeight")
            tab.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert problems == []
    assert all(u.startswith(("file://", "data:")) for u in requests), requests
    assert headings == list(SECTIONS.values())
    assert len(images) == 7 and all(ok and w > 200 and h > 150 for ok, w, h in images)
    assert fonts == [['"crmlab CJK"', "loaded"]] or fonts == [["crmlab CJK", "loaded"]]
    assert height > 3000
    with Image.open(shot) as image:
        rgb = np.asarray(image.convert("RGB"))
    assert rgb.shape[0] > 3000
    colours = np.unique(rgb.reshape(-1, 3)[::97], axis=0)
    assert len(colours) > 50  # not one colour: text, tables and charts drew
    assert (rgb < 128).any(axis=2).mean() > 0.01  # some dark ink (text) on the page


def test_report_font_is_cut_from_the_small_font_and_covers_crmlab():
    """The pre-cut font (tools/build_report_font.py) holds GB 2312's symbols and level-1
    characters and every CJK character of crmlab's source, so a report subsets from it
    (fast); a rarer character still renders, subset from the full font."""
    import sys

    from crmlab import report

    sys.path.insert(0, str(report.Path(__file__).resolve().parents[1] / "tools"))
    import build_report_font as build

    covered = report._small_font_covers()
    wanted = build.gb2312(range(0xB0, 0xD8)) + build.source_characters()
    assert {ord(c) for c in wanted} <= covered, "rebuild: tools/build_report_font.py"
    assert len(covered) > 4000
    common = report._cjk_font_face("客户金字塔")
    rare = report._cjk_font_face("龘")  # not in GB 2312: from the full font
    for face in (common, rare):
        assert face.startswith('@font-face { font-family: "crmlab CJK"; src: url(data:font/woff')
    assert ord("龘") not in covered


def test_a_doubtful_clv_fit_is_shown_in_the_report_not_raised():
    # the synthetic retail data have no drop-out: BG/NBD ends on a boundary
    from crmlab.pipelines import analyse, clv_customers
    from crmlab.report import _section_clv

    tx = crmlab.load_data("retail_transactions").head(400)
    result = analyse(tx, order="order_id")
    assert result.clv is not None and len(result.clv_warnings) == 1
    assert "BetaGeo.fit: the fit ended on a boundary" in result.clv_warnings[0]
    html = _section_clv(result)  # the CLV section only (the whole page draws six figures)
    assert html.startswith('<p class="note">Warning (拟合警告): BetaGeo.fit: the fit ended on '
                           'a boundary')
    with pytest.warns(crmlab.CRMFitWarning, match="ended on a boundary"):  # said, not hidden
        clv_customers(tx)
