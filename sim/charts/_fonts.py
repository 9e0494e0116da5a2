"""The charts' CJK font, and text wrapping that knows how wide Chinese is.

The package carries a subset of Noto Sans CJK SC (OFL, ``sim/fonts``; how it
was made: ``tools/build_cjk_font.py``).  :func:`register_fonts` adds it to
matplotlib's font manager the first time a chart is built (never at import);
the style lists it after DejaVu Sans, so it draws every glyph DejaVu lacks, in
every language.  :func:`font_paths` gives the files, e.g. for a web page.

Chinese has no spaces to wrap at and a character is about twice as wide as a
Latin letter, so :func:`_fill` wraps by width and anywhere in CJK text, and
keeps closing punctuation off the start of a line.
"""

from __future__ import annotations

import functools
import textwrap
from importlib import resources
from pathlib import Path
from typing import Final

from matplotlib import font_manager

__all__ = ["CJK_FONT_FAMILY", "font_paths", "register_fonts"]


#: Family name of the package's CJK font (a subset of Noto Sans CJK SC).
CJK_FONT_FAMILY: Final = "flocksim CJK"
_FONT_FILES: Final = ("flocksimCJK-Regular.otf", "flocksimCJK-Bold.otf")


def font_paths() -> list[Path]:
    """The package's CJK font files (Regular, Bold), e.g. to serve them to a browser."""
    folder = resources.files("sim").joinpath("fonts")
    return [Path(str(folder.joinpath(name))) for name in _FONT_FILES]


@functools.cache
def register_fonts() -> str:
    """Add the package's CJK font to matplotlib's font manager (once); return its family.

    The charts call this themselves; call it before drawing your own figures
    with ``font.family = ["DejaVu Sans", CJK_FONT_FAMILY]``.
    """
    for path in font_paths():
        font_manager.fontManager.addfont(str(path))
    return CJK_FONT_FAMILY


def _width(label: str) -> float:
    """Width of a label in Latin characters (a CJK character is about two)."""
    return sum(2.0 if ord(char) >= 0x2E80 else 1.0 for char in label)


def _fill(line: str, width: int) -> str:
    """Wrap text to ``width`` Latin characters; CJK text (no spaces) wraps anywhere."""
    if _width(line) <= width:
        return line
    if " " in line.strip() and _width(line) < 1.2 * len(line):
        return textwrap.fill(line, width=width, break_long_words=False) or line
    lines, current = [], ""
    for char in line:
        # a closing mark never starts a line (kinsoku): it stays with the text before it
        if _width(current + char) > width and char not in _NO_LINE_START:
            # nor is a number or a Latin word cut in two ("1.1 小时", not "1" / ".1 小时")
            word = len(current) - len(current.rstrip(_WORD)) if char in _WORD else 0
            if 0 < word < len(current):
                lines.append(current[:-word].rstrip())
                current = current[-word:] + char
            else:
                lines.append(current)
                current = char.lstrip()
        else:
            current += char
    return "\n".join([*lines, current])


_NO_LINE_START: Final = frozenset("，。、：；！？）》」』】%")
_WORD: Final = "0123456789.,%+-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
