"""Chinese labels render with the bundled CJK font, with no missing-glyph warning."""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import font_manager  # noqa: E402

import crmlab.plots  # noqa: E402,F401
from crmlab.fonts import CJK_FAMILY, chinese_font, use_chinese_font  # noqa: E402


def test_cjk_font_registered_from_the_wheel():
    with matplotlib.rc_context():
        assert use_chinese_font.__wrapped__() == CJK_FAMILY
    names = {f.name for f in font_manager.fontManager.ttflist}
    assert CJK_FAMILY in names


def test_chinese_labels_render_without_missing_glyphs():
    with chinese_font():
        fig, ax = plt.subplots(figsize=(3, 1))
        ax.set_axis_off()
        text = ax.text(0.5, 0.5, "客户金字塔", ha="center", va="center", fontsize=20)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would raise
        fig.canvas.draw()
    # the glyphs drew ink: the text's box holds dark pixels
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3]
    bbox = text.get_window_extent()
    h = pixels.shape[0]
    box = pixels[int(h - bbox.y1):int(h - bbox.y0), int(bbox.x0):int(bbox.x1)]
    assert box.size and (box < 128).any()
    assert bbox.width > 60  # five full-width characters, not empty boxes
    plt.close(fig)

def test_importing_plots_changes_no_global_setting():
    import subprocess
    import sys
    code = ("import matplotlib; before = dict(matplotlib.rcParams); import crmlab.plots; "
            "import crmlab.widgets; changed = [k for k, v in matplotlib.rcParams.items() "
            "if before.get(k) != v]; print(changed)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_crmlab_plots_draw_chinese_tick_labels_without_a_global_font():
    import pandas as pd

    from crmlab import plots

    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        fig, ax = plt.subplots(figsize=(4, 3))
        tiers = pd.Series(["重要客户", "次要客户", "普通客户", "小客户"] * 5)
        values = pd.Series(np.arange(20.0))
        plots.pyramid_chart(values, tiers.astype(pd.CategoricalDtype(
            ["重要客户", "次要客户", "普通客户", "小客户"], ordered=True)), ax=ax)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a missing glyph would raise
            fig.canvas.draw()
        plt.close(fig)
