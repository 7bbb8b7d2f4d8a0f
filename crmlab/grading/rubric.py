"""The rubric of a reasoning cell: three levels, read from the solution region.

A written reasoning cell of ``solutions/`` is a markdown cell with nbgrader's metadata
``grade: true, solution: true`` and its ``points``: nbgrader and ``crmlab grade`` both
leave it to the instructor. Its rubric (评分标准) sits *inside* the cell's solution region,
after the model answer, one bullet per level::

    **Rubric · 评分标准 (1.5 points; ...)**

    * **Full · 满分 (1.5)**: what a full answer contains ...
    * **Partial · 部分分 (0.75)**: ...
    * **None · 不得分 (0)**: ...

Inside the solution region it is shown to the instructor in ``solutions/`` and removed,
with the model answer, from the student version by both ``crmlab exercises build`` and
``nbgrader generate_assignment``; the grader reads it from here for its grade table and,
once the instructor's score is merged, for the student's feedback. Hand-written because
no library reads a rubric out of a notebook cell; the format is the one above, checked
strictly (every error names the cell).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from crmlab._errors import CRMDataError

__all__ = ["LEVELS", "Level", "levels", "text"]

#: The three levels of a rubric, best first: (key, English name, Chinese name).
LEVELS = (("full", "Full", "满分"), ("partial", "Partial", "部分分"), ("none", "None", "不得分"))

_BULLET = re.compile(r"^\* \*\*(Full|Partial|None) · (满分|部分分|不得分) "
                     r"\(([0-9.]+)\)\*\*:\s*(.*)$")


class Level(NamedTuple):
    """One level of a rubric: its key (``full``, ``partial``, ``none``), points and text."""

    level: str
    points: float
    text: str


def levels(source: str, points: float, *, where: str = "cell") -> list[Level]:
    """Return the three levels of the rubric in a reasoning cell's source.

    Parameters
    ----------
    source : str
        The markdown cell's source (the solution notebook's): only its solution regions
        are read, so a student's text is never taken for a rubric.
    points : float
        The cell's points (nbgrader metadata): the full level must give exactly these.
    where : str, default "cell"
        How errors name the cell.

    Returns
    -------
    list of Level
        Full, partial and none, in this order; [] when the cell has no rubric.

    Raises
    ------
    CRMDataError
        If a level is missing or repeated, out of order, or its points do not fall from
        ``points`` (full) over a partial score strictly between to 0 (none).

    Examples
    --------
    >>> cell = ("### BEGIN SOLUTION\\nNo, because ...\\n\\n"
    ...         "* **Full · 满分 (1)**: the answer and two numbers\\n"
    ...         "* **Partial · 部分分 (0.5)**: one number\\n"
    ...         "* **None · 不得分 (0)**: no numbers\\n### END SOLUTION")
    >>> [(lv.level, lv.points) for lv in levels(cell, 1)]
    [('full', 1.0), ('partial', 0.5), ('none', 0.0)]
    >>> levels("Just prose", 1)
    []
    >>> levels("* **Full · 满分 (9)**: outside the solution region, not read", 1)
    []
    >>> levels(cell, 2, where="02_man_rule.ipynb cell 22")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: 02_man_rule.ipynb cell 22: the rubric's full level is worth 1,
    the cell 2; make them equal.
    """
    from crmlab.exercises.markers import regions

    lines = source.split("\n")
    inside = [line for r in regions(lines, "solution", where=where)
              for line in lines[r.begin + 1:r.end]]
    found: list[list] = []
    for line in inside:
        match = _BULLET.match(line.strip())
        if match:
            key = match[1].casefold()
            found.append([key, float(match[3]), match[4].strip()])
        elif found and line.strip() and not line.strip().startswith(("#", "*")):
            found[-1][2] += " " + line.strip()  # a level's text wrapped over lines
    if not found:
        return []
    keys = [f[0] for f in found]
    if keys != [k for k, _, _ in LEVELS]:
        raise CRMDataError(f"{where}: the rubric has the levels {keys}; it needs exactly "
                           f"full, partial and none, in this order.")
    (_, full, _), (_, partial, _), (_, none, _) = found
    if full != float(points):
        raise CRMDataError(f"{where}: the rubric's full level is worth {full:g}, the cell "
                           f"{float(points):g}; make them equal.")
    if none != 0 or not 0 < partial < full:
        raise CRMDataError(f"{where}: the rubric's points must fall from full ({full:g}) over "
                           f"partial (between) to none (0); they are {full:g}, {partial:g}, "
                           f"{none:g}.")
    return [Level(*f) for f in found]


def text(rubric: list[Level], language: str = "en") -> str:
    """Return a rubric on one line, as the grade table and the feedback show it.

    Examples
    --------
    >>> print(text([Level("full", 1.0, "two numbers"), Level("partial", 0.5, "one"),
    ...             Level("none", 0.0, "none")]))
    Full (1): two numbers / Partial (0.5): one / None (0): none
    >>> print(text([Level("full", 1.0, "two numbers")], "zh"))
    满分 (1): two numbers
    """
    names = {key: (en, zh) for key, en, zh in LEVELS}
    return " / ".join(f"{names[lv.level][1 if language == 'zh' else 0]} ({lv.points:g}): "
                      f"{lv.text}" for lv in rubric)
