"""Build the CJK font the HTML report subsets from: crmlab/_fontdata/crmlab-cjk.otf.

The report embeds, in every page, a subset of a CJK font cut down to the characters the
page uses, so Chinese text renders on machines without a CJK font. Subsetting the full
Noto Sans CJK SC (65,535 glyphs, 16 MB, from the ``mplfonts`` wheel) takes about 0.3 s
per report; subsetting this pre-cut font (the GB 2312 symbols and its 3,755 level-1
characters, plus every CJK character in crmlab's own source: about 4,500 glyphs) takes
0.04 s. A page with a character outside it is subset from the full font, as before.

The font is Noto Sans CJK SC (SIL Open Font License 1.1, copyright Adobe, with Reserved
Font Name "Source"); this subset is a Modified Version under the licence, renamed
"crmlab CJK" and shipped with the licence text (crmlab/_fontdata/OFL.txt).

    .venv/bin/python tools/build_report_font.py      # rewrites crmlab/_fontdata/crmlab-cjk.otf
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "crmlab" / "_fontdata" / "crmlab-cjk.otf"
FAMILY = "crmlab CJK"


def gb2312(rows: range) -> str:
    chars = []
    for hi in rows:
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(chars)


def source_characters() -> str:
    """Every CJK character in crmlab's own source (templates, names, messages)."""
    text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "crmlab").rglob("*.py"))
    return "".join(sorted(set(re.findall(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]", text))))


def main() -> None:
    from fontTools import subset

    text = gb2312(range(0xA1, 0xAA)) + gb2312(range(0xB0, 0xD8)) + source_characters()
    opts = subset.Options()
    opts.layout_features, opts.hinting, opts.desubroutinize = [], False, True
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # copyright, names, version, licence
    source = files("mplfonts").joinpath("fonts", "NotoSansCJKsc-Regular.otf")
    font = subset.load_font(str(source), opts)
    cutter = subset.Subsetter(opts)
    cutter.populate(text=text)
    cutter.subset(font)
    name = font["name"]
    for record in name.names:  # a Modified Version takes another name (OFL, condition 3)
        if record.nameID in (1, 3, 4, 6, 16):
            value = FAMILY if record.nameID in (1, 16) else (
                "crmlab-CJK-Regular" if record.nameID == 6 else f"{FAMILY} Regular")
            record.string = value
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = ["crmlab-CJK-Regular"]
        top = cff.topDictIndex[0]
        top.FullName, top.FamilyName = f"{FAMILY} Regular", FAMILY
    OUT.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(OUT), opts)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(set(text))} characters, "
          f"{OUT.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
