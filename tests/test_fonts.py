"""Chinese labels render with the bundled CJK font, with no missing-glyph warning."""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import font_manager  # noqa: E402

import crmlab.plots  # noqa: E402,F401  (registers the font)
from crmlab.fonts import CJK_FAMILY, use_chinese_font  # noqa: E402


def test_cjk_font_registered_from_the_wheel():
    assert use_chinese_font() == CJK_FAMILY
    names = {f.name for f in font_manager.fontManager.ttflist}
    assert CJK_FAMILY in names


def test_chinese_labels_render_without_missing_glyphs():
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
