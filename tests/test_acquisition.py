"""Tests for crmlab.acquisition, its plots and its explorer (chapters 01 and 02)."""

import contextlib
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import crmlab  # noqa: E402
from crmlab import CRMDataError, acquisition, plots, widgets  # noqa: E402
from crmlab.acquisition import (  # noqa: E402
    MAN_ACTIONS,
    MAN_CLASSES,
    MAN_CODES,
    channel_summary,
    lead_funnel,
    man_conversion,
    man_qualify,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def leads():
    return crmlab.load_data("leads")


def all_eight():
    """One lead per combination, in the order of MAN_CODES (built from the letters)."""
    rows = [[ch.isupper() for ch in code] for code in MAN_CODES]
    return pd.DataFrame(rows, columns=["money", "authority", "need"])


# --------------------------------------------------------------------------- MAN_ACTIONS

EXPECTED = {
    # code: (class, textbook Chinese action)
    "MAN": ("qualified", "是有望客户，理想的销售对象"),
    "MAn": ("prospect", "可以接触，配上熟练的销售技术，有成功的希望"),
    "MaN": ("prospect", "可以接触，并设法找到具有A的人"),
    "mAN": ("prospect", "可以接触，需调查其业务状况、信用条件等给予融资"),
    "Man": ("lead", "可以接触，应长期观察、培养，使之具备另一条件"),
    "mAn": ("lead", "可以接触，应长期观察、培养，使之具备另一条件"),
    "maN": ("lead", "可以接触，应长期观察、培养，使之具备另一条件"),
    "man": ("non-target", "非客户，停止接触"),
}


def test_man_actions_table_has_the_eight_textbook_rows():
    assert MAN_ACTIONS["man_code"].tolist() == MAN_CODES == list(EXPECTED)
    for _, row in MAN_ACTIONS.iterrows():
        cls, zh = EXPECTED[row["man_code"]]
        assert row["man_class"] == cls
        assert row["action_zh"] == zh
        assert row["criteria_met"] == sum(ch.isupper() for ch in row["man_code"])
        assert [row["money"], row["authority"], row["need"]] == [
            ch.isupper() for ch in row["man_code"]]
    assert MAN_ACTIONS["man_class"].cat.ordered
    assert MAN_ACTIONS.loc[0, "action"] == "Ideal prospect: approach now"
    assert MAN_ACTIONS.loc[7, "action"] == "Non-customer: stop contact"
    assert "authority" in MAN_ACTIONS.loc[2, "action"]
    assert "financing" in MAN_ACTIONS.loc[3, "action"]
    # the three "one criterion met" codes share the textbook's cultivate action
    assert MAN_ACTIONS.loc[4:6, "action"].nunique() == 1


# --------------------------------------------------------------------------- man_qualify


def test_all_eight_combinations_from_flags():
    out = man_qualify(all_eight())
    assert out["man_code"].astype(str).tolist() == MAN_CODES
    assert out["man_class"].astype(str).tolist() == [EXPECTED[c][0] for c in MAN_CODES]
    assert out["man_action"].tolist() == MAN_ACTIONS["action"].tolist()
    zh = man_qualify(all_eight(), language="zh")
    assert zh["man_action"].tolist() == [EXPECTED[c][1] for c in MAN_CODES]
    assert out["man_class"].cat.categories.tolist() == MAN_CLASSES
    assert out["man_class"].cat.ordered
    assert list(out.columns) == ["money", "authority", "need", "man_code", "man_class",
                                 "man_action"]


def test_graded_scores_boundary_counts_as_met():
    scores = pd.DataFrame({"m": [6.0, 5.99, 10.0, 0.0], "a": [6, 7, 5, 6],
                           "n": [5.9, 6.0, 8.5, 2.0]})
    out = man_qualify(scores, money="m", authority="a", need="n")
    assert out["man_code"].astype(str).tolist() == ["MAn", "mAN", "MaN", "mAn"]
    assert out["man_class"].astype(str).tolist() == ["prospect", "prospect", "prospect", "lead"]
    assert out.attrs["man_thresholds"] == {"money": 6.0, "authority": 6.0, "need": 6.0}


def test_thresholds_single_number_and_dict():
    scores = pd.DataFrame({"money": [4.0, 8.0], "authority": [4.0, 8.0], "need": [7.0, 7.0]})
    assert man_qualify(scores, thresholds=4)["man_code"].astype(str).tolist() == ["MAN", "MAN"]
    out = man_qualify(scores, thresholds={"money": 8, "need": 7.5})
    # authority keeps the default 6; money 8 >= 8 is met; need 7 < 7.5 not
    assert out["man_code"].astype(str).tolist() == ["man", "MAn"]
    assert out.attrs["man_thresholds"] == {"money": 8.0, "authority": 6.0, "need": 7.5}
    # keys may also be the column names
    renamed = scores.rename(columns={"money": "budget"})
    out = man_qualify(renamed, money="budget", thresholds={"budget": 4})
    assert out["man_code"].astype(str).tolist() == ["MaN", "MAN"]


def test_mixed_flags_and_scores():
    df = pd.DataFrame({"money": [True, False], "authority": [9.0, 1.0], "need": [False, True]})
    out = man_qualify(df)
    assert out["man_code"].astype(str).tolist() == ["MAn", "maN"]
    assert out.attrs["man_thresholds"] == {"authority": 6.0}


def test_bundled_flags_agree_with_scores_at_six(leads):
    flags = man_qualify(leads)
    scores = man_qualify(leads, money="money_score", authority="authority_score",
                         need="need_score")
    assert (flags["man_code"] == scores["man_code"]).all()


def test_input_not_mutated(leads):
    before = leads.copy()
    man_qualify(leads)
    man_conversion(leads)
    channel_summary(leads, total=True)
    lead_funnel(leads)
    pd.testing.assert_frame_equal(leads, before)
    toy = all_eight()
    man_qualify(toy)
    assert list(toy.columns) == ["money", "authority", "need"]


def test_rerun_on_qualified_frame_overwrites():
    once = man_qualify(all_eight())
    twice = man_qualify(once, language="zh")
    assert list(twice.columns) == list(once.columns)
    assert twice["man_action"].iloc[-1] == "非客户，停止接触"


def test_man_qualify_errors():
    good = all_eight()
    with pytest.raises(CRMDataError, match="man_qualify: no column 'money'"):
        man_qualify(good.drop(columns="money"))
    with pytest.raises(CRMDataError, match="Did you mean need='need'"):
        man_qualify(good, need="needs")
    with pytest.raises(CRMDataError, match="no rows"):
        man_qualify(good.iloc[:0])
    text = good.assign(need=["yes", "no"] * 4)
    with pytest.raises(CRMDataError, match=r"'need' \(need\) must be True/False flags or "
                                           r"numeric scores.*'yes'.*map"):
        man_qualify(text)
    with pytest.raises(CRMDataError, match="only 0/1 values.*astype\\(bool\\)"):
        man_qualify(good.astype(int))
    assert man_qualify(good.astype(int), thresholds=1)["man_code"].astype(str).tolist() \
        == MAN_CODES
    with pytest.raises(CRMDataError, match="3 missing scores in rows 0, 1, 2"):
        man_qualify(pd.DataFrame({"money": [np.nan] * 3 + [7.0], "authority": 1.0 * np.arange(4),
                                  "need": 1.0 * np.arange(4)}))
    with pytest.raises(CRMDataError, match="unknown key 'budget'"):
        man_qualify(good, thresholds={"budget": 5})
    with pytest.raises(CRMDataError, match="must be a finite number"):
        man_qualify(good, thresholds="6")
    with pytest.raises(CRMDataError, match="language must be 'en' or 'zh'"):
        man_qualify(good, language="fr")
    with pytest.raises(CRMDataError, match="three different columns"):
        man_qualify(good, authority="money")
    with pytest.raises(CRMDataError, match="got a Series"):
        man_qualify(good["money"])


# --------------------------------------------------------------------------- man_conversion


def toy_leads():
    # codes: MAN MAN MAN MaN MaN man man + conversions 2 of 3, 1 of 2, 0 of 2
    return pd.DataFrame({
        "money": [True, True, True, True, True, False, False],
        "authority": [True, True, True, False, False, False, False],
        "need": [True, True, True, True, True, False, False],
        "converted": [True, True, False, True, False, False, False],
        "deal_value": [1000.0, 500.0, 0.0, 300.0, 0.0, 0.0, 0.0],
        "cost": [100.0, 100.0, 100.0, 50.0, 50.0, 10.0, 30.0],
    })


def test_man_conversion_by_class_hand_computed():
    out = man_conversion(toy_leads())
    assert out.index.tolist() == MAN_CLASSES
    assert out["leads"].tolist() == [2, 0, 2, 3]
    assert out["conversions"].tolist() == [0, 0, 1, 2]
    np.testing.assert_allclose(out["conversion_rate"], [0.0, np.nan, 0.5, 2 / 3])
    np.testing.assert_allclose(out["share_of_leads"], [2 / 7, 0, 2 / 7, 3 / 7])
    np.testing.assert_allclose(out["share_of_conversions"], [0, 0, 1 / 3, 2 / 3])
    np.testing.assert_allclose(out["revenue"], [0, 0, 300, 1500])
    np.testing.assert_allclose(out["value_per_lead"], [0, np.nan, 150, 500])
    np.testing.assert_allclose(out["cost_per_lead"], [20, np.nan, 50, 100])
    np.testing.assert_allclose(out["profit_per_lead"], [-20, np.nan, 100, 400])
    assert np.isnan(out.loc["lead", "ci_low"])


def test_man_conversion_by_code_keeps_all_eight():
    out = man_conversion(toy_leads(), by="man_code", revenue=None, cost=None)
    assert out.index.tolist() == MAN_CODES
    assert out["leads"].tolist() == [3, 0, 2, 0, 0, 0, 0, 2]
    assert out["man_class"].astype(str).tolist() == [EXPECTED[c][0] for c in MAN_CODES]
    assert "revenue" not in out and "cost_per_lead" not in out


def test_wilson_interval_matches_scipy():
    from scipy.stats import binomtest

    df = pd.DataFrame({"man_class": ["qualified"] * 20 + ["lead"] * 7,
                       "man_code": ["MAN"] * 20 + ["Man"] * 7,
                       "converted": [True] * 13 + [False] * 7 + [False] * 7})
    for conf in (0.9, 0.95):
        out = man_conversion(df, revenue=None, cost=None, confidence=conf)
        for cls, k, n in (("qualified", 13, 20), ("lead", 0, 7)):
            ci = binomtest(k, n).proportion_ci(confidence_level=conf, method="wilson")
            assert out.loc[cls, "ci_low"] == pytest.approx(ci.low, abs=1e-9)
            assert out.loc[cls, "ci_high"] == pytest.approx(ci.high, abs=1e-9)


def test_man_conversion_errors():
    toy = toy_leads()
    with pytest.raises(CRMDataError, match="by must be 'man_class' or 'man_code'"):
        man_conversion(toy, by="class")
    with pytest.raises(CRMDataError, match="confidence must be a fraction"):
        man_conversion(toy, confidence=95)
    with pytest.raises(CRMDataError, match="'converted' must be True/False"):
        man_conversion(toy.assign(converted=["y"] * 7))
    with pytest.raises(CRMDataError, match="'cost' \\(contact cost\\) must not be negative"):
        man_conversion(toy.assign(cost=-1.0))
    with pytest.raises(CRMDataError, match="no column 'won'"):
        man_conversion(toy, converted="won")
    with pytest.raises(CRMDataError, match="no rows"):
        man_conversion(toy.iloc[:0])


def test_bundled_leads_class_predicts_conversion(leads):
    out = man_conversion(leads)
    # real numbers from the bundled data (MAN flags = score >= 6)
    assert out["leads"].tolist() == [297, 755, 708, 240]
    assert out["conversions"].tolist() == [5, 20, 113, 94]
    rate = out["conversion_rate"]
    assert rate["qualified"] > rate["prospect"] > rate["lead"] >= rate["non-target"]
    assert rate["qualified"] == pytest.approx(94 / 240)
    # the intervals of qualified and prospect do not overlap
    assert out.loc["qualified", "ci_low"] > out.loc["prospect", "ci_high"]
    # two-criteria prospects are worth contacting: expected value per lead >> contact cost
    assert (out.loc["prospect", "value_per_lead"]
            > 10 * out.loc["prospect", "cost_per_lead"])
    codes = man_conversion(leads, by="man_code")
    # need matters most: among the prospects, those without need convert least
    assert codes.loc["MAn", "conversion_rate"] < codes.loc["MaN", "conversion_rate"]
    assert codes.loc["MAn", "conversion_rate"] < codes.loc["mAN", "conversion_rate"]


# --------------------------------------------------------------------------- channel_summary


def channel_toy():
    return pd.DataFrame({
        "source_channel": ["fair", "fair", "fair", "web", "web", "mail", "mail"],
        "cost": [300.0, 300.0, 300.0, 20.0, 20.0, 5.0, 5.0],
        "converted": [True, True, False, True, False, False, False],
        "deal_value": [1500.0, 600.0, 999.0, 400.0, 0.0, 0.0, 0.0],
    })


def test_channel_summary_hand_computed():
    out = channel_summary(channel_toy())
    # roi: fair (2100 - 900) / 900 = 1.333; web (400 - 40) / 40 = 9; mail -1
    assert out.index.tolist() == ["web", "fair", "mail"]
    assert out.index.name == "source_channel"
    assert out.loc["fair"].to_dict() == pytest.approx({
        "leads": 3, "conversions": 2, "conversion_rate": 2 / 3, "total_cost": 900.0,
        "cost_per_lead": 300.0, "cost_per_acquisition": 450.0,
        "revenue": 2100.0,          # the 999 of the lost lead does not count
        "roi": 1200 / 900})
    assert out.loc["web", "cost_per_acquisition"] == 40.0
    assert out.loc["web", "roi"] == 9.0
    # zero conversions: CPA is NaN (documented), cost still counted, roi -100 %
    assert np.isnan(out.loc["mail", "cost_per_acquisition"])
    assert out.loc["mail", "conversion_rate"] == 0.0
    assert out.loc["mail", "total_cost"] == 10.0
    assert out.loc["mail", "roi"] == -1.0
    assert out["leads"].dtype == np.int64


def test_channel_summary_total_sort_and_no_value():
    out = channel_summary(channel_toy(), total=True, sort_by=None)
    assert out.index.tolist() == ["fair", "mail", "web", "total"]
    assert out.loc["total", "leads"] == 7
    assert out.loc["total", "cost_per_acquisition"] == pytest.approx(950 / 3)
    assert out.loc["total", "roi"] == pytest.approx((2500 - 950) / 950)
    by_cpa = channel_summary(channel_toy(), sort_by="cost_per_acquisition")
    assert by_cpa.index.tolist() == ["fair", "web", "mail"]  # descending, NaN last
    bare = channel_summary(channel_toy(), revenue=None)
    assert "revenue" not in bare and "roi" not in bare
    # a categorical channel keeps only channels with leads
    cat = channel_toy().assign(source_channel=pd.Categorical(
        channel_toy()["source_channel"], categories=["fair", "mail", "web", "tv"]))
    assert "tv" not in channel_summary(cat).index


def test_channel_summary_errors():
    toy = channel_toy()
    with pytest.raises(CRMDataError, match="'cost' \\(contact cost\\) must not be negative; "
                                           "1 values are, in row 0"):
        channel_summary(toy.assign(cost=[-1.0] + [1.0] * 6))
    with pytest.raises(CRMDataError, match="'converted' must be True/False"):
        channel_summary(toy.assign(converted=["won"] * 7))
    with pytest.raises(CRMDataError, match="'cost' must be numeric"):
        channel_summary(toy.assign(cost=["¥300"] * 7))
    with pytest.raises(CRMDataError, match="missing channels"):
        channel_summary(toy.assign(source_channel=[None] + ["web"] * 6))
    with pytest.raises(CRMDataError, match="cannot sort by 'cpa'"):
        channel_summary(toy, sort_by="cpa")
    with pytest.raises(CRMDataError, match="no rows"):
        channel_summary(toy.iloc[:0])
    with pytest.raises(CRMDataError, match="Did you mean channel='source_channel'"):
        channel_summary(toy, channel="source_chanel")


def test_channel_summary_on_bundled_leads(leads):
    out = channel_summary(leads, total=True)
    assert out.loc["total", "leads"] == 2000
    assert out.loc["total", "conversions"] == int(leads["converted"].sum())
    assert out.drop(index="total")["leads"].sum() == 2000
    assert out.loc["total", "total_cost"] == pytest.approx(leads["cost"].sum())


# --------------------------------------------------------------------------- lead_funnel


def test_lead_funnel_counts_by_hand():
    toy = pd.DataFrame({"stage": ["won", "new", "meeting", "new", "meeting", "contacted"]})
    out = lead_funnel(toy, stage="stage", stages=["new", "contacted", "meeting", "won"])
    assert out.index.tolist() == ["new", "contacted", "meeting", "won"]
    assert out["at_stage"].tolist() == [2, 1, 2, 1]
    assert out["reached"].tolist() == [6, 4, 3, 1]
    np.testing.assert_allclose(out["share_of_top"], [1, 4 / 6, 3 / 6, 1 / 6])
    np.testing.assert_allclose(out["step_conversion"], [np.nan, 4 / 6, 3 / 4, 1 / 3])


def test_lead_funnel_uses_ordered_categorical_and_empty_stages(leads):
    stages = pd.Categorical(["a", "a", "c"], categories=["a", "b", "c", "d"], ordered=True)
    out = lead_funnel(pd.DataFrame({"funnel_stage": stages}))
    assert out["reached"].tolist() == [3, 1, 1, 0]
    np.testing.assert_allclose(out["step_conversion"], [np.nan, 1 / 3, 1.0, 0.0])
    after_empty = lead_funnel(pd.DataFrame({"funnel_stage": pd.Categorical(
        ["a"], categories=["a", "b", "c"], ordered=True)}))
    assert np.isnan(after_empty.loc["c", "step_conversion"])  # 0 of 0 reached
    real = lead_funnel(leads)
    assert real["reached"].iloc[0] == 2000
    assert real.loc["won", "reached"] == int(leads["converted"].sum())


def test_lead_funnel_errors():
    toy = pd.DataFrame({"stage": ["new", "won", "lost"]})
    with pytest.raises(CRMDataError, match="not an ordered categorical.*stages="):
        lead_funnel(toy, stage="stage")
    with pytest.raises(CRMDataError, match="stages not in the order.*'lost'"):
        lead_funnel(toy, stage="stage", stages=["new", "won"])
    with pytest.raises(CRMDataError, match="each stage once"):
        lead_funnel(toy, stage="stage", stages=["new", "new"])
    with pytest.raises(CRMDataError, match="1 missing stages"):
        lead_funnel(pd.DataFrame({"stage": ["new", None]}), stage="stage", stages=["new"])
    with pytest.raises(CRMDataError, match="no rows"):
        lead_funnel(toy.iloc[:0], stage="stage", stages=["new"])


# --------------------------------------------------------------------------- properties

flags = st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()),
                 min_size=1, max_size=40)
score = st.floats(0, 10, allow_nan=False).map(lambda x: round(x, 1))


@settings(max_examples=50, deadline=None)
@given(flags)
def test_property_classes_partition_and_count_upper_case(rows):
    df = pd.DataFrame(rows, columns=["money", "authority", "need", "converted"])
    out = man_qualify(df)
    assert out["man_class"].notna().all()
    assert out["man_class"].value_counts().sum() == len(df)
    met = df[["money", "authority", "need"]].sum(axis=1)
    upper = out["man_code"].astype(str).map(lambda c: sum(ch.isupper() for ch in c))
    assert (upper == met).all()
    assert (out["man_class"].cat.codes == met).all()
    conv = man_conversion(out, revenue=None, cost=None)
    assert conv["leads"].sum() == len(df)
    rates = conv["conversion_rate"].dropna()
    assert ((rates >= 0) & (rates <= 1)).all()
    ok = conv["leads"] > 0
    assert (conv.loc[ok, "ci_low"] <= conv.loc[ok, "conversion_rate"] + 1e-12).all()
    assert (conv.loc[ok, "conversion_rate"] <= conv.loc[ok, "ci_high"] + 1e-12).all()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(score, score, score), min_size=1, max_size=30), score)
def test_property_graded_scores_threshold(rows, threshold):
    df = pd.DataFrame(rows, columns=["money", "authority", "need"])
    if df.isin([0, 1]).all().any():
        return  # 0/1-only columns are rejected as flags (tested above)
    out = man_qualify(df, thresholds=threshold)
    met = (df >= threshold).sum(axis=1)
    assert (out["man_class"].cat.codes == met).all()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["new", "contacted", "meeting", "proposal", "won"]),
                min_size=1, max_size=60))
def test_property_funnel_monotone(stages):
    order = ["new", "contacted", "meeting", "proposal", "won"]
    out = lead_funnel(pd.DataFrame({"s": stages}), stage="s", stages=order)
    assert out["reached"].is_monotonic_decreasing
    assert out["reached"].iloc[0] == len(stages)
    assert out["at_stage"].sum() == len(stages)
    steps = out["step_conversion"].dropna()
    assert ((steps >= 0) & (steps <= 1)).all()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]),
                          st.floats(0, 1000, allow_nan=False), st.booleans()),
                min_size=1, max_size=40))
def test_property_channel_rates(rows):
    df = pd.DataFrame(rows, columns=["source_channel", "cost", "converted"])
    out = channel_summary(df, revenue=None, total=True)
    body = out.drop(index="total")
    assert body["leads"].sum() == len(df)
    assert ((body["conversion_rate"] >= 0) & (body["conversion_rate"] <= 1)).all()
    assert body["total_cost"].sum() == pytest.approx(df["cost"].sum())
    assert (body["cost_per_acquisition"].isna() == (body["conversions"] == 0)).all()


# --------------------------------------------------------------------------- plots


def test_funnel_plot_has_one_bar_per_stage(leads):
    fig, ax = plt.subplots()
    assert plots.funnel(leads, ax=ax) is ax
    assert len(ax.patches) == 5
    widths = [p.get_width() for p in ax.patches]
    assert widths == lead_funnel(leads)["reached"].tolist()
    labels = sorted(ax.get_yticklabels(), key=lambda t: -t.get_position()[1])
    assert [t.get_text() for t in labels] == ["new", "contacted", "meeting", "proposal", "won"]
    ax2 = plots.funnel(lead_funnel(leads), ax=plt.subplots()[1])  # a funnel table works too
    assert len(ax2.patches) == 5


def test_man_matrix_has_eight_cells(leads):
    fig, ax = plt.subplots()
    assert plots.man_matrix(leads, ax=ax) is ax
    assert len(ax.patches) == 8
    texts = [t.get_text() for t in ax.texts]
    assert "MAN\nn = 240\n39.2%" in texts
    ax = plots.man_matrix(man_qualify(all_eight()).assign(v=1.0 * np.arange(8)), value="v",
                          colorbar=False, ax=plt.subplots()[1])
    assert "MAN\nn = 1\n0" in [t.get_text() for t in ax.texts]
    with pytest.raises(CRMDataError, match="must be True/False or numeric"):
        plots.man_matrix(all_eight().assign(converted="x"), ax=plt.subplots()[1])


def test_channel_chart_one_point_per_channel(leads):
    fig, ax = plt.subplots()
    assert plots.channel_chart(leads, ax=ax) is ax
    assert len(ax.collections[0].get_offsets()) == 6
    summary = channel_summary(channel_toy(), total=True)
    ax = plots.channel_chart(summary, ax=plt.subplots()[1])
    assert len(ax.collections[0].get_offsets()) == 2  # mail has no CPA, total dropped
    assert any("no conversions (no CPA): mail" in t.get_text() for t in ax.texts)


# --------------------------------------------------------------------------- widget


def test_man_explorer_reacts_to_sliders(leads):
    with contextlib.redirect_stdout(io.StringIO()):
        w = widgets.man_explorer(leads, show_matrix=False)
        first = w.result
        assert first["leads"].tolist() == [297, 755, 708, 240]
        w.children[0].value = 9.0      # stricter money threshold
        w.update()
    stricter = w.result
    assert stricter.attrs["man_thresholds"] == {"money": 9.0, "authority": 6.0, "need": 6.0}
    assert stricter.loc["qualified", "leads"] < first.loc["qualified", "leads"]
    assert stricter.loc["qualified", "conversions"] < first.loc["qualified", "conversions"]
    assert stricter["leads"].sum() == 2000


def test_man_explorer_draws_matrix_and_validates(leads):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        w = widgets.man_explorer(leads)
        w.children[2].value = 7.0
    assert "need >= 7" in out.getvalue()
    with contextlib.redirect_stdout(out):
        w.children[0].value = 10.0
        w.children[1].value = 10.0
    assert "no lead meets all three thresholds" in out.getvalue()
    assert w.result.loc["qualified", "leads"] == 0
    assert plt.get_fignums() == []  # figures are closed after display
    with pytest.raises(CRMDataError, match="man_explorer: no column 'money_score'"):
        widgets.man_explorer(leads.drop(columns="money_score"))


def test_public_names():
    assert {"funnel", "man_matrix", "channel_chart"} <= set(plots.__all__)
    assert "man_explorer" in widgets.__all__
    assert set(acquisition.__all__) >= {"man_qualify", "channel_summary", "lead_funnel",
                                        "man_conversion", "MAN_ACTIONS"}
