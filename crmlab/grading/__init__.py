"""Batch grading of submitted exercise notebooks, with the checks run outside the student's kernel.

Grading is a few small steps, one module each, like nbgrader's preprocessors:

1. :mod:`~crmlab.grading.assignment` reads the exercise layout from the instructor's
   solution notebook: answer cells (nbgrader ``solution``) and graded check cells
   (nbgrader ``grade`` with ``points``), matched to the submission's cells by nbgrader
   ``grade_id``; each check cell split into public code and hidden tests.
2. :mod:`~crmlab.grading.execute` runs a copy of the submission with the notebook runner
   (:mod:`~crmlab.grading.runner`: a fresh kernel, resource limits, a time limit per cell
   and per notebook) inside a bubblewrap sandbox (:mod:`~crmlab.grading.sandbox`: a
   read-only view, a private work folder and ``/tmp``, no network, its own PID
   namespace, the answer key masked). The submission's own check cells are *not* run:
   each is replaced by an export cell that sends the variables the check needs back as
   plain data (:mod:`~crmlab.grading.plain`: JSON lines, size-limited, never unpickled,
   matched to the grader's own copy of the cells by a fresh token).
3. :mod:`~crmlab.grading.judge` runs the public and hidden checks of the solution
   notebook in the grader's own process, on those plain values; :mod:`~crmlab.grading.scan`
   scores 0 the exercises whose code reaches for the answer key. A submission that
   redefines ``check``, monkeypatches crmlab, edits its check cells or writes files
   cannot change what is judged.
4. :mod:`~crmlab.grading.feedback` makes the grade table, the gradebook table (wide,
   Canvas, Moodle) and the per-student Markdown feedback, in the words of
   :mod:`~crmlab.grading.words` (English or Chinese). Written reasoning cells are left to
   the instructor: a ``manual`` row each, with the rubric of :mod:`~crmlab.grading.rubric`,
   until :func:`~crmlab.grading.feedback.merge_manual` fills in the scores.

:func:`grade` and :func:`grade_notebook` (:mod:`~crmlab.grading.batch`) put the steps
together; :func:`self_check` (:mod:`~crmlab.grading.selfcheck`) is the student's
``crmlab check``, which runs a notebook as it is. A crashing kernel, a loop, an invalid
file, a missing cell or a renamed variable gives rows with the reason and zero for the
exercises affected; the batch goes on.

Hand-written on top of nbclient because nbgrader's autograder runs the checks inside
the student's kernel (it has no sandbox), which this design avoids; the sandbox itself is
bubblewrap's.
"""

from crmlab.grading.assignment import CheckCell, Layout, layout
from crmlab.grading.batch import grade, grade_notebook
from crmlab.grading.feedback import COLUMNS, self_check_summary, totals
from crmlab.grading.selfcheck import self_check

__all__ = ["COLUMNS", "CheckCell", "Layout", "grade", "grade_notebook", "layout", "self_check",
           "self_check_summary", "totals"]
