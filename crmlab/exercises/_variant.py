"""Caching that follows the student's data variant.

The checkers compute each expected answer once per session, from the data the student
works on: the bundled files, or the student's own variant
(:func:`crmlab.datasets.set_variant`, written into each notebook by ``crmlab exercises
build --roster``; the grader sets the variant of each submission before it judges).
:func:`per_variant` is ``functools.cache`` keyed by the active variant as well as by
the arguments, so an answer computed for one variant is never used for another.
Hand-written because ``functools.cache`` cannot see state outside its arguments.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from crmlab.datasets import current_variant

__all__ = ["per_variant"]

F = TypeVar("F", bound=Callable[..., Any])


def per_variant(func: F) -> F:
    """``functools.cache`` that also keys on :func:`crmlab.datasets.current_variant`.

    Examples
    --------
    >>> import crmlab
    >>> @per_variant
    ... def first_score():
    ...     return float(crmlab.load_data("leads")["money_score"].iloc[0])
    >>> bundled = first_score()
    >>> crmlab.datasets.set_variant("k7q2")
    >>> first_score() == bundled
    False
    >>> crmlab.datasets.set_variant(None)
    >>> first_score() == bundled
    True
    """
    @functools.cache
    def cached(variant: str | None, *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return cached(current_variant(), *args, **kwargs)

    wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
