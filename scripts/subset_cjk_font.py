"""Write the bundled CJK font: a subset of Noto Sans CJK SC (SIL OFL 1.1) with the common characters.

Run once by a maintainer; the output is committed. It is not run at install time.

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb /tmp/cjk
    python scripts/subset_cjk_font.py /tmp/cjk/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

A full Noto CJK font is about 16 MB per weight; the subset keeps the characters of the national
standards people write names and notes in:
  - GB 2312 (simplified Chinese, 6,763 hanzi),
  - Big5 level 1 (traditional Chinese, the 5,401 common hanzi),
  - JIS X 0208 (Japanese kana and 6,355 kanji),
  - KS X 1001 (Korean, 2,350 common Hangul syllables and 4,888 hanja), plus every modern Hangul
    syllable (U+AC00-U+D7A3) so any Korean name can be written,
  - CJK punctuation, full-width forms, kana.
The CFF outlines are converted to TrueType (quadratic) outlines: fpdf2 writes CFF fonts with a
text encoding that pypdf and some viewers misread (copied text comes out with NUL bytes between
the characters), while TrueType fonts go out as plain Identity-H. Layout tables are kept.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

OUT = (
    Path(__file__).resolve().parent.parent
    / "secondopinion/opinions/data/fonts/NotoSansCJKsc-Common.ttf"
)
SC_INDEX = 2  # JP, KR, SC, TC, HK in the Debian TTC: Simplified Chinese glyph forms


def _decode_all(codec: str, lead: range, trail: range) -> set[str]:
    chars: set[str] = set()
    for a in lead:
        for b in trail:
            try:
                chars.update(bytes([a, b]).decode(codec))
            except UnicodeDecodeError:
                continue
    return chars


def common_characters() -> set[str]:
    chars = _decode_all("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))
    # Big5 level 1 hanzi sit at A440-C67E; A140-A3BF are symbols.
    chars |= _decode_all("big5", range(0xA1, 0xC7), range(0x40, 0xFF))
    chars |= _decode_all("euc_jp", range(0xA1, 0xF5), range(0xA1, 0xFF))
    chars |= _decode_all("euc_kr", range(0xA1, 0xFE), range(0xA1, 0xFF))
    chars |= {chr(c) for c in range(0xAC00, 0xD7A4)}  # all modern Hangul syllables
    chars |= {chr(c) for c in range(0x3000, 0x3100)}  # CJK punctuation, kana, bopomofo
    chars |= {chr(c) for c in range(0x3130, 0x3190)}  # Hangul compatibility jamo
    chars |= {chr(c) for c in range(0xFF00, 0xFFF0)}  # full-width and half-width forms
    return {c for c in chars if ord(c) > 0x7F}


def cff_to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines with quadratic glyf outlines (after fontTools' otf2ttf snippet)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    maxp.compile(font)
    post = font["post"]
    post.formatType = 3.0  # no glyph names: CID fonts have none worth keeping
    font.sfntVersion = "\x00\x01\x00\x00"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ttc", type=Path, help="NotoSansCJK-Regular.ttc from fonts-noto-cjk")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    font = TTCollection(str(args.ttc)).fonts[SC_INDEX]
    cmap = font.getBestCmap()
    wanted = sorted(ord(c) for c in common_characters() if ord(c) in cmap)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False  # PDF viewers do their own rendering; hints only add bytes
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    cff_to_truetype(font)
    font.save(str(args.out))
    print(f"{len(wanted)} characters, {args.out.stat().st_size / 1e6:.1f} MB -> {args.out}")


if __name__ == "__main__":
    main()
