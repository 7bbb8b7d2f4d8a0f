"""The plain data in which answers leave the student's kernel for the grader.

The export cell runs :data:`ENCODER` in the student's kernel: :data:`ENCODE` turns each
answer into JSON-able plain data (numbers, text, lists, and tagged dicts for frames,
series, sets, dicts, non-finite floats and ``...``; anything else becomes the name of
its type). The grader reads it back with :func:`decode`, in its own process: no object
of the student's is ever unpickled or called there, only JSON is parsed.

Examples
--------
>>> import json
>>> kernel = {}
>>> exec(ENCODER, kernel)  # what the export cell defines in the student's kernel
>>> sent = json.dumps(kernel[ENCODE]({"a": 1.5, "b": {1, 2}, "c": float("inf"), "d": ...}))
>>> decode(json.loads(sent))
{'a': 1.5, 'b': {1, 2}, 'c': inf, 'd': Ellipsis}
>>> decode(json.loads(json.dumps(kernel[ENCODE](print))))
<builtin_function_or_method>
"""

from __future__ import annotations

import importlib
import json

__all__ = ["ENCODE", "ENCODER", "MIME", "MODULES", "Opaque", "decode"]

#: The MIME type of the export cell's display output.
MIME = "application/vnd.crmlab.answers+json"

#: The name of the encoding function :data:`ENCODER` defines.
ENCODE = "__crmlab_plain"

#: Source of the encoder, run in the student's kernel by the export cell.
ENCODER = r'''
def __crmlab_plain(value):
    import math, numbers
    try:
        import numpy as np
        import pandas as pd
    except ImportError:
        np = pd = None
    if value is None or isinstance(value, (bool, str)):
        return value
    if np is not None and isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if pd is not None and isinstance(value, pd.DataFrame):
        return {"__frame__": value.to_json(orient="split", date_format="iso", default_handler=str)}
    if pd is not None and isinstance(value, pd.Series):
        return {"__series__": value.to_json(orient="split", date_format="iso", default_handler=str)}
    if value is Ellipsis:
        return {"__ellipsis__": True}
    if np is not None and isinstance(value, np.ndarray):
        return [__crmlab_plain(v) for v in value.tolist()]
    if isinstance(value, (set, frozenset)):
        return {"__set__": [__crmlab_plain(v) for v in value]}
    if isinstance(value, (list, tuple)) or (pd is not None and isinstance(value, pd.Index)):
        return [__crmlab_plain(v) for v in value]
    if type(value).__name__ == "module":
        return {"__module__": value.__name__}
    if isinstance(value, dict):
        return {"__dict__": [[__crmlab_plain(k), __crmlab_plain(v)] for k, v in value.items()]}
    return {"__object__": type(value).__name__}
'''

#: Modules an answer may name and get back as the module (``pd``, ``crmlab``...).
MODULES = frozenset({"crmlab", "pandas", "numpy", "math", "scipy"})


class Opaque:
    """Stands in for an answer that is not plain data (a function, a figure...).

    Examples
    --------
    >>> Opaque("Figure")
    <Figure>
    """

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name}>"


def _read_split(text: str, typ: str):
    import pandas as pd

    parts = json.loads(text)
    index = parts.get("index")
    if typ == "series":
        return pd.Series(parts["data"], index=index, name=parts.get("name"))
    return pd.DataFrame(parts["data"], index=index, columns=parts["columns"])


def decode(value: object) -> object:
    """Turn the plain data of one exported answer back into Python and pandas values.

    Parameters
    ----------
    value : object
        One answer as parsed from the export's JSON.

    Returns
    -------
    object
        Numbers, text, lists, sets, dicts, Series and DataFrames (with plain labels),
        ``...``, a module among :data:`MODULES`, or an :class:`Opaque` stand-in.

    Examples
    --------
    >>> decode({"__series__": '{"name":"r","index":["C1","C2"],"data":[5,4]}'}).to_dict()
    {'C1': 5, 'C2': 4}
    >>> decode({"__dict__": [["n", 3], ["codes", {"__set__": ["a"]}]]})
    {'n': 3, 'codes': {'a'}}
    >>> decode({"__module__": "os"})
    <module>
    """
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__frame__" in value:
        return _read_split(value["__frame__"], "frame")
    if "__series__" in value:
        return _read_split(value["__series__"], "series")
    if "__set__" in value:
        return {decode(v) for v in value["__set__"]}
    if "__dict__" in value:
        return {decode(k): decode(v) for k, v in value["__dict__"]}
    if "__float__" in value:
        return float(value["__float__"])
    if "__ellipsis__" in value:
        return Ellipsis
    if "__module__" in value and value["__module__"].split(".")[0] in MODULES:
        return importlib.import_module(value["__module__"])
    if "__object__" in value or "__module__" in value:
        return Opaque(value.get("__object__", "module"))
    return value
