"""Exercises: ``check(question_id, answer)`` with kind feedback, and the student-version builder.

Each exercise is one declarative record (:class:`Exercise`), registered by its chapter
module ``crmlab/exercises/chNN.py``: the function that computes the expected answer from
the bundled data with crmlab itself, the datasets it reads, the chapter's known mistakes
(each a value or a test, with a sentence in English and in Chinese), the hints and the
tolerance. ``check`` compares the student's answer with it
(:mod:`crmlab.exercises._compare`, :func:`crmlab.exercises._registry.problems`). A pass
prints one line; a miss raises :class:`CheckFailed`, whose notebook display is just the
feedback (IPython's ``_render_traceback_`` hook), not a traceback, while nbgrader and
nbval still see a failed cell.

The notebook transforms (:mod:`crmlab.exercises._notebook`) turn ``solutions/`` into
``exercises/`` with nbgrader's markers (parsed by :mod:`crmlab.exercises.markers`, which
the grader uses too); they are imported on first use, so a student's first ``check``
does not pay for nbformat.
"""

from crmlab.exercises._attempts import read_attempts
from crmlab.exercises._registry import (
    CheckFailed,
    Exercise,
    Hint,
    Part,
    Result,
    Tolerance,
    check,
    exercise,
    load_answer_key,
    questions,
    register,
)
from crmlab.exercises._text import get_language, set_language

_NOTEBOOK = {"build", "clear_hidden_tests", "clear_outputs", "clear_solutions",
             "normalize_metadata", "student_version", "tag_checks"}

__all__ = [  # noqa: F822 - the notebook transforms resolve lazily through __getattr__
    "CheckFailed", "Exercise", "Hint", "Part", "Result", "Tolerance", "build", "check",
    "clear_hidden_tests", "clear_outputs", "clear_solutions", "exercise", "get_language",
    "load_answer_key",
    "normalize_metadata", "questions", "read_attempts", "register", "set_language",
    "student_version",
    "tag_checks",
]


def __getattr__(name):
    if name in _NOTEBOOK:
        from crmlab.exercises import _notebook

        return getattr(_notebook, name)
    raise AttributeError(f"module 'crmlab.exercises' has no attribute {name!r}")
