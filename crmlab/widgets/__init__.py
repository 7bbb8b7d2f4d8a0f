"""ipywidgets explorers: thin ``interactive`` wrappers over crmlab functions and plots.

Each explorer returns the ``ipywidgets.interactive`` object (display it by leaving it
last in a cell), so tests can move a control and read the result without a browser.
ipywidgets is imported inside the functions, so the rest of crmlab computes without
a display.
"""

from crmlab.widgets import (
    _acquisition,
    _bias,
    _clv,
    _key_accounts,
    _pyramid,
    _rfm,
    _satisfaction,
    _segmentation,
)
from crmlab.widgets._acquisition import *  # noqa: F403
from crmlab.widgets._bias import *  # noqa: F403
from crmlab.widgets._clv import *  # noqa: F403
from crmlab.widgets._key_accounts import *  # noqa: F403
from crmlab.widgets._pyramid import *  # noqa: F403
from crmlab.widgets._rfm import *  # noqa: F403
from crmlab.widgets._satisfaction import *  # noqa: F403
from crmlab.widgets._segmentation import *  # noqa: F403

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
