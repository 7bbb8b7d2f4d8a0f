"""Helpers shared by the chapter exercise tests (``test_exercises_chNN.py``) and the
structural tests of the solution notebooks (``test_exercise_notebooks.py``).

A plain module, not a test file: pytest puts ``tests/`` on ``sys.path``, so the test
modules do ``from exercise_helpers import fails, passes, ...``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from crmlab.exercises import set_language
from crmlab.exercises._registry import judge
from crmlab.exercises.markers import hidden_tests as hidden_tests_of

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"


@pytest.fixture(autouse=True)
def english():
    """Feedback in English for every test of a module that imports this fixture."""
    set_language("en")
    yield
    set_language("en")


# ---------------------------------------------------------------- judging answers


def fails(qid, answer, *words, whole_message=False):
    """Judge a wrong answer: it must fail, with feedback containing every word.

    The feedback is the problems joined by spaces, or with ``whole_message=True`` the
    full message the student sees (problems and hint). Returns that text.
    """
    result = judge(qid, answer)
    assert not result.passed, f"{qid}: {answer!r} passed"
    text = result.message() if whole_message else " ".join(result.problems)
    for word in words:
        assert word in text, f"{qid}: {word!r} not in {text!r}"
    return text


def passes(qid, answer):
    """Judge a right answer: it must pass."""
    result = judge(qid, answer)
    assert result.passed, result.message()


# ---------------------------------------------------------------- reading solutions


def read_solution(solution) -> nbformat.NotebookNode:
    return nbformat.read(solution, as_version=4)


def code_cells(solution) -> list[tuple[dict, nbformat.NotebookNode]]:
    """The code cells of a solution notebook as ``(nbgrader metadata or {}, cell)``."""
    nb = read_solution(solution)
    return [(c.metadata.get("nbgrader", {}), c) for c in nb.cells if c.cell_type == "code"]


def _parse(code: str) -> ast.Module:
    """Parse a notebook cell: IPython syntax (``%precision``) first becomes Python."""
    from IPython.core.inputtransformer2 import TransformerManager

    return ast.parse(TransformerManager().transform_cell(code))


def stored(code: str) -> set[str]:
    """Names the code assigns to."""
    return {n.id for n in ast.walk(_parse(code))
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def loaded(code: str) -> set[str]:
    """Names the code reads."""
    return {n.id for n in ast.walk(_parse(code))
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def imported(code: str) -> set[str]:
    """Top-level names the code's imports bind."""
    return {(a.asname or a.name).split(".")[0] for n in ast.walk(_parse(code))
            if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}


# ---------------------------------------------------------------- hidden tests


def hidden(source: str, *, where: str = "cell") -> str:
    """The code between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``
    (:func:`crmlab.exercises.markers.hidden_tests`, the grader's parser)."""
    return hidden_tests_of(source, where=where)


def hidden_tests(solution) -> dict[str, str]:
    """``{grade_id: hidden test code}`` of every check cell of a solution notebook."""
    name = Path(solution).name
    return {m["grade_id"]: hidden(c.source, where=f"{name} {m['grade_id']}")
            for m, c in code_cells(solution) if m.get("grade")}


def plain(value, *, keep_int_labels=False):
    """A value as the grader sees it: a Series comes back with plain ``str`` labels
    (integer labels stay integers with ``keep_int_labels=True``); anything else as is."""
    if not isinstance(value, pd.Series):
        return value
    index = [i if keep_int_labels and isinstance(i, (int, np.integer)) else str(i)
             for i in value.index]
    return pd.Series(value.to_numpy(), index=index)
