"""Seeded generators of the sample CRM exports in ``datasets/samples/`` (示例导出文件).

One small synthetic export per preset of :mod:`crmlab.io.presets`, laid out as the
system writes it (headers, date formats, status values, encodings), with the messes the
presets exist for: lost and open deals, void orders, refunds, line items, an e-mail in two
capitalisations. Every file is made from its own ``numpy.random.default_rng(seed)``;
``python -m crmlab.datasets`` rewrites them byte for byte and a test checks that the
committed files match. The people and companies are invented.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

__all__ = ["SAMPLES", "sample_bytes"]

SEED = 20260101
COMPANIES = ["华东精密机械", "北方食品集团", "Lenz Logistik", "南方电子", "Möller AG",
             "蓝海贸易", "Acme Trading", "川渝建材"]
PEOPLE = ["王芳", "李强", "Anna Schmidt", "张伟", "刘洋", "陈静", "Tom Baker", "赵磊"]


def _days(rng, n, start="2024-01-02", span=700):
    day0 = np.datetime64(start)
    return np.sort(day0 + rng.integers(0, span, n).astype("timedelta64[D]"))


def _money(rng, n, low, high):
    return np.round(rng.uniform(low, high, n), 2)


def _zoho_deals(rng) -> pd.DataFrame:
    n = 40
    who = rng.integers(0, 6, n)
    stage = rng.choice(["Closed Won", "Closed Lost", "Negotiation/Review", "Qualification"],
                       n, p=[0.55, 0.2, 0.15, 0.1])
    days = _days(rng, n)
    return pd.DataFrame({
        "Deal Owner": [PEOPLE[k] for k in rng.integers(0, 4, n)],
        "Deal Name": [f"{COMPANIES[w]} - 订单 {i + 1:03d}" for i, w in enumerate(who)],
        "Account Name": [COMPANIES[w] for w in who],
        "Contact Name": [PEOPLE[(w + 3) % 8] for w in who],
        "Amount": [f"{v:,.2f}" for v in _money(rng, n, 2000, 60000)],
        "Closing Date": pd.to_datetime(days).strftime("%m/%d/%Y"),
        "Stage": stage,
        "Currency": "CNY",
    })


def _zoho_invoices(rng) -> pd.DataFrame:
    n = 36
    who = rng.integers(0, 6, n)
    return pd.DataFrame({
        "Invoice Date": pd.to_datetime(_days(rng, n)).strftime("%Y-%m-%d"),
        "Invoice Number": [f"INV-{1001 + i:06d}" for i in range(n)],
        "Invoice Status": rng.choice(["Paid", "Sent", "Overdue", "Void", "Draft"], n,
                                     p=[0.6, 0.12, 0.1, 0.1, 0.08]),
        "Customer ID": [f"{460000000000 + 17 * w}" for w in who],
        "Customer Name": [COMPANIES[w] for w in who],
        "Currency Code": "CNY",
        "Total": _money(rng, n, 500, 30000),
        "Balance": 0.0,
    })


CN_COMPANIES = ["华东精密机械", "北方食品集团", "南方电子", "蓝海贸易", "川渝建材", "长江物流",
                "晨光印务"]


def _fxiaoke_orders(rng) -> pd.DataFrame:
    n = 45
    who = rng.integers(0, 7, n)
    status = rng.choice(["正常", "作废"], n, p=[0.85, 0.15])
    total = _money(rng, n, 800, 50000)
    refund = np.where(rng.random(n) < 0.12, np.round(total * rng.choice([0.2, 1.0], n), 2), 0.0)
    days = pd.to_datetime(_days(rng, n))
    return pd.DataFrame({
        "销售订单编号": [f"SO{20240000 + 37 * i}" for i in range(n)],
        "客户名称": [CN_COMPANIES[w] for w in who],
        "下单日期": [d.strftime("%Y/%m/%d") if i % 3 else d.strftime("%Y-%m-%d")
                     for i, d in enumerate(days)],
        "产品合计(元)": total,
        "销售订单金额(元)": [f"{v:,.2f}" for v in total],
        "回款金额": np.round(total * rng.choice([0.0, 0.5, 1.0], n), 2),
        "退款金额": refund,
        "负责人": [PEOPLE[k] for k in rng.integers(0, 8, n)],
        "生命状态": status,
    })


def _salesforce(rng) -> pd.DataFrame:
    n = 40
    who = rng.integers(0, 6, n)
    won = rng.random(n) < 0.6
    closed = won | (rng.random(n) < 0.5)
    stage = np.where(won, "Closed Won", np.where(closed, "Closed Lost", "Proposal/Price Quote"))
    return pd.DataFrame({
        "Id": [f"006Dn00000{i:05d}AAA" for i in range(n)],
        "AccountId": [f"001Dn00000{w:05d}QQA" for w in who],
        "Name": [f"Renewal {i + 1}" for i in range(n)],
        "StageName": stage,
        "Amount": _money(rng, n, 1000, 80000),
        "CloseDate": pd.to_datetime(_days(rng, n)).strftime("%Y-%m-%d"),
        "IsClosed": np.where(closed, "true", "false"),
        "IsWon": np.where(won, "true", "false"),
        "CurrencyIsoCode": "CNY",
    })


def _hubspot(rng) -> pd.DataFrame:
    n = 40
    who = rng.integers(0, 6, n)
    stage = rng.choice(["Closed won", "Closed lost", "Appointment scheduled",
                        "Contract sent"], n, p=[0.55, 0.2, 0.15, 0.1])
    days = pd.to_datetime(_days(rng, n)) + pd.to_timedelta(rng.integers(8 * 60, 19 * 60, n),
                                                           unit="min")
    return pd.DataFrame({
        "Record ID": [str(9_000_000_000 + 131 * i) for i in range(n)],
        "Deal Name": [f"{COMPANIES[w]} deal {i + 1}" for i, w in enumerate(who)],
        "Deal stage": stage,
        "Close date": days.strftime("%Y-%m-%d %H:%M"),
        "Amount": _money(rng, n, 1500, 45000),
        "Associated Company": [COMPANIES[w] for w in who],
        "Deal owner": [PEOPLE[k] for k in rng.integers(0, 4, n)],
    })


def _shopify(rng) -> pd.DataFrame:
    emails = ["wang.fang@example.cn", "li.qiang@example.cn", "anna@example.de",
              "zhang.wei@example.cn", "liu.yang@example.cn", "chen.jing@example.cn"]
    names = ["王芳", "李强", "Anna Schmidt", "张伟", "刘洋", "陈静"]
    rows = []
    days = pd.to_datetime(_days(rng, 30)) + pd.to_timedelta(rng.integers(0, 86400, 30),
                                                            unit="s")
    for i, when in enumerate(days):
        w = int(rng.integers(0, 6))
        email = emails[w].title() if (w == 0 and i % 2) else emails[w]  # Wang.Fang@Example.Cn
        status = rng.choice(["paid", "paid", "paid", "partially_refunded", "refunded",
                             "voided", "pending"], p=[0.3, 0.25, 0.15, 0.1, 0.08, 0.06, 0.06])
        status = {5: "voided", 11: "pending"}.get(i, status)
        lines = int(rng.integers(1, 4))
        prices = _money(rng, lines, 30, 900)
        total = float(np.round(prices.sum() + 12.0, 2))
        refunded = {"partially_refunded": float(np.round(prices[0], 2)),
                    "refunded": total}.get(str(status), 0.0)
        paid = "" if status == "pending" else when.strftime("%Y-%m-%d %H:%M:%S +0800")
        for k in range(lines):
            first = k == 0
            rows.append({
                "Name": f"#{1001 + i}", "Email": email,
                "Financial Status": status if first else "",
                "Paid at": paid if first else "", "Currency": "CNY" if first else "",
                "Subtotal": f"{prices.sum():.2f}" if first else "",
                "Shipping": "12.00" if first else "",
                "Total": f"{total:.2f}" if first else "",
                "Refunded Amount": f"{refunded:.2f}" if first else "",
                "Lineitem quantity": int(rng.integers(1, 3)),
                "Lineitem name": f"商品 {int(rng.integers(1, 40)):02d}",
                "Lineitem price": f"{prices[k]:.2f}",
                "Billing Name": names[w] if first else "",
            })
    return pd.DataFrame(rows)


#: Sample file name -> (preset, generator, encoding, seed offset).
SAMPLES = {
    "zoho_deals.csv": ("zoho-deals", _zoho_deals, "utf-8", 1),
    "zoho_invoices.csv": ("zoho-invoices", _zoho_invoices, "utf-8-sig", 2),
    "fxiaoke_orders.csv": ("fxiaoke-orders", _fxiaoke_orders, "gbk", 3),
    "salesforce_opportunities.csv": ("salesforce-opportunities", _salesforce, "utf-8", 4),
    "hubspot_deals.csv": ("hubspot-deals", _hubspot, "utf-8", 5),
    "shopify_orders.csv": ("shopify-orders", _shopify, "utf-8", 6),
}


def sample_bytes(file: str) -> bytes:
    """The bytes of one sample export, made by its seeded generator."""
    _, make, encoding, offset = SAMPLES[file]
    frame = make(np.random.default_rng(SEED + offset))
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode(encoding)
