"""The facilitator kit: notebooks, plan, questions and answers, handouts, answer key.

Fast checks use the scenario files' firms over 13 weeks and 2 replications, so
every part's experiment, words and pages run in seconds; the committed notebooks
and plans are checked as files.  The slow check builds the whole kit as
``make workshop`` does (every notebook executed in English and Chinese in its
own kernel, the handouts, the answer key, the index) but with
``tools/build_workshop.py --quick``: the notebooks read ``FLOCKSIM_KIT_QUICK``
and run 2 replications of 13 weeks instead of 8 of two years.  That proves what
the build must: every file of the kit in both languages, notebooks that run
without an error, charts that are PNG images, handouts that ask what the
notebooks ask, number for number; none of it depends on how long the runs are
(the fast checks already run every part at this size), and the full build took
about 200 s of the suite's budget and could fail on a busy machine.  The 60 s a
notebook may take is ``make workshop``'s own check (its exit code), tested here
with a made-up record, not by timing a loaded test machine.  Printing each
handout on one A4 page needs Chromium (browser tests).
"""

from __future__ import annotations

import ast
import base64
import io
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim.app.model import Firms
from sim.i18n import LANGUAGES
from sim.workshop import documents, kit, words
from sim.workshop import notebook as nb
from sim.workshop.charts import part_chart, threshold_chart

nbformat = pytest.importorskip("nbformat")

REPO = Path(__file__).resolve().parents[1]
KIT = REPO / "docs" / "workshop"
NOTEBOOKS = sorted((KIT / "notebooks").glob("*.ipynb"))
sys.path.insert(0, str(REPO / "tools"))


@pytest.fixture(scope="module")
def firms() -> Firms:
    base = Firms.load()
    return Firms(
        sim.with_overrides(base.sales_only, {"clock.horizon": "13 w"}),
        sim.with_overrides(base.full_system, {"clock.horizon": "13 w"}),
        neutral=sim.with_overrides(base.neutral, {"clock.horizon": "13 w"}),
    )


@pytest.fixture(scope="module")
def pages(firms: Firms) -> dict[str, dict[str, documents.PartPages]]:
    """Every part's pages in both languages, from short runs."""
    found: dict[str, dict[str, documents.PartPages]] = {lang: {} for lang in LANGUAGES}
    for part in kit.PARTS:
        comparison = kit.run(part, 2, firms=firms)
        facts = kit.facts(part, comparison, firms)
        change = kit.EXERCISES[part]
        tried = kit.facts(part, kit.run(part, 2, firms=firms, **change), firms, **change)
        for lang in LANGUAGES:
            buffer = io.BytesIO()
            part_chart(part, comparison, facts, lang, firms).savefig(buffer, format="png", dpi=60)
            found[lang][part] = documents.PartPages(part, facts, tried, buffer.getvalue())
    return found


# ---------------------------------------------------------------- committed files


def _code(path: Path) -> str:
    notebook = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "code")


def _tagged(notebook, tag: str) -> list:
    return [c for c in notebook.cells if tag in c.get("metadata", {}).get("tags", [])]


def test_one_notebook_per_part_in_workshop_order() -> None:
    assert [p.name[:2] for p in NOTEBOOKS] == ["1_", "2_", "3_", "4_"]
    for path, part in zip(NOTEBOOKS, kit.PARTS, strict=True):
        assert f'PART = "{part}"' in _code(path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_kit_notebooks_are_committed_clean_with_their_tags(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    (parameters,) = _tagged(notebook, "parameters")
    assert parameters.source.startswith('LANG = "en"')
    assert len(_tagged(notebook, "headline-chart")) == 1
    (exercise,) = _tagged(notebook, "try-it")
    # the exercise cell's default is the change the answer key answers
    assignment = next(n for n in ast.parse(exercise.source).body if isinstance(n, ast.Assign))
    part = re.search(r'PART = "(\w+)"', _code(path)).group(1)
    (value,) = kit.EXERCISES[part].values()
    assert ast.literal_eval(assignment.value) == value


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_plan_fills_two_hours_and_types_no_result(lang: str) -> None:
    plan = (KIT / lang / "plan.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+:\d\d) \| (\d+) \|", plan, flags=re.MULTILINE)
    assert sum(int(minutes) for _, minutes in rows) == 120
    starts = [int(h) * 60 + int(m) for h, m in (t.split(":") for t, _ in rows)]
    assert starts == [0] + [s + int(m) for s, (_, m) in zip(starts, rows, strict=False)][:-1]
    for path in NOTEBOOKS:
        assert path.name in plan
    # results live in the answer key: the only share here is the intervals' 95%
    assert re.findall(r"\d+(?:\.\d+)?\s?%", plan) == ["95%"]
    assert "EUR" not in plan
    assert "make workshop" in plan
    assert "make app" in plan


def test_both_plans_have_the_same_shape() -> None:
    english, chinese = ((KIT / lang / "plan.md").read_text(encoding="utf-8") for lang in LANGUAGES)
    for pattern in (r"^## ", r"^\| \d", r"^- ", r"^\*\*"):
        assert len(re.findall(pattern, english, re.MULTILINE)) == len(
            re.findall(pattern, chinese, re.MULTILINE)
        ), pattern


# ---------------------------------------------------------------- experiments


def test_each_part_compares_the_firms_it_says(firms: Firms) -> None:
    names = {part: [s.name for s in kit.experiment(part, firms)[0]] for part in kit.PARTS}
    assert names["hours"] == ["sales-only", "full-system"]
    assert names["speed"] == [
        "full-system",
        "fewer-salespeople",
        "no-cooling",
        "fewer-salespeople-no-cooling",
    ]
    assert names["feedback"] == ["no-feedback", "full-system"]
    assert names["threshold"] == [
        "sales-only",
        *(f"full-system-x{f}" for f in kit.COST_FACTORS),
        "full-system-neutral",
    ]
    tiny = kit.experiment("threshold", firms, market_size=1000)[0]
    assert {s.market.segments[0].size for s in tiny} == {1000}
    slow = kit.experiment("speed", firms, fewer=2)[0][1]
    assert slow.sales.staff == 2
    assert kit.experiment("speed", firms)[0][3].sales.speed_to_lead.curve == "none"
    dearest = kit.experiment("threshold", firms)[0][-2]
    today = firms.full_system.marketing.channels
    assert [c.cost_per_lead for c in dearest.marketing.channels] == pytest.approx(
        [c.cost_per_lead * kit.COST_FACTORS[-1] for c in today]
    )
    with pytest.raises(KeyError, match="no workshop part 'sales'"):
        kit.experiment("sales", firms)


def test_runs_are_kept_within_a_build_and_told_apart(firms, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("FLOCKSIM_KIT_CACHE", str(tmp_path))
    first = kit.run("hours", 2, firms=firms)
    again = kit.run("hours", 2, firms=firms)
    assert again.summary.equals(first.summary)
    assert len(list(tmp_path.glob("hours-*.pickle"))) == 1
    kit.run("hours", 2, firms=firms, sales_only_staff=12)
    assert len(list(tmp_path.glob("hours-*.pickle"))) == 2


# ---------------------------------------------------------------- words and pages


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_part_asks_three_questions_and_answers_them_with_numbers(pages, lang) -> None:
    for part, page in pages[lang].items():
        asked = words.questions(part, page.facts, lang)
        answered = words.answers(part, page.facts, lang)
        assert len(asked) == len(answered) == 3
        for answer in answered:
            assert re.search(r"\d", answer), (part, answer)
            assert "{" not in answer
        assert re.search(r"\d", words.try_answer(part, page.facts, page.tried, lang))
        if lang == "zh":
            assert all(re.search(r"[\u4e00-\u9fff]", a) for a in answered)


def test_the_threshold_is_told_whether_or_not_it_is_crossed(pages) -> None:
    facts = dict(pages["en"]["threshold"].facts)
    crossed = {**facts, "break_even": 1234.0, "break_even_low": 1150.0, "break_even_high": 1300.0}
    answer = words.answers("threshold", crossed, "en")[0]
    assert answer.startswith("Up to about 1,230 EUR a lead from online search")
    assert "between 1,150 EUR and 1,300 EUR" in answer
    never = {**facts, "break_even": math.nan, "sign": 1}
    assert "the full system earns more throughout" in words.answers("threshold", never, "en")[0]
    assert "只有销售部的公司始终赚得更多" in words.answers(
        "threshold", {**never, "sign": -1}, "zh"
    )[0].replace(" ", "")
    fig = threshold_chart(crossed, "en")
    assert fig.texts[0].get_text().startswith("The full system earns more up to about 1,230 EUR")


def test_the_threshold_answer_says_what_the_neutral_assumptions_leave(pages) -> None:
    """Part 4's third answer gives the figure the README's headline section gives:
    the profit difference with the unsourced advantages set equal."""
    facts = pages["en"]["threshold"].facts
    neutral = facts["diff_neutral"]
    assert neutral["low"] <= neutral["mean"] <= neutral["high"]
    answer = words.answers("threshold", facts, "en")[2]
    assert "scenarios/variants/full_system_neutral.toml" in answer
    assert words.values("threshold", facts, "en")["neutral_diff"] in answer
    assert "flocksim explain" in words.answers("threshold", facts, "zh")[2]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_handout_is_the_chart_and_three_questions(pages, lang) -> None:
    for part, page in pages[lang].items():
        html = documents.handout_html(page, lang)
        assert html.count("<li>") == 3
        assert html.count("<img") == 1
        assert "@page { size: A4" in html
        for question in words.questions(part, page.facts, lang):
            assert documents._inline(question) in html
        assert ("@font-face" in html) == (lang == "zh")
        assert ("data:font/otf;base64" in html) == (lang == "zh")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_answer_key_answers_every_question_of_every_part(pages, lang) -> None:
    parts = list(pages[lang].values())
    html = documents.answer_key_html(parts, lang)
    markdown = documents.answer_key_markdown(parts, lang)
    for page in parts:
        for text in (
            *words.questions(page.part, page.facts, lang),
            *words.answers(page.part, page.facts, lang),
            words.try_answer(page.part, page.facts, page.tried, lang),
        ):
            assert documents._inline(text) in html
            assert text in markdown
    assert html.count('class="answer"') == 4 * len(parts)


def test_notebook_helpers_show_markdown_and_a_table_per_firm(firms, pages) -> None:
    comparison = kit.run("threshold", 2, firms=firms)
    table = nb.table("threshold", comparison, "zh")
    # a row per firm and price, and the full system with neutral assumptions
    assert len(table) == 2 + len(kit.COST_FACTORS)
    assert "完整营销系统（中性假设）" in table.index
    assert any("倍" in str(index) for index in table.index)
    facts = pages["en"]["speed"].facts
    shown = nb.questions("speed", facts, "en")
    assert shown._repr_markdown_().startswith("### Questions\n\n1. ")
    assert nb.intro("hours", "zh")._repr_markdown_().startswith("## 第 1 部分")


# ---------------------------------------------------------------- the whole kit

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The kit as ``make workshop`` builds it, from smoke runs (``--quick``)."""
    import build_workshop

    out = tmp_path_factory.mktemp("kit") / "workshop"
    return out, build_workshop.build(out, quick=True)


def _outputs(notebook, mime: str) -> list[str]:
    return [
        o["data"][mime]
        for c in notebook.cells
        for o in c.get("outputs", [])
        if mime in o.get("data", {})
    ]


def _png(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG image, read from its header (fails on anything else)."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > 200, (width, height)
    assert height > 100, (width, height)
    return width, height


@pytest.mark.slow
def test_make_workshop_builds_the_kit_in_both_languages(built) -> None:
    out, record = built
    assert record["failures"] == {}
    assert record["quick"] is True
    assert record["replications"] == kit.QUICK_REPLICATIONS
    assert record["weeks"] == 13
    assert os.environ.get(kit.QUICK_ENV) is None, "the build left FLOCKSIM_KIT_QUICK set"
    assert sorted(record["notebooks"]) == sorted(
        f"{lang}/{p.name}" for lang in LANGUAGES for p in NOTEBOOKS
    )
    assert all(seconds > 0 for seconds in record["notebooks"].values())
    assert json.loads((out / "kit.json").read_text("utf-8")) == record
    index = (out / "index.html").read_text("utf-8")
    assert "QUICK BUILD" in index  # a quick kit never passes for one to use in a room
    for lang in LANGUAGES:
        folder = out / lang
        names = {p.name for p in folder.iterdir()}
        expected = {"plan.md", "answer_key.html", "answer_key.md"}
        expected |= {f"handout_{n}.html" for n in (1, 2, 3, 4)}
        expected |= {p.name for p in NOTEBOOKS}
        assert expected <= names
        for name in expected:
            assert (folder / name).stat().st_size > 0, name
            if name != "answer_key.md":  # the index links the answer key's HTML
                assert f'href="{lang}/{name}"' in index, name
        for n in (1, 2, 3, 4):
            handout = (folder / f"handout_{n}.html").read_text("utf-8")
            (image,) = re.findall(r'src="data:image/png;base64,([^"]+)"', handout)
            _png(base64.b64decode(image))
    assert not list(out.parent.glob(".workshop.*")), "the build left a folder behind"


def test_make_workshop_fails_on_a_notebook_slower_than_the_limit(monkeypatch, capsys) -> None:
    """``make workshop`` (not the tests) holds each notebook to 60 s: exit code 1, named."""
    import build_workshop

    asked = {}

    def build(out: Path, quick: bool = False) -> dict:
        asked["quick"] = quick
        return {
            "notebooks": {"en/1_a.ipynb": 12.0, "zh/2_b.ipynb": build_workshop.NOTEBOOK_LIMIT + 1},
            "failures": {},
        }

    monkeypatch.setattr(build_workshop, "build", build)
    assert build_workshop.main(["--out", "unused"]) == 1
    assert asked == {"quick": False}
    err = capsys.readouterr().err
    assert f"slower than {build_workshop.NOTEBOOK_LIMIT} s: zh/2_b.ipynb" in err
    assert build_workshop.main(["--quick", "--out", "unused"]) == 1
    assert asked == {"quick": True}


def test_quick_runs_are_smoke_runs_only_when_asked(monkeypatch) -> None:
    monkeypatch.delenv(kit.QUICK_ENV, raising=False)
    assert not kit.quick()
    assert kit.default_replications() == kit.REPLICATIONS
    assert kit.default_firms().full_system.clock.horizon == Firms.load().full_system.clock.horizon
    for off in ("", "0"):
        monkeypatch.setenv(kit.QUICK_ENV, off)
        assert not kit.quick()
    monkeypatch.setenv(kit.QUICK_ENV, "1")
    assert kit.quick()
    assert kit.default_replications() == kit.QUICK_REPLICATIONS
    firms = kit.default_firms()
    assert firms.sales_only.clock.horizon == firms.full_system.clock.horizon == 13 * 40


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_executed_notebooks_ask_what_the_handouts_ask(built, lang) -> None:
    out, _ = built
    for path, part in zip(NOTEBOOKS, kit.PARTS, strict=True):
        notebook = nbformat.read(out / lang / path.name, as_version=4)
        errors = [
            o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"
        ]
        assert errors == []
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert all(c.execution_count is not None for c in code), "a cell did not run"
        (headline,) = _tagged(notebook, "headline-chart")
        (image,) = [
            o["data"]["image/png"] for o in headline.outputs if "image/png" in o.get("data", {})
        ]
        _png(base64.b64decode(image))
        markdown = "\n".join(_outputs(notebook, "text/markdown"))
        handout = (out / lang / f"handout_{kit.PARTS.index(part) + 1}.html").read_text("utf-8")
        asked = re.findall(r"<li><p>(.*?)</p>", handout)
        assert len(asked) == 3
        for question in asked:
            plain = re.sub(r"</?code>", "`", question).replace("&#x27;", "'")
            assert plain in markdown, (lang, part, question)
        if lang == "zh":
            assert re.search(r"[\u4e00-\u9fff]", markdown)


@pytest.mark.browser
def test_each_handout_prints_on_one_a4_page(pages, tmp_path) -> None:
    from test_app_browser import CHROMIUM_FLAGS, chromium_path

    chromium = chromium_path()
    if chromium is None:
        pytest.skip("no Chromium: apt-get install chromium (Debian's package)")
    for lang in LANGUAGES:
        for n, page in enumerate(pages[lang].values(), 1):
            source = tmp_path / f"handout_{lang}_{n}.html"
            source.write_text(documents.handout_html(page, lang), encoding="utf-8")
            pdf = source.with_suffix(".pdf")
            subprocess.run(
                [
                    chromium,
                    "--headless",
                    *CHROMIUM_FLAGS,
                    f"--user-data-dir={tmp_path / 'profile'}",
                    "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}",
                    source.as_uri(),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            counts = re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes())
            assert len(counts) == 1, f"{source.name} prints on {len(counts)} pages"
