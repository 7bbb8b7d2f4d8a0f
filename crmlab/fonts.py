"""Chinese labels in matplotlib with the Noto Sans CJK SC font that ships with mplfonts.

System fonts differ between machines, so crmlab never relies on them: the font file
comes from the ``mplfonts`` wheel on PyPI and is registered with matplotlib's font
manager. A list of families (DejaVu Sans, then Noto Sans CJK SC) turns on matplotlib's
per-glyph fallback: Latin text in DejaVu Sans, Chinese characters in Noto Sans CJK SC.

Importing crmlab changes no global matplotlib setting. Every ``crmlab.plots`` function
draws inside :func:`chinese_font` (it sets ``font.family`` and restores it) and sets the family of
its tick labels, so its own Chinese text renders and the caller's settings are left as
they were. To draw Chinese text in your *own* matplotlib or pandas plots, use the same
context (``with crmlab.fonts.chinese_font(): ...``) or opt in for the whole session with
:func:`use_chinese_font`, which the course notebooks call once in their first cell.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from matplotlib.figure import Figure, SubFigure

__all__ = ["CJK_FAMILY", "FAMILIES", "apply_chinese_font", "chinese_font", "register_font",
           "use_chinese_font", "with_chinese_font"]

CJK_FAMILY = "Noto Sans CJK SC"
#: The font families crmlab draws with, in fallback order.
FAMILIES = ["DejaVu Sans", CJK_FAMILY]

F = TypeVar("F", bound=Callable[..., Any])


@cache
def register_font() -> str:
    """Register the bundled CJK font with matplotlib's font manager (once).

    This adds a font that can be asked for by name; it changes no rcParams.

    Returns
    -------
    str
        The family name registered.

    Examples
    --------
    >>> register_font()
    'Noto Sans CJK SC'
    """
    from matplotlib import font_manager

    path = files("mplfonts").joinpath("fonts", "NotoSansCJKsc-Regular.otf")
    font_manager.fontManager.addfont(str(path))
    return CJK_FAMILY


@contextlib.contextmanager
def chinese_font() -> Iterator[None]:
    """A context in which text drawn in matplotlib can hold Chinese characters.

    Examples
    --------
    >>> import matplotlib
    >>> with chinese_font():
    ...     matplotlib.rcParams["font.family"]
    ['DejaVu Sans', 'Noto Sans CJK SC']
    >>> "Noto Sans CJK SC" in matplotlib.rcParams["font.family"]
    False
    """
    import matplotlib

    register_font()
    # only font.family is saved and restored: matplotlib.rc_context would also undo what
    # a backend sets when it starts inside the context (the inline backend's interactive
    # mode), and later cells would then show no figure
    before = matplotlib.rcParams["font.family"]
    matplotlib.rcParams["font.family"] = list(FAMILIES)
    try:
        yield
    finally:
        matplotlib.rcParams["font.family"] = before


def _set_figure_fonts(result: Any) -> None:
    """Titles and axis labels may predate the context (an Axes made by the caller) and
    tick labels are made at draw time, after it: give both the CJK fallback."""
    from matplotlib.axes import Axes

    figure = None
    if isinstance(result, Axes):
        figure = result.figure
    elif hasattr(result, "axes") and isinstance(getattr(result, "axes", None), list):
        figure = result
    if figure is None:
        return
    apply_chinese_font(figure)
    for ax in figure.axes:
        ax.tick_params(labelfontfamily=list(FAMILIES))


def apply_chinese_font(fig: Figure | SubFigure) -> None:
    """Give every text already in ``fig`` the CJK fallback, before it is rendered.

    For figures drawn outside :func:`chinese_font` (an explorer's callback): render
    them inside the context too, so the tick labels made while drawing get it.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> t = fig.suptitle("客户")
    >>> apply_chinese_font(fig)
    >>> t.get_fontfamily()
    ['DejaVu Sans', 'Noto Sans CJK SC']
    """
    from matplotlib.text import Text

    register_font()
    for text in fig.findobj(Text):
        text.set_fontfamily(list(FAMILIES))


def with_chinese_font(func: F) -> F:
    """Decorate a plotting function: draw inside :func:`chinese_font`.

    The returned Axes (and the other Axes of its figure) keep the family for the tick
    labels they make later.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> @with_chinese_font
    ... def bars(ax=None):
    ...     ax = ax or plt.gca()
    ...     ax.bar(["重要客户", "小客户"], [3, 1])
    ...     return ax
    >>> ax = bars()
    >>> ax.xaxis.get_major_ticks()[0].label1.get_fontfamily()
    ['DejaVu Sans', 'Noto Sans CJK SC']
    >>> plt.close("all")
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with chinese_font():
            result = func(*args, **kwargs)
            _set_figure_fonts(result)
        return result

    return wrapper  # type: ignore[return-value]


@cache
def use_chinese_font() -> str:
    """Opt in for the session: every matplotlib text may hold Chinese characters.

    Sets ``font.family`` to DejaVu Sans with Noto Sans CJK SC as fallback in the global
    ``matplotlib.rcParams`` (crmlab itself never does this on import). Safe to call
    many times.

    Returns
    -------
    str
        The family name registered.

    Examples
    --------
    >>> import matplotlib
    >>> with matplotlib.rc_context():
    ...     _ = use_chinese_font.__wrapped__()
    ...     matplotlib.rcParams["font.family"]
    ['DejaVu Sans', 'Noto Sans CJK SC']
    """
    import matplotlib

    register_font()
    ours = tuple(FAMILIES)
    sans = [f for f in matplotlib.rcParams["font.sans-serif"] if f not in ours]
    matplotlib.rcParams["font.sans-serif"] = [*FAMILIES, *sans]
    matplotlib.rcParams["font.family"] = list(FAMILIES)
    return CJK_FAMILY
