"""Every chapter finding the exercises rely on holds in every student's own data.

Each chapter module ``crmlab/exercises/chNN.py`` lists in ``FINDINGS`` the facts of the
data its exercise text relies on (:class:`crmlab.exercises._registry.Finding`: "qualified
leads convert best", "the top 20 % bring more than half of the value"). A student built
with ``crmlab exercises build --roster`` works on a variant of the data, so each finding
must hold in every variant, not only in the bundled files. This test picks ``FINDINGS``
up from whichever chapter modules define them and checks each in the variants ``v0``,
``v1``, ...

How many variants, honestly: the findings are computed with the chapter's own analyses
(policy comparisons, scorecards, fits), about 0.3 to 2 s per chapter and variant, so 50
variants of all nine chapters take several minutes (measured: 222 s for chapters 01, 02,
04, 05, 07 and 08). The suite checks every chapter in the first :data:`SUITE_VARIANTS`
variant (``v0``, about 1 s a chapter); all 50, ``v0`` to ``v49``, with::

    CRMLAB_FINDINGS_VARIANTS=50 python -m pytest tests/test_variant_findings.py -p no:cacheprovider

Run that when a generator, an analysis or a finding changes, and before a term starts.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

from crmlab.exercises._registry import Finding
from crmlab.grading.batch import on_data

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.stem for p in (ROOT / "crmlab" / "exercises").glob("ch[0-9][0-9].py"))
#: The variants a finding must hold in.
ALL_VARIANTS = 50
#: The variants checked in the suite (``CRMLAB_FINDINGS_VARIANTS=50`` for all).
SUITE_VARIANTS = min(int(os.environ.get("CRMLAB_FINDINGS_VARIANTS", "1")), ALL_VARIANTS)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_finding_holds_in_every_variant(chapter):
    module = importlib.import_module(f"crmlab.exercises.{chapter}")
    findings = getattr(module, "FINDINGS", None)
    assert findings, f"crmlab/exercises/{chapter}.py defines no FINDINGS"
    assert all(isinstance(f, Finding) for f in findings), "FINDINGS holds Finding records"
    failed: dict[str, list[str]] = {}
    for variant in [f"v{i}" for i in range(SUITE_VARIANTS)]:
        with on_data(variant):
            for finding in findings:
                if finding.holds() is not True:
                    failed.setdefault(finding.name, []).append(variant)
    assert not failed, "findings that do not hold in some students' data:\n" + "\n".join(
        f"  {name}: {', '.join(where)}" for name, where in failed.items())
