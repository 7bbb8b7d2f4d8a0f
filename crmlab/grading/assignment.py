"""Step 1 of grading: read an assignment's exercises from its solution notebook.

The instructor's solution notebook says what is graded, with nbgrader's cell metadata:
answer cells (``solution``) and check cells (``grade`` with ``points``), each with a
``grade_id`` by which the submission's cells are matched. A check cell's code is split
into its public part and its hidden tests (:mod:`crmlab.exercises.markers`), and the
variables it reads are listed: they are what the student's kernel exports.
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from crmlab._errors import CRMDataError

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = ["PROVIDED", "CheckCell", "Layout", "ManualCell", "free_names", "heading", "layout",
           "nbgrader"]

#: Names a notebook's kernel has without a cell defining them: the check cells' imports,
#: and IPython's ``get_ipython`` (what a ``%magic`` line becomes).
PROVIDED = frozenset({"crmlab", "check", "pd", "np", "plt", "get_ipython"})


@dataclass
class CheckCell:
    """One graded check cell of the solution notebook: an exercise as the grader sees it.

    Attributes
    ----------
    grade_id : str
        The check cell's nbgrader ``grade_id``.
    points : float
        What the exercise is worth.
    public, hidden : str
        The check cell's code outside and inside the hidden-test markers.
    names : list of str
        The variables the check cell reads (exported from the student's kernel).
    answer_cells : list of str
        The ``grade_id`` of the answer cells since the previous check cell.
    number : str
        The exercise's number as the notebook prints it (``"3.1"``), or "".
    title : str
        The exercise's title from its heading (``"Read the RFM table"``), or "".
    """

    grade_id: str
    points: float
    public: str
    hidden: str
    names: list[str]
    answer_cells: list[str] = field(default_factory=list)
    number: str = ""
    title: str = ""

    def label(self) -> str:
        """Return how feedback names the exercise: its number and title.

        Examples
        --------
        >>> CheckCell("check_3_1", 1.0, "", "", [], [], "3.1", "Read the RFM table").label()
        '3.1 Read the RFM table'
        >>> CheckCell("check_3_1", 1.0, "", "", []).label()
        'check_3_1'
        """
        return f"{self.number} {self.title}".strip() or self.grade_id


@dataclass
class ManualCell:
    """A cell graded by hand: a written reasoning cell with points and its rubric.

    Attributes
    ----------
    grade_id : str
        The cell's nbgrader ``grade_id`` (``"reasoning_2_6"``).
    points : float
        What the cell is worth.
    number : str
        The exercise it belongs to (``"2.6"``), or "".
    title : str
        The exercise's title, or "".
    rubric : list of Level
        Full, partial and none (:mod:`crmlab.grading.rubric`), or [] if it has none.
    after : str
        The ``grade_id`` of the check cell before it, or "" (where its row goes).
    """

    grade_id: str
    points: float
    number: str = ""
    title: str = ""
    rubric: list = field(default_factory=list)
    after: str = ""


@dataclass
class Layout:
    """The exercises of one assignment, read from its solution notebook.

    ``exercises`` are the checked cells, ``manual`` the cells an instructor grades by hand
    (written reasoning, with its rubric).
    """

    assignment: str
    exercises: list[CheckCell]
    answer_ids: list[str]
    manual: list[ManualCell] = field(default_factory=list)

    @property
    def max_points(self) -> float:
        """The points of the assignment: the checked cells and those graded by hand."""
        return self.auto_points + sum(m.points for m in self.manual)

    @property
    def auto_points(self) -> float:
        """The points of the checked cells."""
        return sum(e.points for e in self.exercises)


def nbgrader(cell: NotebookNode | dict) -> dict:
    """Return a cell's nbgrader metadata ({} when it has none).

    Examples
    --------
    >>> nbgrader({"metadata": {"nbgrader": {"grade_id": "check_3_1", "grade": True}}})
    {'grade_id': 'check_3_1', 'grade': True}
    >>> nbgrader({"metadata": {}})
    {}
    """
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def free_names(code: str) -> list[str]:
    """Return the variables ``code`` reads without defining them, each once.

    Builtins, imports and the names every kernel provides (:data:`PROVIDED`) are left
    out. IPython syntax (``%precision 3``) is understood.

    Examples
    --------
    >>> sorted(free_names('crmlab.check("3.1", {"n": n, "share": share})\\nassert share < 1'))
    ['n', 'share']
    >>> free_names("import math\\ntotal = math.fsum(values)\\nprint(total)")
    ['values']
    """
    from IPython.core.inputtransformer2 import TransformerManager

    tree = ast.parse(TransformerManager().transform_cell(code))  # IPython syntax -> Python
    assigned = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
                and isinstance(n.ctx, ast.Store)}
    imported = {(a.asname or a.name).split(".")[0] for n in ast.walk(tree)
                if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    names: list[str] = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
                and node.id not in assigned and node.id not in imported
                and node.id not in PROVIDED and not hasattr(builtins, node.id)
                and node.id not in names):
            names.append(node.id)
    return names


_HEADING = re.compile(r"^#+\s*(?:Exercise|练习)\s*(\d+\.\w+)\s*[·:：.\-—]?\s*(.*?)"
                      r"(?:\s*[（(][\d.]+\s*(?:points?|分)[)）])?\s*$", re.MULTILINE)
_CHECK_ID = re.compile(r"check\(\s*[\"'](\d+\.\w+)[\"']")


def heading(markdown: str) -> tuple[str, str]:
    """Return the number and title of an exercise heading ("" and "" if none).

    Examples
    --------
    >>> heading("## Exercise 3.1 · Read the RFM table (1 point)\\n\\nSome text")
    ('3.1', 'Read the RFM table')
    >>> heading("## Exercise 3.6 · The purchase cycle (王永庆卖米) (1.5 points)")
    ('3.6', 'The purchase cycle (王永庆卖米)')
    >>> heading("Some prose")
    ('', '')
    """
    match = _HEADING.search(markdown)
    return (match.group(1), match.group(2).strip()) if match else ("", "")


def layout(solution: str | Path) -> Layout:
    """Read the exercises of an assignment from its solution notebook.

    Parameters
    ----------
    solution : str or Path
        ``solutions/NN_name.ipynb``.

    Returns
    -------
    Layout
        The graded check cells in order: id, points, public and hidden check code, the
        variables each check reads and the answer cells before it.

    Raises
    ------
    CRMDataError
        If the notebook has no graded code cell, or its hidden-test markers are
        unbalanced (the message names the cell and the line).

    Examples
    --------
    >>> lay = layout(Path(__file__).parents[2] / "solutions" / "03_rfm.ipynb")
    >>> lay.assignment, len(lay.exercises), lay.max_points
    ('03_rfm', 9, 10.0)
    >>> first = lay.exercises[0]
    >>> first.grade_id, first.points, first.names, first.answer_cells
    ('check_3_1', 1.0, ['n_customers', 'mean_recency', 'recent_share'], ['answer_3_1'])
    >>> first.label()
    '3.1 Read the RFM table'
    >>> [(m.grade_id, m.points, len(m.rubric)) for m in lay.manual], lay.auto_points
    ([('reasoning_3_7', 1.0, 3)], 9.0)

    """
    import nbformat

    path = Path(solution)
    return layout_of(nbformat.read(path, as_version=4), path.name)


def layout_of(nb: NotebookNode, name: str, *, rubrics: bool = True) -> Layout:
    """Read the exercises of an assignment from a notebook already in memory.

    The same as :func:`layout` for a notebook that is not a file (nbgrader's autograder
    hands its preprocessors the notebook, with the check cells restored from the source).

    Parameters
    ----------
    nb : NotebookNode
        A notebook with nbgrader's cell metadata.
    name : str
        Its file name (``"03_rfm.ipynb"``): the assignment's name and where errors point.
    rubrics : bool, default True
        Read the rubrics of the cells graded by hand; False for a submission, whose
        markdown is the student's text (nbgrader's autograder).

    Returns
    -------
    Layout
        As :func:`layout`.

    Examples
    --------
    >>> import nbformat
    >>> path = Path(__file__).parents[2] / "solutions" / "03_rfm.ipynb"
    >>> layout_of(nbformat.read(path, as_version=4), path.name).max_points
    10.0
    """
    from crmlab.exercises.markers import cell_name, split_hidden
    from crmlab.grading.rubric import levels

    path = Path(name)
    exercises, answers, pending, manual = [], [], [], []
    number, title, last = "", "", ("", "")
    for i, cell in enumerate(nb.cells):
        meta = nbgrader(cell)
        if cell.cell_type == "markdown" and heading(cell.source)[0]:
            number, title = last = heading(cell.source)
        if meta.get("grade") and meta.get("solution") and cell.cell_type == "markdown":
            points = float(meta.get("points", 0))
            manual.append(ManualCell(meta["grade_id"], points, *last,
                                     levels(cell.source, points, where=cell_name(path.name, i))
                                     if rubrics else [],
                                     exercises[-1].grade_id if exercises else ""))
        if meta.get("solution") and cell.cell_type == "code":
            answers.append(meta["grade_id"])
            pending.append(meta["grade_id"])
        if meta.get("grade") and cell.cell_type == "code":
            public, hidden = split_hidden(cell.source, where=cell_name(path.name, i))
            called = _CHECK_ID.search(public)
            exercises.append(CheckCell(meta["grade_id"], float(meta.get("points", 0)), public,
                                      hidden, free_names(cell.source), pending,
                                      number or (called.group(1) if called else ""), title))
            pending, number, title = [], "", ""
    if not exercises:
        raise CRMDataError(f"layout: {path.name} has no graded cells (nbgrader metadata "
                           f"'grade': true with points).")
    return Layout(path.stem, exercises, answers, [m for m in manual if m.points > 0])
