"""Batch grading of submitted exercise notebooks, with the checks run outside the student's kernel.

Grading is a few small steps, one module each, like nbgrader's preprocessors:

1. :mod:`~crmlab.grading.assignment` reads the exercise layout from the instructor's
   solution notebook: answer cells (nbgrader ``solution``) and graded check cells
   (nbgrader ``grade`` with ``points``), matched to the submission's cells by nbgrader
   ``grade_id``; each check cell split into public code and hidden tests.
2. :mod:`~crmlab.grading.execute` runs a copy of the submission in a fresh kernel, in a
   temporary folder, with a time limit per cell (a loop is interrupted; the rest runs
   on) and a memory limit where the OS allows (``RLIMIT_AS``). The submission's own
   check cells are *not* run: each is replaced by an export cell that sends the
   variables the check needs back as plain data (:mod:`~crmlab.grading.plain`: JSON in
   a display output of a private MIME type, read from the grader's in-memory copy of
   that cell, so later cells cannot overwrite it).
3. :mod:`~crmlab.grading.judge` runs the public and hidden checks of the solution
   notebook in the grader's own process, on those plain values. A submission that
   redefines ``check``, monkeypatches crmlab, edits its check cells or writes files
   cannot change what is judged.
4. :mod:`~crmlab.grading.feedback` makes the grade table and the per-student Markdown
   feedback.

:func:`grade` and :func:`grade_notebook` (:mod:`~crmlab.grading.batch`) put the steps
together; :func:`self_check` (:mod:`~crmlab.grading.selfcheck`) is the student's
``crmlab check``, which runs a notebook as it is. A crashing kernel, a loop, an invalid
file, a missing cell or a renamed variable gives rows with the reason and zero for the
exercises affected; the batch goes on.

Hand-written on top of nbclient because nbgrader's autograder runs the checks inside
the student's kernel (it has no sandbox), which this design avoids.
"""

from crmlab.grading.assignment import CheckCell, Layout, layout
from crmlab.grading.batch import grade, grade_notebook
from crmlab.grading.feedback import COLUMNS, self_check_summary, totals
from crmlab.grading.selfcheck import self_check

__all__ = ["COLUMNS", "CheckCell", "Layout", "grade", "grade_notebook", "layout", "self_check",
           "self_check_summary", "totals"]
