"""Tests for crmlab.schema: require's messages and read_transactions on messy files.

Every messy file is written to ``tmp_path`` by the test that reads it, so what is
being read is visible next to what is asserted. Row labels in reports are the row
numbers a spreadsheet shows: the header is line 1 unless title lines sit above it.
"""

import gzip
import io
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmlab import CRMDataError
from crmlab.io import read_transactions, report
from crmlab.validation import require, show_rows

CANON = ["customer_id", "order_date", "amount"]


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read(src, **kwargs):
    """read_transactions without the drop warning, checked against the contract."""
    df = read_transactions(src, warn=False, **kwargs)
    check_contract(df)
    return df


def check_contract(df):
    rep = df.attrs["report"]
    assert rep["rows_in"] == rep["rows_out"] + sum(rep["dropped"].values())
    assert rep["rows_out"] == len(df)
    assert rep["dropped"].keys() == rep["dropped_rows"].keys()
    assert {k: len(v) for k, v in rep["dropped_rows"].items()} == rep["dropped"]
    labels = [x for rows in rep["dropped_rows"].values() for x in rows]
    assert len(labels) == len(set(labels))  # each dropped row has exactly one reason
    assert isinstance(df.index, pd.RangeIndex) and df.index.start == 0
    assert df["customer_id"].dtype == "str" and df["customer_id"].notna().all()
    assert pd.api.types.is_datetime64_dtype(df["order_date"]) and df["order_date"].notna().all()
    assert df["amount"].dtype == "float64" and np.isfinite(df["amount"]).all()
    if "order_id" in df:
        assert df["order_id"].dtype == "str"
    assert all(v > 0 for v in [*rep["cleaned"].values(), *rep["flagged"].values()])


# ---------------------------------------------------------------------------- require

def test_require_missing_column_suggests_closest():
    df = pd.DataFrame({"cust": ["a"], "date": ["2024-01-01"], "amount": [1.0]})
    with pytest.raises(CRMDataError, match=r"rfm_table: no column 'order_date'\. "
                       r"Columns present: cust, date, amount\. Did you mean date='date'\?"):
        require(df, {"order_date": "datetime"}, caller="rfm_table",
                params={"order_date": "date"})


def test_require_missing_column_without_close_name():
    df = pd.DataFrame({"x": [1]})
    with pytest.raises(CRMDataError, match=r"no column 'amount'.*for example amount='\.\.\.'"):
        require(df, {"amount": "number"}, caller="f", params={"amount": "amount"})


def test_require_non_numeric_amount_lists_rows():
    df = pd.DataFrame({"amount": ["1", "¥1,200", "3", "n/a", "12,50"]})
    with pytest.raises(CRMDataError, match=r"f: column 'amount' must be numeric; it has dtype "
                       r"str with 3 non-numeric values in rows 1, 3, 4 "
                       r"\('¥1,200', 'n/a', '12,50'\).*pd\.to_numeric"):
        require(df, {"amount": "number"}, caller="f")


def test_require_number_missing_and_infinite():
    with pytest.raises(CRMDataError, match=r"1 missing values in row 1\. Fill them"):
        require(pd.DataFrame({"a": [1.0, np.nan]}), {"a": "number"}, caller="f")
    with pytest.raises(CRMDataError, match=r"1 infinite values in row 0 \(inf\)"):
        require(pd.DataFrame({"a": [np.inf, 1.0]}), {"a": "number"}, caller="f")


def test_require_datetime_role_suggests_to_datetime():
    df = pd.DataFrame({"order_date": ["2024-01-05"]})
    with pytest.raises(CRMDataError, match=r"must hold dates \(datetime64\); it has dtype str "
                       r"\(first value '2024-01-05'\)\. Convert with "
                       r"pd\.to_datetime\(df\['order_date'\]\)"):
        require(df, {"order_date": "datetime"}, caller="f")


def test_require_bool_role():
    ok = pd.DataFrame({"flag": [True, False], "flag01": [0, 1]})
    assert require(ok, {"flag": "bool", "flag01": "bool"}, caller="f").shape == (2, 2)
    bad = pd.DataFrame({"flag": ["yes", "no", True]})
    with pytest.raises(CRMDataError, match=r"'flag' must be True/False \(or 0/1\); 2 values "
                       r"are not, in rows 0, 1 \('yes', 'no'\).*\.map\("):
        require(bad, {"flag": "bool"}, caller="f")


def test_require_ids_series_empty_and_copy():
    df = pd.DataFrame({"customer_id": ["a", None, "c"], "v": [1, 2, 3]})
    with pytest.raises(CRMDataError, match=r"1 missing ids in row 1\. Drop those rows"):
        require(df, {"customer_id": "id"}, caller="f")
    with pytest.raises(CRMDataError, match=r"got a Series\. Use series\.to_frame\(\)"):
        require(df["v"], {"v": "number"}, caller="f")
    with pytest.raises(CRMDataError, match=r"f: the table has no rows"):
        require(df.iloc[:0], {"v": "number"}, caller="f")
    out = require(df, {"v": "number"}, caller="f")
    out.loc[0, "v"] = 99
    assert df.loc[0, "v"] == 1  # a copy


def test_show_rows():
    assert show_rows([7]) == "row 7"
    assert show_rows(range(8), list("abcdefgh")) == (
        "rows 0, 1, 2, 3, 4, ... (8 in all) ('a', 'b', 'c', 'd', 'e')")


# ------------------------------------------------------------ read_transactions: files

def test_01_missing_column(tmp_path):
    path = write(tmp_path, "sales.csv", "cust,date,amount\nC1,2024-01-05,10\n")
    with pytest.raises(CRMDataError, match=r"read_transactions: no column 'order_date'\. "
                       r"Columns present: cust, date, amount\. Did you mean date='date'\? "
                       r"\(crmlab took the header from line 1 of sales\.csv"):
        read(path, customer="cust")
    with pytest.raises(CRMDataError, match=r"no column 'Amount'.*Did you mean amount='amount'"):
        read(pd.DataFrame({"customer_id": ["a"], "order_date": ["2024-01-01"], "amount": [1]}),
             amount="Amount")


def test_02_names_mapped_via_keywords(tmp_path):
    path = write(tmp_path, "orders.csv",
                 "member_no,bought_on,paid,ticket,channel,qty\n"
                 "007,2024-01-05,10.5,0001,app,2\n"
                 "008,2024-01-06,20,0002,store,1\n")
    df = read(path, customer="member_no", date="bought_on", amount="paid", order="ticket")
    assert list(df.columns) == ["customer_id", "order_date", "amount", "order_id", "channel", "qty"]
    assert df["customer_id"].tolist() == ["007", "008"]  # leading zeros kept
    assert df["order_id"].tolist() == ["0001", "0002"]
    assert df["channel"].tolist() == ["app", "store"] and df["qty"].dtype == "int64"
    assert df["amount"].tolist() == [10.5, 20.0]
    assert df.attrs["report"]["dropped"] == {}


@pytest.mark.parametrize(("text", "kwargs", "amounts", "cleaned"), [
    ('id,date,amount\nA,2024-01-05,"¥1,200.50"\nB,2024-01-06,￥30\nC,2024-01-07,RMB 5元\n',
     {}, [1200.5, 30.0, 5.0],
     {"amount: currency symbols removed": 3, "amount: spaces removed": 1,
      "amount: thousands separators removed": 1}),
    ("id;date;amount\nA;2024-01-05;1 200,50 €\nB;2024-01-06;€30\nC;2024-01-07;EUR1.200,5\n",
     {}, [1200.5, 30.0, 1200.5],
     {"amount: currency symbols removed": 3, "amount: spaces removed": 1,
      "amount: thousands separators removed": 1, "amount: decimal comma read": 2}),
    ("id;date;amount\nA;2024-01-05;¥1,200.50\nB;2024-01-06;(30.25)\nC;2024-01-07;−7\n",
     {"decimal": "."}, [1200.5, -30.25, -7.0],
     {"amount: currency symbols removed": 1, "amount: thousands separators removed": 1,
      "amount: (parentheses) read as negative": 1}),
])
def test_03_currency_strings(tmp_path, text, kwargs, amounts, cleaned):
    df = read(write(tmp_path, "money.csv", text), customer="id", date="date", **kwargs)
    assert df["amount"].tolist() == amounts
    assert df.attrs["report"]["cleaned"] == cleaned


def test_03_unparseable_amounts_raise_with_rows_and_fix(tmp_path):
    path = write(tmp_path, "bad.csv", 'id,date,amount\nA,2024-01-05,"12,50"\nB,2024-01-05,'
                 '5\nC,2024-01-05,about 3\nD,2024-01-05,"1,2,3"\n')
    with pytest.raises(CRMDataError, match=r"column 'amount' has 3 of 4 values that are not "
                       r"amounts, even after removing currency symbols, spaces and thousands "
                       r"separators: rows 2, 4, 5 \('12,50', 'about 3', '1,2,3'\) of bad\.csv\. "
                       r"They look like decimal commas: pass decimal=','"):
        read(path, customer="id", date="date")
    semi = write(tmp_path, "semi.csv", "id;date;amount\nA;2024-01-05;12.50\n")
    with pytest.raises(CRMDataError, match=r"row 2 \('12\.50'\) of semi\.csv\. They look like "
                       r"decimal points: pass decimal='\.'"):
        read(semi, customer="id", date="date")
    assert read(semi, customer="id", date="date", decimal=".")["amount"].tolist() == [12.5]


def test_04_mixed_date_formats(tmp_path):
    text = ("id,date,amount\nA,2024-01-05,1\nA,2024/1/6,1\nA,2024年1月7日,1\nA,20240108,1\n"
            "A,09.01.2024,1\nA,Jan 10 2024,1\nA,01/11/2024,1\nA,2024-01-12 13:45,1\n"
            "A,2024.1.13,1\nA,2024年1月14日 08:30,1\n")
    path = write(tmp_path, "dates.csv", text)
    # one ambiguous slashed date (01/11/2024) and no unambiguous one: the reader stops
    with pytest.raises(CRMDataError, match=r"column 'date' has dates such as row 8 "
                       r"\('01/11/2024'\) of dates\.csv that read as day/month/year or as "
                       r"month/day/year.*Pass dayfirst=True if 03/05/2024 means 3 May"):
        read(path, customer="id", date="date")
    df = read(path, customer="id", date="date", dayfirst=False)
    expected = pd.to_datetime(["2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08",
                               "2024-01-09", "2024-01-10", "2024-01-11", "2024-01-12 13:45",
                               "2024-01-13", "2024-01-14 08:30"], format="ISO8601")
    assert df["order_date"].tolist() == expected.tolist()
    assert df.attrs["report"]["cleaned"] == {"order_date: non-ISO dates read": 8}
    # dayfirst changes only the ambiguous slashed date, never year-first or dotted ones
    first = read(path, customer="id", date="date", dayfirst=True)["order_date"]
    assert first.tolist() == [*expected[:6], pd.Timestamp("2024-11-01"), *expected[7:]]


def test_04_unparseable_dates_dropped_or_all_bad_raise(tmp_path):
    path = write(tmp_path, "d.csv", "id,date,amount\nA,2024-01-05,1\nB,soon,2\nC,,3\n"
                 "D,2024-13-45,4\nE,5,5\n")
    rep = read(path, customer="id", date="date").attrs["report"]
    assert rep["dropped"] == {"missing order_date": 1, "unparseable order_date": 3}
    assert rep["dropped_rows"] == {"missing order_date": [4],
                                   "unparseable order_date": [3, 5, 6]}
    bad = write(tmp_path, "bad.csv", "id,when,amount\nA,tomorrow,1\nB,n.d.,2\n")
    with pytest.raises(CRMDataError, match=r"no value of column 'when' is a date crmlab can "
                       r"read: rows 2, 3 \('tomorrow', 'n\.d\.'\) of bad\.csv\. Accepted: "
                       r"2024-01-05 .*pass date_format= with its format, e\.g\. "
                       r"date_format='%d/%m/%Y'"):
        read(bad, customer="id", date="when")


def test_05_gbk_csv_with_chinese_headers_and_values(tmp_path):
    text = ("客户编号,日期,金额,备注\n"
            "C001,2024-01-05,\"￥1,200.50\",张三\n"
            "C002,2024年1月6日,30元,退货\n"
            ",2024-01-07,12,李四\n")
    path = write(tmp_path, "导出.csv", text, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # really GBK
    df = read(path, customer="客户编号", date="日期", amount="金额")
    assert df["customer_id"].tolist() == ["C001", "C002"]
    assert df["备注"].tolist() == ["张三", "退货"]
    assert df["amount"].tolist() == [1200.5, 30.0]
    rep = df.attrs["report"]
    assert rep["dropped_rows"] == {"missing customer_id": [4]}
    assert "encoding gb18030 (GBK)" in rep["notes"][0]
    # the same table saved as UTF-8 with a BOM ("CSV UTF-8" in Excel) reads the same
    bom = read(write(tmp_path, "bom.csv", text, encoding="utf-8-sig"),
               customer="客户编号", date="日期", amount="金额")
    pd.testing.assert_frame_equal(bom, df)
    assert "encoding utf-8 with BOM" in bom.attrs["report"]["notes"][0]


def test_05_explicit_and_undecodable_encodings(tmp_path):
    latin = write(tmp_path, "latin.csv", "id,date,amount,city\nA,2024-01-05,1,Zürich\n",
                  encoding="cp1252")
    # cp1252 bytes happen to be valid GB18030 too; charset-normalizer (restricted to the
    # encodings exports come in) tells them apart, and the report says so
    detected = read(latin, customer="id", date="date")
    assert detected["city"].tolist() == ["Zürich"]
    assert ("encoding cp1252 (detected by charset-normalizer, confidence 1.00)"
            in detected.attrs["report"]["notes"][0])
    assert detected.attrs["report"]["encoding"]["name"] == "cp1252"
    assert read(latin, customer="id", date="date", encoding="cp1252")["city"].tolist() == [
        "Zürich"]
    with pytest.raises(CRMDataError, match=r"cannot decode latin\.csv as 'ascii'"):
        read(latin, customer="id", date="date", encoding="ascii")
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"id,date,amount\nA,2024-01-05,1\x80\n")
    with pytest.raises(CRMDataError, match=r"junk\.csv is not UTF-8 \(bad byte at position "
                       r"29\), and charset-normalizer's best guess, cp1252, has confidence "
                       r"0\.93 \(below 0\.95\): too low to trust\. Pass the encoding"):
        read(junk)
    utf16 = write(tmp_path, "u16.txt", "id\tdate\tamount\nA\t2024-01-05\t1\n", encoding="utf-16")
    assert read(utf16, customer="id", date="date")["customer_id"].tolist() == ["A"]


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", "\ufeff".encode()])
def test_06_empty_file(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(CRMDataError, match=r"empty\.csv is empty: no header, no rows"):
        read(path)


def test_06_header_only(tmp_path):
    path = write(tmp_path, "head.csv", "customer_id,order_date,amount\n\n\n")
    with pytest.raises(CRMDataError, match=r"head\.csv has a header but no data rows "
                       r"\(columns: customer_id, order_date, amount\)"):
        read(path)
    with pytest.raises(CRMDataError, match=r"the DataFrame has a header but no data rows"):
        read(pd.DataFrame(columns=CANON))


def test_07_exact_duplicates_dropped_and_reported(tmp_path):
    text = ("customer_id,order_date,amount,note\n"
            "A,2024-01-05,10,x\n"     # line 2
            "A,2024-01-05,10,x\n"     # 3: duplicate of 2
            "A,2024-01-05,10,y\n"     # 4: differs in note -> kept
            "B,2024-01-06,5,\n"       # 5
            "A,2024-01-05,10,x\n"     # 6: duplicate of 2
            "B,2024-01-06,5,\n"       # 7: duplicate of 5
            "B,2024/1/6,5,\n")        # 8: same date written differently -> not exact
    with pytest.warns(UserWarning, match=r"dropped 3 of 7 rows of dups\.csv \(3 duplicate "
                      r"row\)\. See crmlab\.io\.report\(result\).*warn=False"):
        df = read_transactions(write(tmp_path, "dups.csv", text))
    check_contract(df)
    assert df.attrs["report"]["dropped_rows"] == {"duplicate row": [3, 6, 7]}
    assert len(df) == 4 and df["note"].tolist()[:2] == ["x", "y"]


def test_08_negative_and_zero_amounts_kept_and_flagged(tmp_path):
    text = "customer_id,order_date,amount\nA,2024-01-05,10\nA,2024-01-06,-10\nB,2024-01-07,0\n" \
           "B,2024-01-08,-2.5\nC,2024-01-09,0.00\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing dropped: no warning even with warn=True
        df = read_transactions(write(tmp_path, "returns.csv", text))
    check_contract(df)
    assert df["amount"].tolist() == [10.0, -10.0, 0.0, -2.5, 0.0]
    assert df.attrs["report"]["flagged"] == {"negative amount (return)": 2, "zero amount": 2}
    assert df.attrs["report"]["dropped"] == {}


def test_09_future_dates(tmp_path):
    path = write(tmp_path, "f.csv", "customer_id,order_date,amount\nA,2024-06-30,1\n"
                 "A,2024-06-30 23:59,1\nB,2024-07-01,2\nC,2999-01-01,3\n")
    kept = read(path, as_of="2024-06-30", future="keep")
    assert len(kept) == 4
    assert kept.attrs["report"]["flagged"] == {"future order_date (after 2024-06-30)": 2}
    # the default: future rows are left out and reported, so they cannot move an analysis
    dropped = read(path, as_of="2024-06-30")
    assert dropped.attrs["report"]["dropped_rows"] == {"future order_date": [4, 5]}
    assert "2 rows dated after 2024-06-30 (as_of) left out" in report(dropped)
    today = read(path)  # as_of defaults to today: only the year 2999 is in the future
    assert today.attrs["report"]["dropped_rows"] == {"future order_date": [5]}
    with pytest.raises(CRMDataError, match=r"read_transactions: 1 rows of f\.csv are dated "
                       r"after .* \(as_of, default today\): row 5 \('2999-01-01'\)\. "
                       r"Correct them, or pass future='drop'"):
        read(path, future="error")
    with pytest.raises(CRMDataError, match=r"future='later' is not one of 'error', 'drop', "
                       r"'keep'"):
        read(path, future="later")


def test_10_missing_ids_dropped_with_row_numbers(tmp_path):
    text = ("customer_id,order_date,amount\nA,2024-01-05,1\n,2024-01-05,2\n"
            "   ,2024-01-06,3\nNA,2024-01-07,4\n,,\n  B  ,2024-01-08,5\n,,\n\n")
    df = read(write(tmp_path, "ids.csv", text))
    rep = df.attrs["report"]
    # an empty row inside the table is dropped; blank lines after the last row are not rows
    assert rep["rows_in"] == 6
    assert rep["dropped"] == {"empty row": 1, "missing customer_id": 3}
    assert rep["dropped_rows"] == {"empty row": [6], "missing customer_id": [3, 4, 5]}
    assert df["customer_id"].tolist() == ["A", "B"]
    assert rep["cleaned"] == {"customer_id: spaces stripped": 1}
    assert "missing customer_id: 3 (rows 3, 4, 5)" in report(df)


def test_11_excel_with_title_rows(tmp_path):
    path = tmp_path / "report.xlsx"
    data = pd.DataFrame({
        "客户": ["C1", "C2", None, "C3", "C3"],
        "日期": [pd.Timestamp("2024-01-05"), "2024/1/6", "2024-01-07", 20240108, 20240108],
        "金额": [1200.5, "￥30", 5, -1, -1],
        "门店": ["北京", "上海", "广州", "深圳", "深圳"],
    })
    with pd.ExcelWriter(path) as writer:
        data.to_excel(writer, sheet_name="销售", startrow=3, index=False)
        writer.sheets["销售"]["A1"] = "2024年销售明细"
        writer.sheets["销售"]["A2"] = "单位：元"
        data.iloc[:1].to_excel(writer, sheet_name="other", index=False)
    df = read(path, customer="客户", date="日期", amount="金额")
    assert df["customer_id"].tolist() == ["C1", "C2", "C3"]
    assert df["order_date"].tolist() == list(pd.to_datetime(["2024-01-05", "2024-01-06",
                                                             "2024-01-08"]))
    assert df["amount"].tolist() == [1200.5, 30.0, -1.0]
    assert df["门店"].tolist() == ["北京", "上海", "深圳"]
    rep = df.attrs["report"]
    # header on Excel row 4, data from row 5: the None id is row 7, the duplicate row 9
    assert rep["dropped_rows"] == {"missing customer_id": [7], "duplicate row": [9]}
    assert rep["notes"] == ["read sheet '销售' of report.xlsx: header on row 4 "
                            "(3 rows above it skipped)"]
    assert len(read(path, sheet="other", customer="客户", date="日期", amount="金额")) == 1
    with pytest.raises(CRMDataError, match=r"report\.xlsx has no sheet 'nope'; its sheets are "
                       r"\['销售', 'other'\]"):
        read(path, sheet="nope", customer="客户", date="日期", amount="金额")
    with pytest.raises(CRMDataError, match=r"no column '客户编号'\. Columns present: 客户, 日期, "
                       r"金额, 门店\. Did you mean customer='客户'\?.*from row 4 of report\.xlsx"):
        read(path, customer="客户编号", date="日期", amount="金额")


def test_11_excel_empty_and_damaged(tmp_path):
    empty = tmp_path / "empty.xlsx"
    pd.DataFrame().to_excel(empty)
    with pytest.raises(CRMDataError, match=r"sheet 'Sheet1' of empty\.xlsx is empty"):
        read(empty)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(CRMDataError, match=r"cannot read 'broken\.xlsx' as Excel"):
        read(broken)


@pytest.mark.parametrize(("name", "sep", "eol"), [
    ("semi.csv", ";", "\n"), ("crlf.csv", ";", "\r\n"), ("tab.tsv", "\t", "\n"),
    ("tab.txt", "\t", "\r\n"), ("pipe.csv", "|", "\n")])
def test_12_delimiters(tmp_path, name, sep, eol):
    rows = [["customer_id", "order_date", "amount", "city"], ["A", "2024-01-05", "1200", "x, y"],
            ["B", "2024-01-06", "3", "z"]]
    path = write(tmp_path, name, "".join(sep.join(r) + eol for r in rows))
    df = read(path)
    assert df["amount"].tolist() == [1200.0, 3.0]
    assert df["city"].tolist() == ["x, y", "z"]


def test_title_lines_above_csv_header_and_explicit_sep(tmp_path):
    text = "Sales export\nfrom: shop; to: HQ\n\nid;date;amount\nA;2024-01-05;1,5\n"
    path = write(tmp_path, "t.csv", text)
    df = read(path, customer="id", date="date")
    assert df["amount"].tolist() == [1.5]
    assert df.attrs["report"]["notes"][0].endswith("header on line 4 (3 lines above it skipped)")
    assert read(path, customer="id", date="date", sep=";")["amount"].tolist() == [1.5]


def test_too_many_fields_names_the_rows(tmp_path):
    path = write(tmp_path, "c.csv", "id,date,amount\nA,2024-01-05,12,50\nB,2024-01-05,3\n")
    with pytest.raises(CRMDataError, match=r"row 2 of c\.csv has more fields than the header "
                       r"\(3, split at ','\)\. Is ',' also used inside values"):
        read(path, customer="id", date="date")


def test_parquet_and_gzip(tmp_path):
    frame = pd.DataFrame({"cust": [1001, 1002, 1002], "amount": [1, 2, 2],
                          "date": pd.to_datetime(["2024-01-05 10:00"] * 3).tz_localize("UTC")})
    frame.to_parquet(tmp_path / "t.parquet")
    df = read(tmp_path / "t.parquet", customer="cust", date="date")
    assert df["customer_id"].tolist() == ["1001", "1002"]
    assert df["order_date"].tolist() == [pd.Timestamp("2024-01-05 10:00")] * 2
    assert df.attrs["report"]["dropped_rows"] == {"duplicate row": [2]}  # 0-based position
    assert df.attrs["report"]["cleaned"] == {"order_date: time zone removed": 2}
    gz = tmp_path / "t.csv.gz"
    gz.write_bytes(gzip.compress(b"customer_id,order_date,amount\nA,2024-01-05,1\n"))
    assert read(gz)["amount"].tolist() == [1.0]


def test_dataframe_input_left_unmodified():
    raw = pd.DataFrame({" cust ": [1.0, np.nan, 3.0, 3.0],
                        "order_date": ["2024-01-05", "2024-01-06", "2024/1/7", "2024/1/7"],
                        "amount": ["¥10", "5", "(2)", "(2)"], "extra": [1, 2, 3, 3]},
                       index=["r1", "r2", "r3", "r4"])
    raw.attrs["origin"] = "crm export"
    before = raw.copy()
    df = read(raw, customer="cust")
    pd.testing.assert_frame_equal(raw, before)
    assert raw.attrs == {"origin": "crm export"}
    assert df["customer_id"].tolist() == ["1", "3"]  # 1.0 -> "1"
    assert df["amount"].tolist() == [10.0, -2.0]
    rep = df.attrs["report"]
    assert rep["dropped_rows"] == {"missing customer_id": ["r2"], "duplicate row": ["r4"]}
    assert rep["cleaned"]["column names: spaces stripped"] == 1


def test_exported_at_top_level():
    import crmlab

    assert crmlab.read_transactions is read_transactions
    assert issubclass(CRMDataError, ValueError)


def test_string_buffer_input():
    df = read(io.StringIO("customer_id,order_date,amount\nA,2024-01-05,1\n"))
    assert df.attrs["report"]["source"] == "the input"


def test_result_feeds_require():
    df = read(pd.DataFrame({"customer_id": ["a"], "order_date": ["2024-01-05"], "amount": [1]}))
    out = require(df, {"customer_id": "id", "order_date": "datetime", "amount": "number"},
                  caller="rfm_table")
    assert out.shape == (1, 3)


def test_file_errors(tmp_path):
    write(tmp_path, "sales.csv", "x\n")
    with pytest.raises(CRMDataError, match=r"file not found: '.*sales\.cvs'\. Did you mean "
                       r"'.*sales\.csv'\?"):
        read(tmp_path / "sales.cvs")
    with pytest.raises(CRMDataError, match=r"file not found: 'nowhere/x\.csv'\. Relative "
                       r"paths start from the working directory"):
        read("nowhere/x.csv")
    write(tmp_path, "data.json", "{}")
    with pytest.raises(CRMDataError, match=r"unsupported file type '\.json'\. crmlab reads "
                       r"CSV .*Excel .*Parquet"):
        read(tmp_path / "data.json")
    with pytest.raises(CRMDataError, match=r"expected a file path or a pandas DataFrame, "
                       r"got list"):
        read([1, 2])
    (tmp_path / "bad.parquet").write_bytes(b"nope")
    with pytest.raises(CRMDataError, match=r"cannot read 'bad\.parquet' as Parquet"):
        read(tmp_path / "bad.parquet")


def test_other_errors():
    df = pd.DataFrame({"customer_id": [None, None], "order_date": ["2024-01-05"] * 2,
                       "amount": [1, 2]})
    with pytest.raises(CRMDataError, match=r"no usable rows left in the DataFrame: all 2 were "
                       r"dropped \(2 missing customer_id\)"):
        read(df)
    both = pd.DataFrame({"cust": ["a"], "customer_id": ["b"], "order_date": ["2024-01-05"],
                         "amount": [1]})
    with pytest.raises(CRMDataError, match=r"customer='cust' would be renamed to "
                       r"'customer_id', but the DataFrame already has a column 'customer_id'"):
        read(both, customer="cust")
    with pytest.raises(CRMDataError, match=r"must name different columns"):
        read(both, customer="cust", order="cust")
    flags = pd.DataFrame({"customer_id": ["a"], "order_date": ["2024-01-05"], "amount": [True]})
    with pytest.raises(CRMDataError, match=r"amount column 'amount' holds True/False"):
        read(flags)
    with pytest.raises(ValueError, match=r"decimal must be"):
        read(flags, decimal=";")


def test_missing_amount_and_order_id_dropped():
    df = read(pd.DataFrame({"customer_id": list("abcd"), "order_date": ["2024-01-05"] * 4,
                            "amount": ["1", None, " ", "2"], "oid": [1, 2, 3, None]}),
              order="oid")
    rep = df.attrs["report"]
    assert rep["dropped_rows"] == {"missing order_id": [3], "missing amount": [1, 2]}
    assert df["order_id"].tolist() == ["1"]


def test_repeated_order_ids_are_kept_and_noted():
    df = read(pd.DataFrame({"customer_id": ["a", "a"], "order_date": ["2024-01-05"] * 2,
                            "amount": [1, 2], "order_id": ["o1", "o1"]}), order="order_id")
    assert len(df) == 2
    assert df.attrs["report"]["notes"][-1].startswith("order_id: 1 rows repeat an order id")


def test_report_text_and_error():
    df = read(pd.DataFrame({"customer_id": ["a", None], "order_date": ["2024-01-05"] * 2,
                            "amount": ["-¥3", "1"]}))
    assert report(df).splitlines() == [
        "the DataFrame: 2 rows in, 1 rows out, 1 dropped",
        "dropped:", "  missing customer_id: 1 (row 1)",
        "cleaned:", "  amount: currency symbols removed: 1",
        "flagged (kept):", "  negative amount (return): 1",
        "notes:", "  read from a DataFrame (row labels are its index)",
    ]
    with pytest.raises(CRMDataError, match=r"report: this table carries no read report"):
        report(pd.DataFrame({"a": [1]}))


# ---------------------------------------------------------------------- property test

IDS = ["C1", "C2", " C3 ", None, "", "  "]
DATES = ["2024-01-05", "2024/1/6", "2024年1月7日", "20240108", "09.01.2024", "bad", None,
         "2999-01-01"]
AMOUNTS = [1.0, "¥1,200.50", "RMB30", "-5", "0", None, "(7)", " 12 ", "－8", "5.5-"]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(st.sampled_from(IDS), st.sampled_from(DATES),
                               st.sampled_from(AMOUNTS), st.integers(0, 2)),
                     min_size=1, max_size=30),
       via_csv=st.booleans(), future=st.sampled_from(["keep", "drop"]))
def test_row_accounting_on_random_messy_frames(rows, via_csv, future):
    raw = pd.DataFrame(rows, columns=["cust", "date", "amount", "x"], dtype=object)
    before = raw.copy()
    src = io.StringIO(raw.to_csv(index=False)) if via_csv else raw
    try:
        df = read_transactions(src, customer="cust", date="date", future=future, warn=False)
    except CRMDataError as e:  # only when nothing usable is left or no date is readable
        assert "no usable rows" in str(e) or "is a date crmlab can read" in str(e)
        return
    finally:
        pd.testing.assert_frame_equal(raw, before)
    check_contract(df)
    rep = df.attrs["report"]
    assert rep["rows_in"] == len(rows)
    usable = [r for r in rows if r[0] and r[0].strip() and r[1] not in ("bad", None)
              and r[2] is not None and (future == "keep" or r[1] != "2999-01-01")]
    assert rep["rows_out"] == len({(r[0], r[1], str(r[2]), r[3]) for r in usable})
