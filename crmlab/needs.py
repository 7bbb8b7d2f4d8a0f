"""Customer needs (客户需求) from transaction lines: usual items, products bought together.

The textbook's cases 3.1 (丽晶饭店: a guest's preferences remembered) and P49 (hidden
needs, 隐性需求) ask what customers want beyond what they say. On a log of order lines
(one row per product in an order) this module answers two questions:

* :func:`usual_items`: what does each customer buy again and again (their usual items,
  the share of their orders that hold each product)?
* :func:`association_rules`: which products are bought together more often than chance?
  For a rule "A -> B": **support** (支持度) = share of all orders holding both,
  **confidence** (置信度) = share of the orders holding A that also hold B, **lift**
  (提升度) = confidence / share of orders holding B; lift 1 means no association.

Why a few lines of pandas and not a library: the chapter needs one-to-one rules only
(one product -> one product), which is one matrix product of the 0/1 order-by-product
table (``X.T @ X`` counts the orders holding each pair, in exact integers, so every
machine prints the same numbers). A rule library (mlxtend's ``apriori`` and
``association_rules``) finds longer item sets too, but adds a dependency and columns
(leverage, conviction, Zhang's metric) the chapter does not teach, and hides the counts a
student should see. :func:`lift_interval`, :func:`rate_table` and :func:`rate_difference`
put intervals on what a chapter concludes from (bootstrap over orders; Wilson and
Newcombe intervals, with :mod:`scipy.stats` for Wilson).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.uncertainty import difference_interval, share_interval
from crmlab.validation import check_fraction, check_number, require, show_rows

__all__ = ["association_rules", "basket_table", "lift_interval", "rate_difference",
           "rate_table", "usual_items"]


def basket_table(lines: pd.DataFrame, *, order: str = "order_id",
                 product: str = "product") -> pd.DataFrame:
    """Turn order lines into a True/False table: one row per order, one column per product.

    Parameters
    ----------
    lines : DataFrame
        One row per product in an order (a product listed twice in one order counts once).
    order, product : str
        The order id and product columns.

    Returns
    -------
    DataFrame
        Bool, indexed by order id (sorted), columns the products (sorted).

    Raises
    ------
    CRMDataError
        If a column is missing or has missing values.

    Examples
    --------
    >>> lines = pd.DataFrame({"order_id": ["o1", "o1", "o2", "o2", "o2"],
    ...                       "product": ["tea", "cake", "tea", "tea", "milk"]})
    >>> basket_table(lines)
             cake   milk   tea
    order_id
    o1       True  False  True
    o2      False   True  True
    """
    return _baskets(lines, order, product, "basket_table")


def _baskets(lines: pd.DataFrame, order: str, product: str, caller: str) -> pd.DataFrame:
    df = require(lines, {order: "id", product: "id"}, caller=caller,
                 params={order: "order", product: "product"})
    rows, orders = _factorized(df[order])
    cols, products = _factorized(df[product])
    flags = np.zeros((len(orders), len(products)), dtype=bool)
    flags[rows, cols] = True  # a product listed twice in one order is set once
    return pd.DataFrame(flags, index=pd.Index(orders, name=order), columns=pd.Index(products))


def _factorized(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes and sorted unique values (a categorical column sorted by its values)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(values.cat.categories.dtype)
    codes, uniques = pd.factorize(values, sort=True)
    return codes, pd.Index(uniques)


def association_rules(lines: pd.DataFrame, *, order: str = "order_id",
                      product: str = "product", min_support: float = 0.0,
                      min_confidence: float = 0.0) -> pd.DataFrame:
    """List the one-to-one association rules (关联规则) A -> B of the products bought together.

    Parameters
    ----------
    lines : DataFrame
        One row per product in an order.
    order, product : str
        The order id and product columns.
    min_support : float, default 0
        Keep rules whose support (share of all orders holding both) is at least this.
    min_confidence : float, default 0
        Keep rules whose confidence is at least this.

    Returns
    -------
    DataFrame
        One row per rule with at least one order holding both products: ``antecedent``,
        ``consequent``, the counts ``orders_antecedent``, ``orders_consequent``,
        ``orders_both`` and ``support``, ``confidence``, ``lift``; sorted by lift, then
        support (highest first), then the names. ``attrs["orders"]`` is the number of
        orders. Both directions are listed (A -> B and B -> A share support and lift).

    Raises
    ------
    CRMDataError
        If a column is missing or a threshold is not a fraction.

    Examples
    --------
    >>> lines = pd.DataFrame({"order_id": [1, 1, 2, 2, 3, 4],
    ...                       "product": ["tea", "cake", "tea", "cake", "tea", "milk"]})
    >>> association_rules(lines)[["antecedent", "consequent", "support", "confidence", "lift"]]
      antecedent consequent  support  confidence      lift
    0       cake        tea      0.5    1.000000  1.333333
    1        tea       cake      0.5    0.666667  1.333333
    """
    min_support = check_fraction(min_support, name="min_support", caller="association_rules")
    min_confidence = check_fraction(min_confidence, name="min_confidence",
                                    caller="association_rules")
    table = _baskets(lines, order, product, "association_rules").astype("int64")
    n = len(table)
    counts = table.sum().to_numpy()
    both = table.to_numpy().T @ table.to_numpy()  # exact integer co-occurrence counts
    a_idx, b_idx = np.nonzero(both)
    keep = a_idx != b_idx
    a_idx, b_idx = a_idx[keep], b_idx[keep]
    names = table.columns.to_numpy()
    rules = pd.DataFrame({
        "antecedent": pd.array(names[a_idx], dtype="str"),
        "consequent": pd.array(names[b_idx], dtype="str"),
        "orders_antecedent": counts[a_idx],
        "orders_consequent": counts[b_idx],
        "orders_both": both[a_idx, b_idx],
    })
    rules["support"] = rules["orders_both"] / n
    rules["confidence"] = rules["orders_both"] / rules["orders_antecedent"]
    # lift = n * both / (count_a * count_b), from integers: the same for A -> B and B -> A
    rules["lift"] = (n * rules["orders_both"]) / (rules["orders_antecedent"]
                                                  * rules["orders_consequent"])
    rules = rules[(rules["support"] >= min_support) & (rules["confidence"] >= min_confidence)]
    rules = rules.sort_values(["lift", "support", "antecedent", "consequent"],
                              ascending=[False, False, True, True], kind="stable")
    rules = rules.reset_index(drop=True)
    rules.attrs["orders"] = n
    return rules


def lift_interval(lines: pd.DataFrame, antecedent: str, consequent: str, *,
                  order: str = "order_id", product: str = "product",
                  confidence: float = 0.95, n_boot: int = 1000,
                  seed: int = 0) -> pd.Series:
    """Bootstrap a confidence interval for the lift of one rule, resampling whole orders.

    Parameters
    ----------
    lines : DataFrame
        One row per product in an order.
    antecedent, consequent : str
        The two products of the rule (lift is the same both ways).
    order, product : str
        The order id and product columns.
    confidence : float, default 0.95
        The interval's confidence level.
    n_boot : int, default 1000
        Bootstrap samples (orders drawn with replacement, as many as there are).
    seed : int, default 0
        Seed of the resampling, so the interval is the same on every run.

    Returns
    -------
    Series
        ``orders_both``, ``lift``, ``low``, ``high`` (percentile interval).

    Raises
    ------
    CRMDataError
        If a product is not in the data.

    Examples
    --------
    >>> lines = pd.DataFrame({"order_id": [1, 1, 2, 2, 3, 4, 5, 5],
    ...                       "product": ["tea", "cake", "tea", "cake", "tea", "milk",
    ...                                   "cake", "milk"]})
    >>> lift_interval(lines, "tea", "cake", n_boot=200)[["orders_both", "lift"]]
    orders_both    2.000000
    lift           1.111111
    dtype: float64
    """
    confidence = check_fraction(confidence, name="confidence", caller="lift_interval")
    n_boot = int(check_number(n_boot, name="n_boot", caller="lift_interval", low=10))
    table = _baskets(lines, order, product, "lift_interval")
    for name, item in (("antecedent", antecedent), ("consequent", consequent)):
        if item not in table.columns:
            raise CRMDataError(
                f"lift_interval: {name} {item!r} is in no order. Products present: "
                f"{', '.join(map(str, table.columns[:12]))}"
                f"{' ...' if len(table.columns) > 12 else ''}. Check the spelling.")
    a = table[antecedent].to_numpy()
    b = table[consequent].to_numpy()
    n = len(a)

    def lift(na: np.ndarray, nb: np.ndarray, nab: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return n * nab / (na * nb)

    rng = np.random.default_rng(seed)
    # one small code per order (3 = both, 2 = A only, 1 = B only, 0 = neither), resampled
    # once: a third of the memory and time of resampling A, B and both separately
    code = (2 * a + b).astype(np.int8)
    sample = code[rng.integers(0, n, size=(n_boot, n), dtype=np.int32)]
    both = np.count_nonzero(sample == 3, axis=1)
    boot = lift(both + np.count_nonzero(sample == 2, axis=1),
                both + np.count_nonzero(sample == 1, axis=1), both)
    boot = np.sort(boot[np.isfinite(boot)])
    tail = (1 - confidence) / 2
    low, high = (float(np.quantile(boot, q, method="inverted_cdf")) for q in (tail, 1 - tail))
    return pd.Series({"orders_both": float((a & b).sum()),
                      "lift": float(lift(a.sum(), b.sum(), (a & b).sum())),
                      "low": low, "high": high})


def usual_items(lines: pd.DataFrame, *, customer: str = "customer_id",
                order: str = "order_id", product: str = "product",
                min_orders: int = 3) -> pd.DataFrame:
    """Find each customer's usual items: the share of the customer's orders holding a product.

    A guest profile in the spirit of 案例3.1 (丽晶饭店): what a returning customer has
    bought before, most regular first.

    Parameters
    ----------
    lines : DataFrame
        One row per product in an order. Rows without a customer (anonymous orders)
        are left out and counted in ``attrs``.
    customer, order, product : str
        The customer id, order id and product columns.
    min_orders : int, default 3
        Customers with fewer orders are left out (too few to speak of a habit) and
        counted in ``attrs``.

    Returns
    -------
    DataFrame
        One row per customer and product: ``orders`` (the customer's orders),
        ``orders_with_item`` and ``share`` (= orders_with_item / orders); indexed by
        customer and product, each customer's products from the highest share down
        (ties by name). ``attrs`` holds ``rows_in``, ``rows_without_customer``,
        ``customers``, ``customers_below_min_orders``.

    Raises
    ------
    CRMDataError
        If a column is missing, or ``min_orders`` is below 1.

    Examples
    --------
    >>> lines = pd.DataFrame({
    ...     "customer_id": ["g1"] * 6 + [None],
    ...     "order_id": [1, 1, 2, 3, 3, 4, 5],
    ...     "product": ["carrot juice", "tea", "carrot juice", "carrot juice", "cake",
    ...                 "tea", "tea"]})
    >>> profile = usual_items(lines)
    >>> profile
                          orders  orders_with_item  share
    customer_id product
    g1          carrot juice       4                 3   0.75
                tea                4                 2   0.50
                cake               4                 1   0.25
    >>> profile.attrs["rows_without_customer"]
    1
    """
    min_orders = int(check_number(min_orders, name="min_orders", caller="usual_items", low=1))
    df = require(lines, {customer: "any", order: "id", product: "id"}, caller="usual_items",
                 params={customer: "customer", order: "order", product: "product"})
    known = df[customer].notna()
    df = df[known].drop_duplicates([customer, order, product])
    if df.empty:
        raise CRMDataError(
            f"usual_items: no row has a customer in column {customer!r} "
            f"({len(known)} rows, all anonymous). Pass the customer id column as customer=.")
    per_customer = df.groupby(customer)[order].nunique().rename("orders")
    too_few = per_customer[per_customer < min_orders]
    kept = df[df[customer].isin(per_customer.index[per_customer >= min_orders])]
    items = kept.groupby([customer, product]).size().rename("orders_with_item").to_frame()
    items = items.join(per_customer, on=customer)[["orders", "orders_with_item"]]
    items["share"] = items["orders_with_item"] / items["orders"]
    items = items.reset_index().sort_values([customer, "share", product],
                                            ascending=[True, False, True], kind="stable")
    items = items.set_index([customer, product])
    items.attrs.update({"rows_in": len(lines), "rows_without_customer": int((~known).sum()),
                        "customers": int(per_customer.size - too_few.size),
                        "customers_below_min_orders": int(too_few.size),
                        "min_orders": min_orders})
    return items


def rate_table(data: pd.DataFrame, *, by: str, outcome: str,
               confidence: float = 0.95) -> pd.DataFrame:
    """Share of True outcomes in each group, with Wilson intervals.

    Parameters
    ----------
    data : DataFrame
    by : str
        The column the rows are grouped by.
    outcome : str
        A True/False (or 0/1) column, e.g. ``"bought"``.
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        Indexed by group: ``n``, ``successes``, ``rate``, ``low``, ``high``.

    Raises
    ------
    CRMDataError
        If a column is missing or ``outcome`` is not True/False.

    Examples
    --------
    >>> visits = pd.DataFrame({"bumped": [0, 0, 0, 1, 1], "bought": [1, 1, 0, 0, 1]})
    >>> rate_table(visits, by="bumped", outcome="bought").round(3)
            n  successes   rate    low   high
    bumped
    0       3          2  0.667  0.208  0.939
    1       2          1  0.500  0.095  0.905
    """
    df = require(data, {by: "any", outcome: "bool"}, caller="rate_table",
                 params={by: "by", outcome: "outcome"})
    missing = df[by].isna()
    if missing.any():
        raise CRMDataError(
            f"rate_table: column {by!r} has {int(missing.sum())} missing values, in "
            f"{show_rows(df.index[missing])}. Fill them or drop those rows first.")
    flags = df[outcome].astype(bool)
    grouped = flags.groupby(df[by], observed=True)
    out = pd.DataFrame({"n": grouped.size(), "successes": grouped.sum().astype("int64")})
    out["rate"] = out["successes"] / out["n"]
    out["low"], out["high"] = share_interval(out["successes"].to_numpy(), out["n"].to_numpy(),
                                             confidence=confidence)
    return out


def rate_difference(data: pd.DataFrame, *, by: str, outcome: str, groups: tuple,
                    confidence: float = 0.95) -> pd.Series:
    """Difference of two groups' rates, first minus second, with Newcombe's interval.

    Newcombe's hybrid score interval (:func:`crmlab.uncertainty.difference_interval`)
    combines the two Wilson intervals; it stays inside [-1, 1] and behaves with small
    counts.

    Parameters
    ----------
    data : DataFrame
    by : str
        The column the rows are grouped by.
    outcome : str
        A True/False column.
    groups : tuple of two values of ``by``
        The first and the second group.
    confidence : float, default 0.95

    Returns
    -------
    Series
        ``rate_1``, ``rate_2``, ``difference``, ``low``, ``high``.

    Raises
    ------
    CRMDataError
        If a group is not in the data.

    Examples
    --------
    >>> visits = pd.DataFrame({"bumped": [False] * 50 + [True] * 50,
    ...                        "bought": [True] * 30 + [False] * 20 + [True] * 15 + [False] * 35})
    >>> rate_difference(visits, by="bumped", outcome="bought", groups=(False, True)).round(3)
    rate_1        0.600
    rate_2        0.300
    difference    0.300
    low           0.105
    high          0.465
    dtype: float64
    """
    table = rate_table(data, by=by, outcome=outcome, confidence=confidence)
    if len(groups) != 2:
        raise CRMDataError(f"rate_difference: groups must name two groups of {by!r}, got "
                           f"{len(groups)}.")
    absent = [g for g in groups if g not in table.index]
    if absent:
        raise CRMDataError(f"rate_difference: no rows with {by}={absent[0]!r}. Groups present: "
                           f"{', '.join(map(repr, table.index[:12]))}.")
    one, two = table.loc[groups[0]], table.loc[groups[1]]
    diff = one["rate"] - two["rate"]
    low, high = difference_interval(int(one["successes"]), int(one["n"]),
                                    int(two["successes"]), int(two["n"]), confidence=confidence)
    return pd.Series({"rate_1": float(one["rate"]), "rate_2": float(two["rate"]),
                      "difference": float(diff), "low": float(low), "high": float(high)})
