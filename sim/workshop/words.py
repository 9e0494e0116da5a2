"""The kit's words: each part's questions, answers and exercise, in either language.

Every sentence is a catalogue text (``workshop.*`` in ``sim/i18n``); every
number in it is a placeholder filled from :func:`sim.workshop.kit.facts`, so the
handout, the notebook and the answer key ask and answer with the same numbers,
and none is typed.  :class:`Words` is Markdown that a notebook shows as such.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from sim.figures import scenario_subject
from sim.formatting import format_horizon, format_money, format_money_range, format_percent
from sim.i18n import text
from sim.story import verdict
from sim.workshop.kit import COST_FACTORS, EXERCISES, PARTS, REPLICATIONS, SEED

__all__ = [
    "Words",
    "answers",
    "number",
    "questions",
    "title",
    "try_answer",
    "try_it",
    "values",
    "words",
]


class Words(str):
    """Text that a notebook renders as Markdown (``_repr_markdown_``); a plain str otherwise."""

    def _repr_markdown_(self) -> str:
        return str(self)


def words(key: str, lang: str, **values: Any) -> Words:
    """A catalogue text as Markdown."""
    return Words(text(key, lang, **values))


def number(part: str) -> int:
    """The part's number in the workshop (1 to 4)."""
    return PARTS.index(part) + 1


def title(part: str, lang: str) -> str:
    """ "Part 2 of 4 · Speed to lead"."""
    n = number(part)
    return text("workshop.part_heading", lang, n=n, title=text(f"workshop.p{n}.title", lang))


def run_note(facts: Mapping[str, Any], lang: str) -> str:
    """How the numbers were made: replications, horizon, seed."""
    return text(
        "workshop.run_note",
        lang,
        n=facts.get("replications", REPLICATIONS),
        horizon=format_horizon(facts["weeks"], lang),
        seed=SEED,
    )


# ---------------------------------------------------------------- numbers in words


class _Say:
    """Numbers of one part written in one language and currency."""

    def __init__(self, facts: Mapping[str, Any], lang: str) -> None:
        self.lang = lang
        self.currency = facts["currency"]

    def pct(self, share: float) -> str:
        return format_percent(share, lang=self.lang)

    def hours(self, value: float) -> str:
        """A wait or a share of a week: minutes under an hour, else hours."""
        if value < 1:
            return text("workshop.minutes", self.lang, n=f"{60 * value:.0f}")
        shown = f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"
        return text("unit.hours_short", self.lang, n=shown)

    def price(self, value: float) -> str:
        """A price read off a curve: to the nearest ten (its interval is wider)."""
        return self.money(round(value, -1) if value >= 100 else value)

    def money(self, value: float, signed: bool = False) -> str:
        return format_money(value, self.currency, self.lang, signed=signed)

    def money_range(
        self, found: Mapping[str, float], signed: bool = True, flip: bool = False
    ) -> str:
        sign = -1.0 if flip else 1.0
        low, high = sorted((sign * found["low"], sign * found["high"]))
        shown, lo, hi = format_money_range(
            sign * found["mean"], low, high, self.currency, self.lang, signed=signed
        )
        unit = format_money(0, self.currency, self.lang).split(" ", 1)[-1]
        interval = text("workshop.range", self.lang, value=shown, low=lo, high=hi)
        return f"{interval} {unit}"

    def count(self, value: float) -> str:
        return f"{value:,.0f}"

    def count_range(self, found: Mapping[str, float]) -> str:
        return text(
            "workshop.range",
            self.lang,
            value=self.count(found["mean"]),
            low=self.count(found["low"]),
            high=self.count(found["high"]),
        )

    def times(self, value: float) -> str:
        shown = f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"
        return text("workshop.times", self.lang, n=shown)

    def listed(self, items: Sequence[str]) -> str:
        if len(items) < 2:
            return "".join(items)
        head = text("list.separator", self.lang).join(items[:-1])
        return f"{head}{text('list.and', self.lang)}{items[-1]}"


def _ahead(sign: int, lang: str) -> str:
    return scenario_subject("full-system" if sign > 0 else "sales-only", lang)


def _capital(sentence: str, lang: str) -> str:
    return sentence[:1].upper() + sentence[1:] if lang == "en" else sentence


# ---------------------------------------------------------------- placeholders per part


def _hours(facts: Mapping[str, Any], say: _Say) -> dict[str, str]:
    week = float(facts["week_hours"])
    biggest = facts["biggest_other"]
    lines = verdict(facts["summary"], facts["baseline"], lang=say.lang, currency=say.currency)
    return {
        "week_hours": f"{week:g}",
        "hours_alone": say.hours(facts["selling_alone"] * week),
        "hours_full": say.hours(facts["selling_full"] * week),
        "selling_alone": say.pct(facts["selling_alone"]),
        "selling_full": say.pct(facts["selling_full"]),
        "biggest": text(f"category.{biggest}", say.lang),
        "biggest_share": say.pct(facts["shares_alone"][biggest]),
        "department": text(f"workshop.department.{biggest}", say.lang),
        "nonselling": say.pct(facts["nonselling_alone"]),
        "idle_full": say.pct(facts["idle_full"]),
        "verdict": " ".join(lines),
    }


def _speed(facts: Mapping[str, Any], say: _Say) -> dict[str, str]:
    return {
        "staff": str(facts["staff"]),
        "fewer": str(facts["fewer"]),
        "step": say.hours(facts["first_step_h"]),
        "horizon": format_horizon(facts["weeks"], say.lang),
        "wages": say.money(facts["wages_saved"]),
        "wait_full": say.hours(facts["wait_full"]),
        "wait_slow": say.hours(facts["wait_slow"]),
        "within_full": say.pct(facts["within_full"]),
        "within_slow": say.pct(facts["within_slow"]),
        "won_full": say.count_range(facts["won_lost_full"]),
        "won_slow": say.count_range(facts["won_lost_slow"]),
        "profit_full": say.money_range(facts["profit_lost_full"], signed=False),
        "profit_slow": say.money_range(facts["profit_lost_slow"], signed=False),
        "loss": say.money_range(facts["profit_fewer"], signed=False, flip=True),
        "times": say.times(-facts["profit_fewer"]["mean"] / facts["wages_saved"]),
    }


def _feedback(facts: Mapping[str, Any], say: _Say) -> dict[str, str]:
    return {
        "horizon": format_horizon(facts["weeks"], say.lang),
        "gain": say.money_range(facts["profit_gain"]),
        "insight": f"{facts['insight_end']:.2f}",
        "conv_full": say.pct(facts["conversion_full"]),
        "conv_deaf": say.pct(facts["conversion_deaf"]),
        "complaints_full": say.count(facts["complaints_full"]),
        "complaints_deaf": say.count(facts["complaints_deaf"]),
        "churned_full": say.count(facts["churned_full"]),
        "churned_deaf": say.count(facts["churned_deaf"]),
    }


def _threshold(facts: Mapping[str, Any], say: _Say) -> dict[str, str]:
    today = facts["today"]
    found = math.isfinite(facts["break_even"])
    channel_key = f"app.channel.{facts['channel']}"
    channel = text(channel_key, say.lang)
    return {
        "prices": say.listed([say.money(p) for p in facts["prices"]]),
        "factor": say.times(COST_FACTORS[-1]),
        "channel": channel,
        "today": say.money(today),
        "dearest": say.money(facts["prices"][-1]),
        "price": say.price(facts["break_even"]) if found else "",
        "price_factor": say.times(facts["break_even"] / today) if found else "",
        "low": say.price(facts["break_even_low"]) if found else "",
        "high": say.price(facts["break_even_high"]) if found else "",
        "ahead": _ahead(facts["sign"], say.lang),
        "today_diff": say.money_range(facts["diff_today"]),
        "dear_diff": say.money_range(facts["diff_dearest"]),
        "idle_today": say.pct(facts["idle_today"]),
        "idle_dearest": say.pct(facts["idle_dearest"]),
        "neutral_diff": say.money_range(facts["diff_neutral"]),
    }


_PARTS = {"hours": _hours, "speed": _speed, "feedback": _feedback, "threshold": _threshold}


def values(part: str, facts: Mapping[str, Any], lang: str) -> dict[str, str]:
    """Every placeholder of a part's texts, written in ``lang``."""
    return _PARTS[part](facts, _Say(facts, lang))


def questions(part: str, facts: Mapping[str, Any], lang: str) -> list[str]:
    """The part's three questions (the handout's, the notebook's and the key's)."""
    n = number(part)
    filled = values(part, facts, lang)
    return [text(f"workshop.p{n}.q{i}", lang, **filled) for i in (1, 2, 3)]


def answers(part: str, facts: Mapping[str, Any], lang: str) -> list[str]:
    """The answers to :func:`questions`, with the numbers of this run."""
    n = number(part)
    filled = values(part, facts, lang)
    keys = [f"workshop.p{n}.a{i}" for i in (1, 2, 3)]
    if part == "threshold":
        if math.isfinite(facts["break_even"]):
            filled = {**filled, "factor": filled["price_factor"]}
        else:
            keys[0] = "workshop.p4.a1_none"
        answer = [text(keys[0], lang, **filled)]
        filled = values(part, facts, lang)  # questions 2 and 3 speak of the dearest price
        answer += [text(key, lang, **filled) for key in keys[1:]]
        return [_capital(a, lang) for a in answer]
    return [_capital(text(key, lang, **filled), lang) for key in keys]


def _instructions(part: str, facts: Mapping[str, Any], lang: str) -> dict[str, str]:
    """What the exercise changes, and from what."""
    change = EXERCISES[part]
    if part == "hours":
        return {
            "staff": str(change["sales_only_staff"]),
            "article_staff": str(facts["staff_alone"]),
        }
    if part == "speed":
        return {"fewer": str(change["fewer"]), "staff": str(facts["staff"])}
    if part == "feedback":
        return {"staff": str(change["service_staff"])}
    return {
        "size": f"{change['market_size']:,}",
        "customers": f"{facts['customers']:,}",
        "channel": text(f"app.channel.{facts['channel']}", lang),
    }


def _outcome(
    part: str, tried: Mapping[str, Any], facts: Mapping[str, Any], lang: str
) -> dict[str, str]:
    """What the exercise's run shows."""
    say = _Say(facts, lang)
    if part == "hours":
        return {
            "selling": say.pct(tried["selling_alone"]),
            "selling_before": say.pct(facts["selling_alone"]),
            "profit": say.money(tried["profit_alone"]),
            "diff": say.money_range(tried["profit_diff"], signed=False),
        }
    if part == "speed":
        return {
            "wait": say.hours(tried["wait_slow"]),
            "within": say.pct(tried["within_slow"]),
            "step": say.hours(tried["first_step_h"]),
            "won": say.count_range(tried["won_lost_slow"]),
            "profit": say.money_range(tried["profit_lost_slow"], signed=False),
            "loss": say.money_range(tried["profit_fewer"], signed=False, flip=True),
        }
    if part == "feedback":
        return {
            "insight": f"{tried['insight_end']:.2f}",
            "gain": say.money_range(tried["profit_gain"]),
        }
    found = math.isfinite(tried["break_even"])
    return {
        "price": say.price(tried["break_even"]) if found else "",
        "factor": say.times(tried["break_even"] / tried["today"])
        if found
        else say.times(COST_FACTORS[-1]),
        "ahead": _ahead(tried["sign"], lang),
        "diff": say.money_range(tried["diff_dearest"]),
    }


def try_it(part: str, facts: Mapping[str, Any], lang: str) -> str:
    """What the exercise asks the room to change (before it runs)."""
    return text(f"workshop.p{number(part)}.try", lang, **_instructions(part, facts, lang))


def try_answer(part: str, facts: Mapping[str, Any], tried: Mapping[str, Any], lang: str) -> str:
    """What the exercise shows, with the numbers of its run."""
    filled = {**_instructions(part, facts, lang), **_outcome(part, tried, facts, lang)}
    key = f"workshop.p{number(part)}.try_answer"
    if part == "threshold" and not math.isfinite(tried["break_even"]):
        key = "workshop.p4.try_answer_none"
    return _capital(text(key, lang, **filled), lang)
