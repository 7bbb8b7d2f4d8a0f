"""Bundled datasets: types, sizes, reproducibility, and the realism the chapters rely on.

The numbers asserted here are those of the committed files (see datasets/README.md).
"""

from __future__ import annotations

import hashlib
import io
from importlib.resources import files

import numpy as np
import pandas as pd
import pytest

import crmlab
from crmlab import CRMDataError, datasets
from crmlab import _synth as synth

SYNTHETIC = ["retail_customers", "retail_transactions", "leads", "accounts", "survey",
             "airline_members", "retail_baskets", "store_visits"]
DIMENSIONS = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]

COLUMNS = {
    "retail_customers": ["customer_id", "signup_date", "acquisition_channel", "region",
                         "city_tier", "gender", "age", "income_band", "lifestyle",
                         "membership", "annual_fee"],
    "retail_transactions": ["customer_id", "order_id", "order_date", "amount", "quantity",
                            "category", "channel", "gross_profit", "cost_to_serve"],
    "leads": ["lead_id", "company", "industry", "source_channel", "created_date",
              "money_score", "authority_score", "need_score", "money", "authority", "need",
              "cost", "funnel_stage", "converted", "deal_value"],
    "accounts": ["account_id", "company", "industry", "region", "account_manager",
                 "tenure_years", "revenue", "gross_margin", "cost_to_serve", "profit",
                 "growth_potential", "strategic_fit", "relationship", "resource_hours",
                 "manager_priority"],
    "survey": ["customer_id", "segment", "marketing_promise",
               *[f"expect_{d}" for d in DIMENSIONS], *[f"perceive_{d}" for d in DIMENSIONS],
               "satisfaction", "nps_score", "complaints", "churned"],
    "airline_members": ["member_id", "join_date", "last_flight_date", "flights", "mileage_km",
                        "avg_discount", "card_tier", "city_tier", "gender"],
    "retail_baskets": ["order_id", "customer_id", "order_date", "hour", "channel", "product",
                       "category", "quantity", "amount"],
    "store_visits": ["visit_id", "visit_date", "hour", "weekend", "group_size", "children",
                     "bumps", "first_zone", "dwell_minutes", "bought"],
    "cdnow": ["customer_id", "order_date", "quantity", "amount"],
    "cdnow_sample": ["customer_id", "sample_id", "order_date", "quantity", "amount"],
    "donations": ["frequency", "recency", "periods", "weights"],
}
ROWS = {
    "retail_customers": 5_000,
    "retail_transactions": 148_573,
    "leads": 2_000,
    "accounts": 300,
    "survey": 2_000,
    "airline_members": 3_000,
    "retail_baskets": 16_312,
    "store_visits": 3_000,
    "cdnow": 69_659,
    "cdnow_sample": 6_919,
    "donations": 22,
}
STRINGS = {  # ids and free text
    "retail_customers": ["customer_id"],
    "retail_transactions": ["customer_id", "order_id"],
    "leads": ["lead_id", "company"],
    "accounts": ["account_id", "company"],
    "survey": ["customer_id"],
    "airline_members": ["member_id"],
    "retail_baskets": ["order_id", "customer_id"],
    "store_visits": ["visit_id"],
    "cdnow": ["customer_id"],
    "cdnow_sample": ["customer_id", "sample_id"],
    "donations": [],
}
DATES = {"retail_customers": ["signup_date"], "retail_transactions": ["order_date"],
         "leads": ["created_date"], "airline_members": ["join_date", "last_flight_date"],
         "retail_baskets": ["order_date"], "store_visits": ["visit_date"],
         "cdnow": ["order_date"], "cdnow_sample": ["order_date"]}
BOOLS = {"leads": ["money", "authority", "need", "converted"], "survey": ["churned"],
         "store_visits": ["weekend", "children", "bought"]}
#: columns that may have missing values, and why
MAY_BE_MISSING = {("retail_baskets", "customer_id"): "anonymous baskets: no member card shown"}
ORDERED = {
    ("retail_customers", "city_tier"): ["tier 1", "tier 2", "tier 3", "tier 4"],
    ("retail_customers", "income_band"): ["low", "lower-middle", "upper-middle", "high"],
    ("retail_customers", "membership"): ["basic", "plus"],
    ("leads", "funnel_stage"): ["new", "contacted", "meeting", "proposal", "won"],
    ("survey", "marketing_promise"): ["modest", "accurate", "inflated"],
    ("airline_members", "card_tier"): ["normal", "silver", "gold", "platinum"],
    ("airline_members", "city_tier"): ["tier 1", "tier 2", "tier 3", "tier 4"],
}
CDNOW_SHA256 = {
    "cdnow/CDNOW_master.txt": "eff6889ed364c5199d6eacbbeb7a6d559971df4406ac876f322c373f00a072ef",
    "cdnow/CDNOW_sample.txt": "6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a",
    "donations/donations.csv": "82c25f26a201ff047e1cd5fe3d7967a45db92a025ecedee72ff8940e50104544",
}


@pytest.fixture(scope="module")
def data():
    """Every dataset, loaded once per module."""
    return {name: crmlab.load_data(name) for name in crmlab.list_datasets()}


def _spearman(x, y) -> float:
    return float(pd.Series(x).rank().corr(pd.Series(y).rank()))


# ----------------------------------------------------------------- contract of every dataset
def test_list_datasets_names_all_eleven():
    assert crmlab.list_datasets() == sorted(COLUMNS)


@pytest.mark.parametrize("name", crmlab.list_datasets())
def test_columns_and_rows(data, name):
    df = data[name]
    assert list(df.columns) == COLUMNS[name]
    assert len(df) == ROWS[name]


@pytest.mark.parametrize("name", crmlab.list_datasets())
def test_every_column_is_typed(data, name):
    df = data[name]
    assert not any(pd.api.types.is_object_dtype(t) for t in df.dtypes), df.dtypes
    for col in df.columns:
        dtype = df[col].dtype
        if col in STRINGS[name]:
            assert pd.api.types.is_string_dtype(dtype) and not isinstance(
                dtype, pd.CategoricalDtype), col
        elif col in DATES.get(name, []):
            assert pd.api.types.is_datetime64_dtype(dtype), col
            assert (df[col] == df[col].dt.normalize()).all(), f"{col} has times"
        elif col in BOOLS.get(name, []):
            assert pd.api.types.is_bool_dtype(dtype), col
        elif isinstance(dtype, pd.CategoricalDtype):
            expected = ORDERED.get((name, col))
            if expected is None:
                assert not dtype.ordered, col
            else:
                assert dtype.ordered and list(dtype.categories) == expected, col
        else:
            assert pd.api.types.is_numeric_dtype(dtype), (col, dtype)
            assert not pd.api.types.is_bool_dtype(dtype), col
        if (name, col) not in MAY_BE_MISSING:
            assert df[col].notna().all(), f"{name}.{col} has missing values"


@pytest.mark.parametrize("name", crmlab.list_datasets())
def test_ids_unique(data, name):
    id_col = {"retail_transactions": "order_id", "leads": "lead_id", "accounts": "account_id",
              "retail_customers": "customer_id", "survey": "customer_id",
              "airline_members": "member_id", "store_visits": "visit_id",
              "retail_baskets": None,  # one row per product: (order_id, product) is unique
              "cdnow_sample": None, "cdnow": None, "donations": None}[name]
    if id_col is not None:
        assert data[name][id_col].is_unique


def test_every_dataset_has_a_data_card():
    cards = files("crmlab._data").joinpath("README.md").read_text(encoding="utf-8")
    headings = [line[3:].strip() for line in cards.splitlines() if line.startswith("## ")]
    assert sorted(headings) == crmlab.list_datasets()
    for name, columns in COLUMNS.items():
        card = cards.split(f"## {name}\n", 1)[1].split("\n## ", 1)[0]
        for col in columns:
            stem = col.split("_")[0] + "_<dim>" if col.startswith(("expect_", "perceive_")) else col
            assert f"`{stem}`" in card or f"`{col}`" in card, (name, col)


def test_unknown_name_lists_the_datasets():
    with pytest.raises(CRMDataError, match=(
            r"no dataset 'leeds'\. Choose one of accounts, airline_members, cdnow, cdnow_sample, "
            r"donations, leads, retail_baskets, retail_customers, retail_transactions, "
            r"store_visits, survey\. "
            r"Did you mean 'leads'\?")):
        crmlab.load_data("leeds")


def test_unknown_generator_name():
    with pytest.raises(KeyError, match="no generator for 'cdnow'"):
        synth.generate("cdnow")


# ----------------------------------------------------------------- reproducibility
@pytest.mark.parametrize("name", SYNTHETIC)
def test_regenerate_equals_committed_file(name):
    assert datasets.regenerate(name) == datasets.read_bytes(name)


def test_generators_ignore_global_random_state():
    np.random.seed(1)
    first = synth.generate("accounts")
    np.random.seed(2)
    _ = np.random.random(10)
    pd.testing.assert_frame_equal(first, synth.generate("accounts"))


@pytest.mark.parametrize("name", ["leads", "survey"])
def test_bool_and_date_columns_are_written_plainly(name):
    raw = pd.read_csv(io.BytesIO(datasets.read_bytes(name)), dtype=str)
    for col in BOOLS[name]:
        assert set(raw[col]) == {"True", "False"}, col
    for col in DATES.get(name, []):
        assert raw[col].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all(), col


# ------------------------------------------------------- CDNOW and donations (real data)
@pytest.mark.parametrize("path", sorted(CDNOW_SHA256))
def test_cdnow_and_donation_files_equal_the_lifetimes_wheel(path):
    content = files("crmlab._data").joinpath(path).read_bytes()
    assert hashlib.sha256(content).hexdigest() == CDNOW_SHA256[path]


@pytest.mark.parametrize(("name", "rows", "customers"),
                         [("cdnow", 69_659, 23_570), ("cdnow_sample", 6_919, 2_357)])
def test_cdnow_sizes_and_span(data, name, rows, customers):
    df = data[name]
    assert len(df) == rows
    assert df["customer_id"].nunique() == customers
    assert df["order_date"].min() == pd.Timestamp("1997-01-01")
    assert df["order_date"].max() == pd.Timestamp("1998-06-30")
    assert (df["quantity"] > 0).all()


def test_donations_are_the_1995_cohort_of_fader_hardie_shang(data):
    # 11,104 first-time donors of 1995, six yearly donation opportunities (1996-2001)
    d = data["donations"]
    assert d["weights"].sum() == 11_104 and (d["periods"] == 6).all()
    assert ((d["frequency"] <= d["recency"]) & (d["recency"] <= d["periods"])).all()
    assert (d.loc[d["frequency"] == 0, "recency"] == 0).all()
    assert d.loc[d["frequency"] == 0, "weights"].item() == 3_464
    assert d[["frequency", "recency"]].duplicated().sum() == 0


def test_cdnow_sample_ids_are_master_ids(data):
    sample, master = data["cdnow_sample"], data["cdnow"]
    assert set(sample["customer_id"]) <= set(master["customer_id"])
    assert sample["sample_id"].nunique() == 2_357


# ----------------------------------------------------------------- retail
@pytest.fixture(scope="module")
def retail(data):
    tx = data["retail_transactions"]
    per_customer = tx.assign(profit=tx["gross_profit"] - tx["cost_to_serve"]).groupby(
        "customer_id").agg(net=("amount", "sum"), profit=("profit", "sum"))
    return data["retail_customers"], tx, per_customer


def test_retail_span_and_ids(retail):
    customers, tx, _ = retail
    assert tx["order_date"].min() == pd.Timestamp("2024-01-01")
    assert tx["order_date"].max() == pd.Timestamp("2025-12-31")
    assert customers["signup_date"].between("2024-01-01", "2025-12-31").all()
    assert set(tx["customer_id"]) <= set(customers["customer_id"])
    assert tx["order_id"].str.fullmatch(r"O\d{7}").all()
    assert customers["customer_id"].str.fullmatch(r"C\d{5}").all()
    assert tx["order_id"].is_monotonic_increasing and tx["order_date"].is_monotonic_increasing
    assert set(tx["channel"].cat.categories) == {"store", "online", "app"}


def test_retail_customer_attributes(retail):
    customers, _, _ = retail
    assert set(customers["region"].cat.categories) == {
        "East China", "North China", "South China", "Central China", "Southwest",
        "Northwest", "Northeast"}
    assert customers["age"].between(18, 80).all()
    fee = customers.groupby("membership", observed=True)["annual_fee"].agg(["min", "max"])
    assert fee.loc["basic"].tolist() == [299.0, 299.0]
    assert fee.loc["plus"].tolist() == [699.0, 699.0]


def test_retail_first_purchase_after_signup_and_some_never_buy(retail):
    customers, tx, per_customer = retail
    first = tx.groupby("customer_id")["order_date"].min()
    signup = customers.set_index("customer_id")["signup_date"]
    assert (first >= signup.loc[first.index]).all()
    never = 1 - len(per_customer) / len(customers)
    assert 0.02 <= never <= 0.04  # 143 of 5,000 members never buy
    assert len(per_customer) == 4_857


def test_retail_top_20_percent_bring_60_to_75_percent(retail):
    net = retail[2]["net"].sort_values(ascending=False)
    top = net.iloc[: round(0.2 * len(net))].sum() / net.sum()
    assert 0.60 <= top <= 0.75
    assert top == pytest.approx(0.675, abs=0.001)


def test_retail_returns(retail):
    _, tx, _ = retail
    returns = tx[tx["amount"] < 0]
    assert ((tx["amount"] < 0) == (tx["quantity"] < 0)).all()
    assert ((tx["amount"] < 0) == (tx["gross_profit"] < 0)).all()
    assert (tx["quantity"] != 0).all() and (tx["cost_to_serve"] >= 0).all()
    assert 0.02 <= len(returns) / len(tx) <= 0.04
    # every return undoes part or all of an earlier basket of the same member
    purchases = tx[tx["amount"] > 0]
    pairs = returns.merge(purchases, on=["customer_id", "category", "channel"],
                          suffixes=("_r", "_p"))
    ok = pairs[(pairs["order_date_p"] < pairs["order_date_r"])
               & (pairs["amount_p"] >= -pairs["amount_r"])
               & (pairs["quantity_p"] >= -pairs["quantity_r"])]
    assert ok["order_id_r"].nunique() == len(returns)


def test_retail_money_is_rounded_to_cents(retail):
    _, tx, _ = retail
    for col in ["amount", "gross_profit", "cost_to_serve"]:
        assert np.allclose(tx[col], tx[col].round(2), rtol=0, atol=1e-9), col


def test_retail_busy_but_unprofitable_customers(retail):
    _, tx, per_customer = retail
    negative = per_customer["profit"] < 0
    assert 0.10 <= negative.mean() <= 0.25
    assert negative.mean() == pytest.approx(0.144, abs=0.001)
    buys = tx[tx["amount"] > 0].groupby("customer_id")["amount"].agg(["size", "mean"])
    small_basket = buys["mean"] <= buys["mean"].quantile(0.25)
    frequent = buys["size"] >= buys["size"].quantile(0.75)
    # small baskets lose money far more often, and frequent small-basket buyers exist
    assert negative[small_basket].mean() > 5 * negative[~small_basket].mean()
    assert (negative & small_basket & frequent).sum() >= 50
    # the loss makers are busy: more orders, smaller baskets than the profitable members
    medians = buys.groupby(negative.loc[buys.index]).median()
    assert medians.loc[True, "size"] > 1.5 * medians.loc[False, "size"]
    assert medians.loc[True, "mean"] < 0.5 * medians.loc[False, "mean"]
    # delivery makes online/app orders dearer to serve than store orders
    cost = tx[tx["amount"] > 0].groupby("channel", observed=True)["cost_to_serve"].mean()
    assert cost["store"] < cost["app"] and cost["store"] < cost["online"]


def test_retail_seasonality(retail):
    _, tx, _ = retail
    monthly = tx[tx["order_date"].dt.year == 2025].groupby(tx["order_date"].dt.month).size()
    # Spring Festival (29 Jan 2025) and Double 11 bumps over their neighbouring months
    assert monthly[1] > 1.2 * monthly[2] and monthly[11] > 1.1 * monthly[10]


# ----------------------------------------------------------------- leads
def _man_code(leads):
    return (np.where(leads["money"], "M", "m").astype(object)
            + np.where(leads["authority"], "A", "a") + np.where(leads["need"], "N", "n"))


def test_leads_flags_scores_and_outcome(data):
    leads = data["leads"]
    for c in ["money", "authority", "need"]:
        score = leads[f"{c}_score"]
        assert score.between(0, 10).all() and np.allclose(score, score.round(1))
        assert (leads[c] == (score >= 6)).all()
    assert (leads["converted"] == (leads["funnel_stage"] == "won")).all()
    assert (leads.loc[~leads["converted"], "deal_value"] == 0.0).all()
    assert (leads.loc[leads["converted"], "deal_value"] >= 30_000).all()
    assert leads["created_date"].dt.year.eq(2025).all()
    assert (leads["cost"] > 0).all()
    assert leads["company"].is_unique
    assert leads["converted"].sum() == 232


def test_leads_conversion_follows_the_man_rule(data):
    leads = data["leads"]
    rate = leads.groupby(_man_code(leads))["converted"].mean()
    by_count = leads.groupby(leads[["money", "authority", "need"]].sum(axis=1))[
        "converted"].mean()
    assert by_count.is_monotonic_increasing and by_count.index.tolist() == [0, 1, 2, 3]
    assert by_count[3] > 2 * by_count[2] > 4 * by_count[1]
    assert by_count[0] < 0.03
    assert rate["MAN"] == rate.max()
    # need matters most: with need beats without need at the same number of criteria
    assert min(rate["mAN"], rate["MaN"]) > rate["MAn"]
    assert rate["maN"] > max(rate["Man"], rate["mAn"])
    effect = {c: leads.groupby(c)["converted"].mean().diff().iloc[-1]
              for c in ["money", "authority", "need"]}
    assert effect["need"] == max(effect.values())


def test_leads_channels_differ_in_cost_and_quality(data):
    leads = data["leads"]
    by = leads.groupby("source_channel", observed=True).agg(
        cost=("cost", "mean"), conv=("converted", "mean"))
    assert by["cost"].idxmax() == "trade_show" and by["cost"].idxmin() == "cold_call"
    assert by["conv"].idxmin() == "cold_call"


# ----------------------------------------------------------------- accounts
def test_accounts_profit_identity_and_ranges(data):
    acc = data["accounts"]
    expected = acc["revenue"] * acc["gross_margin"] - acc["cost_to_serve"]
    assert np.allclose(acc["profit"], expected, rtol=0, atol=0.011)
    assert 0.10 <= (acc["profit"] < 0).mean() <= 0.20
    assert acc["gross_margin"].between(0.05, 0.45).all()
    assert acc["growth_potential"].between(1, 10).all()
    assert acc["strategic_fit"].between(1, 10).all()
    assert acc["relationship"].between(1, 5).all()
    assert sorted(acc["manager_priority"]) == list(range(1, 301))
    assert 6 <= acc["account_manager"].nunique() <= 8
    assert acc["revenue"].max() > 10 * acc["revenue"].median()  # heavy tail


def test_accounts_priority_reflects_rapport_more_than_profit(data):
    acc = data["accounts"]
    priority = -acc["manager_priority"]  # higher = more important
    rho_profit = _spearman(priority, acc["profit"])
    assert 0.2 <= rho_profit <= 0.45
    assert _spearman(priority, acc["tenure_years"]) > rho_profit + 0.2
    assert _spearman(priority, acc["relationship"]) > rho_profit + 0.2
    assert _spearman(priority, acc["resource_hours"]) > 0.8
    # unprofitable long-standing accounts that still get many service hours
    biased = acc[(acc["profit"] < 0) & (acc["tenure_years"] >= 10)
                 & (acc["resource_hours"] > acc["resource_hours"].median())]
    assert len(biased) >= 5


# ----------------------------------------------------------------- survey
def test_survey_ranges(data):
    survey = data["survey"]
    for d in DIMENSIONS:
        assert survey[f"expect_{d}"].between(1, 7).all()
        assert survey[f"perceive_{d}"].between(1, 7).all()
    assert survey["satisfaction"].between(1, 10).all()
    assert survey["nps_score"].between(0, 10).all()
    assert (survey["complaints"] >= 0).all()
    assert 0.15 <= survey["churned"].mean() <= 0.25


def test_survey_inflated_promises_lower_satisfaction(data):
    survey = data["survey"]
    by = survey.groupby("marketing_promise", observed=True)
    sat = by["satisfaction"].mean()
    assert sat["inflated"] < sat["accurate"] < sat["modest"]
    assert sat["accurate"] - sat["inflated"] > 0.5
    # ... although the service was the same
    perceived = by[[f"perceive_{d}" for d in DIMENSIONS]].mean().mean(axis=1)
    assert perceived.max() - perceived.min() < 0.15
    expected = by[[f"expect_{d}" for d in DIMENSIONS]].mean().mean(axis=1)
    assert expected["inflated"] > expected["accurate"] > expected["modest"]


def test_survey_gaps_drive_satisfaction_reliability_most(data):
    survey = data["survey"]
    gaps = np.column_stack([survey[f"perceive_{d}"] - survey[f"expect_{d}"]
                            for d in DIMENSIONS] + [np.ones(len(survey))])
    coef = np.linalg.lstsq(gaps, survey["satisfaction"], rcond=None)[0][:-1]
    assert (coef > 0).all() and DIMENSIONS[int(np.argmax(coef))] == "reliability"
    assert survey["satisfaction"].corr(survey["nps_score"]) > 0.6


def test_survey_churn_follows_dissatisfaction_and_complaints(data):
    survey = data["survey"]
    by = survey.groupby("churned")[["satisfaction", "complaints"]].mean()
    assert by.loc[True, "satisfaction"] < by.loc[False, "satisfaction"] - 2
    assert by.loc[True, "complaints"] > 2 * by.loc[False, "complaints"]


# ----------------------------------------------------------------- airline (capstone)
def _lrfmc(members: pd.DataFrame) -> pd.DataFrame:
    """The capstone's LRFMC features: months since joining / last flight, F, M, C."""
    end = members["last_flight_date"].max() + pd.Timedelta(days=1)
    return pd.DataFrame({
        "L": (end - members["join_date"]).dt.days / 30.4375,
        "R": (end - members["last_flight_date"]).dt.days / 30.4375,
        "F": members["flights"], "M": members["mileage_km"], "C": members["avg_discount"]})


def test_airline_members_ranges(data):
    m = data["airline_members"]
    assert m["member_id"].str.fullmatch(r"M\d{5}").all()
    assert (m["join_date"] <= m["last_flight_date"]).all()
    assert m["last_flight_date"].between("2024-01-01", "2025-12-31").all()
    assert (m["flights"] >= 1).all() and (m["mileage_km"] > 0).all()
    assert m["avg_discount"].between(0.2, 1.5).all()
    # the card tier rises with the kilometres flown
    km = m.groupby("card_tier", observed=True)["mileage_km"].median()
    assert km.is_monotonic_increasing and len(km) == 4
    assert set(m["gender"].cat.categories) == {"female", "male"}


def test_airline_generator_is_seeded_and_keeps_the_answer_key_out_of_the_file():
    committed = synth.generate("airline_members")
    keyed = synth.airline_members(with_group=True)
    pd.testing.assert_frame_equal(keyed.drop(columns="group"), committed)
    assert keyed["group"].value_counts().to_dict() == {
        "低价值客户": 868, "一般客户": 704, "重要发展客户": 566, "重要挽留客户": 491,
        "重要保持客户": 371}
    other = synth.airline_members(500, seed=7, shares=[0.1, 0.1, 0.1, 0.1, 0.6])
    assert len(other) == 500 and not other.equals(committed.head(500))
    with pytest.raises(ValueError, match="shares must be 5"):
        synth.airline_members(shares=[0.5, 0.5])


def test_kmeans_recovers_the_five_planted_airline_groups():
    from sklearn.metrics import adjusted_rand_score

    from crmlab.segmentation import KMeansSegments

    members = synth.airline_members(with_group=True)
    features = _lrfmc(members)
    model = KMeansSegments(5, columns=list("LRFMC"), order_by="M").fit(features)
    ari = adjusted_rand_score(members["group"], model.labels_)
    assert round(ari, 2) == 0.93  # as the data card says
    # every segment is mostly one planted group, and the five groups differ
    table = pd.crosstab(model.labels_, members["group"])
    majority = table.idxmax(axis=1)
    assert majority.nunique() == 5
    assert (table.max(axis=1) / table.sum(axis=1)).min() > 0.8
    # the centres' profiles are those the textbook's names describe
    z = model.centers_scaled_.set_axis(majority, axis=0)
    assert z[["F", "M"]].mean(axis=1).idxmax() == "重要保持客户"
    assert z["C"].idxmax() == "重要发展客户"
    assert z["R"].idxmax() == "低价值客户"
    assert z.loc["重要挽留客户", "R"] > 0 > z.loc["重要保持客户", "R"]


# ----------------------------------------------------------------- baskets and the entrance log
def test_retail_baskets_planted_pairs_members_and_variants(data):
    from crmlab import needs

    lines = data["retail_baskets"]
    assert not lines.duplicated(["order_id", "product"]).any()
    assert lines["order_id"].nunique() == synth.N_BASKETS
    orders = lines.drop_duplicates("order_id")
    assert orders["customer_id"].notna().mean() == pytest.approx(0.5405, abs=1e-4)
    assert orders.loc[orders["channel"] == "app", "customer_id"].notna().all()
    rules = needs.association_rules(lines, min_support=0.005)
    top = {frozenset(p) for p in rules[["antecedent", "consequent"]].head(6).to_numpy()}
    assert top == {frozenset(p[:2]) for p in synth.PLANTED_PAIRS}  # the planted pairs lead
    assert rules["lift"].iloc[6] < 1.3  # and the next pair is far behind
    # the parameters make a changed dataset: seed and size, and no pairs at strength 0
    small = synth.retail_baskets(500, seed=7)
    assert small["order_id"].nunique() == 500
    assert not small.equals(synth.retail_baskets(500, seed=8))
    flat = needs.association_rules(synth.retail_baskets(pair_strength=0.0))
    assert flat["lift"].max() < 2.5
    with pytest.raises(ValueError, match="pair_strength"):
        synth.retail_baskets(pair_strength=1.5)


def test_store_visits_bumps_lower_buying_and_the_parameter_removes_it(data):
    visits = data["store_visits"]
    assert visits["visit_date"].nunique() == synth.VISIT_DAYS
    assert visits["group_size"].between(1, 4).all() and (visits["bumps"] >= 0).all()
    rate = visits.groupby(visits["bumps"] > 0)["bought"].mean()
    assert rate[False] - rate[True] == pytest.approx(0.1652, abs=1e-4)
    flat = synth.store_visits(bump_penalty=0.0)
    flat_rate = flat.groupby(flat["bumps"] > 0)["bought"].mean()
    assert abs(flat_rate[False] - flat_rate[True]) < 0.05
    assert visits.groupby("group_size")["dwell_minutes"].median().is_monotonic_increasing
