"""Figures for the course: every function draws on an Axes and returns it (seaborn style).

Each function takes the data plus column names as keywords, draws on ``ax`` (default:
the current Axes) and returns that Axes, so plots compose (``ax=axes[0]``) and tests
can inspect ``ax.patches`` and ``ax.lines``. Computation happens in the topic modules;
these functions only draw. Each draws with the bundled CJK font inside a
``matplotlib.rc_context`` (see :mod:`crmlab.fonts`), so Chinese labels render and
importing this module changes no global matplotlib setting.

Every text a function writes follows ``crmlab.set_language`` (:mod:`crmlab.language`):
in English the labels name the key terms in Chinese too ("share of customers (客户占比)");
in Chinese they are Chinese with the glossary's terms, and the tiers, segments and stages
crmlab itself names (:mod:`crmlab.plots._words`) are given their Chinese names. Names from
your data (columns, categories, the labels you pass) are shown as given.
"""

from crmlab.fonts import with_chinese_font

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

# every public plotting function draws with the CJK font (no global rcParams)
for _name in __all__:
    globals()[_name] = with_chinese_font(globals()[_name])
del _name
