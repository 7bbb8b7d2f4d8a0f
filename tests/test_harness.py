"""The notebook harness itself: the time limit and the html policy really apply."""

import shutil
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def _notebook(path, source, output_text):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(source, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("execute_result", execution_count=1,
                                           data={"text/plain": output_text,
                                                 "text/html": "<b>differs on purpose</b>"})]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


def _run(pytester, monkeypatch, seconds):
    shutil.copy(ROOT / "conftest.py", pytester.path / "conftest.py")
    shutil.copy(ROOT / "tests" / "sanitize.cfg", pytester.path / "sanitize.cfg")
    monkeypatch.setenv("CRMLAB_NOTEBOOK_SECONDS", str(seconds))
    return pytester.runpytest_subprocess(
        "--nbval", "--nbval-current-env", "--nbval-sanitize-with", "sanitize.cfg",
        "-p", "no:cacheprovider", "nb.ipynb")


def test_html_is_not_compared_and_plain_text_is(pytester, monkeypatch):
    _notebook(pytester.path / "nb.ipynb", "import time; time.sleep(0.2); 1 + 1", "2")
    _run(pytester, monkeypatch, 20).assert_outcomes(passed=1)
    _notebook(pytester.path / "nb.ipynb", "1 + 2", "2")
    _run(pytester, monkeypatch, 20).assert_outcomes(failed=1)


def test_a_slow_notebook_fails(pytester, monkeypatch):
    _notebook(pytester.path / "nb.ipynb", "import time; time.sleep(0.5); 1 + 1", "2")
    result = _run(pytester, monkeypatch, 0.1)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*a chapter must run in under 0.1 s*"])


def test_students_nbval_lax_reports_each_failing_check():
    """exercises/ check cells carry raises-exception for JupyterLab, yet fail under pytest."""
    import subprocess
    import sys

    import nbformat as nbf

    path = ROOT / "exercises" / "04_pyramid_long_tail.ipynb"
    checks = sum(1 for c in nbf.read(path, as_version=4).cells
                 if c.get("metadata", {}).get("nbgrader", {}).get("grade")
                 and c.cell_type == "code")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p",
         "no:cacheprovider", "-q", str(path)], capture_output=True, text=True, cwd=ROOT)
    assert f"{checks} failed" in result.stdout, result.stdout[-500:]
