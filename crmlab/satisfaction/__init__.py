"""Customer expectations and satisfaction (客户期望与满意): gaps, NPS, complaints, churn.

The chapter's chain of ideas, one function each:

* **expectation vs. perception** (期望与感知): the SERVQUAL gap (服务质量差距) is
  perception minus expectation per service dimension; a negative gap is a
  disappointment (:func:`gap_scores`, :func:`gap_summary`);
* a **satisfaction index** (满意度指数) on 0-100 (:func:`satisfaction_index`);
* **Net Promoter Score** (净推荐值, :func:`nps`, :func:`nps_breakdown`);
* **complaints** (投诉率, :func:`complaint_rate`);
* **churn and retention rates** (客户流失率, 客户保持率: :func:`churn_rate`,
  :func:`retention_rate`, :func:`rates_by_period`, :func:`expected_lifetime`) and
  **cohort retention** from transactions (同期群客户保持率, :func:`cohort_table`);
* **which gaps drive churn** (:func:`churn_drivers`, :func:`churn_by_quartile`,
  :func:`simulate_improvement`);
* **what over-promising does** (过度承诺, :func:`promise_effect`).

Survey tables hold one row per customer with ``expect_<dim>`` and ``perceive_<dim>``
columns (e.g. ``crmlab.load_data("survey")``); the dimensions are found from these
prefixes unless given. Rates are fractions in [0, 1]. Every function returns a new
object and never modifies its input.

Modules, by sub-topic: ``nps``, ``retention`` (churn and retention rates), ``cohorts``
(cohort retention), ``servqual``
(gaps and the satisfaction index), ``complaints``, ``churn`` (drivers of churn) and
``promise``; every public name is importable from ``crmlab.satisfaction``.

The churn model is a fitted object in scikit-learn's style, :class:`ChurnModel`
(``coef_``, ``intercept_``, ``drivers_``, ...); ``DataFrame.attrs`` of a result records
only its provenance (target, n, C, weights used, dimensions).
"""

from __future__ import annotations

from crmlab.satisfaction._common import DIMENSION_NAMES, DIMENSIONS
from crmlab.satisfaction.churn import (
    ChurnModel,
    churn_by_quartile,
    churn_drivers,
    simulate_improvement,
)
from crmlab.satisfaction.cohorts import cohort_table
from crmlab.satisfaction.complaints import complaint_rate
from crmlab.satisfaction.nps import nps, nps_breakdown
from crmlab.satisfaction.promise import promise_effect
from crmlab.satisfaction.retention import (
    churn_rate,
    expected_lifetime,
    rates_by_period,
    retention_rate,
)
from crmlab.satisfaction.servqual import gap_scores, gap_summary, satisfaction_index

__all__ = [
    "DIMENSIONS",
    "DIMENSION_NAMES",
    "nps",
    "nps_breakdown",
    "churn_rate",
    "retention_rate",
    "rates_by_period",
    "expected_lifetime",
    "cohort_table",
    "gap_scores",
    "gap_summary",
    "satisfaction_index",
    "complaint_rate",
    "ChurnModel",
    "churn_drivers",
    "churn_by_quartile",
    "simulate_improvement",
    "promise_effect",
]
