"""Tests of crmlab.rfm (table, scores, segments, purchase cycle, profit), its plots and widget."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import crmlab  # noqa: E402
from crmlab import CRMDataError, plots, rfm, widgets  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _log() -> pd.DataFrame:
    """Four customers, hand-checked.

    A: two orders (o2 has two lines on 01-05) and a return on 01-20.
    B: one order. C: four orders. D: one order on the last day, with a time of day.
    """
    rows = [
        ("A", "o1", "2024-01-01 00:00", 100.0),
        ("A", "o2", "2024-01-05 00:00", 50.0),
        ("A", "o2", "2024-01-05 00:00", 25.0),
        ("A", "o3", "2024-01-20 00:00", -30.0),
        ("B", "o4", "2024-01-10 00:00", 200.0),
        ("C", "o5", "2024-01-02 00:00", 10.0),
        ("C", "o6", "2024-01-03 00:00", 20.0),
        ("C", "o7", "2024-01-04 00:00", 30.0),
        ("C", "o8", "2024-01-15 00:00", 40.0),
        ("D", "o9", "2024-01-25 18:30", 60.0),
    ]
    df = pd.DataFrame(rows, columns=["customer_id", "order_id", "order_date", "amount"])
    df["order_date"] = pd.to_datetime(df["order_date"])
    return df


def _table(recency, frequency, monetary, ids=None) -> pd.DataFrame:
    n = len(recency)
    ids = ids if ids is not None else [f"c{i}" for i in range(n)]
    return pd.DataFrame({"recency": recency, "frequency": frequency, "monetary": monetary},
                        index=pd.Index(ids, name="customer_id"))


# ---------------------------------------------------------------------------- rfm_table


def test_rfm_table_hand_computed():
    table = rfm.rfm_table(_log())
    assert table.attrs["analysis_date"] == pd.Timestamp("2024-01-26")
    assert table.index.name == "customer_id"
    assert table.index.tolist() == ["A", "B", "C", "D"]
    # A's last purchase is 01-05: the return on 01-20 is not a purchase date
    assert table["recency"].tolist() == [21, 16, 11, 1]
    assert table["frequency"].tolist() == [3, 1, 4, 1]  # rows (A's two lines of o2 count twice)
    assert table["monetary"].tolist() == [145.0, 200.0, 100.0, 60.0]  # net of the return
    assert table["recency"].dtype == "int64" and table["frequency"].dtype == "int64"
    assert table.attrs["returns"] == {"mode": "net", "rows": 1, "amount": -30.0}
    assert table.attrs["dropped"] == {}


def test_rfm_table_frequency_counts_distinct_orders():
    table = rfm.rfm_table(_log(), order="order_id")
    assert table["frequency"].tolist() == [2, 1, 4, 1]  # o1, o2 for A; the return o3 is no order


def test_rfm_table_returns_ignore_reports_dropped_rows():
    table = rfm.rfm_table(_log(), returns="ignore")
    assert table["monetary"].tolist() == [175.0, 200.0, 100.0, 60.0]
    assert table.attrs["dropped"] == {"returns": 1}
    assert table.attrs["returns"]["mode"] == "ignore"


def test_rfm_table_customer_with_only_returns_is_reported():
    log = pd.concat([_log(), pd.DataFrame({
        "customer_id": ["E"], "order_id": ["o10"],
        "order_date": pd.to_datetime(["2024-01-12"]), "amount": [-10.0]})], ignore_index=True)
    table = rfm.rfm_table(log)
    assert "E" not in table.index
    assert table.attrs["dropped"] == {"customers with only returns": 1}


def test_rfm_table_explicit_analysis_date():
    table = rfm.rfm_table(_log(), analysis_date="2024-01-31")
    assert table["recency"].tolist() == [26, 21, 16, 6]
    assert table.attrs["analysis_date"] == pd.Timestamp("2024-01-31")
    # a purchase on the analysis date itself has recency 0
    assert rfm.rfm_table(_log(), analysis_date="2024-01-25")["recency"].tolist()[-1] == 0


def test_rfm_table_future_rows_raise_or_drop():
    with pytest.raises(CRMDataError, match=r"1 of 10 rows in column 'order_date' are dated "
                       r"after the analysis date 2024-01-24: row 9 \('2024-01-25'\)"):
        rfm.rfm_table(_log(), analysis_date="2024-01-24")
    table = rfm.rfm_table(_log(), analysis_date="2024-01-24", future="drop")
    assert table.index.tolist() == ["A", "B", "C"]
    assert table["recency"].tolist() == [19, 14, 9]
    assert table.attrs["dropped"] == {"after analysis_date": 1}


def test_rfm_table_single_customer_and_other_column_names():
    log = pd.DataFrame({"cust": ["x", "x"], "when": pd.to_datetime(["2024-03-01", "2024-03-04"]),
                        "paid": [10.0, 5.5]})
    table = rfm.rfm_table(log, customer="cust", date="when", amount="paid")
    assert table.index.name == "cust"
    assert table.loc["x"].tolist() == [1, 2, 15.5]


def test_rfm_table_does_not_mutate_input():
    log = _log()
    before = log.copy()
    rfm.rfm_table(log, order="order_id", returns="ignore")
    pd.testing.assert_frame_equal(log, before)


def test_rfm_table_errors():
    with pytest.raises(CRMDataError, match="rfm_table: the table has no rows"):
        rfm.rfm_table(_log().iloc[:0])
    with pytest.raises(CRMDataError, match="engine 'polars' is not available yet"):
        rfm.rfm_table(_log(), engine="polars")
    with pytest.raises(CRMDataError, match="unknown engine 'excel'"):
        rfm.rfm_table(_log(), engine="excel")
    with pytest.raises(CRMDataError, match="returns='drop' is not one of 'net', 'ignore'"):
        rfm.rfm_table(_log(), returns="drop")
    with pytest.raises(CRMDataError, match=r"no column 'date'.*Did you mean date='order_date'"):
        rfm.rfm_table(_log(), date="date")
    with pytest.raises(CRMDataError, match="expected a pandas DataFrame, got str"):
        rfm.rfm_table("orders.csv")
    with pytest.raises(CRMDataError, match="no purchases left"):
        rfm.rfm_table(_log().assign(amount=-1.0))
    with pytest.raises(CRMDataError, match="must hold dates"):
        rfm.rfm_table(_log().assign(order_date="2024-01-01"))


# ---------------------------------------------------------------------------- rfm_scores

FREQ10 = [1, 1, 1, 1, 1, 1, 2, 2, 3, 9]  # 60% bought once


def test_scores_rank_first_hand_computed():
    t = _table([5, 40, 10, 300, 10], [8, 1, 1, 1, 3], [900.0, 50.0, 120.0, 30.0, 400.0],
               ids=list("abcde"))
    s = rfm.rfm_scores(t)
    # recency ties (c, e at 10 days) are broken by customer id: c gets the lower score
    assert s["r_score"].tolist() == [5, 2, 3, 1, 4]
    assert s["f_score"].tolist() == [5, 1, 2, 3, 4]
    assert s["m_score"].tolist() == [5, 2, 3, 1, 4]
    assert s["rfm_code"].tolist() == ["555", "212", "323", "131", "444"]
    assert s["rfm_sum"].tolist() == [15, 5, 8, 5, 12]
    assert s.attrs["collapsed"] == {} and s.attrs["method"] == "quantile"


def test_scores_frequency_ties_rank_first_vs_value():
    t = _table(list(range(10)), FREQ10, [float(i) for i in range(10)])
    first = rfm.rfm_scores(t)
    # equal-count bins split the six one-time buyers over scores 1, 2 and 3
    assert first["f_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert first.attrs["collapsed"] == {}
    value = rfm.rfm_scores(t, ties="value")
    # cut-offs (inner quintiles of frequency) are 1, 1, 1.4, 2.2: scores 2 and 3 stay empty
    assert value.attrs["cutoffs"]["frequency"] == [1.0, 1.0, 1.4, 2.2]
    assert value["f_score"].tolist() == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    assert value.attrs["collapsed"] == {"f_score": 3}
    assert value.attrs["notes"] == [
        "f_score uses 3 of 5 scores: equal frequency values share a score, and 60% of "
        "customers have frequency 1."]
    assert value.attrs["ties"] == "value"


def test_rank_first_ties_do_not_depend_on_row_order():
    t = _table(list(range(10)), FREQ10, [1.0] * 10)
    shuffled = t.sample(frac=1, random_state=7)
    a = rfm.rfm_scores(t)
    b = rfm.rfm_scores(shuffled).loc[t.index]
    pd.testing.assert_frame_equal(a[["r_score", "f_score", "m_score"]],
                                  b[["r_score", "f_score", "m_score"]])


def test_rank_first_equals_qcut_of_first_rank_when_n_divides():
    rng = np.random.default_rng(3)
    t = _table(rng.integers(0, 50, 60), rng.integers(1, 8, 60), rng.normal(100, 30, 60).round())
    s = rfm.rfm_scores(t, bins=4)
    ordered = t.assign(_id=t.index).sort_values(["frequency", "_id"])
    rank = pd.Series(np.arange(1, 61), index=ordered.index)
    expected = pd.qcut(rank, 4, labels=False) + 1
    assert (s["f_score"] == expected.loc[t.index]).all()


def test_value_ties_equal_pandas_qcut_on_distinct_values():
    rng = np.random.default_rng(5)
    money = rng.permutation(np.arange(1, 38)).astype(float) * 10
    t = _table(rng.permutation(37), rng.permutation(37) + 1, money)
    s = rfm.rfm_scores(t, ties="value")
    assert (s["m_score"] == pd.qcut(t["monetary"], 5, labels=False) + 1).all()
    assert (s["r_score"] == pd.qcut(-t["recency"], 5, labels=False) + 1).all()


def test_scores_all_equal_and_single_customer():
    t = _table([7] * 10, [2] * 10, [50.0] * 10)
    first = rfm.rfm_scores(t)
    assert first["f_score"].value_counts().sort_index().tolist() == [2, 2, 2, 2, 2]
    value = rfm.rfm_scores(t, ties="value")
    assert set(value["rfm_code"]) == {"111"}
    assert value.attrs["collapsed"] == {"r_score": 1, "f_score": 1, "m_score": 1}
    one = _table([3], [1], [9.0])
    assert rfm.rfm_scores(one)["rfm_code"].tolist() == ["333"]  # the middle score
    assert rfm.rfm_scores(one).attrs["notes"][0] == "r_score uses 1 of 5 scores: only 1 customers."
    assert rfm.rfm_scores(one, ties="value")["rfm_code"].tolist() == ["111"]


def test_scores_negative_monetary():
    t = _table([1, 2, 3], [1, 1, 1], [-20.0, 0.0, 35.5])
    assert rfm.rfm_scores(t, bins=3)["m_score"].tolist() == [1, 2, 3]


def test_scores_mean_split():
    t = _table([5, 40, 10, 300, 10], [8, 1, 1, 1, 3], [900.0, 50.0, 120.0, 30.0, 400.0])
    s = rfm.rfm_scores(t, method="mean")
    # means: recency 73, frequency 2.8, monetary 300
    assert s.attrs["means"] == {"recency": 73.0, "frequency": 2.8, "monetary": 300.0}
    assert s["rfm_code"].tolist() == ["222", "211", "211", "111", "222"]
    assert s.attrs["bins"] == {"r_score": 2, "f_score": 2, "m_score": 2}
    # a value equal to the mean counts as recent / high
    eq = rfm.rfm_scores(_table([10, 20], [2, 4], [5.0, 5.0]), method="mean")
    assert eq["rfm_code"].tolist() == ["212", "122"]


def test_scores_fixed_thresholds():
    t = _table([30, 31, 90, 91, 400], [1, 2, 4, 5, 20], [99.9, 100.0, 500.0, 1000.0, 5.0])
    cuts = {"recency": [30, 90], "frequency": [2, 5], "monetary": [100, 1000]}
    s = rfm.rfm_scores(t, thresholds=cuts)
    assert s.attrs["method"] == "thresholds"
    assert s["r_score"].tolist() == [3, 2, 2, 1, 1]  # <=30 days: 3, <=90: 2, older: 1
    assert s["f_score"].tolist() == [1, 2, 2, 3, 3]  # >=2 orders: 2, >=5: 3
    assert s["m_score"].tolist() == [1, 2, 2, 3, 1]
    assert s.attrs["bins"] == {"r_score": 3, "f_score": 3, "m_score": 3}
    assert s.attrs["cutoffs"]["monetary"] == [100.0, 1000.0]


def test_scores_errors_and_no_mutation():
    t = _table([1, 2], [1, 2], [1.0, 2.0])
    before = t.copy()
    rfm.rfm_scores(t, ties="value")
    pd.testing.assert_frame_equal(t, before)
    assert t.attrs == {}
    for bad in (1, 10, 2.5, True):
        with pytest.raises(CRMDataError, match="bins must be a whole number from 2 to 9"):
            rfm.rfm_scores(t, bins=bad)
    with pytest.raises(CRMDataError, match="ties must be 'rank-first' or 'value'"):
        rfm.rfm_scores(t, ties="average")
    with pytest.raises(CRMDataError, match="method must be"):
        rfm.rfm_scores(t, method="kmeans")
    with pytest.raises(CRMDataError, match="thresholds must be a dict with the keys"):
        rfm.rfm_scores(t, thresholds={"recency": [30]})
    with pytest.raises(CRMDataError, match=r"thresholds\['frequency'\] must be 1 to 8 strictly"):
        rfm.rfm_scores(t, thresholds={"recency": [30], "frequency": [5, 2], "monetary": [1]})
    with pytest.raises(CRMDataError, match="only used with method='thresholds'"):
        rfm.rfm_scores(t, method="mean", thresholds={"recency": [1]})
    with pytest.raises(CRMDataError, match="method='thresholds' needs thresholds"):
        rfm.rfm_scores(t, method="thresholds")
    with pytest.raises(CRMDataError, match="the table has no rows"):
        rfm.rfm_scores(t.iloc[:0])
    with pytest.raises(CRMDataError, match="no column 'frequency'"):
        rfm.rfm_scores(t.drop(columns="frequency"))


# ---------------------------------------------------------------------------- segments

RF10_NAMES = ["Champions", "Loyal Customers", "Potential Loyalists", "New Customers",
              "Promising", "Need Attention", "About to Sleep", "At Risk", "Can't Lose Them",
              "Hibernating"]


def test_rf10_is_a_complete_partition_of_the_25_cells():
    cells = [f"{r}{f}" for r in range(1, 6) for f in range(1, 6)]
    for cell in cells:
        hits = [name for pat, name in rfm.RF10_PATTERNS.items() if re.fullmatch(pat, cell)]
        assert len(hits) == 1, (cell, hits)
    assert sorted(rfm.RF10_PATTERNS.values()) == sorted(RF10_NAMES)
    sizes = {name: sum(bool(re.fullmatch(p, c)) for c in cells)
             for p, name in rfm.RF10_PATTERNS.items()}
    assert sizes == {"Hibernating": 4, "At Risk": 4, "Can't Lose Them": 2, "About to Sleep": 2,
                     "Need Attention": 1, "Loyal Customers": 4, "Promising": 1,
                     "New Customers": 1, "Potential Loyalists": 4, "Champions": 2}


def test_rf10_segments_on_every_cell():
    grid = pd.DataFrame([(r, f) for r in range(1, 6) for f in range(1, 6)],
                        columns=["r_score", "f_score"])
    seg = rfm.rfm_segments(grid)
    assert seg["segment"].cat.categories.tolist() == RF10_NAMES
    named = dict(zip(grid["r_score"].astype(str) + grid["f_score"].astype(str),
                     seg["segment"], strict=True))
    assert named["55"] == "Champions" and named["51"] == "New Customers"
    assert named["41"] == "Promising" and named["33"] == "Need Attention"
    assert named["15"] == "Can't Lose Them" and named["11"] == "Hibernating"
    assert named["34"] == "Loyal Customers" and named["53"] == "Potential Loyalists"
    assert named["32"] == "About to Sleep" and named["24"] == "At Risk"
    zh = rfm.rfm_segments(grid, language="zh")["segment"]
    assert zh.iloc[-1] == "冠军客户" and zh.iloc[0] == "沉睡客户"
    assert zh.notna().all()


def test_rf10_scores_an_unscored_table_and_needs_five_bins():
    t = _table([5, 40, 10, 300, 10], [8, 1, 1, 1, 3], [900.0, 50.0, 120.0, 30.0, 400.0],
               ids=list("abcde"))
    seg = rfm.rfm_segments(t)
    assert seg["segment"].tolist() == ["Champions", "Hibernating", "About to Sleep", "At Risk",
                                       "Loyal Customers"]
    with pytest.raises(CRMDataError, match="needs R and F scores on a 1-5 scale"):
        rfm.rfm_segments(rfm.rfm_scores(t, bins=4))
    with pytest.raises(CRMDataError, match="needs R and F scores on a 1-5 scale"):
        rfm.rfm_segments(rfm.rfm_scores(t, method="mean"))
    with pytest.raises(CRMDataError, match="scheme must be 'rf10' or 'cn8'"):
        rfm.rfm_segments(t, scheme="rfm11")
    with pytest.raises(CRMDataError, match="language must be 'en' or 'zh'"):
        rfm.rfm_segments(t, language="fr")


def test_cn8_hand_computed_all_eight_segments():
    # means: recency 55, frequency 5.5, monetary 505
    t = _table([10, 100, 10, 100, 10, 100, 10, 100], [10, 10, 1, 1, 10, 10, 1, 1],
               [1000.0] * 4 + [10.0] * 4)
    zh = rfm.rfm_segments(t, scheme="cn8", language="zh")
    assert zh["segment"].tolist() == ["重要价值", "重要保持", "重要发展", "重要挽留",
                                      "一般价值", "一般保持", "一般发展", "一般挽留"]
    assert zh.attrs["means"] == {"recency": 55.0, "frequency": 5.5, "monetary": 505.0}
    en = rfm.rfm_segments(t, scheme="cn8")
    assert en["segment"].tolist()[:4] == ["important value", "important retention",
                                          "important development", "important win-back"]
    # on a scored frame cn8 uses the raw columns, not the scores
    assert rfm.rfm_segments(rfm.rfm_scores(t), scheme="cn8")["segment"].tolist() == \
        en["segment"].tolist()


def test_segment_guide_covers_both_schemes():
    guide = rfm.SEGMENT_GUIDE
    assert guide.loc[guide["scheme"] == "rf10", "segment"].tolist() == RF10_NAMES
    assert guide.loc[guide["scheme"] == "cn8", "segment_zh"].tolist() == [
        "重要价值", "重要保持", "重要发展", "重要挽留",
        "一般价值", "一般保持", "一般发展", "一般挽留"]
    assert guide["action"].str.len().gt(10).all()


def test_segment_summary_and_rf_grid():
    t = _table([5, 40, 10, 300, 10], [8, 1, 1, 1, 3], [900.0, 50.0, 120.0, 30.0, 400.0])
    seg = rfm.rfm_segments(t)
    summary = rfm.segment_summary(seg)
    assert summary.index.tolist() == RF10_NAMES  # empty segments kept, in order
    assert summary["customers"].sum() == 5
    assert summary["customer_share"].sum() == pytest.approx(1.0)
    assert summary["value_share"].sum() == pytest.approx(1.0)
    assert summary.loc["Champions", "value_share"] == pytest.approx(900 / 1500)
    grid = rfm.rf_grid(seg, value=None)
    assert grid.shape == (5, 5) and grid.to_numpy().sum() == 5
    assert grid.index.tolist() == [5, 4, 3, 2, 1]
    assert rfm.rf_grid(seg).loc[5, 5] == 900.0


# ---------------------------------------------------------------------------- purchase cycle


def _cycle_log():
    rows = [("a", "2024-01-01", 50.0), ("a", "2024-01-11", 60.0), ("a", "2024-01-21", 55.0),
            ("a", "2024-01-21", 5.0),  # same day: merged
            ("b", "2024-01-01", 20.0), ("b", "2024-01-08", 30.0), ("b", "2024-01-15", 30.0),
            ("c", "2024-01-20", 40.0), ("c", "2024-01-22", -40.0),  # a return: not a purchase
            ("d", "2023-06-01", 10.0), ("d", "2023-06-05", 10.0), ("d", "2023-06-12", 10.0),
            ("e", "2024-01-05", 10.0), ("e", "2024-01-15", 10.0), ("e", "2024-01-25", 10.0)]
    df = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    df["order_date"] = pd.to_datetime(df["order_date"])
    return df


def test_purchase_cycle_hand_computed():
    cyc = rfm.purchase_cycle(_cycle_log(), analysis_date="2024-01-25")
    assert cyc["purchase_dates"].tolist() == [3, 3, 1, 3, 3]
    assert cyc["median_interval"].tolist()[:2] == [10.0, 7.0]
    assert cyc.loc["d", "mean_interval"] == 5.5  # gaps 4 and 7
    assert cyc.loc["d", "median_interval"] == 5.5
    assert cyc.loc["a", "next_expected"] == pd.Timestamp("2024-01-31")
    assert cyc["days_until_due"].tolist()[:2] == [6, -3]
    assert cyc.loc["d", "days_since_last"] == 227
    assert cyc["status"].tolist() == ["due soon", "overdue", "not enough history", "lapsed",
                                      "not due yet"]
    assert cyc.attrs["dropped"] == {"returns": 1}
    # d's median 5.5 rounds half up to 6 days; e is due in 10 days, beyond the 7-day window
    assert cyc.loc["d", "next_expected"] == pd.Timestamp("2023-06-18")
    assert cyc.loc["e", "days_until_due"] == 10


def test_purchase_cycle_options_and_errors():
    log = _cycle_log()
    assert rfm.purchase_cycle(log, analysis_date="2024-01-25", due_window=11) \
        .loc["e", "status"] == "due soon"
    all_rows = rfm.purchase_cycle(log, amount=None, analysis_date="2024-01-25")
    assert all_rows.loc["c", "purchase_dates"] == 2 and all_rows.attrs["dropped"] == {}
    default = rfm.purchase_cycle(log)
    assert default.attrs["analysis_date"] == pd.Timestamp("2024-01-26")
    with pytest.raises(CRMDataError, match="dated after the analysis date 2024-01-20"):
        rfm.purchase_cycle(log, analysis_date="2024-01-20")
    dropped = rfm.purchase_cycle(log, analysis_date="2024-01-20", future="drop")
    assert dropped.attrs["dropped"]["after analysis_date"] == 4
    with pytest.raises(CRMDataError, match="min_orders must be a whole number >= 2"):
        rfm.purchase_cycle(log, min_orders=1)
    with pytest.raises(CRMDataError, match="the table has no rows"):
        rfm.purchase_cycle(log.iloc[:0])
    before = log.copy()
    rfm.purchase_cycle(log)
    pd.testing.assert_frame_equal(log, before)


# ---------------------------------------------------------------------------- profit


def test_customer_profit_hand_computed():
    tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b", "b"],
                       "order_id": ["1", "2", "3", "4", "5"],
                       "amount": [40.0, 30.0, -30.0, 900.0, 100.0],
                       "gross_profit": [8.0, 6.0, -6.0, 90.0, 10.0],
                       "cost_to_serve": [26.0, 26.0, 40.0, 12.0, 3.0]})
    p = rfm.customer_profit(tx)
    assert p["orders"].tolist() == [3, 2] and p["returns"].tolist() == [1, 0]
    assert p["revenue"].tolist() == [40.0, 1000.0]
    assert p["profit"].tolist() == [-84.0, 85.0]
    assert p["profit_per_order"].tolist() == [-28.0, 42.5]
    assert p["margin"].tolist() == [-2.1, 0.085]
    with pytest.raises(CRMDataError, match=r"'cost_to_serve' has 1 negative costs in row 0"):
        rfm.customer_profit(tx.assign(cost_to_serve=[-1.0, 1, 1, 1, 1]))
    with pytest.raises(CRMDataError, match="no column 'gross_profit'"):
        rfm.customer_profit(tx.drop(columns="gross_profit"))


# ---------------------------------------------------------------------------- properties

tables = st.integers(1, 60).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 400), min_size=n, max_size=n),
    st.lists(st.integers(1, 12), min_size=n, max_size=n),
    st.lists(st.floats(-100, 5000, allow_nan=False).map(lambda x: round(x, 2)),
             min_size=n, max_size=n),
)).map(lambda cols: _table(*cols))


@settings(max_examples=50, deadline=None)
@given(t=tables, bins=st.integers(2, 9), ties=st.sampled_from(["rank-first", "value"]))
def test_scores_properties(t, bins, ties):
    s = rfm.rfm_scores(t, bins=bins, ties=ties)
    n = len(t)
    for col in ("r_score", "f_score", "m_score"):
        assert s[col].between(1, bins).all()
        if ties == "rank-first":
            counts = s[col].value_counts().reindex(range(1, bins + 1), fill_value=0)
            assert (abs(counts - n / bins) < 1).all()
        else:  # equal values always share a score
            raw = {"r_score": "recency", "f_score": "frequency", "m_score": "monetary"}[col]
            assert (s.groupby(raw)[col].nunique() == 1).all()
    # r_score never increases with recency; f and m never decrease with their value
    by_r = s.sort_values(["recency", "r_score"], ascending=[True, False])["r_score"]
    assert (np.diff(by_r.to_numpy()) <= 0).all()
    by_f = s.sort_values(["frequency", "f_score"])["f_score"]
    assert (np.diff(by_f.to_numpy()) >= 0).all()
    assert set(s["rfm_code"].str.len()) == {3}


@settings(max_examples=50, deadline=None)
@given(t=tables, scheme=st.sampled_from(["rf10", "cn8"]), language=st.sampled_from(["en", "zh"]))
def test_segments_partition_customers(t, scheme, language):
    seg = rfm.rfm_segments(t, scheme=scheme, language=language)
    assert seg.index.equals(t.index)
    assert seg["segment"].notna().all()
    assert seg["segment"].value_counts().sum() == len(t)
    assert len(seg["segment"].cat.categories) == (10 if scheme == "rf10" else 8)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcde"), st.integers(0, 30),
                          st.floats(0, 500).map(lambda x: round(x, 2))), min_size=1, max_size=40))
def test_rfm_table_properties(rows):
    df = pd.DataFrame(rows, columns=["customer_id", "day", "amount"])
    df["order_date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(df["day"], unit="D")
    table = rfm.rfm_table(df)
    assert table["frequency"].sum() == len(df)
    assert table["monetary"].sum() == pytest.approx(df["amount"].sum(), abs=0.05)
    assert table["recency"].min() == 1
    assert set(table.index) == set(df["customer_id"])


# ---------------------------------------------------------------------------- plots, widget


def test_plots_return_axes():
    t = _table([5, 40, 10, 300, 10], [8, 1, 1, 1, 3], [900.0, 50.0, 120.0, 30.0, 400.0])
    seg = rfm.rfm_segments(t)
    fig, ax = plt.subplots()
    assert plots.rfm_heatmap(seg, ax=ax) is ax
    assert len(ax.texts) == 25 and ax.get_xlabel().startswith("F score")
    fig, ax = plt.subplots()
    assert plots.rfm_heatmap(seg, value=None, ax=ax) is ax
    assert sorted(t.get_text() for t in ax.texts).count("0") == 20
    fig, ax = plt.subplots()
    assert plots.segment_chart(seg, ax=ax) is ax
    assert len(ax.patches) == 20 and len(ax.get_yticklabels()) == 10
    fig, ax = plt.subplots()
    assert plots.score_distribution(seg, ax=ax) is ax and len(ax.patches) == 15
    fig, ax = plt.subplots()
    assert plots.recency_frequency(seg, hue="segment", ax=ax) is ax


def test_explorer_shows_collapse_with_value_ties():
    table = rfm.rfm_table(crmlab.load_data("cdnow_sample"))
    w = widgets.rfm_explorer(table)
    assert w.result.attrs["collapsed"] == {}
    w.children[1].value = "value"
    assert w.result.attrs["collapsed"] == {"f_score": 4}
    w.children[0].value = 4
    assert w.result.attrs["bins"]["f_score"] == 4
    assert w.result.attrs["collapsed"] == {"f_score": 3}
    w.children[0].value = 3  # with three bins every score is used again
    assert w.result.attrs["collapsed"] == {}
    assert w.result["f_score"].between(1, 3).all()


# ---------------------------------------------------------------------------- bundled data


@pytest.fixture(scope="module")
def retail():
    return crmlab.load_data("retail_transactions")


def test_retail_rfm_numbers(retail):
    table = rfm.rfm_table(retail, order="order_id")
    assert len(table) == 4857
    assert table.attrs["analysis_date"] == pd.Timestamp("2026-01-01")
    assert table.attrs["returns"] == {"mode": "net", "rows": 3966, "amount": -1524025.56}
    assert table.attrs["dropped"] == {}
    assert table["recency"].mean() == pytest.approx(143.44, abs=0.01)
    assert table["frequency"].sum() == 144607
    assert table["monetary"].sum() == pytest.approx(51_050_045.94, abs=0.01)
    s = rfm.rfm_scores(table)
    assert s["f_score"].value_counts().sort_index().tolist() == [971, 972, 971, 972, 971]
    seg = rfm.rfm_segments(s)["segment"].value_counts()
    assert seg["Champions"] == 690 and seg["Hibernating"] == 1178
    cn8 = rfm.rfm_segments(table, scheme="cn8", language="zh")["segment"].value_counts()
    assert cn8["重要价值"] == 797 and cn8["一般发展"] == 1699


def test_retail_cycle_and_profit_numbers(retail):
    cyc = rfm.purchase_cycle(retail)
    assert cyc["status"].value_counts(sort=False).to_dict() == {
        "due soon": 902, "overdue": 957, "not due yet": 578, "lapsed": 1718,
        "not enough history": 702}
    profit = rfm.customer_profit(retail)
    assert (profit["profit"] < 0).sum() == 699
    assert profit["profit"].sum() == pytest.approx(5_406_493.38, abs=0.01)


def test_cdnow_sample_rfm_numbers():
    table = rfm.rfm_table(crmlab.load_data("cdnow_sample"))
    assert len(table) == 2357
    assert table.attrs["analysis_date"] == pd.Timestamp("1998-07-01")
    assert table["recency"].mean() == pytest.approx(372.56, abs=0.01)
    assert (table["frequency"] == 1).sum() == 1205
    value = rfm.rfm_scores(table, ties="value")
    assert value.attrs["collapsed"] == {"f_score": 4}
    assert value.attrs["cutoffs"]["frequency"] == [1.0, 1.0, 2.0, 4.0]
