"""The drawing under every PDF: an fpdf2 document with the bundled fonts and small building
blocks (heading, section, paragraph, bullets, pairs). The documents themselves are in pdfs.py.

Pure core: no Django. Built with fpdf2 (pure Python, installs from a wheel everywhere).

Font decision: we ship the fonts inside the package, in data/fonts/, with their licences, so a
PDF looks the same on Debian, a Mac or a Windows laptop (the PDF core fonts only cover Latin-1).
DejaVu Sans (Bitstream Vera licence plus public-domain changes) draws Latin, Vietnamese, Greek,
Cyrillic and Arabic. For what it lacks, fpdf2 falls back, character by character, to Noto Sans
Arabic, Noto Sans Devanagari (Hindi) and a subset of Noto Sans CJK SC holding the common
Chinese, Japanese and Korean characters (all SIL OFL 1.1; scripts/subset_cjk_font.py makes the
subset). Text shaping (uharfbuzz) joins Arabic letters, orders right-to-left text and builds
Devanagari clusters. fpdf2 embeds only the glyphs used, so each PDF stays small. A character no
bundled font has (a rare hanzi outside the common set) is replaced with "?" rather than
silently dropped, so the reader can see something was there.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT_DIR = Path(__file__).parent / "data" / "fonts"
FONT = "DejaVu"
NOT_ADVICE = (
    "Prepared by the patient with Second Opinion Navigator. It organizes the patient's records; "
    "it is not medical advice."
)


# (family, regular file, bold file or None), in the order fpdf2 tries them after DejaVu. The CJK
# subset has one weight; bold CJK text is drawn in the regular weight.
FALLBACKS = (
    ("NotoArabic", "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    ("NotoDevanagari", "NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf"),
    ("NotoCJK", "NotoSansCJKsc-Common.ttf", None),
)


@cache
def _cmaps() -> dict[str, frozenset[int]]:
    """The code points of DejaVu and of each fallback family, read once per process."""
    files = {FONT: "DejaVuSans.ttf", **{family: regular for family, regular, _ in FALLBACKS}}
    out = {}
    for family, name in files.items():
        with TTFont(FONT_DIR / name, lazy=True) as font:
            out[family] = frozenset(font.getBestCmap())
    return out


def _font_cmap() -> frozenset[int]:
    """Every code point some bundled font can draw."""
    return frozenset().union(*_cmaps().values())


def clean(text: str) -> str:
    """Replace characters no bundled font can draw with "?" (and drop control characters)."""
    cmap = _font_cmap()
    out = []
    for ch in str(text):
        if ch in "\n\t":
            out.append(ch)
        elif ord(ch) < 32 or ord(ch) == 127:
            continue
        else:
            out.append(ch if ord(ch) in cmap else "?")
    return "".join(out)


class Doc(FPDF):
    def __init__(self, title: str, base: float = 11) -> None:
        super().__init__(format="Letter")
        self.doc_title = title
        self.base = base
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_text_shaping(True)
        self.fallbacks: list[str] = []
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=18)
        self.set_title(clean(title))
        self.set_creator("Second Opinion Navigator")
        self.add_page()

    def _fonts_for(self, text: object) -> None:
        # Fallback fonts are added only when a character needs one: parsing the 9 MB CJK font
        # for every Latin-only PDF would triple the time, and fpdf2 embeds every added font.
        cmaps = _cmaps()
        missing = {ord(ch) for ch in str(text)} - cmaps[FONT]
        added = False
        for family, regular, bold in FALLBACKS:
            if family in self.fallbacks or not missing & cmaps[family]:
                continue
            self.add_font(family, "", str(FONT_DIR / regular))
            if bold:
                self.add_font(family, "B", str(FONT_DIR / bold))
            self.fallbacks.append(family)
            added = True
        if added:
            order = [family for family, _, _ in FALLBACKS if family in self.fallbacks]
            self.set_fallback_fonts(order, exact_match=False)

    def cell(
        self,
        w: float | None = None,
        h: float | None = None,
        text: str = "",
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        self._fonts_for(text)
        return super().cell(w, h, text, *args, **kwargs)

    def write(self, h: float | None = None, text: str = "", *args: Any, **kwargs: Any) -> bool:
        self._fonts_for(text)
        return super().write(h, text, *args, **kwargs)

    def multi_cell(
        self, w: float, h: float | None = None, text: str = "", *args: Any, **kwargs: Any
    ) -> Any:
        # fpdf2 justifies by default, which stretches short headings across the line; ragged
        # right is also easier to read.
        self._fonts_for(text)
        kwargs.setdefault("align", "L")
        return super().multi_cell(w, h, text, *args, **kwargs)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(90)
        self.multi_cell(0, 3.5, clean(f"{NOT_ADVICE}  Page {self.page_no()}."), align="C")
        self.set_text_color(0)

    # Small building blocks so each document reads top to bottom.
    def heading(self, text: str, size: float | None = None) -> None:
        self.set_font(FONT, "B", size or self.base + 6)
        self.multi_cell(
            0, (size or self.base + 6) * 0.5, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.ln(2)

    def section(self, text: str) -> None:
        self.ln(1.5)
        self.set_font(FONT, "B", self.base + 1)
        self.multi_cell(0, (self.base + 1) * 0.5, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(0.5)

    def para(self, text: str, bold: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", self.base)
        self.multi_cell(0, self.base * 0.5, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def bullets(self, items: Sequence[str]) -> None:
        self.set_font(FONT, "", self.base)
        for item in items:
            self.set_x(self.l_margin + 2)
            self.cell(5, self.base * 0.5, "•")
            self.multi_cell(0, self.base * 0.5, clean(item), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def pairs(self, rows: Sequence[tuple[str, str]], key_width: float = 55) -> None:
        line = self.base * 0.5
        for key, value in rows:
            self.set_font(FONT, "B", self.base)
            key_height = self.multi_cell(key_width, line, clean(key), dry_run=True, output="HEIGHT")
            if self.will_page_break(key_height):
                self.add_page()
            y = self.get_y()
            self.multi_cell(key_width, line, clean(key), new_x=XPos.RIGHT, new_y=YPos.TOP)
            self.set_font(FONT, "", self.base)
            self.multi_cell(0, line, clean(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            # A long key can wrap below its value: continue under whichever ended lower.
            self.set_y(max(self.get_y(), y + key_height))

    def done(self) -> bytes:
        return bytes(self.output())
