"""Exercises: ``check(question_id, answer)`` with kind feedback, and the student-version builder.

Each exercise is registered once, in ``crmlab/exercises/chNN.py``, with a function that
computes the expected answer from the bundled data with crmlab itself, the tolerance and
a hint (English and Chinese). ``check`` compares the student's answer with it
(:mod:`crmlab.exercises._compare`). A pass prints one line; a miss raises
:class:`CheckFailed`, whose notebook display is just the feedback (IPython's
``_render_traceback_`` hook), not a traceback, while nbgrader and nbval still see a
failed cell.

The notebook transforms (:mod:`crmlab.exercises._notebook`) turn ``solutions/`` into
``exercises/`` with nbgrader's markers.
"""

from crmlab.exercises._notebook import (
    build,
    clear_hidden_tests,
    clear_outputs,
    clear_solutions,
    normalize_metadata,
    student_version,
)
from crmlab.exercises._registry import CheckFailed, Result, check, exercise, questions
from crmlab.exercises._text import set_language

__all__ = [
    "CheckFailed", "Result", "build", "check", "clear_hidden_tests", "clear_outputs",
    "clear_solutions", "exercise", "normalize_metadata", "questions", "set_language",
    "student_version",
]
