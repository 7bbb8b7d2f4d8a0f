"""The class list: which student works on which variant of the data.

``crmlab exercises build --roster roster.csv`` gives each student notebooks whose first
cell loads the student's own variant of the data (:func:`crmlab.datasets.variant_of`);
``crmlab grade --roster roster.csv`` judges each submission against the answers of the
variant the *roster* gives its student, never the one written in the notebook, so a
notebook whose variant line was changed (or a classmate's copied numbers) does not fit.

A roster is a CSV file with one row per student: an id column (``student_id``, or
nbgrader's ``id``, or ``username``, ``student``, ``学号``) and optionally a name. The ids
are the names of the submission folders or files (as nbgrader names them). Everything
that would give a student the wrong data stops with a :class:`~crmlab.CRMDataError`
naming the column, the rows and the fix: a file that is not UTF-8 (a Chinese Excel saves
GBK unless asked for "CSV UTF-8"; guessing could change an id, and so the data), no id
column, empty ids, ids twice (also when they differ only in case, as folders on Windows
and macOS would merge them), and ids that cannot be folder names.

The course salt (``course``, ``--course``) must be the same for building and grading;
the manifest written beside the students' folders records it, and a roster with a
``variant`` column (the manifest itself) is checked against it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.datasets import current_variant, set_variant, variant_of

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from crmlab._typing import PathLike

__all__ = ["DEFAULT_COURSE", "ID_COLUMNS", "MANIFEST", "NAME_COLUMNS", "VARIANT_COMMENT",
           "Roster", "build_roster", "own_data", "read_roster"]

#: The columns that hold the student id, in the order they are looked for (case-insensitive).
ID_COLUMNS = ("student_id", "id", "username", "student", "学号")
#: The columns that may hold the student's name.
NAME_COLUMNS = ("name", "full_name", "student_name", "姓名")
#: The course salt of :func:`crmlab.datasets.variant_of` when none is given.
DEFAULT_COURSE = "crmlab"
#: The manifest's file name, beside the students' folders.
MANIFEST = "roster-manifest.csv"
#: The comment on the line of a student's notebook that loads the student's own data.
VARIANT_COMMENT = ("# your own data — do not change this line; the grader uses the roster "
                   "(你自己的数据：请勿修改此行，评分以名单为准)")


@dataclass(frozen=True)
class Roster:
    """Students (id -> variant), their names and the course salt the variants come from.

    Examples
    --------
    >>> roster = Roster.of(["s001", "s002"])
    >>> roster.variant("s001"), roster.variant("nobody") is None
    ('rj2evtx3', True)
    >>> roster.manifest()[["student_id", "variant"]]
      student_id   variant
    0       s001  rj2evtx3
    1       s002  7igdpw2x
    """

    variants: dict[str, str]
    names: dict[str, str] = field(default_factory=dict)
    course: str = DEFAULT_COURSE
    source: str = ""

    @classmethod
    def of(cls, students: list[str], *, course: str = DEFAULT_COURSE) -> Roster:
        """A roster from a list of student ids (already checked)."""
        return cls({s: variant_of(s, course=course) for s in students}, course=course)

    def variant(self, student: str) -> str | None:
        """The variant of a student, or None when the student is not on the roster."""
        return self.variants.get(str(student).strip())

    def manifest(self) -> pd.DataFrame:
        """The instructor's table: student id, name, variant and course salt, by roster order."""
        return pd.DataFrame({
            "student_id": list(self.variants),
            "name": [self.names.get(s, "") for s in self.variants],
            "variant": list(self.variants.values()),
            "course": self.course,
        })


def _decode(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    bad = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(number)
    raise CRMDataError(
        f"roster: {where} is not UTF-8 text: lines {', '.join(map(str, bad[:5]))}"
        f"{' ...' if len(bad) > 5 else ''} cannot be read (Excel in Chinese saves GBK). "
        f"Fix: save the roster as 'CSV UTF-8 (comma delimited)' and run again; the ids "
        f"are not guessed, because a wrongly read id would give a student other data.")


def _column(columns: list[str], wanted: tuple[str, ...]) -> str | None:
    folded = {str(c).strip().casefold(): c for c in columns}
    for name in wanted:
        if name.casefold() in folded:
            return folded[name.casefold()]
    return None


def _lines(index) -> list[int]:
    """File line numbers of data rows (the header is line 1)."""
    return [int(i) + 2 for i in index]


def _shown(lines: list[int], n: int = 6) -> str:
    return ", ".join(map(str, lines[:n])) + (f", ... ({len(lines)} in all)"
                                             if len(lines) > n else "")


def read_roster(path: PathLike, *, course: str = DEFAULT_COURSE) -> Roster:
    """Read and check a roster CSV; return the students and their variants.

    Parameters
    ----------
    path : str or Path
        A CSV file in UTF-8 with one row per student: an id column (one of
        :data:`ID_COLUMNS`; ``student_id`` or nbgrader's ``id``) and optionally a name
        column (:data:`NAME_COLUMNS`). A ``variant`` column (the manifest of
        ``crmlab exercises build --roster``) is checked against ``course``.
    course : str, default "crmlab"
        The course salt of the variants (:func:`crmlab.datasets.variant_of`): the same
        for building the notebooks and grading them.

    Returns
    -------
    Roster

    Raises
    ------
    CRMDataError
        If the file is missing or not UTF-8, has no id column, an id is empty, appears
        twice (also in another case) or cannot be a folder name, or a ``variant`` column
        disagrees with ``course``. The message names the column, the rows (as line
        numbers of the file) and the fix.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "roster.csv"
    ...     _ = path.write_text("id,name\\ns001,Ana\\ns002,Bo\\n", encoding="utf-8")
    ...     read_roster(path).variants
    {'s001': 'rj2evtx3', 's002': '7igdpw2x'}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "roster.csv"
    ...     _ = path.write_text("student_id\\ns001\\n\\ns001 \\n", encoding="utf-8")
    ...     read_roster(path)
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: roster: column 'student_id' has an id twice (on lines 2, 4:
    's001'); each student needs one row. Fix: remove the repeated rows.
    """
    path = Path(path)
    where = repr(str(path))
    if not isinstance(course, str) or not course.strip():
        raise CRMDataError(f"roster: course must be a non-empty text (the salt the variants "
                           f"were made with), got {course!r}.")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CRMDataError(f"roster: no file {where}. Fix: give the CSV of the class "
                           f"list (a column student_id or id, one row per student).") from None
    text = _decode(raw, where)
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                            skip_blank_lines=False, quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise CRMDataError(f"roster: {where} is not a CSV table ({str(err).strip()}). Fix: "
                           f"one header line (student_id,name) and one row per student.") \
            from None
    columns = [str(c) for c in table.columns]
    id_col = _column(columns, ID_COLUMNS)
    if id_col is None:
        raise CRMDataError(f"roster: {where} has no column of student ids. Columns present: "
                           f"{', '.join(columns) or 'none'}. Fix: name the id column "
                           f"student_id (or id, as nbgrader's student export does).")
    ids = table[id_col].astype(str).str.strip()
    blank = table.apply(lambda row: all(not str(v).strip() for v in row), axis=1)
    ids, table = ids[~blank], table[~blank]  # empty lines are not students
    if ids.empty:
        raise CRMDataError(f"roster: column {id_col!r} of {where} lists no student. Fix: one "
                           f"row per student under the header.")
    empty = ids.index[ids == ""]
    if len(empty):
        raise CRMDataError(f"roster: column {id_col!r} has empty ids on lines "
                           f"{_shown(_lines(empty))}. Fix: fill in each student's id, or "
                           f"delete the row.")
    folded = ids.str.casefold()
    twice = ids.index[folded.duplicated(keep=False)]
    if len(twice):
        shown = sorted(set(ids[twice]))
        raise CRMDataError(
            f"roster: column {id_col!r} has an id twice (on lines "
            f"{_shown(_lines(twice))}: {', '.join(map(repr, shown[:4]))}); "
            f"each student needs one row. Fix: remove the repeated rows"
            + (" (ids that differ only in case count as the same: the students' folders "
               "would merge on Windows and macOS)." if len(shown) != len(set(folded[twice]))
               else "."))
    unsafe = ids.index[~ids.map(lambda s: bool(re.fullmatch(r"[^/\\\x00-\x1f]+", s))
                               and s not in (".", ".."))]
    if len(unsafe):
        raise CRMDataError(f"roster: column {id_col!r} has ids that cannot be folder names "
                           f"on lines {_shown(_lines(unsafe))} "
                           f"({', '.join(map(repr, ids[unsafe][:5]))}). Fix: use ids without "
                           f"slashes or control characters, as the submission folders are "
                           f"named.")
    name_col = _column(columns, NAME_COLUMNS)
    names = dict(zip(ids, table[name_col].astype(str).str.strip(), strict=True)) \
        if name_col else {}
    roster = Roster({s: variant_of(s, course=course) for s in ids}, names, course, str(path))
    variant_col = _column(columns, ("variant",))
    if variant_col is not None:
        given = table[variant_col].astype(str).str.strip()
        mine = pd.Series([roster.variants[s] for s in ids], index=ids.index)
        off = ids.index[given != mine]
        if len(off):
            raise CRMDataError(
                f"roster: column {variant_col!r} disagrees with the variants of course "
                f"{course!r} on lines {_shown(_lines(off))}: the notebooks "
                f"were built with another --course. Fix: grade with the --course the "
                f"manifest's column 'course' names.")
    return roster


def own_data(nb: NotebookNode, variant: str) -> NotebookNode:
    """Return a copy of a notebook whose setup cell first loads the student's own data.

    The first code cell gets ``crmlab.datasets.set_variant("<variant>")`` right after its
    ``import crmlab`` (or an ``import crmlab`` and that line first), with a comment saying
    not to change it; a first code cell that nbgrader tracks (it has nbgrader metadata)
    is left alone and the two lines go into a new cell above it. The grader does not read
    this line: it takes the variant from the roster.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("# Chapter 2"),
    ...     nbformat.v4.new_code_cell("import crmlab\\nleads = crmlab.load_data('leads')")])
    >>> print(own_data(nb, "rj2evtx3").cells[1].source)  # doctest: +ELLIPSIS
    import crmlab
    crmlab.datasets.set_variant("rj2evtx3")  # your own data — do not change this line; ...
    leads = crmlab.load_data('leads')
    """
    import nbformat

    before = current_variant()
    set_variant(variant)  # refuses a variant that is not one, before anything is written
    set_variant(before)
    out = nbformat.from_dict(nb)
    line = f"crmlab.datasets.set_variant({json.dumps(variant)})  {VARIANT_COMMENT}"
    for i, cell in enumerate(out.cells):
        if cell.cell_type != "code":
            continue
        lines = cell.source.split("\n")
        if "nbgrader" in cell.metadata:
            out.cells.insert(i, _own_cell(line))
        elif lines[0].strip() == "import crmlab":
            cell.source = "\n".join([lines[0], line, *lines[1:]])
        else:
            cell.source = "\n".join(["import crmlab", line, *lines])
        return out
    out.cells.insert(0, _own_cell(line))
    return out


def _own_cell(line: str) -> NotebookNode:
    import nbformat

    cell = nbformat.v4.new_code_cell(f"import crmlab\n{line}")
    cell.id = "crmlab-own-data"  # the same in every build
    return cell


def build_roster(roster: PathLike, source: PathLike = "solutions",
                 out: PathLike = "students", *, course: str = "crmlab") -> list[Path]:
    """Write a folder per student of a roster, with every exercise notebook on their own data.

    Parameters
    ----------
    roster : str or Path
        The class list (CSV; :func:`read_roster` says what it
        needs and checks it).
    source : str or Path, default "solutions"
        The solution notebooks.
    out : str or Path, default "students"
        Where to write ``out/STUDENT/NOTEBOOK.ipynb`` and the manifest
        ``out/roster-manifest.csv`` (student, name, variant, course: for the instructor,
        not for the students).
    course : str, default "crmlab"
        The course salt of the variants; grade with the same one.

    Returns
    -------
    list of Path
        The notebooks written, then the manifest.

    Raises
    ------
    CRMDataError
        If the roster is not valid, or ``source`` has no solution notebooks.
    """
    import nbformat

    from crmlab.exercises import student_version
    from crmlab.grading.feedback import write_csv

    class_list = read_roster(roster, course=course)
    source, out = Path(source), Path(out)
    paths = sorted(source.glob("*.ipynb")) if source.is_dir() else []
    if not paths:
        raise CRMDataError(f"build: no solution notebooks in {str(source)!r}.")
    versions = {p.name: student_version(nbformat.read(p, as_version=4), name=p.name)
                for p in paths}
    written = []
    for student, variant in class_list.variants.items():
        folder = out / student
        folder.mkdir(parents=True, exist_ok=True)
        for name, nb in versions.items():
            dest = folder / name
            dest.write_text(nbformat.writes(own_data(nb, variant)) + "\n", encoding="utf-8")
            written.append(dest)
    written.append(write_csv(class_list.manifest(), out / MANIFEST))
    return written
