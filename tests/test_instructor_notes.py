"""The instructor notes (instructors/NN_*.md) stay complete and true to the notebooks.

* every chapter notebook (notebooks/NN_*.ipynb, NN >= 01) has a notes file of the same name;
* each notes file has the five section headings, and copies the chapter's "After this
  chapter you can" list word for word;
* every exercise of the chapter's solution notebook ("## Exercise N.M") is named in its notes;
* every number in a "Model answers" section that is followed by a unit or % appears in
  the chapter notebook's printed outputs or text (markdown and code), so a model answer
  cannot quote a figure the notebook does not show. Block quotes ("> ...") are exempt: the
  notes use them only to quote the textbook's answer key (e.g. Costco's 6-14 % markup),
  whose figures are the key's, not the data's.

Plain json and re, no kernel: the whole module runs in well under a second.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTES = ROOT / "instructors"
CHAPTERS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
                  if not p.stem.startswith("00"))

SECTIONS = ("Objectives", "Teaching plan", "Model answers", "Common student mistakes",
            "About these data")

#: A number (1,499 / 0.23 / 57.9 / -3) followed by a unit or a percent sign.
UNITS = (r"%|yuan|元|customers?|members?|leads?|orders?|accounts?|hours?|days?|weeks?"
         r"|years?|points?|percentage points|segments?|purchases?")
QUOTED = re.compile(rf"(?<![\w.,])(-?\d[\d,]*(?:\.\d+)?)\s?(?:{UNITS})(?![A-Za-z])")


def _notebook_text(path: Path) -> str:
    """Markdown, code and every printed output of a notebook, as one string."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        parts.append("".join(cell["source"]))
        for out in cell.get("outputs", []):
            if "text" in out:
                parts.append("".join(out["text"]))
            for key in ("text/plain", "text/html", "text/markdown"):
                if key in out.get("data", {}):
                    parts.append("".join(out["data"][key]))
    return "\n".join(parts)


def _section(text: str, title: str) -> str:
    """The body of the '## ... title' section, up to the next '## ' heading."""
    match = re.search(rf"^## [^\n]*{re.escape(title)}[^\n]*\n(.*?)(?=^## |\Z)", text,
                      flags=re.M | re.S)
    return match.group(1) if match else ""


def _shown(number: str, corpus: str) -> bool:
    """Whether the number appears in the corpus as a whole number (commas optional).

    "3242" is shown by a printed "3242.0" (trailing zeros), not by "3242.5" or "13242".
    """
    forms = {number, number.replace(",", "")}
    if number.startswith("-"):
        forms |= {"−" + f[1:] for f in forms}
    return any(re.search(rf"(?<![\d.,]){re.escape(f)}(?!\d|,\d|\.0*[1-9])", corpus) for f in forms)


def test_every_chapter_has_notes():
    assert CHAPTERS, "no chapter notebooks found"
    missing = [c for c in CHAPTERS if not (NOTES / f"{c}.md").is_file()]
    assert not missing, f"chapters without instructor notes: {missing}"
    assert (NOTES / "README.md").is_file()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_notes_have_the_five_sections(chapter):
    text = (NOTES / f"{chapter}.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    for title in SECTIONS:
        assert any(title in h for h in headings), f"{chapter}: no '## ... {title}' heading"
        assert _section(text, title).strip(), f"{chapter}: section '{title}' is empty"


def _objectives(chapter: str) -> list[str]:
    """The numbered items of the chapter's "After this chapter you can" list, one line each."""
    nb = json.loads((ROOT / "notebooks" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    first = "".join(nb["cells"][0]["source"])
    block = first.split("**After this chapter you can:**", 1)[1].strip("\n")
    block = re.split(r"\n\n(?!\d)", block, maxsplit=1)[0]
    items = re.findall(r"^\d+\. (.*?)(?=^\d+\. |\Z)", block, flags=re.M | re.S)
    return [" ".join(item.split()) for item in items]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_notes_copy_the_objectives(chapter):
    text = " ".join((NOTES / f"{chapter}.md").read_text(encoding="utf-8").split())
    objectives = _objectives(chapter)
    assert objectives, f"{chapter}: no 'After this chapter you can' list in the notebook"
    missing = [o for o in objectives if o not in text]
    assert not missing, f"{chapter}: objectives not copied into the notes: {missing}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_notes_name_every_exercise(chapter):
    text = (NOTES / f"{chapter}.md").read_text(encoding="utf-8")
    path = ROOT / "solutions" / f"{chapter}.ipynb"
    if not path.exists():  # the capstone: its final project is the exercise
        assert "期末项目" in text and "rubric" in text, f"{chapter}: no exercise notebook, and " \
            "the notes do not cover the final project and its rubric"
        return
    solution = _notebook_text(path)
    numbers = re.findall(r"^## Exercise (\d+\.\d+)", solution, flags=re.M)
    assert numbers, f"{chapter}: no exercises found in the solution notebook"
    missing = [n for n in numbers if not re.search(rf"(?<![\d.]){re.escape(n)}(?!\d)", text)]
    assert not missing, f"{chapter}: exercises not named in the notes: {missing}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_model_answers_quote_the_outputs(chapter):
    text = (NOTES / f"{chapter}.md").read_text(encoding="utf-8")
    answers = _section(text, "Model answers")
    answers = "\n".join(line for line in answers.splitlines()
                        if not line.lstrip().startswith(">"))
    corpus = _notebook_text(ROOT / "notebooks" / f"{chapter}.ipynb")
    quoted = QUOTED.findall(answers)
    unshown = sorted({n for n in quoted if not _shown(n, corpus)})
    assert not unshown, (f"{chapter}: model answers quote numbers the notebook does not "
                         f"show: {unshown}")


def test_the_number_check_bites():
    corpus = "spend 1,499 yuan; share 57.9 %; n = 5000"
    assert _shown("1,499", corpus) and _shown("1499", "1499") and _shown("5,000", corpus)
    assert not _shown("57", corpus) and not _shown("1,4", corpus)
    assert _shown("3242", "mean 3242.0") and not _shown("3242", "3242.5")
    assert QUOTED.findall("about 57.9 % and 1,499 yuan, k = 5") == ["57.9", "1,499"]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_header_names_the_exercises_the_solution_has(chapter):
    """The first lines' "(N.1–N.M)" range is the solution notebook's first to last exercise."""
    path = ROOT / "solutions" / f"{chapter}.ipynb"
    if not path.exists():
        return
    head = "\n".join((NOTES / f"{chapter}.md").read_text(encoding="utf-8").splitlines()[:6])
    stated = re.search(r"\((\d+\.\d+)–(\d+\.\d+)\)", head)
    assert stated, f"{chapter}: the header does not give the exercises' range (N.1–N.M)"
    numbers = re.findall(r"^## Exercise (\d+\.\d+)", _notebook_text(path), flags=re.M)
    assert stated.groups() == (numbers[0], numbers[-1]), chapter


@pytest.mark.parametrize("path", sorted([*NOTES.glob("*.md"),
                                         *(ROOT / "zh" / "instructors").glob("*.md")]),
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notes_use_the_glossary_terms(path):
    """English and Chinese notes: no word the glossary avoids (one term per concept)."""
    from crmlab import glossary

    wrong = glossary.misnamed(path.read_text(encoding="utf-8"), pairs=False)
    assert not wrong, "\n".join(wrong)
