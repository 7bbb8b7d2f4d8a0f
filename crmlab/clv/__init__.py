"""Customer lifetime value (客户终身价值): margin-multiple formulas and buy-till-you-die models.

- :func:`margin_multiple` and :func:`simple_clv`: the closed-form CLV of Gupta &
  Lehmann (2003) (:mod:`crmlab.clv.formulas`).
- :func:`summary_from_transactions` and :func:`calibration_holdout`: the Fader-Hardie
  summary of a transaction log (:mod:`crmlab.clv.summary`).
- :class:`BetaGeo` (BG/NBD, :mod:`crmlab.clv.bgnbd`), :class:`GammaGamma`
  (:mod:`crmlab.clv.gamma_gamma`) and :class:`ShiftedBetaGeometric` with the published
  cohorts :data:`SBG_COHORTS` (:mod:`crmlab.clv.sbg`): the buy-till-you-die models.
- :func:`clv_table`: CLV per customer from a fitted BG/NBD and Gamma-Gamma model
  (:mod:`crmlab.clv.table`).

scipy is imported inside the functions that need it, so ``import crmlab.clv`` stays
about as fast as ``import pandas``.

Examples
--------
>>> from crmlab import clv
>>> round(clv.margin_multiple(0.8, 0.1), 4)
2.6667
>>> clv.ShiftedBetaGeometric().fit(clv.SBG_COHORTS["regular"])
ShiftedBetaGeometric(alpha=0.704, beta=1.182; fitted on 1,000 customers)
"""

from __future__ import annotations

from crmlab.clv.bgbb import BetaGeoBetaBinom
from crmlab.clv.bgnbd import BetaGeo
from crmlab.clv.formulas import margin_multiple, simple_clv
from crmlab.clv.gamma_gamma import GammaGamma
from crmlab.clv.mbgnbd import ModifiedBetaGeo
from crmlab.clv.pareto_nbd import ParetoNBD
from crmlab.clv.sbg import SBG_COHORTS, ShiftedBetaGeometric
from crmlab.clv.summary import (
    calibration_holdout,
    summary_from_customers,
    summary_from_transactions,
)
from crmlab.clv.table import clv_intervals, clv_table

__all__ = [
    "SBG_COHORTS",
    "BetaGeo",
    "BetaGeoBetaBinom",
    "GammaGamma",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "ShiftedBetaGeometric",
    "calibration_holdout",
    "clv_intervals",
    "clv_table",
    "margin_multiple",
    "simple_clv",
    "summary_from_customers",
    "summary_from_transactions",
]
