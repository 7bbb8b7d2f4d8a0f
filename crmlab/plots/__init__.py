"""Figures for the course: every function draws on an Axes and returns it (seaborn style).

Each function takes the data plus column names as keywords, draws on ``ax`` (default:
the current Axes) and returns that Axes, so plots compose (``ax=axes[0]``) and tests
can inspect ``ax.patches`` and ``ax.lines``. Computation happens in the topic modules;
these functions only draw. Importing this module registers the CJK font so Chinese
labels render (see :mod:`crmlab.fonts`).
"""

from crmlab.fonts import use_chinese_font

use_chinese_font()

# One private module per chapter; each lists its public functions in __all__.
from crmlab.plots import (  # noqa: E402
    _acquisition,
    _bias,
    _clv,
    _key_accounts,
    _pyramid,
    _rfm,
    _satisfaction,
    _segmentation,
)  # noqa: E402
from crmlab.plots._acquisition import *  # noqa: E402,F403
from crmlab.plots._bias import *  # noqa: E402,F403
from crmlab.plots._clv import *  # noqa: E402,F403
from crmlab.plots._key_accounts import *  # noqa: E402,F403
from crmlab.plots._pyramid import *  # noqa: E402,F403
from crmlab.plots._rfm import *  # noqa: E402,F403
from crmlab.plots._satisfaction import *  # noqa: E402,F403
from crmlab.plots._segmentation import *  # noqa: E402,F403

__all__ = [
    *_acquisition.__all__,
    *_bias.__all__,
    *_clv.__all__,
    *_key_accounts.__all__,
    *_pyramid.__all__,
    *_rfm.__all__,
    *_satisfaction.__all__,
    *_segmentation.__all__,
]
