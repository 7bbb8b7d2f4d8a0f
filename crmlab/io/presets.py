"""Presets: how the exports of the CRM systems analysts use are read (一键读取常见CRM导出).

One word (``preset="zoho-deals"``) replaces the column names, date conventions and the
purchase rule of a system's export. Each role lists the headers to look for, English
first, then Chinese; the first one present in the file is used. Every setting can be
overridden option by option: an explicit ``customer=``, ``keep=``, ``dayfirst=`` ... of
:func:`crmlab.read_transactions` wins over the preset's.

The English headers follow the vendors' documentation of their export formats (Zoho
CRM Deals and Zoho Invoice/Books invoices, 纷享销客 销售订单 ``SalesOrderObj``,
Salesforce's weekly data export with API names, HubSpot deals, Shopify orders). The
Chinese headers of the Western systems are their Chinese interfaces' labels as far as we
know them: check them against your own export, and pass ``customer=`` ... when they
differ. The sample exports in ``datasets/samples/`` are synthetic (made by
:mod:`crmlab._synth`), each with a data card in ``datasets/README.md``.

Hand-written because it is data, not code: no library knows these exports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crmlab._errors import CRMDataError
from crmlab.validation import did_you_mean

__all__ = ["PRESETS", "Preset", "get_preset"]


@dataclass(frozen=True)
class Preset:
    """How one system's export is read: header candidates per role and the purchase rule.

    ``columns`` maps a role (``customer``, ``date``, ``amount``, ``order``, ``name``,
    ``currency``, ``refund``) to the headers to look for, first match wins. ``keep`` and
    ``exclude`` are row filters (``{"Stage": ["Closed Won"]}``), matched by the first
    of the listed columns present in the file. ``rules`` says in words what counts as a
    purchase, for the README and the report.
    """

    name: str
    system: str
    columns: dict[str, tuple[str, ...]]
    rules: str
    keep: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    exclude: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    dayfirst: bool | None = None
    epoch_ms: bool = False
    sample: str = ""

    @property
    def required(self) -> tuple[str, ...]:
        """The roles every export of this system has."""
        return ("customer", "date", "amount")


PRESETS: dict[str, Preset] = {
    "zoho-deals": Preset(
        "zoho-deals", "Zoho CRM, module Deals (商机)",
        columns={
            "customer": ("Account Name", "客户名称"),
            "name": ("Account Name", "客户名称"),
            "date": ("Closing Date", "结束日期"),
            "amount": ("Amount", "金额"),
            "currency": ("Currency", "币种"),
        },
        keep={("Stage", "阶段"): ("Closed Won", "赢单关闭")},
        dayfirst=False,
        rules="a purchase is a deal in stage Closed Won (Closed Lost and open stages such "
              "as Qualification or Negotiation/Review are left out, reported); the "
              "customer is the Account Name; dates are MM/dd/yyyy (month first); amounts "
              "in the Currency column's currency (several currencies need to_currency= "
              "or rates=)",
        sample="zoho_deals.csv",
    ),
    "zoho-invoices": Preset(
        "zoho-invoices", "Zoho Invoice / Zoho Books, invoices (发票)",
        columns={
            "customer": ("Customer ID", "Customer Name", "客户名称"),
            "name": ("Customer Name", "客户名称"),
            "date": ("Invoice Date", "发票日期"),
            "amount": ("Total", "总计"),
            "order": ("Invoice Number", "发票号"),
            "currency": ("Currency Code", "币种"),
        },
        exclude={("Invoice Status", "发票状态"): ("Void", "Draft", "作废", "草稿")},
        rules="a purchase is an invoice that is not Void or Draft (sent, paid, overdue "
              "and partially paid invoices count); the customer is the Customer ID "
              "(else the Customer Name); one invoice number = one order; amounts in the "
              "Currency Code's currency",
        sample="zoho_invoices.csv",
    ),
    "fxiaoke-orders": Preset(
        "fxiaoke-orders", "纷享销客 (Fxiaoke) CRM, 销售订单 (SalesOrderObj)",
        columns={
            "customer": ("客户名称", "Customer Name", "account_id"),
            "name": ("客户名称", "Customer Name"),
            "date": ("下单日期", "Order Date", "order_time"),
            "amount": ("销售订单金额(元)", "销售订单金额（元）", "Sales Order Amount",
                       "order_amount"),
            "order": ("销售订单编号", "Sales Order No.", "name"),
            "refund": ("退款金额", "Refund Amount", "refund_amount"),
        },
        exclude={("生命状态", "Life Status", "life_status"): ("作废", "Invalid")},
        epoch_ms=True,
        rules="a purchase is a 销售订单 whose 生命状态 is not 作废 (void orders are left "
              "out, reported); 退款金额 is subtracted from 销售订单金额(元) and an order "
              "refunded in full is not a purchase; 回款金额 (payments received) is not "
              "used; dates may be epoch milliseconds (the API's format)",
        sample="fxiaoke_orders.csv",
    ),
    "salesforce-opportunities": Preset(
        "salesforce-opportunities", "Salesforce, Opportunity (weekly data export, API names)",
        columns={
            "customer": ("AccountId", "Account ID", "客户 ID"),
            "name": ("Account.Name", "Account Name", "客户名"),
            "date": ("CloseDate", "Close Date", "结束日期"),
            "amount": ("Amount", "金额"),
            "order": ("Id", "Opportunity ID", "业务机会 ID"),
            "currency": ("CurrencyIsoCode", "Opportunity Currency", "币种"),
        },
        keep={("IsWon", "Won", "赢单"): ("true", "1")},
        rules="a purchase is an opportunity with IsWon = true (lost and open "
              "opportunities are left out, reported); the customer is the AccountId; "
              "one opportunity Id = one order; dates are ISO (yyyy-mm-dd); amounts in "
              "CurrencyIsoCode's currency in multi-currency orgs",
        sample="salesforce_opportunities.csv",
    ),
    "hubspot-deals": Preset(
        "hubspot-deals", "HubSpot, deals (交易)",
        columns={
            "customer": ("Associated Company", "Associated Company IDs", "关联公司"),
            "name": ("Associated Company", "关联公司"),
            "date": ("Close date", "Close Date", "成交日期"),
            "amount": ("Amount", "金额"),
            "order": ("Record ID", "记录 ID"),
            "currency": ("Currency", "Deal currency code", "币种"),
        },
        keep={("Deal stage", "Deal Stage", "交易阶段"): ("Closed won", "成交")},
        rules="a purchase is a deal in stage Closed won (Closed lost and open stages are "
              "left out, reported); the customer is the Associated Company; one Record "
              "ID = one order; close dates are read with their time of day",
        sample="hubspot_deals.csv",
    ),
    "shopify-orders": Preset(
        "shopify-orders", "Shopify, orders export (订单)",
        columns={
            "customer": ("Email", "电子邮件"),
            "name": ("Billing Name", "账单姓名"),
            "date": ("Paid at", "付款时间"),
            "amount": ("Total", "总计"),
            "order": ("Name", "订单号"),
            "refund": ("Refunded Amount", "退款金额"),
            "currency": ("Currency", "币种"),
        },
        exclude={("Financial Status", "财务状态"): ("voided", "pending", "已作废", "待处理")},
        rules="one row per line item: the order's totals are on its first row, the other "
              "line rows are reported as line items; a purchase is an order that was paid "
              "(Financial Status voided or pending is left out, reported); Refunded "
              "Amount is subtracted from Total and an order refunded in full is not a "
              "purchase; the customer is the Email, case-folded (A@x.com = a@x.com); "
              "Paid at keeps the local time and drops the UTC offset",
        sample="shopify_orders.csv",
    ),
}


def get_preset(name: str, *, caller: str = "read_transactions") -> Preset:
    """Return the preset called ``name`` (with a "did you mean" when it is misspelt).

    Examples
    --------
    >>> get_preset("zoho-deals").columns["amount"]
    ('Amount', '金额')
    >>> get_preset("zoho")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: read_transactions: no preset 'zoho'. Presets:
    zoho-deals, zoho-invoices, fxiaoke-orders, salesforce-opportunities, hubspot-deals,
    shopify-orders. Did you mean 'zoho-deals'?
    """
    if name in PRESETS:
        return PRESETS[name]
    close = did_you_mean(name, PRESETS, cutoff=0.3)
    hint = f" Did you mean {close!r}?" if close else ""
    raise CRMDataError(f"{caller}: no preset {name!r}. Presets: {', '.join(PRESETS)}.{hint}")
