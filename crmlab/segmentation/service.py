"""Differentiated service plans (差异化服务) per persona or value class."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.segmentation.value import VALUE_CLASSES
from crmlab.validation import check_option, renamed_keywords, require

__all__ = ["service_plan", "VALUE_GUIDE"]

#: The differentiated service guide per value class (差异化服务), used by
#: :func:`service_plan` with ``by="value_class"``.
VALUE_GUIDE = pd.DataFrame(
    {
        "value_class": ["high", "medium", "low"],
        "service_level": ["premium", "standard", "basic"],
        "action": [
            "personal account manager, priority service, invitations and early access; "
            "protect the relationship",
            "targeted offers to raise basket and frequency; upgrade the best to high value",
            "self-service and digital channels only; cut cost to serve (minimum order, "
            "pick-up in store)",
        ],
        "action_zh": [
            "专属客户经理、优先服务、邀请与抢先体验；重点保持关系",
            "有针对性的优惠，提高客单价与消费频率；把其中最好的升级为高价值客户",
            "以自助和数字渠道为主；降低服务成本（起送金额、到店自提）",
        ],
    }
)


def _persona_service(status: str, level: str, online: bool, loss: bool) -> tuple[str, str, str]:
    """(service level, action, action_zh) for one named segment; see service_plan."""
    if loss:
        return ("cost-controlled",
                "keep them but cut the cost to serve: minimum order for free delivery, "
                "bundles that raise the basket, pick-up in store",
                "保留客户但降低服务成本：设置免运费起送金额、组合销售提高客单价、引导到店自提")
    if status == "lapsed":
        if level == "big":
            return ("win-back",
                    "personal win-back call and a tailored offer; ask why they left",
                    "客户经理亲自挽回并提供专属优惠；了解流失原因")
        if level == "mid":
            return ("targeted win-back",
                    "personalised reactivation offer based on past purchases; a short "
                    "survey on why they stopped",
                    "根据历史购买推送个性化的唤醒优惠；简短调查停止购买的原因")
        return ("low-cost win-back",
                "one automated reactivation message; stop spending if no response",
                "一次自动化的唤醒信息；无回应则停止投入")
    if level == "big":
        if status == "loyal":
            return ("VIP",
                    "VIP care: account manager, priority service, exclusive events, "
                    "thank-you gifts",
                    "VIP关怀：专属客户经理、优先服务、专属活动、感谢礼品")
        return ("priority",
                "priority service and personalised offers to deepen loyalty",
                "优先服务与个性化优惠，加深忠诚")
    if level == "mid":
        return ("develop",
                "cross-sell new categories and a membership upgrade to grow them",
                "交叉销售新品类、推荐会员升级，提升客户价值")
    if online:
        return ("digital self-service",
                "app and online self-service, automated offers; no personal contact",
                "以APP和线上自助服务为主，自动化推送优惠；不安排人工联系")
    return ("basic",
            "standard service at low cost; nudge to a bigger basket",
            "低成本的标准服务；引导提高每单金额")


@renamed_keywords(value="value_class", spend="revenue")
def service_plan(
    data: pd.DataFrame,
    *,
    by: str = "persona",
    value_class: str = "value_class",
    revenue: str = "spend",
    profit: str | None = "profit",
) -> pd.DataFrame:
    """Recommend a differentiated service (差异化服务) per segment or value class.

    Parameters
    ----------
    data : DataFrame
        With ``by="persona"``: the output of :func:`name_segments` (one row per
        segment). With ``by="value_class"``: one row per customer with a value class
        (the output of :func:`value_assessment`). Not modified.
    by : {"persona", "value_class"}, default "persona"
        What the plan is for.
    value_class : str, default "value_class"
        Value class column (``by="value_class"``). Replaces ``value=``, which still
        works for one release with a ``FutureWarning``.
    revenue, profit : str, default "spend", "profit"
        Revenue and profit columns summed per value class (``by="value_class"``);
        ``profit`` may be None. ``revenue=`` replaces ``spend=``, which still works
        for one release with a ``FutureWarning``.

    Returns
    -------
    DataFrame
        ``by="persona"``: indexed like ``data``, columns ``persona``, ``customers``,
        ``service_level``, ``action`` and ``action_zh``. ``by="value_class"``: indexed
        by value class (high first): ``customers``, ``customer_share``,
        ``revenue_share``, ``profit_share`` and ``mean_profit`` (with ``profit``),
        ``service_level``, ``action``, ``action_zh`` (from :data:`VALUE_GUIDE`).

    Raises
    ------
    CRMDataError
        If ``by`` is unknown or a needed column is missing.

    Notes
    -----
    ``by="persona"`` rules, first match wins: loss-making -> "cost-controlled";
    lapsed -> "win-back" (big spenders), "targeted win-back" (mid spenders) or
    "low-cost win-back" (small spenders); big spenders ->
    "VIP" (loyal) or "priority"; mid spenders -> "develop"; small online spenders ->
    "digital self-service"; else "basic".

    Examples
    --------
    >>> from crmlab.segmentation import name_segments
    >>> p = pd.DataFrame({"customers": [10, 30, 60], "orders": [40.0, 10.0, 2.0],
    ...                   "spend": [9000.0, 1500.0, 200.0],
    ...                   "recency_days": [5.0, 90.0, 300.0],
    ...                   "online_share": [0.8, 0.2, 0.1], "profit": [900.0, 150.0, -10.0]})
    >>> service_plan(name_segments(p))[["persona", "service_level"]]
                                   persona    service_level
    0            loyal online big spenders              VIP
    1                 regular mid spenders          develop
    2  lapsed small spenders (loss-making)  cost-controlled
    """
    caller = "service_plan"
    check_option(by, ("persona", "value_class"), name="by", caller=caller)
    if by == "persona":
        need = ["persona", "customers", "status", "spend_level", "online", "loss_making"]
        missing = [c for c in need if c not in getattr(data, "columns", [])]
        if missing:
            raise CRMDataError(
                f"{caller}: by='persona' needs the output of name_segments(profiles); "
                f"column(s) {missing} are missing. Name the segments first: "
                f"service_plan(name_segments(segment_profiles(segmented)))."
            )
        rows = [_persona_service(s, lv, bool(on), bool(lo)) for s, lv, on, lo in
                zip(data["status"], data["spend_level"], data["online"], data["loss_making"],
                    strict=True)]
        out = data[["persona", "customers"]].copy()
        out["service_level"] = [r[0] for r in rows]
        out["action"] = [r[1] for r in rows]
        out["action_zh"] = [r[2] for r in rows]
        return out
    columns = {value_class: "any", revenue: "number"}
    params = {value_class: "value_class", revenue: "revenue"}
    if profit is not None:
        columns[profit] = "number"
        params[profit] = "profit"
    df = require(data, columns, caller=caller, params=params)
    unknown = sorted(set(df[value_class].dropna().astype("str")) - set(VALUE_CLASSES))
    if unknown:
        raise CRMDataError(
            f"{caller}: column {value_class!r} has values {unknown[:5]}; expected "
            f"{list(VALUE_CLASSES)} (the output of value_assessment)."
        )
    key = df[value_class].astype("str")
    order = ["high", "medium", "low"]
    groups = df.groupby(key, sort=False)
    out = pd.DataFrame({"customers": groups.size()}).reindex(order, fill_value=0)
    out.index.name = value_class
    out["customer_share"] = out["customers"] / len(df)
    total = df[revenue].sum()
    out["revenue_share"] = (groups[revenue].sum().reindex(order, fill_value=0.0) / total
                            if total > 0 else np.nan)
    if profit is not None:
        total = df[profit].sum()
        sums = groups[profit].sum().reindex(order, fill_value=0.0)
        out["profit_share"] = sums / total if total > 0 else np.nan
        out["mean_profit"] = groups[profit].mean().reindex(order)
    guide = VALUE_GUIDE.set_index("value_class")
    return out.join(guide)
