"""The words the plots write, in the language in force (:mod:`crmlab.language`).

Each plot writes its own texts as explicit pairs, ``localized(english, chinese)``. This
module holds what several plots share: the Chinese names of crmlab's own standard
columns and of the tiers, segments and stages crmlab's functions produce. A name that is
not crmlab's (a column or category of the user's data) stays as given in both languages.

Examples
--------
>>> from crmlab.language import using
>>> column_name("monetary"), name_in("top", TIERS_ZH), unit_name("W")
('monetary', 'top', 'weeks')
>>> with using("zh"):
...     column_name("monetary"), name_in("top", TIERS_ZH), name_in("mine", TIERS_ZH)
('消费金额', '顶端客户', 'mine')
"""

from __future__ import annotations

from collections.abc import Mapping

from crmlab import pyramid, rfm, segmentation
from crmlab.language import get_language, localized

#: crmlab's standard column names, as the plots name them in Chinese (glossary terms).
COLUMNS_ZH = {
    "amount": "金额", "clv": "客户终身价值", "deal_value": "成交金额", "frequency": "消费频率",
    "monetary": "消费金额", "profit": "利润", "recency": "最近一次消费", "revenue": "收入",
    "segment": "客户细分", "spend": "消费金额", "value": "价值",
}

#: The tiers of the built-in pyramid schemes (:data:`crmlab.pyramid.SCHEMES`).
TIERS_ZH = {en: zh for spec in pyramid.SCHEMES.values()
            for en, zh in zip(spec["names"]["en"], spec["names"]["zh"], strict=True)}

#: The RFM segments of both schemes (:data:`crmlab.rfm.SEGMENT_GUIDE`).
SEGMENTS_ZH = dict(zip(rfm.SEGMENT_GUIDE["segment"], rfm.SEGMENT_GUIDE["segment_zh"],
                       strict=True))

#: The lifecycle stages (:data:`crmlab.segmentation.LIFECYCLE_STAGES`).
STAGES_ZH = dict(segmentation.LIFECYCLE_STAGES)

#: Aggregations named in titles.
AGGREGATIONS_ZH = {"mean": "均值", "median": "中位数", "sum": "总和", "min": "最小值",
                   "max": "最大值", "count": "计数", "std": "标准差"}

#: Time units of the purchase models' ``attrs["unit"]``: (English, Chinese).
UNITS = {"W": ("weeks", "周"), "D": ("days", "天")}


def column_name(column: object) -> str:
    """A column's name as a label: in Chinese, crmlab's standard columns by their term."""
    return name_in(column, COLUMNS_ZH)


def name_in(name: object, names_zh: Mapping[str, str]) -> str:
    """A category's name as a label: in Chinese, crmlab's own names by their Chinese name."""
    text = str(name)
    return names_zh.get(text, text) if get_language() == "zh" else text


def unit_name(unit: object) -> str:
    """The name of a purchase model's time unit (``"periods"`` when unknown)."""
    return localized(*UNITS.get(unit, ("periods", "期")))


def segment_axis(segment: str) -> str:
    """The axis label of a segment column."""
    return localized(f"{segment} (客户细分)",
                     "客户细分" if segment == "segment" else f"{segment}（客户细分）")
