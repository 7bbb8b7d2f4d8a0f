"""Step 2 of grading: run one submission and bring its answers back as plain data.

A copy of the submission is executed in a fresh kernel, in a temporary folder, with a
time limit per cell (a loop is interrupted; the rest runs on) and a memory limit where
the OS allows (``RLIMIT_AS``). Its own check cells are *not* run: :func:`prepare`
replaces each with an export cell that sends the variables the check needs back as plain
data (:mod:`crmlab.grading.plain`, in a display output of a private MIME type with a
fresh token), and :func:`collect` reads them from the grader's in-memory copy of that
cell, so later cells cannot overwrite them. :func:`prepare` and :func:`collect` need no
kernel; :func:`execute` puts them around nbclient.
"""

from __future__ import annotations

import json
import logging
import secrets
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from crmlab.grading.assignment import Layout, nbgrader
from crmlab.grading.plain import ENCODE, ENCODER, MIME, decode

if TYPE_CHECKING:
    from nbclient import NotebookClient
    from nbformat import NotebookNode

__all__ = ["Run", "collect", "execute", "export_cell", "limits_cell", "missing_cells",
           "prepare", "run_client"]

#: The ``ename`` nbclient gives a cell that ran over the time limit.
TIMEOUT_ERROR = "CellTimeoutError"


@dataclass
class Run:
    """What running one submission produced.

    Attributes
    ----------
    answers : dict
        Check cell ``grade_id`` -> {variable: decoded value}, for each export that ran.
    problem : str
        A problem with the whole run (invalid file, dead kernel, failed start), or "".
    missing_cells : list of str
        Answer cells of the layout the submission does not have.
    timed_out : list of str
        Answer cells interrupted at the time limit.
    errors : dict
        Answer cell ``grade_id`` -> its first error, e.g. ``"MemoryError: ..."``.
    """

    answers: dict = field(default_factory=dict)
    problem: str = ""
    missing_cells: list[str] = field(default_factory=list)
    timed_out: list[str] = field(default_factory=list)
    errors: dict = field(default_factory=dict)


def export_cell(names: list[str], token: str) -> NotebookNode:
    """Return the code cell that exports ``names`` from the kernel as plain data.

    Examples
    --------
    >>> cell = export_cell(["share"], "abc123")
    >>> cell.metadata["crmlab_export"], "'share'" in cell.source, "abc123" in cell.source
    (True, True, True)
    """
    import nbformat

    code = (
        ENCODER
        + "import json as __crmlab_json\n"
        + "from IPython.display import display as __crmlab_display\n"
        + "__crmlab_out = {}\n"
        + f"for __crmlab_name in {names!r}:\n"
        + "    if __crmlab_name in globals():\n"
        + "        try:\n"
        + f"            __crmlab_out[__crmlab_name] = {ENCODE}(globals()[__crmlab_name])\n"
        + "        except Exception as __crmlab_err:\n"
        + "            __crmlab_out[__crmlab_name] = {'__object__': repr(__crmlab_err)}\n"
        + f"__crmlab_display({{{MIME!r}: {{'token': {token!r}, 'answers': __crmlab_out}}}}, "
        + "raw=True)\n"
    )
    cell = nbformat.v4.new_code_cell(code)
    cell.metadata["crmlab_export"] = True
    return cell


def limits_cell(memory_mb: int | None) -> NotebookNode:
    """Return the first cell of a run: no imports from the working folder, a memory cap.

    Examples
    --------
    >>> print(limits_cell(None).source)
    import os, sys
    sys.path[:] = [p for p in sys.path if p != '']
    >>> "RLIMIT_AS" in limits_cell(512).source
    True
    """
    import nbformat

    lines = ["import os, sys", "sys.path[:] = [p for p in sys.path if p != '']"]
    if memory_mb:
        lines += [
            "try:",
            "    import resource",
            f"    _lim = {int(memory_mb)} * 1024 * 1024",
            "    resource.setrlimit(resource.RLIMIT_AS, (_lim, _lim))",
            "except Exception:",
            "    pass",
        ]
    return nbformat.v4.new_code_cell("\n".join(lines))


def missing_cells(nb: NotebookNode, lay: Layout) -> list[str]:
    """Return the answer cells of the layout that the submission ``nb`` lacks.

    Examples
    --------
    >>> import nbformat
    >>> from crmlab.grading.assignment import Layout
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    >>> missing_cells(nb, Layout("a", [], ["answer_1_1"]))
    ['answer_1_1']
    """
    present = {nbgrader(c).get("grade_id") for c in nb.cells}
    return [a for a in lay.answer_ids if a not in present]


def prepare(nb: NotebookNode, lay: Layout, *, token: str,
            memory_mb: int | None) -> NotebookNode:
    """Return the notebook to run for submission ``nb`` (a new notebook; ``nb`` is kept).

    The limits cell comes first; every code cell of the submission follows, except its
    check cells, each replaced by an export cell of the variables the check reads. An
    exercise whose check cell was deleted gets its export at the end. Markdown cells and
    outputs are dropped.

    Examples
    --------
    >>> import nbformat
    >>> from crmlab.grading.assignment import CheckCell, Layout
    >>> answer = nbformat.v4.new_code_cell("x = 1")
    >>> answer.metadata["nbgrader"] = {"grade_id": "answer_1_1", "solution": True}
    >>> check = nbformat.v4.new_code_cell("import os; os.remove('grades.csv')")
    >>> check.metadata["nbgrader"] = {"grade_id": "check_1_1", "grade": True}
    >>> lay = Layout("a", [CheckCell("check_1_1", 1.0, "", "", ["x"], ["answer_1_1"])],
    ...              ["answer_1_1"])
    >>> run = prepare(nbformat.v4.new_notebook(cells=[answer, check]), lay, token="t",
    ...               memory_mb=None)
    >>> [sorted(k for k in c.metadata if k.startswith("crmlab")) for c in run.cells]
    [[], ['crmlab_source_id'], ['crmlab_export', 'crmlab_grade_id']]
    >>> "os.remove" in run.cells[-1].source
    False
    """
    import nbformat

    graded = {e.grade_id: e for e in lay.exercises}
    cells = [limits_cell(memory_mb)]
    placed = set()
    for cell in nb.cells:
        gid = nbgrader(cell).get("grade_id")
        if gid in graded:  # the submission's check cell is replaced by an export
            cells.append(export_cell(graded[gid].names, token))
            cells[-1].metadata["crmlab_grade_id"] = gid
            placed.add(gid)
        elif cell.cell_type == "code":
            cells.append(nbformat.v4.new_code_cell(cell.source))
            cells[-1].metadata["crmlab_source_id"] = gid or ""
    for ex in lay.exercises:  # a deleted check cell still gets its export at the end
        if ex.grade_id not in placed:
            cells.append(export_cell(ex.names, token))
            cells[-1].metadata["crmlab_grade_id"] = ex.grade_id
    run_nb = nbformat.v4.new_notebook(cells=cells)
    run_nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
    return run_nb


def collect(run_nb: NotebookNode, token: str, run: Run | None = None) -> Run:
    """Read an executed run notebook: the exported answers, time-outs and errors.

    Only outputs of an export cell that carry ``token`` count as answers. An error is
    charged to the last answer cell above it; a time-out or an interrupt makes that
    answer cell ``timed_out``.

    Parameters
    ----------
    run_nb : NotebookNode
        The notebook :func:`prepare` returned, after execution.
    token : str
        The token of this run.
    run : Run, optional
        A run to fill in (a new one by default).

    Returns
    -------
    Run

    Examples
    --------
    >>> import nbformat
    >>> from crmlab.grading.assignment import CheckCell, Layout
    >>> answer = nbformat.v4.new_code_cell("x = 1")
    >>> answer.metadata["nbgrader"] = {"grade_id": "answer_1_1", "solution": True}
    >>> lay = Layout("a", [CheckCell("check_1_1", 1.0, "", "", ["x"], ["answer_1_1"])],
    ...              ["answer_1_1"])
    >>> run_nb = prepare(nbformat.v4.new_notebook(cells=[answer]), lay, token="t",
    ...                  memory_mb=None)
    >>> run_nb.cells[1].outputs = [nbformat.v4.new_output(
    ...     "error", ename="MemoryError", evalue="", traceback=[])]
    >>> run_nb.cells[2].outputs = [nbformat.v4.new_output(
    ...     "display_data", data={MIME: {"token": "t", "answers": {"x": 2}}})]
    >>> collect(run_nb, "t")
    Run(answers={'check_1_1': {'x': 2}}, problem='', missing_cells=[], timed_out=[],
        errors={'answer_1_1': 'MemoryError: '})
    >>> collect(run_nb, "forged").answers
    {}
    """
    run = Run() if run is None else run
    current = None
    for cell in run_nb.cells:
        if cell.metadata.get("crmlab_source_id"):
            current = cell.metadata["crmlab_source_id"]
        for out in cell.get("outputs", []):
            if out.get("output_type") != "error" or not current or "crmlab_source_id" not in \
                    cell.metadata:
                continue
            if out.get("ename") in (TIMEOUT_ERROR, "KeyboardInterrupt"):
                run.timed_out.append(current)
            else:
                run.errors.setdefault(current, f"{out.get('ename')}: {out.get('evalue')}"[:200])
        gid = cell.metadata.get("crmlab_grade_id")
        if gid is None:
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get(MIME)
            if isinstance(data, str):
                data = json.loads(data)
            if data and data.get("token") == token:
                run.answers[gid] = {k: decode(v) for k, v in data["answers"].items()}
    return run


def run_client(client: NotebookClient) -> None:
    """Execute an nbclient client with a fresh event loop, closed afterwards.

    Safe in worker threads (each batch worker runs its own loop). Cell errors stay in the
    notebook (``allow_errors``); a dead kernel or a failed start raises nbclient's
    exception. Needs a kernel: tested by ``tests/test_grading.py``.
    """
    import asyncio

    asyncio.run(client.async_execute(stderr=subprocess.DEVNULL))


def execute(path: str | Path, lay: Layout, *, timeout: int, memory_mb: int | None) -> Run:
    """Run one submitted notebook under the limits and return what it exported.

    Parameters
    ----------
    path : str or Path
        The submitted notebook.
    lay : Layout
        The assignment's layout (:func:`crmlab.grading.layout`).
    timeout : int
        Seconds per cell before the kernel is interrupted.
    memory_mb : int or None
        Address-space limit of the kernel, where the OS allows.

    Returns
    -------
    Run
        The exported answers and what went wrong. Never raises for a bad submission: an
        invalid file, a dead kernel or a failed start is the run's ``problem``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     bad = Path(tmp) / "ana.ipynb"
    ...     _ = bad.write_text("{ not a notebook")
    ...     execute(bad, Layout("03_rfm", [], []), timeout=10, memory_mb=None).problem
    'not a valid notebook (NotJSONError)'
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    run = Run()
    try:
        nb = nbformat.read(Path(path), as_version=4)
    except Exception as err:  # not JSON, not a notebook
        run.problem = f"not a valid notebook ({type(err).__name__})"
        return run
    run.missing_cells = missing_cells(nb, lay)
    token = secrets.token_hex(8)
    run_nb = prepare(nb, lay, token=token, memory_mb=memory_mb)
    with tempfile.TemporaryDirectory(prefix="crmlab-grade-") as tmp:
        client = NotebookClient(
            run_nb, timeout=timeout, kernel_name="python3", allow_errors=True,
            interrupt_on_timeout=True, resources={"metadata": {"path": tmp}},
            error_on_timeout={"ename": TIMEOUT_ERROR, "evalue": "time limit",
                              "traceback": []},
        )
        client.log.setLevel(logging.CRITICAL)
        try:
            run_client(client)
        except DeadKernelError:
            run.problem = "the kernel died (crash or memory)"
        except Exception as err:  # a timeout while starting or any client failure
            run.problem = f"execution failed ({type(err).__name__})"
    return collect(run_nb, token, run)
