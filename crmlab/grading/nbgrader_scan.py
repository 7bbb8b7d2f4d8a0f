"""nbgrader's autograder with crmlab's answer-key scan: a reach for the key costs the exercise.

nbgrader runs a submission and its hidden tests in one kernel and gives a test cell full
points unless its output holds an error. A submission that imports a chapter's checker
(the expected answers) or replaces ``crmlab.check`` can therefore pass there.
:class:`ScanAnswerKey` runs after nbgrader's ``Execute`` and before ``SaveAutoGrades``: it
reads the submission's code with :func:`crmlab.grading.scan.forbidden` (the same scan
``crmlab grade`` uses) and replaces the outputs of each affected check cell with an error
that says why, so nbgrader scores it 0 and its feedback shows the reason.

Written by hand because nbgrader knows nothing of crmlab's answer key; it is a plain
nbconvert ``Preprocessor``, registered in ``nbgrader_config.py``::

    from crmlab.grading.nbgrader_scan import autograde_preprocessors
    c.Autograde.autograde_preprocessors = autograde_preprocessors()

This explains and scores an attempt; it does not contain one: nbgrader still runs the
code with the instructor's rights (README, "Grading with nbgrader").
"""

from __future__ import annotations

from typing import Any

import nbformat
from nbconvert.preprocessors import Preprocessor

from crmlab.grading.assignment import layout_of, nbgrader
from crmlab.grading.scan import forbidden

__all__ = ["ENAME", "ScanAnswerKey", "autograde_preprocessors", "mark_reaches"]

#: The error name nbgrader's feedback shows on a check cell scored 0 by the scan.
ENAME = "AnswerKeyReached"


def mark_reaches(nb: nbformat.NotebookNode, name: str) -> dict[str, list[str]]:
    """Replace the outputs of check cells whose exercise reached for the answer key.

    Parameters
    ----------
    nb : NotebookNode
        An executed submission with nbgrader's metadata (changed in place: this is an
        nbconvert preprocessing step).
    name : str
        The notebook's file name (``"03_rfm.ipynb"``).

    Returns
    -------
    dict
        Check cell ``grade_id`` -> what the submission's code reached for.

    Examples
    --------
    >>> from pathlib import Path
    >>> path = Path(__file__).parents[2] / "solutions" / "03_rfm.ipynb"
    >>> nb = nbformat.read(path, as_version=4)
    >>> answer = next(c for c in nb.cells if nbgrader(c).get("grade_id") == "answer_3_1")
    >>> answer.source += "\\nfrom crmlab.exercises.ch03 import EXERCISES"
    >>> mark_reaches(nb, path.name)
    {'check_3_1': ['crmlab.exercises.ch03']}
    >>> check = next(c for c in nb.cells if nbgrader(c).get("grade_id") == "check_3_1")
    >>> check.outputs[0].ename
    'AnswerKeyReached'
    """
    hits = forbidden(nb, layout_of(nb, name, rubrics=False))  # markdown: the student's
    for cell in nb.cells:
        gid = nbgrader(cell).get("grade_id")
        if cell.cell_type != "code" or gid not in hits:
            continue
        why = ", ".join(hits[gid])
        text = (f"this exercise scores 0: the submission's code reached for the answer key "
                f"({why}). Graded work may use crmlab.check and the course's functions, "
                f"not the checkers, the grader or solutions/.")
        cell.outputs = [nbformat.v4.new_output("error", ename=ENAME, evalue=text,
                                               traceback=[f"{ENAME}: {text}"])]
    return hits


class ScanAnswerKey(Preprocessor):
    """nbconvert preprocessor: :func:`mark_reaches` on each notebook nbgrader autogrades.

    Examples
    --------
    >>> ScanAnswerKey().enabled
    True
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("enabled", True)
        super().__init__(**kwargs)

    def preprocess(self, nb: nbformat.NotebookNode,
                   resources: dict) -> tuple[nbformat.NotebookNode, dict]:
        """Mark the check cells of exercises that reached for the answer key."""
        name = (resources.get("metadata", {}) or {}).get("name") or "submission"
        hits = mark_reaches(nb, f"{name}.ipynb")
        for gid, what in hits.items():
            self.log.warning("%s: %s scores 0, it reached for the answer key (%s)",
                             name, gid, ", ".join(what))
        return nb, resources


def autograde_preprocessors() -> list:
    """nbgrader's autograde preprocessors with :class:`ScanAnswerKey` before the grades are saved.

    Returns
    -------
    list
        ``Autograde.autograde_preprocessors``' default list, ``ScanAnswerKey`` inserted
        just before ``SaveAutoGrades``.

    Examples
    --------
    >>> names = [p.__name__ for p in autograde_preprocessors()]
    >>> names.index("ScanAnswerKey") + 1 == names.index("SaveAutoGrades")
    True
    """
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import SaveAutoGrades

    default = list(Autograde.class_traits()["autograde_preprocessors"].make_dynamic_default())
    at = default.index(SaveAutoGrades)
    return [*default[:at], ScanAnswerKey, *default[at:]]
