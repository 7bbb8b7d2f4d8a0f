"""Sphinx configuration of the course website (both languages; ``tools/build_site.py``).

The pages are the committed, executed notebooks rendered by MyST-NB without running them
(``nb_execution_mode = "off"``), so the website shows exactly what nbval checks.
"""

import os

LANGUAGE = os.environ.get("CRMLAB_SITE_LANGUAGE", "en")

project = "crmlab" if LANGUAGE == "en" else "crmlab 客户关系管理分析"
author = "the crmlab authors"
copyright = "the crmlab authors; CDNOW and donations data: Fader & Hardie (MIT)"
language = "zh_CN" if LANGUAGE == "zh" else "en"
extensions = ["myst_nb"]
nb_execution_mode = "off"  # committed outputs, never re-run
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "colon_fence"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]
html_theme = "sphinx_book_theme"
html_title = "crmlab" if LANGUAGE == "en" else "crmlab 中文版"
html_static_path = ["_static"]
html_favicon = "_static/favicon.png"  # made by tools/build_site.py
html_css_files = ["crmlab.css"]
html_js_files = ["lang.js"]
if LANGUAGE == "zh":  # before language_data.js (priority 200), which needs it
    html_js_files.insert(0, ("zh-search.js", {"priority": 100}))
html_search_language = "zh" if LANGUAGE == "zh" else "en"  # Chinese words cut by jieba
html_copy_source = True  # the download button offers each notebook
# MathJax 2 from the site itself (copied from jupyter-server-mathjax): no CDN, works offline
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
mathjax2_config = {  # the one web font jupyter-server-mathjax ships
    "HTML-CSS": {"availableFonts": ["STIX-Web"], "preferredFont": "STIX-Web",
                 "webFont": "STIX-Web", "imageFont": None},
}
html_context = {"default_mode": "light"}
html_show_sourcelink = False
html_last_updated_fmt = None
other = "中文版" if LANGUAGE == "en" else "English"
html_theme_options = {
    "announcement": f'<a id="crmlab-language" data-language="{LANGUAGE}" '
                    f'href="../{"zh" if LANGUAGE == "en" else "en"}/index.html">{other}</a>',
    "show_toc_level": 2,
    "use_download_button": True,
    "home_page_in_toc": True,
}
