"""Committed notebook outputs do not depend on the CPU, the BLAS kernel or the thread count.

nbval re-runs every notebook under the machine's own numeric environment. The browser
test (``tests/test_browser.py``) runs each one in JupyterLab under a second one
(``numeric_env.SECOND``: OpenBLAS's oldest x86-64 kernels, or the generic ARMv8 ones, on
one thread) and compares the outputs nbval compares; where no browser can run, this
module does the same with nbclient. A digit that follows the kernel (an optimiser
stopped early, a BLAS sum printed to 16 digits) fails on the developer's own machine,
before a student on another CPU meets it. ``python tests/numeric_env.py`` runs the full
sweep of environments.
"""

from __future__ import annotations

import importlib.util

import pytest
from numeric_env import ENVIRONMENTS, ROOT, SECOND, differences

NOTEBOOKS = sorted([*(ROOT / "notebooks").glob("*.ipynb"), *(ROOT / "solutions").glob("*.ipynb")])


@pytest.fixture(scope="module")
def no_browser():
    """The browser test runs every notebook in JupyterLab under SECOND and compares the
    outputs; only where it cannot run (no Chromium, no Playwright) is the comparison
    made here, so the suite pays for the second environment once."""
    from browser.lab import find_chromium

    if importlib.util.find_spec("playwright") is not None and find_chromium()[0] is not None:
        pytest.skip(f"tests/test_browser.py runs the notebooks under {SECOND} and compares "
                    f"their outputs")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.relative_to(ROOT).as_posix() for p in NOTEBOOKS])
def test_outputs_are_the_same_under_a_second_numeric_environment(no_browser, path):
    changed = differences(path, ENVIRONMENTS[SECOND])
    assert not changed, (f"under {SECOND} ({ENVIRONMENTS[SECOND]}) these committed outputs "
                         f"change:\n" + "\n".join(changed))
