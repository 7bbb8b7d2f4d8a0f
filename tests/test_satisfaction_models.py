"""The fitted churn model of crmlab.satisfaction (ChurnModel), simulate_improvement on it,
and the one-release deprecation of passing the churn_drivers table."""

from __future__ import annotations

import contextlib
import io
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import crmlab  # noqa: E402
from crmlab import CRMDataError, widgets  # noqa: E402
from crmlab._fitted import NotFittedError  # noqa: E402
from crmlab.satisfaction import (  # noqa: E402
    DIMENSIONS,
    ChurnModel,
    churn_drivers,
    simulate_improvement,
)

# What churn_drivers(survey) put in attrs, and simulate_improvement(survey, drivers,
# dimension="reliability") returned, in the previous release (crmlab 0.1.0, 9c8e933).
OLD_ATTRS = {"intercept": -2.610717934286375, "target": "churned", "n": 2000,
             "churn_rate": 0.193, "C": 1.0}
OLD_COEF = [-1.0607876728275767, -0.6645943426947076, -0.5802407841486594,
            -0.562622320124657, -0.21851309162416443]
OLD_RELIABILITY = {"delta": 1.0, "churn_before": 0.19300000000000017,
                   "churn_after": 0.1377303712069413, "change": -0.055269628793058884,
                   "customers_kept": 110.53925758611777}


@pytest.fixture(scope="module")
def survey():
    return crmlab.load_data("survey")


@pytest.fixture(scope="module")
def model(survey):
    return ChurnModel().fit(survey)


def test_churn_model_before_fit(survey):
    m = ChurnModel(C=0.5)
    assert repr(m) == "ChurnModel(C=0.5)" and not m.fitted
    assert not hasattr(m, "coef_")
    with pytest.raises(NotFittedError, match="intercept_ is learned by fit"):
        _ = m.intercept_
    with pytest.raises(CRMDataError, match="ChurnModel.predict_proba: this ChurnModel is not "
                                           "fitted yet"):
        m.predict_proba(survey)
    with pytest.raises(CRMDataError, match="simulate_improvement: this ChurnModel is not "
                                           "fitted yet"):
        simulate_improvement(survey, m, dimension="reliability")


def test_churn_model_attributes_equal_the_old_attrs(survey, model):
    assert model.intercept_ == pytest.approx(OLD_ATTRS["intercept"], rel=1e-8)
    assert model.churn_rate_ == OLD_ATTRS["churn_rate"]
    assert model.n_customers_ == OLD_ATTRS["n"]
    d = model.drivers_
    np.testing.assert_allclose(d["coef"], OLD_COEF, rtol=1e-8)
    assert d.index.tolist() == ["gap_reliability", "gap_responsiveness", "gap_empathy",
                                "gap_assurance", "gap_tangibles"]
    # coef_, mean_ and std_ are in the order fitted (the survey's dimensions)
    assert model.features_ == [f"gap_{dim}" for dim in DIMENSIONS]
    for name in ("coef", "mean", "std"):
        series = getattr(model, f"{name}_")
        assert series.index.tolist() == model.features_ and series.index.name == "feature"
        pd.testing.assert_series_equal(series, d[name].reindex(model.features_))
    np.testing.assert_allclose(model.estimator_.coef_[0], model.coef_)
    assert model.estimator_.intercept_[0] == model.intercept_


def test_churn_drivers_is_the_model_table(survey, model):
    d = churn_drivers(survey)
    pd.testing.assert_frame_equal(d, model.drivers_)
    assert d.attrs == {"target": "churned", "n": 2000, "C": 1.0}     # provenance only


def test_predict_proba(survey, model):
    p = model.predict_proba(survey)
    assert p.name == "churn_probability" and p.index.equals(survey.index)
    assert p.between(0, 1).all()
    # with an intercept, the fitted probabilities average to the observed churn rate
    assert p.mean() == pytest.approx(model.churn_rate_, abs=1e-8)
    assert p.groupby(survey["churned"]).mean().is_monotonic_increasing
    with pytest.raises(CRMDataError, match="ChurnModel.predict_proba: no gap 'gap_tangibles'"):
        model.predict_proba(survey.drop(columns="expect_tangibles"))


def test_model_with_other_features_and_options(survey):
    m = ChurnModel(features=["satisfaction", "gap_reliability"], C=0.1).fit(survey)
    assert m.features_ == ["satisfaction", "gap_reliability"]
    assert m.drivers_.attrs["C"] == 0.1
    assert m.coef_["satisfaction"] < 0
    with pytest.raises(CRMDataError, match="ChurnModel.fit: C=-1 must be > 0"):
        ChurnModel(C=-1).fit(survey)


def test_simulate_improvement_on_the_model_equals_the_old_result(survey, model):
    r = simulate_improvement(survey, model, dimension="reliability")
    assert r.name == "reliability"
    for key, value in OLD_RELIABILITY.items():
        assert r[key] == pytest.approx(value, rel=1e-8), key


def test_simulate_improvement_with_the_table_warns_for_one_release(survey, model):
    new = pd.DataFrame([simulate_improvement(survey, model, dimension=d) for d in DIMENSIONS])
    table = churn_drivers(survey)
    with pytest.warns(FutureWarning, match="pass the fitted model") as caught:
        old = simulate_improvement(survey, table, dimension="reliability")
    assert caught[0].filename == __file__          # the warning points at the caller
    pd.testing.assert_series_equal(old, new.iloc[1], rtol=1e-9)
    # the old keyword name too
    with pytest.warns(FutureWarning, match="drivers= is now model="):
        renamed = simulate_improvement(survey, drivers=model, dimension="reliability")
    pd.testing.assert_series_equal(renamed, new.iloc[1])
    # a table of the previous release carried its intercept: used as it is
    previous = table.copy()
    previous.attrs = OLD_ATTRS
    with pytest.warns(FutureWarning):
        r = simulate_improvement(survey, previous, dimension="reliability")
    assert r["churn_after"] == pytest.approx(OLD_RELIABILITY["churn_after"], rel=1e-8)


def test_a_table_from_another_survey_is_refused(survey):
    table = churn_drivers(survey.iloc[:1000])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        with pytest.raises(CRMDataError, match="fitted on another survey than this one"):
            simulate_improvement(survey, table, dimension="reliability")
    with pytest.raises(CRMDataError, match="model must be a fitted ChurnModel"):
        simulate_improvement(survey, {"coef": 1}, dimension="reliability")


def test_improvement_explorer_with_a_model_or_a_table(survey, model):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        w = widgets.improvement_explorer(survey, drivers=model)
    assert "customers lost of 2000" in out.getvalue()
    assert w.result.loc["reliability", "churn_after"] == pytest.approx(
        OLD_RELIABILITY["churn_after"], rel=1e-8)
    with contextlib.redirect_stdout(io.StringIO()), pytest.warns(FutureWarning):
        w = widgets.improvement_explorer(survey, drivers=churn_drivers(survey))
    assert w.result.loc["reliability", "churn_after"] == pytest.approx(
        OLD_RELIABILITY["churn_after"], rel=1e-8)
    matplotlib.pyplot.close("all")
