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
#: (``tests/test_vocabulary.py``) checks every public signature against it.
COLUMN_KEYWORDS = {
    "customer": "customer id column (default 'customer_id'); the index of per-customer results",
    "account": "account id column of a B2B accounts table (default 'account_id')",
    "lead": "lead id column (default 'lead_id')",
    "date": "transaction date column, datetime64 (default 'order_date')",
    "amount": "signed transaction amount: money paid, negative for a return (default 'amount')",
    "order": "order id column: rows sharing one are one order (default None: a row is an order)",
    "quantity": "units bought in the row",
    "revenue": "money a customer or account brings in (sales); replaces value= and sales=",
    "profit": "profit column: revenue minus all costs counted",
    "gross_profit": "gross profit of a transaction row (revenue minus cost of goods)",
    "cost": "cost column: cost to serve a customer, or cost of acquiring a lead",
    "channel": "channel column (where a lead or an order came from)",
    "category": "product category column",
    "segment": "segment label column",
    "stage": "funnel stage column of a leads table",
    "score": "score column",
    "priority": "manager priority column (1 = first)",
    "hours": "resource hours column",
}
OPTION_KEYWORDS = {
    "stages": "sequence: the order of funnel stages, first to last (replaces lead_funnel(order=))",
    "future": "rows dated after the analysis date or today: 'error' (raise, showing them), "
              "'drop' (leave them out and report them) or 'keep' (where a table has room)",
    "returns": "'net' (returns reduce spend) or 'ignore' (return rows left out, reported)",
    "engine": "None (choose), 'pandas', 'duckdb' or 'spark'",
    "language": "'en' or 'zh'",
    "analysis_date": "the day recency is measured to (default: the day after the last date)",
    "observation_end": "last day of the observation window of a buy-till-you-die summary",
    "unit": "time unit of a buy-till-you-die summary and its models: 'D' (days) or 'W' (weeks)",
    "freq": "purchases merged per 'D' (day) or 'W' (Monday-to-Sunday week)",
    "horizon": "number of periods ahead (in the model's unit); replaces clv_table(time=)",
    "discount": "discount rate per period, a decimal (0.1, not 10); replaces discount_rate=",
    "retention": "retention rate per period, a decimal",
    "margin": "money a customer brings per period (yuan)",
    "margin_rate": "share of spend that is profit, a decimal in (0, 1]; replaces "
                   "clv_table(margin=)",
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
