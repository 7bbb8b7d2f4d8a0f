"""The glossary: one Chinese term per concept, and the course uses it everywhere."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from crmlab import CRMDataError, glossary

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("solutions/*.ipynb"),
                    *ROOT.glob("exercises/*.ipynb"), *ROOT.glob("zh/**/*.ipynb")])


def test_every_name_finds_its_term_and_names_are_unique():
    seen: dict[str, str] = {}
    for t in glossary.terms():
        for name in (t.key, t.english, t.chinese, *t.aliases):
            assert glossary.lookup(name) == t
            assert seen.setdefault(name.casefold(), t.key) == t.key, name
        assert t.definition and t.chapter.isdigit()
    chinese = {t.chinese for t in glossary.terms()}
    for t in glossary.terms():  # a word to avoid is never another concept's term
        assert not set(t.avoid) & chinese, t.key


def test_lookup_explains_a_word_to_avoid_and_a_typo():
    with pytest.raises(CRMDataError, match="the course calls 边际乘数 利润乘数"):
        glossary.lookup("边际乘数")
    with pytest.raises(CRMDataError, match="Closest: 'customer lifetime value'"):
        glossary.lookup("customer lifetime valu")


def test_table_by_chapter():
    t = glossary.table("09")
    assert t.loc["customer lifetime value", "chinese"] == "客户终身价值"
    assert set(t["chapter"]) == {"09"}
    assert len(glossary.table()) == len(glossary.terms())


def test_misnamed_finds_both_kinds():
    assert glossary.misnamed("an acquisition cost (获取成本)") == [
        "获取成本 for cost per acquisition: use 获客成本",
        "an acquisition cost (获取成本): use 获客成本"]
    assert glossary.misnamed("margin multiple (利润乘数), churn rate (客户流失率)") == []
    assert glossary.misnamed("CLV (客户生命周期价值)", pairs=False) == [
        "客户生命周期价值 for customer lifetime value: use 客户终身价值"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebooks_use_the_glossary_terms(path):
    nb = nbformat.read(path, as_version=4)
    wrong = [f"cell {i}: {m}" for i, cell in enumerate(nb.cells)
             for m in glossary.misnamed(cell.source, pairs=cell.cell_type == "markdown")]
    assert not wrong, "\n".join(wrong)


def test_crmlab_own_text_uses_the_glossary_terms():
    wrong = [f"{p.relative_to(ROOT)}: {m}"
             for p in sorted((ROOT / "crmlab").rglob("*.py")) if p.name != "glossary.py"
             for m in glossary.misnamed(p.read_text(encoding="utf-8"), pairs=False)]
    assert not wrong, "\n".join(wrong)


def test_the_chinese_readme_uses_the_glossary_terms():
    text = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    assert not glossary.misnamed(text, pairs=False)
