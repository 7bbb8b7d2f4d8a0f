"""Helpers for the end-to-end test that drives JupyterLab in a real browser.

``lab`` finds (or installs) Debian's Chromium and runs a throwaway JupyterLab server;
``pages`` drives one notebook in a Playwright page. Both import Playwright lazily, so
collecting the test suite works without it. See ``tests/test_browser.py``.
"""
