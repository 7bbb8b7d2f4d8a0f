"""The exercise engine: feedback for typical wrong answers, the transforms and the build."""

from __future__ import annotations

import filecmp
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from crmlab import CRMDataError
from crmlab.exercises import (
    CheckFailed,
    build,
    check,
    clear_hidden_tests,
    clear_solutions,
    exercise,
    markers,
    set_language,
    student_version,
)
from crmlab.exercises._compare import compare

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


# ---------------------------------------------------------------- compare


def test_numbers_within_tolerance_pass():
    assert compare(0.3333, 1 / 3, rtol=1e-3) == []
    assert compare(np.float64(2.0), 2) == []
    assert compare(np.array(2.0), 2.0) == []


@pytest.mark.parametrize(
    ("answer", "expected", "words"),
    [
        (34.2, 0.342, "looks like a percentage"),
        (0.658, 0.342, "1 minus the answer"),
        ("0.342", 0.342, "is text, not a number"),
        (pd.Series([0.342]), 0.342, ".iloc[0]"),
        (pd.DataFrame({"x": [0.342]}), 0.342, ".iloc[0, 0]"),
        (0.5, 0.342, "too high"),
        (0.1, 0.342, "too low"),
        ([0.342], 0.342, "a list holding one value"),
        ([0.3, 0.4], 0.342, "Expected number, got list"),
        (..., 0.342, "Not answered yet"),
        (None, 0.342, "Not answered yet"),
        (float("nan"), 0.342, "not a finite number"),
    ],
)
def test_number_feedback(answer, expected, words):
    (problem,) = compare(answer, expected)
    assert words in problem


def test_series_feedback():
    want = pd.Series([3, 2, 1], index=["a", "b", "c"], name="score")
    assert compare(want.copy(), want) == []
    assert "off by 1" in compare(want + 1, want)[0]
    assert "wrong order" in compare(want.sort_index(ascending=False), want)[0]
    assert compare(want.sort_index(ascending=False), want.sort_index(), ordered=False) == []
    assert "one-column DataFrame" in compare(want.to_frame(), want)[0]
    assert "Expected 3 values, got 2" in compare(want.iloc[:2], want)[0]
    assert "unexpected d" in compare(want.rename({"c": "d"}), want)[0]
    wrong = want.copy()
    wrong["b"] = 7
    assert "1 of 3 values differ, first at b (you have 7, too high)" in compare(wrong, want)[0]
    assert "percentages" in compare(pd.Series([30.0, 70.0]), pd.Series([0.3, 0.7]))[0]
    assert "wrong rows" in compare(pd.Series([2.0, 1.0, 3.0]), pd.Series([1.0, 2.0, 3.0]))[0]


def test_frame_feedback():
    want = pd.DataFrame({"customer_id": ["a", "b"], "recency": [3, 10]})
    assert compare(want.copy(), want) == []
    renamed = want.rename(columns={"recency": "days"})
    problem = compare(renamed, want)[0]
    assert "Missing column(s): recency" in problem and "days" in problem
    assert "Expected DataFrame, got Series" in compare(want["recency"], want)[0]
    assert "Expected 2 rows, got 1" in compare(want.head(1), want)[0]
    wrong = want.assign(recency=[3, 11])
    assert "in column 'recency'" in compare(wrong, want)[0]


def test_lists_sets_text_bool_and_dicts():
    assert compare(["b", "a"], ["a", "b"]) == [compare(["b", "a"], ["a", "b"])[0]]
    assert "wrong order" in compare(["b", "a"], ["a", "b"])[0]
    assert compare({"b", "a"}, {"a", "b"}) == []
    assert compare(pd.Index(["a", "b"]), ["a", "b"]) == []
    assert "unexpected c" in compare(["a", "c"], {"a", "b"})[0]
    assert compare(" Qualified ", "qualified") == []
    assert "not the answer" in compare("prospect", "qualified")[0]
    assert compare(np.bool_(True), True) == []
    assert "Expected True or False, got text" in compare("yes", True)[0]
    assert compare({"a": 1.0, "b": 2}, {"a": 1, "b": 2}) == []
    assert compare({"a": 1.0}, {"a": 1, "b": 2})[0].startswith("Missing key(s): b")
    assert compare({"a": 5, "b": 2}, {"a": 1, "b": 2})[0].startswith("[a] ")


def test_feedback_in_chinese():
    set_language("zh")
    expected = "34.2 看起来是百分数：crmlab 中的比率用小数表示（写 0.25，而不是 25）。"
    assert compare(34.2, 0.342)[0] == expected
    with pytest.raises(CRMDataError, match="choose 'en' or 'zh'"):
        set_language("fr")


# ---------------------------------------------------------------- check


@exercise("98.1", hint="Divide the conversions by the leads.", hint_zh="用转化数除以线索数。")
def _rate():
    return 0.25


def test_check_passes_and_prints(capsys):
    result = check("98.1", 0.25)
    assert result.passed and bool(result)
    assert capsys.readouterr().out == "✅ 98.1 correct.\n"


def test_check_fails_with_feedback_and_hint():
    with pytest.raises(CheckFailed) as info:
        check("98.1", 25)
    text = str(info.value)
    assert text.splitlines() == [
        "❌ 98.1 not yet.",
        "25 looks like a percentage: rates in crmlab are fractions (0.25 rather than 25).",
        "Hint: Divide the conversions by the leads.",
    ]
    # in a notebook, IPython shows only these lines, not a traceback
    rendered = info.value._render_traceback_()
    assert "98.1 not yet" in rendered[0]
    assert rendered[-1] == "Hint: Divide the conversions by the leads."


def test_check_in_chinese():
    set_language("zh")
    with pytest.raises(CheckFailed, match="提示：用转化数除以线索数。"):
        check("98.1", 0.5)


def test_unknown_question_lists_the_chapter():
    with pytest.raises(CRMDataError, match=r"No exercise '98.7'. Exercises of chapter 98: 98.1"):
        check("98.7", 1)
    with pytest.raises(CRMDataError, match="question ids look like '3.2'"):
        check("three", 1)


@exercise("98.2", open_ended=True)
def _channel(answer):
    return [] if answer in {"referral", "partner"} else ["Pick the channel with the lowest CPA."]


def test_open_ended_exercise():
    assert check("98.2", "referral", quiet=True)
    with pytest.raises(CheckFailed, match="lowest CPA"):
        check("98.2", "website")
    with pytest.raises(CheckFailed, match="Not answered yet"):
        check("98.2", ...)


# ---------------------------------------------------------------- transforms


def _code(source):
    return nbformat.v4.new_code_cell(source)


def test_clear_solutions_keeps_indentation_and_names_the_answers():
    cell = _code("def f(x):\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n"
                 "    ### END SOLUTION\n")
    assert clear_solutions(cell)
    assert cell.source == "def f(x):\n    # YOUR CODE HERE\n    y = ...\n"
    cell = _code("### BEGIN SOLUTION\nrfm = table.copy()\nrfm['r'], top = 1, 2\n"
                 "### END SOLUTION")
    clear_solutions(cell)
    assert cell.source == "# YOUR CODE HERE\nrfm = ...\ntop = ..."


def test_markers_match_whole_lines_only():
    prose = "# Mark solutions with ### BEGIN SOLUTION and ### END SOLUTION lines."
    cell = _code(prose)
    assert not clear_solutions(cell) and cell.source == prose
    md = nbformat.v4.new_markdown_cell("Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION")
    assert clear_solutions(md) and md.source == "Why?\nYOUR ANSWER HERE"


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("### BEGIN SOLUTION\nx = 1", "never closed"),
        ("x = 1\n### END SOLUTION", "without"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another region"),
    ],
)
def test_bad_markers_name_the_notebook_and_cell(source, words):
    nb = nbformat.v4.new_notebook(cells=[_code("import crmlab"), _code(source)])
    with pytest.raises(CRMDataError, match=rf"03_rfm.ipynb cell 1: line \d+: .*{words}"):
        student_version(nb, name="03_rfm.ipynb")


def test_hidden_tests_are_removed():
    cell = _code("check('3.1', x)\n### BEGIN HIDDEN TESTS\nassert x > 0\n### END HIDDEN TESTS\n")
    assert clear_hidden_tests(cell)
    assert cell.source == "check('3.1', x)"


def test_student_version_clears_outputs_and_metadata():
    cell = _code("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1")]
    cell.execution_count = 3
    cell.metadata["nbgrader"] = {"grade_id": "a", "solution": True}
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"name": "crmlab-venv", "display_name": "x", "language": "python"}
    out = student_version(nb)
    assert out.cells[0].outputs == [] and out.cells[0].execution_count is None
    assert out.metadata.kernelspec.name == "python3"
    assert out.cells[0].metadata.nbgrader == {"grade_id": "a", "solution": True}
    assert "tags" not in out.cells[0].metadata  # only check cells are tagged
    assert nb.cells[0].execution_count == 3  # the source notebook is untouched


def test_check_cells_let_run_all_carry_on():
    check_cell = _code("check('3.1', x)")
    check_cell.metadata["nbgrader"] = {"grade_id": "c", "grade": True, "points": 1}
    check_cell.metadata["tags"] = ["mine"]
    out = student_version(nbformat.v4.new_notebook(cells=[check_cell]))
    assert out.cells[0].metadata.tags == ["mine", "raises-exception"]


@pytest.mark.parametrize("edition", ["", "zh"], ids=["en", "zh"])
def test_exercises_folder_is_what_the_build_produces(tmp_path, edition):
    """exercises/ (zh/exercises/) is generated from solutions/ (zh/solutions/), never by hand."""
    home = ROOT / edition
    solutions = sorted((home / "solutions").glob("*.ipynb"))
    built = build(home / "solutions", tmp_path) if solutions else []
    committed = sorted(p.name for p in (home / "exercises").glob("*.ipynb"))
    assert [p.name for p in built] == committed
    fix = ("crmlab exercises build --source zh/solutions --target zh/exercises" if edition
           else "crmlab exercises build")
    for path in built:
        assert filecmp.cmp(path, home / "exercises" / path.name, shallow=False), (
            f"{edition}/exercises/{path.name} differs from the build: run `{fix}`")


def test_the_chinese_exercises_match_the_english_but_for_words():
    """Same cells, same code (plus the language line), Chinese Markdown; one per chapter."""
    from crmlab import editions

    english = sorted(p.name for p in (ROOT / "exercises").glob("*.ipynb"))
    assert sorted(p.name for p in (ROOT / "zh" / "exercises").glob("*.ipynb")) == english
    for name in english:
        en = nbformat.read(ROOT / "exercises" / name, as_version=4)
        zh = nbformat.read(ROOT / "zh" / "exercises" / name, as_version=4)
        assert [(c.id, c.cell_type) for c in zh.cells] == [(c.id, c.cell_type) for c in en.cells]
        for e, z in zip(en.cells, zh.cells, strict=True):
            if e.cell_type == "code":
                assert z.source.replace(editions.LANGUAGE_LINE + "\n", "", 1) == e.source
            elif e.source.strip():
                assert re.search("[\u4e00-\u9fff]", z.source), (name, e.id)


SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_solution_cells_carry_nbgrader_metadata(path):
    """nbgrader accepts solutions/ as its source/: regions sit in marked cells."""
    nb = nbformat.read(path, as_version=4)
    ids = []
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        where = markers.cell_name(path.name, i)
        if markers.has_region(cell.source, "solution", where=where):
            assert meta.get("solution"), f"cell {i} has a solution region but no solution metadata"
            if cell.cell_type == "markdown":
                assert meta.get("grade") and meta.get("points") > 0, f"cell {i}: by hand"
        if markers.has_region(cell.source, "hidden", where=where):
            assert meta.get("grade") and meta.get("locked"), f"cell {i}: hidden tests, not graded"
        if meta:
            ids.append(meta["grade_id"])
            if meta.get("grade") and cell.cell_type == "code":
                assert meta.get("points", 0) > 0, f"cell {i}: a graded check cell needs points"
    assert len(ids) == len(set(ids)), "grade ids must be unique"
    assert sum(1 for c in nb.cells if c.cell_type == "code"
               and c.metadata.get("nbgrader", {}).get("grade")) >= 4, "4 to 8 exercises a chapter"


def test_cli_builds_the_chinese_edition_with_language_zh(tmp_path, monkeypatch, capsys):
    from crmlab import cli

    monkeypatch.chdir(ROOT)
    assert cli.main(["exercises", "build", "--language", "zh", "--target", str(tmp_path)]) == 0
    assert "wrote" in capsys.readouterr().out
    for path in sorted((ROOT / "zh" / "exercises").glob("*.ipynb")):
        assert filecmp.cmp(path, tmp_path / path.name, shallow=False), path.name
