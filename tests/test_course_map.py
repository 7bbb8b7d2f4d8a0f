"""The course map: every answer-key item by its number, and the notebook that works it."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
KEY = next((ROOT.parent / "shared" / "textbook").glob("003_*.txt"), None)


def _map(text: str) -> list[list[str]]:
    """The rows of the table under the "Course map" heading, each as its four cells."""
    lines = text[text.index("Course map (课程地图)"):].splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("| textbook item"))
    rows = []
    for line in lines[first + 2:]:  # after the header and the |---| line
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


def _welcome_map() -> list[list[str]]:
    nb = nbformat.read(ROOT / "notebooks" / "00_welcome.ipynb", as_version=4)
    return _map(next(c.source for c in nb.cells if "Course map (课程地图)" in c.source))


def test_readme_and_chapter_00_show_the_same_map():
    readme = _map((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(readme) >= 14
    assert readme == _welcome_map()


def test_every_item_a_notebook_claims_is_findable_there_by_its_number():
    for item, _, notebooks, status in _welcome_map():
        label = item.split()[0]  # "案例3.7", "P48", "简答题1"
        if notebooks == "–":
            assert status.startswith("not yet"), item
            continue
        for number in notebooks.split(", "):
            path = next((ROOT / "notebooks").glob(f"{number}_*.ipynb"))
            text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
            assert label in text, f"{item} is not findable in {path.name}"


def test_the_map_lists_every_case_of_the_answer_key():
    items = {row[0].split()[0] for row in _welcome_map()}
    assert {f"案例3.{k}" for k in range(1, 10)} <= items
    assert {"P46", "P48", "P49", "名词解释", "讨论题1", "讨论题2", "选择题1–7",
            *(f"简答题{k}" for k in range(1, 6))} <= items
    if KEY is not None:  # the source text, where it is checked out beside the repository
        cases = set(re.findall(r"案例3\.\d", KEY.read_text(encoding="utf-8")))
        assert cases <= items
