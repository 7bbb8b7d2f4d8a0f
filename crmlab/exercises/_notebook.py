"""Turn solution notebooks into student notebooks: one small transform per job.

Modelled on nbgrader's preprocessors (``ClearSolutions``, ``ClearHiddenTests``,
``ClearOutput``), with nbgrader's markers so instructors can also use nbgrader on
``solutions/``. The markers are parsed by :mod:`crmlab.exercises.markers` (whole lines
only, so prose that mentions a marker is left alone; every error names the notebook, the
cell and the line).
A solution region in a code cell becomes ``# YOUR CODE HERE`` plus ``name = ...`` for
each variable the solution assigns at top level (Data 8's style), so the check cell
below can say "not answered yet" instead of raising a NameError.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from crmlab._errors import CRMDataError
from crmlab.exercises.markers import cell_name, regions

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from crmlab._typing import PathLike

__all__ = ["clear_solutions", "clear_hidden_tests", "clear_outputs", "normalize_metadata",
           "tag_checks", "student_version", "build"]

CODE_STUB = "# YOUR CODE HERE"
TEXT_STUB = "YOUR ANSWER HERE"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def _assigned_names(code: str) -> list[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    names: list[str] = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Name) and sub.id not in names:
                    names.append(sub.id)
    return names


def clear_solutions(cell: NotebookNode, *, where: str = "cell") -> bool:
    """Replace each solution region of a cell with a stub; return whether it changed.

    Examples
    --------
    >>> cell = nbformat.v4.new_code_cell(
    ...     "x = 1\\n### BEGIN SOLUTION\\nshare = x / 4\\n### END SOLUTION\\ncheck(share)")
    >>> clear_solutions(cell)
    True
    >>> print(cell.source)
    x = 1
    # YOUR CODE HERE
    share = ...
    check(share)
    """
    lines = cell.source.split("\n")
    found = regions(lines, "solution", where=where)
    if not found:
        return False
    for start, stop in reversed(found):
        indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
        if cell.cell_type == "code":
            body = "\n".join(line[len(indent):] for line in lines[start + 1:stop])
            stub = [indent + CODE_STUB] + [f"{indent}{n} = ..." for n in _assigned_names(body)]
        else:
            stub = [indent + TEXT_STUB]
        lines[start:stop + 1] = stub
    cell.source = "\n".join(lines)
    return True


def clear_hidden_tests(cell: NotebookNode, *, where: str = "cell") -> bool:
    """Remove the hidden-test regions (markers included) of a cell; return whether it changed.

    Examples
    --------
    >>> cell = nbformat.v4.new_code_cell(
    ...     "check('3.1', x)\\n### BEGIN HIDDEN TESTS\\nassert x > 0\\n### END HIDDEN TESTS")
    >>> clear_hidden_tests(cell), cell.source
    (True, "check('3.1', x)")
    """
    lines = cell.source.split("\n")
    found = regions(lines, "hidden", where=where)
    for start, stop in reversed(found):
        del lines[start:stop + 1]
    cell.source = "\n".join(lines).rstrip("\n")
    return bool(found)


def clear_outputs(nb: NotebookNode) -> None:
    """Remove every output and execution count of a notebook, in place."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)


def normalize_metadata(nb: NotebookNode) -> None:
    """Set the python3 kernelspec and drop machine-specific metadata, in place."""
    nb.metadata = nbformat.from_dict({
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
    })
    for cell in nb.cells:
        for key in ("collapsed", "scrolled", "execution", "ExecuteTime"):
            cell.metadata.pop(key, None)


def tag_checks(cell: NotebookNode) -> bool:
    """Tag a graded check cell ``raises-exception``; return whether it changed.

    A failing check raises, and JupyterLab's *Run All* stops at the first raised
    exception unless the cell carries this tag, so without it a student who has not
    answered 3.1 would never see 3.2 checked.

    Examples
    --------
    >>> cell = nbformat.v4.new_code_cell("check('3.1', x)")
    >>> cell.metadata["nbgrader"] = {"grade": True, "grade_id": "check_3_1", "points": 1}
    >>> tag_checks(cell), cell.metadata["tags"]
    (True, ['raises-exception'])
    """
    meta = cell.metadata.get("nbgrader", {})
    tags = cell.metadata.get("tags", [])
    if cell.cell_type != "code" or not meta.get("grade") or "raises-exception" in tags:
        return False
    cell.metadata["tags"] = [*tags, "raises-exception"]
    return True


def student_version(nb: NotebookNode, *, name: str = "notebook") -> NotebookNode:
    """Return the student version of a solution notebook (a new notebook).

    Solution regions become stubs, hidden tests go, check cells are tagged so *Run All*
    carries on past a failing check, outputs are cleared and the metadata normalised.
    ``name`` is used in error messages.
    """
    out = nbformat.from_dict(nb)
    for i, cell in enumerate(out.cells):
        where = cell_name(name, i)
        clear_solutions(cell, where=where)
        clear_hidden_tests(cell, where=where)
        tag_checks(cell)
    clear_outputs(out)
    normalize_metadata(out)
    return out


def build(source: PathLike = "solutions", target: PathLike = "exercises") -> list[Path]:
    """Write the student version of every ``source/*.ipynb`` into ``target``.

    Returns the paths written. The output is deterministic, so a test can rebuild into a
    temporary folder and compare with the committed ``exercises/``.
    """
    source, target = Path(source), Path(target)
    if not source.is_dir():
        raise CRMDataError(f"build: no folder {str(source)!r} with solution notebooks.")
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(source.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        out = student_version(nb, name=path.name)
        dest = target / path.name
        dest.write_text(nbformat.writes(out) + "\n", encoding="utf-8")
        written.append(dest)
    return written
