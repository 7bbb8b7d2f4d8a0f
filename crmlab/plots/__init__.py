"""Figures for the course: every function draws on an Axes and returns it (seaborn style).

Each function takes the data plus column names as keywords, draws on ``ax`` (default:
the current Axes) and returns that Axes, so plots compose (``ax=axes[0]``) and tests
can inspect ``ax.patches`` and ``ax.lines``. Computation happens in the topic modules;
these functions only draw. Importing this module registers the CJK font so Chinese
labels render (see :mod:`crmlab.fonts`).
"""

from crmlab.fonts import use_chinese_font

use_chinese_font()

# Topic submodules add their functions here (one private module per chapter):
# from crmlab.plots._rfm import rfm_heatmap  # noqa: E402
__all__: list[str] = []
