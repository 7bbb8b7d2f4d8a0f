"""The Chinese edition: every translation complete and current, every Chinese notebook built
from its English source (same cells, same code, the same numbers in every output)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from crmlab import CRMDataError, editions

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = sorted((ROOT / "translations" / "zh").rglob("*.yaml"))
ALL_SOURCES = [editions.source_of(p) for p in TRANSLATIONS]
ALL_IDS = [p.relative_to(ROOT).as_posix() for p in ALL_SOURCES]
SOURCES = [p for p in ALL_SOURCES if p.suffix == ".ipynb"]
IDS = [p.relative_to(ROOT).as_posix() for p in SOURCES]
NOTES = [p for p in ALL_SOURCES if p.suffix == ".md"]


def test_there_is_a_chinese_edition():
    assert SOURCES, "no translation files in translations/zh/"


@pytest.mark.parametrize("source", ALL_SOURCES, ids=ALL_IDS)
def test_every_translation_is_complete_and_current(source):
    assert editions.problems(source) == []


@pytest.mark.parametrize("source", NOTES, ids=[p.name for p in NOTES])
def test_the_chinese_instructor_note_is_built_from_its_source(source):
    built = editions.edition_path(source).read_text(encoding="utf-8")
    entries = yaml.safe_load(editions.translation_path(source).read_text(encoding="utf-8"))
    units = editions.sections(source.read_text(encoding="utf-8"))
    assert built == "\n\n".join(editions.flow(entries["cells"][i]["zh"].strip("\n"))
                                 for i, _ in units) + "\n"
    # every table of the English note keeps its rows; every number it states is kept
    en_text = source.read_text(encoding="utf-8")
    assert built.count("\n|") == en_text.count("\n|")


def test_an_instructor_note_section_is_one_unit(tmp_path):
    note = tmp_path / "instructors" / "x.md"
    note.parent.mkdir()
    note.write_text("# Note\n\nIntro.\n\n## 1. One\n\nText.\n\n```\n## not a heading\n```\n",
                    encoding="utf-8")
    editions.update(note)
    data = yaml.safe_load(editions.translation_path(note).read_text(encoding="utf-8"))
    assert [v["en"].splitlines()[0] for v in data["cells"].values()] == ["# Note", "## 1. One"]
    for value in data["cells"].values():
        value["zh"] = value["en"].replace("Note", "说明").replace("One", "一")
    editions.translation_path(note).write_text(yaml.safe_dump(data, allow_unicode=True),
                                               encoding="utf-8")
    assert editions.problems(note) == []
    assert editions.build(note).read_text(encoding="utf-8").startswith("# 说明\n")
    note.write_text(note.read_text(encoding="utf-8").replace("Text.", "New text."),
                    encoding="utf-8")
    assert "changed in English" in " ".join(editions.problems(note))


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_the_chinese_notebook_is_built_from_its_source(source):
    en = nbformat.read(source, as_version=4)
    zh = nbformat.read(editions.edition_path(source), as_version=4)
    assert [(c.id, c.cell_type) for c in zh.cells] == [(c.id, c.cell_type) for c in en.cells]
    entries = yaml.safe_load(editions.translation_path(source).read_text(encoding="utf-8"))
    for e, z in zip(en.cells, zh.cells, strict=True):
        if e.cell_type == "markdown":
            assert z.source == editions.flow(entries["cells"][e.id]["zh"].rstrip("\n")), e.id
        else:
            assert z.source.replace(editions.LANGUAGE_LINE + "\n", "", 1) == e.source, e.id
    assert sum(editions.LANGUAGE_LINE in c.source for c in zh.cells) == 1
    assert zh.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_the_chinese_edition_prints_the_same_numbers(source):
    en = editions.numbers(source)
    zh = editions.numbers(editions.edition_path(source))
    assert sum(map(len, en)) > 0
    assert zh == en


SOLUTIONS = [p for p in SOURCES if p.parent.name == "solutions"]


@pytest.mark.parametrize("source", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_the_chinese_solutions_grade_like_the_english(source):
    """Same exercises, points, hidden tests and rubric levels: the grader reads both alike."""
    from crmlab.grading.assignment import layout

    en, zh = layout(source), layout(editions.edition_path(source))
    assert [(e.number, e.grade_id, e.points, e.hidden, e.names) for e in zh.exercises] == [
        (e.number, e.grade_id, e.points, e.hidden, e.names) for e in en.exercises]
    assert [(m.number, m.grade_id, m.points, [(lv.level, lv.points) for lv in m.rubric])
            for m in zh.manual] == [
        (m.number, m.grade_id, m.points, [(lv.level, lv.points) for lv in m.rubric])
        for m in en.manual]
    assert all(m.rubric for m in zh.manual)
    assert all(e.title for e in zh.exercises)


@pytest.fixture
def course(tmp_path):
    """A copy of one notebook with its translation, to edit."""
    source = SOURCES[0]
    rel = source.relative_to(ROOT)
    for path in (source, editions.translation_path(source), editions.edition_path(source)):
        target = tmp_path / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    return tmp_path / rel


def test_editing_an_english_cell_alone_makes_its_translation_stale(course):
    nb = nbformat.read(course, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown")
    cell.source += "\n\nOne more English sentence."
    nbformat.write(nb, course)
    found = editions.problems(course)
    assert len(found) == 1 and "changed in English since it was translated" in found[0]
    assert cell.id in found[0]
    with pytest.raises(CRMDataError, match="not complete and current"):
        editions.build(course)
    # the translator updates the Chinese, then accepts the cell
    data = yaml.safe_load(editions.translation_path(course).read_text(encoding="utf-8"))
    data["cells"][cell.id]["zh"] += "\n\n再多一句。"
    editions.translation_path(course).write_text(yaml.safe_dump(data, allow_unicode=True),
                                                 encoding="utf-8")
    editions.accept(course, [cell.id])
    assert editions.problems(course) == []
    built = nbformat.read(editions.build(course), as_version=4)
    assert any(c.source.endswith("再多一句。") for c in built.cells)


def test_a_new_english_cell_without_translation_is_reported(course):
    nb = nbformat.read(course, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_markdown_cell("A new paragraph.", id="newcell1"))
    nbformat.write(nb, course)
    assert editions.problems(course) == [
        f"{course.parent.name}/{course.name}: cell newcell1 has no translation "
        "('A new paragraph.')"]
    editions.update(course)  # adds it, empty, for the translator
    added = yaml.safe_load(editions.translation_path(course).read_text(encoding="utf-8"))
    assert "newcell1" in added["cells"]


def test_a_chinese_notebook_missing_a_cell_fails_the_structure_check(course):
    zh_path = editions.edition_path(course)
    zh = nbformat.read(zh_path, as_version=4)
    del zh.cells[2]
    en = nbformat.read(course, as_version=4)
    assert [c.id for c in zh.cells] != [c.id for c in en.cells]
