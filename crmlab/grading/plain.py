"""The plain data in which answers leave the student's kernel for the grader.

The export cell defines :data:`ENCODER` in the student's kernel: the source of
:func:`crmlab.exercises.answers.to_plain` under the name :data:`ENCODE`, which turns each
answer into JSON-able plain data. The grader reads it back with :func:`decode`
(:func:`crmlab.exercises.answers.from_plain`) in its own process: no object of the
student's is ever unpickled or called there, only JSON is parsed, defensively. ``crmlab.check``
in a notebook judges the same round trip (:func:`crmlab.exercises.answers.as_graded`),
so the notebook and the grader accept the same answers.

Examples
--------
>>> import json
>>> kernel = {}
>>> exec(ENCODER, kernel)  # what the export cell defines in the student's kernel
>>> sent = json.dumps(kernel[ENCODE]({"a": 1.5, "b": {1, 2}, "c": float("inf"), "d": ...}))
>>> decode(json.loads(sent))
{'a': 1.5, 'b': {1, 2}, 'c': inf, 'd': Ellipsis}
>>> decode(json.loads(json.dumps(kernel[ENCODE](print))))
<a function (builtin_function_or_method)>
"""

from __future__ import annotations

from crmlab.exercises.answers import MODULES, Opaque, kernel_source
from crmlab.exercises.answers import from_plain as decode

__all__ = ["ENCODE", "ENCODER", "MIME", "MODULES", "Opaque", "decode"]

#: The MIME type of the export cell's display output.
MIME = "application/vnd.crmlab.answers+json"

#: The name of the encoding function :data:`ENCODER` defines in the kernel.
ENCODE = "__crmlab_plain"

#: Source of the encoder, run in the student's kernel by the export cell.
ENCODER = kernel_source(ENCODE)
