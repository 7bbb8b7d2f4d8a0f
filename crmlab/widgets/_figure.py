"""Figures for the explorers, drawn without pyplot's global state.

An explorer's callback may run while another one (or a cell's post-execute hook) is
drawing: ipykernel handles comm messages concurrently. pyplot keeps one list of open
figures for the whole kernel, so ``plt.subplots`` + ``plt.show()`` in a callback can
show, or close, a figure that another callback is still drawing (a blank PNG in the
browser). Each callback therefore draws on its own :class:`matplotlib.figure.Figure`,
never registered with pyplot, and displays that object in the explorer's output area.
"""

from __future__ import annotations

__all__: list[str] = []


def new_figure(figsize):
    """Return a new Figure and its single Axes, not registered with pyplot.

    :func:`show_figure` gives its texts the CJK font when it renders it.

    Examples
    --------
    >>> fig, ax = new_figure((4, 3))
    >>> fig.get_size_inches().tolist(), fig.axes == [ax]
    ([4.0, 3.0], True)
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    return fig, fig.subplots()


def show_figure(fig) -> None:
    """Display ``fig`` in the current output area (an explorer's Output widget).

    Inside IPython the Figure goes to ``display``: the inline backend's formatter turns
    it into a PNG. If no rich formatter handles figures (the inline backend never
    loaded), the PNG is rendered here. Outside IPython (tests, scripts) nothing is
    shown, as ``plt.show()`` on a non-interactive backend did.

    Examples
    --------
    >>> fig, ax = new_figure((2, 2))
    >>> show_figure(fig)          # outside IPython: nothing printed
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    from crmlab.fonts import apply_chinese_font, chinese_font

    apply_chinese_font(fig)
    with chinese_font():  # tick labels are made while rendering
        _display(shell, fig)


def _display(shell, fig) -> None:
    from IPython.display import Image, display

    rich = False
    for mime, formatter in shell.display_formatter.formatters.items():
        if mime == "text/plain":
            continue
        try:
            formatter.lookup(fig)
        except KeyError:
            continue
        rich = True
        break
    if rich:
        display(fig)
    else:
        from IPython.core.pylabtools import print_figure

        display(Image(data=print_figure(fig, "png", bbox_inches="tight")))
