"""The app's logic without a browser: levers to scenarios, checks, runs and what is shown.

``sim.app.model`` and ``sim.app.view`` are plain Python; the page (``sim.app.ui``)
only wires them to controls, so what a room relies on is checked here: the
article's levers are the scenario files, each lever reaches its setting in the
firm it names and no other, bad combinations become sentences in both
languages, the two firms run paired, and moving a lever moves the numbers.
"""

from __future__ import annotations

import dataclasses
import sys

import pytest

import sim
from sim.app import view
from sim.app.model import (
    LEVER_RANGES,
    PRESETS,
    SWITCHES,
    Firms,
    LeverError,
    Levers,
    Message,
    Outcome,
    Runner,
    notes,
    preset,
    problems,
    scenarios,
    simulate,
    weekly_costs,
)
from sim.cli import main
from sim.i18n import LANGUAGES, has_text


@pytest.fixture(scope="module")
def firms() -> Firms:
    return Firms.load()


@pytest.fixture(scope="module")
def short_firms(firms: Firms) -> Firms:
    """The same firms over 13 weeks, so that a run takes a fraction of a second."""
    return Firms(
        sim.with_overrides(firms.sales_only, {"clock.horizon": "13 w"}),
        sim.with_overrides(firms.full_system, {"clock.horizon": "13 w"}),
    )


@pytest.fixture(scope="module")
def article(firms: Firms) -> Levers:
    return Levers.article(firms)


def settings(scenario: sim.Scenario) -> dict:
    return scenario.model_dump()


# ------------------------------------------------------------------ levers


def test_the_articles_levers_are_the_scenario_files(firms: Firms, article: Levers) -> None:
    alone, full = scenarios(article, firms)
    assert settings(alone) == settings(firms.sales_only)
    assert settings(full) == settings(firms.full_system)
    assert article.sales_only_staff == firms.sales_only.sales.staff
    assert article.sales_staff == firms.full_system.sales.staff
    assert article.speed_to_lead
    assert article.feedback
    assert article.prospecting


@pytest.mark.parametrize(
    ("lever", "value", "firm", "check"),
    [
        ("sales_only_staff", 7, "alone", lambda s: s.sales.staff == 7),
        ("prospecting", False, "alone", lambda s: not s.sales.prospecting.enabled),
        ("sales_staff", 8, "full", lambda s: s.sales.staff == 8),
        ("marketing_staff", 2, "full", lambda s: s.marketing.staff == 2),
        ("service_staff", 6, "full", lambda s: s.service.staff == 6),
        ("budget_per_week", 4500, "full", lambda s: s.marketing.budget_per_week == 4500),
        ("feedback", False, "full", lambda s: not s.service.feedback.enabled),
    ],
)
def test_a_lever_moves_its_own_firm_only(firms, article, lever, value, firm, check) -> None:
    alone, full = scenarios(article.replace(**{lever: value}), firms)
    moved, other = (alone, full) if firm == "alone" else (full, alone)
    assert check(moved)
    untouched = firms.full_system if firm == "alone" else firms.sales_only
    assert settings(other) == settings(untouched)


def test_market_size_and_cooling_apply_to_both_firms(firms, article) -> None:
    both = scenarios(article.replace(market_size=5000, speed_to_lead=False), firms)
    for firm in both:
        assert firm.market.segments[0].size == 5000
        assert firm.sales.speed_to_lead.curve == "none"


def test_cost_per_lead_moves_every_channel_in_proportion(firms, article) -> None:
    _, full = scenarios(article.replace(cost_per_lead=2 * article.cost_per_lead), firms)
    before = {c.name: c.cost_per_lead for c in firms.full_system.marketing.channels}
    after = {c.name: c.cost_per_lead for c in full.marketing.channels}
    assert after == pytest.approx({name: 2 * cost for name, cost in before.items()})


def test_levers_refuse_unknown_names(article) -> None:
    with pytest.raises(TypeError):
        article.replace(salesmen=3)


def test_the_articles_levers_and_every_preset_fit_the_sliders(firms) -> None:
    for name in PRESETS:
        levers = preset(name, firms)
        for lever, (low, high, step) in LEVER_RANGES.items():
            value = getattr(levers, lever)
            assert low <= value <= high, (name, lever, value)
            assert (value - low) % step == pytest.approx(0), (name, lever, value)
        assert problems(levers, firms) == []


def test_each_preset_tells_one_story(firms, article) -> None:
    changed = {
        name: {
            field.name
            for field in dataclasses.fields(Levers)
            if getattr(preset(name, firms), field.name) != getattr(article, field.name)
        }
        for name in PRESETS
    }
    assert changed == {
        "article": set(),
        "tiny_market": {"market_size"},
        "dear_leads": {"cost_per_lead"},
        "no_feedback": {"feedback"},
        "no_cooling": {"speed_to_lead"},
    }
    assert firms.customers <= preset("tiny_market", firms).market_size <= 3 * firms.customers
    with pytest.raises(KeyError, match="no preset 'cheap'"):
        preset("cheap", firms)


# ------------------------------------------------------------------ bad combinations


def test_a_market_smaller_than_the_customers_is_a_sentence_not_a_traceback(firms, article):
    levers = article.replace(market_size=300)
    (message,) = problems(levers, firms)
    assert message.key == "app.error.market_below_customers"
    assert "300" in message.text("en")
    assert f"{firms.customers:,}" in message.text("en")
    assert "300" in message.text("zh")
    assert "市场" in message.text("zh")
    with pytest.raises(LeverError) as caught:
        scenarios(levers, firms)
    assert caught.value.messages == [message]
    assert weekly_costs(levers, firms) is None


def test_firms_without_salespeople_are_refused_with_both_reasons(firms, article) -> None:
    found = problems(article.replace(sales_only_staff=0, sales_staff=0), firms)
    assert [m.key for m in found] == [
        "app.error.no_salespeople_alone",
        "app.error.no_salespeople_full",
    ]


def test_notes_on_levers_that_do_less_than_they_seem(firms, article) -> None:
    assert notes(article, firms) == []
    keys = [m.key for m in notes(article.replace(marketing_staff=0), firms)]
    assert keys == ["app.note.feedback_needs_both", "app.note.budget_without_marketers"]
    assert notes(article.replace(service_staff=0, feedback=False), firms) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_and_control_has_words_in_both_languages(firms, article, lang) -> None:
    messages = [
        *problems(article.replace(market_size=100, sales_only_staff=0, sales_staff=0), firms),
        *notes(article.replace(marketing_staff=0, service_staff=0), firms),
        Message("app.error.invalid", {"detail": "x"}),
        Message("app.error.failed", {"detail": "x"}),
        Message("app.error.cost_per_lead"),
    ]
    for message in messages:
        assert message.text(lang).strip()
    for name in (*LEVER_RANGES, *SWITCHES):
        assert has_text(f"app.lever.{name}", lang)
    for name in PRESETS:
        assert has_text(f"app.preset.{name}", lang)
    for channel in firms.full_system.marketing.channels:
        assert has_text(f"app.channel.{channel.name}", lang)


# ------------------------------------------------------------------ costs


def test_weekly_costs_say_whether_the_firms_still_cost_the_same(firms, article) -> None:
    alone, full = weekly_costs(article, firms)
    assert alone == full == firms.sales_only.weekly_cost
    assert "cost the same" in view.cost_sentence((alone, full), "EUR", "en")
    assert f"{alone:,.0f} EUR" in view.cost_sentence((alone, full), "EUR", "en")
    more = weekly_costs(article.replace(sales_staff=article.sales_staff + 1), firms)
    assert more[1] - more[0] == firms.full_system.sales.cost_per_head
    sentence = view.cost_sentence(more, "EUR", "en")
    assert "no longer cost the same" in sentence
    assert f"{firms.full_system.sales.cost_per_head:,.0f} EUR more" in sentence
    assert "少" in view.cost_sentence((15000.0, 14000.0), "EUR", "zh")
    assert "not known" in view.cost_sentence(None, "EUR", "en")


# ------------------------------------------------------------------ runs


@pytest.fixture(scope="module")
def outcome(short_firms: Firms) -> Outcome:
    return simulate(Levers.article(short_firms), short_firms, replications=3)


def test_both_firms_run_paired_on_the_same_seeds(outcome: Outcome) -> None:
    summary = outcome.summary
    assert outcome.names == ("sales-only", "full-system")
    seeds = summary.groupby("scenario", sort=False)["seed"].apply(list)
    assert seeds["sales-only"] == seeds["full-system"]
    assert outcome.replications == 3
    assert outcome.weeks == 13
    assert outcome.costs == (
        outcome.costs[0],
        outcome.costs[0],
    )  # the article's firms cost the same


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_outcome_is_told_in_words_and_pictures(outcome: Outcome, lang: str) -> None:
    (verdict,) = view.verdict_lines(outcome, lang)
    assert ("profit" in verdict) if lang == "en" else ("利润" in verdict)
    rows = view.key_rows(outcome, lang)
    assert [row.figure for row in rows] == ["profit", "customers_won"]
    profit = rows[0]
    assert "EUR" in profit.sales_only
    assert "[" in profit.sales_only
    assert profit.difference.startswith(("+", "\N{MINUS SIGN}", "-"))
    assert "13" in view.run_note(outcome, lang)
    assert "3" in view.run_note(outcome, lang)
    for png in (view.time_use_png(outcome, lang), view.figures_png(outcome, lang)):
        assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_more_salespeople_in_the_sales_only_firm_move_its_profit(short_firms, outcome) -> None:
    levers = Levers.article(short_firms).replace(sales_only_staff=14)
    moved = simulate(levers, short_firms, replications=3)
    assert moved.row("profit", "sales-only")["mean"] != outcome.row("profit", "sales-only")["mean"]
    # the other firm is the same firm on the same seeds: its figures do not move
    assert (
        moved.row("profit", "full-system")["mean"] == outcome.row("profit", "full-system")["mean"]
    )
    assert view.key_rows(moved)[0].sales_only != view.key_rows(outcome)[0].sales_only


def test_the_runner_remembers_settings_it_has_run(short_firms) -> None:
    runner = Runner(short_firms, replications=2)
    levers = Levers.article(short_firms)
    first = runner(levers)
    assert runner(levers.replace()) is first
    with pytest.raises(LeverError):
        runner(levers.replace(market_size=100))


def test_the_firms_come_from_a_folder_or_say_which_files_are_missing(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="no sales_only.toml or full_system.toml"):
        Firms.load(tmp_path)


# ------------------------------------------------------------------ the command


def test_app_command_refuses_a_port_in_use_in_one_line(capsys) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["app", "--port", str(port)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert f"--port {port}: already in use" in err


def test_app_command_refuses_impossible_ports_and_unknown_hosts(capsys) -> None:
    assert main(["app", "--port", "70000"]) == 2
    assert "at most 65535" in capsys.readouterr().err
    assert main(["app", "--host", "192.0.2.1"]) == 2  # TEST-NET: no computer has it
    assert "--host 192.0.2.1 --port 8050: cannot serve there" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["app", "--lang", "fr"])
    assert exited.value.code == 2


def test_app_command_without_shiny_says_how_to_install_it(monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "sim.app.ui", None)  # import fails as without the extra
    assert main(["app"]) == 2
    err = capsys.readouterr().err
    assert "pip install -e '.[app]'" in err
    assert "make app" in err
