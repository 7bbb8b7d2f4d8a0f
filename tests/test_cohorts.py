"""Cohort retention: satisfaction.cohort_table and plots.cohort_heatmap.

Checked against a plain pandas reference (Period months, pivot_table with nunique) on
the CDNOW sample, whose customers all made their first purchase in January-March 1997
(Fader & Hardie's cohort), and on hypothesis-generated transaction logs.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import crmlab  # noqa: E402
from crmlab import CRMDataError, plots, satisfaction  # noqa: E402


def _reference(df: pd.DataFrame) -> pd.DataFrame:
    """Counts the way an analyst would write them: Period months and a pivot table."""
    d = df[df["amount"] >= 0].assign(m=lambda x: x["order_date"].dt.to_period("M"))
    first = d.groupby("customer_id")["m"].transform("min")
    since = (d["m"] - first).map(lambda off: off.n)
    d = d.assign(cohort=first.astype(str), since=since)
    return d.pivot_table(index="cohort", columns="since", values="customer_id",
                         aggfunc="nunique", fill_value=0)


@pytest.fixture(scope="module")
def cdnow():
    return crmlab.load_data("cdnow_sample")


def test_cdnow_cohorts_equal_the_pandas_reference(cdnow):
    counts = satisfaction.cohort_table(cdnow, share=False)
    assert counts.index.tolist() == ["1997-01", "1997-02", "1997-03"]
    assert counts.columns.tolist() == list(range(18))  # to June 1998
    assert counts[0].sum() == 2357 and counts.attrs["last_month"] == "1998-06"
    ref = _reference(cdnow)
    for cohort in counts.index:  # the reference has 0 where the month was not seen yet
        seen = counts.loc[cohort].dropna()
        np.testing.assert_array_equal(seen.to_numpy(dtype=int),
                                      ref.loc[cohort, seen.index].to_numpy())
    # the March cohort has had 16 months (April 1997 to June 1998) to come back, not 17
    assert counts.loc["1997-03"].isna().tolist() == [False] * 16 + [True, True]
    shares = satisfaction.cohort_table(cdnow)
    np.testing.assert_allclose(shares.to_numpy(dtype=float),
                               counts.to_numpy(dtype=float, na_value=np.nan)
                               / counts[[0]].to_numpy(dtype=float))
    assert shares.attrs["rows"] == len(cdnow) == shares.attrs["used"] + sum(
        shares.attrs["dropped"].values())


_logs = st.lists(
    st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 400),
              st.sampled_from([12.5, 0.0, 30.0, -5.0])),
    min_size=1, max_size=40)


@settings(max_examples=30, deadline=None)
@given(_logs)
def test_cohort_table_properties(rows):
    df = pd.DataFrame(rows, columns=["customer_id", "day", "amount"])
    df["order_date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(df.pop("day"), unit="D")
    before = df.copy()
    if (df["amount"] < 0).all():
        with pytest.raises(CRMDataError, match="no purchase rows"):
            satisfaction.cohort_table(df)
        return
    counts = satisfaction.cohort_table(df, share=False)
    pd.testing.assert_frame_equal(df, before)  # the input is not modified
    buyers = df.loc[df["amount"] >= 0, "customer_id"].nunique()
    assert counts[0].sum() == buyers
    # a cell is missing exactly when its month lies after the data's last month
    months = [pd.Period(c, "M") for c in counts.index]
    last = pd.Period(counts.attrs["last_month"], "M")
    assert last == df["order_date"].max().to_period("M")
    for i, cohort in enumerate(months):
        for k in counts.columns:
            assert pd.isna(counts.iat[i, k]) == (cohort + k > last)
    values = counts.to_numpy(dtype=float, na_value=np.nan)
    assert np.all((values <= values[:, [0]]) | np.isnan(values))
    ref = _reference(df).reindex(index=counts.index, columns=counts.columns, fill_value=0)
    np.testing.assert_array_equal(np.nan_to_num(values), ref.to_numpy())
    shuffled = satisfaction.cohort_table(df.sample(frac=1, random_state=0), share=False)
    pd.testing.assert_frame_equal(shuffled, counts)
    shares = satisfaction.cohort_table(df)
    assert (shares[0] == 1.0).all()
    assert counts.attrs["rows"] == len(df) == counts.attrs["used"] + sum(
        counts.attrs["dropped"].values())


def test_time_zones_count_local_months():
    df = pd.DataFrame({"customer_id": ["a", "a"], "amount": [1.0, 2.0],
                       "order_date": pd.to_datetime(["2024-01-31 23:30", "2024-02-01 00:30"])
                       .tz_localize("Asia/Shanghai")})
    assert satisfaction.cohort_table(df, share=False).columns.tolist() == [0, 1]


def test_cohort_table_errors_name_the_column_and_the_fix(cdnow):
    with pytest.raises(CRMDataError, match="cust"):
        satisfaction.cohort_table(cdnow, customer="cust")
    with pytest.raises(CRMDataError, match="order_date"):
        satisfaction.cohort_table(cdnow.assign(order_date=cdnow["order_date"].astype(str)))
    with pytest.raises(CRMDataError, match="share must be True"):
        satisfaction.cohort_table(cdnow, share="yes")
    # without an amount column every row is a purchase
    table = satisfaction.cohort_table(cdnow.drop(columns="amount"), amount=None)
    assert table.attrs["dropped"] == {}


def test_cohort_heatmap_returns_its_axes(cdnow):
    table = satisfaction.cohort_table(cdnow)
    fig, ax = plt.subplots()
    assert plots.cohort_heatmap(table, ax=ax) is ax
    finite = int(np.isfinite(table.to_numpy(dtype=float)).sum())
    assert len(ax.texts) == finite and ax.texts[0].get_text() == "100%"
    assert len(ax.images) == 1
    counts = satisfaction.cohort_table(cdnow, share=False)
    ax2 = plots.cohort_heatmap(counts, ax=plt.figure().gca(), annotate=False)
    assert len(ax2.texts) == 0 and "customers" in ax2.images[0].colorbar.ax.get_ylabel()
    with pytest.raises(CRMDataError, match="cohort_table"):
        plots.cohort_heatmap(pd.DataFrame())
    plt.close("all")
