"""Each step of the grader on its own, without a kernel (tests/test_grading.py runs them
together on a whole class of submissions)."""

from __future__ import annotations

import json

import nbformat
import numpy as np
import pandas as pd
import pytest

import crmlab
from crmlab import CRMDataError
from crmlab.exercises import set_language
from crmlab.grading import COLUMNS, grade, grade_notebook, layout, self_check_summary, totals
from crmlab.grading.assignment import CheckCell, Layout, free_names, nbgrader
from crmlab.grading.batch import find_submissions
from crmlab.grading.execute import (
    TIMEOUT_ERROR,
    Run,
    collect,
    export_cell,
    limits_cell,
    missing_cells,
    prepare,
    read_events,
)
from crmlab.grading.feedback import (
    TRIED,
    crashed_rows,
    feedback_markdown,
    grade_rows,
    gradebook,
    read_table,
    write_feedback,
    write_table,
)
from crmlab.grading.judge import STATUSES, judge, verdict
from crmlab.grading.plain import ENCODE, ENCODER, MIME, Opaque, decode
from crmlab.grading.selfcheck import summarise


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


def _cell(source, **nbgrader_meta):
    cell = nbformat.v4.new_code_cell(source)
    if nbgrader_meta:
        cell.metadata["nbgrader"] = nbgrader_meta
    return cell


def _answer(k, source):
    return _cell(source, grade_id=f"answer_1_{k}", solution=True, grade=False)


def _check(k, source, points=1):
    return _cell(source, grade_id=f"check_1_{k}", grade=True, points=points, solution=False)


@pytest.fixture
def solution(tmp_path):
    """A two-exercise solution notebook with hidden tests."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Chapter 1"),
        _cell("import crmlab\n%precision 3"),
        _answer(1, "### BEGIN SOLUTION\nrate = 0.25\n### END SOLUTION"),
        _check(1, "assert rate < 1, 'a rate is a fraction'\n### BEGIN HIDDEN TESTS\n"
                  "assert rate == 0.25, 'not the rate'\n### END HIDDEN TESTS"),
        _answer(2, "### BEGIN SOLUTION\nn, share = 3, 0.5\n### END SOLUTION"),
        _check(2, "assert n + share > 0\n### BEGIN HIDDEN TESTS\nassert n == 3\n"
                  "### END HIDDEN TESTS", points=2),
    ])
    path = tmp_path / "01_demo.ipynb"
    nbformat.write(nb, path)
    return path


# ---------------------------------------------------------------- step 1: the layout


def test_layout_reads_ids_points_code_names_and_answer_cells(solution):
    lay = layout(solution)
    assert lay.assignment == "01_demo"
    assert lay.answer_ids == ["answer_1_1", "answer_1_2"]
    assert lay.max_points == 3
    first, second = lay.exercises
    assert (first.grade_id, first.points, first.names) == ("check_1_1", 1.0, ["rate"])
    assert first.public == "assert rate < 1, 'a rate is a fraction'"
    assert first.hidden == "assert rate == 0.25, 'not the rate'"
    assert first.answer_cells == ["answer_1_1"]
    assert set(second.names) == {"n", "share"} and second.answer_cells == ["answer_1_2"]


def test_layout_without_graded_cells_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[_cell("x = 1")]), path)
    with pytest.raises(CRMDataError, match="empty.ipynb has no graded cells"):
        layout(path)


def test_free_names_leave_out_provided_builtins_imports_and_magics():
    code = "%precision 3\nimport math\ncheck('1', {'a': a})\nprint(len(b), pd, np, math.pi)"
    assert sorted(free_names(code)) == ["a", "b"]
    assert free_names("x = 1\nx") == []


def test_nbgrader_metadata_of_any_cell():
    assert nbgrader(_check(1, "")) == {"grade_id": "check_1_1", "grade": True, "points": 1,
                                       "solution": False}
    assert nbgrader({"metadata": {"nbgrader": None}}) == {}


# ---------------------------------------------------------------- the plain data


@pytest.fixture(scope="module")
def encode():
    kernel: dict = {}
    exec(ENCODER, kernel)  # what the export cell defines in the student's kernel
    return lambda value: decode(json.loads(json.dumps(kernel[ENCODE](value))))


def test_plain_data_round_trip(encode):
    assert encode(np.int64(3)) == 3 and type(encode(np.int64(3))) is int
    assert encode(np.float64(0.5)) == 0.5
    assert encode(np.bool_(True)) is True
    assert np.isnan(encode(float("nan"))) and encode(float("-inf")) == float("-inf")
    assert encode(...) is Ellipsis and encode(None) is None
    assert encode(("a", 1)) == ("a", 1) and encode([1.0, 2.0]) == [1.0, 2.0]
    assert encode(np.array([1.0, 2.0])).tolist() == [1.0, 2.0]
    assert encode(frozenset({"x"})) == {"x"}
    assert encode({"k": {1: [2]}}) == {"k": {1: [2]}}
    assert encode(pd.Index(["a", "b"])).tolist() == ["a", "b"]
    series = pd.Series([5, 4], index=["C1", "C2"], name="r_score")
    back = encode(series)
    assert back.to_dict() == {"C1": 5, "C2": 4} and back.name == "r_score"
    frame = pd.DataFrame({"a": [1.5, 2.5], "b": ["x", "y"]}, index=["r1", "r2"])
    pd.testing.assert_frame_equal(encode(frame), frame)
    assert encode(pd) is pd and encode(crmlab) is crmlab


def test_what_is_not_plain_data_stays_opaque(encode):
    assert isinstance(encode(print), Opaque) and repr(encode(print)) == \
        "<a function (builtin_function_or_method)>"
    import os

    assert isinstance(encode(os), Opaque)  # only the course's modules come back as modules
    assert repr(decode({"__object__": "Figure", "kind": "figure"})) == "<a figure (Figure)>"


# ---------------------------------------------------------------- step 2: the run


@pytest.fixture
def submission(solution):
    nb = nbformat.read(solution, as_version=4)
    nb.cells[3].source = "import os\nos.remove('grades.csv')"  # a tampered check cell
    return nb


def test_prepare_replaces_check_cells_by_exports_and_keeps_the_submission(submission,
                                                                         solution):
    lay = layout(solution)
    before = nbformat.writes(submission)
    run_nb = prepare(submission, lay, token="tok", memory_mb=256)
    assert nbformat.writes(submission) == before
    kinds = [("limits" if i == 0 else c.metadata.get("crmlab_grade_id")
              or c.metadata.get("crmlab_source_id")) for i, c in enumerate(run_nb.cells)]
    assert kinds == ["limits", "", "answer_1_1", "check_1_1", "answer_1_2", "check_1_2"]
    assert "RLIMIT_AS" in run_nb.cells[0].source and "256 * 1024 * 1024" in run_nb.cells[0].source
    assert all("os.remove" not in c.source for c in run_nb.cells)
    assert "'rate'" in run_nb.cells[3].source and "'tok'" in run_nb.cells[3].source
    assert run_nb.metadata.kernelspec.name == "python3"
    assert all(c.cell_type == "code" and not c.get("outputs") for c in run_nb.cells)


def test_a_deleted_check_cell_still_gets_its_export(submission, solution):
    lay = layout(solution)
    del submission.cells[5]
    run_nb = prepare(submission, lay, token="t", memory_mb=None)
    assert run_nb.cells[-1].metadata["crmlab_grade_id"] == "check_1_2"
    assert "RLIMIT_AS" not in run_nb.cells[0].source


def test_missing_answer_cells(submission, solution):
    lay = layout(solution)
    assert missing_cells(submission, lay) == []
    del submission.cells[4]
    assert missing_cells(submission, lay) == ["answer_1_2"]


def test_export_and_limits_cells():
    cell = export_cell(["a", "b"], "t0k")
    assert cell.metadata == {"crmlab_export": True}
    assert MIME in cell.source and "['a', 'b']" in cell.source
    assert "sys.path[:]" in limits_cell(None).source


def _executed(solution, outputs: dict[int, list]):
    run_nb = prepare(nbformat.read(solution, as_version=4), layout(solution), token="t",
                     memory_mb=None)
    for index, outs in outputs.items():
        run_nb.cells[index].outputs = outs
    return run_nb


def _export(answers, token="t", as_text=False):
    data = {"token": token, "answers": answers}
    return nbformat.v4.new_output("display_data",
                                  data={MIME: json.dumps(data) if as_text else data})


def _error(ename, evalue=""):
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[])


def test_collect_reads_only_exports_with_the_token(solution):
    run_nb = _executed(solution, {
        3: [_export({"rate": 0.25}, token="forged"), _export({"rate": 0.5})],
        5: [_export({"n": 3, "share": {"__float__": "nan"}}, as_text=True)],
    })
    run = collect(run_nb, "t")
    assert run.answers["check_1_1"] == {"rate": 0.5}
    assert run.answers["check_1_2"]["n"] == 3 and np.isnan(run.answers["check_1_2"]["share"])
    assert collect(run_nb, "other").answers == {}


def test_collect_charges_errors_and_time_outs_to_the_answer_cell_above(solution):
    run_nb = _executed(solution, {
        1: [_error("NameError", "x")],  # the setup cell: no answer cell above it
        2: [_error(TIMEOUT_ERROR)],
        4: [_error("MemoryError", "big"), _error("ValueError")],
        5: [_error("AssertionError")],  # an export cell's error is not the student's
    })
    run = collect(run_nb, "t")
    assert run.timed_out == ["answer_1_1"]
    assert run.errors == {"answer_1_2": "MemoryError: big"}
    assert run.answers == {}


def test_collect_fills_a_given_run(solution):
    run = Run(problem="the kernel died (crash or memory)")
    assert collect(_executed(solution, {}), "t", run) is run
    assert run.problem.startswith("the kernel died")


# ---------------------------------------------------------------- step 3: judging


def _exercise(public, hidden="", names=("x",)):
    return CheckCell("check_1_1", 1.0, public, hidden, list(names), ["answer_1_1"], "1.1",
                     "A demo")


def test_judge_runs_public_and_hidden_checks_on_plain_values(capsys):
    ex = _exercise("crmlab.check('1.1', x)", "assert x > 0")
    from crmlab.exercises.ch01 import expected

    assert judge(ex, {"x": expected("1.1")}) == ("passed", "")
    assert capsys.readouterr().out == ""  # the grader's check prints nothing
    status, reason = judge(ex, {"x": 100 * expected("1.1")})
    assert status == "failed" and "percentage" in reason and "Hint:" in reason
    assert "\n" not in reason and "❌" not in reason and "not yet" not in reason
    assert judge(_exercise("check('1.1', x)"), {"x": ...})[1].startswith("Not answered yet")
    zh = judge(ex, {"x": 100 * expected("1.1")}, language="zh")[1]
    assert "提示" in zh


def test_hidden_tests_see_the_answer_as_the_check_took_it():
    from crmlab.exercises.ch01 import expected

    want = expected("1.1")
    ex = _exercise("crmlab.check('1.1', x)", "assert isinstance(x, float)")
    assert judge(ex, {"x": np.array([want])}) == ("passed", "")  # as in the notebook


def test_judge_reports_hidden_failures_errors_and_missing_names():
    hidden = "A further check of your instructor's did not pass"
    assert judge(_exercise("", "assert x == 2"), {"x": 1}) == ("failed", hidden)
    assert judge(_exercise("assert x, 'empty'"), {"x": 0}) == ("failed", hidden + ": empty")
    status, reason = judge(_exercise("x.mean()"), {"x": Opaque("function", "function")})
    assert status == "failed"
    assert reason == ("Your answer could not be checked (x = a function (function)): store a "
                      "value of the kind the exercise asks for.")
    assert judge(_exercise("x", names=("x", "y")), {"x": 1})[0] == "missing"


def test_judge_sees_pd_np_and_crmlab_but_not_the_students_namespace():
    ex = _exercise("assert isinstance(x, pd.Series) and np.isclose(x.sum(), 3)\n"
                   "assert crmlab.load_data is not None\nassert 'os' not in dir()")
    assert judge(ex, {"x": pd.Series([1, 2])}) == ("passed", "")


@pytest.mark.parametrize(("run", "status", "words"), [
    (Run(problem="invalid", detail="NotJSONError", missing_cells=["answer_1_1"]),
     "invalid", "not a notebook Jupyter can open"),
    (Run(missing_cells=["answer_1_1"], timed_out=["answer_1_1"]), "missing",
     "The answer cell of Exercise 1.1 is missing"),
    (Run(timed_out=["answer_1_1"], answers={"check_1_1": {"x": 1}}), "timeout",
     "longer than the time limit of 9 s and was stopped"),
    (Run(timed_out=["answer_1_1"], stopped="stuck", stopped_at="answer_1_1"), "timeout",
     "did not stop when interrupted"),
    (Run(stopped="stuck", stopped_at="answer_1_0"), "timeout",
     "Not reached: the answer cell of Exercise 1.0 ran over the time limit"),
    (Run(stopped="total", stopped_at="answer_1_1"), "timeout", "total time of 90 s"),
    (Run(problem="dead", detail="answer_1_1"), "crashed",
     "Python stopped while running the answer cell of Exercise 1.1"),
    (Run(problem="dead"), "crashed", "more memory than the limit of 512 MB"),
    (Run(problem="start"), "crashed", "could not be started"),
    (Run(), "crashed", "stopped before this exercise"),
    (Run(answers={"check_1_1": {"x": 1}}), "passed", ""),
    (Run(answers={"check_1_1": {"x": 1}}, errors={"answer_1_1": "ValueError: v"}), "passed", ""),
    (Run(answers={"check_1_1": {"x": 0}}), "failed", "A further check"),
    (Run(answers={"check_1_1": {"x": 0}}, errors={"answer_1_1": "MemoryError: m"}), "error",
     "The answer cell of Exercise 1.1 raised an error: MemoryError: m (more memory than the "
     "limit of 512 MB)"),
    (Run(answers={"check_1_1": {}}), "missing", "store your answer in the variable"),
])
def test_verdict_in_order_of_precedence(run, status, words):
    got, reason = verdict(_exercise("assert x == 1"), run, timeout=9, memory_mb=512, total=90)
    assert got == status and got in STATUSES
    assert words in reason


def test_verdict_of_code_that_reaches_for_the_answer_key():
    run = Run(answers={"check_1_1": {"x": 1}})
    got = verdict(_exercise("assert x == 1"), run, timeout=9,
                  forbidden={"check_1_1": ["crmlab.exercises.ch01"]})
    assert got == ("forbidden", "Your code uses the course's answer key or changes its checks "
                                "(crmlab.exercises.ch01), which graded work may not do, so "
                                "this exercise scores 0.")
    assert verdict(_exercise("assert x == 1"), run, timeout=9, language="zh",
                   forbidden={"check_1_1": ["x"]})[1].endswith("本题记 0 分。")


# ---------------------------------------------------------------- step 4: table and feedback


@pytest.fixture
def lay():
    return Layout("01_demo", [_exercise("", names=()), CheckCell("check_1_2", 2.0, "", "", [])],
                  ["answer_1_1"])


def test_grade_rows_score_only_what_passed(lay):
    rows = grade_rows("ana", lay, [("passed", ""), ("timeout", "ran over")])
    assert list(rows.columns) == [*COLUMNS, TRIED]
    assert rows[TRIED].isna().all()  # no attempt log given
    assert grade_rows("ana", lay, [("passed", "")] * 2, tried=[3, 0])[TRIED].tolist() == [3, 0]
    assert rows["points"].tolist() == [1.0, 0.0] and rows["max_points"].tolist() == [1.0, 2.0]
    with pytest.raises(ValueError):
        grade_rows("ana", lay, [("passed", "")])
    crashed = crashed_rows("bo", lay, RuntimeError("x"))
    assert crashed["status"].tolist() == ["crashed"] * 2
    assert crashed["points"].sum() == 0


def test_feedback_files_and_table(lay, tmp_path):
    table = pd.concat([grade_rows("ana", lay, [("passed", ""), ("failed", "a | b")]),
                       grade_rows("bo", lay, [("passed", ""), ("passed", "")])],
                      ignore_index=True)
    text = feedback_markdown("ana", table[table.student == "ana"], "01_demo")
    assert text.startswith("# 01_demo: feedback for ana\n\nScore: **1 / 3**\n")
    assert "| 1.1 A demo | 1 / 1 | ✅ passed |  |" in text
    assert "| check_1_2 | 0 / 2 | ❌ not yet | a \\| b |" in text
    written = write_feedback(table, tmp_path / "fb" / "nested", "01_demo")
    assert [p.name for p in written] == ["ana.md", "bo.md"]
    assert "✅" in written[1].read_text(encoding="utf-8")
    out = write_table(table, tmp_path / "out" / "grades.csv")
    pd.testing.assert_frame_equal(pd.read_csv(out, keep_default_na=False).drop(columns=TRIED),
                                  table.drop(columns=TRIED), check_dtype=False)
    pd.testing.assert_frame_equal(read_table(out), table, check_dtype=False)
    assert totals(table).to_dict("index") == {"ana": {"points": 1.0, "max_points": 3.0},
                                              "bo": {"points": 3.0, "max_points": 3.0}}


def test_gradebook_tables(lay):
    table = pd.concat([grade_rows("ana", lay, [("passed", ""), ("timeout", "slow")]),
                       grade_rows("li_1234_5678_01_demo", lay,
                                  [("passed", ""), ("passed", "")])], ignore_index=True)
    wide = gradebook(table)
    assert wide.columns.tolist() == ["student", "1.1", "check_1_2", "total", "max_points"]
    assert wide.values.tolist() == [["ana", 1.0, 0.0, 1.0, 3.0],
                                    ["li_1234_5678_01_demo", 1.0, 2.0, 3.0, 3.0]]
    canvas = gradebook(table, "canvas", assignment="01_demo")
    assert canvas.columns.tolist() == ["Student", "ID", "SIS User ID", "SIS Login ID",
                                       "Section", "01_demo"]
    assert canvas.values.tolist() == [["Points Possible", "", "", "", "", 3.0],
                                      ["ana", "", "", "ana", "", 1.0],
                                      ["li", "1234", "", "", "", 3.0]]
    moodle = gradebook(table, "moodle", assignment="01_demo")
    assert moodle.values.tolist() == [["ana", 1.0, "check_1_2: timeout"],
                                      ["li_1234_5678_01_demo", 3.0, ""]]
    with pytest.raises(CRMDataError, match="format='blackboard'"):
        gradebook(table, "blackboard")


def test_the_runners_lines_are_read_defensively(solution):
    lay = layout(solution)
    run_nb = prepare(nbformat.read(solution, as_version=4), lay, token="t", memory_mb=None)
    lines = [
        "not json", "[1, 2]", '{"event": "cell", "index": 99}', '{"event": "cell", "index": -1}',
        '{"event": "cell", "index": true}',
        json.dumps({"event": "cell", "index": 3, "error": None, "exports": [
            {"token": "forged", "answers": {"rate": 0.25}},
            {"token": "t", "answers": {"rate": {"__pickle__": "gASV"}}}]}),
        json.dumps({"event": "cell", "index": 2, "error": {"ename": "ImportError",
                    "evalue": "crmlab: the answer key is not available while grading"}}),
        json.dumps({"event": "cell", "index": 5, "exports": "nope"}),
        '{"event": "done"}']
    run = read_events(lines, run_nb, "t", Run())
    assert isinstance(run.answers["check_1_1"]["rate"], Opaque)  # never unpickled
    assert "check_1_2" not in run.answers and not run.problem and not run.stopped
    assert run.key_cells == [1]  # the first answer cell, among the code cells
    assert read_events([], run_nb, "t", Run()).problem == "dead"  # the runner vanished
    assert read_events([], run_nb, "t", Run(), killed=True).stopped == "total"


def test_self_check_summary_and_summarise():
    check = _check(1, "crmlab.check('1.1', x)")
    check.outputs = [nbformat.v4.new_output(
        "error", ename="CheckFailed", evalue="",
        traceback=["\x1b[31m❌ 1.1 not yet.\x1b[0m", "Not answered yet.", "Hint: h"])]
    crash = _check(2, "crmlab.check('1.2', y)")
    crash.outputs = [nbformat.v4.new_output(
        "error", ename="NameError", evalue="y", traceback=["Traceback", "NameError: y"])]
    fine = _check(3, "crmlab.check('1.3', z)")
    table = summarise(nbformat.v4.new_notebook(cells=[_cell("x = ..."), check, crash, fine]))
    assert table.values.tolist() == [["check_1_1", False, "Not answered yet. Hint: h"],
                                     ["check_1_2", False, "NameError: y"],
                                     ["check_1_3", True, ""]]
    assert self_check_summary(table).splitlines() == [
        "❌ check_1_1: Not answered yet. Hint: h", "❌ check_1_2: NameError: y", "✅ check_1_3",
        "1 passed, 2 failed"]


# ---------------------------------------------------------------- the batch


def test_find_submissions(tmp_path):
    (tmp_path / "zoe").mkdir()
    (tmp_path / "zoe" / "01_demo.ipynb").write_text("{}")
    (tmp_path / "empty").mkdir()
    (tmp_path / "ana.ipynb").write_text("{}")
    (tmp_path / "readme.md").write_text("")
    (tmp_path / "cy" / "01_demo").mkdir(parents=True)  # nbgrader's submitted/ layout
    (tmp_path / "cy" / "01_demo" / "01_demo.ipynb").write_text("{}")
    (tmp_path / "dan").mkdir()  # a link to another student's folder is not followed
    (tmp_path / "dan" / "01_demo").symlink_to(tmp_path / "cy" / "01_demo")
    assert [(s, p.relative_to(tmp_path).as_posix())
            for s, p in find_submissions(tmp_path, "01_demo")] == [
        ("ana", "ana.ipynb"), ("cy", "cy/01_demo/01_demo.ipynb"),
        ("zoe", "zoe/01_demo.ipynb")]


def test_an_invalid_submission_needs_no_kernel(tmp_path, solution):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{ not json", encoding="utf-8")
    rows = grade_notebook(bad, layout(solution))
    assert rows["status"].tolist() == ["invalid", "invalid"]
    assert rows["student"].tolist() == ["bad", "bad"]
    assert rows["reason"].str.startswith("The file is not a notebook Jupyter can open").all()


def test_an_empty_folder_gives_an_empty_table(tmp_path, solution):
    (tmp_path / "subs").mkdir()
    table = grade(tmp_path / "subs", assignment="01_demo", solutions=solution.parent,
                  out=tmp_path / "g.csv", progress=False)
    assert table.empty and list(table.columns) == [*COLUMNS, TRIED]
    assert (tmp_path / "g.csv").exists()


@pytest.mark.parametrize(("option", "value", "words"), [
    ("timeout", 0, "timeout=0 must be >= 1"),
    ("timeout", 1.5, "timeout=1.5 must be a whole number"),
    ("memory_mb", 0, "memory_mb=0 must be >= 1"),
    ("workers", 0, "workers=0 must be >= 1"),
    ("workers", "2", "workers must be a number"),
])
def test_grade_checks_its_options(tmp_path, solution, option, value, words):
    with pytest.raises(CRMDataError, match=f"^grade: {words}"):
        grade(tmp_path, assignment="01_demo", solutions=solution.parent, **{option: value})
    if option != "workers":
        with pytest.raises(CRMDataError, match=f"^grade_notebook: {words}"):
            grade_notebook(solution, layout(solution), **{option: value})


def test_public_names():
    import crmlab.grading as grading

    assert set(grading.__all__) == {"COLUMNS", "CheckCell", "Layout", "grade", "grade_notebook",
                                    "layout", "self_check", "self_check_summary", "totals"}
    for module in ("assignment", "batch", "execute", "feedback", "judge", "plain", "runner",
                   "sandbox", "scan", "selfcheck", "words"):
        mod = __import__(f"crmlab.grading.{module}", fromlist=["__all__"])
        assert all(hasattr(mod, name) for name in mod.__all__), module


def test_the_runner_takes_an_error_from_the_reply_when_its_output_is_lost():
    from crmlab.grading.runner import _error

    cell = nbformat.v4.new_code_cell("blob = bytearray(64 * 1024 ** 3)")
    assert _error(cell, None) is None
    assert _error(cell, {"content": {"status": "ok"}}) is None
    # a kernel short of memory replied "error" but sent no error output
    assert _error(cell, {"content": {"status": "error", "ename": "MemoryError",
                                     "evalue": "x" * 1000}}) == {
        "ename": "MemoryError", "evalue": "x" * 300}
    assert _error(cell, {"content": {"status": "aborted"}}) == {"ename": "Error",
                                                                "evalue": ""}
    cell.outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="v",
                                           traceback=[])]
    assert _error(cell, {"content": {"status": "error", "ename": "MemoryError"}}) == {
        "ename": "ValueError", "evalue": "v"}  # the cell's own error comes first


def test_worker_threads_share_one_checker_stub(monkeypatch):
    import tempfile
    import time
    import types
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    from crmlab.grading import sandbox
    from crmlab.grading.sandbox import Sandbox, answer_key_files

    def slow(*args, **kwargs):  # widen the window two threads could both write a stub in
        time.sleep(0.05)
        return tempfile.TemporaryDirectory(*args, **kwargs)

    monkeypatch.setattr(sandbox, "tempfile", types.SimpleNamespace(TemporaryDirectory=slow))
    box = Sandbox("/usr/bin/bwrap")
    with ThreadPoolExecutor(max_workers=8) as pool:
        commands = list(pool.map(lambda _: box.command(["python"]), range(32)))
    checker = str(answer_key_files()[0])
    stubs = {cmd[cmd.index(checker) - 1] for cmd in commands}
    assert stubs == {str(box.stub)} and box.stub.read_text().startswith('"""Hidden')
    folder = Path(box.stub).parent
    assert [p.name for p in folder.iterdir()] == ["hidden_checker.py"]
    box.close()
    assert box.stub is None and not folder.exists()


def test_only_a_students_own_folder_sends_its_files_into_the_sandbox(tmp_path):
    import base64

    from crmlab.grading.execute import MAX_FILES, _files

    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "ana.ipynb").write_text("{}")
    (flat / "bo_notes.csv").write_text("a classmate's file")
    (flat / "grades.csv").write_text("the instructor's file")
    assert list(_files(flat / "ana.ipynb", "03_rfm")) == ["ana.ipynb"]
    own = tmp_path / "ana"
    own.mkdir()
    (own / "03_rfm.ipynb").write_text("{}")
    (own / "my_data.csv").write_text("x\n1\n")
    (own / ".hidden").write_text("")
    (own / "other.ipynb").write_text("{}")
    (own / "big.bin").write_bytes(b"0" * (MAX_FILES + 1))
    (own / "link.csv").symlink_to(flat / "grades.csv")
    files = _files(own / "03_rfm.ipynb", "03_rfm")
    assert sorted(files) == ["03_rfm.ipynb", "my_data.csv"]
    assert base64.b64decode(files["my_data.csv"]) == b"x\n1\n"


def test_a_view_folder_under_tmp_stays_visible_inside_the_private_tmp(monkeypatch):
    """A course or virtual environment cloned under /tmp (as CI may) must be seen, read-only,
    inside the sandbox, whose own /tmp is private: the view is mounted on top of it."""
    import subprocess
    import tempfile
    from pathlib import Path

    from sandbox_helpers import find_bwrap

    from crmlab.grading import sandbox
    from crmlab.grading.sandbox import Sandbox

    bwrap, why = find_bwrap()
    if bwrap is None:
        pytest.skip(why)
    with tempfile.TemporaryDirectory(dir="/tmp", prefix="crmlab-view-") as folder, \
            tempfile.NamedTemporaryFile(dir="/tmp", prefix="crmlab-host-") as host:
        marker = Path(folder) / "marker.txt"
        marker.write_text("seen")
        (Path(folder) / "grader-only.txt").write_text("x")
        shown = sandbox._package_folders
        monkeypatch.setattr(sandbox, "_package_folders", lambda: [*shown(), Path(folder)])
        box = Sandbox(bwrap)
        try:
            cmd = box.command(["/bin/sh", "-c", f"cat {marker}; ls /tmp; touch {marker}"])
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        finally:
            box.close()
    assert done.stdout.startswith("seen"), done.stderr
    assert "Read-only file system" in done.stderr  # visible, not writable
    assert "crmlab-view-" in done.stdout  # /tmp holds only the bound folder ...
    assert Path(host.name).name not in done.stdout  # ... not the host's /tmp


def test_the_grader_reads_the_attempt_log_the_kernel_writes():
    from crmlab.exercises import _attempts
    from crmlab.grading.batch import ATTEMPT_LOG

    assert ATTEMPT_LOG == _attempts.FILE
