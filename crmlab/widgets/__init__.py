"""ipywidgets explorers: thin ``interactive`` wrappers over crmlab functions and plots.

Each explorer returns the ``ipywidgets.interactive`` object (display it by leaving it
last in a cell), so tests can move a control and read the result without a browser.
ipywidgets is imported inside the functions, so the rest of crmlab computes without
a display.
"""

from crmlab.widgets import _acquisition, _key_accounts, _pyramid, _rfm
from crmlab.widgets._acquisition import *  # noqa: F403
from crmlab.widgets._key_accounts import *  # noqa: F403
from crmlab.widgets._pyramid import *  # noqa: F403
from crmlab.widgets._rfm import *  # noqa: F403

__all__ = [*_acquisition.__all__, *_key_accounts.__all__, *_pyramid.__all__, *_rfm.__all__]
