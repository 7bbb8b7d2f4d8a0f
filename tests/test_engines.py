"""Engines: the same metric definitions give identical results on pandas, DuckDB and Spark.

The RFM table, the value per customer (-> pyramid tiers, Gini), the buy-till-you-die
summary and the cohort retention table are computed on the bundled data written to
Parquet and CSV, on hand-made logs with ties and returns, and compared with
``pd.testing.assert_frame_equal``: integers exactly, money exactly after rounding to
cents. The Spark tests share one local
SparkSession (session-scoped fixture) and skip with a reason when PySpark or Java is
missing; DuckDB tests skip when duckdb is missing.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crmlab
from crmlab import CRMDataError, clv, engines, pyramid, rfm, satisfaction

HAS_DUCKDB = importlib.util.find_spec("duckdb") is not None
needs_duckdb = pytest.mark.skipif(
    not HAS_DUCKDB, reason="duckdb is not installed (pip install 'crmlab[scale]')")
needs_spark = pytest.mark.skipif(
    not engines.spark_available(),
    reason="PySpark or a Java runtime is not installed (pip install 'crmlab[scale]', Java 17)")

SQL_ENGINES = [pytest.param("duckdb", marks=needs_duckdb),
               pytest.param("spark", marks=needs_spark)]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def spark():
    """One local SparkSession for the whole run (the JVM takes ~30 s to start)."""
    if not engines.spark_available():
        pytest.skip("PySpark or a Java runtime is not installed")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas",
                                category=FutureWarning)
        session = engines.local_spark("crmlab-tests")
    # tiny test data: one shuffle partition, no code generation (compiling costs more)
    session.conf.set("spark.sql.shuffle.partitions", "1")
    session.conf.set("spark.sql.codegen.wholeStage", "false")
    yield session
    session.stop()


@pytest.fixture
def engine(request):
    """The engine name; asking for "spark" starts (or reuses) the shared session."""
    if request.param == "spark":
        request.getfixturevalue("spark")
    return request.param


@pytest.fixture(scope="module")
def retail():
    return crmlab.load_data("retail_transactions")


@pytest.fixture(scope="module")
def cdnow():
    return crmlab.load_data("cdnow_sample")


@pytest.fixture(scope="module")
def files(tmp_path_factory, retail, cdnow):
    folder = tmp_path_factory.mktemp("engines")
    out = {
        "retail.parquet": folder / "retail.parquet",
        "retail.csv": folder / "retail.csv",
        "cdnow.parquet": folder / "cdnow.parquet",
        "cdnow.csv": folder / "cdnow.csv",
        "hand.parquet": folder / "hand.parquet",
    }
    retail.to_parquet(out["retail.parquet"])
    retail.to_csv(out["retail.csv"], index=False)
    cdnow.to_parquet(out["cdnow.parquet"])
    cdnow.to_csv(out["cdnow.csv"], index=False)
    _hand().to_parquet(out["hand.parquet"])
    return out


def _hand() -> pd.DataFrame:
    """Ties (a and c: recency 1, monetary 150), returns, an order in two lines (o1),
    a zero-amount order (d) and a customer with only a return (f)."""
    return pd.DataFrame({
        "customer_id": ["a", "a", "a", "b", "b", "c", "c", "d", "e", "e", "f"],
        "order_id": ["o1", "o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8", "o9", "o10"],
        "order_date": pd.to_datetime([
            "2024-01-01", "2024-01-01 18:30", "2024-01-10", "2024-01-05", "2024-01-08",
            "2024-01-10", "2024-01-10", "2024-01-09", "2024-01-02", "2024-01-03",
            "2024-01-04"], format="ISO8601"),
        "amount": [60.0, 40.0, 50.0, 80.0, -30.0, 75.0, 75.0, 0.0, 150.0, -0.5, -20.0],
    })


def _cents(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """Round money to cents. Means (BTYD monetary_value) are snapped to 8 decimals
    first, so last-bit differences cannot flip a half-cent tie."""
    return frame.assign(**{c: frame[c].round(8).round(2) for c in columns})


def _same(a: pd.DataFrame, b: pd.DataFrame, money=()) -> None:
    a, b = a.sort_index(), b.sort_index()
    pd.testing.assert_frame_equal(_cents(a, money), _cents(b, money), check_exact=True)
    assert a.attrs == b.attrs


# --------------------------------------------------------------------------- RFM


def _expected_hand(order: bool) -> pd.DataFrame:
    table = pd.DataFrame(
        {"recency": [1, 6, 1, 2, 9],
         "frequency": [2 if order else 3, 1, 2, 1, 1],
         "monetary": [150.0, 50.0, 150.0, 0.0, 149.5]},
        index=pd.Index(["a", "b", "c", "d", "e"], name="customer_id"))
    return table


@pytest.mark.parametrize("engine", ["pandas", *SQL_ENGINES], indirect=True)
def test_rfm_hand_log_every_engine(engine, files):
    spark = engine == "spark"  # fewer Spark jobs: each one costs a second or two
    for source in (_hand(),) if spark else (_hand(), files["hand.parquet"]):
        for order in ("order_id",) if spark else (None, "order_id"):
            table = rfm.rfm_table(source, order=order, engine=engine)
            pd.testing.assert_frame_equal(table, _expected_hand(order is not None),
                                          check_exact=True)
            assert table.attrs == {
                "analysis_date": pd.Timestamp("2024-01-11"),
                "returns": {"mode": "net", "rows": 3, "amount": -50.5},
                "dropped": {"customers with only returns": 1},
            }
    if not spark:
        ignored = rfm.rfm_table(_hand(), returns="ignore", engine=engine)
        assert ignored["monetary"].tolist() == [150.0, 80.0, 150.0, 0.0, 150.0]
        assert ignored.attrs["dropped"] == {"returns": 3}
    late = rfm.rfm_table(_hand(), analysis_date="2024-01-08", future="drop", engine=engine)
    assert late.index.tolist() == ["a", "b", "e"]  # c and d bought only after 2024-01-08
    assert late.to_dict("list") == {"recency": [7, 3, 6], "frequency": [2, 1, 1],
                                    "monetary": [100.0, 50.0, 149.5]}
    assert late.attrs["dropped"] == {"after analysis_date": 4, "customers with only returns": 1}
    with pytest.raises(CRMDataError, match="dated after the analysis date 2024-01-08"):
        rfm.rfm_table(_hand(), analysis_date="2024-01-08", engine=engine)


@needs_duckdb
@pytest.mark.parametrize("options", [
    {},
    {"order": "order_id"},
    {"returns": "ignore"},
    {"analysis_date": "2025-06-30", "future": "drop"},
])
def test_rfm_duckdb_equals_pandas_on_retail(retail, files, options):
    expected = rfm.rfm_table(retail, **options)
    for source in (retail, files["retail.parquet"], files["retail.csv"]):
        _same(expected, rfm.rfm_table(source, engine="duckdb", **options), money=["monetary"])
    # the pandas engine reads the files too
    _same(expected, rfm.rfm_table(files["retail.csv"], engine="pandas", **options),
          money=["monetary"])


@needs_spark
def test_rfm_spark_equals_pandas_on_retail(spark, retail, tmp_path):
    """On the retailer's real log: its first 20,000 rows (the Spark jobs cost seconds each)."""
    part = retail.head(20_000)
    part.to_parquet(tmp_path / "retail.parquet")
    part.to_csv(tmp_path / "retail.csv", index=False)
    expected = rfm.rfm_table(part, order="order_id")
    _same(expected, rfm.rfm_table(tmp_path / "retail.parquet", order="order_id",
                                  engine="spark"), money=["monetary"])
    sdf = spark.read.csv(str(tmp_path / "retail.csv"), header=True)
    _same(expected, rfm.rfm_table(sdf, order="order_id"), money=["monetary"])  # auto: spark


@needs_duckdb
def test_rfm_scores_identical_across_engines(retail, files):
    """Money rounded to cents -> the same quintiles (ties by customer id) everywhere."""
    a = rfm.rfm_scores(rfm.rfm_table(retail))
    b = rfm.rfm_scores(rfm.rfm_table(files["retail.parquet"], engine="duckdb"))
    pd.testing.assert_frame_equal(a, b, check_exact=True)


# --------------------------------------------------------------------------- pyramid


def _pyramid(values: pd.Series, profits: pd.Series) -> dict:
    return {
        "su": pyramid.pyramid_tiers(values),
        "curry": pyramid.pyramid_tiers(values, "curry"),
        "zeithaml": pyramid.pyramid_tiers(profits, "zeithaml"),
        "gini": pyramid.gini(values.clip(lower=0)),
    }


@pytest.mark.parametrize("engine", SQL_ENGINES, indirect=True)
def test_customer_values_tiers_and_gini_identical(engine, retail, files):
    values = pyramid.customer_values(retail)
    profits = pyramid.customer_values(retail, amount="gross_profit", cost="cost_to_serve")
    expected = _pyramid(values, profits)
    assert (profits < 0).any()  # some customers lose money: zeithaml's lead tier is used
    sources = [files["retail.parquet"]] + ([files["retail.csv"], retail]
                                           if engine == "duckdb" else [])
    for source in sources:
        v = pyramid.customer_values(source, engine=engine)
        p = pyramid.customer_values(source, amount="gross_profit", cost="cost_to_serve",
                                    engine=engine)
        pd.testing.assert_series_equal(v, values, check_exact=True)
        pd.testing.assert_series_equal(p, profits, check_exact=True)
        got = _pyramid(v, p)
        for scheme in ("su", "curry", "zeithaml"):
            pd.testing.assert_series_equal(got[scheme], expected[scheme])
        assert got["gini"] == expected["gini"]


def test_customer_values_pandas_hand():
    values = pyramid.customer_values(_hand())
    assert values.to_dict() == {"a": 150.0, "b": 50.0, "c": 150.0, "d": 0.0, "e": 149.5,
                                "f": -20.0}
    # ties (a, c) broken by customer id, the same on every engine
    assert pyramid.pyramid_tiers(values, shares=(0.2, 0.8), names=("top", "rest")).tolist() \
        == ["top", "rest", "top", "rest", "rest", "rest"]


# --------------------------------------------------------------------------- BTYD


BTYD_OPTIONS = [
    {"amount": "amount"},
    {},
    {"amount": "amount", "freq": "W"},
    {"amount": "amount", "unit": "W", "observation_end": "1997-09-30"},
    {"amount": "amount", "freq": "W", "observation_end": "1997-09-30"},
]


@needs_duckdb
@pytest.mark.parametrize("options", BTYD_OPTIONS)
def test_btyd_summary_duckdb_equals_pandas(cdnow, files, options):
    expected = clv.summary_from_transactions(cdnow, **options)
    money = ["monetary_value"] if "amount" in options else []
    for source in (cdnow, files["cdnow.parquet"], files["cdnow.csv"]):
        got = clv.summary_from_transactions(source, engine="duckdb", **options)
        _same(expected, got, money=money)
        # last-bit differences only
        if money:
            np.testing.assert_allclose(got["monetary_value"], expected["monetary_value"],
                                       rtol=1e-12, atol=1e-9)


@needs_spark
def test_btyd_summary_spark_equals_pandas(spark, cdnow, files):
    for options in (BTYD_OPTIONS[4],):
        expected = clv.summary_from_transactions(cdnow, **options)
        got = clv.summary_from_transactions(files["cdnow.parquet"], engine="spark", **options)
        _same(expected, got, money=["monetary_value"])


@pytest.mark.parametrize("engine", ["pandas", *SQL_ENGINES], indirect=True)
def test_btyd_hand_log(engine):
    log = pd.DataFrame({
        "customer_id": ["a", "a", "a", "a", "b"],
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-08",
                                      "2024-01-15", "2024-02-10"]),
        "amount": [10.0, 5.0, 20.0, 40.0, 8.0]})
    s = clv.summary_from_transactions(log, amount="amount", observation_end="2024-01-31",
                                      engine=engine)
    assert s.to_dict("index") == {"a": {"frequency": 2.0, "recency": 14.0, "T": 30.0,
                                        "monetary_value": 30.0}}
    assert s.attrs["dropped"] == {"purchases after observation_end": 1,
                                  "customers first seen after observation_end": 1}


# --------------------------------------------------------------------------- cohorts


def _cohort_log() -> pd.DataFrame:
    """Four months: a return before the first purchase (c), a return the month after
    (b), a zero-amount purchase (c, March), a customer with only a return (d), a
    purchase at 23:59 on the last day of the last month (a) and a leap day (c)."""
    rows = [("a", "2024-01-05", 10.0), ("a", "2024-01-20", 5.0), ("a", "2024-02-03", 7.0),
            ("a", "2024-04-30 23:59", 3.0), ("b", "2024-01-31", 8.0),
            ("b", "2024-02-01", -8.0), ("b", "2024-03-15", 4.0), ("c", "2024-01-10", -2.0),
            ("c", "2024-02-29", 20.0), ("c", "2024-03-01", 0.0), ("d", "2024-03-03", -5.0),
            ("e", "2024-04-01", 9.0)]
    log = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    return log.assign(order_date=pd.to_datetime(log["order_date"], format="ISO8601"))


#: Cohort counts of _cohort_log, by hand: a bought in months 0, 1, 3 of January, b in
#: 0 and 2, c (February) in 0 and 1, e (April) in 0; nobody's first purchase was in March.
COHORT_COUNTS = pd.DataFrame(
    {0: [2, 1, 1], 1: [1, 1, pd.NA], 2: [1, 0, pd.NA], 3: [1, pd.NA, pd.NA]},
    index=pd.Index(["2024-01", "2024-02", "2024-04"], name="cohort"), dtype="Int64")


@pytest.mark.parametrize("engine", ["pandas", *SQL_ENGINES[:1]], indirect=True)
def test_cohort_table_hand_log(engine, tmp_path):
    log = _cohort_log()
    path = tmp_path / "log.parquet"
    log.to_parquet(path)
    for source in (log, path):
        counts = satisfaction.cohort_table(source, share=False, engine=engine)
        pd.testing.assert_frame_equal(counts, COHORT_COUNTS, check_column_type=False)
        assert counts.attrs == {"rows": 12, "used": 9, "dropped": {"returns": 3},
                                "last_month": "2024-04", "share": False}
    shares = satisfaction.cohort_table(log, engine=engine)
    assert shares.loc["2024-01"].tolist() == [1.0, 0.5, 0.5, 0.5]
    every_row = satisfaction.cohort_table(log.drop(columns="amount"), amount=None,
                                          share=False, engine=engine)
    assert every_row.index.tolist() == ["2024-01", "2024-03", "2024-04"]  # d's row buys
    assert every_row.attrs["used"] == 12 and every_row.attrs["dropped"] == {}
    with pytest.raises(CRMDataError, match="no purchase rows"):
        satisfaction.cohort_table(log.assign(amount=-1.0), engine=engine)


@needs_duckdb
def test_cohort_table_duckdb_equals_pandas_on_retail(retail, files):
    expected = satisfaction.cohort_table(retail, share=False)
    assert expected.shape == (24, 24) and expected.attrs["dropped"] == {"returns": 3966}
    for source in (files["retail.parquet"], files["retail.csv"]):
        _same(expected, satisfaction.cohort_table(source, share=False, engine="duckdb"))
    _same(satisfaction.cohort_table(retail), satisfaction.cohort_table(retail, engine="duckdb"))


@needs_duckdb
def test_cohort_table_sql_errors_name_the_column():
    log = _cohort_log().astype({"customer_id": object})
    log.loc[2, "customer_id"] = None
    with pytest.raises(CRMDataError, match="cohort_table: column 'customer_id' has 1 missing"):
        satisfaction.cohort_table(log, engine="duckdb")
    log = _cohort_log()
    log.loc[[1, 4], "amount"] = np.nan
    with pytest.raises(CRMDataError, match="column 'amount' has 2 missing values; fill"):
        satisfaction.cohort_table(log, engine="duckdb")
    with pytest.raises(CRMDataError, match="cohort_table: no column 'day'.*Pass the right name"):
        satisfaction.cohort_table(_cohort_log(), date="day", engine="duckdb")
    with pytest.raises(CRMDataError, match="column 'order_date' must hold dates"):
        satisfaction.cohort_table(_cohort_log().astype({"order_date": str}), engine="duckdb")
    zoned = _cohort_log().assign(order_date=lambda d: d["order_date"].dt.tz_localize("UTC"))
    with pytest.raises(CRMDataError, match="'order_date' carries a time zone.*tz_localize"):
        satisfaction.cohort_table(zoned, engine="duckdb")


@needs_spark
def test_cohort_table_spark_hand_log(spark):
    """One Spark job set (each costs seconds); Spark runs the same text as DuckDB."""
    counts = satisfaction.cohort_table(_cohort_log(), share=False, engine="spark")
    pd.testing.assert_frame_equal(counts, COHORT_COUNTS, check_column_type=False)
    assert counts.attrs == {"rows": 12, "used": 9, "dropped": {"returns": 3},
                            "last_month": "2024-04", "share": False}


# --------------------------------------------------------------------------- DuckDB reads files


@needs_duckdb
def test_duckdb_reads_files_without_pandas(monkeypatch, retail, cdnow, files):
    expected_rfm = rfm.rfm_table(retail)
    expected_values = pyramid.customer_values(retail)
    expected_btyd = clv.summary_from_transactions(cdnow, amount="amount")

    def refuse(*args, **kwargs):
        raise AssertionError("pandas must not read the file")

    for name in ("read_parquet", "read_csv", "read_table"):
        monkeypatch.setattr(pd, name, refuse)
    for kind in ("parquet", "csv"):
        _same(expected_rfm, rfm.rfm_table(files[f"retail.{kind}"], engine="duckdb"),
              money=["monetary"])
        pd.testing.assert_series_equal(
            pyramid.customer_values(files[f"retail.{kind}"], engine="duckdb"), expected_values)
        _same(expected_btyd, clv.summary_from_transactions(
            files[f"cdnow.{kind}"], amount="amount", engine="duckdb"), money=["monetary_value"])


@needs_duckdb
def test_engine_chosen_by_file_size(monkeypatch, retail, files):
    path = files["retail.parquet"]
    size = path.stat().st_size
    assert engines.AUTO_DUCKDB_BYTES == 200 * 1024**2
    assert engines.choose_engine(path) == "pandas"
    assert engines.choose_engine(retail) == "pandas"
    assert engines.choose_engine(path, "spark") == "spark"  # an explicit engine wins
    monkeypatch.setattr(engines, "AUTO_DUCKDB_BYTES", size - 1)
    assert engines.choose_engine(path) == "duckdb"
    assert engines.choose_engine(str(path)) == "duckdb"
    assert engines.choose_engine(retail) == "pandas"  # in memory stays in pandas

    def refuse(*args, **kwargs):
        raise AssertionError("pandas must not read the file")

    monkeypatch.setattr(pd, "read_parquet", refuse)
    rfm.rfm_table(path)  # large: DuckDB, pandas never reads it
    pyramid.customer_values(path)
    monkeypatch.setattr(engines, "AUTO_DUCKDB_BYTES", size + 1)
    assert engines.choose_engine(path) == "pandas"  # small, the columns not given
    rfm.rfm_table(path)  # small, but plain columns: DuckDB too (see the next test)


@pytest.fixture(scope="module")
def small_files(tmp_path_factory):
    """The hand log as Parquet and CSV with plain ISO dates, and three files whose
    dates DuckDB would read differently from pandas: US dates (DuckDB's sniffer reads
    01/05/2024 day first, pandas month first), a zoned Parquet file and a CSV with UTC
    offsets (DuckDB counts in UTC or drops the offset, pandas in local time)."""
    folder = tmp_path_factory.mktemp("routing")
    hand = _hand()
    local = hand["order_date"].dt.tz_localize("Asia/Shanghai")
    out = {name: folder / name for name in ("plain.parquet", "plain.csv", "us.csv",
                                            "zoned.parquet", "offsets.csv")}
    hand.to_parquet(out["plain.parquet"])
    hand.to_csv(out["plain.csv"], index=False)
    hand.assign(order_date=hand["order_date"].dt.strftime("%m/%d/%Y")).to_csv(
        out["us.csv"], index=False)
    hand.assign(order_date=local).to_parquet(out["zoned.parquet"])
    hand.assign(order_date=local.dt.strftime("%Y-%m-%dT%H:%M:%S+08:00")).to_csv(
        out["offsets.csv"], index=False)
    return out


@needs_duckdb
def test_small_plain_files_go_to_duckdb_with_the_same_results(small_files, monkeypatch):
    """With no engine given, a file of any size goes to DuckDB when its columns are
    plain; a file whose dates DuckDB would read differently stays in pandas. Either
    way the tables equal the pandas engine's (apart from attrs["engine"])."""
    kinds = {"customer_id": "id", "order_date": "datetime", "amount": "number"}
    chosen = {name: engines.choose_engine(path, columns=kinds)
              for name, path in small_files.items()}
    assert chosen == {"plain.parquet": "duckdb", "plain.csv": "duckdb", "us.csv": "pandas",
                      "zoned.parquet": "pandas", "offsets.csv": "pandas"}
    calls = {"rfm": (lambda p, e: rfm.rfm_table(p, engine=e), ["monetary"]),
             "values": (lambda p, e: pyramid.customer_values(p, engine=e).to_frame(),
                        ["value"]),
             "summary": (lambda p, e: clv.summary_from_transactions(
                 p, amount="amount", engine=e), ["monetary_value"])}
    for name, path in small_files.items():
        for key, (call, money) in calls.items():
            expected, got = call(path, "pandas"), call(path, None)
            # the values read no date: every one of these files is plain for them
            engine = "duckdb" if key == "values" else chosen[name]
            if "engine" in got.attrs:  # the values carry their customer table's provenance
                assert (expected.attrs.pop("engine"), got.attrs.pop("engine")) == (
                    "pandas", engine)
            _same(expected, got, money=money)
    # the US file read month first, as pandas does: the days of the hand log
    hand_days = rfm.rfm_table(_hand())
    _same(hand_days, rfm.rfm_table(small_files["us.csv"]), money=["monetary"])


@needs_duckdb
def test_zoned_dates_in_files_are_refused_by_duckdb(small_files):
    """DuckDB would cut days and months in UTC (a zoned Parquet file) or drop the
    offsets (a CSV): it refuses, naming the column and the fix; the pandas engine
    counts local days and months."""
    local = _hand().assign(order_date=lambda d: d["order_date"].dt.tz_localize(
        "Asia/Shanghai"))
    expected = satisfaction.cohort_table(local, share=False)
    for name in ("zoned.parquet", "offsets.csv"):
        path = small_files[name]
        pd.testing.assert_frame_equal(
            satisfaction.cohort_table(path, share=False, engine="pandas"), expected)
        for call in (satisfaction.cohort_table, rfm.rfm_table):
            with pytest.raises(CRMDataError, match="column 'order_date' has dates with .*"
                                                   "engine='pandas'.*tz_localize"):
                call(path, engine="duckdb")


@needs_spark
def test_zoned_parquet_is_refused_by_spark(spark, small_files):
    """Spark would cut days and months in its session time zone: refused like DuckDB."""
    with pytest.raises(CRMDataError, match="column 'order_date' has dates with a time zone "
                                           r"\(Asia/Shanghai\).*engine='pandas'"):
        rfm.rfm_table(small_files["zoned.parquet"], engine="spark")


@needs_duckdb
def test_an_offset_past_duckdbs_sample_is_refused_not_dropped(tmp_path):
    """DuckDB's sniffer reads the first 20,480 rows; a UTC offset further down used to
    be dropped without a word. The dates are cast in SQL, which stops at it."""
    n = 20_600
    log = pd.DataFrame({"customer_id": [f"C{i % 50}" for i in range(n)],
                        "order_date": pd.date_range("2024-01-01", periods=n, freq="37min")
                        .strftime("%Y-%m-%d %H:%M:%S"),
                        "amount": 10.0})
    path = tmp_path / "late_offset.csv"
    log.to_csv(path, index=False)
    plain = rfm.rfm_table(path)  # the default path: DuckDB, every date read
    assert plain["frequency"].sum() == n
    log.loc[n - 1, "order_date"] = "2025-02-28 23:30:00+08:00"
    log.to_csv(path, index=False)
    for call in (lambda: rfm.rfm_table(path), lambda: rfm.rfm_table(path, engine="duckdb"),
                 lambda: clv.summary_from_transactions(path, engine="duckdb")):
        with pytest.raises(CRMDataError, match=r"column 'order_date' has dates with UTC "
                                               r"offsets \(like '2025-02-28 23:30:00\+08:00'\)"):
            call()


# --------------------------------------------------------------------------- errors


def test_unknown_engine_is_a_clear_error(retail):
    for call in (lambda e: rfm.rfm_table(retail, engine=e),
                 lambda e: pyramid.customer_values(retail, engine=e),
                 lambda e: clv.summary_from_transactions(retail, engine=e)):
        with pytest.raises(CRMDataError, match="unknown engine 'excel'; use one of 'pandas', "
                                               "'duckdb', 'spark'"):
            call("excel")
        with pytest.raises(CRMDataError, match="engine 'polars' is not available yet"):
            call("polars")


@pytest.mark.parametrize("engine", ["pandas", *SQL_ENGINES], indirect=True)
def test_missing_column_lists_the_file_columns(engine, files):
    for kind in ("parquet", "csv"):
        path = files[f"retail.{kind}"]
        with pytest.raises(CRMDataError, match=r"rfm_table: no column 'date' in .*Columns "
                                               r"present: customer_id, order_id, order_date, "
                                               r"amount, quantity.*Did you mean date='order_date'"):
            rfm.rfm_table(path, date="date", engine=engine)
    with pytest.raises(CRMDataError, match="customer_values: no column 'profit'"):
        pyramid.customer_values(files["retail.parquet"], amount="profit", engine=engine)
    with pytest.raises(CRMDataError, match="summary_from_transactions: no column 'cust'"):
        clv.summary_from_transactions(files["cdnow.parquet"], customer="cust", engine=engine)


@pytest.mark.parametrize("engine", ["pandas", *SQL_ENGINES], indirect=True)
def test_unreadable_and_missing_files(engine, tmp_path):
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"this is not parquet at all")
    with pytest.raises(CRMDataError, match="cannot read .*broken.parquet"):
        rfm.rfm_table(broken, engine=engine)
    with pytest.raises(CRMDataError, match="not an existing file"):
        rfm.rfm_table(tmp_path / "nowhere.parquet", engine=engine)
    odd = tmp_path / "orders.xlsx"
    odd.write_bytes(b"PK")
    with pytest.raises(CRMDataError, match="cannot tell the format"):
        pyramid.customer_values(odd, engine=engine)


@needs_duckdb
def test_duckdb_data_errors(tmp_path):
    bad_dates = tmp_path / "dates.csv"
    bad_dates.write_text("customer_id,order_date,amount\na,2024-01-05,10\nb,5 Jan 2024,3\n")
    with pytest.raises(CRMDataError, match="rfm_table: .*DuckDB"):
        rfm.rfm_table(bad_dates, engine="duckdb")
    text_amount = tmp_path / "text.parquet"
    _hand().assign(amount=lambda d: d["amount"].astype(str)).to_parquet(text_amount)
    with pytest.raises(CRMDataError, match="column 'amount' must be numeric"):
        rfm.rfm_table(text_amount, engine="duckdb")
    missing = _hand().astype({"customer_id": object})
    missing.loc[3, "customer_id"] = None
    with pytest.raises(CRMDataError, match="column 'customer_id' has 1 missing ids"):
        rfm.rfm_table(missing, engine="duckdb")
    with pytest.raises(CRMDataError, match="no purchases left"):
        rfm.rfm_table(_hand().assign(amount=-1.0), engine="duckdb")
    with pytest.raises(CRMDataError, match="no purchase on or before observation_end"):
        clv.summary_from_transactions(_hand(), observation_end="2023-01-01", engine="duckdb")
    with pytest.raises(CRMDataError, match="future='keep' is not one of 'error', 'drop'"):
        rfm.rfm_table(_hand(), future="keep", engine="duckdb")


@needs_spark
def test_spark_frame_only_on_spark(spark):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas",
                                category=FutureWarning)
        sdf = spark.createDataFrame(_hand())
    with pytest.raises(CRMDataError, match="a PySpark DataFrame runs on engine='spark'"):
        rfm.rfm_table(sdf, engine="duckdb")


# --------------------------------------------------------------------------- one definition


def test_one_sql_text_for_both_engines():
    """DuckDB and Spark run the same text: only quoting and the day number differ."""
    full = {"customer": "customer_id", "date": "order_date", "amount": "amount",
            "order": "order_id", "gross_profit": "gross_profit", "cost": "cost_to_serve",
            "channel": "channel", "category": "category"}
    for name, roles in (("customers", full), ("customers", {"customer": "customer_id",
                                                             "amount": "amount"}),
                        ("periods", full), ("cohorts", full)):
        duck = engines.aggregate_sql(name, roles, "duckdb", end_period=19700)
        spark = engines.aggregate_sql(name, roles, "spark", end_period=19700)
        duck = duck.replace("CAST(CAST(\"order_date\" AS DATE) - DATE '1970-01-01' AS BIGINT)",
                            "DAY").replace("AS VARCHAR", "AS TEXT")
        spark = spark.replace("CAST(unix_date(CAST(`order_date` AS DATE)) AS BIGINT)",
                              "DAY").replace("AS STRING", "AS TEXT")
        assert duck == spark.replace("`", '"')


def test_metric_sql_is_deprecated_for_aggregate_sql():
    with pytest.warns(FutureWarning, match="metric_sql is now aggregate_sql"):
        text = engines.metric_sql("rfm", order="order_id")
    assert text == engines.aggregate_sql(
        "customers", {"customer": "customer_id", "date": "order_date", "amount": "amount",
                      "order": "order_id"})


def test_import_stays_light():
    code = ("import sys, crmlab, crmlab.rfm, crmlab.pyramid, crmlab.clv, crmlab.engines; "
            "crmlab.clv.summary_from_transactions; "
            "print(sorted(m for m in ('duckdb', 'pyspark') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- default path


@needs_duckdb
def test_large_frame_goes_to_duckdb_with_the_same_results(monkeypatch, retail, cdnow):
    """From AUTO_DUCKDB_ROWS rows a DataFrame is aggregated by DuckDB in place: the
    same tables and attrs as the pandas engine (apart from attrs["engine"])."""
    assert engines.AUTO_DUCKDB_ROWS == 1_000_000
    kinds = {"customer_id": "id", "order_date": "datetime", "amount": "number"}
    assert engines.choose_engine(retail, columns=kinds) == "pandas"  # below the threshold
    expected = {
        "rfm": rfm.rfm_table(retail, order="order_id", engine="pandas"),
        "ignore": rfm.rfm_table(retail, returns="ignore", engine="pandas"),
        "values": pyramid.customer_values(retail, engine="pandas").to_frame(),
        "summary": clv.summary_from_transactions(cdnow, amount="amount", engine="pandas"),
        "weeks": clv.summary_from_transactions(cdnow, freq="W", engine="pandas",
                                               observation_end="1997-09-30"),
    }
    monkeypatch.setattr(engines, "AUTO_DUCKDB_ROWS", 10)
    assert engines.choose_engine(retail, columns=kinds) == "duckdb"
    # object ids, time zones and text amounts stay in pandas, whose conversions count
    assert engines.choose_engine(retail.astype({"customer_id": object}), columns=kinds) \
        == "pandas"
    aware = retail.assign(order_date=retail["order_date"].dt.tz_localize("Asia/Shanghai"))
    assert engines.choose_engine(aware, columns=kinds) == "pandas"
    got = {
        "rfm": rfm.rfm_table(retail, order="order_id"),
        "ignore": rfm.rfm_table(retail, returns="ignore"),
        "values": pyramid.customer_values(retail).to_frame(),
        "summary": clv.summary_from_transactions(cdnow, amount="amount"),
        "weeks": clv.summary_from_transactions(cdnow, freq="W", observation_end="1997-09-30"),
    }
    money = {"rfm": ["monetary"], "ignore": ["monetary"], "values": ["value"],
             "summary": ["monetary_value"], "weeks": []}
    for key, table in got.items():
        if "engine" in table.attrs:  # the values carry their customer table's provenance
            assert (expected[key].attrs.pop("engine"), table.attrs.pop("engine")) == (
                "pandas", "duckdb")
        _same(expected[key], table, money=money[key])
    # errors name the rows, as on the pandas engine
    broken = retail.copy()
    broken.loc[broken.index[7], "amount"] = np.nan
    with pytest.raises(CRMDataError, match=r"column 'amount' has 1 missing values in row 7"):
        rfm.rfm_table(broken)
    with pytest.raises(CRMDataError, match=r"after the analysis date 2024-06-30: rows \d+"):
        rfm.rfm_table(retail, analysis_date="2024-06-30")


@needs_duckdb
@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_needs_computes_only_what_is_asked(engine, retail):
    """customer_table(needs=...) gives the columns asked for, equal to the full table's."""
    from crmlab.customers import customer_table

    roles = {"order": "order_id", "gross_profit": "gross_profit", "cost": "cost_to_serve"}
    full = customer_table(retail, **roles, engine=engine)
    for needs in (("spend",), ("orders", "last_purchase", "return_rows"), ("profit",),
                  ("rows", "returned", "gross")):
        part = customer_table(retail, **roles, engine=engine, needs=needs)
        for name in ("rows", *needs):
            a, b = part[name], full[name]
            if a.dtype.kind == "f":  # sums in another grouping: the last bit may differ
                a, b = a.round(8), b.round(8)
            pd.testing.assert_series_equal(a, b, check_exact=True)
        assert part.attrs == full.attrs
        assert len(part.columns) < len(full.columns)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcd"), st.sampled_from(["o1", "o2", "o3", "o4"]),
                          st.sampled_from([-5.0, 0.0, 3.5]), st.sampled_from("xyz")),
                min_size=1, max_size=30))
def test_pandas_distinct_counts_equal_nunique(rows):
    """Orders, returns, online orders and categories counted from integer pairs are the
    distinct counts of a plain groupby().nunique() over the rows each one keeps."""
    log = pd.DataFrame(rows, columns=["customer_id", "order_id", "amount", "category"])
    log["channel"] = np.where(log["category"] == "x", "online", "store")
    roles = {"customer": "customer_id", "amount": "amount", "order": "order_id",
             "channel": "channel", "category": "category"}
    raw = engines.aggregate("customers", log, roles, engine="pandas", caller="t")
    buy = log["amount"] >= 0
    g = log.groupby("customer_id")
    expect = pd.DataFrame({
        "orders": log["order_id"].where(buy).groupby(log["customer_id"]).nunique(),
        "returns": log["order_id"].where(~buy).groupby(log["customer_id"]).nunique(),
        "online_orders": log["order_id"].where(buy & (log["channel"] == "online"))
        .groupby(log["customer_id"]).nunique(),
        "categories": log["category"].where(buy).groupby(log["customer_id"]).nunique(),
        "n_rows": g.size()})
    got = raw.set_index("c")[list(expect.columns)]
    pd.testing.assert_frame_equal(got, expect.astype("int64"), check_names=False)
