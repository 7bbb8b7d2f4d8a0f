"""Batch grading of submitted exercise notebooks, with the checks run outside the student's kernel.

How one submission is graded:

1. The exercise layout comes from the instructor's solution notebook: answer cells
   (nbgrader ``solution``) and graded check cells (nbgrader ``grade`` with ``points``),
   matched to the submission's cells by nbgrader ``grade_id``.
2. A copy of the submission is executed in a fresh kernel, in a temporary folder, with a
   time limit per cell (a loop is interrupted; the rest runs on) and a memory limit where
   the OS allows (``RLIMIT_AS``). The submission's own check cells are *not* run: each is
   replaced by an export cell that sends the variables the check needs back as plain data
   (JSON in a display output of a private MIME type, read from the grader's in-memory copy
   of that cell, so later cells cannot overwrite it).
3. The grader runs the public and hidden checks of the solution notebook in its own
   process, on those plain values. A submission that redefines ``check``, monkeypatches
   crmlab, edits its check cells or writes files cannot change what is judged.

A crashing kernel, a loop, an invalid file, a missing cell or a renamed variable gives
rows with the reason and zero for the exercises affected; the batch goes on.

Hand-written on top of nbclient because nbgrader's autograder runs the checks inside
the student's kernel (it has no sandbox), which this design avoids.
"""

from __future__ import annotations

import ast
import builtins
import json
import logging
import secrets
import subprocess
import tempfile
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.exercises.markers import cell_name, split_hidden

__all__ = ["grade", "grade_notebook", "layout", "Layout", "self_check"]

MIME = "application/vnd.crmlab.answers+json"
COLUMNS = ["student", "exercise", "points", "max_points", "status", "reason"]

_ENCODER = r'''
def __crmlab_plain(value):
    import math, numbers
    try:
        import numpy as np
        import pandas as pd
    except ImportError:
        np = pd = None
    if value is None or isinstance(value, (bool, str)):
        return value
    if np is not None and isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if pd is not None and isinstance(value, pd.DataFrame):
        return {"__frame__": value.to_json(orient="split", date_format="iso", default_handler=str)}
    if pd is not None and isinstance(value, pd.Series):
        return {"__series__": value.to_json(orient="split", date_format="iso", default_handler=str)}
    if value is Ellipsis:
        return {"__ellipsis__": True}
    if np is not None and isinstance(value, np.ndarray):
        return [__crmlab_plain(v) for v in value.tolist()]
    if isinstance(value, (set, frozenset)):
        return {"__set__": [__crmlab_plain(v) for v in value]}
    if isinstance(value, (list, tuple)) or (pd is not None and isinstance(value, pd.Index)):
        return [__crmlab_plain(v) for v in value]
    if type(value).__name__ == "module":
        return {"__module__": value.__name__}
    if isinstance(value, dict):
        return {"__dict__": [[__crmlab_plain(k), __crmlab_plain(v)] for k, v in value.items()]}
    return {"__object__": type(value).__name__}
'''


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__frame__" in value:
        return _read_split(value["__frame__"], "frame")
    if "__series__" in value:
        return _read_split(value["__series__"], "series")
    if "__set__" in value:
        return {_decode(v) for v in value["__set__"]}
    if "__dict__" in value:
        return {_decode(k): _decode(v) for k, v in value["__dict__"]}
    if "__float__" in value:
        return float(value["__float__"])
    if "__ellipsis__" in value:
        return Ellipsis
    if "__module__" in value and value["__module__"].split(".")[0] in _MODULES:
        import importlib

        return importlib.import_module(value["__module__"])
    if "__object__" in value or "__module__" in value:
        return _Opaque(value.get("__object__", "module"))
    return value


_MODULES = {"crmlab", "pandas", "numpy", "math", "scipy"}


def _read_split(text: str, typ: str):
    parts = json.loads(text)
    index = parts.get("index")
    if typ == "series":
        return pd.Series(parts["data"], index=index, name=parts.get("name"))
    return pd.DataFrame(parts["data"], index=index, columns=parts["columns"])


class _Opaque:
    """Stands in for an answer that is not plain data (a function, a figure...)."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name}>"


@dataclass
class Exercise:
    """One graded check cell of the solution notebook."""

    grade_id: str
    points: float
    public: str
    hidden: str
    names: list[str]
    answer_cells: list[str] = field(default_factory=list)


@dataclass
class Layout:
    """The exercises of one assignment, read from its solution notebook."""

    assignment: str
    exercises: list[Exercise]
    answer_ids: list[str]

    @property
    def max_points(self) -> float:
        return sum(e.points for e in self.exercises)


_PROVIDED = {"crmlab", "check", "pd", "np", "plt"}


def _free_names(code: str) -> list[str]:
    from IPython.core.inputtransformer2 import TransformerManager

    tree = ast.parse(TransformerManager().transform_cell(code))  # IPython syntax -> Python
    assigned = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
                and isinstance(n.ctx, ast.Store)}
    imported = {(a.asname or a.name).split(".")[0] for n in ast.walk(tree)
                if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    names = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
                and node.id not in assigned and node.id not in imported
                and node.id not in _PROVIDED and not hasattr(builtins, node.id)
                and node.id not in names):
            names.append(node.id)
    return names


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def layout(solution) -> Layout:
    """Read the exercises of an assignment from its solution notebook.

    Parameters
    ----------
    solution : str or Path
        ``solutions/NN_name.ipynb``.

    Returns
    -------
    Layout
        The graded check cells in order: id, points, public and hidden check code, and
        the variables each check reads.
    """
    path = Path(solution)
    nb = nbformat.read(path, as_version=4)
    exercises, answers, pending = [], [], []
    for i, cell in enumerate(nb.cells):
        meta = _nbgrader(cell)
        if meta.get("solution") and cell.cell_type == "code":
            answers.append(meta["grade_id"])
            pending.append(meta["grade_id"])
        if meta.get("grade") and cell.cell_type == "code":
            public, hidden = split_hidden(cell.source, where=cell_name(path.name, i))
            exercises.append(Exercise(meta["grade_id"], float(meta.get("points", 0)), public,
                                      hidden, _free_names(cell.source), pending))
            pending = []
    if not exercises:
        raise CRMDataError(f"layout: {path.name} has no graded cells (nbgrader metadata "
                           f"'grade': true with points).")
    return Layout(path.stem, exercises, answers)


def _export_cell(names: list[str], token: str):
    code = (
        _ENCODER
        + "import json as __crmlab_json\n"
        + "from IPython.display import display as __crmlab_display\n"
        + "__crmlab_out = {}\n"
        + f"for __crmlab_name in {names!r}:\n"
        + "    if __crmlab_name in globals():\n"
        + "        try:\n"
        + "            __crmlab_out[__crmlab_name] = __crmlab_plain(globals()[__crmlab_name])\n"
        + "        except Exception as __crmlab_err:\n"
        + "            __crmlab_out[__crmlab_name] = {'__object__': repr(__crmlab_err)}\n"
        + f"__crmlab_display({{{MIME!r}: {{'token': {token!r}, 'answers': __crmlab_out}}}}, "
        + "raw=True)\n"
    )
    cell = nbformat.v4.new_code_cell(code)
    cell.metadata["crmlab_export"] = True
    return cell


def _limits_cell(memory_mb: int | None):
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


def _run(client) -> None:
    """Execute with a fresh event loop that is closed afterwards (safe in worker threads)."""
    import asyncio

    asyncio.run(client.async_execute(stderr=subprocess.DEVNULL))


@dataclass
class _Run:
    answers: dict = field(default_factory=dict)  # grade_id -> {name: value}
    problem: str = ""  # a problem with the whole run (kernel died, timeout)
    missing_cells: list[str] = field(default_factory=list)
    timed_out: list[str] = field(default_factory=list)
    errors: dict = field(default_factory=dict)  # answer grade_id -> "MemoryError: ..."


def _execute(path: Path, lay: Layout, *, timeout: int, memory_mb: int | None) -> _Run:
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    run = _Run()
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as err:  # not JSON, not a notebook
        run.problem = f"not a valid notebook ({type(err).__name__})"
        return run
    by_id = {_nbgrader(c).get("grade_id"): c for c in nb.cells if _nbgrader(c).get("grade_id")}
    run.missing_cells = [a for a in lay.answer_ids if a not in by_id]
    token = secrets.token_hex(8)
    graded = {e.grade_id: e for e in lay.exercises}
    cells = [_limits_cell(memory_mb)]
    placed = set()
    for cell in nb.cells:
        gid = _nbgrader(cell).get("grade_id")
        if gid in graded:  # the submission's check cell is replaced by an export
            cells.append(_export_cell(graded[gid].names, token))
            cells[-1].metadata["crmlab_grade_id"] = gid
            placed.add(gid)
        elif cell.cell_type == "code":
            cells.append(nbformat.v4.new_code_cell(cell.source))
            cells[-1].metadata["crmlab_source_id"] = gid or ""
    for ex in lay.exercises:  # a deleted check cell still gets its export at the end
        if ex.grade_id not in placed:
            cells.append(_export_cell(ex.names, token))
            cells[-1].metadata["crmlab_grade_id"] = ex.grade_id
    run_nb = nbformat.v4.new_notebook(cells=cells)
    run_nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
    with tempfile.TemporaryDirectory(prefix="crmlab-grade-") as tmp:
        client = NotebookClient(
            run_nb, timeout=timeout, kernel_name="python3", allow_errors=True,
            interrupt_on_timeout=True, resources={"metadata": {"path": tmp}},
            error_on_timeout={"ename": "CellTimeoutError", "evalue": "time limit",
                              "traceback": []},
        )
        client.log.setLevel(logging.CRITICAL)
        try:
            _run(client)
        except DeadKernelError:
            run.problem = "the kernel died (crash or memory)"
        except Exception as err:  # a timeout while starting or any client failure
            run.problem = f"execution failed ({type(err).__name__})"
    current = None
    for cell in run_nb.cells:
        if cell.metadata.get("crmlab_source_id"):
            current = cell.metadata["crmlab_source_id"]
        for out in cell.get("outputs", []):
            if out.get("output_type") != "error" or not current or "crmlab_source_id" not in \
                    cell.metadata:
                continue
            if out.get("ename") in ("CellTimeoutError", "KeyboardInterrupt"):
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
                run.answers[gid] = {k: _decode(v) for k, v in data["answers"].items()}
    return run


def _judge(ex: Exercise, values: dict) -> tuple[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np

    import crmlab
    from crmlab.exercises import CheckFailed, check

    missing = [n for n in ex.names if n not in values]
    if missing:
        return "missing", (f"no variable {', '.join(map(repr, missing))} after running the "
                           f"notebook: keep the names the exercise gives")
    def quiet_check(question_id, answer):
        return check(question_id, answer, quiet=True)

    class _Crmlab:  # crmlab as the check cells see it, with a check that prints nothing
        check = staticmethod(quiet_check)

        def __getattr__(self, name):
            return getattr(crmlab, name)

    namespace = {"crmlab": _Crmlab(), "check": quiet_check, "pd": pd, "np": np, **values}
    code = ex.public + "\n" + ex.hidden
    try:
        exec(compile(code, f"<check {ex.grade_id}>", "exec"), namespace)  # noqa: S102
    except CheckFailed as err:
        return "failed", str(err).replace("\n", " ")
    except AssertionError as err:
        return "failed", f"a hidden check failed{': ' + str(err) if str(err) else ''}"
    except Exception as err:
        last = traceback.format_exception_only(type(err), err)[-1].strip()
        return "failed", f"the answer could not be checked ({last})"
    return "passed", ""


def grade_notebook(path, lay: Layout, *, student: str | None = None, timeout: int = 60,
                   memory_mb: int | None = 3072) -> pd.DataFrame:
    """Grade one submitted notebook; return one row per exercise.

    Columns: student, exercise, points, max_points, status and reason. The status is
    ``passed``; ``failed`` (a public or hidden check failed); ``error`` (the answer cell
    raised); ``missing`` (the answer cell or the variable is gone); ``timeout`` (the
    answer cell ran over the limit); ``crashed`` (the kernel died before the answer
    was exported) or ``invalid`` (the file is not a notebook).
    """
    path = Path(path)
    student = student or path.stem
    run = _execute(path, lay, timeout=timeout, memory_mb=memory_mb)
    rows = []
    for ex in lay.exercises:
        absent = [a for a in ex.answer_cells if a in run.missing_cells]
        looping = [a for a in ex.answer_cells if a in run.timed_out]
        if run.problem.startswith("not a valid"):
            status, reason = "invalid", run.problem
        elif absent:
            status, reason = "missing", f"the answer cell {absent[0]!r} is missing"
        elif looping:
            status, reason = "timeout", f"the answer cell {looping[0]!r} ran over {timeout} s"
        elif ex.grade_id not in run.answers:
            status, reason = "crashed", run.problem or "the notebook stopped before this exercise"
        else:
            status, reason = _judge(ex, run.answers[ex.grade_id])
            raised = [a for a in ex.answer_cells if a in run.errors]
            if status != "passed" and raised:
                status = "error"
                reason = f"the answer cell {raised[0]!r} raised {run.errors[raised[0]]}"
        points = ex.points if status == "passed" else 0.0
        rows.append([student, ex.grade_id, points, ex.points, status, reason])
    return pd.DataFrame(rows, columns=COLUMNS)


def _submissions(folder: Path, assignment: str) -> list[tuple[str, Path]]:
    found = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix == ".ipynb":
            found.append((path.stem, path))
        elif path.is_dir():
            candidate = path / f"{assignment}.ipynb"
            if candidate.exists():
                found.append((path.name, candidate))
    return found


def _feedback(student: str, rows: pd.DataFrame, assignment: str) -> str:
    total, most = rows["points"].sum(), rows["max_points"].sum()
    lines = [f"# {assignment}: feedback for {student}", "",
             f"Score: **{total:g} / {most:g}**", "",
             "| exercise | points | result | what to look at |", "|---|---|---|---|"]
    for r in rows.itertuples():
        mark = "✅" if r.status == "passed" else "❌"
        reason = str(r.reason).replace("|", "\\|")
        lines.append(f"| {r.exercise} | {r.points:g} / {r.max_points:g} | {mark} {r.status} "
                     f"| {reason} |")
    return "\n".join(lines) + "\n"


def grade(submissions, *, assignment: str, solutions="solutions", out=None, feedback=None,
          timeout: int = 60, memory_mb: int | None = 3072, workers: int = 2,
          progress: bool = True) -> pd.DataFrame:
    """Grade a folder of submitted notebooks; write a grade table and feedback files.

    Parameters
    ----------
    submissions : str or Path
        A folder of ``STUDENT.ipynb`` files, or of ``STUDENT/ASSIGNMENT.ipynb``.
    assignment : str
        The solution notebook's name without ``.ipynb``, e.g. ``"03_rfm"``.
    solutions : str or Path, default "solutions"
        The folder with the instructor's solution notebooks.
    out : str or Path, optional
        Where to write the grade table (CSV).
    feedback : str or Path, optional
        A folder for one Markdown feedback file per student.
    timeout : int, default 60
        Seconds per cell before the kernel is interrupted.
    memory_mb : int or None, default 3072
        Address-space limit of each kernel, where the OS allows.
    workers : int, default 2
        Submissions executed at the same time.
    progress : bool, default True
        Show a progress bar.

    Returns
    -------
    DataFrame
        One row per student and exercise: student, exercise, points, max_points, status,
        reason.

    Raises
    ------
    CRMDataError
        If the folders or the solution notebook do not exist.
    """
    folder = Path(submissions)
    if not folder.is_dir():
        raise CRMDataError(f"grade: no folder {str(folder)!r} of submissions.")
    solution = Path(solutions) / f"{assignment}.ipynb"
    if not solution.exists():
        known = ", ".join(p.stem for p in sorted(Path(solutions).glob("*.ipynb"))) or "none"
        raise CRMDataError(f"grade: no solution notebook {str(solution)!r}. Assignments: {known}.")
    lay = layout(solution)
    items = _submissions(folder, assignment)
    from tqdm.auto import tqdm

    bar = tqdm(total=len(items), desc=f"grading {assignment}", unit="notebook",
               disable=not progress)

    def one(item):
        student, path = item
        try:
            result = grade_notebook(path, lay, student=student, timeout=timeout,
                                    memory_mb=memory_mb)
        except Exception as err:  # the batch goes on whatever one notebook does
            result = pd.DataFrame([[student, e.grade_id, 0.0, e.points, "crashed",
                                    f"grader error: {type(err).__name__}"]
                                   for e in lay.exercises], columns=COLUMNS)
        bar.update(1)
        return result

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(one, items))
    bar.close()
    table = pd.concat(results, ignore_index=True) if results else pd.DataFrame(columns=COLUMNS)
    if out is not None:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(out, index=False)
    if feedback is not None:
        fb = Path(feedback)
        fb.mkdir(parents=True, exist_ok=True)
        for student, rows in table.groupby("student", sort=True):
            (fb / f"{student}.md").write_text(_feedback(student, rows, assignment),
                                              encoding="utf-8")
    return table


def self_check(notebook, *, timeout: int = 120) -> pd.DataFrame:
    """Run an exercise notebook as it is and summarise its check cells (for students).

    Unlike :func:`grade`, this runs the notebook's own check cells in its kernel, as
    JupyterLab would; it needs no solution notebook.

    Returns
    -------
    DataFrame
        One row per graded cell: exercise (its grade_id), passed, feedback (the first
        lines the check printed or raised).
    """
    from nbclient import NotebookClient

    path = Path(notebook)
    if not path.exists():
        raise CRMDataError(f"check: no notebook {str(path)!r}.")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    client.log.setLevel(logging.CRITICAL)
    _run(client)
    rows = []
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if not meta.get("grade") or cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if errors:
            import re

            lines = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in errors[0].traceback]
            text = " ".join(lines[1:] if lines and lines[0].startswith("❌") else lines[-1:])
            rows.append([meta["grade_id"], False, text or errors[0].ename])
        else:
            rows.append([meta["grade_id"], True, ""])
    return pd.DataFrame(rows, columns=["exercise", "passed", "feedback"])
