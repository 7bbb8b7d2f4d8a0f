"""A student's own data: variants of the bundled datasets, and changed generator settings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmlab
from crmlab import datasets
from crmlab.exercises._variant import per_variant

SYNTHETIC = ["retail_customers", "retail_transactions", "leads", "accounts", "survey",
             "airline_members"]


@pytest.mark.parametrize("name", datasets.list_datasets())
def test_a_variant_has_the_bundled_types_other_values_and_is_the_same_every_time(name):
    bundled = crmlab.load_data(name)
    mine = crmlab.load_data(name, variant="s001")
    assert mine.dtypes.equals(bundled.dtypes)
    assert not mine.equals(bundled)
    assert mine.equals(crmlab.load_data(name, variant="s001"))
    assert not mine.equals(crmlab.load_data(name, variant="s002"))


def test_a_variant_of_the_retailer_keeps_customers_and_transactions_together():
    customers = crmlab.load_data("retail_customers", variant="s001")
    tx = crmlab.load_data("retail_transactions", variant="s001")
    assert set(tx["customer_id"]) <= set(customers["customer_id"])
    assert len(customers) == len(crmlab.load_data("retail_customers"))


def test_a_variant_of_real_data_keeps_whole_customers():
    full = crmlab.load_data("cdnow_sample")
    mine = crmlab.load_data("cdnow_sample", variant="s001")
    kept = full[full["customer_id"].isin(mine["customer_id"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, mine)
    share = mine["customer_id"].nunique() / full["customer_id"].nunique()
    assert abs(share - datasets.VARIANT_SHARE) < 0.03


def test_the_active_variant_is_what_load_data_and_the_checks_see():
    calls = []

    @per_variant
    def n_leads_converted():
        calls.append(1)
        return int(crmlab.load_data("leads")["converted"].sum())

    bundled = n_leads_converted()
    try:
        datasets.set_variant("s001")
        assert crmlab.load_data("leads").equals(crmlab.load_data("leads", variant="s001"))
        mine = n_leads_converted()
        assert mine == int(crmlab.load_data("leads", variant="s001")["converted"].sum())
    finally:
        datasets.set_variant(None)
    assert n_leads_converted() == bundled != mine
    assert len(calls) == 2  # computed once per variant


@pytest.mark.parametrize("bad", ["", "   ", 7, ["s1"]])
def test_a_bad_variant_says_what_to_pass(bad):
    with pytest.raises(crmlab.CRMDataError, match="variant must be a non-empty string"):
        crmlab.load_data("leads", variant=bad)


def test_variants_of_students_differ_and_do_not_show_the_id():
    ids = [f"s{k:03d}" for k in range(200)]
    variants = {datasets.variant_of(s) for s in ids}
    assert len(variants) == 200
    assert all(len(v) == 8 and v.isalnum() and "s0" not in v for v in variants)


def _changed(value):
    if isinstance(value, dict):
        return {k: _changed(v) for k, v in value.items()}
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return max(1, int(value * 0.8))
    if isinstance(value, float):
        return value * 0.8 if value else 0.1
    arr = np.asarray(value, dtype=float)
    new = arr[::-1] * 0.9 if arr.ndim == 1 and len(arr) > 1 else arr * 0.8 + 0.05
    return new.tolist()


@pytest.mark.parametrize("name", SYNTHETIC)
def test_unchanged_settings_give_the_bundled_data(name):
    assert datasets.simulate(name).equals(crmlab.load_data(name))


#: small versions, so every setting can be tried quickly
SMALL = {"retail_customers": {"n_members": 400}, "retail_transactions": {"n_members": 400},
         "leads": {"n_leads": 400}, "accounts": {}, "survey": {"n_respondents": 400},
         "airline_members": {"n_airline": 400}}


@pytest.mark.parametrize(("name", "key"), [(n, k) for n in SYNTHETIC
                                           for k in datasets.parameters(n)])
def test_every_setting_changes_the_data_and_is_put_back(name, key):
    before = datasets.parameters(name)[key]
    small = {k: v for k, v in SMALL[name].items() if k != key}
    changed = datasets.simulate(name, **small, **{key: _changed(before)})
    assert not changed.equals(datasets.simulate(name, **small)), key
    after = datasets.parameters(name)[key]  # the module is left as it was
    assert np.array_equal(after, before) if isinstance(before, np.ndarray) else after == before


def test_a_setting_of_the_wrong_shape_is_refused_with_the_fix():
    with pytest.raises(crmlab.CRMDataError, match="same number of values"):
        datasets.simulate("survey", gap_weights=[0.5, 0.5])
    with pytest.raises(crmlab.CRMDataError, match="same keys"):
        datasets.simulate("leads", conversion={"MAN": 0.9})
    with pytest.raises(crmlab.CRMDataError, match="Did you mean 'conversion'"):
        datasets.simulate("leads", conversions={})
    with pytest.raises(crmlab.CRMDataError, match="real data"):
        datasets.simulate("cdnow")


@pytest.mark.parametrize(("name", "variants"), [
    ("leads", ["v0", "s001", "k7q2"]), ("accounts", ["v0", "s001", "k7q2"]),
    ("survey", ["v0", "s001", "k7q2"]), ("airline_members", ["v0", "s001", "k7q2"]),
    ("retail_customers", ["k7q2"]), ("retail_transactions", ["v3"]),
])
def test_a_variant_is_typed_as_its_csv_file_would_be(name, variants):
    # a variant is typed straight from the generator; simulate() still goes through CSV
    # text as the bundled file is read, so the two must agree to the last bit
    for variant in variants:
        typed = crmlab.load_data(name, variant=variant)
        via_csv = datasets.simulate(name, seed=datasets.variant_seed(name, variant))
        pd.testing.assert_frame_equal(typed, via_csv, check_exact=True)
        assert typed.dtypes.equals(via_csv.dtypes)


def test_simulate_starts_from_the_students_own_data():
    try:
        datasets.set_variant("s001")
        assert datasets.simulate("survey").equals(crmlab.load_data("survey"))
        mine = datasets.simulate("survey", gap_weights=[0.2] * 5)
    finally:
        datasets.set_variant(None)
    assert not mine.equals(datasets.simulate("survey", gap_weights=[0.2] * 5))
