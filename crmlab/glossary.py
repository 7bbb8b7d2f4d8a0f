"""The course's bilingual glossary: one Chinese term for each concept, used everywhere.

The terms live as data in ``crmlab/glossary.csv`` (key, English, Chinese, English
aliases, Chinese words to avoid, the chapter that introduces the term, a one-line
definition). Notebooks, check feedback and plot labels use the glossary's Chinese term;
``avoid`` lists the other Chinese names a concept has had (获取成本 for 获客成本, 保留率 for
客户保持率, 边际乘数 — "marginal multiple" — for 利润乘数), and ``tests/test_glossary.py``
fails when a notebook or crmlab's own text uses one of them, or pairs a glossary concept's
English name with another Chinese term.

Examples
--------
>>> from crmlab import glossary
>>> glossary.lookup("CLV").chinese
'客户终身价值'
>>> glossary.lookup("获客成本").english
'cost per acquisition'
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

from crmlab._errors import CRMDataError

__all__ = ["Term", "misnamed", "lookup", "table", "terms"]


@dataclass(frozen=True)
class Term:
    """One concept of the glossary.

    Attributes
    ----------
    key : str
        A stable identifier (``"clv"``).
    english, chinese : str
        The names the course uses.
    aliases : tuple of str
        Other English names and abbreviations (``"CLV"``) that :func:`lookup` accepts.
    avoid : tuple of str
        Chinese words that must not name this concept in the course.
    chapter : str
        The chapter that introduces it (``"09"``).
    definition : str
        One line, in English.
    """

    key: str
    english: str
    chinese: str
    aliases: tuple[str, ...]
    avoid: tuple[str, ...]
    chapter: str
    definition: str

    def __str__(self) -> str:
        return f"{self.english} ({self.chinese}): {self.definition}"


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


@cache
def terms() -> tuple[Term, ...]:
    """Return every term of the glossary, in the order of the course.

    Examples
    --------
    >>> len(terms()) >= 50, terms()[0].chinese
    (True, '客户的发现与获取')
    """
    text = resources.files("crmlab").joinpath("glossary.csv").read_text(encoding="utf-8")
    return tuple(Term(row["key"], row["english"], row["chinese"], _split(row["aliases"]),
                      _split(row["avoid"]), row["chapter"], row["definition"])
                 for row in csv.DictReader(text.splitlines()))


def lookup(term: str) -> Term:
    """Find a term by its key, English or Chinese name, or an English alias.

    Parameters
    ----------
    term : str
        ``"RFM"``, ``"customer lifetime value"``, ``"客户终身价值"``, ``"clv"``, ...
        (English is matched without regard to case).

    Returns
    -------
    Term

    Raises
    ------
    CRMDataError
        If no term has that name; the message lists the closest names. A Chinese word the
        glossary avoids names the term to use instead.

    Examples
    --------
    >>> lookup("retention rate").chinese
    '客户保持率'
    >>> lookup("保留率")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: lookup: the course calls 保留率 客户保持率 (retention rate); ...
    """
    wanted = term.strip().casefold()
    names: dict[str, Term] = {}
    for t in terms():
        for name in (t.key, t.english, t.chinese, *t.aliases):
            names.setdefault(name.casefold(), t)
    if wanted in names:
        return names[wanted]
    for t in terms():
        if term.strip() in t.avoid:
            raise CRMDataError(f"lookup: the course calls {term.strip()} {t.chinese} "
                               f"({t.english}); use lookup({t.chinese!r}).")
    close = difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.6)
    hint = (" Closest: " + ", ".join(repr(c) for c in close) + ".") if close else ""
    raise CRMDataError(f"lookup: {term!r} is not in the glossary.{hint} See "
                       f"crmlab.glossary.table() for every term.")


def table(chapter: str | None = None) -> pd.DataFrame:
    """Return the glossary as a table (English, Chinese, chapter, definition).

    Parameters
    ----------
    chapter : str, optional
        Only the terms a chapter introduces (``"03"``).

    Returns
    -------
    DataFrame
        Indexed by the English name.

    Examples
    --------
    >>> table("02").loc["MAN rule", "chinese"]
    'MAN法则'
    """
    rows = [t for t in terms() if chapter is None or t.chapter == chapter]
    return pd.DataFrame({"chinese": [t.chinese for t in rows],
                         "chapter": [t.chapter for t in rows],
                         "definition": [t.definition for t in rows]},
                        index=pd.Index([t.english for t in rows], name="english"))


#: "English name (中文)" as the notebooks write a key term
_PAIR = re.compile(r"([A-Za-z][A-Za-z'’/\- ]{1,40}?)\s*[（(]"
                   r"([\u4e00-\u9fff][\u4e00-\u9fffA-Za-z]{1,12})[)）]")


def misnamed(text: str, *, pairs: bool = True) -> list[str]:
    """Find the places in a text that name a glossary concept with another Chinese term.

    Two kinds: a Chinese word the glossary avoids (保留率), and a glossary concept's English
    name or alias followed by a Chinese term in brackets that is not the glossary's
    (``retention rate (保留率)``; longer Chinese phrases that contain the term are fine).

    Parameters
    ----------
    text : str
    pairs : bool
        Also check "English (中文)" pairs. The notebooks write key terms that way; code
        and feedback also use brackets for explanations and case names, so check those
        with ``pairs=False``.

    Returns
    -------
    list of str
        One sentence per finding, naming the term to use.

    Examples
    --------
    >>> misnamed("the retention rate (保留率) is 80 %")
    ['保留率 for retention rate: use 客户保持率', 'the retention rate (保留率): use 客户保持率']
    >>> misnamed("the retention rate (保留率)", pairs=False)
    ['保留率 for retention rate: use 客户保持率']
    >>> misnamed("churn and retention rates (客户流失率与客户保持率)")
    []
    """
    found = [f"{word} for {t.english}: use {t.chinese}"
             for t in terms() for word in t.avoid if word in text]
    if not pairs:
        return found
    english = {}
    for t in terms():
        for name in (t.english, *t.aliases):
            if len(name) > 2:
                english.setdefault(name.casefold(), t)
    for en, zh in _PAIR.findall(text):
        t = english.get(re.sub(r"^(the|a|an) ", "", en.strip().casefold()))
        if t is not None and t.chinese not in zh and zh not in t.chinese:
            found.append(f"{en.strip()} ({zh}): use {t.chinese}")
    return found
