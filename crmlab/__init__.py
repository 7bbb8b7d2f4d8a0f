"""crmlab: customer relationship management analytics, the course's helper package.

The few names a student types most live here; everything else sits in the topic
modules (``crmlab.rfm``, ``crmlab.pyramid``, ...). Submodules are imported lazily so
that ``import crmlab`` stays about as fast as ``import pandas``.

Examples
--------
>>> import crmlab
>>> "retail_transactions" in crmlab.list_datasets()
True
"""

from __future__ import annotations

import importlib

from crmlab._errors import CRMDataError, CRMFitWarning

__version__ = "0.1.0"

_SUBMODULES = {
    "acquisition", "bias", "clv", "customers", "datasets", "dates", "engines", "exercises",
    "grading", "io", "key_accounts", "needs", "pipelines", "plots", "pyramid", "report", "rfm",
    "satisfaction", "schema", "segmentation", "validation", "widgets", "cli", "fonts",
    "glossary", "language",
}
# name -> module that defines it
_EXPORTS = {
    "load_data": "datasets",
    "list_datasets": "datasets",
    "read_transactions": "io",
    "check": "exercises",
    "set_language": "exercises",
}

__all__ = ["CRMDataError", "CRMFitWarning", "__version__", *sorted(_EXPORTS)]


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(f"crmlab.{_EXPORTS[name]}")
        value = getattr(module, name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"crmlab.{name}")
    raise AttributeError(f"module 'crmlab' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS) | _SUBMODULES)
