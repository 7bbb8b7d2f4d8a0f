"""The one answer model: the plain data in which an answer is judged, in the notebook and by
the grader.

An answer is judged as plain data, wherever it is judged. :func:`to_plain` turns a value
into JSON-able data (numbers, text, lists and tagged dicts for arrays, Series, DataFrames,
indexes, sets, tuples, dicts, dates, non-finite floats and ``...``; anything else becomes
a description of its type); :func:`from_plain` turns that data back into Python, numpy and
pandas values. ``crmlab.check`` in a student's notebook judges ``from_plain(to_plain(answer))``
(:func:`as_graded`), and the grader judges what :func:`to_plain`, run in the sandboxed
kernel, sent out, decoded by :func:`from_plain` in its own process: the same value on both
sides, so an answer is accepted or rejected the same way in both places.

:func:`from_plain` reads data from a hostile source: it only builds numbers, text, lists,
tuples, sets, dicts, numpy arrays, pandas objects and dates from parsed JSON, checks every
field, limits depth and size, imports nothing but a few named modules, and turns whatever
it cannot read into an :class:`Opaque` stand-in instead of raising. Nothing is unpickled.

Hand-written because the two sides must agree exactly and the reader must be defensive:
``DataFrame.to_json`` rounds floats to 10 digits and loses index names and dtypes, and
pickle or Arrow would run or parse far more than plain data needs.

Examples
--------
>>> import numpy as np, pandas as pd
>>> as_graded(np.float64(0.25)), as_graded(np.array(3.0)), as_graded((1, "a"))
(0.25, array(3.), (1, 'a'))
>>> as_graded(pd.Series([5, 4], index=pd.Index(["C1", "C2"], name="id"), name="r")).to_dict()
{'C1': 5, 'C2': 4}
>>> as_graded(print)
<a function (builtin_function_or_method)>
"""

from __future__ import annotations

import datetime as _dt
import importlib
import inspect
import math

__all__ = ["HIDDEN_KEY", "MAX_DEPTH", "MAX_ITEMS", "MODULES", "Opaque", "as_graded", "conform",
           "from_plain",
           "kernel_source", "to_plain"]

#: What a chapter checker hidden by the grading sandbox says when imported
#: (:mod:`crmlab.grading.sandbox`); ``crmlab.check`` then says the grader checks later.
HIDDEN_KEY = "the answer key is not available while grading"

#: Nesting deeper than this is not plain data (the reader gives an :class:`Opaque`).
MAX_DEPTH = 24

#: The most numbers, strings and labels one answer may hold.
MAX_ITEMS = 5_000_000

#: Modules an answer may name and get back as the module itself (``pd``, ``crmlab``...).
MODULES = frozenset({"crmlab", "pandas", "numpy", "math", "scipy"})

#: Dtypes a Series, a column or an index gets back by name (others are inferred).
_DTYPES = frozenset({"int64", "int32", "float64", "float32", "bool", "object", "category",
                     "datetime64[ns]", "datetime64[us]", "datetime64[ms]", "datetime64[s]",
                     "str", "string", "Int64", "Float64", "boolean"})

#: Dtypes an array gets back by name (besides ``<U...`` text).
_ARRAY_DTYPES = frozenset({"bool", "int64", "int32", "float64", "float32", "datetime64[ns]",
                           "datetime64[us]", "datetime64[s]", "timedelta64[ns]"})


def to_plain(value: object) -> object:
    """Return ``value`` as JSON-able plain data (the export cell runs this in the kernel).

    Self-contained (its imports inside, its helper nested) because its source is also
    sent to the student's kernel (:func:`kernel_source`).

    Examples
    --------
    >>> to_plain({"n": 3, "share": float("nan"), "ids": {"C1"}})
    {'__dict__': [['n', 3], ['share', {'__float__': 'nan'}], ['ids', {'__set__': ['C1']}]]}
    >>> import numpy as np
    >>> to_plain(np.array([[1, 2]]))
    {'__array__': {'shape': [1, 2], 'values': [1, 2], 'dtype': 'int64'}}
    """
    import datetime
    import math
    import numbers

    try:
        import numpy as np
        import pandas as pd
    except ImportError:  # pragma: no cover - the course always has them
        np = pd = None

    def kind(v):
        if callable(v):
            return "function"
        if type(v).__module__.startswith("matplotlib"):
            return "figure"
        return "object"

    def dtype(t):
        if str(t) == "category":
            return {"categories": [enc(c) for c in t.categories.tolist()],
                    "ordered": bool(t.ordered)}
        return str(t)

    def index(ix):
        return {"values": [enc(v) for v in ix.tolist()], "dtype": dtype(ix.dtype),
                "names": [enc(n) for n in ix.names]}

    def enc(v):
        if v is None or isinstance(v, (bool, str)):
            return v
        if np is not None and isinstance(v, (np.datetime64, np.timedelta64)):
            v = pd.Timestamp(v) if isinstance(v, np.datetime64) else pd.Timedelta(v)
        elif np is not None and isinstance(v, np.generic):
            v = v.item()
            if isinstance(v, (bool, str)):
                return v
        if pd is not None and (v is pd.NaT or v is pd.NA):
            return None if v is pd.NA else {"__float__": "nan"}
        if isinstance(v, datetime.datetime):
            return {"__datetime__": v.isoformat()}
        if isinstance(v, datetime.date):
            return {"__date__": v.isoformat()}
        if isinstance(v, datetime.timedelta):
            return {"__timedelta__": int(pd.Timedelta(v).value) if pd is not None
                    else int(v.total_seconds() * 1e9)}
        if isinstance(v, numbers.Integral):
            return int(v)
        if isinstance(v, numbers.Real):
            v = float(v)
            return v if math.isfinite(v) else {"__float__": repr(v)}
        if isinstance(v, numbers.Number):
            return {"__object__": type(v).__name__, "kind": "complex number"}
        if v is Ellipsis:
            return {"__ellipsis__": True}
        if pd is not None and isinstance(v, pd.DataFrame):
            return {"__frame__": {
                "columns": index(v.columns), "index": index(v.index),
                "data": [[enc(x) for x in v.iloc[:, j].tolist()] for j in range(v.shape[1])],
                "dtypes": [dtype(t) for t in v.dtypes]}}
        if pd is not None and isinstance(v, pd.Series):
            return {"__series__": {"name": enc(v.name), "index": index(v.index),
                                   "values": [enc(x) for x in v.tolist()],
                                   "dtype": dtype(v.dtype)}}
        if pd is not None and isinstance(v, pd.Index):
            return {"__index__": index(v)}
        if np is not None and isinstance(v, np.ndarray):
            flat = list(v.ravel()) if v.dtype == object else v.ravel().tolist()
            if v.dtype.kind in "mM":
                flat = list(v.ravel())
            return {"__array__": {"shape": list(v.shape), "values": [enc(x) for x in flat],
                                  "dtype": str(v.dtype)}}
        if isinstance(v, (set, frozenset)):
            return {"__set__": [enc(x) for x in v]}
        if isinstance(v, tuple):
            return {"__tuple__": [enc(x) for x in v]}
        if isinstance(v, list):
            return [enc(x) for x in v]
        if isinstance(v, dict):
            return {"__dict__": [[enc(k), enc(x)] for k, x in v.items()]}
        if type(v).__name__ == "module":
            return {"__module__": str(v.__name__)}
        if type(v).__name__ == "Opaque" and isinstance(getattr(v, "type_name", None), str):
            return {"__object__": v.type_name, "kind": str(getattr(v, "kind", "object"))}
        return {"__object__": type(v).__name__, "kind": kind(v)}

    return enc(value)


def kernel_source(name: str) -> str:
    """Return the source of :func:`to_plain` as a function called ``name`` (for a kernel).

    Examples
    --------
    >>> space = {}
    >>> exec(kernel_source("__crmlab_plain"), space)
    >>> space["__crmlab_plain"]([1.5, ...])
    [1.5, {'__ellipsis__': True}]
    """
    source = inspect.getsource(to_plain).replace(to_plain.__doc__, "", 1)  # no docstring
    # the kernel's copy has no annotations: nothing in it depends on the student's names
    return source.replace("def to_plain(value: object) -> object:", f"def {name}(value):", 1)


class Opaque:
    """Stands in for an answer that is not plain data (a function, a figure, unreadable data).

    Attributes
    ----------
    type_name : str
        The Python type the student's value had, e.g. ``"function"``.
    kind : str
        What it is in words: ``"function"``, ``"figure"``, ``"object"``...

    Examples
    --------
    >>> Opaque("Figure", "figure")
    <a figure (Figure)>
    >>> Opaque("Figure", "figure").describe()
    'a figure (Figure)'
    """

    def __init__(self, type_name: str, kind: str = "object") -> None:
        self.type_name = str(type_name)[:80]
        self.kind = str(kind)[:40]

    def describe(self) -> str:
        """Return what the value was, in words: ``"a function (print)"``."""
        article = "an" if self.kind[:1] in "aeiou" else "a"
        return f"{article} {self.kind} ({self.type_name})"

    def __repr__(self) -> str:
        return f"<{self.describe()}>"


class _Unreadable(Exception):
    """Plain data that breaks the model: the reader turns it into an Opaque."""


class _Reader:
    def __init__(self) -> None:
        self.items = 0

    def count(self, n: int = 1) -> None:
        self.items += n
        if self.items > MAX_ITEMS:
            raise _Unreadable("too large")

    def read(self, value, depth: int = 0):
        if depth > MAX_DEPTH:
            raise _Unreadable("nested too deep")
        self.count()
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            return value
        if isinstance(value, list):
            return [self.read(v, depth + 1) for v in value]
        if not isinstance(value, dict) or len(value) > 2:
            raise _Unreadable("not plain data")
        tag = next((k for k in value if k.startswith("__")), None)
        body = value.get(tag)
        reader = getattr(self, f"_read_{tag.strip('_')}", None) if tag else None
        if reader is None:
            raise _Unreadable(f"unknown tag {tag!r}")
        return reader(body, value, depth + 1)

    def _list(self, body, depth):
        if not isinstance(body, list):
            raise _Unreadable("expected a list")
        return [self.read(v, depth) for v in body]

    def _text(self, body) -> str:
        if not isinstance(body, str) or len(body) > 64:
            raise _Unreadable("expected short text")
        return body

    def _read_float(self, body, value, depth):
        if body not in ("nan", "inf", "-inf"):
            raise _Unreadable("not a float")
        return float(body)

    def _read_ellipsis(self, body, value, depth):
        return Ellipsis

    def _read_datetime(self, body, value, depth):
        import pandas as pd

        return pd.Timestamp(self._text(body))

    def _read_date(self, body, value, depth):
        return _dt.date.fromisoformat(self._text(body))

    def _read_timedelta(self, body, value, depth):
        import pandas as pd

        if not isinstance(body, int) or isinstance(body, bool):
            raise _Unreadable("not a timedelta")
        return pd.Timedelta(body, unit="ns")

    def _read_set(self, body, value, depth):
        items = self._list(body, depth)
        return {_hashable(v) for v in items}

    def _read_tuple(self, body, value, depth):
        return tuple(self._list(body, depth))

    def _read_dict(self, body, value, depth):
        pairs = self._list(body, depth)
        if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            raise _Unreadable("not key-value pairs")
        return {_hashable(k): v for k, v in pairs}

    def _read_module(self, body, value, depth):
        name = self._text(body)
        if name in MODULES:
            return importlib.import_module(name)
        return Opaque("module", "module")

    def _read_object(self, body, value, depth):
        kind = value.get("kind", "object")
        return Opaque(self._text(body), kind if isinstance(kind, str) else "object")

    def _fields(self, body, names):
        if not isinstance(body, dict) or not set(names) <= set(body) or len(body) > len(names):
            raise _Unreadable("missing fields")
        return [body[n] for n in names]

    def _read_array(self, body, value, depth):
        import numpy as np

        shape, values, dtype = self._fields(body, ["shape", "values", "dtype"])
        if not isinstance(shape, list) or len(shape) > 8 or not all(
                isinstance(n, int) and not isinstance(n, bool) and 0 <= n for n in shape):
            raise _Unreadable("bad shape")
        items = self._list(values, depth)
        if math.prod(shape) != len(items):
            raise _Unreadable("shape and values differ")
        array = np.empty(len(items), dtype=object)
        array[:] = items
        if dtype in _ARRAY_DTYPES or (isinstance(dtype, str) and dtype[:2] in ("<U", "|b")):
            try:
                array = array.astype(dtype)
            except (TypeError, ValueError, OverflowError):
                pass
        return array.reshape(shape)

    def _read_index(self, body, value, depth):
        return self._index(body, depth)

    def _index(self, body, depth):
        import pandas as pd

        values, dtype, names = self._fields(body, ["values", "dtype", "names"])
        labels = self._list(values, depth)
        names = self._list(names, depth)
        if not names or len(names) > 16:
            raise _Unreadable("bad index names")
        names = [_hashable(n) for n in names]
        if len(names) > 1:
            if not all(isinstance(t, tuple) and len(t) == len(names) for t in labels):
                raise _Unreadable("bad multi-index")
            return pd.MultiIndex.from_tuples(labels, names=names) if labels else \
                pd.MultiIndex.from_arrays([[]] * len(names), names=names)
        index = pd.Index([_hashable(v) for v in labels], name=names[0],
                         dtype=object if any(isinstance(v, tuple) for v in labels) else None)
        return _with_dtype(index, dtype)

    def _read_series(self, body, value, depth):
        import pandas as pd

        name, index, values, dtype = self._fields(body, ["name", "index", "values", "dtype"])
        index = self._index(index, depth)
        values = self._list(values, depth)
        if len(values) != len(index):
            raise _Unreadable("index and values differ")
        series = pd.Series(values, index=index, name=_hashable(self.read(name, depth)),
                           dtype=object if not values else None)
        return _with_dtype(series, dtype)

    def _read_frame(self, body, value, depth):
        import pandas as pd

        columns, index, data, dtypes = self._fields(body, ["columns", "index", "data", "dtypes"])
        columns = self._index(columns, depth)
        index = self._index(index, depth)
        data = self._list(data, depth)
        if not isinstance(dtypes, list) or len(data) != len(columns) or len(dtypes) != len(
                columns) or any(not isinstance(c, list) or len(c) != len(index) for c in data):
            raise _Unreadable("columns and data differ")
        frame = pd.DataFrame({i: _with_dtype(pd.Series(col, index=index,
                                                       dtype=object if not col else None), t)
                              for i, (col, t) in enumerate(zip(data, dtypes, strict=True))},
                             index=index)
        frame.columns = columns
        return frame


def _hashable(value):
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    try:
        hash(value)
    except TypeError:
        raise _Unreadable("not hashable") from None
    return value


def _with_dtype(obj, dtype):
    """Give a Series or Index back its dtype when it is one of the plain ones."""
    if isinstance(dtype, dict):  # a categorical: its categories in order
        import pandas as pd

        categories, ordered = dtype.get("categories"), dtype.get("ordered")
        if not isinstance(categories, list) or not isinstance(ordered, bool) or len(dtype) != 2:
            return obj
        try:
            reader = _Reader()
            wanted = pd.CategoricalDtype([_hashable(reader.read(c)) for c in categories],
                                         ordered=ordered)
            return obj.astype(wanted)
        except (_Unreadable, TypeError, ValueError):
            return obj
    if not isinstance(dtype, str) or dtype not in _DTYPES or str(obj.dtype) == dtype:
        return obj
    try:
        return obj.astype(dtype)
    except (TypeError, ValueError, OverflowError):
        return obj


def from_plain(data: object) -> object:
    """Turn plain data (parsed JSON from :func:`to_plain`) back into Python and pandas values.

    Never raises: what cannot be read (an unknown tag, a wrong field, too deep, too large)
    becomes an :class:`Opaque` ``"unreadable data"``.

    Parameters
    ----------
    data : object
        One answer as parsed from JSON.

    Returns
    -------
    object
        Numbers, text, lists, tuples, sets, dicts, numpy arrays, Series, DataFrames,
        indexes, dates, ``...``, one of :data:`MODULES`, or an :class:`Opaque`.

    Examples
    --------
    >>> from_plain({"__dict__": [["n", 3], ["codes", {"__set__": ["a"]}]]})
    {'n': 3, 'codes': {'a'}}
    >>> from_plain({"__module__": "os"})
    <a module (module)>
    >>> from_plain({"__pickle__": "gASV..."})
    <an unreadable data (unknown tag '__pickle__')>
    """
    try:
        return _Reader().read(data)
    except _Unreadable as err:
        return Opaque(str(err), "unreadable data")
    except (ValueError, TypeError, OverflowError, RecursionError, KeyError, AttributeError):
        return Opaque("malformed", "unreadable data")


def as_graded(value: object) -> object:
    """Return ``value`` as the grader sees it: ``from_plain(to_plain(value))``.

    ``crmlab.check`` judges this, so a notebook and the grader accept the same answers.

    Examples
    --------
    >>> import numpy as np
    >>> as_graded(np.int64(3)), as_graded([np.bool_(True), None])
    (3, [True, None])
    """
    if value is Ellipsis or value is None or type(value) in (bool, int, float, str):
        return value
    try:
        plain = to_plain(value)
    except Exception as err:  # a student's object whose methods raise
        return Opaque(type(value).__name__, f"object that could not be read ({type(err).__name__})")
    return from_plain(plain)


def conform(answer: object, want: object) -> object:
    """Take the number out of a one-value numpy array where a number (or bool) is asked.

    ``np.float64(0.3)``, ``np.array(0.3)`` and ``np.array([0.3])`` all answer a question
    whose expected answer is a number (part by part in a dict answer); a Series or a
    list holding one value does not (the feedback says how to take the number out).

    Examples
    --------
    >>> import numpy as np
    >>> conform(np.array([0.3]), 0.25), conform({"n": np.array(4)}, {"n": 3})
    (0.3, {'n': 4})
    >>> conform(np.array([1, 2]), 0.25)
    array([1, 2])
    """
    import numbers

    import numpy as np

    if isinstance(answer, dict) and isinstance(want, dict):
        return {k: conform(v, want.get(k)) for k, v in answer.items()}
    if isinstance(answer, np.generic):
        answer = answer.item()
    elif isinstance(answer, np.ndarray) and answer.size == 1 and answer.dtype.kind in "biuf" \
            and isinstance(want, (numbers.Number, np.generic)):
        answer = answer.item()
    return answer
