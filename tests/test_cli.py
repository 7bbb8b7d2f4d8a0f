"""The ``crmlab`` command end to end: rfm, pyramid, clv, report and datasets on real files.

The bundled ``retail_transactions`` (148,573 orders, 4,857 customers) is exported to CSV
and Parquet (and a subsample to Excel) once per module; each command runs on them, in
process through ``main([...])`` (fast) and, for the entry point itself, through
``python -m crmlab.cli``. Output files are read back and compared with the library
functions. Bad inputs must exit non-zero, say what is wrong on stderr and leave no
output file (and no temporary file) behind.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crmlab
from crmlab import CRMDataError, io, pipelines, pyramid, rfm
from crmlab.cli import main

N_CUSTOMERS = 4857
SMALL = 6000  # rows of the subsample used where the exact numbers do not matter


@pytest.fixture(scope="module")
def retail():
    return crmlab.load_data("retail_transactions")


@pytest.fixture(scope="module")
def files(retail, tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    paths = {"csv": folder / "tx.csv", "parquet": folder / "tx.parquet",
             "small": folder / "small.parquet", "xlsx": folder / "small.xlsx",
             "tiny": folder / "tiny.parquet"}
    retail.to_csv(paths["csv"], index=False)
    retail.to_parquet(paths["parquet"], index=False)
    small = retail.head(SMALL)
    small.to_parquet(paths["small"], index=False)
    small.head(1500).to_excel(paths["xlsx"], index=False)
    small.head(1500).to_parquet(paths["tiny"], index=False)
    return paths


@pytest.fixture
def out(tmp_path):
    return tmp_path


def run(args, capsys):
    """Run main() in process; return (exit code, stdout, stderr)."""
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --------------------------------------------------------------------------- help


@pytest.mark.parametrize("command", [[], ["rfm"], ["pyramid"], ["clv"], ["report"],
                                     ["datasets"], ["exercises"], ["exercises", "build"],
                                     ["check"], ["grade"]])
def test_help_everywhere(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: crmlab {' '.join(command)}".rstrip())
    if command in (["rfm"], ["pyramid"], ["clv"], ["report"]):
        for option in ("--customer", "--date", "--amount", "--order", "--no-progress"):
            assert option in text


def test_entry_point_help_in_a_subprocess():
    done = subprocess.run([sys.executable, "-m", "crmlab.cli", "--help"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0
    for command in ("datasets", "rfm", "pyramid", "clv", "report"):
        assert command in done.stdout


def test_options_match_the_brief(capsys):
    options = {"rfm": ["--scheme", "--bins", "--ties", "--analysis-date", "--engine"],
               "pyramid": ["--scheme", "--gross-profit", "--cost", "--engine"],
               "clv": ["--observation-end", "--calibration-end", "--horizon", "--discount",
                       "--unit", "--margin", "--engine"]}
    for command, names in options.items():
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = capsys.readouterr().out
        assert all(name in text for name in names), command


# --------------------------------------------------------------------------- rfm


def test_rfm_csv_to_csv_in_a_subprocess(files, retail, out):
    target = out / "rfm.csv"
    done = subprocess.run(
        [sys.executable, "-m", "crmlab.cli", "rfm", str(files["csv"]), "-o", str(target),
         "--order", "order_id", "--no-progress"],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"wrote {N_CUSTOMERS:,} customers to" in done.stdout
    assert "negative amount (return): 3966" in done.stderr  # the data-quality notes
    got = pd.read_csv(target, dtype={"customer_id": str}).set_index("customer_id")
    assert list(got.columns) == ["recency", "frequency", "monetary", "r_score", "f_score",
                                 "m_score", "rfm_sum", "rfm_code", "segment"]
    assert len(got) == N_CUSTOMERS
    expected = rfm.rfm_segments(rfm.rfm_scores(rfm.rfm_table(retail, order="order_id")))
    pd.testing.assert_series_equal(got["recency"], expected["recency"])
    pd.testing.assert_series_equal(got["frequency"], expected["frequency"])
    np.testing.assert_allclose(got["monetary"], expected["monetary"], atol=0.005)
    assert (got["segment"] == expected["segment"].astype(str)).all()
    assert got["rfm_code"].astype(str).tolist() == expected["rfm_code"].tolist()
    assert left(out) == ["rfm.csv"]


def test_rfm_options_parquet_to_parquet(files, retail, out, capsys):
    target = out / "rfm.parquet"
    code, stdout, _ = run(["rfm", files["parquet"], "-o", target, "--scheme", "cn8",
                           "--bins", 4, "--ties", "value", "--analysis-date", "2026-01-31",
                           "--no-progress"], capsys)
    assert code == 0
    got = pd.read_parquet(target).set_index("customer_id")
    assert len(got) == N_CUSTOMERS
    table = rfm.rfm_table(retail, analysis_date="2026-01-31")
    assert (got["recency"] == table["recency"]).all()
    assert got["recency"].min() == 31  # last purchase 2025-12-31
    assert set(got["r_score"]) <= {1, 2, 3, 4}
    expected = rfm.rfm_segments(table, scheme="cn8", language="zh")["segment"]
    assert (got["segment"].astype(str) == expected.astype(str)).all()
    assert set(got["segment"]) <= {zh for zh, _ in rfm.CN8_SEGMENTS.values()}
    assert "重要价值" in stdout and "analysis date 2026-01-31" in stdout


def test_rfm_from_excel(files, out, capsys):
    target = out / "rfm.xlsx"
    code, _, _ = run(["rfm", files["xlsx"], "-o", target, "--no-progress"], capsys)
    assert code == 0
    got = pd.read_excel(target, dtype={"customer_id": str}).set_index("customer_id")
    small = pd.read_excel(files["xlsx"], dtype={"customer_id": str})
    small["order_date"] = pd.to_datetime(small["order_date"])
    expected = rfm.rfm_table(small)
    assert len(got) == len(expected) == small["customer_id"].nunique()
    np.testing.assert_allclose(got["monetary"], expected["monetary"], atol=0.005)
    assert (got["frequency"] == expected["frequency"]).all()


def test_rfm_rf10_needs_five_bins(files, out, capsys):
    code, _, err = run(["rfm", files["small"], "-o", out / "r.csv", "--bins", 4,
                        "--no-progress"], capsys)
    assert code == 2
    # the library's message, with its fixes written as the command's options
    assert "--scheme rf10 names segments" in err and "it needs --bins 5 (got --bins 4)" in err
    assert "bins=" not in err
    assert left(out) == []


def test_progress_bar_goes_to_stderr(files, out, capsys, monkeypatch):
    monkeypatch.setenv("TQDM_DISABLE", "0")
    code, stdout, err = run(["rfm", files["small"], "-o", out / "r.csv"], capsys)
    assert code == 0
    assert "crmlab rfm" in err and "crmlab rfm" not in stdout


# --------------------------------------------------------------------------- pyramid


def test_pyramid_csv_to_excel(files, retail, out, capsys):
    target = out / "pyramid.xlsx"
    code, stdout, _ = run(["pyramid", files["csv"], "-o", target, "--no-progress"], capsys)
    assert code == 0
    got = pd.read_excel(target, dtype={"customer_id": str})
    assert list(got.columns) == ["customer_id", "value", "profit", "tier", "abc_class"]
    assert len(got) == N_CUSTOMERS
    assert got["tier"].value_counts()[["重要客户", "次要客户", "普通客户", "小客户"]].tolist() \
        == [49, 923, 1457, 2428]
    value = retail.groupby("customer_id")["amount"].sum()
    np.testing.assert_allclose(got.set_index("customer_id")["value"], value.loc[got.customer_id],
                               atol=0.005)
    assert got["value"].is_monotonic_decreasing
    g = pyramid.gini(value.clip(lower=0))
    assert f"Gini {g:.3f}" in stdout
    top20 = pyramid.top_share(value.clip(lower=0), 0.2)
    assert f"top 20% of customers hold {top20:.1%}" in stdout
    profit = (retail["gross_profit"] - retail["cost_to_serve"]).groupby(retail["customer_id"])
    assert f"{int((profit.sum() < 0).sum()):,} loss-making customers" in stdout


def test_pyramid_summary_only_and_schemes(files, out, capsys):
    code, stdout, _ = run(["pyramid", files["small"], "--scheme", "curry", "--no-progress"],
                          capsys)
    assert code == 0 and "tiers (curry)" in stdout and "top" in stdout
    assert left(out) == []
    target = out / "z.parquet"
    code, _, _ = run(["pyramid", files["small"], "--scheme", "zeithaml", "-o", target,
                      "--no-progress"], capsys)
    got = pd.read_parquet(target)
    assert code == 0
    assert ((got["tier"] == "lead") == (got["profit"] < 0)).all()


def test_pyramid_zeithaml_without_profit_columns(files, out, capsys):
    code, _, err = run(["pyramid", files["small"], "--scheme", "zeithaml", "--gross-profit",
                        "gp", "-o", out / "z.csv", "--no-progress"], capsys)
    assert code == 2 and "zeithaml" in err and "'gp'" in err
    assert left(out) == []


# --------------------------------------------------------------------------- clv


def test_clv_parquet_to_parquet(files, retail, out, capsys):
    target = out / "clv.parquet"
    code, stdout, _ = run(["clv", files["parquet"], "-o", target, "--no-progress"], capsys)
    assert code == 0
    got = pd.read_parquet(target).set_index("customer_id")
    assert list(got.columns) == ["frequency", "recency", "T", "monetary_value",
                                 "expected_purchases", "probability_alive",
                                 "expected_average_spend", "clv"]
    assert len(got) == N_CUSTOMERS
    fit = pipelines.clv_fit(retail)
    expected = fit.table
    np.testing.assert_allclose(got["clv"], expected["clv"], rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(pipelines.clv_customers(retail)["clv"], expected["clv"])
    assert set(expected.attrs) == {"observation_end", "unit", "horizon", "discount",
                                   "margin_rate", "dropped"}  # provenance only
    bg = fit.bgnbd.params_
    assert f"BG/NBD: r={bg['r']:.4f}, alpha={bg['alpha']:.4f}" in stdout
    assert "Gamma-Gamma: p=" in stdout
    assert "left out: 3,966 return rows (amount < 0), not purchases" in stdout
    assert (got["probability_alive"].between(0, 1)).all() and (got["clv"] >= 0).all()


def test_clv_window_unit_horizon_discount(files, out, capsys):
    target = out / "clv.csv"
    code, stdout, _ = run(["clv", files["small"], "-o", target, "--calibration-end",
                           "2024-03-31", "--unit", "D", "--horizon", 30, "--discount", 0,
                           "--margin", 0.3, "--no-progress"], capsys)
    assert code == 0, stdout
    got = pd.read_csv(target)
    assert "observation end 2024-03-31" in stdout and "horizon 30 days" in stdout
    assert got["T"].max() <= 90  # days from 2024-01-01 to 2024-03-31
    ratio = got["clv"] / (got["expected_purchases"] * got["expected_average_spend"])
    np.testing.assert_allclose(ratio[got["clv"] > 1e-6], 0.3, rtol=1e-9)  # no discount


def test_clv_without_enough_repeat_buyers(out, capsys, tmp_path):
    src = tmp_path / "one_each.csv"
    pd.DataFrame({"customer_id": ["a", "b", "c"], "order_date": ["2024-01-01"] * 3,
                  "amount": [1.0, 2.0, 3.0]}).to_csv(src, index=False)
    code, _, err = run(["clv", src, "-o", out / "clv.csv", "--no-progress"], capsys)
    assert code == 2 and "repeat" in err
    assert left(out) == ["one_each.csv"]


# --------------------------------------------------------------------------- report, datasets


def test_report_command(files, out, capsys):
    target = out / "report.html"
    code, stdout, _ = run(["report", files["tiny"], "-o", target, "--order", "order_id",
                           "--no-progress"], capsys)
    assert code == 0
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'charset="utf-8"' in page
    assert 'id="clv"' in page and "BG/NBD" in page
    assert "wrote" in stdout and left(out) == ["report.html"]


def test_datasets_still_work(out, capsys):
    code, stdout, _ = run(["datasets"], capsys)
    assert code == 0 and "retail_transactions" in stdout
    target = out / "leads.parquet"
    code, stdout, _ = run(["datasets", "--export", "leads", "-o", target], capsys)
    assert code == 0 and len(pd.read_parquet(target)) == len(crmlab.load_data("leads"))


# --------------------------------------------------------------------------- bad input


def test_missing_column_names_it(files, out, capsys):
    code, _, err = run(["rfm", files["small"], "-o", out / "rfm.csv", "--customer", "cust",
                        "--no-progress"], capsys)
    assert code == 2
    assert "no column 'cust'" in err and "customer_id" in err
    assert len(err.strip().splitlines()) == 1  # one paragraph, no traceback
    assert left(out) == []


def test_missing_column_in_a_subprocess(files, out):
    done = subprocess.run([sys.executable, "-m", "crmlab.cli", "pyramid", str(files["small"]),
                           "-o", str(out / "p.csv"), "--amount", "revenue", "--no-progress"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "no column 'revenue'" in done.stderr and "Traceback" not in done.stderr
    assert left(out) == []


@pytest.fixture
def gbk_csv(tmp_path):
    path = tmp_path / "销售.csv"
    rows = ["客户编号,日期,金额,备注", "张三,2024/1/5,￥1200.50,首单", "张三,2024年2月6日,300,",
            "李四,2024-01-07,80,退货后重购", "李四,2024-01-09,-30,退货", ",2024-01-10,5,无客户"]
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("gbk"))
    return path


def test_gbk_csv_with_chinese_headers(gbk_csv, out, capsys):
    target = out / "rfm.csv"
    code, _, err = run(["rfm", gbk_csv, "-o", target, "--customer", "客户编号", "--date", "日期",
                        "--amount", "金额", "--scheme", "cn8", "--no-progress"], capsys)
    assert code == 0, err
    assert "encoding gb18030" in err and "missing customer_id: 1" in err
    got = pd.read_csv(target).set_index("customer_id")
    assert got.loc["张三", "monetary"] == 1500.5 and got.loc["张三", "frequency"] == 2
    # analysis date = the day after 2024-02-06; the return on 01-09 is not a purchase
    assert got.loc["李四", "monetary"] == 50.0 and got.loc["李四", "recency"] == 31


def test_gbk_csv_without_the_mapping(gbk_csv, out, capsys):
    code, _, err = run(["rfm", gbk_csv, "-o", out / "rfm.csv", "--no-progress"], capsys)
    assert code == 2 and "no column 'customer_id'" in err and "客户编号" in err
    assert left(out) == ["销售.csv"]


def test_empty_file(tmp_path, out, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, _, err = run(["rfm", empty, "-o", out / "rfm.csv", "--no-progress"], capsys)
    assert code == 2 and "empty" in err
    assert left(out) == ["empty.csv"]


def test_header_only_file(tmp_path, capsys):
    src = tmp_path / "header.csv"
    src.write_text("customer_id,order_date,amount\n")
    code, _, err = run(["pyramid", src, "--no-progress"], capsys)
    assert code == 2 and "no data rows" in err


def test_unknown_output_suffix_is_refused_before_any_work(out, capsys):
    # the input does not even exist: the suffix is checked first
    code, _, err = run(["rfm", out / "missing.csv", "-o", out / "rfm.json"], capsys)
    assert code == 2 and "'.json'" in err and ".csv, .parquet" in err
    code, _, err = run(["report", out / "missing.csv", "-o", out / "report.pdf"], capsys)
    assert code == 2 and "'.pdf'" in err
    assert left(out) == []


def test_unknown_input_suffix(tmp_path, out, capsys):
    src = tmp_path / "tx.json"
    src.write_text("{}")
    code, _, err = run(["rfm", src, "-o", out / "rfm.csv", "--no-progress"], capsys)
    assert code == 2 and "tx.json" in err
    assert "rfm.csv" not in left(out)


def test_failed_write_leaves_nothing_and_keeps_the_old_file(out, monkeypatch):
    table = pd.DataFrame({"x": [1.0]}, index=pd.Index(["C1"], name="customer_id"))
    old = out / "rfm.csv"
    old.write_text("old content\n")

    def broken(self, path, *args, **kwargs):
        Path(path).write_text("half")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(OSError, match="disk full"):
        io.write_table(table, old)
    assert left(out) == ["rfm.csv"] and old.read_text() == "old content\n"
    with pytest.raises(CRMDataError, match="does not exist"):
        io.write_table(table, out / "nope" / "rfm.csv")
