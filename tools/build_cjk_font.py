"""Build the CJK font subset that flocksim's charts use: ``python tools/build_cjk_font.py``.

The charts must show Chinese text (labels, and scenario names in any language),
so the package carries a font that has the glyphs: a subset of Noto Sans CJK SC
(SIL Open Font License 1.1), Regular and Bold, cut down to the characters of
GB 2312 (the 6,763 hanzi of everyday simplified Chinese, with its punctuation
and symbols), Latin, general punctuation, CJK symbols and fullwidth forms.  That
is about 1.6 MB a weight instead of 16 MB, and installs with the package
(``sim/fonts/``) from any registry or checkout, with no system font needed.

A subset is a Modified Version under the OFL, so it carries its own family name,
``flocksim CJK``, and no Reserved Font Name.  The source is the Noto CJK
collection as packaged by Debian (``fonts-noto-cjk``, upstream
github.com/googlefonts/noto-cjk); fetch it with::

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb /tmp/noto
    python tools/build_cjk_font.py /tmp/noto/usr/share/fonts/opentype/noto

The output is deterministic for a given source and fontTools version.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

FAMILY = "flocksim CJK"
OUT = Path(__file__).resolve().parents[1] / "sim" / "fonts"
WEIGHTS = {"Regular": "NotoSansCJK-Regular.ttc", "Bold": "NotoSansCJK-Bold.ttc"}
SOURCE_FACE = "Noto Sans CJK SC"


def characters() -> set[int]:
    """Code points kept: GB 2312, Latin, punctuation, CJK symbols, fullwidth forms."""
    kept = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180))
    for code in range(0x80, 0x10000):
        try:
            chr(code).encode("gb2312")
        except UnicodeEncodeError:
            continue
        kept.add(code)
    kept |= set(range(0x2010, 0x2070))  # general punctuation
    kept |= set(range(0x20A0, 0x20C0))  # currency symbols
    kept |= set(range(0x2190, 0x2200))  # arrows
    kept |= {0x2212, 0x2248, 0x2260, 0x2264, 0x2265}  # minus and comparisons
    kept |= set(range(0x3000, 0x3040))  # CJK symbols and punctuation
    kept |= set(range(0xFF00, 0xFFF0))  # fullwidth forms
    return kept


def face(collection: Path) -> TTFont:
    """The simplified Chinese face of a Noto CJK collection."""
    for font in TTCollection(collection).fonts:
        if font["name"].getDebugName(1) == SOURCE_FACE:
            return font
    raise SystemExit(f"{collection}: no {SOURCE_FACE!r} face")


def rename(font: TTFont, weight: str) -> None:
    """Give the subset its own names (OFL: a Modified Version)."""
    postscript = f"{FAMILY.replace(' ', '')}-{weight}"
    names = {
        1: FAMILY,
        2: weight,
        3: f"{postscript};subset of Noto Sans CJK SC 2.004",
        4: f"{FAMILY} {weight}" if weight != "Regular" else FAMILY,
        6: postscript,
        16: FAMILY,
        17: weight,
    }
    table = font["name"]
    table.names = [n for n in table.names if n.nameID not in (*names, 18, 21, 22)]
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        top.FullName = names[4]
        top.FamilyName = FAMILY


def build(source: Path) -> list[Path]:
    """Write the subset of each weight; return the paths."""
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    for weight, filename in WEIGHTS.items():
        font = face(source / filename)
        options = subset.Options()
        options.layout_features = []  # matplotlib does no shaping
        options.hinting = False
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=characters())
        subsetter.subset(font)
        rename(font, weight)
        path = OUT / f"{FAMILY.replace(' ', '')}-{weight}.otf"
        font.save(path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="folder holding NotoSansCJK-{Regular,Bold}.ttc")
    args = parser.parse_args(argv)
    for path in build(args.source):
        print(f"{path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
