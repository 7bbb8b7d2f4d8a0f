"""ipywidgets explorers: thin ``interact`` wrappers over crmlab functions and plots.

ipywidgets is imported when an explorer is called, so the rest of crmlab computes
without a display. Topic submodules add their explorers here.
"""

__all__: list[str] = []
