"""nbgrader's markers, parsed in one place: solution regions and hidden-test regions.

A solution notebook marks what the student version leaves out with nbgrader's own markers::

    ### BEGIN SOLUTION            ### BEGIN HIDDEN TESTS
    ...                           ...
    ### END SOLUTION              ### END HIDDEN TESTS

The student-version builder (:mod:`crmlab.exercises._notebook`), the grader
(:mod:`crmlab.grading`) and the tests all read them through this module, with one
strictness: a marker counts only as a whole line (surrounding spaces ignored), so prose
or a comment that mentions a marker is left alone; a region must be closed, and a
region of one kind cannot open inside another of the same kind. Every error is a
:class:`~crmlab.CRMDataError` that names the notebook, the cell and the line.
"""

from __future__ import annotations

from typing import NamedTuple

from crmlab._errors import CRMDataError
from crmlab.validation import check_option

__all__ = ["BEGIN_HIDDEN", "BEGIN_SOLUTION", "END_HIDDEN", "END_SOLUTION", "KINDS", "Region",
           "cell_name", "has_region", "hidden_tests", "regions", "split_hidden"]

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"

#: The two kinds of region: kind -> (begin marker, end marker).
KINDS = {"solution": (BEGIN_SOLUTION, END_SOLUTION), "hidden": (BEGIN_HIDDEN, END_HIDDEN)}


class Region(NamedTuple):
    """One marked region: the 0-based line numbers of its BEGIN and its END line."""

    begin: int
    end: int


def cell_name(notebook: str, index: int) -> str:
    """Return how error messages name cell ``index`` of ``notebook``.

    Examples
    --------
    >>> cell_name("03_rfm.ipynb", 4)
    '03_rfm.ipynb cell 4'
    """
    return f"{notebook} cell {index}"


def _lines(source: str | list[str]) -> list[str]:
    return source.split("\n") if isinstance(source, str) else list(source)


def regions(source: str | list[str], kind: str, *, where: str = "cell") -> list[Region]:
    """Return the regions of one kind in a cell's source, in order.

    Parameters
    ----------
    source : str or list of str
        The cell's source, or its lines.
    kind : {"solution", "hidden"}
        Solution regions or hidden-test regions.
    where : str, default "cell"
        How errors name the cell, e.g. ``"03_rfm.ipynb cell 4"`` (:func:`cell_name`).

    Returns
    -------
    list of Region
        The (BEGIN line, END line) pairs, 0-based.

    Raises
    ------
    CRMDataError
        If a region is never closed, an END has no BEGIN, or a BEGIN opens inside a
        region of the same kind; the message names ``where`` and the line (1-based).

    Examples
    --------
    >>> regions("x = 1\\n### BEGIN SOLUTION\\ny = 2\\n### END SOLUTION", "solution")
    [Region(begin=1, end=3)]
    >>> regions("# end a region with ### END SOLUTION", "solution")  # prose: no marker
    []
    >>> regions("### BEGIN HIDDEN TESTS\\nassert x", "hidden", where="03_rfm.ipynb cell 4")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: 03_rfm.ipynb cell 4: line 1: '### BEGIN HIDDEN TESTS' is never
    closed with '### END HIDDEN TESTS'.
    """
    begin, end = KINDS[check_option(kind, tuple(KINDS), name="kind", caller="regions")]
    found, start = [], None
    for i, line in enumerate(_lines(source)):
        mark = line.strip()
        if mark == begin:
            if start is not None:
                raise CRMDataError(f"{where}: line {i + 1}: {begin!r} inside another region; "
                                   f"close the first with {end!r}.")
            start = i
        elif mark == end:
            if start is None:
                raise CRMDataError(f"{where}: line {i + 1}: {end!r} without {begin!r}.")
            found.append(Region(start, i))
            start = None
    if start is not None:
        raise CRMDataError(f"{where}: line {start + 1}: {begin!r} is never closed with {end!r}.")
    return found


def has_region(source: str | list[str], kind: str, *, where: str = "cell") -> bool:
    """Whether a cell's source has a region of this kind (checked as :func:`regions` does).

    Examples
    --------
    >>> has_region("check('3.1', x)\\n### BEGIN HIDDEN TESTS\\nassert x\\n### END HIDDEN TESTS",
    ...            "hidden")
    True
    >>> has_region("# hidden tests go between ### BEGIN HIDDEN TESTS lines", "hidden")
    False
    """
    return bool(regions(source, kind, where=where))


def split_hidden(source: str, *, where: str = "cell") -> tuple[str, str]:
    """Split a check cell into its public code and its hidden tests (markers dropped).

    Parameters
    ----------
    source : str
        The check cell's source.
    where : str, default "cell"
        How errors name the cell.

    Returns
    -------
    (str, str)
        The lines outside the hidden-test regions and the lines inside them.

    Raises
    ------
    CRMDataError
        If the hidden-test markers are unbalanced (:func:`regions`).

    Examples
    --------
    >>> split_hidden("check('3.1', x)\\n### BEGIN HIDDEN TESTS\\nassert x > 0\\n"
    ...              "### END HIDDEN TESTS")
    ("check('3.1', x)", 'assert x > 0')
    """
    lines = source.split("\n")
    inside = set()
    markers = set()
    for region in regions(lines, "hidden", where=where):
        markers |= {region.begin, region.end}
        inside |= set(range(region.begin + 1, region.end))
    public = [line for i, line in enumerate(lines) if i not in inside and i not in markers]
    hidden = [line for i, line in enumerate(lines) if i in inside]
    return "\n".join(public), "\n".join(hidden)


def hidden_tests(source: str, *, where: str = "cell") -> str:
    """Return the hidden tests of a check cell: the code between the markers.

    Examples
    --------
    >>> hidden_tests("check('3.1', x)\\n### BEGIN HIDDEN TESTS\\nassert x > 0\\n"
    ...              "### END HIDDEN TESTS")
    'assert x > 0'
    """
    return split_hidden(source, where=where)[1]
