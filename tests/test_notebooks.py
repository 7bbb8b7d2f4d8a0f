"""Static checks of the committed notebooks: what nbval does not look at.

nbval re-runs notebooks/ and solutions/ and compares outputs; these tests read the
committed files and fail on error outputs, anything on stderr, machine paths or user
names in outputs, a kernelspec other than python3, unexecuted cells and missing
figures.
"""

from __future__ import annotations

import getpass
import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXECUTED = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXECUTED += sorted((ROOT / "solutions").glob("*.ipynb"))
EXECUTED += sorted([*(ROOT / "zh" / "notebooks").glob("*.ipynb"),  # the Chinese edition
                    *(ROOT / "zh" / "solutions").glob("*.ipynb")])
ALL = EXECUTED + sorted([*(ROOT / "exercises").glob("*.ipynb"),
                         *(ROOT / "zh" / "exercises").glob("*.ipynb")])


def _ids(paths):
    return [p.relative_to(ROOT).as_posix() for p in paths]


def _machine_path_pattern() -> re.Pattern:
    places = {str(ROOT), str(ROOT.parent), str(Path.home()), "/tmp/", "/private/var/"}
    user = getpass.getuser()
    alternatives = [re.escape(p) for p in places if len(p) > 1]
    alternatives += [r"/home/[A-Za-z]", r"/Users/[A-Za-z]", r"[A-Z]:\\\\Users", r"site-packages"]
    if user not in {"root", "jovyan", "runner"} and len(user) > 2:
        alternatives.append(rf"\b{re.escape(user)}\b")
    return re.compile("|".join(alternatives))


MACHINE = _machine_path_pattern()


def test_course_has_notebooks():
    assert (ROOT / "notebooks" / "00_welcome.ipynb").exists()


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_valid_notebook_with_python3_kernel(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["kernelspec"]["language"] == "python"


@pytest.mark.parametrize("path", EXECUTED, ids=_ids(EXECUTED))
def test_executed_top_to_bottom(path):
    nb = nbformat.read(path, as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert counts, "no code cells"
    assert None not in counts, "some code cells were not executed"
    assert counts == list(range(1, len(counts) + 1)), "cells were not run once, top to bottom"


@pytest.mark.parametrize("path", EXECUTED, ids=_ids(EXECUTED))
def test_no_errors_warnings_or_machine_paths(path):
    nb = nbformat.read(path, as_version=4)
    problems = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                problems.append(f"cell {i}: error {out.ename}")
            if out.output_type == "stream" and out.name == "stderr":
                problems.append(f"cell {i}: stderr {out.text[:80]!r}")
            text = json.dumps(out.get("data", {}).get("text/plain", "")) + json.dumps(
                out.get("text", ""))
            if MACHINE.search(text):
                problems.append(f"cell {i}: machine path or user name {MACHINE.search(text)[0]!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", EXECUTED, ids=_ids(EXECUTED))
def test_plot_cells_show_a_figure_and_no_repr(path):
    nb = nbformat.read(path, as_version=4)
    images = 0
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            images += "image/png" in data
            plain = data.get("text/plain", "") if out.output_type == "execute_result" else ""
            assert not re.match(r"^(\[?<matplotlib|<Axes|Text\(|<Figure)", plain), (
                f"cell {i} prints a matplotlib repr; end the plot cell with ';'")
    if path.parent.name == "notebooks":
        assert images >= 1, "a chapter should show at least one figure"


_DECIMAL = re.compile(r"(?<![\w.])-?(\d+)\.(\d+)(?![\w.])")
#: what the course's methods guarantee on every machine: fits converge to a relative
#: 1e-11 and sums are exact to ~1e-13, so a printed number needs at most this many
#: significant digits (a full float repr shows 16-17, whose last ones follow the CPU);
#: money to the cent may have more (a total of 40,834,836.78 yuan is exact)
SIGNIFICANT_DIGITS = 9


def _significant_digits(whole: str, fraction: str) -> int:
    digits = (whole + fraction.rstrip("0")).lstrip("0")
    return len(digits)


@pytest.mark.parametrize("path", EXECUTED, ids=_ids(EXECUTED))
def test_printed_numbers_carry_only_digits_every_machine_agrees_on(path):
    nb = nbformat.read(path, as_version=4)
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "NBVAL_IGNORE_OUTPUT" in cell.source:
            continue
        for out in cell.get("outputs", []):
            text = out.get("text", "") + out.get("data", {}).get("text/plain", "")
            for m in _DECIMAL.finditer(text):
                if len(m[2]) > 2 and _significant_digits(m[1], m[2]) > SIGNIFICANT_DIGITS:
                    problems.append(f"cell {i}: {m[0]} (round it, or %precision in exercises)")
    assert not problems, "\n".join(problems[:10])
