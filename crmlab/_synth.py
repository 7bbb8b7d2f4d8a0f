"""Seeded generators of the eight synthetic datasets bundled with crmlab.

Every dataset is made by one function below from its own
``numpy.random.default_rng(SEED)``; nothing depends on global random state, hash seeds
or set order, so ``generate(name)`` returns the same frame on every run and
``python -m crmlab.datasets`` rewrites the files in ``datasets/`` byte for byte.
Money is rounded to cents (yuan) and scores to one decimal, so the CSV files are
stable and compact. ``datasets/README.md`` has the data cards.

The generating processes, in words:

``retail_customers`` / ``retail_transactions`` (seed 20240101)
    A membership warehouse retailer (Costco / Metro-like, amounts in yuan). 5,000 members
    sign up over 2024-2025 (more in the first year). Each member has demographics (region,
    city tier, gender, age, income band), a lifestyle and a membership level (plus members
    are richer, buy more and in bigger baskets). Purchases follow a buy-till-you-die
    (Pareto/NBD) process: after the first purchase (a few days after sign-up) a member buys
    at an individual Poisson rate ``lambda ~ Gamma`` until an individual exponential
    lifetime (counted from sign-up) with rate ``mu ~ Gamma`` ends -- then the member is gone
    for good. Purchase days are thinned by a seasonal curve (Spring Festival and Double 11
    bumps). Some members never buy (never activated, or lost / out of time before the first
    purchase). Basket size: a lognormal per-member mean (heavy tail) times a category factor
    times lognormal order noise; frequent buyers have smaller baskets. Each order has one
    category (with its margin rate, giving gross profit) and one channel (store / online /
    app, from a member's own mix). Cost to serve is low in the store and a delivery fee
    online/app, so frequent small-basket online buyers lose money (Manager Zhang's "busy but
    unprofitable" customers). About 3% of purchases are later partly or fully returned: a
    separate row with its own order id, the same member, a later date, negative amount,
    quantity and gross profit, and a handling cost.

``leads`` (seed 20250101)
    2,000 B2B prospects created in 2025. Each has a latent true money / authority /
    need (probabilities depend on the source channel: referrals bring need, cold calls
    rarely do); the observed 0-10 scores are noisy evidence of the latent truth and the
    flags are ``score >= 6``. Conversion depends on the latent MAN combination
    (MAN 0.45, mAN 0.22, MaN 0.18, MAn 0.05, maN 0.08, Man/mAn 0.015, man 0.003):
    monotone in the number of criteria met, need matters most. Lost leads stop at an
    earlier funnel stage; won ones passed all stages. Contact cost depends on the
    channel; deal values are lognormal.

``accounts`` (seed 20230101)
    300 B2B accounts with 7 account managers. Revenue is lognormal (heavy tail), the
    gross margin a scaled beta. The manager's priority is a score driven by tenure,
    personal relationship and revenue (not by profit or potential), turned into a
    rank 1..300 (1 = top). Service hours follow the priority with noise and are part
    of the cost to serve, so long-tenure, well-liked accounts can get many hours and
    still lose money.

``survey`` (seed 20220101)
    2,000 customers rate expectations and perceptions (1-7) on the five SERVQUAL
    dimensions. Marketing promises shift expectations (inflated: up, modest: down) but
    not the service itself. Satisfaction (1-10) is driven by the perception - expectation
    gaps (reliability weighs most), NPS (0-10) follows satisfaction, complaints are
    Poisson with more for negative gaps, and churn a year later is a noisy logistic
    function of satisfaction, gaps and complaints (business and vip customers, with
    higher switching costs, leave a little less often).

``airline_members`` (seed 20260101)
    3,000 members of an airline's frequent-flyer programme, observed over 2024-2025, for
    the capstone's LRFMC case. Each member belongs to one of five **planted** groups
    (``AIRLINE_GROUPS``, shares ``AIRLINE_SHARES``) named after the airline case's
    segments; the group sets the medians of months since joining (L, ``AIRLINE_L``),
    months since the last flight (R, ``AIRLINE_R``), the flight rate (F, ``AIRLINE_F``)
    and the average discount coefficient (C, ``AIRLINE_C``), with lognormal / normal
    spread inside the group. Flights are Poisson at the member's rate times the part of
    the window the member could fly in (at least one); kilometres are flights times a
    member's lognormal flight length (M). The card tier follows the kilometres and the
    membership length; city tier and gender are drawn independently and used for
    nothing. The segments k-means finds are there because this generator put them
    there; the group is not in the file (``airline_members(with_group=True)`` adds it).

``retail_baskets`` (seed 20250301)
    One year (2025) of baskets of a neighbourhood supermarket, one row per product in a
    basket, for chapter 11 (customer needs). Each product enters a basket on its own with
    a base probability (``BASKET_PRODUCTS``); then three **planted pairs** add their second
    product to a basket holding the first (``PLANTED_PAIRS``: hotpot base -> beef slices,
    diapers -> baby wipes, beer -> chips, each with probability ``pair_strength`` times the
    pair's weight), so these pairs are bought together more often than chance. 900 loyalty
    members (``N_BASKET_MEMBERS``) each have one or two **usual items** put in a basket with
    probability ``HABIT_P``, a usual hour and an app share; ``HABIT_CHANGE`` of them swap
    their first usual item for another on a day in the year (needs change). Members buy
    ``MEMBER_BASKET_SHARE`` of the baskets, in the store (showing their card) or in the
    app; the other baskets are bought in the store without a card and have no customer
    id: the shop does not know who bought them.

``store_visits`` (seed 20250401)
    An entrance log of the same supermarket over 14 days, one row per visiting group, as
    an observer (or a camera with people counting only) would note it: hour, group size,
    children, the number of times the group was bumped in the narrow entrance aisle,
    the first zone, dwell time and whether it bought. Bumps are Poisson with a mean that
    grows with the crowd at that hour; each bump lowers the log-odds of buying by
    ``bump_penalty`` (the planted "butt-brush" effect of 案例3.5); dwell time grows with the
    group size and does not depend on the bumps.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["generate", "GENERATORS"]

# --------------------------------------------------------------------------- retail
RETAIL_SEED = 20240101
N_MEMBERS = 5_000
START = np.datetime64("2024-01-01")
END = np.datetime64("2025-12-31")
N_DAYS = int((END - START).astype(int)) + 1  # 731 days, 2024 is a leap year
SIGNUP_WEIGHT_FIRST_LAST = (1.4, 0.6)  # sign-up intensity on the first / last day, linear
NEVER_ACTIVATE = 0.015  # members who pay the fee but never come back
FIRST_PURCHASE_DELAY_MEAN = 6.0  # days from sign-up to first purchase (exponential)

ACQUISITION_CHANNELS = ["store", "website", "app", "referral", "partner"]
ACQUISITION_P = [0.40, 0.18, 0.20, 0.14, 0.08]
REGIONS = ["East China", "North China", "South China", "Central China",
           "Southwest", "Northwest", "Northeast"]
REGION_P = [0.30, 0.17, 0.18, 0.12, 0.11, 0.05, 0.07]
CITY_TIERS = ["tier 1", "tier 2", "tier 3", "tier 4"]
CITY_TIER_P = [0.30, 0.35, 0.22, 0.13]
INCOME_BANDS = ["low", "lower-middle", "upper-middle", "high"]
FEMALE_SHARE = 0.54
AGE_MEAN_SD, AGE_RANGE = (39, 11), (20, 75)
LIFESTYLES = ["price-sensitive", "quality-seeker", "convenience", "family-bulk"]
LIFESTYLE_P = [0.30, 0.22, 0.24, 0.24]
PLUS_SHARE = np.array([0.10, 0.20, 0.30, 0.40])  # chance of plus membership by income band
ANNUAL_FEE = {"basic": 299.0, "plus": 699.0}

# Purchase process (Pareto/NBD): rates per day.
PURCHASE_RATE_SHAPE = 1.1  # gamma shape of lambda (heterogeneity)
PURCHASE_RATE_MEAN = 0.088  # mean purchases per day (about one every 2 weeks)
DROPOUT_SHAPE = 0.6  # gamma shape of mu
DROPOUT_MEAN = 1 / 500  # mean dropout rate per day
# lifestyle multipliers: purchase rate, basket size
LIFESTYLE_RATE = {"price-sensitive": 0.9, "quality-seeker": 0.8, "convenience": 1.6,
                  "family-bulk": 0.75}
LIFESTYLE_BASKET = {"price-sensitive": 0.75, "quality-seeker": 1.5, "convenience": 0.55,
                    "family-bulk": 1.8}
INCOME_BASKET = [0.7, 0.9, 1.15, 1.5]  # by income band
PLUS_RATE, PLUS_BASKET = 1.25, 1.3  # plus membership multipliers
BASKET_MEDIAN = 260.0  # yuan, median of the per-member mean basket before multipliers
BASKET_MEMBER_SIGMA = 0.55  # lognormal sigma between members
BASKET_ORDER_SIGMA = 0.45  # lognormal sigma between orders of one member
RATE_BASKET_ELASTICITY = -0.25  # frequent buyers have smaller baskets: basket ~ lambda^e
MIN_BASKET = 8.0

# Seasonality (multiplies the purchase rate, then thinned): Spring Festival and Double 11.
SPRING_FESTIVALS = ["2024-02-10", "2025-01-29"]
SPRING_BOOST, SPRING_WINDOW = 0.8, 21  # +80% in the 3 weeks before the festival
DOUBLE11_BOOST = 1.0  # +100% on 1-11 November (online/app orders)

ORDER_CHANNELS = ["store", "online", "app"]
# Dirichlet base shares of a member's channel mix, by lifestyle
CHANNEL_MIX = {"price-sensitive": [0.70, 0.15, 0.15], "quality-seeker": [0.55, 0.25, 0.20],
               "convenience": [0.20, 0.35, 0.45], "family-bulk": [0.80, 0.10, 0.10]}
CHANNEL_CONCENTRATION = 3.0

CATEGORIES = ["grocery", "fresh", "household", "personal care", "electronics", "apparel",
              "wine"]
MARGIN = [0.12, 0.18, 0.16, 0.22, 0.07, 0.30, 0.25]  # gross margin rate by category
CATEGORY_SIZE = [1.0, 0.8, 1.0, 0.7, 3.5, 1.3, 1.6]  # basket multiplier by category
UNIT_PRICE = [30.0, 35.0, 45.0, 40.0, 900.0, 150.0, 180.0]  # for the quantity
CATEGORY_MIX = {  # category probabilities by lifestyle
    "price-sensitive": [0.38, 0.22, 0.18, 0.10, 0.03, 0.05, 0.04],
    "quality-seeker": [0.22, 0.24, 0.12, 0.12, 0.08, 0.10, 0.12],
    "convenience": [0.30, 0.30, 0.12, 0.13, 0.04, 0.06, 0.05],
    "family-bulk": [0.36, 0.24, 0.20, 0.08, 0.04, 0.05, 0.03],
}
# Cost to serve per order: fixed + share of the amount (picking, packing, delivery).
SERVE_FIXED = {"store": 3.0, "online": 26.0, "app": 22.0}
SERVE_SHARE = {"store": 0.01, "online": 0.02, "app": 0.02}
RETURN_COST = {"store": 15.0, "online": 40.0, "app": 35.0}
RETURN_P = [0.015, 0.025, 0.02, 0.015, 0.08, 0.09, 0.02]  # by category
RETURN_CHANNEL = {"store": 0.8, "online": 1.4, "app": 1.2}  # multiplier
RETURN_DELAY_MEAN = 8.0  # days after the purchase (plus 1)
RETURN_FULL = 0.5  # share of returns of the whole basket


def _pick(rng, labels, p, size):
    """Draw labels with probabilities ``p`` (an index array and the label array)."""
    idx = rng.choice(len(labels), size=size, p=np.asarray(p) / np.sum(p))
    return idx, np.asarray(labels, dtype=object)[idx]


def _draw_rows(rng, cum_p, row_index):
    """Draw one category per row from row-specific cumulative probabilities."""
    u = rng.random(len(row_index))
    return (u[:, None] > cum_p[row_index]).sum(axis=1)


def _seasonality():
    """Relative purchase intensity of each day (store and online/app)."""
    days = START + np.arange(N_DAYS)
    base = np.ones(N_DAYS)
    for festival in SPRING_FESTIVALS:
        to_go = (np.datetime64(festival) - days).astype(int)
        base[(to_go > 0) & (to_go <= SPRING_WINDOW)] += SPRING_BOOST
    month_day = pd.DatetimeIndex(days)
    double11 = np.asarray((month_day.month == 11) & (month_day.day <= 11))
    online = base.copy()
    online[double11] += DOUBLE11_BOOST
    return base, online


def _retail(rng):
    n = N_MEMBERS
    ids = np.array([f"C{i:05d}" for i in range(1, n + 1)], dtype=object)

    # --- members: sign-up and attributes
    w = np.linspace(*SIGNUP_WEIGHT_FIRST_LAST, N_DAYS)
    signup_day = rng.choice(N_DAYS, size=n, p=w / w.sum())
    _, acquisition = _pick(rng, ACQUISITION_CHANNELS, ACQUISITION_P, n)
    _, region = _pick(rng, REGIONS, REGION_P, n)
    tier_idx, tier = _pick(rng, CITY_TIERS, CITY_TIER_P, n)
    gender = np.where(rng.random(n) < FEMALE_SHARE, "female", "male").astype(object)
    age = np.clip(np.round(rng.normal(*AGE_MEAN_SD, n)), *AGE_RANGE).astype(int)
    income_latent = -0.45 * tier_idx + 0.02 * (45 - np.abs(age - 45)) + rng.normal(0, 1, n)
    income_idx = np.digitize(income_latent, np.quantile(income_latent, [0.25, 0.55, 0.85]))
    income = np.asarray(INCOME_BANDS, dtype=object)[income_idx]
    life_p = np.tile(LIFESTYLE_P, (n, 1))
    life_p[:, 1] *= 1 + 0.5 * income_idx  # richer members seek quality
    life_p[:, 0] *= 1.6 - 0.3 * income_idx
    life_p[:, 2] *= np.where(age < 35, 1.8, 0.8)  # young members want convenience
    life_p[:, 3] *= np.where((age >= 30) & (age < 55), 1.4, 0.7)  # families buy in bulk
    life_p /= life_p.sum(axis=1, keepdims=True)
    life_idx = _draw_rows(rng, np.cumsum(life_p, axis=1), np.arange(n))
    lifestyle = np.asarray(LIFESTYLES, dtype=object)[life_idx]
    plus = rng.random(n) < PLUS_SHARE[income_idx]
    membership = np.where(plus, "plus", "basic").astype(object)
    fee = np.where(plus, ANNUAL_FEE["plus"], ANNUAL_FEE["basic"])
    customers = pd.DataFrame({
        "customer_id": ids,
        "signup_date": START + signup_day.astype("timedelta64[D]"),
        "acquisition_channel": acquisition, "region": region, "city_tier": tier,
        "gender": gender, "age": age, "income_band": income, "lifestyle": lifestyle,
        "membership": membership, "annual_fee": fee,
    })

    # --- buy-till-you-die process (Pareto/NBD), days measured from START
    rate_mult = np.array([LIFESTYLE_RATE[s] for s in LIFESTYLES])[life_idx]
    rate_mult = rate_mult * np.where(plus, PLUS_RATE, 1.0)
    lam = rng.gamma(PURCHASE_RATE_SHAPE, PURCHASE_RATE_MEAN / PURCHASE_RATE_SHAPE, n) * rate_mult
    mu = rng.gamma(DROPOUT_SHAPE, DROPOUT_MEAN / DROPOUT_SHAPE, n)
    lifetime = rng.exponential(1.0, n) / mu  # from sign-up
    first = signup_day + rng.exponential(FIRST_PURCHASE_DELAY_MEAN, n)
    buyer = (rng.random(n) >= NEVER_ACTIVATE) & (first < signup_day + lifetime) & (first < N_DAYS)
    alive_until = np.minimum(signup_day + lifetime, N_DAYS)
    window = np.where(buyer, np.maximum(alive_until - first, 0.0), 0.0)
    # candidate repeat purchases at the peak rate, thinned by the seasonal curve
    store_season, online_season = _seasonality()
    peak = max(store_season.max(), online_season.max())
    n_cand = rng.poisson(lam * peak * window)
    cust = np.repeat(np.arange(n), n_cand)
    t = first[cust] + rng.random(cust.size) * window[cust]
    # channel mix per member (Dirichlet via gammas)
    mix_base = np.array([CHANNEL_MIX[s] for s in LIFESTYLES])[life_idx]
    mix = rng.gamma(CHANNEL_CONCENTRATION * mix_base)
    mix /= mix.sum(axis=1, keepdims=True)
    chan = _draw_rows(rng, np.cumsum(mix, axis=1), cust)
    day = np.minimum(t.astype(int), N_DAYS - 1)
    season = np.where(chan == 0, store_season[day], online_season[day])
    keep = rng.random(cust.size) < season / peak
    cust, day, chan = cust[keep], day[keep], chan[keep]
    # add the first purchases (always kept), channel from the member's mix
    first_c = np.flatnonzero(buyer)
    first_chan = _draw_rows(rng, np.cumsum(mix, axis=1), first_c)
    cust = np.concatenate([first_c, cust])
    day = np.concatenate([first[first_c].astype(int), day])
    chan = np.concatenate([first_chan, chan])

    # --- baskets
    basket_mult = (np.array([LIFESTYLE_BASKET[s] for s in LIFESTYLES])[life_idx]
                   * np.array(INCOME_BASKET)[income_idx] * np.where(plus, PLUS_BASKET, 1.0)
                   * (lam / PURCHASE_RATE_MEAN) ** RATE_BASKET_ELASTICITY)
    member_basket = BASKET_MEDIAN * basket_mult * rng.lognormal(0, BASKET_MEMBER_SIGMA, n)
    cat_p = np.cumsum(np.array([CATEGORY_MIX[s] for s in LIFESTYLES]), axis=1)
    cat = _draw_rows(rng, cat_p, life_idx[cust])
    noise = rng.lognormal(-BASKET_ORDER_SIGMA**2 / 2, BASKET_ORDER_SIGMA, cust.size)
    amount = np.round(np.maximum(member_basket[cust] * np.array(CATEGORY_SIZE)[cat] * noise,
                                 MIN_BASKET), 2)
    quantity = 1 + rng.poisson(amount / np.array(UNIT_PRICE)[cat])
    chan_names = np.asarray(ORDER_CHANNELS, dtype=object)
    serve_fixed = np.array([SERVE_FIXED[c] for c in ORDER_CHANNELS])
    serve_share = np.array([SERVE_SHARE[c] for c in ORDER_CHANNELS])
    cost = np.round(serve_fixed[chan] + serve_share[chan] * amount, 2)

    # --- returns: a later row of the same member, minus part or all of the basket
    p_ret = np.array(RETURN_P)[cat] * np.array([RETURN_CHANNEL[c] for c in ORDER_CHANNELS])[chan]
    ret_day = day + 1 + rng.exponential(RETURN_DELAY_MEAN, cust.size).astype(int)
    is_ret = (rng.random(cust.size) < p_ret) & (ret_day < N_DAYS)
    r = np.flatnonzero(is_ret)
    full = rng.random(r.size) < RETURN_FULL
    k = np.where(full, quantity[r], 1 + (rng.random(r.size) * quantity[r]).astype(int))
    k = np.minimum(k, quantity[r])
    r_amount = -np.round(amount[r] * k / quantity[r], 2)
    r_cost = np.array([RETURN_COST[c] for c in ORDER_CHANNELS])[chan[r]]

    all_cust = np.concatenate([cust, cust[r]])
    all_day = np.concatenate([day, ret_day[r]])
    all_amount = np.concatenate([amount, r_amount])
    all_qty = np.concatenate([quantity, -k])
    all_cat = np.concatenate([cat, cat[r]])
    all_chan = np.concatenate([chan, chan[r]])
    all_cost = np.concatenate([cost, r_cost])
    kind = np.concatenate([np.zeros(cust.size, int), np.ones(r.size, int)])
    seq = np.arange(all_cust.size)
    order = np.lexsort((seq, kind, all_cust, all_day))  # by day, member, purchase first
    m = len(order)
    gross = np.round(all_amount * np.array(MARGIN)[all_cat], 2)
    transactions = pd.DataFrame({
        "customer_id": ids[all_cust[order]],
        "order_id": np.array([f"O{i:07d}" for i in range(1, m + 1)], dtype=object),
        "order_date": START + all_day[order].astype("timedelta64[D]"),
        "amount": all_amount[order],
        "quantity": all_qty[order],
        "category": np.asarray(CATEGORIES, dtype=object)[all_cat[order]],
        "channel": chan_names[all_chan[order]],
        "gross_profit": gross[order],
        "cost_to_serve": all_cost[order],
    })
    return customers, transactions


def retail_customers(seed: int = RETAIL_SEED) -> pd.DataFrame:
    """Members of the membership retailer (seed ``RETAIL_SEED``)."""
    return _retail(np.random.default_rng(seed))[0]


def retail_transactions(seed: int = RETAIL_SEED) -> pd.DataFrame:
    """Orders and returns of the membership retailer (seed ``RETAIL_SEED``)."""
    return _retail(np.random.default_rng(seed))[1]


# --------------------------------------------------------------------------- leads
LEADS_SEED = 20250101
N_LEADS = 2_000
LEAD_CHANNELS = ["trade_show", "referral", "website", "cold_call", "advertising", "partner"]
LEAD_CHANNEL_P = [0.14, 0.12, 0.26, 0.22, 0.16, 0.10]
LEAD_COST = [900.0, 200.0, 60.0, 45.0, 320.0, 260.0]  # median contact cost, yuan
LEAD_COST_SIGMA = 0.35
LEAD_CONTACT_P = [0.55, 0.95, 0.85, 0.60, 0.70, 0.90]  # chance a lost lead was contacted
# probability of the latent true money / authority / need, by channel
LEAD_TRUE_P = {
    "trade_show": (0.55, 0.55, 0.55),
    "referral": (0.55, 0.60, 0.70),
    "website": (0.45, 0.35, 0.60),
    "cold_call": (0.45, 0.40, 0.25),
    "advertising": (0.45, 0.35, 0.45),
    "partner": (0.60, 0.55, 0.55),
}
# conversion probability by latent combination (upper case = met)
CONVERSION = {"MAN": 0.45, "mAN": 0.22, "MaN": 0.18, "MAn": 0.05,
              "maN": 0.08, "Man": 0.015, "mAn": 0.015, "man": 0.003}
SCORE_MET = (7.7, 1.2)  # mean, sd of the evidence score when the criterion is truly met
SCORE_UNMET = (3.6, 1.4)
SCORE_THRESHOLD = 6.0
INDUSTRIES = ["manufacturing", "retail", "logistics", "software", "healthcare",
              "education", "finance", "construction", "food & beverage"]
INDUSTRY_P = [0.20, 0.13, 0.11, 0.13, 0.09, 0.07, 0.08, 0.10, 0.09]
DEAL_MEDIAN, DEAL_SIGMA = 160_000.0, 0.6  # yuan, lognormal
DEAL_MIN, DEAL_MAX = 30_000.0, 2_000_000.0
NAME_FIRST = ["Hua", "Xin", "Tian", "Jin", "Long", "Hong", "Sheng", "Da", "Zhong", "Bao",
              "Heng", "Kang", "Rui", "Feng", "Yong", "Guang", "Ming", "Tai", "Wan", "Fu",
              "Jia", "Hai", "Chang", "Yuan", "Xing", "Bo", "De", "Hui", "Shun", "Ding"]
NAME_SECOND = ["an", "da", "tong", "xin", "sheng", "cheng", "feng", "yu", "hua", "tai",
               "li", "mei", "rui", "kai", "heng", "yuan", "ming", "long", "bang", "jie"]
NAME_WORD = {
    "manufacturing": ["Machinery", "Precision", "Industrial", "Materials"],
    "retail": ["Trading", "Mart", "Retail", "Commerce"],
    "logistics": ["Logistics", "Freight", "Supply Chain", "Express"],
    "software": ["Software", "Technology", "Digital", "Information"],
    "healthcare": ["Medical", "Pharma", "Health", "Biotech"],
    "education": ["Education", "Training", "Learning", "Academy"],
    "finance": ["Capital", "Finance", "Leasing", "Investment"],
    "construction": ["Construction", "Engineering", "Building", "Decoration"],
    "food & beverage": ["Foods", "Beverage", "Catering", "Agriculture"],
}
NAME_SUFFIX = ["Co., Ltd.", "Group", "Corp.", "Ltd."]
STAGE_NAMES = ["new", "contacted", "meeting", "proposal", "won"]


def _company_names(rng, industry_idx, industries):
    """Unique synthetic company names: pinyin brand + industry word + legal suffix."""
    n = len(industry_idx)
    brands = np.array([a + b for a in NAME_FIRST for b in NAME_SECOND], dtype=object)
    combo = rng.permutation(len(brands) * 4)[:n]  # distinct (brand, word) pairs
    brand, word_i = brands[combo // 4], combo % 4
    suffix = np.asarray(NAME_SUFFIX, dtype=object)[rng.integers(0, len(NAME_SUFFIX), n)]
    words = np.array([NAME_WORD[industries[i]][j] for i, j in zip(industry_idx, word_i,
                                                                 strict=True)], dtype=object)
    return brand + " " + words + " " + suffix


def leads(seed: int = LEADS_SEED) -> pd.DataFrame:
    """B2B leads with MAN evidence and outcome (seed ``LEADS_SEED``)."""
    rng = np.random.default_rng(seed)
    n = N_LEADS
    ch_idx, channel = _pick(rng, LEAD_CHANNELS, LEAD_CHANNEL_P, n)
    ind_idx, industry = _pick(rng, INDUSTRIES, INDUSTRY_P, n)
    company = _company_names(rng, ind_idx, INDUSTRIES)
    created = START + 366 + rng.integers(0, 365, n).astype("timedelta64[D]")  # in 2025
    true_p = np.array([LEAD_TRUE_P[c] for c in LEAD_CHANNELS])[ch_idx]  # (n, 3)
    true = rng.random((n, 3)) < true_p
    scores = np.where(true, rng.normal(*SCORE_MET, (n, 3)), rng.normal(*SCORE_UNMET, (n, 3)))
    scores = np.clip(np.round(scores, 1), 0.0, 10.0)
    flags = scores >= SCORE_THRESHOLD
    code = np.array(["".join(L if t else L.lower() for L, t in zip("MAN", row, strict=True))
                     for row in true], dtype=object)
    p_conv = np.array([CONVERSION[c] for c in code])
    converted = rng.random(n) < p_conv
    # lost leads: how far did they get? more criteria met -> further
    n_true = true.sum(axis=1)
    p_contact = np.array(LEAD_CONTACT_P)[ch_idx]
    p_meeting = 0.15 + 0.15 * n_true + 0.15 * true[:, 2]
    p_proposal = 0.10 + 0.12 * n_true + 0.10 * true[:, 0]
    u = rng.random((n, 3))
    reached = np.cumprod(u < np.column_stack([p_contact, p_meeting, p_proposal]), axis=1)
    stage_idx = np.where(converted, 4, reached.sum(axis=1))
    cost = np.round(np.array(LEAD_COST)[ch_idx] * rng.lognormal(0, LEAD_COST_SIGMA, n), 2)
    deal = np.clip(DEAL_MEDIAN * rng.lognormal(0, DEAL_SIGMA, n), DEAL_MIN, DEAL_MAX)
    deal = np.where(converted, np.round(deal, -2), 0.0)
    order = np.argsort(created, kind="stable")
    frame = pd.DataFrame({
        "company": company, "industry": industry, "source_channel": channel,
        "created_date": created,
        "money_score": scores[:, 0], "authority_score": scores[:, 1],
        "need_score": scores[:, 2],
        "money": flags[:, 0], "authority": flags[:, 1], "need": flags[:, 2],
        "cost": cost, "funnel_stage": np.asarray(STAGE_NAMES, dtype=object)[stage_idx],
        "converted": converted, "deal_value": deal,
    }).iloc[order].reset_index(drop=True)
    frame.insert(0, "lead_id", [f"L{i:04d}" for i in range(1, n + 1)])
    return frame


# --------------------------------------------------------------------------- accounts
ACCOUNTS_SEED = 20230101
N_ACCOUNTS = 300
MANAGERS = ["Wang Li", "Zhang Wei", "Li Na", "Liu Yang", "Chen Jing", "Zhao Lei", "Huang Min"]
ACCOUNT_REGIONS = ["East China", "North China", "South China", "Central China",
                   "Southwest", "Northwest", "Northeast"]
REVENUE_MEDIAN, REVENUE_SIGMA = 900_000.0, 1.0  # yuan per year, lognormal
MARGIN_LOW, MARGIN_HIGH = 0.05, 0.45  # gross margin range, beta(2.2, 3) scaled
TENURE_P, TENURE_MAX = 0.15, 25  # geometric tenure in years, capped
HOURLY_COST = 300.0  # yuan per service hour
OTHER_SERVE_SHARE = (0.02, 0.11)  # logistics, rebates... as a share of revenue (uniform)
# manager's priority score weights (on standardised inputs); profit is NOT an input
PRIORITY_WEIGHTS = {"tenure": 0.4, "relationship": 0.4, "log_revenue": 0.6}
PRIORITY_NOISE = 0.5
HOURS_BASE, HOURS_TOP = 25.0, 400.0  # service hours for the lowest / highest priority
HOURS_SIGMA = 0.3


def _z(x):
    x = np.asarray(x, dtype=float)
    return (x - x.mean()) / x.std()


def accounts(seed: int = ACCOUNTS_SEED) -> pd.DataFrame:
    """B2B accounts with manager priority and service hours (seed ``ACCOUNTS_SEED``)."""
    rng = np.random.default_rng(seed)
    n = N_ACCOUNTS
    ind_idx, industry = _pick(rng, INDUSTRIES, INDUSTRY_P, n)
    company = _company_names(rng, ind_idx, INDUSTRIES)
    _, region = _pick(rng, ACCOUNT_REGIONS, REGION_P, n)
    _, manager = _pick(rng, MANAGERS, np.ones(len(MANAGERS)), n)
    tenure = np.minimum(rng.geometric(TENURE_P, n), TENURE_MAX)  # years, 1..25
    relationship = np.clip(np.round(1.8 + 0.12 * tenure + rng.normal(0, 0.9, n)), 1, 5)
    relationship = relationship.astype(int)
    revenue = np.round(REVENUE_MEDIAN * rng.lognormal(0.03 * tenure - 0.15, REVENUE_SIGMA, n), 2)
    margin = np.round(MARGIN_LOW + (MARGIN_HIGH - MARGIN_LOW) * rng.beta(2.2, 3.0, n), 3)
    growth = np.clip(np.round(6.5 - 0.2 * tenure + rng.normal(0, 2.0, n)), 1, 10).astype(int)
    fit = np.clip(np.round(5.5 + 1.5 * _z(np.log(revenue)) * 0.5 + rng.normal(0, 2.0, n)),
                  1, 10).astype(int)
    score = (PRIORITY_WEIGHTS["tenure"] * _z(tenure)
             + PRIORITY_WEIGHTS["relationship"] * _z(relationship)
             + PRIORITY_WEIGHTS["log_revenue"] * _z(np.log(revenue))
             + rng.normal(0, PRIORITY_NOISE, n))
    rank = np.empty(n, dtype=int)
    rank[np.argsort(-score, kind="stable")] = np.arange(1, n + 1)
    position = 1 - (rank - 1) / (n - 1)  # 1 for the top priority, 0 for the last
    hours = np.round((HOURS_BASE + (HOURS_TOP - HOURS_BASE) * position**2)
                     * rng.lognormal(0, HOURS_SIGMA, n), 1)
    other = rng.uniform(*OTHER_SERVE_SHARE, n) * revenue
    cost = np.round(HOURLY_COST * hours + other, 2)
    profit = np.round(revenue * margin - cost, 2)
    return pd.DataFrame({
        "account_id": [f"A{i:03d}" for i in range(1, n + 1)],
        "company": company, "industry": industry, "region": region,
        "account_manager": manager, "tenure_years": tenure, "revenue": revenue,
        "gross_margin": margin, "cost_to_serve": cost, "profit": profit,
        "growth_potential": growth, "strategic_fit": fit, "relationship": relationship,
        "resource_hours": hours, "manager_priority": rank,
    })


# --------------------------------------------------------------------------- survey
SURVEY_SEED = 20220101
N_RESPONDENTS = 2_000
SEGMENTS = ["retail", "business", "vip"]
SEGMENT_P = [0.60, 0.30, 0.10]
SEGMENT_EXPECT = [4.6, 5.0, 5.6]  # mean expectation by segment (1-7)
PROMISES = ["modest", "accurate", "inflated"]
PROMISE_P = [0.25, 0.45, 0.30]
PROMISE_SHIFT = [-0.4, 0.0, 0.8]  # added to expectations
DIMENSIONS = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]
DIM_QUALITY = [0.3, -0.1, -0.2, 0.1, 0.0]  # service strengths of the firm per dimension
GAP_WEIGHTS = [0.10, 0.35, 0.22, 0.18, 0.15]  # importance in satisfaction; reliability most
SAT_BASE, SAT_GAP, SAT_LEVEL, SAT_NOISE = 6.6, 1.6, 0.5, 0.9
COMPLAINT_BASE, COMPLAINT_GAP = 0.15, 0.12  # Poisson mean per point of negative gap
SEGMENT_CHURN = [0.0, -0.3, -0.8]  # switching costs: business and vip customers stay more
CHURN_BASE, CHURN_SAT, CHURN_COMPLAINT, CHURN_GAP = -1.7, -0.45, 0.35, -0.25
CHURN_NOISE = 0.6  # scale of the logistic noise on the churn logit


def survey(seed: int = SURVEY_SEED) -> pd.DataFrame:
    """Expectation / perception survey with satisfaction and churn (seed ``SURVEY_SEED``)."""
    rng = np.random.default_rng(seed)
    n = N_RESPONDENTS
    seg_idx, segment = _pick(rng, SEGMENTS, SEGMENT_P, n)
    pro_idx, promise = _pick(rng, PROMISES, PROMISE_P, n)
    k = len(DIMENSIONS)
    expect_level = (np.array(SEGMENT_EXPECT)[seg_idx] + np.array(PROMISE_SHIFT)[pro_idx]
                    + rng.normal(0, 0.6, n))
    expect = np.clip(np.round(expect_level[:, None] + rng.normal(0, 0.7, (n, k))), 1, 7)
    quality = 4.9 + rng.normal(0, 0.8, n)  # the service each customer actually got
    perceive = np.clip(np.round(quality[:, None] + np.array(DIM_QUALITY)
                                + rng.normal(0, 0.8, (n, k))), 1, 7)
    gap = perceive - expect
    # an explicit sum, not ``gap @ weights``: a BLAS call would round differently per CPU
    weighted_gap = (gap * np.array(GAP_WEIGHTS)).sum(axis=1)
    sat_latent = (SAT_BASE + SAT_GAP * weighted_gap + SAT_LEVEL * (perceive.mean(axis=1) - 5)
                  + rng.normal(0, SAT_NOISE, n))
    satisfaction = np.clip(np.round(sat_latent), 1, 10).astype(int)
    nps = np.clip(np.round(sat_latent + 0.6 + rng.normal(0, 1.4, n)), 0, 10).astype(int)
    negative_gap = np.clip(-gap, 0, None).sum(axis=1)
    complaints = rng.poisson(COMPLAINT_BASE + COMPLAINT_GAP * negative_gap)
    logit = (CHURN_BASE + np.array(SEGMENT_CHURN)[seg_idx]
             + CHURN_SAT * (sat_latent - SAT_BASE) + CHURN_COMPLAINT * complaints
             + CHURN_GAP * weighted_gap + rng.logistic(0, CHURN_NOISE, n))
    churned = logit > 0
    frame = pd.DataFrame({
        "customer_id": [f"S{i:05d}" for i in range(1, n + 1)],
        "segment": segment, "marketing_promise": promise,
    })
    for j, dim in enumerate(DIMENSIONS):
        frame[f"expect_{dim}"] = expect[:, j].astype(int)
    for j, dim in enumerate(DIMENSIONS):
        frame[f"perceive_{dim}"] = perceive[:, j].astype(int)
    frame["satisfaction"] = satisfaction
    frame["nps_score"] = nps
    frame["complaints"] = complaints
    frame["churned"] = churned
    return frame


# --------------------------------------------------------------------------- airline
AIRLINE_SEED = 20260101
N_AIRLINE = 3_000
AIRLINE_END = np.datetime64("2025-12-31")  # last day of the two-year observation window
AIRLINE_WINDOW_START = np.datetime64("2024-01-01")
DAYS_PER_MONTH = 30.4375  # 365.25 / 12: L and R are counted in months of this length
#: the five planted groups (latent, not in the file), in the order of the airline case's
#: names; shares sum to 1
AIRLINE_GROUPS = ["重要保持客户", "重要发展客户", "重要挽留客户", "一般客户", "低价值客户"]
AIRLINE_SHARES = [0.12, 0.18, 0.16, 0.24, 0.30]
#: per group, the median of each latent LRFMC feature:
#: L months since joining, R months since the last flight, F flights in the two years,
#: C average discount coefficient (price paid / full economy fare)
AIRLINE_L = [84.0, 14.0, 60.0, 40.0, 26.0]
AIRLINE_R = [0.8, 1.2, 10.0, 2.5, 16.0]
AIRLINE_F = [34.0, 8.0, 18.0, 7.0, 2.5]
AIRLINE_C = [0.88, 1.02, 0.80, 0.66, 0.56]
AIRLINE_L_SIGMA = 0.25  # lognormal spread of L within a group
AIRLINE_R_SIGMA = 0.35  # lognormal spread of R within a group
AIRLINE_F_SIGMA = 0.30  # lognormal spread of the flight rate within a group (then Poisson)
AIRLINE_C_SD = 0.07  # normal spread of C within a group
KM_PER_FLIGHT = 1_300.0  # median mean flight length, km (lognormal between members)
KM_MEMBER_SIGMA, KM_FLIGHT_SIGMA = 0.25, 0.20
CARD_TIERS = ["normal", "silver", "gold", "platinum"]
CARD_KM = [0.0, 40_000.0, 80_000.0, 160_000.0]  # lifetime km (L-scaled) needed per tier


def airline_members(n: int | None = None, seed: int = AIRLINE_SEED, *,
                    shares=None, with_group: bool = False) -> pd.DataFrame:
    """Members of an airline's frequent-flyer programme (seed ``AIRLINE_SEED``).

    ``n``, ``seed`` and ``shares`` (five group shares) make a changed dataset for the
    capstone's final project; ``with_group=True`` adds the planted group (the answer
    key, never in the committed file).
    """
    n = N_AIRLINE if n is None else n
    rng = np.random.default_rng(seed)
    shares = np.asarray(AIRLINE_SHARES if shares is None else shares, dtype=float)
    if shares.shape != (len(AIRLINE_GROUPS),) or (shares < 0).any() or shares.sum() <= 0:
        raise ValueError(f"shares must be {len(AIRLINE_GROUPS)} non-negative numbers")
    group, _ = _pick(rng, AIRLINE_GROUPS, shares, n)
    L = np.array(AIRLINE_L)[group] * rng.lognormal(0, AIRLINE_L_SIGMA, n)
    L = np.clip(L, 3.0, 180.0)
    R = np.array(AIRLINE_R)[group] * rng.lognormal(0, AIRLINE_R_SIGMA, n)
    window_months = (AIRLINE_END - AIRLINE_WINDOW_START).astype(int) / DAYS_PER_MONTH
    R = np.minimum(np.minimum(R, 0.95 * L), window_months)  # flew after joining, in the window
    join_days = np.round(L * DAYS_PER_MONTH).astype(int)
    last_days = np.minimum(np.round(R * DAYS_PER_MONTH).astype(int), join_days)
    join_date = AIRLINE_END - join_days.astype("timedelta64[D]")
    last_flight = AIRLINE_END - last_days.astype("timedelta64[D]")
    # flights: a Poisson count at a member's rate, scaled by the part of the window a
    # member could fly in (joined late or stopped early), at least one (the last flight)
    active = np.clip((np.minimum(join_days, 731) - last_days) / 731, 0.05, 1.0)
    rate = np.array(AIRLINE_F)[group] * rng.lognormal(0, AIRLINE_F_SIGMA, n) * active
    flights = 1 + rng.poisson(np.maximum(rate - 1, 0))
    km_member = KM_PER_FLIGHT * rng.lognormal(0, KM_MEMBER_SIGMA, n)
    km = np.round(flights * km_member * rng.lognormal(0, KM_FLIGHT_SIGMA / np.sqrt(flights)))
    discount = np.round(np.clip(np.array(AIRLINE_C)[group]
                                + rng.normal(0, AIRLINE_C_SD, n), 0.2, 1.5), 3)
    lifetime_km = km * np.maximum(L / 24.0, 1.0)  # a rough stand-in for km since joining
    card = (lifetime_km[:, None] >= np.array(CARD_KM)[None, :]).sum(axis=1) - 1
    _, city = _pick(rng, CITY_TIERS, [0.35, 0.33, 0.20, 0.12], n)
    gender = np.where(rng.random(n) < 0.45, "female", "male").astype(object)
    frame = pd.DataFrame({
        "member_id": [f"M{i:05d}" for i in range(1, n + 1)],
        "join_date": pd.to_datetime(join_date),
        "last_flight_date": pd.to_datetime(last_flight),
        "flights": flights.astype(int),
        "mileage_km": km.astype(int),
        "avg_discount": discount,
        "card_tier": np.asarray(CARD_TIERS, dtype=object)[card],
        "city_tier": city,
        "gender": gender,
    })
    if with_group:
        frame["group"] = np.asarray(AIRLINE_GROUPS, dtype=object)[group]
    return frame


# --------------------------------------------------------------------------- baskets
BASKET_SEED = 20250301
N_BASKETS = 6_000
BASKET_START = np.datetime64("2025-01-01")
BASKET_DAYS = 365
#: product -> (product line, price in yuan, base probability of being in a basket)
BASKET_PRODUCTS = {
    "vegetables": ("fresh", 8.5, 0.34),
    "fruit": ("fresh", 15.0, 0.30),
    "beef slices": ("fresh", 42.0, 0.05),
    "tofu": ("fresh", 4.5, 0.10),
    "milk": ("dairy and drinks", 12.0, 0.24),
    "yogurt": ("dairy and drinks", 9.9, 0.14),
    "carrot juice": ("dairy and drinks", 13.5, 0.03),
    "coffee beans": ("dairy and drinks", 68.0, 0.04),
    "beer": ("dairy and drinks", 6.5, 0.09),
    "rice": ("pantry", 39.0, 0.10),
    "noodles": ("pantry", 7.5, 0.10),
    "hotpot base": ("pantry", 16.8, 0.05),
    "cooking oil": ("pantry", 59.0, 0.05),
    "soy sauce": ("pantry", 11.0, 0.07),
    "chips": ("snacks", 7.9, 0.10),
    "chocolate": ("snacks", 19.9, 0.07),
    "tissues": ("household", 22.0, 0.10),
    "detergent": ("household", 35.0, 0.05),
    "diapers": ("baby", 89.0, 0.03),
    "baby wipes": ("baby", 25.0, 0.03),
    "infant formula": ("baby", 239.0, 0.02),
}
#: the planted pairs: (first, second, weight); the second product is added to a basket
#: holding the first with probability pair_strength * weight
PLANTED_PAIRS = [("hotpot base", "beef slices", 1.0), ("diapers", "baby wipes", 1.0),
                 ("beer", "chips", 0.4)]
PAIR_STRENGTH = 0.6
N_BASKET_MEMBERS = 900
MEMBER_BASKET_SHARE = 0.55  # share of the baskets bought by members (card shown or app)
#: products a member can make a habit of (a usual item), with their weights
HABIT_PRODUCTS = {"milk": 3, "yogurt": 2, "carrot juice": 1.5, "coffee beans": 1.5,
                  "fruit": 2, "tofu": 1, "beer": 1.5, "chocolate": 1, "noodles": 1,
                  "rice": 1}
HABIT_P = 0.75  # chance a member's usual item is in each of the member's baskets
HABIT_CHANGE = 0.2  # share of members who swap their first usual item during the year
STORE_HOURS = (8, 22)  # open from 8:00, last basket before 22:00


def retail_baskets(n: int = N_BASKETS, seed: int = BASKET_SEED, *,
                   pair_strength: float = PAIR_STRENGTH) -> pd.DataFrame:
    """Baskets of a neighbourhood supermarket in 2025, one row per product (seed ``BASKET_SEED``).

    ``n`` (baskets), ``seed`` and ``pair_strength`` (the chance, times each pair's weight,
    that a planted pair's second product joins a basket holding the first; 0 plants no
    pair) make a changed dataset: another seed for a per-student variant, another
    strength to watch the association rules move.
    """
    if not 0 <= pair_strength <= 1:
        raise ValueError("pair_strength must be between 0 and 1")
    rng = np.random.default_rng(seed)
    names = list(BASKET_PRODUCTS)
    line = np.array([BASKET_PRODUCTS[k][0] for k in names], dtype=object)
    price = np.array([BASKET_PRODUCTS[k][1] for k in names])
    base = np.array([BASKET_PRODUCTS[k][2] for k in names])
    col = {k: j for j, k in enumerate(names)}
    m = N_BASKET_MEMBERS
    # --- members: visit rate, usual items, usual hour, app share, a change of habit
    rate = rng.gamma(1.2, 1.0, m)
    habit_names = list(HABIT_PRODUCTS)
    habit_w = np.array([HABIT_PRODUCTS[k] for k in habit_names], dtype=float)
    n_habits = 1 + (rng.random(m) < 0.35)
    habits = [rng.choice(len(habit_names), size=k, replace=False, p=habit_w / habit_w.sum())
              for k in n_habits]
    usual_hour = rng.integers(9, 21, m)
    app_share = rng.beta(1.0, 2.5, m)
    changes = rng.random(m) < HABIT_CHANGE
    change_day = rng.integers(90, 275, m)
    new_item = rng.choice(len(habit_names), size=m, p=habit_w / habit_w.sum())
    # --- baskets: who, when, where
    is_member = rng.random(n) < MEMBER_BASKET_SHARE
    member = np.where(is_member, rng.choice(m, size=n, p=rate / rate.sum()), -1)
    day = rng.integers(0, BASKET_DAYS, n)
    order = np.lexsort((rng.random(n), day))  # baskets numbered in date order
    is_member, member, day = is_member[order], member[order], day[order]
    hour_any = rng.choice(np.arange(*STORE_HOURS), size=n,
                          p=_hour_profile() / _hour_profile().sum())
    hour_own = np.clip(usual_hour[np.maximum(member, 0)] + np.round(rng.normal(0, 1, n)),
                       STORE_HOURS[0], STORE_HOURS[1] - 1)
    hour = np.where(is_member, hour_own, hour_any).astype(int)
    app = is_member & (rng.random(n) < app_share[np.maximum(member, 0)])
    # --- contents: independent products, then habits, then the planted pairs
    x = rng.random((n, len(names))) < base
    habit_draw = rng.random((n, 2)) < HABIT_P
    for i in np.flatnonzero(is_member):
        items = list(habits[member[i]])
        if changes[member[i]] and day[i] >= change_day[member[i]]:
            items[0] = new_item[member[i]]
        for h, item in enumerate(items):
            if habit_draw[i, h]:
                x[i, col[habit_names[item]]] = True
    pair_draw = rng.random((n, len(PLANTED_PAIRS)))
    for k, (first, second, weight) in enumerate(PLANTED_PAIRS):
        add = x[:, col[first]] & (pair_draw[:, k] < pair_strength * weight)
        x[:, col[second]] |= add
    empty = ~x.any(axis=1)
    x[empty, rng.choice(len(names), size=int(empty.sum()), p=base / base.sum())] = True
    rows, items = np.nonzero(x)
    quantity = 1 + rng.poisson(0.25, len(rows))
    ids = np.array([f"C{i:04d}" for i in range(1, m + 1)], dtype=object)
    customer = np.where(is_member[rows], ids[np.maximum(member[rows], 0)], None)
    dates = BASKET_START + day[rows].astype("timedelta64[D]")
    return pd.DataFrame({
        "order_id": [f"B{i + 1:05d}" for i in rows],
        "customer_id": pd.array(customer, dtype="str"),
        "order_date": pd.to_datetime(dates),
        "hour": hour[rows],
        "channel": np.where(app[rows], "app", "store").astype(object),
        "product": np.asarray(names, dtype=object)[items],
        "category": line[items],
        "quantity": quantity,
        "amount": np.round(price[items] * quantity, 2),
    })


def _hour_profile():
    """Relative number of baskets in each opening hour (8:00-21:00): two peaks."""
    hours = np.arange(*STORE_HOURS)
    return 1 + 1.5 * np.exp(-0.5 * ((hours - 11.5) / 1.2) ** 2) \
        + 2.0 * np.exp(-0.5 * ((hours - 18) / 1.3) ** 2)


# --------------------------------------------------------------------------- entrance log
VISITS_SEED = 20250401
N_VISITS = 3_000
VISITS_START = np.datetime64("2025-06-02")  # a Monday
VISIT_DAYS = 14
ZONES = ["entrance display", "fresh", "dairy and drinks", "snacks", "household"]
ZONE_P = [0.30, 0.28, 0.18, 0.14, 0.10]
GROUP_SIZE_P = [0.55, 0.30, 0.10, 0.05]  # 1, 2, 3, 4 people
CHILDREN_P = [0.03, 0.18, 0.55, 0.70]  # chance a group of 1-4 people has children
BUMP_RATE = 0.9  # mean bumps in the entrance aisle at the busiest hour
BUMP_PENALTY = 0.6  # log-odds of buying lost per bump (the planted butt-brush effect)
BUY_BASE = 0.2  # log-odds of buying for a lone visitor, 10-minute stay, not bumped
BUY_DWELL = 1.1  # log-odds of buying per doubling of the dwell time
DWELL_MEDIAN = 10.0  # minutes, a lone visitor
DWELL_GROUP = 0.18  # dwell multiplier per extra person, as exp(0.18 * (size - 1))
DWELL_SIGMA = 0.6


def store_visits(n: int = N_VISITS, seed: int = VISITS_SEED, *,
                 bump_penalty: float = BUMP_PENALTY) -> pd.DataFrame:
    """An observed entrance log of the supermarket, 14 days of June 2025 (seed ``VISITS_SEED``).

    One row per visiting group. ``n``, ``seed`` and ``bump_penalty`` (log-odds of buying
    lost per bump in the entrance aisle; 0 plants no effect) make a changed dataset.
    """
    rng = np.random.default_rng(seed)
    day = np.sort(rng.integers(0, VISIT_DAYS, n))
    weekday = (day % 7)  # the log starts on a Monday
    weekend = weekday >= 5
    profile = _hour_profile()
    hour = rng.choice(np.arange(*STORE_HOURS), size=n, p=profile / profile.sum())
    crowd = profile[hour - STORE_HOURS[0]] / profile.max() * np.where(weekend, 1.3, 1.0)
    size = 1 + rng.choice(4, size=n, p=GROUP_SIZE_P)
    children = rng.random(n) < np.array(CHILDREN_P)[size - 1]
    bumps = rng.poisson(BUMP_RATE * crowd * (1 + 0.15 * (size - 1)))
    _, zone = _pick(rng, ZONES, ZONE_P, n)
    dwell = DWELL_MEDIAN * np.exp(DWELL_GROUP * (size - 1)) * rng.lognormal(0, DWELL_SIGMA, n)
    dwell = np.round(np.clip(dwell, 0.5, 90.0), 1)
    logit = BUY_BASE + BUY_DWELL * np.log2(dwell / DWELL_MEDIAN) - bump_penalty * bumps
    bought = rng.random(n) < 1 / (1 + np.exp(-logit))
    order = np.lexsort((hour, day))
    dates = VISITS_START + day.astype("timedelta64[D]")
    return pd.DataFrame({
        "visit_id": [f"V{i:05d}" for i in range(1, n + 1)],
        "visit_date": pd.to_datetime(dates[order]),
        "hour": hour[order],
        "weekend": weekend[order],
        "group_size": size[order],
        "children": children[order],
        "bumps": bumps[order],
        "first_zone": zone[order],
        "dwell_minutes": dwell[order],
        "bought": bought[order],
    })

#: The generator settings a student may change (``crmlab.datasets.simulate``), per dataset:
#: the ones that plant a finding a chapter relies on, and sizes. Names are the
#: constants above in lower case.
PARAMETERS = {
    "retail_customers": ["N_MEMBERS", "ACQUISITION_P", "PLUS_SHARE", "LIFESTYLE_P"],
    "retail_transactions": ["N_MEMBERS", "PURCHASE_RATE_MEAN", "DROPOUT_MEAN",
                            "LIFESTYLE_RATE", "LIFESTYLE_BASKET", "BASKET_MEDIAN",
                            "BASKET_MEMBER_SIGMA", "RATE_BASKET_ELASTICITY", "SERVE_FIXED",
                            "RETURN_P", "DOUBLE11_BOOST", "SPRING_BOOST"],
    "leads": ["N_LEADS", "CONVERSION", "LEAD_TRUE_P", "LEAD_COST", "SCORE_MET",
              "SCORE_UNMET"],
    "accounts": ["N_ACCOUNTS", "PRIORITY_WEIGHTS", "PRIORITY_NOISE", "HOURLY_COST",
                 "REVENUE_SIGMA"],
    "survey": ["N_RESPONDENTS", "PROMISE_SHIFT", "GAP_WEIGHTS", "DIM_QUALITY",
               "SEGMENT_CHURN", "CHURN_SAT"],
    "airline_members": ["N_AIRLINE", "AIRLINE_SHARES", "AIRLINE_R", "AIRLINE_F",
                        "AIRLINE_C"],
    # keyword parameters of the generator (pair_strength=, bump_penalty=) are passed as such
    "retail_baskets": ["PAIR_STRENGTH", "HABIT_P", "HABIT_CHANGE", "MEMBER_BASKET_SHARE"],
    "store_visits": ["BUMP_PENALTY", "BUMP_RATE", "BUY_DWELL"],
}

GENERATORS = {
    "retail_customers": retail_customers,
    "retail_transactions": retail_transactions,
    "leads": leads,
    "accounts": accounts,
    "survey": survey,
    "airline_members": airline_members,
    "retail_baskets": retail_baskets,
    "store_visits": store_visits,
}


def generate(name: str, seed: int | None = None) -> pd.DataFrame:
    """Return the synthetic dataset ``name``, the same frame on every call.

    ``seed=None`` is the dataset's own seed (the committed file); another seed makes a
    variant from the same generating process (a student's own data, see
    :func:`crmlab.datasets.variant_seed`).

    Examples
    --------
    >>> generate("accounts").shape
    (300, 15)
    >>> generate("accounts", seed=7)["revenue"].equals(generate("accounts")["revenue"])
    False
    """
    if name not in GENERATORS:
        raise KeyError(f"no generator for {name!r}; choose one of {sorted(GENERATORS)}")
    return GENERATORS[name]() if seed is None else GENERATORS[name](seed=seed)
