"""The Chinese edition (中文版): translations kept beside the English source, and its build.

One source: the English notebooks are the source; each Chinese notebook is *built* from
its English notebook and a translation file, then executed (``make zh``), never edited by
hand. A translation file holds, for every Markdown cell of one notebook, keyed by the
cell's id (nbformat 4.5 ids, which the course keeps stable):

.. code-block:: yaml

    source: notebooks/00_welcome.ipynb
    cells:
      7e59b3b9:
        sha: 1a2b3c4d5e6f     # fingerprint of the English text that was translated
        en: |                 # that English text, for the reviewer
          # Welcome to crmlab
        zh: |
          # 欢迎来到 crmlab

and lives at ``translations/zh/<folder>/<name>.yaml``. Instructor notes (Markdown files)
are translated the same way, one unit per ``##`` section (:func:`sections`), and built to
``zh/instructors/<name>.md``; exercise notebooks are not translated but generated from the
Chinese solutions (``crmlab exercises build --source zh/solutions --target zh/exercises``).

When an English cell changes, its fingerprint no longer matches and :func:`problems`
reports the translation as stale (``tests/test_editions.py`` fails), until a translator
updates ``zh`` and runs ``tools/editions.py accept NOTEBOOK --cells ID`` on the cell.
Code cells are not translated: the Chinese notebook runs the same code, with
``crmlab.set_language("zh")`` added after the first ``import crmlab`` so check
feedback speaks Chinese; its committed outputs come from executing it, and
``tests/test_editions.py`` checks that every number in them equals the English
edition's.

Why YAML keyed by cell id rather than gettext ``.po`` files (the convention of Sphinx
and Jupyter Book): a notebook cell, not a sentence, is the unit a translator of this
course works in (tables, formulas and lists stay whole), and the cell id keeps a
translation attached when cells are moved. Hand-written because no tool translates
notebooks cell by cell with freshness checks; YAML reading and writing is PyYAML's.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from crmlab._errors import CRMDataError

__all__ = ["EDITION_FOLDER", "LANGUAGE_LINE", "accept", "build", "edition_path", "fingerprint",
           "flow", "numbers", "problems", "sections", "source_of", "translation_path",
           "update"]

#: The Chinese notebooks: ``zh/notebooks/00_welcome.ipynb`` for ``notebooks/00_welcome.ipynb``.
EDITION_FOLDER = "zh"
#: The line the build adds after the first ``import crmlab`` of a Chinese notebook.
LANGUAGE_LINE = 'crmlab.set_language("zh")  # 练习反馈用中文'


_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\u201c\u201d\u2014"
_BREAK = re.compile(rf"(?<=[{_CJK}])\n[ \t]*(?=[{_CJK}])")


def flow(text: str) -> str:
    r"""Join the lines of a Chinese paragraph that the translation file wraps.

    Markdown turns a line break into a space, which is right between English words and
    wrong between Chinese characters; a break with Chinese on both sides is removed. A
    line that starts with markup (a list item, a table row, a heading) is kept.

    Examples
    --------
    >>> flow("客户终身价值是\n全部利润的现值。\n\n* 第一点\n* 第二点")
    '客户终身价值是全部利润的现值。\n\n* 第一点\n* 第二点'
    >>> flow("1. 用校准期\n   拟合模型")
    '1. 用校准期拟合模型'
    """
    return _BREAK.sub("", text)


def fingerprint(text: str) -> str:
    """The first 12 hex digits of the SHA-256 of a cell's text (line ends normalised).

    Examples
    --------
    >>> fingerprint("# Welcome")
    'cb77c47f1ba0'
    >>> fingerprint("# Welcome\\r\\n") == fingerprint("# Welcome\\n")
    True
    """
    normal = text.replace("\r\n", "\n").rstrip("\n")
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:12]


def _root_and_relative(source: Path) -> tuple[Path, Path]:
    source = Path(source).resolve()
    return source.parents[1], Path(source.parent.name) / source.name


def translation_path(source: Path) -> Path:
    """Where the translation of an English notebook lives.

    Examples
    --------
    >>> translation_path(Path("/course/notebooks/00_welcome.ipynb")).as_posix()
    '/course/translations/zh/notebooks/00_welcome.yaml'
    >>> translation_path(Path("/course/instructors/03_rfm.md")).as_posix()
    '/course/translations/zh/instructors/03_rfm.yaml'
    """
    root, rel = _root_and_relative(source)
    return root / "translations" / EDITION_FOLDER / rel.with_suffix(".yaml")


def edition_path(source: Path) -> Path:
    """Where the Chinese notebook built from an English notebook lives.

    Examples
    --------
    >>> edition_path(Path("/course/notebooks/00_welcome.ipynb")).as_posix()
    '/course/zh/notebooks/00_welcome.ipynb'
    """
    root, rel = _root_and_relative(source)
    return root / EDITION_FOLDER / rel


def source_of(translation: Path) -> Path:
    """The English source a translation file translates (its ``source:`` line).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "translations" / "zh" / "instructors"
    >>> folder.mkdir(parents=True)
    >>> _ = (folder / "03_rfm.yaml").write_text("source: instructors/03_rfm.md\\ncells: {}\\n")
    >>> source_of(folder / "03_rfm.yaml").relative_to(folder.parents[2]).as_posix()
    'instructors/03_rfm.md'
    """
    translation = Path(translation).resolve()
    root = translation.parents[3]
    named = _read_translation(translation).get("source")
    if named:
        return root / named
    return root / translation.relative_to(root / "translations" / EDITION_FOLDER).with_suffix(
        ".ipynb")


def _read_translation(path: Path) -> dict[str, Any]:
    import yaml

    if not path.exists():
        return {"source": None, "cells": {}}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not isinstance(data.get("cells", {}), dict):
        raise CRMDataError(f"{path}: a translation file is a mapping with 'source' and "
                           "'cells' (cell id -> sha, en, zh). Fix the file's layout.")
    data.setdefault("cells", {})
    return data


class _Literal(str):
    """A string PyYAML writes as a ``|`` block (readable Markdown in the file)."""


def _write_translation(path: Path, data: dict[str, Any]) -> None:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def literal(dumper, value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style="|")

    Dumper.add_representer(_Literal, literal)
    cells = {}
    for cell_id, entry in data["cells"].items():
        cells[cell_id] = {"sha": entry.get("sha"),
                          "en": _Literal(entry.get("en") or ""),
                          "zh": _Literal(entry.get("zh") or "")}
    text = yaml.dump({"source": data["source"], "cells": cells}, Dumper=Dumper,
                     allow_unicode=True, sort_keys=False, width=100)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


_SECTION = re.compile(r"^## ", flags=re.M)


def sections(text: str) -> list[tuple[str, str]]:
    r"""A Markdown file (an instructor note) as translation units: ``(id, text)`` pairs.

    A unit is the text before the first level-2 heading, then each ``## `` section; its
    id is ``s`` and the fingerprint of its heading line, so a translation stays attached
    when sections move, and a renamed heading shows up as a new, untranslated unit.
    Headings inside fenced code are not section breaks.

    Examples
    --------
    >>> note = "# Note\n\nIntro.\n\n## A\nx\n\n## B\ny\n"
    >>> [(i[:1], t.splitlines()[0]) for i, t in sections(note)]
    [('s', '# Note'), ('s', '## A'), ('s', '## B')]
    >>> "".join(t for _, t in sections("# N\n\n## A\nx\n")) == "# N\n\n## A\nx\n"
    True
    """
    starts = [0]
    fenced = False
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and _SECTION.match(line) and offset:
            starts.append(offset)
        offset += len(line)
    starts.append(len(text))
    units = []
    seen: dict[str, int] = {}
    for start, end in zip(starts, starts[1:], strict=False):
        chunk = text[start:end]
        if not chunk.strip():
            continue
        key = "s" + fingerprint(chunk.strip().splitlines()[0])[:8]
        seen[key] = seen.get(key, 0) + 1
        units.append((key if seen[key] == 1 else f"{key}-{seen[key]}", chunk))
    return units


class _Unit:
    def __init__(self, cell_id: str, source: str):
        self.id, self.source = cell_id, source


def _markdown_cells(source: Path) -> list[Any]:
    import nbformat

    if Path(source).suffix == ".md":
        text = Path(source).read_text(encoding="utf-8")
        return [_Unit(i, t.rstrip("\n")) for i, t in sections(text)]
    nb = nbformat.read(source, as_version=4)
    return [c for c in nb.cells if c.cell_type == "markdown"]


def problems(source: Path) -> list[str]:
    """What keeps the Chinese edition of ``source`` from being complete and current.

    One line per problem: a missing translation file, a Markdown cell without a
    translation, a translation of English text that has since changed (stale), a
    translation of a cell that no longer exists.

    Examples
    --------
    >>> import tempfile, nbformat
    >>> folder = Path(tempfile.mkdtemp()) / "notebooks"; folder.mkdir()
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hi", id="c1")])
    >>> nbformat.write(nb, folder / "x.ipynb")
    >>> problems(folder / "x.ipynb")
    ['notebooks/x.ipynb: no translation file translations/zh/notebooks/x.yaml']
    """
    root, rel = _root_and_relative(source)
    path = translation_path(source)
    if not path.exists():
        return [f"{rel.as_posix()}: no translation file "
                f"{path.relative_to(root).as_posix()}"]
    entries = _read_translation(path)["cells"]
    found = []
    ids = set()
    for cell in _markdown_cells(source):
        ids.add(cell.id)
        entry = entries.get(cell.id)
        if not entry or not str(entry.get("zh") or "").strip():
            found.append(f"{rel.as_posix()}: cell {cell.id} has no translation "
                         f"({_first_line(cell.source)!r})")
        elif entry.get("sha") != fingerprint(cell.source):
            found.append(f"{rel.as_posix()}: cell {cell.id} changed in English since it "
                         f"was translated ({_first_line(cell.source)!r}); update its zh "
                         f"text, then `tools/editions.py accept {rel.as_posix()} "
                         f"--cells {cell.id}`")
    for cell_id in sorted(set(entries) - ids):
        found.append(f"{rel.as_posix()}: translation of cell {cell_id}, which the English "
                     "notebook no longer has (remove it)")
    return found


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:60]


def update(source: Path) -> Path:
    """Add every new Markdown cell of ``source`` to its translation file (``zh`` empty).

    Existing entries, stale ones included, are kept as they are: a stale entry still
    shows the English its Chinese was made from. Returns the translation file's path.

    Examples
    --------
    >>> import tempfile, nbformat, yaml
    >>> folder = Path(tempfile.mkdtemp()) / "notebooks"; folder.mkdir()
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hi", id="c1")])
    >>> nbformat.write(nb, folder / "x.ipynb")
    >>> path = update(folder / "x.ipynb")
    >>> yaml.safe_load(path.read_text())["cells"]["c1"]["en"]
    '# Hi'
    """
    path = translation_path(source)
    data = _read_translation(path)
    _, rel = _root_and_relative(source)
    data["source"] = rel.as_posix()
    entries = data["cells"]
    ordered = {}
    for cell in _markdown_cells(source):
        ordered[cell.id] = entries.get(cell.id) or {
            "sha": fingerprint(cell.source), "en": cell.source, "zh": ""}
    data["cells"] = ordered
    _write_translation(path, data)
    return path


def accept(source: Path, cell_ids: list[str]) -> list[str]:
    """Mark the translations of ``cell_ids`` as made from the current English text.

    Run it after updating a stale cell's ``zh``: it stores the current English and its
    fingerprint. Returns the ids accepted.

    Examples
    --------
    >>> import tempfile, nbformat
    >>> folder = Path(tempfile.mkdtemp()) / "notebooks"; folder.mkdir()
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hi", id="c1")])
    >>> nbformat.write(nb, folder / "x.ipynb")
    >>> accept(folder / "x.ipynb", ["c1"])
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: accept: cell c1 of notebooks/x.ipynb has no Chinese text ...
    """
    path = translation_path(source)
    data = _read_translation(path)
    _, rel = _root_and_relative(source)
    cells = {c.id: c for c in _markdown_cells(source)}
    for cell_id in cell_ids:
        if cell_id not in cells:
            raise CRMDataError(f"accept: {rel.as_posix()} has no Markdown cell {cell_id!r}.")
        entry = data["cells"].get(cell_id)
        if not entry or not str(entry.get("zh") or "").strip():
            raise CRMDataError(f"accept: cell {cell_id} of {rel.as_posix()} has no Chinese "
                               "text yet; write its zh first.")
        entry["en"] = cells[cell_id].source
        entry["sha"] = fingerprint(cells[cell_id].source)
    data["source"] = rel.as_posix()
    _write_translation(path, data)
    return list(cell_ids)


def build(source: Path, *, allow_stale: bool = False) -> Path:
    """Write the Chinese notebook of ``source`` (not executed; ``make zh`` executes it).

    Markdown cells are replaced by their translations; code cells are kept, with
    :data:`LANGUAGE_LINE` added after the first ``import crmlab``; outputs are cleared.
    Refuses (``CRMDataError`` listing :func:`problems`) while a translation is missing
    or stale, unless ``allow_stale``.

    Examples
    --------
    >>> import tempfile, nbformat
    >>> folder = Path(tempfile.mkdtemp()) / "notebooks"; folder.mkdir()
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("# Hi", id="c1"),
    ...     nbformat.v4.new_code_cell("import crmlab\\nprint(1)", id="c2")])
    >>> nbformat.write(nb, folder / "x.ipynb")
    >>> path = update(folder / "x.ipynb")
    >>> import yaml
    >>> data = yaml.safe_load(path.read_text(encoding="utf-8"))
    >>> data["cells"]["c1"]["zh"] = "# 你好"
    >>> _ = path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    >>> zh = nbformat.read(build(folder / "x.ipynb"), as_version=4)
    >>> [c.source for c in zh.cells]
    ['# 你好', 'import crmlab\\ncrmlab.set_language("zh")  # 练习反馈用中文\\nprint(1)']
    """
    import nbformat

    found = problems(source)
    if found and not allow_stale:
        raise CRMDataError("build: the translation is not complete and current:\n  "
                           + "\n  ".join(found))
    entries = _read_translation(translation_path(source))["cells"]
    target = edition_path(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    if Path(source).suffix == ".md":
        parts = []
        for unit in _markdown_cells(source):
            zh = str((entries.get(unit.id) or {}).get("zh") or "").strip("\n")
            parts.append(flow(zh) if zh else unit.source)
        target.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
        return target
    nb = nbformat.read(source, as_version=4)
    placed = False
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            entry = entries.get(cell.id) or {}
            if str(entry.get("zh") or "").strip():
                cell.source = flow(str(entry["zh"]).rstrip("\n"))
        elif cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            if not placed and re.search(r"^import crmlab\b", cell.source, flags=re.M):
                lines = cell.source.split("\n")
                at = next(i for i, line in enumerate(lines) if re.match(r"import crmlab\b",
                                                                          line))
                lines.insert(at + 1, LANGUAGE_LINE)
                cell.source = "\n".join(lines)
                placed = True
    nb.metadata.setdefault("language_info", {})
    nb.metadata["crmlab"] = {"edition": "zh", "source": _root_and_relative(source)[1].as_posix()}
    nbformat.write(nb, target)
    return target


_NUMBER = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?%?")


def numbers(path: Path) -> list[list[str]]:
    """The numbers printed by each code cell of a notebook (text outputs, in order).

    The Chinese edition must print the same numbers as the English one: same code,
    same data; only words differ.

    Examples
    --------
    >>> import tempfile, nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", id="a")])
    >>> nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout",
    ...                                               text="2,357 客户, 0.25 (25%)\\n")]
    >>> p = Path(tempfile.mkdtemp()) / "n.ipynb"; nbformat.write(nb, p)
    >>> numbers(p)
    [['2,357', '0.25', '25%']]
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        found = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                text = output.get("text", "")
            else:
                text = output.get("data", {}).get("text/plain", "")
            text = text if isinstance(text, str) else "".join(text)
            text = re.sub(r"<[^>]*object at 0x[0-9a-f]+>", "", text)
            found.extend(_NUMBER.findall(text))
        out.append(found)
    return out
