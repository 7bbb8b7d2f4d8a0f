"""Committed notebook outputs do not depend on the CPU, the BLAS kernel or the thread count.

nbval re-runs every notebook under the machine's own numeric environment; this module
re-runs each one under a second one (``numeric_env.SECOND``: OpenBLAS's oldest x86-64
kernels, or the generic ARMv8 ones, on one thread) and compares the same outputs nbval
does. A digit that follows the kernel (an optimiser stopped early, a BLAS sum printed to
16 digits) fails here on the developer's own machine, before a student on another CPU
meets it. ``python tests/numeric_env.py`` runs the full sweep of environments.
"""

from __future__ import annotations

import pytest
from numeric_env import ENVIRONMENTS, ROOT, SECOND, differences

NOTEBOOKS = sorted([*(ROOT / "notebooks").glob("*.ipynb"), *(ROOT / "solutions").glob("*.ipynb")])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.relative_to(ROOT).as_posix() for p in NOTEBOOKS])
def test_outputs_are_the_same_under_a_second_numeric_environment(path):
    changed = differences(path, ENVIRONMENTS[SECOND])
    assert not changed, (f"under {SECOND} ({ENVIRONMENTS[SECOND]}) these committed outputs "
                         f"change:\n" + "\n".join(changed))
