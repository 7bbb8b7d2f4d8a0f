"""One vocabulary of keywords across crmlab, and type hints on every public signature.

Walks every public callable of every ``crmlab`` module (the names in its ``__all__``;
for a class, its public methods) and checks that

(a) every parameter and the return type are annotated (``self``, ``cls``, ``*args`` and
    ``**kwargs`` excepted);
(b) no public keyword is a retired spelling: ``sales=`` (now ``revenue=``),
    ``discount_rate=`` (``discount=``), ``time=`` (``horizon=``), ``spend=``
    (``revenue=``), a ``value=`` whose default names a revenue column (``revenue=``),
    an ``order=`` that is not an order id column (``stages=``, ``tier_order=``), a
    ``margin=`` that is not money per period (``gross_margin=``, ``margin_rate=``), a
    column keyword that does not take a column name, or a ``future=`` default outside
    the vocabulary's ``'error'``/``'drop'``/``'keep'``;
(c) every column or option keyword (a keyword taking a column name or a named option:
    annotated ``str`` or ``str | None``) that two or more public functions of the
    analysis modules take is documented in :data:`crmlab.schema.COLUMN_KEYWORDS` or
    :data:`crmlab.schema.OPTION_KEYWORDS`.

A keyword kept for one release by :func:`crmlab.validation.renamed_keywords` lives only
in the wrapper (``__renamed_keywords__``), not in the signature, so it is not checked
here; tests next to each function check that it still works, with a FutureWarning.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import pkgutil
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import crmlab  # noqa: E402
from crmlab import (  # noqa: E402
    CRMDataError,
    acquisition,
    bias,
    key_accounts,
    load_data,
    pipelines,
    plots,
    pyramid,
    rfm,
    segmentation,
    widgets,
)
from crmlab.customers import customer_table  # noqa: E402
from crmlab.dates import FUTURE  # noqa: E402
from crmlab.schema import COLUMN_KEYWORDS, OPTION_KEYWORDS  # noqa: E402

#: Course infrastructure (exercise checks, grading, the command line, the checks that
#: implement the vocabulary): public, type-hinted, but their keywords are not columns
#: or options of an analysis.
INFRASTRUCTURE = ("crmlab.exercises", "crmlab.grading", "crmlab.cli", "crmlab.validation",
                  "crmlab.schema", "crmlab.fonts")
#: Plumbing keywords of the building blocks (the public function named in messages).
PLUMBING = {"caller"}
#: Keywords retired for good, with what replaced them.
RETIRED = {"sales": "revenue", "discount_rate": "discount", "time": "horizon",
           "spend": "revenue"}
#: Column names that hold money a customer, account or lead brings in.
REVENUE_COLUMNS = {"revenue", "deal_value", "sales", "spend"}
#: Keywords that share a column keyword's name but take something else, known and kept:
#: (function, keyword) -> why. A new one fails the test.
NOT_A_COLUMN = {
    ("crmlab.clv.bgnbd.BetaGeo.expected_purchases", "frequency"):
        "the BTYD summary's values (lifetimes' names), with recency and T",
    ("crmlab.clv.bgnbd.BetaGeo.expected_purchases", "recency"): "as frequency",
    ("crmlab.clv.bgnbd.BetaGeo.probability_alive", "frequency"): "as expected_purchases",
    ("crmlab.clv.bgnbd.BetaGeo.probability_alive", "recency"): "as expected_purchases",
    ("crmlab.clv.formulas.simple_clv", "growth"): "the growth rate of the margin per period",
    ("crmlab.clv.mbgnbd.ModifiedBetaGeo.expected_purchases", "frequency"): "as BetaGeo",
    ("crmlab.clv.mbgnbd.ModifiedBetaGeo.expected_purchases", "recency"): "as BetaGeo",
    ("crmlab.clv.mbgnbd.ModifiedBetaGeo.probability_alive", "frequency"): "as BetaGeo",
    ("crmlab.clv.mbgnbd.ModifiedBetaGeo.probability_alive", "recency"): "as BetaGeo",
    ("crmlab.clv.pareto_nbd.ParetoNBD.expected_purchases", "frequency"): "as BetaGeo",
    ("crmlab.clv.pareto_nbd.ParetoNBD.expected_purchases", "recency"): "as BetaGeo",
    ("crmlab.clv.pareto_nbd.ParetoNBD.probability_alive", "frequency"): "as BetaGeo",
    ("crmlab.clv.pareto_nbd.ParetoNBD.probability_alive", "recency"): "as BetaGeo",
    ("crmlab.clv.bgbb.BetaGeoBetaBinom.expected_purchases", "frequency"): "as BetaGeo",
    ("crmlab.clv.bgbb.BetaGeoBetaBinom.expected_purchases", "recency"): "as BetaGeo",
    ("crmlab.clv.bgbb.BetaGeoBetaBinom.probability_alive", "frequency"): "as BetaGeo",
    ("crmlab.clv.bgbb.BetaGeoBetaBinom.probability_alive", "recency"): "as BetaGeo",
    ("crmlab.clv.bgbb.BetaGeoBetaBinom.dert", "frequency"): "as BetaGeo",
    ("crmlab.clv.bgbb.BetaGeoBetaBinom.dert", "recency"): "as BetaGeo",
}
STRING_TYPES = {"str", "str | None", "None | str"}


def _modules():
    yield crmlab
    for info in pkgutil.walk_packages(crmlab.__path__, "crmlab."):
        if not info.name.startswith("crmlab._data"):
            yield importlib.import_module(info.name)


def _public_callables() -> dict:
    """{function: "module.qualified_name"}, each function once (wrappers unwrapped)."""
    found = {}
    for module in _modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if attr.startswith("_") and attr not in ("__init__", "__call__"):
                        continue
                    if isinstance(member, (classmethod, staticmethod)):
                        member = member.__func__
                    elif isinstance(member, property):
                        member = member.fget
                    if inspect.isfunction(member):
                        found.setdefault(inspect.unwrap(member),
                                         f"{obj.__module__}.{obj.__name__}.{attr}")
            elif inspect.isfunction(obj) or inspect.isfunction(inspect.unwrap(obj)):
                func = inspect.unwrap(obj)
                found.setdefault(func, f"{func.__module__}.{func.__qualname__}")
    return found


CALLABLES = _public_callables()


def _keywords(func) -> list[inspect.Parameter]:
    """Parameters a caller can pass by name, without the first one (the data) and self."""
    params = [p for p in inspect.signature(func).parameters.values()
              if p.name not in ("self", "cls")]
    if params and params[0].kind is not inspect.Parameter.KEYWORD_ONLY:
        params = params[1:]
    return [p for p in params if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                            inspect.Parameter.KEYWORD_ONLY)]


def _is_analysis(where: str) -> bool:
    return not where.startswith(INFRASTRUCTURE)


def test_the_walk_finds_the_public_api():
    names = set(CALLABLES.values())
    for expected in ("crmlab.rfm.rfm_table", "crmlab.plots._pyramid.pyramid_chart",
                     "crmlab.clv.bgnbd.BetaGeo.fit", "crmlab.widgets._bias.weights_explorer",
                     "crmlab.acquisition.lead_funnel", "crmlab.pipelines.Progress.__init__"):
        assert expected in names
    assert len(CALLABLES) > 250


# ------------------------------------------------------------------------ (a) type hints


def test_every_public_parameter_and_return_is_annotated():
    missing = []
    for func, where in CALLABLES.items():
        sig = inspect.signature(func)
        for p in sig.parameters.values():
            if p.name in ("self", "cls") or p.kind in (inspect.Parameter.VAR_POSITIONAL,
                                                       inspect.Parameter.VAR_KEYWORD):
                continue
            if p.annotation is inspect.Parameter.empty:
                missing.append(f"{where}: parameter {p.name}")
        if sig.return_annotation is inspect.Signature.empty:
            missing.append(f"{where}: return type")
    assert not missing, f"{len(missing)} missing annotations:\n" + "\n".join(sorted(missing))


# ------------------------------------------------------------------------ (b) no retired names


def _retired(func, where: str = "") -> list[str]:
    """Why each keyword of ``func`` is a retired spelling (empty when none is)."""
    problems = []
    for p in _keywords(func):
        ann, default = p.annotation, p.default
        if p.name in RETIRED:
            problems.append(f"{p.name}= is retired; use {RETIRED[p.name]}=")
        if p.name == "value" and isinstance(default, str) and default in REVENUE_COLUMNS:
            problems.append(f"value={default!r} names a revenue column; use revenue=")
        if p.name == "order" and ann not in STRING_TYPES:
            problems.append(f"order= ({ann}) is not an order id column; use stages= for "
                            f"funnel stages or tier_order= for pyramid tiers")
        if p.name == "margin" and (
                isinstance(default, str) or "str" in str(ann).split(" | ")
                or (isinstance(default, (int, float)) and 0 < default <= 1)):
            problems.append(f"margin= ({ann}, default {default!r}) is not money per period; "
                            f"use gross_margin= for a margin-rate column or margin_rate= "
                            f"for a share of spend")
        if p.name in COLUMN_KEYWORDS and ann not in STRING_TYPES and _is_analysis(where) \
                and (where, p.name) not in NOT_A_COLUMN:
            problems.append(f"{p.name}= ({ann}) is a column keyword but does not take a "
                            f"column name")
        if p.name == "future" and default is not inspect.Parameter.empty \
                and default not in FUTURE:
            problems.append(f"future={default!r} is not one of 'error', 'drop', 'keep'")
    return problems


def test_no_public_keyword_is_a_retired_spelling():
    bad = [f"{where}: {problem}" for func, where in CALLABLES.items()
           for problem in _retired(func, where)]
    assert not bad, "\n".join(sorted(bad))


@pytest.mark.parametrize("source, problem", [
    ("def f(x, *, sales: str = 'revenue') -> None: ...", "sales= is retired"),
    ("def f(x, *, discount_rate: float = 0.1) -> None: ...", "discount_rate= is retired"),
    ("def f(x, *, time: float = 12) -> None: ...", "time= is retired"),
    ("def f(x, *, value: str = 'deal_value') -> None: ...", "names a revenue column"),
    ("def f(x, *, value: str = 'revenue') -> None: ...", "names a revenue column"),
    ("def f(x, *, order: Sequence | None = None) -> None: ...", "not an order id column"),
    ("def f(x, *, margin: str = 'gross_margin') -> None: ...", "not money per period"),
    ("def f(x, *, margin: float = 1.0) -> None: ...", "not money per period"),
    ("def f(x, *, cost: bool = False) -> None: ...", "does not take a column name"),
    ("def f(x, *, future: str = 'raise') -> None: ...", "not one of 'error'"),
])
def test_the_rules_catch_each_retired_spelling(source, problem):
    """Each rule fails on the spelling it retires (today's code had every one of them)."""
    space: dict = {}
    exec("from __future__ import annotations\n" + source, space)
    assert any(problem in p for p in _retired(space["f"]))


@pytest.mark.parametrize("source", [
    "def f(x, *, value: str = 'monetary', order: str | None = None) -> None: ...",
    "def f(margin: float, retention: float) -> float: ...",
    "def f(x, *, margin: float = 100.0, future: str = 'error') -> None: ...",
    "def f(x, *, revenue: str = 'revenue', gross_margin: str = 'gross_margin') -> None: ...",
])
def test_the_rules_let_the_vocabulary_pass(source):
    space: dict = {}
    exec("from __future__ import annotations\n" + source, space)
    assert _retired(space["f"]) == []


# ------------------------------------------------------------------------ (c) documented


def _shared_keywords() -> dict[str, set[str]]:
    """Column/option keywords (annotated str) of the analysis modules -> their users."""
    users: dict[str, set[str]] = defaultdict(set)
    for func, where in CALLABLES.items():
        if not _is_analysis(where):
            continue
        for p in _keywords(func):
            if p.name not in PLUMBING and p.annotation in STRING_TYPES:
                users[p.name].add(where)
    return users


def test_every_shared_keyword_is_in_the_vocabulary():
    users = _shared_keywords()
    assert {"customer", "value", "revenue", "future"} <= set(users)
    undocumented = {name: sorted(where) for name, where in users.items()
                    if len(where) >= 2 and name not in COLUMN_KEYWORDS
                    and name not in OPTION_KEYWORDS}
    assert not undocumented, "\n".join(f"{k}: {', '.join(v)}"
                                       for k, v in sorted(undocumented.items()))


def test_the_vocabulary_is_one_dictionary():
    """A keyword is a column or an option, not both; every entry says what it means."""
    assert not set(COLUMN_KEYWORDS) & set(OPTION_KEYWORDS)
    for name, text in {**COLUMN_KEYWORDS, **OPTION_KEYWORDS}.items():
        assert isinstance(text, str) and len(text) > 10, name


def test_the_known_exceptions_are_still_there():
    """An entry of NOT_A_COLUMN that no longer exists is removed, not kept as dead text."""
    found = {(where, p.name) for func, where in CALLABLES.items() for p in _keywords(func)}
    assert set(NOT_A_COLUMN) <= found


# ------------------------------------------------------------------------ old spellings


def _leads() -> pd.DataFrame:
    return pd.DataFrame({
        "money": [True, True, True, True, True, False, False],
        "authority": [True, True, True, False, False, False, False],
        "need": [True, True, True, True, True, False, False],
        "converted": [True, True, False, True, False, False, False],
        "deal": [1000.0, 500.0, 0.0, 300.0, 0.0, 0.0, 0.0],
        "cost": [100.0, 100.0, 100.0, 50.0, 50.0, 10.0, 30.0],
        "source_channel": ["fair", "fair", "web", "web", "web", "mail", "mail"],
        "step": ["won", "new", "met", "new", "met", "won", "new"],
    })


def _accounts() -> pd.DataFrame:
    return pd.DataFrame({
        "account_id": list("abcde"), "sales": [500.0, 400, 300, 200, 100],
        "profit": [50.0, 30, 10, -5, -10], "growth_potential": [5, 4, 3, 2, 1],
        "strategic_fit": [5, 4, 3, 2, 1], "gm": [0.5, 0.4, 0.3, 0.2, 0.1],
        "manager_priority": [5, 4, 3, 1, 2], "resource_hours": [10.0, 20, 30, 50, 40],
        "tier": ["关键客户", "普通客户", "普通客户", "普通客户", "普通客户"],
        "key_account": [True, False, False, False, False],
    })


def _same(old, new) -> None:
    if isinstance(new, pd.DataFrame):
        pd.testing.assert_frame_equal(old, new)
        assert old.attrs.keys() == new.attrs.keys()
    else:
        assert old == new


RENAMED = [
    # (function, args, old keywords, new keywords)
    (acquisition.man_conversion, (_leads,), {"value": "deal"}, {"revenue": "deal"}),
    (acquisition.channel_summary, (_leads,), {"value": "deal"}, {"revenue": "deal"}),
    (acquisition.lead_funnel, (_leads,), {"stage": "step", "order": ["new", "met", "won"]},
     {"stage": "step", "stages": ["new", "met", "won"]}),
    (key_accounts.scorecard, (_accounts,), {"value": "sales"}, {"revenue": "sales"}),
    (key_accounts.key_account_summary, (_accounts,), {"value": "sales"}, {"revenue": "sales"}),
    (key_accounts.allocate_resources, (_accounts,), {"value": "sales", "total_hours": 100},
     {"revenue": "sales", "total_hours": 100}),
    (key_accounts.compare_policies, (_accounts,),
     {"value": "sales", "total_hours": 100, "policies": ["equal", "by_tier", "optimal"]},
     {"revenue": "sales", "total_hours": 100, "policies": ["equal", "by_tier", "optimal"]}),
    (bias.objective_scorecard, (_accounts,), {"sales": "sales", "margin": "gm"},
     {"revenue": "sales", "gross_margin": "gm"}),
    (bias.priority_audit, (_accounts,), {"sales": "sales", "margin": "gm"},
     {"revenue": "sales", "gross_margin": "gm"}),
    (bias.fair_allocation, (_accounts,), {"sales": "sales", "margin": "gm"},
     {"revenue": "sales", "gross_margin": "gm"}),
]


@pytest.mark.parametrize("func, args, old, new", RENAMED,
                         ids=[r[0].__name__ for r in RENAMED])
def test_old_keywords_still_work_for_one_release(func, args, old, new):
    data = [make() for make in args]
    expected = func(*data, **new)
    renamed = [k for k in old if k not in new]
    with pytest.warns(FutureWarning) as caught:
        got = func(*data, **old)
    _same(got, expected)
    messages = sorted(str(w.message) for w in caught)
    assert messages == sorted(
        f"{func.__name__}: the keyword {k}= is now {func.__renamed_keywords__[k]}=; {k}= "
        f"will stop working in the next release." for k in renamed)
    assert all(w.filename == __file__ for w in caught)  # at the caller's line
    both = {**new, renamed[0]: old[renamed[0]]}
    with pytest.raises(CRMDataError, match=r"pass \w+= only"):
        func(*data, **both)


def test_an_error_names_the_keyword_the_user_typed():
    leads = _leads()
    with pytest.raises(CRMDataError, match=r"Did you mean revenue='deal' \(or 'need'\)\?"):
        acquisition.channel_summary(leads, revenue="deel")
    with pytest.warns(FutureWarning), \
            pytest.raises(CRMDataError, match=r"Did you mean value='deal' \(or 'need'\)\?"):
        acquisition.channel_summary(leads, value="deel")
    with pytest.warns(FutureWarning), \
            pytest.raises(CRMDataError, match=r"order= must list each stage once"):
        acquisition.lead_funnel(leads, stage="step", order=["new", "met", "won", "new"])
    with pytest.raises(CRMDataError, match=r"stages= must list each stage once"):
        acquisition.lead_funnel(leads, stage="step", stages=["new", "met", "won", "new"])


def test_renamed_plot_and_explorer_keywords():
    leads, accounts = _leads(), _accounts()
    fig, axes = plt.subplots(1, 3)
    try:
        with pytest.warns(FutureWarning, match="channel_chart: the keyword value= is now "
                                               "revenue="):
            plots.channel_chart(leads, value="deal", ax=axes[0])
        with pytest.warns(FutureWarning, match="value_profit_scatter: the keyword value="):
            plots.value_profit_scatter(accounts, value="sales", ax=axes[1])
        with pytest.warns(FutureWarning, match="funnel: the keyword order= is now stages="):
            plots.funnel(leads, stage="step", order=["new", "met", "won"], ax=axes[2])
        assert [len(p.patches) for p in axes[2:]] == [3]
    finally:
        plt.close(fig)
    scored = leads.assign(m=[2.0, 9, 7, 5, 8, 1, 6], a=7.0, n=9.0)
    with contextlib.redirect_stdout(io.StringIO()):
        new = widgets.man_explorer(scored, money="m", authority="a", need="n",
                                   revenue="deal", show_matrix=False)
        with pytest.warns(FutureWarning, match="man_explorer: the keyword value="):
            old = widgets.man_explorer(scored, money="m", authority="a", need="n",
                                       value="deal", show_matrix=False)
    pd.testing.assert_frame_equal(old.result, new.result)
    accounts = load_data("accounts").rename(columns={"revenue": "sales", "gross_margin": "gm"})
    with contextlib.redirect_stdout(io.StringIO()):
        new = widgets.scorecard_explorer(accounts, revenue="sales")
        with pytest.warns(FutureWarning, match="scorecard_explorer: the keyword value="):
            old = widgets.scorecard_explorer(accounts, value="sales")
        _same(old.result, new.result)
        new = widgets.weights_explorer(accounts, revenue="sales", gross_margin="gm")
        with pytest.warns(FutureWarning) as caught:
            old = widgets.weights_explorer(accounts, sales="sales", margin="gm")
        _same(old.result, new.result)
    assert len(caught) == 2 and all("weights_explorer: the keyword" in str(w.message)
                                    for w in caught)


def test_upgrade_potential_tier_order_and_values_from_customers_net_of_cost():
    spend = pd.Series([500.0, 90, 80, 40], index=list("abcd"))
    tiers = pd.Series(["hi", "mid", "mid", "lo"], index=spend.index)
    new = key_accounts.upgrade_potential(spend, tiers, tier_order=["hi", "mid", "lo"])
    with pytest.warns(FutureWarning, match="upgrade_potential: the keyword order= is now "
                                           "tier_order="):
        old = key_accounts.upgrade_potential(spend, tiers, order=["hi", "mid", "lo"])
    pd.testing.assert_frame_equal(old, new)
    with pytest.warns(FutureWarning), \
            pytest.raises(CRMDataError, match=r"tiers not in order=\['hi'\]"):
        key_accounts.upgrade_potential(spend, tiers, order=["hi"])
    base = customer_table(pd.DataFrame({"customer_id": ["a", "a"], "amount": [5.0, 3.0],
                                        "cost_to_serve": [1.0, 1.0]}),
                          date=None, cost="cost_to_serve")
    new = pyramid.values_from_customers(base, net_of_cost=True)
    assert new.to_dict() == {"a": 6.0}
    with pytest.warns(FutureWarning, match="the keyword cost= is now net_of_cost="):
        pd.testing.assert_series_equal(pyramid.values_from_customers(base, cost=True), new)


def test_clv_customers_margin_rate():
    tx = load_data("retail_transactions")
    tx = tx[tx["order_date"] < "2024-04-01"]  # a quarter: enough for sound fits
    new = pipelines.clv_customers(tx, margin_rate=0.3)
    assert new.attrs["margin_rate"] == 0.3 and "margin" not in new.attrs
    with pytest.warns(FutureWarning, match="clv_customers: the keyword margin= is now "
                                           "margin_rate="):
        old = pipelines.clv_customers(tx, margin=0.3)
    _same(old, new)


# ------------------------------------------------------------------------ future=


def _late_log() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["a", "a", "b", "b"],
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-10", "2024-01-05", "2024-03-01"]),
        "amount": [100.0, 50.0, 80.0, 30.0],
    })


WITH_FUTURE = [
    (rfm.rfm_table, {"analysis_date": "2024-02-01"}),
    (rfm.purchase_cycle, {"analysis_date": "2024-02-01", "min_orders": 2}),
    (segmentation.customer_features, {"analysis_date": "2024-02-01"}),
    (customer_table, {"end": "2024-02-01"}),
]


@pytest.mark.parametrize("func, kwargs", WITH_FUTURE, ids=[f.__name__ for f, _ in WITH_FUTURE])
def test_future_takes_error_and_drop_and_raise_still_works(func, kwargs):
    log = _late_log()
    with pytest.raises(CRMDataError, match=r"dated after the analysis date 2024-02-01.*"
                                           r"future='drop'"):
        func(log, **kwargs, future="error")
    with pytest.warns(FutureWarning, match=rf"{func.__name__}: future='raise' is now "
                                           rf"future='error'") as caught:
        with pytest.raises(CRMDataError, match="future='drop'"):
            func(log, **kwargs, future="raise")
    assert caught[0].filename == __file__
    dropped = func(log, **kwargs, future="drop")
    on_time = log.iloc[:3]
    if func is not customer_table:
        _same(func(on_time, **kwargs, future="error"), func(on_time, **kwargs))
        with pytest.warns(FutureWarning):
            _same(func(on_time, **kwargs, future="raise"), func(on_time, **kwargs))
        assert dropped.attrs["dropped"] == {"after analysis_date": 1}
    else:
        assert dropped.attrs["late_rows"] == 1
    with pytest.raises(CRMDataError, match="future='keep'|future must be"):
        func(log, **kwargs, future="keep")


def test_future_defaults_keep_their_behaviour():
    sig = {f.__name__: inspect.signature(f).parameters["future"].default
           for f in (rfm.rfm_table, rfm.purchase_cycle, segmentation.customer_features,
                     customer_table, crmlab.read_transactions)}
    assert FUTURE == ("error", "drop", "keep")
    # read_transactions leaves rows dated after today out by default (issue 15: a keyed-in
    # year must not move the analysis date) and takes all three words
    assert sig == {"rfm_table": "error", "purchase_cycle": "error",
                   "customer_features": "error", "customer_table": "drop",
                   "read_transactions": "drop"}
    with pytest.raises(CRMDataError, match=r"1 rows of the DataFrame are dated after "
                       r"2024-02-01 \(as_of, default today\): row 3 \('2024-03-01'\)"):
        crmlab.read_transactions(_late_log(), as_of="2024-02-01", future="error")
    kept = crmlab.read_transactions(_late_log(), as_of="2024-02-01", future="keep")
    assert len(kept) == 4
