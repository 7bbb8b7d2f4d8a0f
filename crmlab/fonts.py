"""Chinese labels in matplotlib: register the Noto Sans CJK SC font that ships with mplfonts.

System fonts differ between machines, so crmlab never relies on them: the font file
comes from the ``mplfonts`` wheel on PyPI and is registered with matplotlib's font
manager. Matplotlib's per-glyph fallback then draws Latin text in its default
DejaVu Sans and Chinese characters in Noto Sans CJK SC.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

__all__ = ["use_chinese_font", "CJK_FAMILY"]

CJK_FAMILY = "Noto Sans CJK SC"


@cache
def use_chinese_font() -> str:
    """Register the bundled CJK font and put it after DejaVu Sans in the fallback list.

    Safe to call many times; ``crmlab.plots`` calls it on import.

    Returns
    -------
    str
        The family name registered.

    Examples
    --------
    >>> import matplotlib
    >>> use_chinese_font()
    'Noto Sans CJK SC'
    >>> matplotlib.rcParams["font.sans-serif"][:2]
    ['DejaVu Sans', 'Noto Sans CJK SC']
    """
    import matplotlib
    from matplotlib import font_manager

    path = files("mplfonts").joinpath("fonts", "NotoSansCJKsc-Regular.otf")
    font_manager.fontManager.addfont(str(path))
    ours = ("DejaVu Sans", CJK_FAMILY)
    sans = [f for f in matplotlib.rcParams["font.sans-serif"] if f not in ours]
    matplotlib.rcParams["font.sans-serif"] = ["DejaVu Sans", CJK_FAMILY, *sans]
    # a list of families turns on matplotlib's per-glyph fallback
    matplotlib.rcParams["font.family"] = ["DejaVu Sans", CJK_FAMILY]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return CJK_FAMILY
