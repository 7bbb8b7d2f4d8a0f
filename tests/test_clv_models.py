"""Tests of the buy-till-you-die models of crmlab.clv, clv_table, their plots and widget.

The published numbers come from Fader, Hardie & Lee (2005a, BG/NBD on the CDNOW 1/10
sample), Fader & Hardie (2013, Gamma-Gamma on the same data) and Fader & Hardie (2007,
sBG on two cohorts). The summary is compared with lifetimes 0.11.3 when it is installed.
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
from crmlab import CRMDataError, clv, plots, widgets  # noqa: E402

CAL_END, OBS_END = "1997-09-30", "1998-06-30"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def cdnow():
    return crmlab.load_data("cdnow_sample")


@pytest.fixture(scope="module")
def cal_summary(cdnow):
    """The Fader-Hardie-Lee calibration summary: 39 weeks, days expressed in weeks."""
    return clv.summary_from_transactions(cdnow, amount="amount", observation_end=CAL_END,
                                         freq="D", unit="W")


@pytest.fixture(scope="module")
def bg(cal_summary):
    return clv.BetaGeo().fit(cal_summary)


@pytest.fixture(scope="module")
def gg(cal_summary):
    return clv.GammaGamma().fit(cal_summary)


def _summary(x, t_x, T, m=None) -> pd.DataFrame:
    data = {"frequency": x, "recency": t_x, "T": T}
    if m is not None:
        data["monetary_value"] = m
    return pd.DataFrame(data, index=pd.Index([f"c{i}" for i in range(len(x))],
                                             name="customer_id"))


# ------------------------------------------------------------------------------ BG/NBD


def test_bgnbd_reproduces_published_cdnow_estimates(bg, cal_summary):
    # Fader, Hardie & Lee (2005a), Table 1 / p. 279
    p = bg.params_
    assert (round(p["r"], 3), round(p["alpha"], 3), round(p["a"], 3), round(p["b"], 3)) == (
        0.243, 4.414, 0.793, 2.426)
    assert round(bg.log_likelihood_, 1) == -9582.4
    assert bg.unit_ == "W" and bg.n_ == 2357
    assert len(cal_summary) == 2357 and int((cal_summary["frequency"] > 0).sum()) == 946
    assert all(0 < v < p[k] for k, v in bg.standard_errors_.items())
    assert repr(bg) == "BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426; fitted on 2,357 customers)"


def test_bgnbd_published_conditional_expectation(bg):
    # FHL (2005a) p. 281: x = 2, t_x = 30.43, T = 38.86 -> 1.226 purchases in 39 weeks
    bg2 = clv.BetaGeo()
    bg2.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert round(bg2.expected_purchases(39, frequency=2, recency=30.43, T=38.86), 3) == 1.226


def test_bgnbd_predictions_sane(bg, cal_summary):
    t = np.array([0.0, 1, 10, 39, 78, 200])
    ex = bg.expected_purchases_new(t)
    assert ex[0] == 0 and np.all(np.diff(ex) > 0)
    alive = bg.probability_alive(cal_summary)
    assert alive.between(0, 1).all() and alive.index.equals(cal_summary.index)
    assert (alive[cal_summary["frequency"] == 0] == 1).all()  # BG/NBD: no repeat, no drop-out
    e39 = bg.expected_purchases(39, cal_summary)
    e78 = bg.expected_purchases(78, cal_summary)
    assert (e39 >= 0).all() and (e78 > e39).all()
    # the longer since the last purchase, the less likely alive
    p = bg.probability_alive(frequency=3, recency=10, T=np.array([12.0, 20, 38]))
    assert np.all(np.diff(p) < 0)


def test_bgnbd_holdout_and_tracking(bg, cdnow):
    h = clv.calibration_holdout(cdnow, calibration_end=CAL_END, observation_end=OBS_END,
                                unit="W")
    comp = bg.holdout_comparison(h)
    assert comp.index.tolist() == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert comp["customers"].sum() == 2357
    assert comp.attrs["duration"] == 39.0
    assert comp["actual"].is_monotonic_increasing and comp["predicted"].is_monotonic_increasing
    assert (comp["predicted"] - comp["actual"]).abs().max() < 0.5
    track = bg.tracking(cdnow, observation_end=OBS_END, calibration_end=CAL_END)
    assert len(track) == 78 and track.attrs["calibration_end_period"] == 39
    full = clv.summary_from_transactions(cdnow, observation_end=OBS_END)
    assert track["actual"].iloc[-1] == full["frequency"].sum() == 4339
    assert track["actual"].is_monotonic_increasing and track["predicted"].is_monotonic_increasing
    assert abs(track["predicted"].iloc[38] / track["actual"].iloc[38] - 1) < 0.05


def test_not_fitted_errors():
    with pytest.raises(CRMDataError, match=r"BetaGeo is not fitted yet: call \.fit\(summary\)"):
        clv.BetaGeo().expected_purchases_new(10)
    with pytest.raises(CRMDataError, match="BetaGeo is not fitted yet"):
        clv.BetaGeo().probability_alive(frequency=1, recency=1, T=2)
    with pytest.raises(CRMDataError, match="BetaGeo is not fitted yet"):
        clv.BetaGeo().expected_purchases(5, frequency=1, recency=1, T=2)
    with pytest.raises(CRMDataError, match="GammaGamma is not fitted yet"):
        clv.GammaGamma().conditional_expected_average_profit(_summary([1], [1], [2], [3.0]))
    with pytest.raises(CRMDataError, match=r"ShiftedBetaGeometric is not fitted yet: call "
                                           r"\.fit\(survivors\)"):
        clv.ShiftedBetaGeometric().survival(3)
    assert repr(clv.BetaGeo()) == "BetaGeo(not fitted)"


@pytest.mark.parametrize("x,t_x,T,match", [
    ([2.7, 1], [3, 1], [5, 5], r"whole numbers of repeat purchases.*2\.7"),
    ([1, 1], [6, 1], [5, 5], "recency must not exceed T"),
    ([1, -1], [1, 1], [5, 5], "must be >= 0"),
    ([0, 1], [2, 1], [5, 5], "frequency 0 .* must have recency 0"),
])
def test_bgnbd_bad_summary(x, t_x, T, match):
    with pytest.raises(CRMDataError, match=match):
        clv.BetaGeo().fit(_summary(x, t_x, T))


def test_bgnbd_other_errors(bg):
    with pytest.raises(CRMDataError, match="no column 'T'"):
        clv.BetaGeo().fit(pd.DataFrame({"frequency": [1], "recency": [1]}))
    with pytest.raises(CRMDataError, match="expected the summary DataFrame"):
        clv.BetaGeo().fit([1, 2, 3])
    with pytest.raises(CRMDataError, match="penalizer"):
        clv.BetaGeo(penalizer=-1).fit(_summary([1, 0], [1, 0], [3, 3]))
    with pytest.raises(CRMDataError, match="pass a summary, or all of"):
        bg.probability_alive(frequency=1)
    with pytest.raises(CRMDataError, match="horizon t must be >= 0"):
        bg.expected_purchases_new(-1)


def test_bgnbd_unit_is_explicit(cal_summary):
    """The time unit comes from summary.attrs["unit"] or unit=; it is never assumed."""
    bare = cal_summary.copy()
    bare.attrs = {}
    with pytest.raises(CRMDataError, match=r"does not record its time unit.*Pass unit='D'"):
        clv.BetaGeo().fit(bare)
    assert clv.BetaGeo().fit(bare, unit="W").params_ == clv.BetaGeo().fit(cal_summary).params_
    assert clv.BetaGeo().fit(cal_summary, unit="W").unit_ == "W"
    with pytest.raises(CRMDataError, match=r"unit='D' but the summary is in weeks"):
        clv.BetaGeo().fit(cal_summary, unit="D")
    with pytest.raises(CRMDataError, match=r"unit='M' is not one of 'D', 'W'"):
        clv.BetaGeo().fit(bare, unit="M")
    with pytest.raises(CRMDataError, match=r"summary.attrs\['unit'\]='M' is not one of"):
        clv.BetaGeo().fit(_with_attrs(bare, unit="M"))
    assert cal_summary.attrs["unit"] == "W" and bare.attrs == {}  # inputs untouched


def _with_attrs(df: pd.DataFrame, **attrs) -> pd.DataFrame:
    out = df.copy()
    out.attrs = dict(attrs)
    return out


def test_bgnbd_freq_is_a_deprecated_alias_of_unit(bg):
    with pytest.warns(FutureWarning, match=r"BetaGeo.freq_ is now unit_"):
        assert bg.freq_ == "W"
    hand = clv.BetaGeo()
    assert not hasattr(hand, "freq_")  # not fitted: no unit, and no warning
    with pytest.warns(FutureWarning, match="freq_ is now unit_"):
        hand.freq_ = "D"
    assert hand.unit_ == "D"


def test_bgnbd_pickled_before_unit_keeps_its_unit(bg):
    import pickle

    old = clv.BetaGeo.__new__(clv.BetaGeo)
    state = {k: v for k, v in vars(bg).items() if k != "unit_"}
    old.__setstate__({**state, "freq_": "W"})
    assert old.unit_ == "W" and "freq_" not in vars(old)
    again = pickle.loads(pickle.dumps(bg))
    assert vars(again) == vars(bg)


def test_predictions_need_the_model_unit(cal_summary):
    bg = clv.BetaGeo()
    bg.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # no unit_
    assert bg.expected_purchases(39, frequency=2, recency=30.43, T=38.86) > 0  # unit-free
    with pytest.raises(CRMDataError, match=r"BetaGeo has no time unit \(unit_\)"):
        bg.tracking(crmlab.load_data("cdnow_sample"), observation_end=OBS_END)
    with pytest.raises(CRMDataError, match=r"has no time unit"):
        clv.clv_table(bg, clv.GammaGamma().fit(cal_summary), cal_summary)


def test_bgnbd_penalizer_shrinks(cal_summary):
    pen = clv.BetaGeo(penalizer=0.01).fit(cal_summary)
    assert pen.params_["alpha"] < 4.414
    assert pen.log_likelihood_ < -9582.4


# ------------------------------------------------------------------------- Gamma-Gamma


def test_gamma_gamma_reproduces_published_estimates(gg):
    # Fader & Hardie (2013): p = 6.25, q = 3.74, gamma = 15.44 on the 946 repeat buyers
    p = gg.params_
    assert (round(p["p"], 2), round(p["q"], 2), round(p["gamma"], 2)) == (6.25, 3.74, 15.44)
    assert gg.n_ == 946
    # the model assumes spend independent of frequency: nearly uncorrelated here
    assert round(gg.spend_frequency_correlation_, 2) == 0.11


def test_gamma_gamma_conditional_spend(gg, cal_summary):
    spend = gg.conditional_expected_average_profit(cal_summary)
    p, q, g = gg.params_["p"], gg.params_["q"], gg.params_["gamma"]
    population = p * g / (q - 1)
    assert np.allclose(spend[cal_summary["frequency"] == 0], population)
    # a weighted mean of the population mean and the customer's own mean
    rep = cal_summary[cal_summary["frequency"] > 0]
    own = rep["monetary_value"]
    lo, hi = np.minimum(own, population), np.maximum(own, population)
    assert ((spend[rep.index] >= lo - 1e-9) & (spend[rep.index] <= hi + 1e-9)).all()


def test_gamma_gamma_errors():
    with pytest.raises(CRMDataError, match="positive monetary_value .* c1"):
        clv.GammaGamma().fit(_summary([1, 2], [1, 2], [3, 3], [5.0, -1.0]))
    with pytest.raises(CRMDataError, match="no customer has a repeat purchase"):
        clv.GammaGamma().fit(_summary([0, 0], [0, 0], [3, 3], [0.0, 0.0]))
    with pytest.raises(CRMDataError, match="no column 'monetary_value'"):
        clv.GammaGamma().fit(_summary([1], [1], [3]))
    with pytest.raises(CRMDataError, match="whole numbers"):
        clv.GammaGamma().fit(_summary([1.5], [1], [3], [2.0]))


# ------------------------------------------------------------------------------- sBG


@pytest.mark.parametrize("segment,alpha,beta", [("high end", 0.668, 3.806),
                                                ("regular", 0.704, 1.182)])
def test_sbg_reproduces_published_estimates(segment, alpha, beta):
    # Fader & Hardie (2007): the first 7 years (8 counts) of each cohort
    counts = clv.ShiftedBetaGeometric.published_cohorts[segment]
    assert len(counts) == 8 and counts[0] == 1000
    sbg = clv.ShiftedBetaGeometric().fit(counts)
    assert (round(sbg.params_["alpha"], 3), round(sbg.params_["beta"], 3)) == (alpha, beta)
    assert sbg.n_ == 1000 and sbg.periods_ == 7
    # the fitted curve follows the data within 2.5% of the cohort
    fitted = sbg.survival(np.arange(8)) * 1000
    assert np.max(np.abs(fitted - np.array(counts))) < 25


def test_sbg_quantities_by_hand():
    sbg = clv.ShiftedBetaGeometric()
    sbg.params_ = {"alpha": 1.0, "beta": 1.0}  # theta uniform
    # S(t) = B(1, 1 + t) / B(1, 1) = 1 / (1 + t); r(t) = t / (t + 1)
    np.testing.assert_allclose(sbg.survival([0, 1, 2, 3]), [1, 1 / 2, 1 / 3, 1 / 4])
    np.testing.assert_allclose(sbg.retention_rate([1, 2, 3]), [1 / 2, 2 / 3, 3 / 4])
    assert sbg.expected_lifetime() == float("inf")
    sbg.params_ = {"alpha": 3.0, "beta": 2.0}
    assert sbg.expected_lifetime() == pytest.approx(2.0)  # (a + b - 1) / (a - 1)
    s = sbg.survival(np.arange(400))
    assert sbg.expected_lifetime() == pytest.approx(s.sum(), rel=1e-4)


@pytest.mark.parametrize("renewals", [0, 1, 4])
def test_sbg_derl_equals_brute_force_sum(renewals):
    sbg = clv.ShiftedBetaGeometric().fit(clv.ShiftedBetaGeometric.published_cohorts["regular"])
    d, n = 0.1, renewals + 1
    s = sbg.survival(np.arange(3000))
    brute = np.sum(s[n:] / s[n - 1] / (1 + d) ** np.arange(len(s) - n))
    assert sbg.derl(d, renewals) == pytest.approx(brute, rel=1e-9)
    assert sbg.discounted_expected_lifetime(d) == pytest.approx(np.sum(s / 1.1 ** np.arange(3000)))


def test_sbg_errors():
    with pytest.raises(CRMDataError, match="cannot grow"):
        clv.ShiftedBetaGeometric().fit([100, 80, 90])
    with pytest.raises(CRMDataError, match="at least 2 counts"):
        clv.ShiftedBetaGeometric().fit([100])
    with pytest.raises(CRMDataError, match="finite and >= 0"):
        clv.ShiftedBetaGeometric().fit([100, -5])
    sbg = clv.ShiftedBetaGeometric().fit([100, 80, 70])
    with pytest.raises(CRMDataError, match="discount=10 looks like a percentage"):
        sbg.derl(10)
    with pytest.raises(CRMDataError, match="discount must be > 0"):
        sbg.derl(0.0)
    with pytest.raises(CRMDataError, match="renewals"):
        sbg.derl(0.1, renewals=-1)
    with pytest.raises(CRMDataError, match="t must be >= 1"):
        sbg.retention_rate(0)
    with pytest.raises(CRMDataError, match=r"renewals=1\.5 must be a whole number"):
        sbg.derl(0.1, renewals=1.5)
    assert sbg.derl(0.1, renewals=2.0) == sbg.derl(0.1, renewals=2)


def test_sbg_has_standard_errors_like_the_other_models():
    sbg = clv.ShiftedBetaGeometric().fit(clv.SBG_COHORTS["regular"])
    assert sbg.converged_ and set(sbg.standard_errors_) == {"alpha", "beta"}
    assert all(0 < v < sbg.params_[k] for k, v in sbg.standard_errors_.items())
    # a cohort nobody leaves: alpha runs to 0, no convergence and no standard errors, and
    # a CRMFitWarning says so and why
    with pytest.warns(crmlab.CRMFitWarning, match=r"alpha = .* \(running to 0\).*Likely "
                                                  r"cause: nobody left the cohort"):
        flat = clv.ShiftedBetaGeometric().fit([100, 100, 100])
    assert not flat.converged_ and all(np.isnan(v) for v in flat.standard_errors_.values())


def test_history_inputs_are_checked(bg):
    with pytest.raises(CRMDataError, match=r"frequency must be numbers, got str"):
        bg.probability_alive(frequency="two", recency=1, T=2)
    with pytest.raises(CRMDataError, match=r"recency must be finite numbers; 1 are not, in "
                                           r"row 1 \(nan\)"):
        bg.probability_alive(frequency=[1, 1], recency=[1, np.nan], T=[2, 2])
    with pytest.raises(CRMDataError, match=r"max_frequency=0 must be >= 1"):
        bg.holdout_comparison(pd.DataFrame(), max_frequency=0)
    with pytest.raises(CRMDataError, match=r"observation_end='soon' is not a date"):
        bg.tracking(crmlab.load_data("cdnow_sample"), observation_end="soon")
    with pytest.raises(CRMDataError, match=r"penalizer=-1 must be >= 0"):
        clv.GammaGamma(penalizer=-1).fit(_summary([1], [1], [3], [2.0]))


@settings(max_examples=50, deadline=None)
@given(st.floats(0.05, 20), st.floats(0.05, 20))
def test_sbg_survival_decreasing_retention_increasing(alpha, beta):
    sbg = clv.ShiftedBetaGeometric()
    sbg.params_ = {"alpha": alpha, "beta": beta}
    s = sbg.survival(np.arange(30))
    assert s[0] == pytest.approx(1.0)
    assert np.all(np.diff(s) < 0) and np.all(s > 0)
    assert np.all(np.diff(sbg.retention_rate(np.arange(1, 30))) > 0)


# ---------------------------------------------------------------------------- clv_table


def test_clv_table(bg, gg, cal_summary):
    table = clv.clv_table(bg, gg, cal_summary, horizon=52, discount=0.002, unit="W")
    assert list(table.columns) == ["expected_purchases", "probability_alive",
                                   "expected_average_spend", "clv"]
    assert table.index.equals(cal_summary.index)
    assert (table["clv"] >= 0).all()
    assert table.attrs == {"horizon": 52.0, "unit": "W", "discount": 0.002, "margin_rate": 1.0}
    # one customer by hand: discounted expected purchases of each week times spend
    c = cal_summary.index[0]
    row = cal_summary.loc[[c]]
    cum = np.array([bg.expected_purchases(k, row).iloc[0] for k in range(0, 53)])
    spend = gg.conditional_expected_average_profit(row).iloc[0]
    by_hand = spend * np.sum(np.diff(cum) / 1.002 ** np.arange(1, 53))
    assert table.loc[c, "clv"] == pytest.approx(by_hand, rel=1e-12)
    # no discount: spend x expected purchases; margin scales linearly
    flat = clv.clv_table(bg, gg, cal_summary, horizon=52, discount=0.0, margin_rate=0.3)
    np.testing.assert_allclose(flat["clv"], 0.3 * table["expected_average_spend"]
                               * table["expected_purchases"], rtol=1e-10)


def test_clv_table_units_and_rates(bg, gg, cal_summary):
    with pytest.raises(CRMDataError, match=r"model is in weeks .* but unit='M'"):
        clv.clv_table(bg, gg, cal_summary, horizon=12, discount=0.01, unit="M")
    days = clv.summary_from_transactions(crmlab.load_data("cdnow_sample"), amount="amount",
                                         observation_end=CAL_END)
    with pytest.raises(CRMDataError, match=r"summary is in days \(unit='D'\)"):
        clv.clv_table(bg, gg, days)
    with pytest.raises(CRMDataError, match="discount=90 looks like a percentage"):
        clv.clv_table(bg, gg, cal_summary, discount=90)
    with pytest.raises(CRMDataError, match="margin_rate=30 .* pass 0.3"):
        clv.clv_table(bg, gg, cal_summary, margin_rate=30)
    with pytest.raises(CRMDataError, match="horizon=0 must be > 0"):
        clv.clv_table(bg, gg, cal_summary, horizon=0)
    with pytest.raises(CRMDataError, match="GammaGamma is not fitted yet"):
        clv.clv_table(bg, clv.GammaGamma(), cal_summary)
    with pytest.raises(CRMDataError, match=r"gammagamma must be a fitted GammaGamma model, "
                                           r"got BetaGeo"):
        clv.clv_table(bg, bg, cal_summary)


def test_clv_table_old_keywords_still_work_for_one_release(bg, gg, cal_summary):
    new = clv.clv_table(bg, gg, cal_summary, horizon=52, discount=0.002, unit="W",
                        margin_rate=0.3)
    for old, value, now in (("time", 52, "horizon"), ("discount_rate", 0.002, "discount"),
                            ("freq", "W", "unit"), ("margin", 0.3, "margin_rate")):
        kwargs = {"horizon": 52, "discount": 0.002, "unit": "W", "margin_rate": 0.3}
        del kwargs[now]
        with pytest.warns(FutureWarning, match=rf"clv_table: the keyword {old}= is now {now}="):
            table = clv.clv_table(bg, gg, cal_summary, **kwargs, **{old: value})
        pd.testing.assert_frame_equal(table, new)
    with pytest.raises(CRMDataError, match=r"pass horizon= only \(time= is its old name\)"):
        clv.clv_table(bg, gg, cal_summary, time=52, horizon=52)


# ------------------------------------------------------------------------ plots, widget


def test_plots(bg, gg, cal_summary, cdnow):
    h = clv.calibration_holdout(cdnow, calibration_end=CAL_END, observation_end=OBS_END,
                                unit="W")
    ax = plots.calibration_holdout_chart(bg.holdout_comparison(h))
    assert len(ax.lines) == 2 and "39 weeks" in ax.get_ylabel()
    ax = plots.tracking_chart(bg.tracking(cdnow, observation_end=OBS_END,
                                          calibration_end=CAL_END), ax=plt.figure().gca())
    assert len(ax.lines) == 3 and len(ax.lines[0].get_xdata()) == 78
    counts = clv.ShiftedBetaGeometric.published_cohorts["high end"]
    sbg = clv.ShiftedBetaGeometric().fit(counts)
    ax = plots.retention_curve(sbg, counts, periods=12, ax=plt.figure().gca())
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.array(counts) / 1000)
    assert len(ax.lines[1].get_xdata()) == 13
    table = clv.clv_table(bg, gg, cal_summary, horizon=52, discount=0.002)
    ax = plots.clv_distribution(table, ax=plt.figure().gca())
    assert len(ax.patches) == 40


def test_clv_explorer():
    w = widgets.clv_explorer(margin=100, retention=0.8, discount=0.1)
    assert w.result == pytest.approx(clv.simple_clv(100, 0.8, 0.1))
    w.children[0].value = 200
    w.children[2].value = 0.12
    assert w.result == pytest.approx(clv.simple_clv(200, 0.8, 0.12))
    assert w.result == pytest.approx(200 * clv.margin_multiple(0.8, 0.12))


# ----------------------------------------------------------- convergence and gradients
# Every fit converges to crmlab.clv._base.FIT_TOLERANCE (Newton steps on the log-parameters
# below 1e-11), with analytic gradients summed without BLAS, so the estimates below hold
# to 1e-9 on every CPU, BLAS kernel and thread count (tests/numeric_env.py runs the
# notebooks under other kernels). The reference values were measured with OpenBLAS's
# SkylakeX, Haswell and Prescott kernels and agree to 1e-14.

_BG_MLE = {"r": 0.2425945224301571, "alpha": 4.413602019013506, "a": 0.7929220172256551,
           "b": 2.4259067768265576}
_GG_MLE = {"p": 6.249572271324063, "q": 3.7442246671319825, "gamma": 15.443520962588236}
_SBG_MLE = {"high end": {"alpha": 0.6680883511064356, "beta": 3.806094964058183},
            "regular": {"alpha": 0.7040772984735156, "beta": 1.1820430262094739}}


def _numeric_gradient(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(len(x))])


@pytest.mark.parametrize("point", [[0.24, 4.4, 0.79, 2.4], [1.3, 0.5, 3.0, 0.2],
                                   [0.01, 80.0, 0.05, 40.0]])
def test_bgnbd_gradient_is_the_derivative_of_the_likelihood(cal_summary, point):
    from crmlab.clv.bgnbd import _bg_objective

    x, t, T = (cal_summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    v = np.log(point)
    analytic = _bg_objective(v, x, t, T, 0.01)[1]
    numeric = _numeric_gradient(lambda u: _bg_objective(u, x, t, T, 0.01)[0], v)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("point", [[6.0, 3.7, 15.4], [1.0, 2.0, 30.0], [0.2, 20.0, 1.0]])
def test_gamma_gamma_gradient_is_the_derivative_of_the_likelihood(cal_summary, point):
    from crmlab.clv.gamma_gamma import _gg_objective

    keep = cal_summary["frequency"] > 0
    x = cal_summary.loc[keep, "frequency"].to_numpy(float)
    z = cal_summary.loc[keep, "monetary_value"].to_numpy(float)
    v = np.log(point)
    analytic = _gg_objective(v, x, z, 0.001)[1]
    numeric = _numeric_gradient(lambda u: _gg_objective(u, x, z, 0.001)[0], v)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("point", [[0.7, 1.2], [3.0, 0.2], [0.05, 9.0]])
def test_sbg_gradient_is_the_derivative_of_the_likelihood(point):
    from crmlab.clv.sbg import _sbg_objective

    s = np.array(clv.SBG_COHORTS["regular"], dtype=float)
    v = np.log(point)
    numeric = _numeric_gradient(lambda u: _sbg_objective(u, s)[0], v)
    np.testing.assert_allclose(_sbg_objective(v, s)[1], numeric, rtol=1e-5, atol=1e-8)


def test_fits_converge_far_below_the_printed_precision(bg, gg):
    from crmlab.clv._base import FIT_TOLERANCE

    assert FIT_TOLERANCE <= 1e-10
    assert bg.converged_ and gg.converged_
    for fitted, mle in ((bg.params_, _BG_MLE), (gg.params_, _GG_MLE)):
        for name, value in mle.items():
            assert fitted[name] == pytest.approx(value, rel=1e-9), name
    for segment, mle in _SBG_MLE.items():
        sbg = clv.ShiftedBetaGeometric().fit(clv.SBG_COHORTS[segment])
        assert sbg.converged_
        for name, value in mle.items():
            assert sbg.params_[name] == pytest.approx(value, rel=1e-9), (segment, name)


def test_the_fitter_base_fits_any_model_from_its_likelihood():
    """A new model is a likelihood with its gradient, parameter names and starts; the
    base does the search, params_, standard_errors_, converged_, the repr and errors."""
    from crmlab.clv._base import _neg_mean_loglik, _PenalizedFitter

    def loglik(params, x, T, gradient=False):  # purchases x ~ Poisson(lam * T)
        (lam,) = params
        ll = x * np.log(lam) - lam * T
        return (ll, np.vstack([x / lam - T])) if gradient else ll

    class Poisson(_PenalizedFitter):
        _param_names = ("lam",)
        _objective = staticmethod(
            lambda v, x, T, penalizer: _neg_mean_loglik(loglik, v, (x, T), penalizer))

        def fit(self, x, T):
            penalizer = self._checked_penalizer("Poisson.fit")
            self._estimate([np.zeros(1)], (x, T, penalizer), n=len(x), caller="Poisson.fit")
            self.n_ = len(x)
            return self

    x, T = np.array([0.0, 1, 2, 5, 3]), np.array([10.0, 8, 12, 20, 9])
    model = Poisson().fit(x, T)
    lam = x.sum() / T.sum()  # the closed-form MLE, with standard error lam / sqrt(sum x)
    assert model.converged_ and model.params_["lam"] == pytest.approx(lam, rel=1e-10)
    assert model.standard_errors_["lam"] == pytest.approx(lam / np.sqrt(x.sum()), rel=1e-5)
    assert repr(model) == "Poisson(lam=0.186; fitted on 5 customers)"
    assert repr(Poisson()) == "Poisson(not fitted)"
    with pytest.raises(CRMDataError, match=r"Poisson.fit: penalizer=-1 must be >= 0"):
        Poisson(penalizer=-1).fit(x, T)

    class Hopeless(Poisson):
        _objective = staticmethod(lambda v, *args: (1e100, np.zeros_like(v)))

    with pytest.raises(CRMDataError, match=r"Poisson.fit: the optimiser did not converge"):
        Hopeless().fit(x, T)


def test_fit_does_not_depend_on_the_start(cal_summary):
    """Two very different starts end at the same optimum, to the tolerance."""
    from crmlab.clv._base import _minimize
    from crmlab.clv.bgnbd import _bg_objective

    x, t, T = (cal_summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    for start in (np.log([5.0, 0.1, 5.0, 0.1]), np.log([0.05, 50.0, 0.1, 20.0])):
        res = _minimize(_bg_objective, [start], (x, t, T, 0.0))
        assert res.success
        np.testing.assert_allclose(np.exp(res.x), list(_BG_MLE.values()), rtol=1e-9)


def test_clv_printed_in_chapter_09_is_not_on_a_rounding_edge(bg, gg, cal_summary):
    """The chapter prints CLV to cents: the converged values sit well inside their cent."""
    weekly = 1.10 ** (1 / 52) - 1
    table = clv.clv_table(bg, gg, cal_summary, horizon=52, discount=weekly, unit="W")
    cents = table["clv"].to_numpy() * 100
    distance = np.abs(cents - np.floor(cents) - 0.5)  # to the half-cent where rounding flips
    assert np.sort(distance)[:5].min() > 1e-6  # values are exact to ~1e-9 cents
    assert round(table["clv"].sum()) == 72429
