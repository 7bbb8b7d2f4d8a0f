"""The plots speak the language in force (``crmlab.set_language``).

Every public function of :mod:`crmlab.plots` is drawn once on small data. In Chinese
every text it writes (titles, axis and colour-bar labels, legends, annotations, tick
labels) holds no English word but codes and units (RFM, BG/NBD, k, ...) and the words of
the test data (column names and values, which stay as given); in English the texts are
today's, letter for letter.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlab import acquisition, bias, clv, glossary, language, load_data, plots, pyramid  # noqa: E402
from crmlab.key_accounts import scorecard  # noqa: E402
from crmlab.segmentation import lifecycle_stage  # noqa: E402


@pytest.fixture(autouse=True)
def _english_after():
    """Every test leaves the language as it found it (English)."""
    before = language.get_language()
    yield
    language.set_language(before)
    plt.close("all")


def _attrs(frame: pd.DataFrame, **attrs) -> pd.DataFrame:
    frame = frame.copy()
    frame.attrs = attrs
    return frame


def _audit():
    df = pd.DataFrame({"account_id": ["a", "b", "c", "d"], "revenue": [100.0, 80, 60, 40],
                       "gross_margin": [0.3] * 4, "growth_potential": [5, 4, 3, 2],
                       "manager_priority": [4, 3, 2, 1], "resource_hours": [10.0, 20, 30, 40],
                       "profit": [20.0, 10, 5, -5]})
    return bias.priority_audit(df)


def _retention(ax):
    counts = clv.ShiftedBetaGeometric.published_cohorts["regular"]
    return plots.retention_curve(clv.ShiftedBetaGeometric().fit(counts), counts, ax=ax)


_MATRIX = pd.DataFrame([[1.0, float("nan")], [0.2, 0.9]], index=pd.Index([0, 1]),
                       columns=pd.Index([0.0, 10.0]))
_LEADS = pd.DataFrame({"source_channel": ["fair", "fair", "web", "web", "mail"],
                       "cost": [300.0, 300.0, 20.0, 20.0, 5.0],
                       "converted": [True, False, True, True, False],
                       "deal_value": [900.0, 0.0, 500.0, 400.0, 0.0]})
_MAN = pd.DataFrame({"money": [True, False], "authority": [True, False], "need": [True, True],
                     "converted": [True, False], "deal_value": [900.0, 0.0]})
_SEGMENTED = pd.DataFrame({"segment": ["Champions", "At Risk", "Champions"],
                           "recency": [1, 90, 3], "frequency": [5, 1, 3],
                           "monetary": [300.0, 100.0, 100.0]})
_CLUSTERS = pd.DataFrame({"segment": [0, 0, 1, 1], "orders": [10, 12, 1, 2],
                          "spend": [500.0, 700.0, 50.0, 30.0]})
_VALUES = pd.Series(range(1, 101), dtype=float)
_SCORED = scorecard(load_data("accounts").head(12))

#: name -> (draw on ax, words of the test data the chart may show as given)
CASES = {
    "funnel": (lambda ax: plots.funnel(pd.DataFrame({"stage": ["new", "won", "met", "new"]}),
                                       stage="stage", stages=["new", "met", "won"], ax=ax),
               {"new", "met", "won"}),
    "man_matrix": (lambda ax: plots.man_matrix(_MAN, ax=ax), set()),
    "man_matrix_value": (lambda ax: plots.man_matrix(_MAN, value="deal_value", ax=ax), set()),
    "channel_chart": (lambda ax: plots.channel_chart(_LEADS, ax=ax), {"fair", "web", "mail"}),
    "priority_scatter": (lambda ax: plots.priority_scatter(_audit(), ax=ax), set()),
    "reallocation_chart": (lambda ax: plots.reallocation_chart(pd.DataFrame(
        {"rank": [1, 2, 3, 4], "current_hours": [10.0, 20, 30, 40],
         "fair_hours": [40.0, 30, 20, 10]}), groups=2, ax=ax), set()),
    "calibration_holdout_chart": (lambda ax: plots.calibration_holdout_chart(_attrs(
        pd.DataFrame({"actual": [0.2, 0.7, 1.4], "predicted": [0.2, 0.5, 1.0]},
                     index=["0", "1", "2+"]), unit="W", duration=39.0), ax=ax), set()),
    "tracking_chart": (lambda ax: plots.tracking_chart(_attrs(
        pd.DataFrame({"actual": [0.0, 5, 12], "predicted": [1.0, 6, 11]},
                     index=pd.RangeIndex(1, 4)), unit="W", calibration_end_period=2),
        ax=ax), set()),
    "retention_curve": (_retention, set()),
    "clv_distribution": (lambda ax: plots.clv_distribution(
        pd.DataFrame({"clv": [1.0, 2.0, 2.0, 30.0]}), bins=5, ax=ax), set()),
    "probability_alive_matrix": (lambda ax: plots.probability_alive_matrix(
        _attrs(_MATRIX, unit="W", T=10.0, model="BG/NBD"), ax=ax), set()),
    "frequency_recency_matrix": (lambda ax: plots.frequency_recency_matrix(
        _attrs(_MATRIX, unit="W", T=39.0, horizon=39.0), ax=ax), set()),
    "period_transactions_chart": (lambda ax: plots.period_transactions_chart(
        pd.DataFrame({"actual": [10.0, 5, 2], "expected": [9.5, 5.5, 2.0]},
                     index=["0", "1", "2+"]), ax=ax), set()),
    "clv_intervals_chart": (lambda ax: plots.clv_intervals_chart(_attrs(
        pd.DataFrame({"clv": [5.0, 9.0, 1.0], "clv_low": [4.0, 7.0, 0.5],
                      "clv_high": [6.5, 11.0, 1.5]}, index=["c1", "c2", "c3"]), level=0.9),
        top=2, ax=ax), {"c1", "c2"}),
    "scorecard_chart": (lambda ax: plots.scorecard_chart(_SCORED, top=3, ax=ax),
                        set(_SCORED.index.astype(str))),
    "allocation_chart": (lambda ax: plots.allocation_chart(pd.DataFrame(
        {"uplift": [9.0e6, 9.5e6]}, index=pd.Index(["equal", "by_tier"], name="policy")),
        ax=ax), set()),
    "value_profit_scatter": (lambda ax: plots.value_profit_scatter(pd.DataFrame(
        {"revenue": [10.0, 100, 1000], "profit": [-1.0, 5, 80],
         "key_account": [False, False, True]}), ax=ax), set()),
    "lorenz": (lambda ax: plots.lorenz([1, 2, 3, 10], ax=ax), set()),
    "whale": (lambda ax: plots.whale([60, 50, -10], ax=ax), set()),
    "pyramid_chart": (lambda ax: plots.pyramid_chart(
        _VALUES, pyramid.pyramid_tiers(_VALUES, "curry"), ax=ax), set()),
    "abc_chart": (lambda ax: plots.abc_chart([70, 15, 10, 5], ax=ax), set()),
    "rfm_heatmap": (lambda ax: plots.rfm_heatmap(pd.DataFrame(
        {"r_score": [1, 2, 2], "f_score": [1, 2, 2], "monetary": [10.0, 20.0, 40.0]}), ax=ax),
        set()),
    "segment_chart": (lambda ax: plots.segment_chart(_SEGMENTED, ax=ax), set()),
    "score_distribution": (lambda ax: plots.score_distribution(pd.DataFrame(
        {"r_score": [1, 2], "f_score": [1, 1], "m_score": [2, 1]}), ax=ax), set()),
    "recency_frequency": (lambda ax: plots.recency_frequency(_SEGMENTED, hue="segment", ax=ax),
                          set()),
    "gap_chart": (lambda ax: plots.gap_chart(pd.DataFrame(
        {"expectation": [5.0, 4.0], "perception": [4.5, 4.6]},
        index=["reliability", "tangibles"]), ax=ax), set()),
    "nps_chart": (lambda ax: plots.nps_chart([10, 9, 8, 7, 6, 0], ax=ax), set()),
    "driver_chart": (lambda ax: plots.driver_chart(pd.DataFrame(
        {"coef": [-1.0, 0.5], "odds_ratio": [0.37, 1.65]},
        index=["gap_reliability", "complaints"]), ax=ax), {"gap_reliability", "complaints"}),
    "cohort_heatmap": (lambda ax: plots.cohort_heatmap(_attrs(pd.DataFrame(
        [[1.0, 0.5, 0.0], [1.0, 1.0, float("nan")]], index=["2024-01", "2024-02"]),
        share=True), ax=ax), set()),
    "elbow_silhouette": (lambda ax: plots.elbow_silhouette(pd.DataFrame(
        {"k": [2, 3, 4], "inertia": [90.0, 40.0, 30.0], "silhouette": [0.5, 0.7, 0.6]}),
        ax=ax), set()),
    "segment_profile_chart": (lambda ax: plots.segment_profile_chart(_CLUSTERS, ax=ax),
                              {"orders", "spend"}),
    "segment_scatter": (lambda ax: plots.segment_scatter(_CLUSTERS, ax=ax),
                        {"orders", "spend"}),
    "lifecycle_chart": (lambda ax: plots.lifecycle_chart(lifecycle_stage(pd.DataFrame(
        {"orders": [0, 1, 3, 20], "recency_days": [None, 5, 10, 20],
         "spend": [0.0, 10.0, 30.0, 400.0]})), value="spend", ax=ax), set()),
}

#: Codes, units and names a Chinese chart writes as they are.
CODES = {"RFM", "R", "F", "M", "CLV", "NPS", "BG", "NBD", "Pareto", "sBG", "SERVQUAL", "MAN",
         "MA", "Ma", "mA", "ma", "N", "n", "A", "B", "C", "a", "m", "k", "T", "z", "x", "P",
         *acquisition.MAN_CODES}


def _texts(fig) -> list[str]:
    """Every text of the figure: titles, axis labels, ticks, legends, annotations."""
    out = []
    for ax in fig.axes:  # with twin and colour-bar axes
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        out += [t.get_text() for t in ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            out += [legend.get_title().get_text()] + [t.get_text() for t in legend.get_texts()]
    return [t for t in out if t.strip()]


def _draw(name: str) -> list[str]:
    fig, ax = plt.subplots()
    CASES[name][0](ax)
    fig.canvas.draw()  # tick labels are set when drawn
    return _texts(fig)


def test_every_public_plot_function_has_a_case():
    drawn = {name.removesuffix("_value") for name in CASES}
    assert drawn == set(plots.__all__)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_chinese_chart_writes_chinese(name):
    language.set_language("zh")
    texts = _draw(name)
    allowed = CODES | CASES[name][1]
    words = {w for t in texts if not t.startswith("$")  # not matplotlib's 10^k ticks
             for w in re.findall(r"[A-Za-z][A-Za-z0-9_]*", t)}
    english = sorted(words - allowed)
    assert not english, f"{name}: English words {english} in {texts}"
    assert any(re.search(r"[\u4e00-\u9fff]", t) for t in texts), texts
    assert not [m for t in texts for m in glossary.misnamed(t, pairs=False)]


def test_chinese_names_of_crmlab_tiers_segments_stages_and_policies():
    language.set_language("zh")
    assert {"顶端客户", "大客户", "中等客户", "小客户"} <= set(_draw("pyramid_chart"))
    assert {"冠军客户", "流失风险客户"} <= set(_draw("segment_chart"))
    assert {"潜在客户", "新客户", "重复购买客户", "忠诚客户", "流失客户"} <= set(
        _draw("lifecycle_chart"))
    assert {"平均分配", "按层级分配"} <= set(_draw("allocation_chart"))
    assert {"可靠性", "有形性"} <= set(_draw("gap_chart"))


def test_english_charts_keep_their_texts():
    """A few texts written out as they were before the charts spoke Chinese."""
    assert {"months since the first purchase (首次购买后月数)",
            "cohort retention (同期群客户保持率)",
            "share of the cohort (客户保持率)"} <= set(_draw("cohort_heatmap"))
    assert {"retention curve (客户保持曲线): shaded = projection", "actual", "sBG fit",
            "period since acquisition (获取后的期数)"} <= set(_draw("retention_curve"))
    assert {"MAN matrix (MAN法则): leads and conversion rate (转化率)", "n (no need)",
            "need (购买需求)"} <= set(_draw("man_matrix"))
    assert {"over-served (过度服务): 1", "perfect agreement (完全一致)",
            "Manager priority vs. objective rank (管理层偏见)\nSpearman ρ = -1.00"} <= set(
        _draw("priority_scatter"))
    assert {"top", "1.0% of customers\n2.0% of value"} <= set(_draw("pyramid_chart"))
    assert {"Champions", "share of monetary", "segment (客户细分)"} <= set(
        _draw("segment_chart"))
    assert {"expected purchases in the next 39 weeks (T = 39 weeks), model",
            "recency: age at the last purchase, weeks (最近一次购买时的客龄)"} <= set(
        _draw("frequency_recency_matrix"))
    assert {"mean 8.75", "median 2.00", "clv per customer (客户终身价值)"} <= set(
        _draw("clv_distribution"))


def test_the_language_is_one_switch():
    import crmlab
    from crmlab import exercises

    assert crmlab.set_language is exercises.set_language is language.set_language
    assert exercises.get_language is language.get_language
    with language.using("zh"):
        assert crmlab.exercises.get_language() == "zh"
        zh = _draw("nps_chart")
    assert language.get_language() == "en" and zh != _draw("nps_chart")
    with pytest.raises(crmlab.CRMDataError, match="choose 'en' or 'zh'"):
        language.set_language("fr")
