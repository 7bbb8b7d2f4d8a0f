"""Step 2 of grading: run one submission in its sandbox and bring its answers back as plain data.

:func:`prepare` turns the submission into the cells to run: its code cells, with each of
its check cells replaced by an export cell that displays the variables the check needs
as plain data (:mod:`crmlab.grading.plain`, a private MIME type and a fresh token).
:func:`execute` hands them to the notebook runner (:mod:`crmlab.grading.runner`) in a
sandbox (:mod:`crmlab.grading.sandbox`) or, with ``sandbox=None``, in a plain process;
reads at most :data:`MAX_OUTPUT` bytes of its JSON lines; kills the whole sandbox at
the notebook's total time limit; and :func:`collect` reads the answers, errors and time-outs
from the grader's own copy of the cells. Nothing leaves the sandbox but those lines;
the answers are parsed defensively and never unpickled. :func:`prepare` and
:func:`collect` need no kernel.
"""

from __future__ import annotations

import atexit
import base64
import json
import os
import secrets
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from crmlab.grading.assignment import Layout, nbgrader
from crmlab.grading.plain import ENCODE, ENCODER, MIME, decode
from crmlab.grading.runner import COMMAND
from crmlab.grading.sandbox import HIDDEN_KEY, Sandbox, environment

if TYPE_CHECKING:
    from nbclient import NotebookClient
    from nbformat import NotebookNode

__all__ = ["GRACE", "MAX_FILES", "MAX_OUTPUT", "Run", "collect", "execute", "export_cell",
           "limits", "limits_cell", "missing_cells", "prepare", "read_events", "run_client"]

#: The ``ename`` nbclient gives a cell that ran over the time limit.
TIMEOUT_ERROR = "CellTimeoutError"

#: Seconds an interrupted kernel has to stop before the sandbox is killed.
GRACE = 5

#: The most bytes of results read from the runner (the answers are plain data).
MAX_OUTPUT = 64 * 1024 ** 2

#: The most bytes of files copied into the work folder besides the notebook.
MAX_FILES = 20 * 1024 ** 2

#: Seconds for Python and the kernel to start, on top of the notebook's total time.
STARTUP = 60


@dataclass
class Run:
    """What running one submission produced.

    Attributes
    ----------
    answers : dict
        Check cell ``grade_id`` -> {variable: decoded value}, for each export that ran.
    problem : str
        A problem with the whole run, or "": ``"invalid"`` (not a notebook), ``"dead"``
        (the kernel or the sandbox died), ``"start"`` (the kernel did not start),
        ``"output"`` (too much output) or ``"grader"``.
    detail : str
        More about the problem (the file error, the cell where the kernel died).
    missing_cells : list of str
        Answer cells of the layout the submission does not have.
    timed_out : list of str
        Answer cells interrupted at the time limit.
    errors : dict
        Answer cell ``grade_id`` -> its first error, e.g. ``"MemoryError: ..."``.
    stopped : str
        ``"stuck"`` (a cell over its limit did not stop when interrupted, so the sandbox
        was killed), ``"total"`` (the notebook's total time ran out) or "".
    stopped_at : str
        The answer cell running when it stopped ("" if none).
    key_cells : list of int
        Positions (in the submission's code cells) of cells whose error says the answer
        key is hidden: they reached for it.
    """

    answers: dict = field(default_factory=dict)
    problem: str = ""
    missing_cells: list[str] = field(default_factory=list)
    timed_out: list[str] = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    detail: str = ""
    stopped: str = ""
    stopped_at: str = ""
    key_cells: list[int] = field(default_factory=list)


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
    [[], ['crmlab_code_index', 'crmlab_source_id'], ['crmlab_export', 'crmlab_grade_id']]
    >>> "os.remove" in run.cells[-1].source
    False
    """
    import nbformat

    graded = {e.grade_id: e for e in lay.exercises}
    cells = [limits_cell(memory_mb)]
    placed = set()
    code_index = 0  # the position of a cell among the submission's code cells
    for cell in nb.cells:
        gid = nbgrader(cell).get("grade_id")
        if gid in graded:  # the submission's check cell is replaced by an export
            cells.append(export_cell(graded[gid].names, token))
            cells[-1].metadata["crmlab_grade_id"] = gid
            placed.add(gid)
        elif cell.cell_type == "code":
            cells.append(nbformat.v4.new_code_cell(cell.source))
            cells[-1].metadata["crmlab_source_id"] = gid or ""
            cells[-1].metadata["crmlab_code_index"] = code_index
        if cell.cell_type == "code":
            code_index += 1
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

    Only outputs of an export cell that carry ``token`` count as answers, and only their
    plain data is read (:func:`crmlab.grading.plain.decode`). An error is charged to the
    last answer cell above it; a time-out or an interrupt makes that answer cell
    ``timed_out``; an error saying the answer key is hidden marks its cell in
    ``key_cells``.

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
    >>> run = collect(run_nb, "t")
    >>> run.answers, run.errors
    ({'check_1_1': {'x': 2}}, {'answer_1_1': 'MemoryError: '})
    >>> collect(run_nb, "forged").answers
    {}
    """
    run = Run() if run is None else run
    current = None
    for cell in run_nb.cells:
        if cell.metadata.get("crmlab_source_id"):
            current = cell.metadata["crmlab_source_id"]
        for out in cell.get("outputs", []):
            if out.get("output_type") != "error" or "crmlab_source_id" not in cell.metadata:
                continue
            text = f"{out.get('ename')}: {out.get('evalue')}"
            if HIDDEN_KEY in text:
                run.key_cells.append(cell.metadata.get("crmlab_code_index", -1))
            if not current:
                continue
            if out.get("ename") in (TIMEOUT_ERROR, "KeyboardInterrupt"):
                if current not in run.timed_out:
                    run.timed_out.append(current)
            else:
                run.errors.setdefault(current, text[:200])
        gid = cell.metadata.get("crmlab_grade_id")
        if gid is None:
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get(MIME)
            if isinstance(data, str):
                try:
                    data = json.loads(data)
                except ValueError:
                    continue
            if isinstance(data, dict) and data.get("token") == token \
                    and isinstance(data.get("answers"), dict):
                run.answers[gid] = {str(k): decode(v) for k, v in data["answers"].items()}
    return run


def _answer_cell_at(run_nb: NotebookNode, index: int) -> str:
    """The answer cell at or above cell ``index`` of the run notebook ("" if none)."""
    for cell in reversed(run_nb.cells[: index + 1]):
        if cell.metadata.get("crmlab_source_id"):
            return cell.metadata["crmlab_source_id"]
        if cell.metadata.get("crmlab_grade_id"):
            return ""
    return ""


def read_events(lines: list[str], run_nb: NotebookNode, token: str, run: Run,
                *, killed: bool = False) -> Run:
    """Read the runner's JSON lines into ``run`` (through the cells of ``run_nb``).

    Each ``cell`` event puts that cell's error and exported answers back on the grader's
    own copy of the cell, then :func:`collect` reads them; ``stuck``, ``total``, ``dead``
    and ``failed`` say why the run ended early. Lines that are not JSON, events of an
    unknown kind and cells out of range are ignored. ``killed``: the grader killed the
    sandbox at the total time limit.

    Examples
    --------
    >>> import nbformat
    >>> from crmlab.grading.assignment import CheckCell, Layout
    >>> answer = nbformat.v4.new_code_cell("while True: pass")
    >>> answer.metadata["nbgrader"] = {"grade_id": "answer_1_1", "solution": True}
    >>> lay = Layout("a", [CheckCell("check_1_1", 1.0, "", "", ["x"], ["answer_1_1"])],
    ...              ["answer_1_1"])
    >>> run_nb = prepare(nbformat.v4.new_notebook(cells=[answer]), lay, token="t",
    ...                  memory_mb=None)
    >>> run = read_events(['{"event": "ready"}', 'garbage', '{"event": "stuck", "index": 1}'],
    ...                   run_nb, "t", Run())
    >>> run.stopped, run.stopped_at, run.timed_out
    ('stuck', 'answer_1_1', ['answer_1_1'])
    """
    ended = False
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if not isinstance(event, dict):
            continue
        kind, index = event.get("event"), event.get("index")
        valid = isinstance(index, int) and not isinstance(index, bool) \
            and 0 <= index < len(run_nb.cells)
        if kind == "cell" and valid:
            cell, outputs = run_nb.cells[index], []
            error = event.get("error")
            if isinstance(error, dict):
                outputs.append({"output_type": "error", "ename": str(error.get("ename", "")),
                                "evalue": str(error.get("evalue", "")), "traceback": []})
            exports = event.get("exports")
            if cell.metadata.get("crmlab_grade_id") and isinstance(exports, list):
                outputs += [{"output_type": "display_data", "data": {MIME: e}, "metadata": {}}
                            for e in exports]
            cell["outputs"] = outputs
            if event.get("total") is True:
                run.stopped, run.stopped_at = "total", _answer_cell_at(run_nb, index)
        elif kind in ("stuck", "total") and valid:
            run.stopped, run.stopped_at = kind, _answer_cell_at(run_nb, index)
            if kind == "stuck" and run.stopped_at and run.stopped_at not in run.timed_out:
                run.timed_out.append(run.stopped_at)
            ended = True
        elif kind == "dead" and valid:
            run.problem = "dead"
            at = _answer_cell_at(run_nb, index)
            run.detail = at
            ended = True
        elif kind == "failed":
            run.problem = "start" if event.get("stage") == "kernel" else "grader"
            run.detail = str(event.get("error", ""))[:80]
            ended = True
        elif kind == "done":
            ended = True
    collect(run_nb, token, run)
    if killed and not run.stopped and not run.problem:
        run.stopped = "total"
    elif not ended and not run.problem and not run.stopped:
        run.problem = "dead"  # the runner itself was killed (memory) or ended early
    return run


def limits(memory_mb: int | None, total: int) -> dict:
    """Return the resource limits of the runner and the kernel (:mod:`crmlab.grading.runner`).

    Examples
    --------
    >>> limits(1024, 60)["RLIMIT_AS"] // 1024 ** 2, limits(None, 60)["RLIMIT_CPU"]
    (1024, 180)
    """
    return {
        "RLIMIT_AS": None if memory_mb is None else int(memory_mb) * 1024 ** 2,
        "RLIMIT_NPROC": 512,  # processes and threads; a fork bomb stops here
        "RLIMIT_CPU": 2 * int(total) + STARTUP,  # per process; the wall clock comes first
        "RLIMIT_FSIZE": 128 * 1024 ** 2,
        "RLIMIT_NOFILE": 1024,
        "RLIMIT_CORE": 0,
    }


def run_client(client: NotebookClient) -> None:
    """Execute an nbclient client with a fresh event loop, closed afterwards.

    Safe in worker threads (each runs its own loop). Cell errors stay in the notebook
    (``allow_errors``); a dead kernel or a failed start raises nbclient's exception, and
    leaves no clean-up behind for the end of the program (no spurious ``atexit``
    traceback). Needs a kernel: tested by ``tests/test_grading.py``.
    """
    import asyncio

    try:
        asyncio.run(client.async_execute(stderr=subprocess.DEVNULL))
    finally:
        atexit.unregister(client._cleanup_kernel)


def _files(path: Path, assignment: str) -> dict[str, str]:
    """The notebook and, for a student's own folder, the files beside it (capped).

    A notebook named after the assignment (``STUDENT/ASSIGNMENT.ipynb``, or nbgrader's
    ``STUDENT/ASSIGNMENT/ASSIGNMENT.ipynb``) sits in the student's own folder: its data
    files come along. ``STUDENT.ipynb`` sits in a folder shared by the class: nothing else
    of it is copied (other students' files stay out of this sandbox).
    """
    files = {path.name: base64.b64encode(path.read_bytes()).decode()}
    if path.stem != assignment:
        return files
    total = 0
    for other in sorted(path.parent.iterdir()):
        if other == path or other.is_symlink() or not other.is_file() \
                or other.name.startswith(".") or other.suffix == ".ipynb":
            continue
        size = other.stat().st_size
        if total + size > MAX_FILES:  # too big to copy: left out, the rest still come
            continue
        total += size
        files[other.name] = base64.b64encode(other.read_bytes()).decode()
    return files


def _communicate(cmd: list[str], job: bytes, *, cwd: str | None, env: dict,
                 seconds: float) -> tuple[list[str], bool]:
    """Run the runner; return its output lines and whether it had to be killed."""
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, cwd=cwd, env=env,
                            start_new_session=True)
    lines: list[str] = []
    too_much = threading.Event()

    def read():
        size = 0
        for raw in proc.stdout:
            size += len(raw)
            if size > MAX_OUTPUT:
                too_much.set()
                _kill(proc)
                break
            lines.append(raw.decode("utf-8", "replace"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        proc.stdin.write(job)
        proc.stdin.close()
    except (BrokenPipeError, OSError):
        pass
    killed = False
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        killed = True
    _kill(proc)
    proc.wait()
    reader.join(timeout=10)
    proc.stdout.close()
    if too_much.is_set():
        lines.append(json.dumps({"event": "failed", "stage": "output", "error": "too much"}))
    return lines, killed


def _kill(proc: subprocess.Popen) -> None:
    """Kill the runner's process group (the sandbox, or the runner and its kernel)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def execute(path: str | Path, lay: Layout, *, timeout: int, memory_mb: int | None,
            total: int | None = None, sandbox: Sandbox | None = None,
            grace: int = GRACE) -> Run:
    """Run one submitted notebook in its sandbox, under the limits; return what it exported.

    Parameters
    ----------
    path : str or Path
        The submitted notebook.
    lay : Layout
        The assignment's layout (:func:`crmlab.grading.layout`).
    timeout : int
        Seconds per cell before the kernel is interrupted.
    memory_mb : int or None
        Address-space limit of the runner and the kernel.
    total : int, optional
        Seconds for the whole notebook (default: 10 cells' worth, ``10 * timeout``).
    sandbox : Sandbox, optional
        The sandbox (:func:`crmlab.grading.sandbox.find`); None runs the runner as a
        plain process, with the limits but without isolation.
    grace : int, default GRACE
        Seconds an interrupted kernel has to stop before the sandbox is killed.

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
    ...     run = execute(bad, Layout("03_rfm", [], []), timeout=10, memory_mb=None)
    >>> run.problem, run.detail
    ('invalid', 'NotJSONError')
    """
    import nbformat

    run = Run()
    path = Path(path)
    try:
        nb = nbformat.read(path, as_version=4)
        files = _files(path, lay.assignment)
    except Exception as err:  # not JSON, not a notebook, unreadable
        run.problem, run.detail = "invalid", type(err).__name__
        return run
    run.missing_cells = missing_cells(nb, lay)
    token = secrets.token_hex(16)
    run_nb = prepare(nb, lay, token=token, memory_mb=None)
    total = int(total if total is not None else 10 * timeout)
    job = json.dumps({
        "cells": [{"source": c.source, "export": bool(c.metadata.get("crmlab_export"))}
                  for c in run_nb.cells],
        "files": files, "timeout": int(timeout), "total": total, "grace": int(grace),
        "startup": STARTUP, "limits": limits(memory_mb, total), "mime": MIME,
        "timeout_error": TIMEOUT_ERROR,
    }).encode()
    argv = list(COMMAND)
    seconds = total + STARTUP + grace + 5
    if sandbox is not None:
        lines, killed = _communicate(sandbox.command(argv), job, cwd=None,
                                     env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                                     seconds=seconds)
    else:
        with tempfile.TemporaryDirectory(prefix="crmlab-grade-") as tmp:
            work, private_tmp = Path(tmp) / "work", Path(tmp) / "tmp"
            work.mkdir()
            private_tmp.mkdir()
            env = {**environment(str(work)), "TMPDIR": str(private_tmp)}
            for key in ("MPLCONFIGDIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_CONFIG_DIR",
                        "JUPYTER_DATA_DIR", "IPYTHONDIR"):
                env[key] = env[key].replace("/tmp", str(private_tmp), 1)
            lines, killed = _communicate(argv, job, cwd=str(work), env=env, seconds=seconds)
    return read_events(lines, run_nb, token, run, killed=killed)
