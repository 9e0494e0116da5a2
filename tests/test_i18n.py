"""The catalogue of texts: both languages complete, and every key the code asks for there.

A key missing in either language, a placeholder one language forgets, or a key the
code uses that the catalogue does not have fails here, not in front of a room.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sim import i18n
from sim.charts import CHART_NAMES
from sim.figures import SALES_CATEGORIES, SALES_SHARE_COLUMNS, figure_label, figure_title

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    *sorted((ROOT / "sim").rglob("*.py")),
    ROOT / "notebooks" / "workshop.ipynb",
    *sorted((ROOT / "docs" / "workshop" / "notebooks").glob("*.ipynb")),
]


def literal_keys() -> set[str]:
    """Every string literal passed as the first argument of ``text(...)`` in the code."""
    keys: set[str] = set()
    for path in SOURCES:
        if path.suffix == ".ipynb":
            import json

            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
            source = "\n".join(
                line for line in source.splitlines() if not line.lstrip().startswith("%")
            )
        else:
            source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name | ast.Attribute)
                and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr)
                in {"text", "t"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                keys.add(node.args[0].value)
    return keys


def test_both_languages_have_the_same_keys():
    english, chinese = i18n.catalogue("en"), i18n.catalogue("zh")
    assert sorted(set(english) - set(chinese)) == [], "missing in zh.toml"
    assert sorted(set(chinese) - set(english)) == [], "missing in en.toml"


@pytest.mark.parametrize("key", sorted(i18n.catalogue("en")))
def test_both_languages_use_the_same_placeholders(key):
    english = i18n.placeholders(i18n.catalogue("en")[key])
    chinese = i18n.placeholders(i18n.catalogue("zh")[key])
    assert english == chinese, key


def test_no_text_is_empty_or_left_in_english_in_chinese():
    english, chinese = i18n.catalogue("en"), i18n.catalogue("zh")
    for key, value in chinese.items():
        assert value.strip(), key
    # a Chinese text identical to the English one was forgotten, except symbols and codes
    same = [k for k in english if english[k] == chinese[k] and any(c.isalpha() for c in english[k])]
    allowed = {"unit.label", "cli.heading.summary", "report.column.n"}
    assert [k for k in same if k not in allowed and not k.startswith("chart.title.share_of")] == []


def test_every_key_the_code_asks_for_exists():
    keys = literal_keys()
    assert len(keys) > 50  # the scan finds the calls
    missing = sorted(key for key in keys if not i18n.has_text(key, "en"))
    assert missing == []


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_keys_made_from_the_vocabulary_exist(lang):
    for category in SALES_CATEGORIES:
        assert i18n.has_text(f"category.{category}", lang)
    for name in CHART_NAMES:
        assert i18n.has_text(f"chart.name.{name}", lang)
        assert i18n.has_text(f"caption.{name}", lang)
    for column in (*SALES_SHARE_COLUMNS, "revenue", "profit", "sales_share_nonselling_work"):
        assert figure_title(column, lang) != column
        figure_label(column, lang, "EUR")
    for stage in ("leads", "contacted", "qualified", "won", "abandoned", "lost_other"):
        assert i18n.has_text(f"chart.funnel.{stage}", lang)


def test_text_fills_placeholders_and_refuses_unknown_keys_and_languages():
    assert i18n.text("time.years", "en", n=2) == "2 years"
    assert i18n.text("time.years", "zh", n=2) == "2 年"
    with pytest.raises(KeyError, match="no text 'no.such.key'"):
        i18n.text("no.such.key", "en")
    with pytest.raises(ValueError, match="lang 'fr' is not one of: en, zh"):
        i18n.text("time.years", "fr", n=2)
    assert i18n.check_lang("zh") == "zh"


def test_the_catalogue_cannot_be_changed_by_a_caller():
    texts = i18n.catalogue("en")
    with pytest.raises(TypeError):
        texts["time.years"] = "x"  # type: ignore[index]
