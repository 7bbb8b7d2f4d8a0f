"""The language crmlab speaks to a student: English (default) or Simplified Chinese.

One switch for the whole package. :func:`set_language` (also ``crmlab.set_language``)
chooses the language of exercise feedback (:mod:`crmlab.exercises`), of crmlab's errors
shown in a notebook, and of every text a :mod:`crmlab.plots` function writes (titles,
axis and colour-bar labels, legends, the names of tiers and segments it knows).

This module is low-level on purpose: it imports nothing of crmlab but the error class,
so the exercises and the plots both read the language from here and neither imports
the other. A module that must act when the language changes (the exercises' notebook
error handler) registers a callback with :func:`on_change`.

Examples
--------
>>> from crmlab import language
>>> language.get_language()
'en'
>>> with language.using("zh"):
...     language.localized("share of customers", "客户占比")
'客户占比'
>>> language.localized("share of customers", "客户占比")
'share of customers'
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from crmlab._errors import CRMDataError

__all__ = ["LANGUAGES", "get_language", "localized", "on_change", "set_language", "using"]

#: The languages crmlab speaks: English and Simplified Chinese.
LANGUAGES = ("en", "zh")

_STATE = {"value": "en"}
_CALLBACKS: list[Callable[[str], object]] = []


def set_language(language: str) -> str:
    """Choose crmlab's language: ``"en"`` (default) or ``"zh"``.

    It sets the language of exercise feedback, of crmlab's errors shown in a notebook
    and of the texts of every :mod:`crmlab.plots` chart drawn afterwards.

    Parameters
    ----------
    language : {"en", "zh"}

    Returns
    -------
    str
        The language now in force.

    Raises
    ------
    CRMDataError
        If the language is not one of the two.

    Examples
    --------
    >>> set_language("zh")
    'zh'
    >>> localized("share", "占比")
    '占比'
    >>> set_language("en")
    'en'
    """
    if language not in LANGUAGES:
        raise CRMDataError(f"set_language: choose 'en' or 'zh', not {language!r}.")
    _STATE["value"] = language
    for callback in _CALLBACKS:
        callback(language)
    return language


def get_language() -> str:
    """Return the language in force: ``"en"`` or ``"zh"``.

    Examples
    --------
    >>> get_language()
    'en'
    """
    return _STATE["value"]


def localized(en: str, zh: str) -> str:
    """Return ``en`` or ``zh``, whichever is the language in force.

    The one way crmlab picks a text by language: each text is written out in both
    languages where it is used, never derived from the other.

    Parameters
    ----------
    en, zh : str
        The English and the Chinese text.

    Returns
    -------
    str

    Examples
    --------
    >>> localized("retention curve", "客户保持曲线")
    'retention curve'
    >>> with using("zh"):
    ...     localized("retention curve", "客户保持曲线")
    '客户保持曲线'
    """
    return zh if _STATE["value"] == "zh" else en


@contextmanager
def using(language: str) -> Iterator[str]:
    """Use ``language`` (``"en"`` or ``"zh"``, else a :class:`~crmlab.CRMDataError`)
    inside a ``with`` block, then restore the language in force before it; yields the
    language of the block.

    Examples
    --------
    >>> with using("zh") as lang:
    ...     lang, get_language()
    ('zh', 'zh')
    >>> get_language()
    'en'
    """
    before = get_language()
    set_language(language)
    try:
        yield language
    finally:
        set_language(before)


def on_change(callback: Callable[[str], object]) -> Callable[[str], object]:
    """Call ``callback(language)`` now and after every :func:`set_language`.

    For modules that must act when the language changes (the exercises install a
    notebook handler that shows crmlab's errors in Chinese). Registering the same
    callback twice keeps one.

    Parameters
    ----------
    callback : callable
        Takes the language, ``"en"`` or ``"zh"``.

    Returns
    -------
    callable
        The callback itself (so it can be used as a decorator).

    Examples
    --------
    >>> seen = []
    >>> _ = on_change(seen.append)
    >>> _ = set_language("zh"); _ = set_language("en")
    >>> seen
    ['en', 'zh', 'en']
    >>> _CALLBACKS.remove(seen.append)
    """
    if callback not in _CALLBACKS:
        _CALLBACKS.append(callback)
    callback(get_language())
    return callback
