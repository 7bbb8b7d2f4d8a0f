"""Find the code of a submission that reaches for the answer key or changes the checks.

Graded work may not use the course's checkers (``crmlab.exercises`` beyond ``check`` and
``set_language``: the chapter modules compute the expected answers), the grader
(``crmlab.grading``), the solution notebooks, or the files of the installed package, and
may not replace ``crmlab.check``. :func:`reaches` reads one cell's code (with :mod:`ast`,
after IPython's own syntax is turned into Python) and names what it reaches for;
:func:`forbidden` maps that to the exercises of a submission: a reach in an answer cell
costs that exercise, a reach in any other code cell every exercise checked after it.

In the sandbox the answer key is not there at all (:mod:`crmlab.grading.sandbox`): this
scan is what turns an attempt into a zero with a note in ``crmlab grade``, and in
nbgrader's autograder through :mod:`crmlab.grading.nbgrader_scan`. It reads
code, so it cannot see through every obfuscation; the sandbox is the protection, the scan
the explanation.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from crmlab.grading.assignment import Layout, nbgrader

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = ["STUDENT_API", "forbidden", "reaches"]

#: What a student may use from ``crmlab.exercises``.
STUDENT_API = frozenset({"check", "set_language", "Result", "CheckFailed"})

#: Attributes that locate a module's files (the way to ``solutions/`` or the checkers).
_FILE_ATTRS = frozenset({"__file__", "__path__", "__spec__", "__loader__", "__cached__"})

#: Names of the checker internals.
_INTERNALS = frozenset({"_registry", "_EXERCISES", "EXERCISES", "_judging", "_compare",
                        "lookup", "problems"})

_TEXT = re.compile(r"crmlab[./\\]+(exercises|grading)|exercises[./\\]+ch\d\d|"
                   r"(^|[/\\])solutions([/\\]|$)|_registry|_EXERCISES|answer.?key",
                   re.IGNORECASE)


def _dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def _parse(code: str) -> ast.Module | None:
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return ast.parse(TransformerManager().transform_cell(code))
    except (SyntaxError, ValueError):
        return None


def _module_reach(module: str, names: list[str]) -> str | None:
    if module.startswith("crmlab.grading") or module == "crmlab" and "grading" in names:
        return "crmlab.grading"
    if module.startswith("crmlab.exercises."):
        return module
    if module == "crmlab.exercises" and set(names) - STUDENT_API:
        return f"crmlab.exercises.{sorted(set(names) - STUDENT_API)[0]}"
    if module == "crmlab" and "exercises" in names:
        return "crmlab.exercises"
    return None


def reaches(code: str) -> list[str]:
    """Return what a cell's code reaches for that graded work may not use (empty if none).

    Parameters
    ----------
    code : str
        The code of one cell (IPython syntax allowed).

    Returns
    -------
    list of str
        Each thing reached for, in words (``"crmlab.exercises.ch03"``, ``"solutions/"``,
        ``"crmlab.check (replaced)"``...), once, in order.

    Examples
    --------
    >>> reaches("from crmlab.exercises.ch03 import expected")
    ['crmlab.exercises.ch03']
    >>> reaches("import crmlab\\ncrmlab.check = lambda *a: None")
    ['crmlab.check (replaced)']
    >>> reaches("nb = open(crmlab.__file__ + '/../../solutions/03_rfm.ipynb')")
    ['crmlab.__file__', 'solutions/']
    >>> reaches("share = (table['recency'] <= 30).mean()\\ncrmlab.check('3.1', share)")
    []
    """
    tree = _parse(code)
    found: list[str] = []

    def add(what: str) -> None:
        if what not in found:
            found.append(what)

    if tree is None:  # not Python: read the text
        if _TEXT.search(code):
            add("the answer key")
        return found
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                hit = _module_reach(alias.name, [])
                if hit:
                    add(hit)
        elif isinstance(node, ast.ImportFrom) and node.module:
            hit = _module_reach(node.module, [a.name for a in node.names])
            if hit:
                add(hit)
        elif isinstance(node, ast.Attribute):
            dotted = _dotted(node) or ""
            if node.attr in _FILE_ATTRS:
                add(f"{dotted or '...' + '.' + node.attr}")
            elif node.attr in _INTERNALS:
                add(dotted or node.attr)
            elif re.match(r"crmlab\.(grading|exercises\.(?!(check|set_language)$))", dotted):
                add(dotted)
        elif isinstance(node, ast.Name) and node.id in _INTERNALS | {"__file__"}:
            add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = _TEXT.search(node.value)
            if match:
                add("solutions/" if "solutions" in match.group(0).lower() else match.group(0))
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) \
                else [node.target]
            for target in targets:
                dotted = _dotted(target) or ""
                if dotted.startswith("crmlab.") or dotted in ("check",) and not (
                        isinstance(node, ast.Assign) and _dotted(node.value) in (
                        "crmlab.check", "crmlab.exercises.check")):
                    add(f"{dotted} (replaced)")
        elif isinstance(node, ast.FunctionDef) and node.name == "check":
            add("check (replaced)")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("setattr", "delattr") and node.args \
                and (_dotted(node.args[0]) or "").startswith("crmlab"):
            add(f"{_dotted(node.args[0])} (changed with {node.func.id})")
    return found


def forbidden(nb: NotebookNode, lay: Layout, *,
              key_cells: list[int] = ()) -> dict[str, list[str]]:
    """Return the exercises of a submission that reach for the answer key, and what.

    Parameters
    ----------
    nb : NotebookNode
        The submitted notebook.
    lay : Layout
        The assignment's exercises.
    key_cells : list of int
        Positions (among the code cells) of cells that, when run in the sandbox, tried to
        import a hidden checker (:attr:`crmlab.grading.execute.Run.key_cells`).

    Returns
    -------
    dict
        Check cell ``grade_id`` -> what its code reached for. The submission's own check
        cells are not read: the grader replaces them, and so does nbgrader.

    Examples
    --------
    >>> import nbformat
    >>> from crmlab.grading.assignment import CheckCell, Layout
    >>> def cell(source, gid=None):
    ...     c = nbformat.v4.new_code_cell(source)
    ...     if gid:
    ...         c.metadata["nbgrader"] = {"grade_id": gid, "solution": True}
    ...     return c
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     cell("x = 1", "answer_1_1"),
    ...     cell("from crmlab.exercises.ch01 import expected", "answer_1_2"),
    ...     cell("y = 2", "answer_1_3")])
    >>> lay = Layout("a", [CheckCell(f"check_1_{k}", 1.0, "", "", [], [f"answer_1_{k}"])
    ...                    for k in (1, 2, 3)], ["answer_1_1", "answer_1_2", "answer_1_3"])
    >>> forbidden(nb, lay)
    {'check_1_2': ['crmlab.exercises.ch01']}
    """
    owner = {a: ex.grade_id for ex in lay.exercises for a in ex.answer_cells}
    order = [ex.grade_id for ex in lay.exercises]
    checks = set(order)
    found: dict[str, list[str]] = {}
    position, seen = 0, []  # exercises whose check cells came before this cell
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = nbgrader(cell)
        gid = meta.get("grade_id")
        index, position = position, position + 1
        if gid in checks:
            seen.append(gid)
            continue
        what = reaches(cell.source)
        if index in key_cells:
            what = what or ["the answer key (a hidden checker)"]
        if not what:
            continue
        if gid in owner:
            hit = [owner[gid]]
        else:  # a setup or added cell: every exercise checked after it
            hit = [g for g in order if g not in seen]
        for g in hit:
            found.setdefault(g, [])
            found[g] += [w for w in what if w not in found[g]]
    return {g: found[g] for g in order if g in found}
