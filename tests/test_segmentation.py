"""Tests of crmlab.segmentation (features, k-means, profiles, value, lifecycle, service plan),
its plots and its widget."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import contextlib  # noqa: E402
import io  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import crmlab  # noqa: E402
from crmlab import CRMDataError, plots, rfm, widgets  # noqa: E402
from crmlab import segmentation as sg  # noqa: E402

BEHAVIOUR = ["orders", "mean_basket", "recency_days", "online_share", "categories"]
LOGGED = ["orders", "mean_basket", "recency_days"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _log() -> pd.DataFrame:
    """Four customers, hand-checked (analysis date 2024-01-26).

    A: orders o1 and o2 (two lines, app), a return o3. B: one online order.
    C: four orders, three of them app/online, losing money. D: one order with a time.
    """
    rows = [
        ("A", "o1", "2024-01-01 00:00", 100.0, "store", "grocery", 20.0, 5.0),
        ("A", "o2", "2024-01-05 00:00", 50.0, "app", "fresh", 10.0, 8.0),
        ("A", "o2", "2024-01-05 00:00", 25.0, "app", "wine", 5.0, 0.0),
        ("A", "o3", "2024-01-20 00:00", -30.0, "store", "grocery", -6.0, 2.0),
        ("B", "o4", "2024-01-10 00:00", 200.0, "online", "electronics", 30.0, 25.0),
        ("C", "o5", "2024-01-02 00:00", 10.0, "app", "grocery", 2.0, 9.0),
        ("C", "o6", "2024-01-03 00:00", 20.0, "app", "grocery", 4.0, 9.0),
        ("C", "o7", "2024-01-04 00:00", 30.0, "online", "grocery", 6.0, 9.0),
        ("C", "o8", "2024-01-15 00:00", 40.0, "store", "fresh", 8.0, 1.0),
        ("D", "o9", "2024-01-25 18:30", 60.0, "store", "wine", 12.0, 3.0),
    ]
    df = pd.DataFrame(rows, columns=["customer_id", "order_id", "order_date", "amount",
                                     "channel", "category", "gross_profit", "cost_to_serve"])
    df["order_date"] = pd.to_datetime(df["order_date"])
    return df


def _members() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["A", "B", "C", "D", "E"],
                         "region": pd.Categorical(["N", "S", "S", "N", "E"]),
                         "age": [30, 40, 50, 60, 70]})


def _blobs(n: int = 30, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    """Three well-separated groups of customers; truth = 0 (biggest spend) .. 2."""
    rng = np.random.default_rng(seed)
    centres = [(50.0, 5000.0), (20.0, 2000.0), (2.0, 100.0)]
    parts, truth = [], []
    for g in (2, 0, 1):  # not in value order, so renumbering matters
        cx, cy = centres[g]
        parts.append(pd.DataFrame({"orders": cx + rng.normal(0, 1.0, n),
                                   "spend": cy + rng.normal(0, 50.0, n)}))
        truth += [g] * n
    f = pd.concat(parts, ignore_index=True)
    f.index = pd.Index([f"c{i:03d}" for i in range(len(f))], name="customer_id")
    return f, np.array(truth)


@pytest.fixture(scope="module")
def real():
    tx = crmlab.load_data("retail_transactions")
    cu = crmlab.load_data("retail_customers")
    features = sg.customer_features(tx, cu, order="order_id")
    return tx, cu, features


# --------------------------------------------------------------------- customer_features


def test_features_hand_computed_with_order_ids():
    f = sg.customer_features(_log(), order="order_id")
    assert f.index.name == "customer_id" and f.index.tolist() == ["A", "B", "C", "D"]
    assert f.attrs["analysis_date"] == pd.Timestamp("2024-01-26")
    assert f["orders"].tolist() == [2, 1, 4, 1]
    assert f["returns"].tolist() == [1, 0, 0, 0]
    assert f["spend"].tolist() == [145.0, 200.0, 100.0, 60.0]
    assert f["mean_basket"].tolist() == [87.5, 200.0, 25.0, 60.0]
    assert f["recency_days"].tolist() == [21.0, 16.0, 11.0, 1.0]  # A's return is no purchase
    assert f["tenure_days"].tolist() == [25.0, 16.0, 24.0, 1.0]
    assert f["online_share"].tolist() == [0.5, 1.0, 0.75, 0.0]  # app counts as online
    assert f["return_rate"].tolist() == [round(30 / 175, 4), 0.0, 0.0, 0.0]
    assert f["categories"].tolist() == [3, 1, 2, 1]
    assert f["gross_profit"].tolist() == [29.0, 30.0, 20.0, 12.0]
    assert f["cost_to_serve"].tolist() == [15.0, 25.0, 28.0, 3.0]
    assert f["profit"].tolist() == [14.0, 5.0, -8.0, 9.0]
    assert f["orders"].dtype == "int64" and f["categories"].dtype == "int64"
    assert f.attrs["no_purchase"] == 0 and f.attrs["skipped"] == [] and f.attrs["dropped"] == {}


def test_features_rows_as_orders_without_order_ids():
    f = sg.customer_features(_log())
    assert f.loc["A", "orders"] == 3  # the two lines of o2 are two rows
    assert f.loc["A", "mean_basket"] == round(175 / 3, 2)
    assert f.loc["A", "online_share"] == round(2 / 3, 4)


def test_features_agree_with_rfm_table():
    f = sg.customer_features(_log(), order="order_id")
    t = rfm.rfm_table(_log(), order="order_id")
    assert f["orders"].tolist() == t["frequency"].tolist()
    assert f["spend"].tolist() == t["monetary"].tolist()
    assert f["recency_days"].tolist() == t["recency"].astype(float).tolist()


def test_features_keep_members_without_orders_and_join_attributes():
    f = sg.customer_features(_log(), _members(), order="order_id")
    assert f.index.tolist() == ["A", "B", "C", "D", "E"]
    e = f.loc["E"]
    assert e["orders"] == 0 and e["returns"] == 0 and e["categories"] == 0
    assert e["spend"] == 0.0 and e["profit"] == 0.0
    for col in ("mean_basket", "recency_days", "tenure_days", "online_share", "return_rate"):
        assert np.isnan(e[col]), col
    assert e["region"] == "E" and e["age"] == 70
    assert f.attrs["no_purchase"] == 1 and f.attrs["not_in_customers"] == 0
    assert isinstance(f["region"].dtype, pd.CategoricalDtype)


def test_features_report_customers_missing_from_the_customer_table():
    f = sg.customer_features(_log(), _members().iloc[:2])
    assert f.attrs["not_in_customers"] == 2
    assert f.loc[["C", "D"], "region"].isna().all()


def test_features_customer_with_only_returns_has_no_purchase():
    tx = _log()
    extra = pd.DataFrame({"customer_id": ["F"], "order_id": ["o10"],
                          "order_date": pd.to_datetime(["2024-01-10"]), "amount": [-20.0],
                          "channel": ["store"], "category": ["wine"], "gross_profit": [-4.0],
                          "cost_to_serve": [2.0]})
    f = sg.customer_features(pd.concat([tx, extra], ignore_index=True))
    assert f.loc["F", "orders"] == 0 and f.loc["F", "returns"] == 1
    assert f.loc["F", "spend"] == -20.0 and f.loc["F", "profit"] == -6.0
    assert np.isnan(f.loc["F", "recency_days"]) and f.attrs["no_purchase"] == 1


def test_features_optional_columns_skipped_and_renamed():
    tx = _log()[["customer_id", "order_date", "amount"]]
    f = sg.customer_features(tx)
    assert f.attrs["skipped"] == ["online_share", "categories", "profit"]
    assert "profit" not in f.columns and "online_share" not in f.columns
    renamed = _log().rename(columns={"customer_id": "cust", "channel": "via"})
    g = sg.customer_features(renamed, customer="cust", channel="via", online=["online"])
    assert g.index.name == "cust"
    assert g["online_share"].tolist() == [0.0, 1.0, 0.25, 0.0]
    h = sg.customer_features(_log(), channel=None, category=None, gross_profit=None)
    assert h.attrs["skipped"] == ["online_share", "categories", "profit"]


def test_features_analysis_date_and_future_rows():
    f = sg.customer_features(_log(), analysis_date="2024-02-01")
    assert f.loc["D", "recency_days"] == 7.0
    with pytest.raises(CRMDataError, match="after the analysis date 2024-01-20"):
        sg.customer_features(_log(), analysis_date="2024-01-20")
    g = sg.customer_features(_log(), analysis_date="2024-01-20", future="drop")
    assert g.attrs["dropped"] == {"after analysis_date": 1}  # D on 01-25
    assert "D" not in g.index


def test_features_errors():
    with pytest.raises(CRMDataError, match="no rows"):
        sg.customer_features(_log().iloc[:0])
    with pytest.raises(CRMDataError, match="no column 'customer_id'. Columns present: cust"):
        sg.customer_features(_log().rename(columns={"customer_id": "cust"}))
    with pytest.raises(CRMDataError, match="no column 'via'"):
        sg.customer_features(_log(), channel="via")
    bad = _log().assign(cost_to_serve=lambda d: d["cost_to_serve"] * -1 - 1)
    with pytest.raises(CRMDataError, match="negative costs"):
        sg.customer_features(bad)
    twice = pd.concat([_members(), _members().iloc[:1]], ignore_index=True)
    with pytest.raises(CRMDataError, match="repeated ids"):
        sg.customer_features(_log(), twice)
    with pytest.raises(CRMDataError, match="same name as a feature"):
        sg.customer_features(_log(), _members().assign(orders=1))
    with pytest.raises(CRMDataError, match="future='keep' is not one of"):
        sg.customer_features(_log(), future="keep")
    with pytest.raises(CRMDataError, match="expected a pandas DataFrame"):
        sg.customer_features([1, 2, 3])


def test_features_do_not_mutate_input():
    tx, members = _log(), _members()
    tx0, m0 = tx.copy(), members.copy()
    sg.customer_features(tx, members, order="order_id")
    pd.testing.assert_frame_equal(tx, tx0)
    pd.testing.assert_frame_equal(members, m0)


# --------------------------------------------------------------------- segment_by


def test_segment_by_hand_computed():
    f = sg.customer_features(_log(), _members(), order="order_id")
    out = sg.segment_by(f, by="region", profit="profit")
    assert out.index.tolist() == ["E", "N", "S"]
    assert out["customers"].tolist() == [1, 2, 2]
    assert out["customer_share"].sum() == pytest.approx(1.0)
    assert out.loc["N", "mean_spend"] == pytest.approx((145 + 60) / 2)
    assert out.loc["S", "spend_share"] == pytest.approx(300 / 505)
    assert out.loc["S", "profit_share"] == pytest.approx(-3 / 20)
    assert out["spend_share"].sum() == pytest.approx(1.0)


def test_segment_by_two_attributes_and_missing_values():
    d = pd.DataFrame({"g": ["f", "m", "f", None], "t": [1, 1, 2, 2],
                      "spend": [10.0, 20.0, 30.0, 40.0]})
    out = sg.segment_by(d, by=["g", "t"])
    assert out["customers"].tolist() == [1, 1, 1]
    assert out.attrs["dropped"] == {"missing attribute": 1}
    with pytest.raises(CRMDataError, match="must be numeric"):
        sg.segment_by(d, by="t", revenue="g")
    with pytest.raises(CRMDataError, match="by is empty"):
        sg.segment_by(d, by=[])


# --------------------------------------------------------------------- k-means


def test_kmeans_recovers_blobs_with_value_ordered_labels():
    f, truth = _blobs()
    s = sg.kmeans_segments(f, columns=["orders", "spend"], k=3)
    assert s["segment"].tolist() == truth.tolist()
    assert s["segment"].dtype == "int64"
    assert s.attrs["k"] == 3 and s.attrs["order_by"] == "spend"
    model = sg.KMeansSegments(3, columns=["orders", "spend"]).fit(f)
    assert model.labels_.tolist() == truth.tolist()
    centres = model.centers_
    assert centres["spend"].round(-2).tolist() == [5000.0, 2000.0, 100.0]
    assert centres["orders"].round().tolist() == [50.0, 20.0, 2.0]
    assert model.silhouette_ > 0.9
    assert np.allclose(model.centers_scaled_.mean(), 0.0, atol=1e-9)


def test_kmeans_is_deterministic_and_independent_of_row_order():
    f, truth = _blobs()
    a = sg.kmeans_segments(f, columns=["orders", "spend"], k=3, random_state=7)
    b = sg.kmeans_segments(f, columns=["orders", "spend"], k=3, random_state=7)
    pd.testing.assert_frame_equal(a, b)
    shuffled = f.sample(frac=1.0, random_state=3)
    c = sg.kmeans_segments(shuffled, columns=["orders", "spend"], k=3)
    assert c["segment"].reindex(f.index).tolist() == truth.tolist()


def test_kmeans_scale_and_log_variants():
    f, truth = _blobs()
    for scale in ("standard", "minmax", None):
        s = sg.kmeans_segments(f, columns=["orders", "spend"], k=3, scale=scale)
        assert s["segment"].tolist() == truth.tolist(), scale
    g = sg.kmeans_segments(f, columns=["orders", "spend"], k=3, log=["spend"])
    assert g["segment"].tolist() == truth.tolist()
    assert g.attrs["log"] == ["spend"]
    # logged centres come back in yuan (a geometric-type mean)
    model = sg.KMeansSegments(3, columns=["orders", "spend"], log=["spend"]).fit(f)
    assert model.centers_["spend"].round(-2).tolist() == [5000.0, 2000.0, 100.0]


def test_kmeans_order_by_and_ties():
    f = pd.DataFrame({"x": [0.0, 0.1, 10.0, 10.1], "spend": [5.0, 5.0, 5.0, 5.0]})
    s = sg.kmeans_segments(f, columns=["x"], k=2)
    assert s["segment"].tolist() == [0, 0, 1, 1]  # equal spend: first customer first
    t = sg.kmeans_segments(f, columns=["x"], k=2, order_by="x")
    assert t["segment"].tolist() == [1, 1, 0, 0]


def test_kmeans_single_segment_and_k_equal_to_customers():
    f = pd.DataFrame({"x": [1.0, 2.0, 4.0]})
    one = sg.kmeans_segments(f, columns=["x"], k=1)
    assert one["segment"].tolist() == [0, 0, 0]
    assert np.isnan(sg.KMeansSegments(1, columns=["x"]).fit(f).silhouette_)
    three = sg.kmeans_segments(f, columns=["x"], k=3)
    assert three["segment"].tolist() == [2, 1, 0]


def test_kmeans_errors():
    f, _ = _blobs(n=3)
    with pytest.raises(CRMDataError, match="k=10 is larger than the number of distinct"):
        sg.kmeans_segments(f, columns=["orders", "spend"], k=10)
    dup = pd.DataFrame({"x": [1.0, 1.0, 1.0, 2.0]})
    with pytest.raises(CRMDataError, match=r"k=3 .* \(2 distinct feature rows among 4"):
        sg.kmeans_segments(dup, columns=["x"], k=3)
    with pytest.raises(CRMDataError, match="'name' in columns is not numeric"):
        sg.kmeans_segments(f.assign(name="x"), columns=["orders", "name"])
    with pytest.raises(CRMDataError, match=r"\['flat'\] have the same value for every customer"):
        sg.kmeans_segments(f.assign(flat=3.0), columns=["orders", "flat"], k=2)
    with pytest.raises(CRMDataError, match="cluster the buyers"):
        sg.kmeans_segments(f.assign(r=[np.nan] + [1.0] * 8), columns=["orders", "r"], k=2)
    with pytest.raises(CRMDataError, match="log1p is not defined"):
        sg.kmeans_segments(f.assign(p=np.arange(9) - 4.0), columns=["orders", "p"], log=["p"])
    with pytest.raises(CRMDataError, match="not among columns"):
        sg.kmeans_segments(f, columns=["orders"], log=["spend"], k=2)
    with pytest.raises(CRMDataError, match="scale='robust' is not one of 'standard', 'minmax'"):
        sg.kmeans_segments(f, columns=["orders"], scale="robust", k=2)
    with pytest.raises(CRMDataError, match="no column 'spnd'"):
        sg.kmeans_segments(f, columns=["orders", "spnd"], k=2)
    with pytest.raises(CRMDataError, match="no rows"):
        sg.kmeans_segments(f.iloc[:0], columns=["orders"], k=2)
    with pytest.raises(CRMDataError, match="columns is empty"):
        sg.kmeans_segments(f, columns=[], k=2)
    with pytest.raises(CRMDataError, match="already has a column 'segment'"):
        sg.kmeans_segments(f.assign(segment=1), columns=["orders"], k=2)
    with pytest.raises(CRMDataError, match="k=2.5 must be a whole number"):
        sg.kmeans_segments(f, columns=["orders"], k=2.5)
    with pytest.raises(CRMDataError, match="k=0 must be >= 1"):
        sg.kmeans_segments(f, columns=["orders"], k=0)
    with pytest.raises(CRMDataError, match="n_init=0 must be >= 1"):
        sg.kmeans_segments(f, columns=["orders"], k=2, n_init=0)
    with pytest.raises(CRMDataError, match="random_state must be a number, got str"):
        sg.kmeans_segments(f, columns=["orders"], k=2, random_state="seed")
    with pytest.raises(CRMDataError, match="sample_size=0.5 must be a whole number"):
        sg.choose_k(f, columns=["orders"], k_range=[2], sample_size=0.5)
    with pytest.raises(CRMDataError, match="threads=0 must be >= 1"):
        sg.choose_k(f, columns=["orders"], k_range=[2], threads=0)


def test_kmeans_does_not_mutate_input():
    f, _ = _blobs()
    f0 = f.copy()
    sg.kmeans_segments(f, columns=["orders", "spend"], k=3, log=["spend"])
    pd.testing.assert_frame_equal(f, f0)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 50),  # spend in cents, as money is
                          st.floats(0, 1000, allow_nan=False).map(lambda x: round(x, 2))),
                min_size=3, max_size=30),
       st.integers(1, 4))
def test_kmeans_labels_in_range_and_ordered_by_spend(rows, k):
    f = pd.DataFrame(rows, columns=["orders", "spend"]).astype(float)
    scaled = f.to_numpy()
    if len(np.unique(scaled, axis=0)) < k or (f.nunique() < 2).any():
        return
    s = sg.kmeans_segments(f, columns=["orders", "spend"], k=k, n_init=2)
    labels = s["segment"]
    assert labels.between(0, k - 1).all()
    means = s.groupby("segment")["spend"].mean()
    assert means.is_monotonic_decreasing


# --------------------------------------------------------------------- choose_k


def test_choose_k_finds_the_blobs():
    f, _ = _blobs()
    c = sg.choose_k(f, columns=["orders", "spend"], k_range=range(2, 7))
    assert c.shape == (5, 3) and c.columns.tolist() == ["k", "inertia", "silhouette"]
    assert c["k"].tolist() == [2, 3, 4, 5, 6]
    assert sg.KMeansChoice(range(2, 7), columns=["orders", "spend"]).fit(f).best_k_ == 3
    assert c.loc[c["k"] == 3, "silhouette"].item() == c["silhouette"].max()
    assert c["inertia"].is_monotonic_decreasing
    assert c["silhouette"].between(-1, 1).all()


def test_choose_k_errors():
    f, _ = _blobs(n=3)
    with pytest.raises(CRMDataError, match="at least 2 segments"):
        sg.choose_k(f, columns=["orders"], k_range=[1, 2])
    with pytest.raises(CRMDataError, match="k_range is empty"):
        sg.choose_k(f, columns=["orders"], k_range=[])
    with pytest.raises(CRMDataError, match="k in k_range=12 is larger"):
        sg.choose_k(f, columns=["orders"], k_range=[2, 12])


# --------------------------------------------------------------------- profiles and names


def test_segment_profiles_hand_computed():
    s = pd.DataFrame({"segment": [0, 0, 1, 1, 1], "orders": [10, 20, 1, 2, 3],
                      "spend": [300.0, 500.0, 100.0, 50.0, 50.0],
                      "profit": [30.0, 50.0, -10.0, 5.0, 5.0]})
    p = sg.segment_profiles(s)
    assert p.columns.tolist() == ["customers", "customer_share", "orders", "spend", "profit",
                                  "revenue_share", "profit_share"]
    assert p["customers"].tolist() == [2, 3]
    assert p["orders"].tolist() == [15.0, 2.0]
    assert p["revenue_share"].tolist() == [0.8, 0.2]
    assert p["profit_share"].tolist() == [80 / 80, 0.0]
    med = sg.segment_profiles(s, stat="median", columns=["spend"])
    assert med["spend"].tolist() == [400.0, 50.0]
    z = sg.segment_profiles(s, stat="z", columns=["orders"])
    sd = s["orders"].std(ddof=0)
    assert z["orders"].tolist() == pytest.approx([(15 - 7.2) / sd, (2 - 7.2) / sd])


def test_segment_profiles_uses_kmeans_columns_and_shares_sum_to_one():
    f, _ = _blobs()
    s = sg.kmeans_segments(f, columns=["orders"], k=3)
    p = sg.segment_profiles(s)
    assert p.columns.tolist() == ["customers", "customer_share", "orders", "spend",
                                  "revenue_share"]
    assert p["customer_share"].sum() == pytest.approx(1.0)
    assert p["revenue_share"].sum() == pytest.approx(1.0)
    with pytest.raises(CRMDataError, match="stat='max' is not one of 'mean', 'median', 'z'"):
        sg.segment_profiles(s, stat="max")


def test_name_segments_rules_and_unique_names():
    p = pd.DataFrame({"customers": [10, 30, 60, 10],
                      "orders": [40.0, 10.0, 2.0, 2.0],
                      "spend": [9000.0, 1500.0, 200.0, 200.0],
                      "recency_days": [5.0, 90.0, 300.0, 300.0],
                      "online_share": [0.8, 0.2, 0.1, 0.1],
                      "profit": [900.0, 150.0, 10.0, 10.0]})
    n = sg.name_segments(p)
    assert n["status"].tolist() == ["loyal", "regular", "lapsed", "lapsed"]
    assert n["spend_level"].tolist() == ["big", "mid", "small", "small"]
    assert n["persona"].tolist() == ["loyal online big spenders", "regular mid spenders",
                                     "lapsed small spenders #2", "lapsed small spenders #3"]
    assert n["persona_zh"].iloc[0] == "忠诚·线上·高消费客户"
    strict = sg.name_segments(p, rules={"lapsed_days": 400, "online": 0.9})
    assert strict["status"].tolist()[2:] == ["occasional", "occasional"]
    assert not strict["online"].any()
    with pytest.raises(CRMDataError, match="rule='big' is not one of 'lapsed_days'"):
        sg.name_segments(p, rules={"big": 2})
    with pytest.raises(CRMDataError, match="Did you mean 'online'"):
        sg.name_segments(p, rules={"onlin": 0.5})
    with pytest.raises(CRMDataError, match=r"rules\['high'\]=-1 must be >= 0"):
        sg.name_segments(p, rules={"high": -1})
    with pytest.raises(CRMDataError, match="rules must be a dict"):
        sg.name_segments(p, rules=[("high", 2)])


def test_service_plan_per_persona_and_value_class():
    p = pd.DataFrame({"customers": [10, 30, 60, 20], "orders": [40.0, 10.0, 2.0, 30.0],
                      "spend": [9000.0, 1500.0, 200.0, 2000.0],
                      "recency_days": [5.0, 90.0, 300.0, 10.0],
                      "online_share": [0.1, 0.2, 0.1, 0.9],
                      "profit": [900.0, 150.0, 10.0, -50.0]})
    plan = sg.service_plan(sg.name_segments(p))
    assert plan["service_level"].tolist() == ["VIP", "develop", "low-cost win-back",
                                              "cost-controlled"]
    assert plan["action_zh"].str.len().gt(5).all()
    v = sg.value_assessment(pd.DataFrame({"mean_basket": [1.0, 2.0, 3.0],
                                          "orders": [1, 2, 3],
                                          "profit": [-5.0, 10.0, 20.0],
                                          "spend": [10.0, 20.0, 70.0]}))
    table = sg.service_plan(v, by="value_class")
    assert table.index.tolist() == ["high", "medium", "low"]
    assert table["customers"].tolist() == [1, 1, 1]
    assert table["revenue_share"].tolist() == [0.7, 0.2, 0.1]
    assert table["service_level"].tolist() == ["premium", "standard", "basic"]
    with pytest.raises(CRMDataError, match="needs the output of name_segments"):
        sg.service_plan(p)
    with pytest.raises(CRMDataError, match="by='stage' is not one of 'persona', 'value_class'"):
        sg.service_plan(p, by="stage")


def test_renamed_keywords_still_work_for_one_release():
    """revenue= (the vocabulary's word) replaces value= and spend=; online_share= replaces
    name_segments(online=); value_class= replaces service_plan(value=)."""
    d = pd.DataFrame({"region": ["N", "S", "S"], "sales": [10.0, 20.0, 30.0]})
    new = sg.segment_by(d, by="region", revenue="sales")
    with pytest.warns(FutureWarning, match="value= is now revenue="):
        old = sg.segment_by(d, by="region", value="sales")
    pd.testing.assert_frame_equal(old, new)
    assert new.columns.tolist() == ["customers", "customer_share", "mean_sales", "sales_share"]
    with pytest.raises(CRMDataError, match="pass revenue= only"):
        sg.segment_by(d, by="region", value="sales", revenue="sales")

    p = pd.DataFrame({"customers": [10, 30], "orders": [40.0, 2.0], "sales": [9000.0, 200.0],
                      "recency_days": [5.0, 300.0], "web": [0.8, 0.1], "profit": [9.0, 1.0]})
    new = sg.name_segments(p, revenue="sales", online_share="web")
    assert new["persona"].tolist() == ["loyal online big spenders", "lapsed small spenders"]
    with pytest.warns(FutureWarning) as caught:
        old = sg.name_segments(p, spend="sales", online="web")
    assert sorted(str(w.message).split(":")[1].split(";")[0].strip() for w in caught) == [
        "the keyword online= is now online_share=", "the keyword spend= is now revenue="]
    pd.testing.assert_frame_equal(old, new)

    v = pd.DataFrame({"klass": ["high", "low"], "sales": [70.0, 30.0], "profit": [7.0, 3.0]})
    new = sg.service_plan(v, by="value_class", value_class="klass", revenue="sales")
    assert new.index.name == "klass" and new["revenue_share"].tolist()[::2] == [0.7, 0.3]
    with pytest.warns(FutureWarning):
        old = sg.service_plan(v, by="value_class", value="klass", spend="sales")
    pd.testing.assert_frame_equal(old, new)


# --------------------------------------------------------------------- value assessment


def test_value_assessment_hand_checked_at_the_cut_offs():
    f = pd.DataFrame({"orders": [1, 2, 3, 4, 5]}, index=list("abcde"))
    v = sg.value_assessment(f, potential=None, profitability=None, method="score",
                            cuts=(0.25, 0.75))
    assert v["loyalty_score"].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    # a score equal to a cut-off belongs to the class above it
    assert v["value_class"].tolist() == ["low", "medium", "medium", "high", "high"]
    assert v["value_class"].cat.ordered
    assert v["value_class"].cat.categories.tolist() == ["low", "medium", "high"]
    q = sg.value_assessment(f, potential=None, profitability=None)  # thirds
    assert q["value_class"].tolist() == ["low", "low", "medium", "high", "high"]
    assert q.attrs["cutoffs"] == pytest.approx((4 / 3 / 4, 8 / 3 / 4))


def test_value_assessment_weights_ties_missing_and_ordered_categories():
    f = pd.DataFrame({"mean_basket": [100.0, np.nan, 100.0, 300.0],
                      "income": pd.Categorical(["low", "high", "mid", "mid"],
                                               categories=["low", "mid", "high"],
                                               ordered=True),
                      "orders": [5, 0, 5, 9], "profit": [10.0, 0.0, -3.0, 40.0]})
    v = sg.value_assessment(f)
    assert v["potential_score"].tolist() == pytest.approx([0.5, 0.0, 0.5, 1.0])  # NaN lowest
    assert v["loyalty_score"].tolist() == pytest.approx([0.5, 0.0, 0.5, 1.0])
    inc = sg.value_assessment(f, potential="income", weights=(1, 0, 0))
    assert inc["potential_score"].tolist() == pytest.approx([0.0, 1.0, 0.5, 0.5])
    assert "loyalty_score" not in inc.columns
    assert inc["value_score"].tolist() == inc["potential_score"].tolist()
    one = sg.value_assessment(f.iloc[:1])
    assert one["value_score"].tolist() == [0.5] and one["value_class"].tolist() == ["high"]


def test_value_assessment_errors():
    f = pd.DataFrame({"orders": [1, 2], "mean_basket": [1.0, 2.0], "profit": [1.0, 2.0],
                      "region": ["N", "S"]})
    with pytest.raises(CRMDataError, match=r"cuts\[0\]=33 looks like a percentage.*pass 0.33, not"):
        sg.value_assessment(f, cuts=(33, 66))
    with pytest.raises(CRMDataError, match="must increase"):
        sg.value_assessment(f, cuts=(0.6, 0.3))
    with pytest.raises(CRMDataError, match="cuts must be two fractions"):
        sg.value_assessment(f, cuts=0.5)
    with pytest.raises(CRMDataError, match=r"weights\[1\]=-1 must be >= 0"):
        sg.value_assessment(f, weights=(1, -1, 1))
    with pytest.raises(CRMDataError, match="weights must be 3 non-negative"):
        sg.value_assessment(f, weights=(1, 1))
    with pytest.raises(CRMDataError, match="no dimension"):
        sg.value_assessment(f, potential=None, loyalty=None, profitability=None)
    with pytest.raises(CRMDataError, match="numeric or an ordered categorical"):
        sg.value_assessment(f, potential="region")
    with pytest.raises(CRMDataError, match="method='rank' is not one of 'quantile', 'score'"):
        sg.value_assessment(f, method="rank")
    with pytest.raises(CRMDataError, match="no rows"):
        sg.value_assessment(f.iloc[:0])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.floats(-100, 100, allow_nan=False)),
                min_size=1, max_size=40))
def test_value_classes_partition_customers(rows):
    f = pd.DataFrame(rows, columns=["orders", "profit"])
    v = sg.value_assessment(f, potential=None)
    assert v["value_class"].notna().all() and len(v) == len(f)
    assert v["value_score"].between(0, 1).all()
    # a higher score never gets a lower class
    codes = v["value_class"].cat.codes
    order = np.argsort(v["value_score"].to_numpy(), kind="stable")
    assert (np.diff(codes.to_numpy()[order]) >= 0).all()


# --------------------------------------------------------------------- lifecycle


def test_lifecycle_hand_checked_at_thresholds():
    f = pd.DataFrame({"orders": [0, 1, 1, 2, 11, 12, 12, 12, 30, 30],
                      "recency_days": [np.nan, 10, 181, 180, 5, 90, 91, 180, 181, 1]},
                     index=list("abcdefghij"))
    out = sg.lifecycle_stage(f)
    assert out["stage"].tolist() == ["prospect", "first-time", "lapsed", "repeat", "repeat",
                                     "loyal", "repeat", "repeat", "lapsed", "loyal"]
    assert out["stage"].cat.ordered
    assert out["stage"].cat.categories.tolist() == list(sg.LIFECYCLE_STAGES)
    other = sg.lifecycle_stage(f, loyal_orders=2, active_days=10, lapsed_days=100)
    assert other["stage"].tolist() == ["prospect", "first-time", "lapsed", "lapsed", "loyal",
                                       "repeat", "repeat", "lapsed", "lapsed", "loyal"]
    zh = sg.lifecycle_stage(f, language="zh")
    assert zh["stage"].tolist()[:3] == ["潜在客户", "新客户", "流失客户"]


def test_lifecycle_errors():
    f = pd.DataFrame({"orders": [1, 2], "recency_days": [5.0, np.nan]})
    with pytest.raises(CRMDataError, match="missing for 1 customers with orders"):
        sg.lifecycle_stage(f)
    with pytest.raises(CRMDataError, match="must not exceed lapsed_days"):
        sg.lifecycle_stage(f.fillna(1), active_days=200)
    with pytest.raises(CRMDataError, match="loyal_orders must be at least 2"):
        sg.lifecycle_stage(f.fillna(1), loyal_orders=1)
    with pytest.raises(CRMDataError, match="active_days=-5 must be >= 0"):
        sg.lifecycle_stage(f.fillna(1), active_days=-5)
    with pytest.raises(CRMDataError, match="lapsed_days must be a number, got str"):
        sg.lifecycle_stage(f.fillna(1), lapsed_days="180")
    with pytest.raises(CRMDataError, match="language='fr' is not one of 'en', 'zh'"):
        sg.lifecycle_stage(f.fillna(1), language="fr")
    with pytest.raises(CRMDataError, match="negative order counts"):
        sg.lifecycle_stage(pd.DataFrame({"orders": [-1], "recency_days": [3.0]}))
    with pytest.raises(CRMDataError, match="Did you mean recency='recency'"):
        sg.lifecycle_stage(pd.DataFrame({"orders": [1], "recency": [3.0]}))
    with pytest.raises(CRMDataError, match="no rows"):
        sg.lifecycle_stage(f.iloc[:0])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 700)), min_size=1, max_size=50),
       st.integers(2, 20), st.integers(0, 200), st.integers(0, 200))
def test_lifecycle_stages_partition_customers(rows, loyal, active, extra):
    f = pd.DataFrame(rows, columns=["orders", "recency_days"]).astype(float)
    f.loc[f["orders"] == 0, "recency_days"] = np.nan
    out = sg.lifecycle_stage(f, loyal_orders=loyal, active_days=active,
                             lapsed_days=active + extra)
    stage = out["stage"]
    assert stage.notna().all() and len(stage) == len(f)
    assert stage.value_counts().sum() == len(f)
    assert ((stage == "prospect") == (f["orders"] == 0)).all()
    assert (f.loc[stage == "first-time", "orders"] == 1).all()


def test_value_and_lifecycle_do_not_mutate_input():
    f = sg.customer_features(_log(), _members(), order="order_id")
    f0 = f.copy()
    sg.value_assessment(f)
    sg.lifecycle_stage(f)
    sg.segment_profiles(f.assign(segment=[0, 0, 1, 1, 1]))
    pd.testing.assert_frame_equal(f, f0)


# --------------------------------------------------------------------- bundled data


def test_real_features(real):
    tx, cu, f = real
    assert len(f) == 5000 and f.attrs["no_purchase"] == 143
    t = rfm.rfm_table(tx, order="order_id")
    buyers = f[f["orders"] > 0]
    assert buyers["orders"].tolist() == t["frequency"].tolist()
    assert buyers["spend"].tolist() == t["monetary"].tolist()
    assert buyers[BEHAVIOUR].notna().all().all()
    assert f["spend"].sum() == pytest.approx(tx["amount"].sum())


def test_real_segments_lifecycle_and_value(real):
    _, _, f = real
    buyers = f[f["orders"] > 0]
    s = sg.kmeans_segments(buyers, columns=BEHAVIOUR, k=5, log=LOGGED)
    assert s["segment"].value_counts().sort_index().tolist() == [1295, 939, 893, 975, 755]
    named = sg.name_segments(sg.segment_profiles(s))
    assert named["persona"].tolist() == [
        "loyal big spenders", "loyal online mid spenders", "lapsed mid spenders",
        "lapsed small spenders", "lapsed online small spenders"]
    stages = sg.lifecycle_stage(f)["stage"].value_counts(sort=False)
    assert stages.to_dict() == {"prospect": 143, "first-time": 163, "repeat": 1189,
                                "loyal": 2070, "lapsed": 1435}
    v = sg.value_assessment(f)
    assert v["value_class"].value_counts(sort=False).tolist() == [1667, 1666, 1667]


def test_real_choose_k(real):
    _, _, f = real
    buyers = f[f["orders"] > 0]
    c = sg.choose_k(buyers, columns=BEHAVIOUR, log=LOGGED)
    assert c["k"].tolist() == list(range(2, 9))
    assert c.loc[c["silhouette"].idxmax(), "k"] == 2
    assert c.attrs == {"columns": BEHAVIOUR, "log": LOGGED, "scale": "standard"}
    assert c["inertia"].is_monotonic_decreasing


# --------------------------------------------------------------------- plots


def test_plots_return_axes(real):
    f, _ = _blobs()
    s = sg.kmeans_segments(f, columns=["orders", "spend"], k=3)
    c = sg.choose_k(f, columns=["orders", "spend"], k_range=range(2, 5))
    fig, axes = plt.subplots(2, 2)
    ax = plots.elbow_silhouette(c, ax=axes[0, 0])
    assert ax is axes[0, 0]
    assert ax.lines[0].get_ydata().tolist() == c["inertia"].tolist()
    ax = plots.segment_profile_chart(s, ax=axes[0, 1], labels={0: "a", 1: "b", 2: "c"})
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert len(ax.texts) == 3 * 2
    ax = plots.segment_scatter(s, ax=axes[1, 0])
    assert len(ax.collections) == 3 and ax.get_yscale() == "log"
    ax = plots.segment_scatter(s.assign(spend=s["spend"] - 1000), ax=axes[1, 0])
    assert ax.get_yscale() == "symlog"
    staged = sg.lifecycle_stage(real[2])
    ax = plots.lifecycle_chart(staged, value="spend", ax=axes[1, 1])
    assert [int(p.get_height()) for p in ax.patches] == [143, 163, 1189, 2070, 1435]
    assert [t.get_text() for t in ax.get_xticklabels()] == list(sg.LIFECYCLE_STAGES)


# --------------------------------------------------------------------- widget


def test_kmeans_explorer_updates_result():
    f, _ = _blobs()
    with contextlib.redirect_stdout(io.StringIO()) as out:
        w = widgets.kmeans_explorer(f, columns=["orders", "spend"], k=2, plot=False,
                                    feature_sets={"both": ["orders", "spend"],
                                                  "orders": ["orders"]})
        assert len(w.result) == 2
        w.children[0].value = 3
        assert w.result["customers"].tolist() == [30, 30, 30]
        assert w.model.silhouette_ > 0.9
        w.children[1].value = "orders"
        assert w.result.columns.tolist()[:3] == ["customers", "customer_share", "orders"]
    assert "silhouette" in out.getvalue()
    assert w.children[0].min == 2 and w.children[0].max == 8


def test_kmeans_explorer_validates_first():
    f, _ = _blobs(n=3)
    with pytest.raises(CRMDataError, match="not numeric"):
        widgets.kmeans_explorer(f.assign(name="x"), columns=["name"])


def test_kmeans_explorer_is_fast_on_the_bundled_data(real):
    buyers = real[2][lambda d: d["orders"] > 0]
    with contextlib.redirect_stdout(io.StringIO()):
        w = widgets.kmeans_explorer(buyers, columns=BEHAVIOUR, log=LOGGED)
        times = []
        for k in (8, 3, 6):
            start = time.process_time()  # this process's CPU: other load adds nothing
            w.children[0].value = k
            times.append(time.process_time() - start)
    assert len(w.result) == 6
    assert statistics.median(times) < 1.0, times


def test_kmeans_runs_to_a_fixed_point_on_the_course_data(real):
    """tol=0: Lloyd's iterations go on until no customer changes segment, so the result
    is a fixed point (every customer nearest its own centre; each centre the mean of its
    customers) and does not depend on where a tolerance happened to stop the BLAS-driven
    iterations on a given CPU."""
    _, _, features = real
    buyers = features[features["orders"] > 0]
    columns = ["orders", "mean_basket", "recency_days", "online_share", "categories"]
    log = ["orders", "mean_basket", "recency_days"]
    model = sg.KMeansSegments(5, columns=columns, log=log).fit(buyers)
    X = buyers[columns].to_numpy(float).copy()
    for j, c in enumerate(columns):
        if c in log:
            X[:, j] = np.log1p(X[:, j])
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    centres = model.centers_scaled_[columns].to_numpy()
    labels = model.labels_.to_numpy()
    np.testing.assert_allclose(centres, [X[labels == j].mean(axis=0) for j in range(5)],
                               atol=1e-9)
    distances = ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    assert (distances.argmin(axis=1) == labels).all()
