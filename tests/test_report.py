"""Tests of sim.report on small synthetic tables (no simulation involved)."""

from __future__ import annotations

import base64
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from fakes import CHART_NAMES, SHARES, comparison_frame

from sim import report
from sim.charts import all_charts

ODD = "<b>x</b>"  # a scenario name that must be escaped
TITLE = "Q&A <i>report</i>"

# --------------------------------------------------------------------------
# Synthetic inputs
# --------------------------------------------------------------------------


def make_summary(names=("sales_only", ODD)) -> pd.DataFrame:
    rows = []
    for s_index, scenario in enumerate(names):
        for rep in range(3):
            selling = 0.3 + 0.2 * s_index + 0.01 * rep
            rest = (1 - selling) / 4
            rows.append(
                {
                    "scenario": scenario,
                    "replication": rep,
                    "weeks": 104,
                    "revenue": 1_000.0 * (rep + 1),
                    # profit 4.0, 4.1, 4.2 M in sales_only; 2.3 times that in the other
                    "profit": (4.0e6 + 0.1e6 * rep) * (1 + 1.3 * s_index),
                    **dict(zip(SHARES, [selling, rest, rest, rest, rest], strict=True)),
                }
            )
    return pd.DataFrame(rows)


def make_weekly(names=("sales_only", ODD)) -> pd.DataFrame:
    rows = []
    for s_index, scenario in enumerate(names):
        for rep in range(3):
            for week in range(4):
                rows.append(
                    {
                        "scenario": scenario,
                        "replication": rep,
                        "week": week,
                        "in_warmup": week == 0,
                        "revenue": 100.0 * week + rep + 50 * s_index,
                        "customers_active": 10 + week + s_index,
                        "insight": 0.05 * week * s_index,
                    }
                )
    return pd.DataFrame(rows)


def make_leads(names=("sales_only", ODD)) -> pd.DataFrame:
    rows = []
    for s_index, scenario in enumerate(names):
        for rep in range(2):
            for i, (contacted, outcome, reason) in enumerate(
                [(1.0, "won", ""), (2.0, "lost", "no_deal"), (math.nan, "abandoned", "")]
            ):
                rows.append(
                    {
                        "scenario": scenario,
                        "replication": rep,
                        "lead_id": i,
                        "contacted_h": contacted,
                        "qualified": outcome != "abandoned",
                        "outcome": outcome,
                        "lost_reason": reason,
                        "wait_h": 1.0 + i + s_index,
                    }
                )
    return pd.DataFrame(rows)


def make_comparison(names=("sales_only", ODD)) -> pd.DataFrame:
    base, other = names
    nan = math.nan
    rows = [
        ("revenue", base, 3, 1_234_567.0, 1_200_000.0, 1_270_000.0, nan, nan, nan, nan, nan),
        ("revenue", other, 3, 1_500_000.0, 1_450_000.0, 1_550_000.0, 265_433.0, 200_000.0,
         330_000.0, 0.212, 1.0),
        ("profit", base, 3, 150_000.0, 140_000.0, 160_000.0, nan, nan, nan, nan, nan),
        ("profit", other, 3, 120_000.0, 100_000.0, 140_000.0, -30_000.0, -45_000.0, -15_000.0,
         -0.2, 0.0),
        ("wasted_sales_capacity", base, 3, 0.432, 0.42, 0.444, nan, nan, nan, nan, nan),
        ("wasted_sales_capacity", other, 3, 0.307, 0.29, 0.324, -0.125, -0.14, -0.11, -0.289,
         1.0),
        ("customers_won", base, 3, 40.0, 36.0, 44.0, nan, nan, nan, nan, nan),
        ("customers_won", other, 3, 55.0, 50.0, 60.0, 15.0, 10.0, 20.0, 0.375, 2 / 3),
    ]  # fmt: skip
    return comparison_frame(rows)


SCENARIOS = {
    "sales_only": {
        "name": "sales_only",
        "clock": {"weeks": 52, "warmup_weeks": 8},
        "sales": {"people": 3, "prospecting": {"enabled": True, "share_of_idle": 0.75}},
    },
    ODD: {
        "name": ODD,
        "note": "uses <script>alert(1)</script> & more",
        "marketing": {"channels": [{"name": "web", "budget": 1000.0}, {"name": "fair"}]},
    },
}

MANIFEST = {
    "package": "flocksim",
    "version": "9.8.7",
    "created": "2025-03-04T05:06:07+00:00",
    "seed": 987654,
    "replications": 3,
    "scenarios": {
        name: {"source": f"scenarios/{i}.toml", "hash": f"hash{i}abcdef", "settings": settings}
        for i, (name, settings) in enumerate(SCENARIOS.items())
    },
}


def write(tmp_path: Path, **overrides) -> tuple[Path, Path]:
    kwargs = {
        "summary": make_summary(),
        "weekly": make_weekly(),
        "leads": make_leads(),
        "comparison": make_comparison(),
        "scenarios": SCENARIOS,
        "manifest": MANIFEST,
    }
    kwargs.update(overrides)
    return report.write_report(tmp_path / "out", **kwargs)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, Path, str, str]:
    html_path, md_path = write(tmp_path_factory.mktemp("report"), title=TITLE)
    return html_path, md_path, html_path.read_text(encoding="utf-8"), md_path.read_text("utf-8")


class TagCollector(HTMLParser):
    """Collects start tags with their attributes, and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> TagCollector:
    parser = TagCollector()
    parser.feed(html)
    parser.close()
    return parser


EXPECTED_CHARTS = list(CHART_NAMES)

# --------------------------------------------------------------------------
# Files and charts
# --------------------------------------------------------------------------


def test_write_report_returns_both_files(written):
    html_path, md_path, _, _ = written
    assert html_path.name == "report.html"
    assert md_path.name == "report.md"
    assert html_path.parent == md_path.parent
    assert html_path.is_file()
    assert md_path.is_file()


def test_html_embeds_every_chart_as_png(written):
    _, _, html, _ = written
    images = [attrs for tag, attrs in parse(html).tags if tag == "img"]
    assert len(images) == len(EXPECTED_CHARTS)
    for attrs in images:
        src = attrs["src"] or ""
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")
        assert attrs.get("alt")
    figure_ids = [attrs["id"] for tag, attrs in parse(html).tags if tag == "figure"]
    assert figure_ids == [f"chart-{name}" for name in EXPECTED_CHARTS]


def test_headline_chart_comes_first_with_a_reading_aid(written):
    _, _, html, _ = written
    headline = html.index('id="chart-sales_time_use"')
    assert headline < html.index('<table class="comparison"')
    assert headline < html.index('id="chart-key_figures"')
    aid = re.search(r'<p class="reading-aid">(.*?)</p>', html)
    assert aid is not None
    # wasted capacity 69% (four parts of 17.25%: 52% other work, 17% idle) in sales_only
    assert "sales_only 69% (52% other work, 17% idle)" in aid.group(1)
    assert "49% (37% other work, 12% idle)" in aid.group(1)


def test_the_report_opens_with_the_verdict(written):
    _, _, html, md = written
    verdict = re.search(r'<p class="verdict">(.*?)</p>', html)
    assert verdict is not None
    assert html.index('class="verdict"') < html.index('id="chart-sales_time_use"')
    assert html.index('class="verdict"') < html.index('class="facts"')  # facts in the appendix
    # profit is exactly 2.3 times in every replication: the ratio's interval is a point
    assert verdict.group(1) == (
        "Over 2 years &lt;b&gt;x&lt;/b&gt; earns 9.4 M money units profit, 2.3 times "
        "[2.3 to 2.3] as much as sales_only (4.1 M money units)."
    )
    assert "**Over 2 years" in md


def test_no_external_resources(written):
    _, _, html, _ = written
    tags = parse(html).tags
    for tag, attrs in tags:
        assert tag not in {"script", "link", "iframe", "object", "embed"}
        if "src" in attrs:
            assert (attrs["src"] or "").startswith("data:")
        if "href" in attrs:
            assert (attrs["href"] or "").startswith("#")
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert style is not None
    assert "url(" not in style.group(1)
    assert "@import" not in style.group(1)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)


def test_printable(written):
    _, _, html, _ = written
    assert "@media print" in html
    assert "break-before: page" in html
    sections = [attrs.get("id") for tag, attrs in parse(html).tags if tag == "section"]
    assert sections == [
        "headline",
        "differences",
        "comparison",
        "charts",
        "scenarios",
        "manifest",
    ]
    assert html.count("<section") == html.count("</section>")


# --------------------------------------------------------------------------
# Content
# --------------------------------------------------------------------------


def test_comparison_table_values(written):
    _, _, html, _ = written
    table = re.search(r'<table class="comparison">.*?</table>', html, re.S)
    assert table is not None
    text = table.group(0)
    assert "Revenue (money units)" in text
    assert "1.23 M [1.20 M to 1.27 M]" in text
    assert "+265 k [+200 k to +330 k]" in text
    assert "-30.0 k [-45.0 k to -15.0 k]" in text
    assert "43.2% [42.0% to 44.4%]" in text
    assert "-12.5 pp [-14.0 pp to -11.0 pp]" in text
    assert "+21%" in text  # relative change of revenue
    assert "67%" in text  # share of replications better, customers won
    assert re.search(r">\s*baseline\s*</td>", text)  # the baseline row says so in its cell
    rows = re.findall(r"<tr", text)
    assert len(rows) == 1 + len(make_comparison())


def test_scenario_settings_are_shown(written):
    _, _, html, _ = written
    assert "warmup_weeks = 8" in html
    assert "[sales.prospecting]" in html
    assert "share_of_idle = 0.75" in html
    assert "enabled = true" in html
    assert "[[marketing.channels]]" in html
    assert "budget = 1000.0" in html


def test_manifest_and_facts(written):
    _, _, html, _ = written
    text = " ".join(parse(html).text)
    for fact in ["9.8.7", "987654", "2025-03-04T05:06:07+00:00", "hash0abcdef", "hash1abcdef"]:
        assert fact in text
    manifest_table = re.search(r'<table class="manifest">.*?</table>', html, re.S)
    assert manifest_table is not None
    assert "scenarios.sales_only.hash" in manifest_table.group(0)
    assert "scenarios/0.toml" in manifest_table.group(0)
    assert "Report created" in text


def test_user_text_is_escaped(written):
    _, _, html, _ = written
    assert ODD not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "<title>Q&amp;A &lt;i&gt;report&lt;/i&gt;</title>" in html
    assert "<i>report</i>" not in html


def test_markdown_references_existing_chart_files(written):
    _, md_path, _, md = written
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert links == [f"charts/{name}.png" for name in EXPECTED_CHARTS]
    for link in links:
        assert (md_path.parent / link).is_file()
        assert (md_path.parent / link).with_suffix(".svg").is_file()


def test_markdown_has_the_same_tables(written):
    _, _, _, md = written
    assert "1.23 M \\[1.20 M to 1.27 M\\]" in md
    assert "-12.5 pp \\[-14.0 pp to -11.0 pp\\]" in md
    assert "warmup_weeks = 8" in md
    assert "| version | 9.8.7 |" in md
    assert "&lt;b&gt;x&lt;/b&gt;" in md  # escaped outside code blocks
    assert ODD in md.split("```toml", 1)[1]  # verbatim inside the settings block


def test_report_without_leads_and_weekly_skips_their_charts(tmp_path):
    html_path, md_path = write(tmp_path, leads=None, weekly=None)
    html = html_path.read_text(encoding="utf-8")
    figure_ids = [attrs["id"] for tag, attrs in parse(html).tags if tag == "figure"]
    assert figure_ids == ["chart-sales_time_use", "chart-key_figures", "chart-paired_differences"]
    assert html.count("<img") == 3
    md = md_path.read_text(encoding="utf-8")
    assert "lead_funnel" not in md
    assert "weekly_revenue" not in md


def test_report_with_empty_comparison_still_works(tmp_path):
    html_path, _ = write(
        tmp_path,
        summary=None,
        weekly=None,
        leads=make_leads().iloc[0:0],
        comparison=make_comparison().iloc[0:0],
        manifest={},
    )
    html = html_path.read_text(encoding="utf-8")
    assert "<img" not in html
    assert 'id="headline"' not in html
    assert "No comparison table was given." in html
    assert "No manifest was given." in html
    assert "not recorded" in html


def test_html_contains_every_chart_of_all_charts(written):
    _, _, html, _ = written
    names = all_charts(make_summary(), make_weekly(), make_leads(), make_comparison())
    for name in names:
        assert f'id="chart-{name}"' in html


# --------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figure", "value", "difference", "expected"),
    [
        ("revenue", 1234567.4, False, "1.2 M"),
        ("revenue", 28_038_086.0, False, "28.0 M"),
        ("revenue", 850_000.0, False, "850 k"),
        ("revenue", -2500.0, True, "-2,500"),
        ("revenue", 12.345, False, "12.35"),
        ("wasted_sales_capacity", 0.4321, False, "43.2%"),
        ("wasted_sales_capacity", 0.031, True, "+3.1 pp"),
        ("customers_won", 53.75, False, "53.8"),
        ("leads", 1234.0, False, "1,234"),
        ("mean_wait_to_contact_h", 3.456, False, "3.46"),
        ("revenue", math.nan, False, "n/a"),
        ("revenue", None, False, "n/a"),
    ],
)
def test_format_value(figure, value, difference, expected):
    assert report.format_value(figure, value, difference=difference) == expected


def test_format_interval():
    assert report.format_interval("profit", 1500.0, 1000.0, 2000.0) == "1,500 [1,000 to 2,000]"
    assert (
        report.format_interval("profit", 28.04e6, 28.01e6, 28.07e6)
        == "28.04 M [28.01 M to 28.07 M]"
    )
    assert report.format_interval("conversion_rate", 0.1, 0.05, 0.15) == "10.0% [5.0% to 15.0%]"
    assert report.format_interval("revenue", 10.0, -math.inf, math.inf) == "10.00 [no CI]"
    assert (
        report.format_interval("customers_won", 2.0, -1.0, 5.0, difference=True)
        == "+2.00 [-1.00 to +5.00]"
    )


def test_settings_text_is_toml_like():
    text = report.settings_text(
        {
            "name": "a b",
            "flag": False,
            "rates": [1, 2.5],
            "when": None,
            "odd key": 1,
            "sales": {"people": 2, "inner": {"x": 1}},
            "channels": [{"name": "web"}, {"name": "tv"}],
        }
    )
    lines = text.splitlines()
    assert lines[:5] == [
        'name = "a b"',
        "flag = false",
        "rates = [1, 2.5]",
        'when = "" # not set',
        '"odd key" = 1',
    ]
    assert "[sales]" in lines
    assert "[sales.inner]" in lines
    assert lines.count("[[channels]]") == 2
    assert lines.index("[sales]") < lines.index("people = 2") < lines.index("[sales.inner]")
    assert report.settings_text({}) == "# no settings recorded"
