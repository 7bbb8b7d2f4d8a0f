"""Data of their own: a roster builds one notebook set per student, and the grader uses it.

A class of three (ana, bo, cy) gets notebooks whose first cell loads each student's own
variant of the data. Each student's filled-in solution (the solution notebook's code on
the student's variant) passes its own checks and fails with a classmate's numbers;
``crmlab grade --roster`` gives full marks to the three, and none to the data-dependent
exercises of a classmate's notebook handed in as one's own or of a notebook whose
``set_variant`` line was changed, with feedback that says the numbers do not fit the
student's data and accuses no one. Chapters 02 (leads) and 05 (accounts) are used: their
variants take milliseconds to make (the retail data's take about 0.4 s each).
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

import crmlab
from crmlab import CRMDataError
from crmlab.cli import main
from crmlab.datasets import variant_of
from crmlab.exercises import CheckFailed, clear_hidden_tests, student_version
from crmlab.exercises._registry import lookup
from crmlab.grading import layout
from crmlab.grading.batch import on_data
from crmlab.grading.feedback import TRIED, read_table
from crmlab.grading.roster import MANIFEST, VARIANT_COMMENT, build_roster, own_data, read_roster

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
CLASS = {"ana": "Ana", "bo": "Bo", "cy": "Cy"}
CHAPTERS = ["02_man_rule", "05_key_accounts"]
GRADED = "02_man_rule"

pytestmark = pytest.mark.skipif(
    not all((SOLUTIONS / f"{c}.ipynb").exists() for c in CHAPTERS),
    reason="no solutions/02_man_rule.ipynb or 05_key_accounts.ipynb")


def _roster(folder: Path, text: str, encoding: str = "utf-8") -> Path:
    path = folder / "roster.csv"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    roster = _roster(tmp, "student_id,name\n" + "".join(f"{s},{n}\n" for s, n in CLASS.items()))
    written = build_roster(roster, SOLUTIONS, tmp / "students")
    return tmp, roster, written


def _code(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def test_one_folder_per_student_with_every_notebook_on_the_students_own_data(built):
    tmp, _, written = built
    names = sorted(p.name for p in SOLUTIONS.glob("*.ipynb"))
    for student in CLASS:
        assert sorted(p.name for p in (tmp / "students" / student).glob("*.ipynb")) == names
    manifest = pd.read_csv(tmp / "students" / MANIFEST, encoding="utf-8-sig", dtype=str)
    assert manifest["student_id"].tolist() == list(CLASS)
    assert manifest["name"].tolist() == list(CLASS.values())
    assert manifest["variant"].tolist() == [variant_of(s) for s in CLASS]
    assert written[-1] == tmp / "students" / MANIFEST
    for name in CHAPTERS:
        shared = student_version(nbformat.read(SOLUTIONS / f"{name}.ipynb", as_version=4))
        sources = []
        for student in CLASS:
            nb = nbformat.read(tmp / "students" / student / f"{name}.ipynb", as_version=4)
            nbformat.validate(nb)
            # the setup cell loads the student's variant first, before any data
            first = _code(nb)[0].splitlines()
            assert first[0] == "import crmlab"
            assert first[1] == (f'crmlab.datasets.set_variant("{variant_of(student)}")  '
                                f"{VARIANT_COMMENT}")
            assert "do not change this line; the grader uses the roster" in first[1]
            # everything else, nbgrader's metadata included, is the shared student version
            assert len(nb.cells) == len(shared.cells)
            for mine, theirs in zip(nb.cells, shared.cells, strict=True):
                assert mine.metadata == theirs.metadata
                assert mine.source.replace(first[1] + "\n", "", 1) == theirs.source
            sources.append(_code(nb)[0])
        assert len(set(sources)) == len(CLASS)


def _same(a, b) -> bool:
    if isinstance(a, (pd.Series, pd.DataFrame)):
        return type(a) is type(b) and a.equals(b)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple, np.ndarray)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _filled_in(name: str, variant: str):
    """The student's filled-in notebook: the solution's code, on the student's data."""
    nb = nbformat.read(SOLUTIONS / f"{name}.ipynb", as_version=4)
    for cell in nb.cells:
        clear_hidden_tests(cell)
    return own_data(nb, variant)


def _run_here(nb, lay) -> dict[str, dict]:
    """Run a notebook's code in this process; return the values each check cell read.

    Every check cell runs as the student runs it (``crmlab.check`` raises when an answer
    does not pass); ``%`` magics are left out.
    """
    names = {ex.grade_id: ex.names for ex in lay.exercises}
    space: dict = {}
    seen = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in names:
            seen[gid] = {n: copy.deepcopy(space[n]) for n in names[gid]}
        code = "\n".join(line for line in cell.source.splitlines()
                         if not line.lstrip().startswith("%"))
        exec(compile(code, f"<{gid or 'cell'}>", "exec"), space)  # noqa: S102
    return seen


@pytest.fixture(scope="module")
def answers():
    """Each student's values of each check cell, from running the filled-in solution here."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CRMLAB_ATTEMPTS", "off")
        got = {}
        for name in CHAPTERS:
            lay = layout(SOLUTIONS / f"{name}.ipynb")
            for student in CLASS:
                with on_data(None):  # the notebook's own set_variant line sets the data
                    got[name, student] = _run_here(_filled_in(name, variant_of(student)), lay)
    return got


def _qids(public: str) -> list[str]:
    return re.findall(r"check\(\s*[\"'](\d+\.\w+)[\"']", public)


def _fixed(qid: str) -> bool:
    """An exercise whose answer is the same for every student: a concept check's letter,
    or a worked example with its numbers in the task (it reads no dataset)."""
    ex = lookup(qid)
    want = ex.expected()
    letter = isinstance(want, str) and want in ("A", "B", "C", "D")
    return letter or (not ex.data and "simulate" not in (ex.task.en if ex.task else ""))


@pytest.mark.parametrize("name", CHAPTERS)
def test_own_answers_pass_and_a_classmates_numbers_do_not_fit(name, answers, monkeypatch):
    monkeypatch.setenv("CRMLAB_ATTEMPTS", "off")
    lay = layout(SOLUTIONS / f"{name}.ipynb")
    students = list(CLASS)
    data_dependent = 0
    for ex in lay.exercises:
        qids = _qids(ex.public)
        assert qids, ex.grade_id
        for me, mate in zip(students, students[1:] + students[:1], strict=True):
            keys = []
            for variant in (variant_of(me), variant_of(mate)):
                with on_data(variant):
                    keys.append([lookup(q).expected() for q in qids])
            differ = not _same(*keys)
            data_dependent += differ
            space = {"crmlab": crmlab, "check": crmlab.check, "pd": pd, "np": np,
                     **answers[name, mate]}
            with on_data(variant_of(me)):
                if differ:  # my data, my classmate's numbers: the check does not pass
                    with pytest.raises(CheckFailed):
                        exec(ex.public, {**space, **answers[name, mate][ex.grade_id]})  # noqa: S102
                else:  # an answer that does not depend on the data (a formula)
                    exec(ex.public, {**space, **answers[name, mate][ex.grade_id]})  # noqa: S102
    # the correct answers differ between students in every exercise that reads the data:
    # all but the worked examples (numbers given in the task) and the concept checks
    fixed = sum(all(_fixed(q) for q in _qids(ex.public)) for ex in lay.exercises)
    assert data_dependent >= len(students) * (len(lay.exercises) - fixed)


@pytest.fixture(scope="module")
def graded(built, tmp_path_factory, answers):
    """Grade chapter 02 with the roster: three honest students, a copy, a changed line."""
    tmp, roster, _ = built
    # two more students on the roster, and one who is not
    roster = _roster(tmp_path_factory.mktemp("roster"),
                     "student_id,name\n" + "".join(f"{s},{n}\n" for s, n in CLASS.items())
                     + "dee,Dee\neve,Eve\n")
    folder = tmp_path_factory.mktemp("submitted")
    for student in CLASS:
        (folder / student).mkdir()
        nbformat.write(_filled_in(GRADED, variant_of(student)),
                       folder / student / f"{GRADED}.ipynb")
    (folder / "dee").mkdir()  # hands in ana's notebook as it is
    shutil.copy(folder / "ana" / f"{GRADED}.ipynb", folder / "dee" / f"{GRADED}.ipynb")
    (folder / "eve").mkdir()  # her own notebook, its variant line changed to ana's
    eve = _filled_in(GRADED, variant_of("eve"))
    for cell in eve.cells:
        cell.source = cell.source.replace(variant_of("eve"), variant_of("ana"))
    nbformat.write(eve, folder / "eve" / f"{GRADED}.ipynb")
    (folder / "zed").mkdir()  # not on the roster
    shutil.copy(folder / "bo" / f"{GRADED}.ipynb", folder / "zed" / f"{GRADED}.ipynb")
    # attempt logs: ana's tries, bo's is not a log, cy's is too big to read
    (folder / "ana" / ".crmlab_attempts.json").write_text(json.dumps(
        [{"exercise": "2.1", "time": "t", "passed": False},
         {"exercise": "2.1", "time": "t", "passed": True},
         {"exercise": "2.3", "time": "t", "passed": True}, {"exercise": 7}, "junk"]))
    (folder / "bo" / ".crmlab_attempts.json").write_text("[" * 100_000)
    (folder / "cy" / ".crmlab_attempts.json").write_text(
        json.dumps([{"exercise": "2.1", "passed": False}] * 40_000))
    out = tmp_path_factory.mktemp("grades")
    code = main(["grade", str(folder), "--assignment", GRADED, "--solutions", str(SOLUTIONS),
                 "--out", str(out / "grades.csv"), "--feedback", str(out / "feedback"),
                 "--roster", str(roster), "--no-sandbox", "--no-progress",
                 "--timeout", "30", "--workers", "2"])
    assert code == 0
    return read_table(out / "grades.csv"), out


def test_grading_with_the_roster_marks_each_student_on_their_own_data(graded):
    table, _ = graded
    lay = layout(SOLUTIONS / f"{GRADED}.ipynb")
    auto = table[table["exercise"].str.startswith("check_")].set_index(["student", "exercise"])
    most = sum(ex.points for ex in lay.exercises)
    for student in CLASS:
        mine = auto.loc[student]
        assert (mine["status"] == "passed").all(), mine["reason"].tolist()
        assert mine["points"].sum() == most
    concept = "check_2_6"  # the concept check: a letter, the same for everyone
    for student in ("dee", "eve"):  # every other exercise of chapter 02 depends on the data
        theirs = auto.loc[student]
        data = theirs[theirs.index != concept]
        assert (data["status"] == "failed").all() and data["points"].sum() == 0
        for reason in data["reason"]:
            assert "set_variant line is not the one your notebook was built with" in reason
            assert not re.search(r"cop(y|ied)|cheat|plagiar|classmate", reason, re.I)
    zed = auto.loc["zed"]
    assert (zed["status"] == "unlisted").all() and zed["points"].sum() == 0
    assert "not on the roster" in zed["reason"].iloc[0]


def test_the_grade_table_reports_the_checks_tried_from_the_attempt_log(graded):
    table, out = graded
    tried = table[table["exercise"].str.startswith("check_")].set_index(
        ["student", "exercise"])[TRIED]
    assert tried.loc["ana"].tolist() == [2, 0, 1, 0, 0, 0, 0, 0]  # 2.1 twice, 2.3 once
    assert tried.loc["bo"].isna().all()  # not a log: no count, no crash
    assert tried.loc["cy"].isna().all()  # over the size limit: not read
    feedback = (out / "feedback" / "ana.md").read_text(encoding="utf-8")
    assert "| checks tried |" in feedback.splitlines()[4]
    assert "checks tried" not in (out / "feedback" / "bo.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "encoding", "says"), [
    ("student_id,name\ns1,A\ns2,B\ns1,C\n", "utf-8", ["column 'student_id'", "lines 2, 4",
                                                      "'s1'", "Fix"]),
    ("id,name\ns1,A\n,B\ns3,C\n", "utf-8", ["column 'id'", "empty ids on lines 3", "Fix"]),
    ("id\nAna\nana\n", "utf-8", ["lines 2, 3", "differ only in case"]),
    ("email,name\na@x,A\n", "utf-8", ["no column of student ids", "email", "student_id"]),
    ("id,name\ns1,张三\ns2,李四\n", "gbk", ["not UTF-8", "lines 2, 3", "CSV UTF-8"]),
    ("id\ns1\n../s2\n", "utf-8", ["folder names", "lines 3"]),
    ("student_id,variant\ns1,aaaaaaaa\n", "utf-8", ["column 'variant'", "--course", "line"]),
])
def test_a_bad_roster_names_the_column_the_rows_and_the_fix(tmp_path, text, encoding, says):
    with pytest.raises(CRMDataError) as err:
        read_roster(_roster(tmp_path, text, encoding))
    for words in says:
        assert words in str(err.value)


def test_a_roster_from_excel_or_nbgrader_reads(tmp_path):
    # a BOM, nbgrader's columns, padded ids and a blank line are fine
    roster = read_roster(_roster(tmp_path, "\ufeffid,first_name,last_name\n s1 ,A,B\n\ns2,C,D\n"))
    assert roster.variants == {"s1": variant_of("s1"), "s2": variant_of("s2")}
    manifest = roster.manifest()
    again = read_roster(_roster(tmp_path, manifest.to_csv(index=False)))
    assert again.variants == roster.variants
    other = read_roster(_roster(tmp_path, "id\ns1\n"), course="2027 spring")
    assert other.variant("s1") != roster.variant("s1")


def test_cli_build_with_a_roster_and_its_errors(tmp_path, capsys):
    roster = _roster(tmp_path, "id\ns1\n")
    assert main(["exercises", "build", "--roster", str(roster), "--source", str(SOLUTIONS),
                 "--out", str(tmp_path / "out"), "--course", "term 2"]) == 0
    said = capsys.readouterr().out
    assert "for 1 students" in said and "--course 'term 2'" in said
    nb = nbformat.read(tmp_path / "out" / "s1" / f"{GRADED}.ipynb", as_version=4)
    assert variant_of("s1", course="term 2") in _code(nb)[0]
    bad = _roster(tmp_path, "id\ns1\ns1\n")
    assert main(["exercises", "build", "--roster", str(bad), "--source", str(SOLUTIONS),
                 "--out", str(tmp_path / "bad")]) == 2
    assert "has an id twice" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()
