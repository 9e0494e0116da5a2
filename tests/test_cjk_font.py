"""Chinese renders in every chart and file format, with the font the package carries.

pytest turns warnings into errors (pyproject.toml), and matplotlib warns
"Glyph ... missing from font(s)" for every character it cannot draw, so rendering
Chinese here fails on any missing glyph.  The last test shows the check can fail:
a character outside the font's subset does warn.
"""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib.image as mpimg
import pandas as pd
import pytest
from fakes import comparison_frame
from fontTools.ttLib import TTFont

from sim import charts

CHINESE = ("只有销售部", "完整营销系统")


def chinese_tables() -> dict[str, pd.DataFrame]:
    """Small tables of two scenarios with Chinese names."""
    shares = [0.3, 0.3, 0.2, 0.2, 0.0]
    columns = [
        "sales_share_selling",
        "sales_share_prospecting",
        "sales_share_servicing",
        "sales_share_expediting",
        "sales_share_idle",
    ]
    summary = pd.DataFrame(
        [
            {"scenario": s, "replication": r, "weeks": 104, "profit": 1e6 * (i + 1) + r}
            | dict(zip(columns, shares, strict=True))
            for i, s in enumerate(CHINESE)
            for r in range(3)
        ]
    )
    nan = math.nan
    comparison = comparison_frame(
        [
            ("profit", CHINESE[0], 3, 1e6, 0.9e6, 1.1e6, nan, nan, nan, nan, nan),
            ("profit", CHINESE[1], 3, 2e6, 1.9e6, 2.1e6, 1e6, 0.9e6, 1.1e6, 1.0, 1.0),
        ]
    )
    weekly = pd.DataFrame(
        [
            {"scenario": s, "replication": r, "week": w, "revenue": 100.0 * w + r, "insight": 0.1}
            for s in CHINESE
            for r in range(2)
            for w in range(3)
        ]
    )
    return {"summary": summary, "comparison": comparison, "weekly": weekly}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chinese_names_and_labels_render_in_png_svg_and_pdf(tmp_path: Path, lang: str):
    tables = chinese_tables()
    figures = {
        "time_use": charts.sales_time_use(tables["summary"], lang=lang),
        "key": charts.key_figures(tables["comparison"], ["profit"], lang=lang, currency="CNY"),
        "weekly": charts.weekly_series(tables["weekly"], "revenue", lang=lang),
    }
    for name, fig in figures.items():
        paths = charts.save_figure(fig, tmp_path, name, formats=("png", "svg", "pdf"))
        png, svg, pdf = paths
        assert mpimg.imread(png)[..., :3].std() > 0.05
        assert ET.parse(svg).getroot().tag.endswith("svg")
        assert pdf.read_bytes().startswith(b"%PDF")
    texts = " ".join(t.get_text() for t in figures["time_use"].findobj(match=_is_text))
    assert CHINESE[0] in texts


def _is_text(artist) -> bool:
    from matplotlib.text import Text

    return isinstance(artist, Text)


def test_the_font_ships_with_the_package_and_its_licence():
    regular, bold = charts.font_paths()
    for path in (regular, bold):
        assert path.is_file()
        font = TTFont(path)
        assert font["name"].getDebugName(1) == charts.CJK_FONT_FAMILY
        cmap = font.getBestCmap()
        assert all(ord(char) in cmap for char in "只有销售部完整营销系统万元，：（）")
        assert path.stat().st_size < 2_500_000  # a subset, not the 16 MB font
    licence = regular.parent / "OFL.txt"
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence.read_text(encoding="utf-8")


def test_a_character_outside_the_font_warns_so_the_check_can_fail():
    fig = charts.sales_time_use(
        chinese_tables()["summary"].replace({CHINESE[0]: "\N{CJK UNIFIED IDEOGRAPH-9F98}"})
    )  # 龘: not in GB 2312, so not in the subset
    with pytest.warns(UserWarning, match="missing from font"):
        fig.savefig(io.BytesIO(), format="png")


def test_chinese_text_wraps_anywhere_but_inside_a_number_or_a_word():
    from sim.charts._fonts import _fill

    sentence = "完整营销系统为 1.1 小时：它的 3 名销售人员每人每周要接 9.6 条呼入线索"
    for width in range(12, 60):
        lines = _fill(sentence, width).split("\n")
        assert "".join(lines).replace(" ", "") == sentence.replace(" ", "")
        for before, after in zip(lines, lines[1:], strict=False):
            assert not (
                before[-1:].isascii() and before[-1:].isalnum() and after[:1] in "0123456789."
            ), (
                width,
                lines,
            )
