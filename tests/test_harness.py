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


def _run(pytester, monkeypatch, seconds, *names):
    shutil.copy(ROOT / "conftest.py", pytester.path / "conftest.py")
    shutil.copy(ROOT / "tests" / "sanitize.cfg", pytester.path / "sanitize.cfg")
    monkeypatch.setenv("CRMLAB_NOTEBOOK_SECONDS", str(seconds))
    return pytester.runpytest_subprocess(
        "--nbval", "--nbval-current-env", "--nbval-sanitize-with", "sanitize.cfg",
        "-p", "no:cacheprovider", "-v", *names)


def test_html_is_not_compared_plain_text_is_and_a_slow_notebook_fails(pytester, monkeypatch):
    """One pytest run (one kernel start per notebook, one interpreter) for three rules."""
    _notebook(pytester.path / "same.ipynb", "1 + 1", "2")  # only its html differs
    _notebook(pytester.path / "wrong.ipynb", "1 + 2", "2")
    _notebook(pytester.path / "slow.ipynb", "import time; time.sleep(1.5); 1 + 1", "2")
    result = _run(pytester, monkeypatch, 1.0, "same.ipynb", "wrong.ipynb", "slow.ipynb")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["same*ipynb::Cell 0 PASSED*"])
    result.stdout.fnmatch_lines(["FAILED wrong.ipynb::Cell 0 *"])
    result.stdout.fnmatch_lines(["*Cell outputs differ*"])
    result.stdout.fnmatch_lines(["FAILED slow.ipynb::Cell 0 *"])
    result.stdout.fnmatch_lines(["*slow.ipynb: the cells took * s in all; "
                                 "a chapter must run in under 1 s*"])


def test_students_nbval_lax_reports_each_failing_check():
    """exercises/ check cells carry raises-exception for JupyterLab, yet fail under pytest."""
    import subprocess
    import sys

    import nbformat as nbf

    path = ROOT / "exercises" / "11_customer_needs.ipynb"  # the quickest to run
    checks = sum(1 for c in nbf.read(path, as_version=4).cells
                 if c.get("metadata", {}).get("nbgrader", {}).get("grade")
                 and c.cell_type == "code")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p",
         "no:cacheprovider", "-q", str(path)], capture_output=True, text=True, cwd=ROOT)
    assert f"{checks} failed" in result.stdout, result.stdout[-500:]
