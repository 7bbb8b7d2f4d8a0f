"""The base of crmlab's fitted objects, in scikit-learn's style.

A fitted object is configured by its constructor (the choices: columns, k, seed, ...),
learns from data in ``fit(data)``, which returns the object itself, and then carries
what it learned in attributes ending in an underscore (``labels_``, ``coef_``, ...).
Structured results live there, not in ``DataFrame.attrs``: pandas drops ``attrs`` in
merges and concatenations, and an object's attributes can be documented and tested.

Reading a learned attribute before ``fit`` raises :class:`NotFittedError`, which is a
:class:`crmlab.CRMDataError` (and an ``AttributeError``, so ``hasattr`` stays False).
"""

from __future__ import annotations

import inspect
from typing import Any

from crmlab._errors import CRMDataError

__all__ = ["FittedModel", "NotFittedError"]


class NotFittedError(CRMDataError, AttributeError):
    """Raised when a fitted object is used before ``fit``.

    Examples
    --------
    >>> issubclass(NotFittedError, CRMDataError), issubclass(NotFittedError, AttributeError)
    (True, True)
    """


class FittedModel:
    """Base class: the repr shows the choices; learned attributes need ``fit`` first.

    Subclasses list their learned attributes in ``_learned`` and keep every constructor
    argument as an attribute of the same name.

    Examples
    --------
    >>> class Mean(FittedModel):
    ...     _learned = ("mean_",)
    ...     def __init__(self, *, column: str = "x"):
    ...         self.column = column
    ...     def fit(self, data):
    ...         values = data[self.column]
    ...         self.mean_ = sum(values) / len(values)
    ...         return self
    >>> m = Mean(column="spend")
    >>> m
    Mean(column='spend')
    >>> m.mean_
    Traceback (most recent call last):
    ...
    crmlab._fitted.NotFittedError: Mean: mean_ is learned by fit; call Mean(...).fit(data) first.
    >>> m.fit({"spend": [1.0, 3.0]}).mean_, m.fitted
    (2.0, True)
    """

    _learned: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> Any:
        # only called when normal lookup fails, i.e. for attributes not (yet) set
        if name in type(self)._learned:
            cls = type(self).__name__
            raise NotFittedError(
                f"{cls}: {name} is learned by fit; call {cls}(...).fit(data) first.")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def fitted(self) -> bool:
        """Whether ``fit`` has run (every learned attribute is set)."""
        return all(name in vars(self) for name in type(self)._learned)

    def check_fitted(self, caller: str) -> None:
        """Raise :class:`NotFittedError` naming ``caller`` unless ``fit`` has run."""
        if not self.fitted:
            cls = type(self).__name__
            raise NotFittedError(
                f"{caller}: this {cls} is not fitted yet; call .fit(data) on it first, "
                f"e.g. {cls}(...).fit(data).")

    def get_params(self) -> dict[str, Any]:
        """The constructor arguments (the choices), by name."""
        names = [p.name for p in inspect.signature(type(self).__init__).parameters.values()
                 if p.name != "self" and p.kind is not p.VAR_KEYWORD]
        return {name: getattr(self, name) for name in names}

    def __repr__(self) -> str:
        defaults = {p.name: p.default
                    for p in inspect.signature(type(self).__init__).parameters.values()}
        shown = []
        for name, value in self.get_params().items():
            default = defaults.get(name, inspect.Parameter.empty)
            try:
                same = default is not inspect.Parameter.empty and bool(value == default)
            except (TypeError, ValueError):
                same = False
            if not same:
                shown.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"
