"""Structural tests of the ten solution notebooks and their registered exercises.

The same rules hold for every chapter, so each test is parametrized over the chapters;
the chapter number and the number of exercises are read from the notebook. What is
particular to one chapter (its numbers, wrong answers, hidden-test values) stays in
``test_exercises_chNN.py``.
"""

from __future__ import annotations

import builtins
import importlib
import re

import pytest
from exercise_helpers import (
    SOLUTIONS,
    code_cells,
    english,  # noqa: F401  (autouse fixture)
    fails,
    hidden,
    imported,
    loaded,
    passes,
    read_solution,
    stored,
)

from crmlab.exercises import questions
from crmlab.exercises._registry import _EXERCISES, judge
from crmlab.exercises.markers import has_region, regions
from crmlab.grading.assignment import free_names
from crmlab.grading.rubric import levels

NOTEBOOKS = ["01_acquisition.ipynb", "02_man_rule.ipynb", "03_rfm.ipynb",
             "04_pyramid_long_tail.ipynb", "05_key_accounts.ipynb", "06_segmentation.ipynb",
             "07_satisfaction.ipynb", "08_management_bias.ipynb", "09_clv.ipynb",
             "11_customer_needs.ipynb"]
# what the (ungraded) setup cell of a chapter must do, besides loading its data
SETUP_WORDS = {6: ["customer_features"]}
# modules a chapter's check cells (their hidden tests) may read besides crmlab
CHECK_CELL_MODULES = {5: {"pd"}}
# chapters whose right answers their own test file checks instead: ch05's
# ``expected("5.2")`` / ``("5.3")`` is a dict of which the answer is one field
RIGHT_ANSWERS_IN_CHAPTER_FILE = {5}
# the names a notebook's kernel has without any cell defining them
PROVIDED = {"crmlab", "check", "pd", "np", "plt"}


def _chapter(name: str) -> tuple[int, int]:
    """(chapter number, number of exercises = number of check cells) of a solution."""
    n = sum(1 for meta, _ in code_cells(SOLUTIONS / name) if meta.get("grade"))
    return int(name[:2]), n


CHAPTERS = [pytest.param(name, *_chapter(name), id=f"ch{name[:2]}") for name in NOTEBOOKS]
QUESTIONS = [pytest.param(chapter, f"{chapter}.{k}", id=f"{chapter}.{k}")
             for _, chapter, n in (p.values for p in CHAPTERS) for k in range(1, n + 1)]


@pytest.mark.parametrize(("name", "chapter", "n"), CHAPTERS)
def test_solution_layout(name, chapter, n):
    solution = SOLUTIONS / name
    cells = code_cells(solution)
    answers = [m["grade_id"] for m, _ in cells if m.get("solution")]
    checks = [(m["grade_id"], m["points"]) for m, _ in cells if m.get("grade")]
    assert n >= 5
    assert answers == [f"answer_{chapter}_{k}" for k in range(1, n + 1)]
    assert [g for g, _ in checks] == [f"check_{chapter}_{k}" for k in range(1, n + 1)]
    # the open question's written reasoning: the last (and only) hand-graded markdown cell;
    # only an about-these-data exercise and a concept check may follow the open question
    nb = read_solution(solution)
    reasoning = [c for c in nb.cells if c.cell_type == "markdown"
                 and c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    assert len(reasoning) == 1, name
    last = reasoning[0]
    last_meta = last.metadata["nbgrader"]
    n_open = int(last_meta["grade_id"].rsplit("_", 1)[1])
    assert n - n_open <= 2, name
    assert sum(p for _, p in checks) + last_meta["points"] == 10  # checks + reasoning
    graded = [cell for meta, cell in cells if meta.get("grade")]
    for k, cell in enumerate(graded, start=1):
        assert cell.source.startswith(f'crmlab.check("{chapter}.{k}", '), (name, k)
    meta, setup = cells[0]  # the first code cell sets up, ungraded
    assert not meta
    for word in ["load_data", *SETUP_WORDS.get(chapter, [])]:
        assert word in setup.source, (name, word)
    assert has_region(last.source, "solution")
    # the written reasoning is an nbgrader manual answer with points and a 3-level rubric
    points = last.metadata["nbgrader"]["points"]
    assert last.metadata["nbgrader"] == {"grade_id": f"reasoning_{chapter}_{n_open}",
                                         "solution": True, "grade": True, "points": points,
                                         "locked": False, "schema_version": 3}
    assert 1 <= points <= 1.5
    rubric = levels(last.source, points, where=name)
    assert [(lv.level, lv.points) for lv in rubric] == [
        ("full", points), ("partial", points / 2), ("none", 0)]
    assert all(len(lv.text) > 40 for lv in rubric), rubric
    assert any(ch.isdigit() for ch in rubric[0].text)  # grounded in the chapter's numbers
    assert re.search(r"[\u4e00-\u9fff]", " ".join(lv.text for lv in rubric)), name  # 中文 terms
    # the rubric sits inside the solution region: gone from the student version
    begin, end = regions(last.source, "solution")[0]
    inside = "\n".join(last.source.split("\n")[begin:end])
    assert "Rubric · 评分标准" in inside and "* **Partial · 部分分" in inside
    student = (SOLUTIONS.parent / "exercises" / name).read_text(encoding="utf-8")
    assert "评分标准 (" not in student and "Full · 满分" not in student
    assert rubric[0].text[:30] not in student
    # the exercise says how its points split between the check and the reasoning (in a
    # discussion with a decision, the decision goes with the reasoning)
    assert (f"your reasoning {points:g}; your instructor grades" in student
            or f"your reasoning, worth {points:g}, and grades both" in student)


@pytest.mark.parametrize(("name", "chapter", "n"), CHAPTERS)
def test_answer_cells_are_self_contained(name, chapter, n):
    """Each answer cell reads only what the setup cells define, never another answer."""
    cells = code_cells(SOLUTIONS / name)
    provided = set(PROVIDED)
    for meta, cell in cells:
        if not meta:
            provided |= stored(cell.source) | imported(cell.source)
    answer_cells = [(m["grade_id"], c.source) for m, c in cells if m.get("solution")]
    assert len(answer_cells) == n
    for gid, source in answer_cells:
        free = (loaded(source) - stored(source)) | set(free_names(source))
        assert free - set(dir(builtins)) <= provided, (gid, free - provided)
        for other, other_source in answer_cells:
            if other != gid:
                assert not free & stored(other_source), (gid, other, free & stored(other_source))


@pytest.mark.parametrize(("name", "chapter", "n"), CHAPTERS)
def test_check_cells_read_only_their_answers(name, chapter, n):
    modules = {"crmlab", *CHECK_CELL_MODULES.get(chapter, set())}
    assigned: set[str] = set()
    for meta, cell in code_cells(SOLUTIONS / name):
        if meta.get("solution"):
            assigned = stored(cell.source)
        elif meta.get("grade"):
            free = {v for v in loaded(cell.source) - stored(cell.source)
                    if v not in modules and not hasattr(builtins, v)}
            assert free and free <= assigned, (meta["grade_id"], free, assigned)


@pytest.mark.parametrize(("name", "chapter", "n"), CHAPTERS)
def test_every_check_cell_has_hidden_tests(name, chapter, n):
    checks = [cell.source for meta, cell in code_cells(SOLUTIONS / name) if meta.get("grade")]
    assert len(checks) == n
    for source in checks:
        assert hidden(source).strip()


@pytest.mark.parametrize(("name", "chapter", "n"), CHAPTERS)
def test_questions_are_registered_in_order_with_hints_in_both_languages(name, chapter, n):
    assert questions(chapter) == [f"{chapter}.{k}" for k in range(1, n + 1)]
    for qid in questions(chapter):
        hints = _EXERCISES[qid].hints
        assert hints and all(h.en and h.zh for h in hints), qid


@pytest.mark.parametrize(("chapter", "qid"), QUESTIONS)
def test_expected_answer_passes_and_blank_fails(chapter, qid):
    if chapter not in RIGHT_ANSWERS_IN_CHAPTER_FILE:
        module = importlib.import_module(f"crmlab.exercises.ch{chapter:02d}")
        passes(qid, module.expected(qid))
    fails(qid, ..., "Not answered yet")
    fails(qid, None, "Not answered yet")
    assert judge(qid, ...).hint  # a failing answer always gets a hint
