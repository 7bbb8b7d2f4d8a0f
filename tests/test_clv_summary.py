"""Tests of the Fader-Hardie summary, crmlab.clv.summary_from_transactions and
calibration_holdout: by hand, properties, and equality with lifetimes 0.11.3 when it is
installed.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crmlab
from crmlab import CRMDataError, clv

CAL_END, OBS_END = "1997-09-30", "1998-06-30"


@pytest.fixture(scope="module")
def cdnow():
    return crmlab.load_data("cdnow_sample")


def _log() -> pd.DataFrame:
    """Hand-checked log; 2024-01-01 is a Monday, observation end Wed 2024-01-31.

    A: 01-01 twice (10 + 5, merged), Wed 01-03 (20), Wed 01-10 (40), Wed 01-24 (30).
    B: Sun 01-07 (8) and Mon 01-08 (12): different weeks. C: Sat 01-20 only.
    D: first seen after the observation end. A also buys on Thu 02-01 (after the end,
    but in the same week).
    """
    rows = [("A", "2024-01-01 09:00", 10.0), ("A", "2024-01-01 17:30", 5.0),
            ("A", "2024-01-03", 20.0), ("A", "2024-01-10", 40.0), ("A", "2024-01-24", 30.0),
            ("B", "2024-01-07", 8.0), ("B", "2024-01-08", 12.0), ("C", "2024-01-20", 50.0),
            ("D", "2024-02-10", 9.0), ("A", "2024-02-01", 100.0)]
    df = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    df["order_date"] = pd.to_datetime(df["order_date"], format="ISO8601")
    return df



# ------------------------------------------------------------------------------ summary


def test_summary_by_day_by_hand():
    s = clv.summary_from_transactions(_log(), amount="amount", observation_end="2024-01-31")
    assert s.index.tolist() == ["A", "B", "C"]
    assert s.loc["A"].tolist() == [3.0, 23.0, 30.0, 30.0]  # repeats 20, 40, 30
    assert s.loc["B"].tolist() == [1.0, 1.0, 24.0, 12.0]
    assert s.loc["C"].tolist() == [0.0, 0.0, 11.0, 0.0]
    assert s.attrs["observation_end"] == pd.Timestamp("2024-01-31")
    assert (s.attrs["freq"], s.attrs["unit"]) == ("D", "D")
    assert s.attrs["dropped"] == {"purchases after observation_end": 2,
                                  "customers first seen after observation_end": 1}


def test_summary_by_week_by_hand():
    s = clv.summary_from_transactions(_log(), amount="amount", observation_end="2024-01-31",
                                      freq="W")
    # A: weeks of 01-01 (10+5+20), 01-08 (40), 01-22 (30) and 01-29 (100 on Thu 02-01,
    # same week as the observation end, so it counts, as in lifetimes)
    assert s.loc["A"].tolist() == [3.0, 4.0, 4.0, (40 + 30 + 100) / 3]
    assert s.loc["B"].tolist() == [1.0, 1.0, 4.0, 12.0]  # Sunday and Monday: two weeks
    assert s.loc["C"].tolist() == [0.0, 0.0, 2.0, 0.0]
    assert s.attrs["dropped"]["purchases after observation_end"] == 1


def test_summary_days_in_weeks():
    s = clv.summary_from_transactions(_log(), observation_end="2024-01-31", unit="W")
    assert list(s.columns) == ["frequency", "recency", "T"]
    np.testing.assert_allclose(s.loc["A"], [3.0, 23 / 7, 30 / 7])
    assert s.attrs["unit"] == "W" and s.attrs["freq"] == "D"


def test_summary_default_end_is_last_date_and_input_untouched():
    log = _log()
    before = log.copy()
    s = clv.summary_from_transactions(log)
    pd.testing.assert_frame_equal(log, before)
    assert s.attrs["observation_end"] == pd.Timestamp("2024-02-10")
    assert s.loc["D"].tolist() == [0.0, 0.0, 0.0]


def test_summary_single_customer_other_column_names():
    log = pd.DataFrame({"cust": ["x", "x"], "when": pd.to_datetime(["2024-03-01", "2024-03-05"]),
                        "paid": [3.0, 4.0]})
    s = clv.summary_from_transactions(log, customer="cust", date="when", amount="paid",
                                      observation_end="2024-03-10")
    assert s.index.name == "cust"
    assert s.loc["x"].tolist() == [1.0, 4.0, 9.0, 4.0]


def test_summary_errors():
    log = _log()
    with pytest.raises(CRMDataError, match="no column 'customer_id'"):
        clv.summary_from_transactions(log.rename(columns={"customer_id": "cust"}))
    with pytest.raises(CRMDataError, match="freq='M'"):
        clv.summary_from_transactions(log, freq="M")
    with pytest.raises(CRMDataError, match="unit='D'"):
        clv.summary_from_transactions(log, freq="W", unit="D")
    with pytest.raises(CRMDataError, match="no purchase on or before observation_end"):
        clv.summary_from_transactions(log, observation_end="2023-12-31")
    with pytest.raises(CRMDataError, match="is not a date"):
        clv.summary_from_transactions(log, observation_end="end of year")
    with pytest.raises(CRMDataError, match="must hold dates"):
        clv.summary_from_transactions(log.assign(order_date=log["order_date"].astype(str)))
    with pytest.raises(CRMDataError, match="no rows"):
        clv.summary_from_transactions(log.iloc[:0])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcd"), st.integers(0, 60),
                          st.floats(0.5, 500, allow_nan=False)), min_size=1, max_size=40),
       st.sampled_from([("D", "D"), ("W", "W"), ("D", "W")]))
def test_summary_properties(rows, freq_unit):
    freq, unit = freq_unit
    log = pd.DataFrame(rows, columns=["customer_id", "day", "amount"])
    log["order_date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(log["day"], unit="D")
    s = clv.summary_from_transactions(log, amount="amount", freq=freq, unit=unit,
                                      observation_end="2024-03-31")
    assert len(s) == log["customer_id"].nunique()
    assert (s["recency"] <= s["T"]).all() and (s["recency"] >= 0).all()
    assert (s["frequency"] >= 0).all() and (s["frequency"] == s["frequency"].round()).all()
    assert (s["frequency"] < log.groupby("customer_id").size().reindex(s.index)).all()
    assert ((s["frequency"] == 0) == (s["recency"] == 0)).all()
    assert ((s["monetary_value"] > 0) == (s["frequency"] > 0)).all()


# ------------------------------------------------- equality with lifetimes (2,357 customers)


def _lifetimes_summary(data, amount, end, freq, multiplier):
    lifetimes_utils = pytest.importorskip("lifetimes.utils")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lifetimes_utils.summary_data_from_transaction_data(
            data, "customer_id", "order_date", amount, observation_period_end=end,
            freq=freq, freq_multiplier=multiplier)


@pytest.mark.parametrize("amount", [None, "amount"])
@pytest.mark.parametrize("end", [CAL_END, OBS_END])
@pytest.mark.parametrize("freq,unit,multiplier", [("D", "D", 1), ("W", "W", 1), ("D", "W", 7)])
def test_summary_equals_lifetimes(cdnow, amount, end, freq, unit, multiplier):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pytest.importorskip("lifetimes")
    ref = _lifetimes_summary(cdnow, amount, end, freq, multiplier)
    mine = clv.summary_from_transactions(cdnow, amount=amount, observation_end=end,
                                         freq=freq, unit=unit)
    assert len(mine) == 2357
    pd.testing.assert_frame_equal(mine, ref, check_exact=True, check_names=False)


def test_calibration_holdout_equals_lifetimes(cdnow):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lifetimes_utils = pytest.importorskip("lifetimes.utils")
        # lifetimes 0.11.3 on pandas 3 fails without a monetary column ("No objects to
        # concatenate"), so compare with one
        ref = lifetimes_utils.calibration_and_holdout_data(
            cdnow, "customer_id", "order_date", calibration_period_end=CAL_END,
            observation_period_end=OBS_END, freq="D", freq_multiplier=7,
            monetary_value_col="amount")
    mine = clv.calibration_holdout(cdnow, calibration_end=CAL_END, observation_end=OBS_END,
                                   amount="amount", unit="W")
    names = {"frequency_cal": "frequency", "recency_cal": "recency", "T_cal": "T",
             "monetary_value_cal": "monetary_value"}
    ref = ref.rename(columns=names)
    same = ["frequency", "recency", "T", "monetary_value", "frequency_holdout",
            "duration_holdout"]
    pd.testing.assert_frame_equal(mine[same], ref[same], check_exact=True, check_names=False)


# ---------------------------------------------------------------------------- holdout


def test_calibration_holdout_by_hand():
    h = clv.calibration_holdout(_log(), calibration_end="2024-01-09",
                                observation_end="2024-01-31", amount="amount")
    assert h.index.tolist() == ["A", "B"]  # C is first seen in the holdout
    assert h.loc["A", ["frequency", "recency", "T", "monetary_value"]].tolist() == [1.0, 2.0,
                                                                                   8.0, 20.0]
    assert h.loc["A", ["frequency_holdout", "duration_holdout",
                       "monetary_value_holdout"]].tolist() == [2.0, 22.0, 35.0]
    assert h.loc["B", "frequency_holdout"] == 0.0
    assert h.attrs["dropped"] == {"purchases after observation_end": 2,
                                  "customers first seen in the holdout": 1}
    with pytest.raises(CRMDataError, match="must be after calibration_end"):
        clv.calibration_holdout(_log(), calibration_end="2024-01-31",
                                observation_end="2024-01-31")
