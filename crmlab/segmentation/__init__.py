"""Customer selection and differentiation (客户选择与差异化管理): features, segments, value.

Not every customer is a good customer (选择好客户). This package turns a transaction
log into one row of behavioural features per customer (:func:`customer_features`),
groups customers a priori by their attributes (:func:`segment_by`: demographic
人口统计, geographic 地理, psychographic 心理) or from their behaviour with k-means
(:func:`kmeans_segments`, :func:`choose_k`), describes and names the segments
(:func:`segment_profiles`, :func:`name_segments`), assesses each customer's value
(:func:`value_assessment`: purchase potential, loyalty, profitability -> 高/中/低价值
客户), places customers in their lifecycle stage (:func:`lifecycle_stage`: 潜在, 新,
重复, 忠诚, 流失) and turns all this into a differentiated service plan
(:func:`service_plan`, 差异化服务).

Conventions (each a parameter with a documented default):

* ``analysis_date`` defaults to the day after the last date in the log (as in
  :func:`crmlab.rfm.rfm_table`); recency and tenure are whole days.
* A purchase is a row with ``amount >= 0``; a negative amount is a return. Orders count
  purchases only; spend is net of returns; profit = gross profit - cost to serve over
  all rows (a return costs handling too, as in :func:`crmlab.rfm.customer_profit`).
* k-means runs on the chosen columns, optionally ``log1p``-transformed, then
  standardised (z-scores); segments are renumbered so that segment 0 has the highest
  mean spend. scikit-learn is imported inside the functions, so ``import crmlab`` (and
  ``import crmlab.segmentation``) stays fast.

Nothing is dropped silently: customers without a purchase are kept (with zeros and NaN,
see :func:`customer_features`) and counted in ``result.attrs``.

Modules, by sub-topic: ``features`` (:func:`customer_features`), ``apriori``
(:func:`segment_by`), ``kmeans`` (:func:`kmeans_segments`, :func:`choose_k`),
``profiles`` (:func:`segment_profiles`, :func:`name_segments`), ``value``
(:func:`value_assessment`), ``lifecycle`` (:func:`lifecycle_stage`) and ``service``
(:func:`service_plan`); every public name is importable from ``crmlab.segmentation``.

Structured results are fitted objects in scikit-learn's style, with attributes ending
in ``_``: :class:`KMeansSegments` (labels, centres, inertia, silhouette) and
:class:`KMeansChoice` (scores per k, the best k). ``DataFrame.attrs`` of a result
records only its provenance (columns, k, seed, scale, rows dropped and why).
"""

from __future__ import annotations

from crmlab.segmentation.apriori import segment_by
from crmlab.segmentation.features import customer_features
from crmlab.segmentation.kmeans import (
    KMeansChoice,
    KMeansSegments,
    choose_k,
    kmeans_segments,
)
from crmlab.segmentation.lifecycle import LIFECYCLE_STAGES, lifecycle_stage
from crmlab.segmentation.profiles import NAMING_RULES, name_segments, segment_profiles
from crmlab.segmentation.service import VALUE_GUIDE, service_plan
from crmlab.segmentation.value import VALUE_CLASSES, value_assessment

__all__ = [
    "customer_features",
    "segment_by",
    "kmeans_segments",
    "choose_k",
    "KMeansSegments",
    "KMeansChoice",
    "segment_profiles",
    "name_segments",
    "value_assessment",
    "lifecycle_stage",
    "service_plan",
    "VALUE_CLASSES",
    "LIFECYCLE_STAGES",
    "VALUE_GUIDE",
    "NAMING_RULES",
]
