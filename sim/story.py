"""One story everywhere: the sentences the charts, the report and the notebooks tell.

The presentation layer's reading of a comparison, in one place so that every
output says the same thing in the same words (and in either language):

- :func:`verdict` — the report's opening sentence: what the compared firm earns
  over the horizon against the baseline, as "N times" (a ratio of means with a
  delta-method interval on paired replications, :func:`sim.analysis.paired_ratio`)
  where that is meaningful, else as a paired difference;
- :func:`key_figures_headline` and :func:`paired_headline` — chart headlines;
- :func:`wait_caption` — why one firm's leads wait longer in the tail, when they do;
- :func:`settings_differences` — which settings differ between scenarios;
- :func:`scenarios_from_manifest`, :func:`currency_of`, :func:`horizon_weeks`,
  :func:`speed_to_lead_steps` — what the outputs need to know about the run.

Idle sales time has one meaning throughout (``docs/idle_time.md``): wasted
sales capacity is every paid sales hour not spent selling, shown as its two
parts, non-selling work (prospecting, servicing, expediting) and idle time.
Nothing here prints, plots or runs the model. It runs just past 400 lines
because the sentences share their number words and conditions; split, they
would import each other's helpers.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from sim.analysis import paired_difference, paired_ratio
from sim.analysis.tables import paired_values
from sim.figures import scenario_order, scenario_subject
from sim.formatting import format_horizon, format_money, format_money_range
from sim.i18n import DEFAULT_LANG, text
from sim.scenario import Scenario, ScenarioError, scenario_from_dict

__all__ = [
    "RATIO_AT_LEAST",
    "currency_of",
    "flatten_settings",
    "horizon_weeks",
    "key_figures_headline",
    "paired_headline",
    "scenarios_from_manifest",
    "settings_differences",
    "settings_from_manifest",
    "speed_to_lead_steps",
    "verdict",
    "wait_caption",
]

log = logging.getLogger(__name__)

#: A comparison is told as "N times" only from this ratio up (below, as a difference).
RATIO_AT_LEAST: Final = 1.5
_CONFIDENCE: Final = 0.95

# --------------------------------------------------------------------------
# What the outputs need to know about the run
# --------------------------------------------------------------------------


def settings_from_manifest(manifest: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    """Each scenario's settings (as read from its file) recorded in a run's manifest."""
    entries = (manifest or {}).get("scenarios", {})
    if not isinstance(entries, Mapping):
        return {}
    return {
        str(name): entry["settings"]
        for name, entry in entries.items()
        if isinstance(entry, Mapping) and isinstance(entry.get("settings"), Mapping)
    }


def scenarios_from_manifest(manifest: Mapping[str, Any] | None) -> dict[str, Scenario]:
    """The validated scenarios of a run's manifest (defaults filled in).

    Settings that no longer validate (a manifest from another version) are left
    out with a logged warning; the outputs then do without what they would have
    told (the currency, the speed-to-lead steps).
    """
    scenarios = {}
    for name, settings in settings_from_manifest(manifest).items():
        try:
            scenarios[name] = scenario_from_dict(settings, source=f"manifest: {name}")
        except ScenarioError as exc:
            log.warning("settings of %s in the manifest do not validate: %s", name, exc)
    return scenarios


def currency_of(scenarios: Mapping[str, Scenario] | Sequence[Scenario]) -> str | None:
    """The scenarios' currency (``money.currency``); None when unknown.

    Scenarios compared in one table should share a currency; if they do not, the
    first one's is used and a warning logged.
    """
    items = list(scenarios.values()) if isinstance(scenarios, Mapping) else list(scenarios)
    currencies = list(dict.fromkeys(s.money.currency for s in items))
    if len(currencies) > 1:
        log.warning(
            "scenarios use different currencies (%s); showing %s", currencies, currencies[0]
        )
    return currencies[0] if currencies else None


def horizon_weeks(summary: pd.DataFrame | None) -> float | None:
    """Weeks the summary figures cover (its ``weeks`` column: the horizon after warm-up)."""
    if summary is None or summary.empty or "weeks" not in summary.columns:
        return None
    weeks = pd.to_numeric(summary["weeks"], errors="coerce").dropna()
    return float(weeks.max()) if not weeks.empty else None


def speed_to_lead_steps(scenario: Scenario) -> list[tuple[float, float]]:
    """Where a lead's chance to qualify drops: ``(wait in working hours, chance)`` pairs.

    The points of a ``table`` curve after its first (the chance at once), or the
    half-life of a ``half_life`` curve (chance 0.5); nothing for ``none``.
    """
    curve = scenario.sales.speed_to_lead
    if curve.curve == "table":
        return [(float(h), float(p)) for h, p in curve.points if h > 0]
    if curve.curve == "half_life":
        return [(float(curve.half_life), 0.5)]
    return []


# --------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------


def _ratio_texts(value: float, low: float, high: float) -> tuple[str, str, str]:
    """A ratio and its bounds with enough decimals to tell them apart."""
    for decimals in (1, 2, 3):
        texts = tuple(f"{v:.{decimals}f}" for v in (value, low, high))
        if len(set(texts)) == 3 or math.isclose(low, high, rel_tol=1e-9):
            break
    return texts  # type: ignore[return-value]


def verdict(
    summary: pd.DataFrame,
    baseline: str,
    *,
    lang: str = DEFAULT_LANG,
    currency: str | None = None,
    confidence: float = _CONFIDENCE,
) -> list[str]:
    """The report's opening: one sentence per compared scenario on profit over the horizon.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per scenario and replication with ``profit`` (and ``weeks``).
    baseline : str
        The scenario the others are compared with.
    lang : str, optional
        Language.
    currency : str, optional
        The scenarios' currency.
    confidence : float, optional
        Confidence level of the intervals in brackets.

    Returns
    -------
    list of str
        E.g. "Over 2 years the full system earns 9.5 M EUR profit, 2.3 times
        [2.2 to 2.4] the sales-only firm's 4.2 M EUR."  "N times" is used when
        the baseline's mean profit is positive and the ratio is at least
        :data:`RATIO_AT_LEAST` with its whole interval above 1; otherwise the
        paired difference is stated ("more", "less", or "about as much" when its
        interval holds zero).  Empty without a ``profit`` column.
    """
    if "profit" not in summary.columns or baseline not in set(summary["scenario"].astype(str)):
        return []
    table = summary.assign(scenario=summary["scenario"].astype(str))
    weeks = horizon_weeks(table)
    if weeks:
        over = text("chart.over", lang, horizon=format_horizon(weeks, lang))
    else:
        over = text("verdict.in_run", lang)
    sentences = []
    for other in scenario_order(table):
        if other == baseline:
            continue
        a, b = paired_values(table, baseline, other, "profit")
        ratio = paired_ratio(a, b, confidence)
        values = {
            "over": over,
            "other": scenario_subject(other, lang),
            "base": scenario_subject(baseline, lang),
            "b": format_money(ratio.mean_b, currency, lang),
            "a": format_money(ratio.mean_a, currency, lang),
        }
        if ratio.defined and ratio.ratio >= RATIO_AT_LEAST and ratio.low > 1.0:
            shown, low, high = _ratio_texts(ratio.ratio, ratio.low, ratio.high)
            sentence = text("verdict.times", lang, ratio=shown, low=low, high=high, **values)
        else:
            diff = paired_difference(a, b, confidence).difference
            if diff.low > 0:
                key = "verdict.more"
            elif diff.high < 0:
                key = "verdict.less"
            else:
                key = "verdict.same"
            signed = key == "verdict.same"
            shown, low, high = format_money_range(
                diff.mean if signed else abs(diff.mean),
                diff.low if signed or diff.mean > 0 else -diff.high,
                diff.high if signed or diff.mean > 0 else -diff.low,
                currency,
                lang,
                signed=signed,
            )
            sentence = text(key, lang, diff=shown, low=low, high=high, **values)
        sentences.append(_capitalised(sentence, lang))
    return sentences


def _capitalised(sentence: str, lang: str) -> str:
    """An English sentence that starts with "the ..." (a catalogue subject) gets its capital;
    a scenario's own name is left as it is written."""
    sentence = sentence.strip()
    if lang == "en" and sentence.startswith("the "):
        return sentence[0].upper() + sentence[1:]
    return sentence


def _two_rows(comparison: pd.DataFrame, figure: str) -> tuple[pd.Series, pd.Series] | None:
    """The baseline's and the one other scenario's rows of a figure, if exactly two."""
    rows = comparison[comparison["figure"].astype(str) == figure]
    if len(rows) != 2 or rows["diff"].notna().sum() != 1:
        return None
    base = rows[rows["diff"].isna()].iloc[0]
    other = rows[rows["diff"].notna()].iloc[0]
    return base, other


def key_figures_headline(
    comparison: pd.DataFrame, lang: str = DEFAULT_LANG, currency: str | None = None
) -> str | None:
    """Headline of the key-figures chart: the profit of two scenarios compared (else None)."""
    pair = _two_rows(comparison, "profit")
    if pair is None:
        return None
    base, other = pair
    a, b = float(base["mean"]), float(other["mean"])
    values = {"other": scenario_subject(str(other["scenario"]), lang)}
    values["base"] = scenario_subject(str(base["scenario"]), lang)
    if a > 0 and b / a >= RATIO_AT_LEAST:
        sentence = text("chart.title.key_figures_times", lang, ratio=f"{b / a:.1f}", **values)
    else:
        key = "chart.title.key_figures_more" if b >= a else "chart.title.key_figures_less"
        amount = format_money(abs(b - a), currency, lang)
        sentence = text(key, lang, amount=amount, **values)
    return _capitalised(sentence, lang)


def paired_headline(comparison: pd.DataFrame, lang: str = DEFAULT_LANG) -> str | None:
    """Headline of the paired-difference chart: in how many replications profit is higher."""
    pair = _two_rows(comparison, "profit")
    if pair is None or not math.isfinite(float(pair[1]["share_better"])):
        return None
    base, other = pair
    n = int(other["n"])
    better = round(float(other["share_better"]) * n)
    values = {
        "other": scenario_subject(str(other["scenario"]), lang),
        "base": scenario_subject(str(base["scenario"]), lang),
        "n": n,
    }
    if 2 * better >= n:
        sentence = text("chart.title.paired_more", lang, k=better, **values)
    else:
        sentence = text("chart.title.paired_less", lang, k=n - better, **values)
    return _capitalised(sentence, lang)


def _rate(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{value:,.0f}"


def _inbound(leads: pd.DataFrame) -> pd.DataFrame:
    """Contacted inbound leads after the warm-up (cold leads say nothing of speed)."""
    if "in_warmup" in leads.columns:
        leads = leads[~leads["in_warmup"].astype(bool)]
    if "source" in leads.columns:
        leads = leads[leads["source"].astype(str) != "cold"]
    return leads


def wait_caption(
    leads: pd.DataFrame,
    scenarios: Mapping[str, Scenario],
    *,
    lang: str = DEFAULT_LANG,
    weeks: float | None = None,
) -> str:
    """A sentence on why a scenario's leads wait longer in the tail than the first's, if they do.

    Compares each later scenario's 90th percentile wait with the first
    scenario's; where it is longer, says so and, when the scenarios' staff and
    the horizon are known, how many inbound leads each salesperson gets a week
    in each firm.  Empty when no scenario's tail is longer.
    """
    inbound = _inbound(leads)
    contacted = inbound[inbound["contacted_h"].notna() & inbound["wait_h"].notna()]
    order = scenario_order(leads)
    if len(order) < 2 or contacted.empty:
        return ""
    names = contacted["scenario"].astype(str)
    p90 = {s: float(np.percentile(contacted.loc[names == s, "wait_h"], 90)) for s in set(names)}
    base = order[0]
    sentences = []
    for other in order[1:]:
        if base not in p90 or other not in p90 or p90[other] <= p90[base]:
            continue
        values: dict[str, Any] = {
            "other": scenario_subject(other, lang),
            "base": scenario_subject(base, lang),
            "b90": text("unit.hours_short", lang, n=f"{p90[other]:.1f}"),
            "a90": text("unit.hours_short", lang, n=f"{p90[base]:.1f}"),
        }
        key = "caption.wait_tail"
        if weeks and base in scenarios and other in scenarios:
            per_head = {}
            for name in (base, other):
                staff = scenarios[name].sales.staff
                reps = max(
                    1, inbound.loc[inbound["scenario"].astype(str) == name, "replication"].nunique()
                )
                count = int((inbound["scenario"].astype(str) == name).sum())
                per_head[name] = count / reps / weeks / staff if staff else math.nan
            if all(math.isfinite(v) for v in per_head.values()):
                key = "caption.wait_tail_load"
                values |= {
                    "b_staff": scenarios[other].sales.staff,
                    "a_staff": scenarios[base].sales.staff,
                    "b_rate": _rate(per_head[other]),
                    "a_rate": _rate(per_head[base]),
                }
        sentences.append(_capitalised(text(key, lang, **values), lang))
    return " ".join(sentences)


# --------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------


def flatten_settings(settings: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted keys and values of nested settings; lists of tables by index.

    A distribution (a table with ``dist``) is one value, not a table of settings.
    """
    flat: dict[str, Any] = {}
    for key, value in settings.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and "dist" not in value:
            flat.update(flatten_settings(value, f"{dotted}."))
        elif (
            isinstance(value, list | tuple) and value and all(isinstance(v, Mapping) for v in value)
        ):
            for index, item in enumerate(value):
                flat.update(flatten_settings(item, f"{dotted}.{index}."))
        else:
            flat[dotted] = value
    return flat


def settings_differences(
    settings: Mapping[str, Mapping[str, Any]],
) -> list[tuple[str, dict[str, Any]]]:
    """The settings that differ between scenarios, with each scenario's value.

    Parameters
    ----------
    settings : mapping of str to mapping
        Each scenario's settings as read from its file (``extends`` resolved).

    Returns
    -------
    list of (str, dict)
        ``(dotted key, {scenario: value})`` in the order the keys first appear;
        a scenario that does not set the key is absent from the dict (its
        default applies).  ``name`` is left out: it heads the columns.
    """
    flat = {name: flatten_settings(values) for name, values in settings.items()}
    keys = list(dict.fromkeys(key for values in flat.values() for key in values))
    rows = []
    for key in keys:
        if key == "name":
            continue
        present = {name: values[key] for name, values in flat.items() if key in values}
        distinct = {repr(v) for v in present.values()}
        if len(present) < len(flat) or len(distinct) > 1:
            rows.append((key, present))
    return rows
