"""The one parser of nbgrader's markers, used by the builder, the grader and the tests."""

from __future__ import annotations

import nbformat
import pytest

from crmlab import CRMDataError
from crmlab.exercises import markers, student_version
from crmlab.exercises.markers import (
    BEGIN_HIDDEN,
    BEGIN_SOLUTION,
    END_HIDDEN,
    END_SOLUTION,
    Region,
    cell_name,
    has_region,
    hidden_tests,
    regions,
    split_hidden,
)
from crmlab.grading import layout

CHECK = "check('3.1', x)\n### BEGIN HIDDEN TESTS\nassert x > 0\n### END HIDDEN TESTS"


def test_markers_are_nbgraders():
    assert (BEGIN_SOLUTION, END_SOLUTION) == ("### BEGIN SOLUTION", "### END SOLUTION")
    assert (BEGIN_HIDDEN, END_HIDDEN) == ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
    assert markers.KINDS == {"solution": (BEGIN_SOLUTION, END_SOLUTION),
                             "hidden": (BEGIN_HIDDEN, END_HIDDEN)}


def test_regions_in_order_with_indentation_and_spaces():
    source = ("def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION  \n"
              "y = 1\n### BEGIN SOLUTION\nz = 2\n### END SOLUTION")
    assert regions(source, "solution") == [Region(1, 3), Region(5, 7)]
    assert regions(source.split("\n"), "solution") == [Region(1, 3), Region(5, 7)]
    assert regions(source, "hidden") == []


@pytest.mark.parametrize("prose", [
    "# Put the answer between ### BEGIN SOLUTION and ### END SOLUTION lines.",
    "Mark hidden tests with `### BEGIN HIDDEN TESTS`.",
    "print('### END HIDDEN TESTS')",
    "#### BEGIN SOLUTION",
    "### BEGIN SOLUTION here",
    "### begin solution",
])
def test_a_marker_mentioned_in_prose_is_not_a_marker(prose):
    for kind in markers.KINDS:
        assert regions(prose, kind) == []
        assert not has_region(prose, kind)
    assert split_hidden(prose) == (prose, "")
    md = nbformat.v4.new_markdown_cell(prose)
    out = student_version(nbformat.v4.new_notebook(cells=[md]))
    assert out.cells[0].source == prose


@pytest.mark.parametrize(("kind", "source", "line", "words"), [
    ("solution", "x = 1\n### BEGIN SOLUTION\ny = 2", 2, "never closed with '### END SOLUTION'"),
    ("hidden", "check(x)\n### BEGIN HIDDEN TESTS\nassert x", 2,
     "never closed with '### END HIDDEN TESTS'"),
    ("solution", "x = 1\n### END SOLUTION", 2, "'### END SOLUTION' without '### BEGIN SOLUTION'"),
    ("solution", "### BEGIN SOLUTION\nx = 1\n  ### BEGIN SOLUTION\n### END SOLUTION", 3,
     "inside another region"),
    ("hidden", "### BEGIN HIDDEN TESTS\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS", 2,
     "inside another region"),
    ("solution", "### BEGIN SOLUTION\n### END SOLUTION\n### END SOLUTION", 3, "without"),
])
def test_bad_markers_raise_naming_notebook_cell_and_line(kind, source, line, words):
    where = cell_name("03_rfm.ipynb", 7)
    with pytest.raises(CRMDataError) as info:
        regions(source, kind, where=where)
    message = str(info.value)
    assert message.startswith(f"03_rfm.ipynb cell 7: line {line}: "), message
    assert words in message


def test_unknown_kind_is_a_clear_error():
    with pytest.raises(CRMDataError, match="kind='tests' is not one of 'solution', 'hidden'"):
        regions("x", "tests")


def test_split_hidden_drops_markers_and_keeps_the_rest():
    assert split_hidden(CHECK) == ("check('3.1', x)", "assert x > 0")
    two = "a\n### BEGIN HIDDEN TESTS\nb\n### END HIDDEN TESTS\nc\n  ### BEGIN HIDDEN TESTS\nd\n" \
          "  ### END HIDDEN TESTS\n"
    assert split_hidden(two) == ("a\nc\n", "b\nd")
    assert hidden_tests(two) == "b\nd"
    assert split_hidden("check(x)") == ("check(x)", "")


def test_split_hidden_names_the_cell():
    with pytest.raises(CRMDataError, match=r"^05\.ipynb cell 2: line 2: .*never closed"):
        split_hidden("check(x)\n### BEGIN HIDDEN TESTS\nassert x", where="05.ipynb cell 2")


def test_builder_and_grader_use_the_same_strictness(tmp_path):
    """A solution notebook with an unclosed hidden-test region fails the build and the
    grader's layout alike, both naming the notebook, the cell and the line."""
    answer = nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")
    answer.metadata["nbgrader"] = {"grade_id": "answer_1_1", "solution": True}
    check = nbformat.v4.new_code_cell("crmlab.check('1.1', x)\n### BEGIN HIDDEN TESTS\n"
                                      "assert x == 1")
    check.metadata["nbgrader"] = {"grade_id": "check_1_1", "grade": True, "points": 1}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 1"), answer, check])
    path = tmp_path / "01_bad.ipynb"
    nbformat.write(nb, path)
    expected = r"01_bad\.ipynb cell 2: line 2: '### BEGIN HIDDEN TESTS' is never closed"
    with pytest.raises(CRMDataError, match=expected):
        student_version(nb, name=path.name)
    with pytest.raises(CRMDataError, match=expected):
        layout(path)


def test_test_helpers_read_hidden_tests_with_the_same_parser():
    from exercise_helpers import hidden

    assert hidden(CHECK) == hidden_tests(CHECK)
    with pytest.raises(CRMDataError, match="never closed"):
        hidden("check(x)\n### BEGIN HIDDEN TESTS")
