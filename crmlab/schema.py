"""The data contract: column roles, the canonical names and one vocabulary of keywords.

Every topic module validates its input with :func:`crmlab.validation.require` (re-exported
here): it checks that the columns exist and have the right kind of values, and returns a
*copy* of just those columns, so no crmlab function ever mutates its input. Messages
follow scikit-learn's ``check_array`` style: who called, what was expected, what was found
(a count and the first rows) and how to fix it.

The canonical transaction table has ``customer_id``, ``order_id``, ``order_date``
(datetime64) and ``amount`` (float; negative = a return); :data:`COLUMN_KEYWORDS` and
:data:`OPTION_KEYWORDS` say what each keyword of a crmlab function means, the same in
every function. Reading messy files lives in :mod:`crmlab.io`.
"""

from __future__ import annotations

from crmlab._errors import CRMDataError
from crmlab.validation import ROLES, require, show_rows

__all__ = ["COLUMN_KEYWORDS", "CRMDataError", "OPTION_KEYWORDS", "ROLES", "require",
           "show_rows"]

#: One vocabulary of keywords across crmlab. A keyword means the same thing in every
#: function that takes it; column keywords name a column of the caller's table (with
#: the canonical name as default), option keywords take the values listed. A test
#: (``tests/test_vocabulary.py``) checks every public signature against it: every
#: column or option keyword that two or more functions take is defined here, and the
#: retired spellings (``sales=``, ``discount_rate=``, ``time=``, a ``value=`` naming a
#: revenue column, an ``order=`` that is not an order id, a ``margin=`` that is not money
#: per period) are gone. An old spelling keeps working for one release with a
#: ``FutureWarning`` (:func:`crmlab.validation.renamed_keywords`).
COLUMN_KEYWORDS = {
    "customer": "customer id column (default 'customer_id'); the index of per-customer results",
    "account": "account id column of a B2B accounts table (default 'account_id')",
    "lead": "lead id column (default 'lead_id')",
    "date": "transaction date column, datetime64 (default 'order_date')",
    "amount": "signed transaction amount: money paid, negative for a return (default 'amount')",
    "order": "order id column: rows sharing one are one order (default None: a row is an "
             "order); never an ordering (see stages= and tier_order=)",
    "quantity": "units bought in the row",
    "name": "a column's name: the customer name column of read_transactions (kept as read, "
            "named in lists that go back into the CRM); the column asked for in building "
            "blocks",
    "currency": "currency column: each row's currency code (CNY, USD, ...)",
    "refund": "refunded-amount column (>= 0), subtracted from amount",
    "revenue": "money a customer, account or lead brings in (sales, deal value); replaces "
               "value= and sales= (man_conversion, channel_summary, scorecard, "
               "key_account_summary, allocate_resources, the bias functions, the plots and "
               "explorers over them)",
    "value": "the numeric column a summary or chart shows (summed, averaged or drawn: "
             "segment_summary, rf_grid, lorenz, whale, abc_chart, rfm_heatmap, "
             "segment_chart, driver_chart, man_matrix, lifecycle_chart); never a revenue "
             "column to compute with (that is revenue=)",
    "profit": "profit column: revenue minus all costs counted",
    "gross_profit": "gross profit of a transaction row (revenue minus cost of goods)",
    "gross_margin": "gross margin rate column of an accounts table (gross profit / revenue, "
                    "e.g. 0.3); replaces the bias functions' margin=",
    "cost": "cost column: cost to serve a customer, or cost of acquiring a lead",
    "channel": "channel column (where a lead or an order came from)",
    "category": "product category column",
    "product": "product column of order lines: the item bought in the row",
    "outcome": "True/False (or 0/1) column whose share per group is computed (e.g. "
               "'bought')",
    "segment": "segment label column",
    "stage": "stage column: the furthest funnel stage of a lead, or a customer's lifecycle "
             "stage",
    "score": "score column (an objective score of an account, or a 0-10 recommendation "
             "score of a customer)",
    "priority": "manager priority column (1 = first)",
    "hours": "resource hours column",
    "converted": "True/False (or 0/1) column: did the lead become a customer?",
    "money": "MAN rule column: can the lead pay (购买能力)? True/False or a graded score",
    "authority": "MAN rule column: does our contact decide (购买决定权)? True/False or a "
                 "graded score",
    "need": "MAN rule column: does the lead need what we sell (购买需求)? True/False or a "
            "graded score",
    "key": "True/False key-account column (default 'key_account')",
    "growth": "growth-potential column of an accounts table (default 'growth_potential')",
    "potential": "potential column of the objective scorecard and the value assessment: "
                 "cooperation or growth potential of an account, purchase potential of a "
                 "customer",
    "recency": "recency column: days since the customer's last purchase",
    "frequency": "frequency column of an RFM table: orders per customer",
    "monetary": "monetary column of an RFM table: spend per customer",
    "orders": "orders-per-customer column of the customer features",
    "target": "outcome column a model learns from (e.g. 'churned', 'satisfaction')",
    "count": "column counting the customers each row stands for (a pattern's count)",
    "order_by": "column whose segment means number the k-means segments, highest first",
    "expect": "prefix of the SERVQUAL expectation columns ('expect_' + dimension)",
    "perceive": "prefix of the SERVQUAL perception columns ('perceive_' + dimension)",
}
OPTION_KEYWORDS = {
    "stages": "sequence: the order of funnel stages, first to last (replaces "
              "lead_funnel(order=) and funnel(order=))",
    "tier_order": "sequence: the tier labels of a customer pyramid, top tier first "
                  "(replaces upgrade_potential(order=))",
    "future": "rows dated after the analysis date or today: 'error' (raise, showing them), "
              "'drop' (leave them out and report them) or 'keep' (where a table has room); "
              "each function takes the ones that make sense ('raise' is the old name of "
              "'error', kept for one release)",
    "keep": "row filters 'COLUMN=VALUE' (values separated by '|'): use only matching rows, "
            "the others reported",
    "exclude": "row filters 'COLUMN=VALUE': leave matching rows out, reported",
    "preset": "the CRM system an export comes from (crmlab.io.presets): 'zoho-deals', "
              "'zoho-invoices', 'fxiaoke-orders', 'salesforce-opportunities', "
              "'hubspot-deals', 'shopify-orders'",
    "to_currency": "the currency of an analysis (ISO code); other currencies converted with "
                   "rates= or left out",
    "date_format": "strftime format of a date column, or 'excel', 'epoch-ms', 'epoch-s'",
    "encoding": "text encoding of a CSV file (None: UTF-8, else detected)",
    "decimal": "decimal mark of text amounts, '.' or ',' (None: ',' for a semicolon file)",
    "returns": "'net' (returns reduce spend) or 'ignore' (return rows left out, reported)",
    "engine": "None (choose), 'pandas', 'duckdb' or 'spark'",
    "language": "'en' or 'zh'",
    "variant": "a student's own variant of the bundled data (a short string; "
               "crmlab.datasets.variant_of(student_id)); None: the active variant, else the "
               "bundled file",
    "analysis_date": "the day recency is measured to (default: the day after the last date)",
    "observation_end": "last day of the observation window of a buy-till-you-die summary",
    "unit": "time unit of a buy-till-you-die summary and its models: 'D' (days) or 'W' (weeks)",
    "freq": "purchases merged per 'D' (day) or 'W' (Monday-to-Sunday week)",
    "period": "unit of the window of a per-customer table: 'D' (days) or 'W' "
              "(Monday-to-Sunday weeks)",
    "horizon": "number of periods ahead (in the model's unit); replaces clv_table(time=)",
    "discount": "discount rate per period, a decimal (0.1, not 10); replaces discount_rate=",
    "retention": "retention rate per period, a decimal",
    "margin": "money a customer brings per period (yuan); never a rate (gross_margin= names "
              "a margin-rate column, margin_rate= is a share of spend)",
    "margin_rate": "share of spend that is profit, a decimal in (0, 1]; replaces "
                   "clv_table(margin=) and clv_customers(margin=)",
    "by": "what rows are grouped (or hours spread) by: a column, or one of the choices the "
          "function lists ('man_class', 'persona', 'score', ...)",
    "normalize": "how a scorecard maps a criterion to 0-100: 'minmax' or 'rank'",
    "method": "which variant of a computation, among the ones the function lists (e.g. "
              "'ceil'/'interpolate' top shares, 'quantile'/'mean'/'thresholds' RFM scores)",
    "scheme": "a named scheme of tiers or segments: pyramid 'su', 'curry', 'zeithaml'; RFM "
              "'rf10', 'cn8'",
    "ties": "how RFM quantile scores break ties: 'rank-first' or 'value'",
    "rule": "boundary rule of ABC classes: 'including' or 'before'",
    "agg": "a pandas aggregation name per cell ('mean', 'sum', 'median', ...)",
    "scale": "how features are scaled before k-means: 'standard', 'minmax' or None",
    "source": "the name of the transaction table in generated SQL (default 'transactions')",
    "title": "title of a report page",
}

def __getattr__(name: str):
    """``crmlab.schema.read_transactions`` / ``report`` moved to :mod:`crmlab.io`."""
    if name in ("read_transactions", "report"):
        import warnings

        from crmlab import io as _io

        warnings.warn(f"crmlab.schema.{name} is now crmlab.io.{name} (and crmlab.{name} "
                      f"for read_transactions); the old name will stop working in the next "
                      f"release.", FutureWarning, stacklevel=2)
        return getattr(_io, name)
    raise AttributeError(f"module 'crmlab.schema' has no attribute {name!r}")
