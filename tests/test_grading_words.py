"""crmlab's own errors in Chinese: the messages students meet most in the exercises.

``crmlab.set_language("zh")`` makes a notebook show a :class:`~crmlab.CRMDataError` with
its message in Chinese (:func:`crmlab.exercises._text.error_text`, an IPython exception
handler). Each error here is raised by crmlab itself, as a student would meet it, and
must come out with none of its English sentences left.
"""

from __future__ import annotations

import pandas as pd
import pytest

import crmlab
from crmlab import CRMDataError, pyramid, rfm
from crmlab.exercises import set_language
from crmlab.exercises._text import error_text

#: Phrases of the English messages; none may be left in a translation.
ENGLISH = ("Choose one of", "Did you mean", "no column", "Columns present", "must be",
           "got ", "Fix:", "Convert", "rows ", "row ", "Fill them", "expected", "Write it",
           "is not one of", "the table", "(or ", "in all", "Pass the right name")


@pytest.fixture(scope="module")
def tx():
    return crmlab.load_data("retail_transactions").head(200)


MISTAKES = {
    "a dataset name": lambda tx: crmlab.load_data("retail"),
    "a variant": lambda tx: crmlab.load_data("leads", variant=" "),
    "a column name": lambda tx: rfm.rfm_table(tx.rename(columns={"customer_id": "cid"})),
    "a column name, nothing close": lambda tx: rfm.rfm_table(
        tx.rename(columns={"customer_id": "zzz"}), customer="who"),
    "amounts as text": lambda tx: rfm.rfm_table(
        tx.assign(amount=tx["amount"].astype(str).where(tx.index > 3, "n/a"))),
    "dates as text": lambda tx: rfm.rfm_table(tx.assign(order_date=tx["order_date"].astype(str))),
    "missing amounts": lambda tx: rfm.rfm_table(tx.assign(amount=tx["amount"].where(tx.index > 7))),
    "no rows": lambda tx: rfm.rfm_table(tx.head(0)),
    "an option": lambda tx: rfm.rfm_table(tx, returns="nett"),
    "a Series": lambda tx: rfm.rfm_table(tx["amount"]),
    "a list": lambda tx: rfm.rfm_table([1, 2]),
    "a percentage": lambda tx: pyramid.top_share(pd.Series([1.0, 2.0, 3.0]), 20),
    "a number of bins": lambda tx: rfm.rfm_scores(rfm.rfm_table(tx), bins=0),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_the_errors_students_meet_most_read_in_chinese(tx, mistake):
    with pytest.raises(CRMDataError) as err:
        MISTAKES[mistake](tx)
    english = str(err.value)
    chinese = error_text(english, "zh")
    caller = english.split(":")[0]
    assert chinese.startswith(f"{caller}：")
    left = [phrase for phrase in ENGLISH if phrase in chinese]
    assert not left, f"{chinese!r} keeps {left}"
    assert error_text(english, "en") == english
    # names, values and code stay as they were
    for quoted in ("'retail'", "'cid'", "'nett'", "pd.to_datetime(df['order_date'])"):
        if quoted in english:
            assert quoted in chinese


def _message(shown: str, ename: str) -> str:
    """The last line of a traceback: the error's name and message (the lines above quote
    crmlab's source, in English)."""
    lines = [line for line in shown.splitlines() if ename in line]
    assert lines, shown
    return lines[-1]


def test_a_notebook_in_chinese_shows_crmlabs_errors_in_chinese(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        set_language("zh")
        shell.run_cell("import crmlab\ncrmlab.load_data('retail')")
        shown = _message(capsys.readouterr().out, "CRMDataError")
        assert "没有数据集 'retail'" in shown and "Choose one of" not in shown
        shell.run_cell("raise KeyError('plain')")  # other errors are left alone
        assert "'plain'" in _message(capsys.readouterr().out, "KeyError")
        set_language("en")
        result = shell.run_cell("crmlab.load_data('retail')")
        assert "Choose one of" in _message(capsys.readouterr().out, "CRMDataError")
        assert isinstance(result.error_in_exec, CRMDataError)
    finally:
        set_language("en")
        InteractiveShell.clear_instance()
