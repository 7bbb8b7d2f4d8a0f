"""The layout of ARCHITECTURE.md, kept true: no import circles, no private imports,
the data flow one way.

Reads every module of ``crmlab`` with :mod:`ast` (no import side effects): an edge
A -> B for every ``import``/``from`` of a crmlab module, at module level or inside a
function (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "crmlab"


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    is_package = MODULES[module].name == "__init__.py"
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str) -> list[tuple[str, str | None, int]]:
    """(imported crmlab module, imported name or None, line) for every import."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("crmlab"):
                    found.append((alias.name, None, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node)
            if not target.startswith("crmlab"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in MODULES:  # from crmlab import rfm: the module rfm
                    found.append((sub, None, node.lineno))
                else:
                    found.append((target, alias.name, node.lineno))
    return found


def _owner(module: str) -> str:
    """The module an import resolves to (a package's __init__ for a package)."""
    while module not in MODULES and "." in module:
        module = module.rsplit(".", 1)[0]
    return module


GRAPH = {m: sorted({_owner(t) for t, _, _ in _imports(m)} - {m}) for m in MODULES}


def _cycles() -> list[list[str]]:
    """Every strongly connected component with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in GRAPH.get(v, []):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return out


def _is_within(package: str, module: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_package_has_modules():
    assert "crmlab.customers" in MODULES and "crmlab.engines" in MODULES


def test_no_import_circle():
    circles = _cycles()
    assert not circles, f"import circles: {circles}"


def _private_scope(target: str, name: str | None) -> str | None:
    """The package a private module or name belongs to (who may import it), or None."""
    parts = target.split(".")
    for i, part in enumerate(parts[1:], start=1):
        if part.startswith("_"):
            return ".".join(parts[:i])  # crmlab.plots._rfm is private to crmlab.plots
    if name is not None and name.startswith("_") and not name.startswith("__"):
        return target  # a private name is private to its module
    return None


def test_no_module_imports_another_modules_private_name():
    bad = []
    for module in MODULES:
        for target, name, line in _imports(module):
            scope = _private_scope(target, name)
            if scope is not None and not _is_within(scope, module):
                bad.append(f"{module}:{line} imports {target}{'.' + name if name else ''}")
    assert not bad, "private names imported from outside their module or package:\n" + \
        "\n".join(bad)


@pytest.mark.parametrize("low, high", [
    ("crmlab.engines", ("crmlab.rfm", "crmlab.pyramid", "crmlab.clv", "crmlab.segmentation",
                        "crmlab.customers", "crmlab.pipelines", "crmlab.report")),
    ("crmlab.customers", ("crmlab.rfm", "crmlab.pyramid", "crmlab.clv", "crmlab.segmentation",
                          "crmlab.pipelines", "crmlab.report")),
    ("crmlab.validation", ("crmlab.schema", "crmlab.engines", "crmlab.customers")),
    ("crmlab.io", ("crmlab.rfm", "crmlab.pyramid", "crmlab.clv", "crmlab.pipelines",
                   "crmlab.report")),
])
def test_the_data_flows_one_way(low, high):
    """Backends and the per-customer table never import the topics, pipelines or report."""
    reached, todo = set(), [m for m in MODULES if _is_within(low, m)]
    while todo:
        m = todo.pop()
        for dep in GRAPH.get(m, []):
            if dep not in reached:
                reached.add(dep)
                todo.append(dep)
    wrong = sorted(m for m in reached if any(_is_within(h, m) for h in high))
    assert not wrong, f"{low} reaches {wrong}"
