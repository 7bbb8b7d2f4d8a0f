"""Test-suite policy, decided once (DESIGN.md "Notebook rules").

Notebooks run under nbval (``--nbval``: every cell's output is compared with the
committed one), with ``tests/sanitize.cfg`` as the one sanitize file. Policy:

* ``text/plain`` is compared; ``text/html`` is not: it duplicates the plain text of
  DataFrames and its markup changes between pandas versions. Images and widget views
  are not compared (nbval's default); their presence is checked by other tests.
* ``stderr`` is compared like any stream, and the committed notebooks have none
  (``tests/test_notebooks.py``), so a new warning fails the run.
* A notebook whose cells take more than ``NOTEBOOK_SECONDS`` in all fails.
* In ``exercises/``, a check cell's ``raises-exception`` tag (there for JupyterLab's
  Run All) is ignored, so a student's ``pytest --nbval-lax`` reports failing checks.
* Progress bars are off (``TQDM_DISABLE``); kernels keep the inline backend.
* nbval runs cells with ``store_history=False``, which breaks IPython's trailing-``;``
  rule (``DisplayHook.quiet`` reads the last *stored* input), so a plot cell ending in
  ``;`` would print ``[Text(...)]`` under nbval but not in JupyterLab. We run cells the
  way JupyterLab does, with history.
"""

from __future__ import annotations

import os
from collections import defaultdict

import pytest

pytest_plugins = ["pytester"]

NOTEBOOK_SECONDS = float(os.environ.get("CRMLAB_NOTEBOOK_SECONDS", "20"))

os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

try:
    from nbval.kernel import RunningKernel

    def _execute_like_jupyterlab(self, cell_input, allow_stdin=None):
        return self.kc.execute(cell_input, store_history=True, allow_stdin=allow_stdin,
                               stop_on_error=False)

    RunningKernel.execute_cell_input = _execute_like_jupyterlab
except ImportError:  # pragma: no cover - nbval is a dev dependency
    pass

_elapsed: dict[str, float] = defaultdict(float)
_last_cell: dict[str, str] = {}


def _is_nbval(item) -> bool:
    return type(item).__name__ == "IPyNbCell"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_nbval(item):
            notebook = item.parent
            # Student notebooks tag their check cells ``raises-exception`` so that
            # JupyterLab's Run All carries on past a failing check; under pytest a
            # failing check must still fail (``pytest --nbval-lax exercises/...``).
            grade = item.cell.get("metadata", {}).get("nbgrader", {}).get("grade")
            if grade and notebook.path.parent.name == "exercises":
                item.options["check_exception"] = False
            if "text/html" not in notebook.skip_compare:
                notebook.skip_compare = (*notebook.skip_compare, "text/html")
            _last_cell[str(notebook.path)] = item.nodeid


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if _is_nbval(item) and call.when == "call":
        path = str(item.parent.path)
        _elapsed[path] += call.duration
        if item.nodeid == _last_cell.get(path) and _elapsed[path] > NOTEBOOK_SECONDS:
            report.outcome = "failed"
            report.longrepr = (
                f"{item.parent.path.name}: the cells took {_elapsed[path]:.1f} s in all; "
                f"a chapter must run in under {NOTEBOOK_SECONDS:g} s."
            )
    return report


try:  # hypothesis: no timing deadlines on a shared 2-core machine; fixed examples in CI
    from hypothesis import settings

    settings.register_profile("crmlab", deadline=None)
    settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
    settings.load_profile("ci" if os.environ.get("CI") else "crmlab")
except ImportError:  # pragma: no cover
    pass


def _display_options() -> tuple:
    import numpy as np
    import pandas as pd

    keys = ("display.precision", "display.width", "display.max_columns", "display.max_rows",
            "display.float_format")
    return np.get_printoptions(), {key: pd.get_option(key) for key in keys}


#: pandas' and numpy's display options as the test session found them
_PRISTINE = _display_options()


@pytest.fixture(autouse=True)
def _display_options_restored():
    """Code run in the test process (a notebook's cells, a student's answer, a module
    fixture) may set pandas' or numpy's display options (``pd.set_option("display.precision",
    4)``); after every test they go back to what the session started with, so no later test
    or docstring example in the same worker prints differently."""
    yield
    import numpy as np
    import pandas as pd

    printing, pandas_display = _PRISTINE
    np.set_printoptions(**printing)
    for key, value in pandas_display.items():
        pd.set_option(key, value)
