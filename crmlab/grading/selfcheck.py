"""A student's self-check: run an exercise notebook as it is and summarise its checks.

Unlike :func:`crmlab.grading.grade`, this runs the notebook's own check cells in its
kernel, as JupyterLab would (``crmlab check``); it needs no solution notebook.
:func:`summarise` reads the executed notebook and needs no kernel.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.grading.assignment import nbgrader
from crmlab.validation import check_number

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = ["self_check", "summarise"]

_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def summarise(nb: NotebookNode) -> pd.DataFrame:
    """Summarise the graded check cells of an executed notebook.

    A check that raised gives its feedback: the lines after the "❌ not yet" line of a
    :class:`~crmlab.exercises.CheckFailed`, otherwise the traceback's last line.

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell("crmlab.check('3.1', x)")
    >>> cell.metadata["nbgrader"] = {"grade": True, "grade_id": "check_3_1", "points": 1}
    >>> cell.outputs = [nbformat.v4.new_output("error", ename="CheckFailed", evalue="",
    ...     traceback=["\\x1b[31m❌ 3.1 not yet.\\x1b[0m", "Not answered yet."])]
    >>> summarise(nbformat.v4.new_notebook(cells=[cell]))
        exercise  passed           feedback
    0  check_3_1   False  Not answered yet.
    """
    rows = []
    for cell in nb.cells:
        meta = nbgrader(cell)
        if not meta.get("grade") or cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if errors:
            lines = [_COLOUR.sub("", line) for line in errors[0].traceback]
            text = " ".join(lines[1:] if lines and lines[0].startswith("❌") else lines[-1:])
            rows.append([meta["grade_id"], False, text or errors[0].ename])
        else:
            rows.append([meta["grade_id"], True, ""])
    return pd.DataFrame(rows, columns=["exercise", "passed", "feedback"])


def self_check(notebook: str | Path, *, timeout: int = 120) -> pd.DataFrame:
    """Run an exercise notebook as it is and summarise its check cells (for students).

    Parameters
    ----------
    notebook : str or Path
        The notebook, e.g. ``exercises/03_rfm.ipynb``; it runs in its own folder.
    timeout : int, default 120
        Seconds per cell.

    Returns
    -------
    DataFrame
        One row per graded cell: exercise (its grade_id), passed, feedback (the first
        lines the check printed or raised).

    Raises
    ------
    CRMDataError
        If there is no such notebook or the timeout is not a positive whole number.

    Examples
    --------
    >>> self_check("exercises/99_none.ipynb")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: check: no notebook 'exercises/99_none.ipynb'.
    """
    import nbformat
    from nbclient import NotebookClient

    from crmlab.grading.execute import run_client

    check_number(timeout, name="timeout", caller="check", low=1, integer=True)
    path = Path(notebook)
    if not path.exists():
        raise CRMDataError(f"check: no notebook {str(path)!r}.")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    client.log.setLevel(logging.CRITICAL)
    run_client(client)
    return summarise(nb)
