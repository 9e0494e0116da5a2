"""What the app's controls mean: levers to scenarios, checks, and one paired run.

The app shows two firms, the sales-only firm and the full system, as the
scenario files describe them (``scenarios/sales_only.toml`` and
``scenarios/full_system.toml``, the pair ``make run`` and the report compare).
A person moves :class:`Levers`; :func:`scenarios` turns them into the two
scenarios with :func:`sim.with_overrides` (settings by name, never by editing
the files), :func:`problems` says in words what cannot run (a market smaller
than the customers the firms already have, a firm with no salespeople) and
:func:`simulate` runs both firms paired on the same seeds with
:func:`sim.compare`.  A few short replications keep each change to a few
seconds: :data:`REPLICATIONS` of the files' horizon, seed :data:`SEED`, so the
same settings always show the same numbers.

Which firm each lever moves:

- both firms: market size (``market.segments.0.size``) and whether leads cool
  while they wait (``sales.speed_to_lead``; off is the ``none`` curve);
- the sales-only firm: its salespeople and whether they prospect cold;
- the full system: its salespeople, marketers, service agents, marketing budget,
  cost per lead (the first channel's, the others move in proportion) and the
  feedback loop from service to marketing.

Messages are catalogue keys with values (:class:`Message`), put in words by the
caller in the language it shows.  No Shiny here (``sim.app.ui`` is the page).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd

from sim.experiments import ExperimentError, compare
from sim.i18n import DEFAULT_LANG, text
from sim.scenario import Scenario, ScenarioError, load_scenario, with_overrides

__all__ = [
    "LEVER_RANGES",
    "PRESETS",
    "REPLICATIONS",
    "SEED",
    "Firms",
    "LeverError",
    "Levers",
    "Message",
    "Outcome",
    "Runner",
    "notes",
    "preset",
    "problems",
    "scenarios",
    "simulate",
    "weekly_costs",
]

log = logging.getLogger(__name__)

#: Replications of each firm per change: enough for intervals, a few seconds in all.
REPLICATIONS: Final = 4
#: Base seed: every change is paired on the same luck, and shows the same numbers again.
SEED: Final = 0
#: The scenario files the app starts from, in the repository's ``scenarios/``.
FILES: Final = ("sales_only.toml", "full_system.toml")
#: The full system without its unsourced advantages (the workshop's part 4 shows it).
NEUTRAL: Final = "variants/full_system_neutral.toml"


@dataclass(frozen=True)
class Message:
    """Something to tell the room: a catalogue key and its values."""

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = DEFAULT_LANG) -> str:
        """The message in ``lang``."""
        return text(self.key, lang, **self.values)


class LeverError(ValueError):
    """Levers that make no firm; ``messages`` says why, in catalogue keys."""

    def __init__(self, messages: list[Message]) -> None:
        super().__init__("; ".join(message.text() for message in messages))
        self.messages = messages


@dataclass(frozen=True)
class Firms:
    """The two firms as the scenario files describe them."""

    sales_only: Scenario
    full_system: Scenario
    #: The full system with its unsourced advantages set equal
    #: (``variants/full_system_neutral.toml``), when the folder has it.
    neutral: Scenario | None = None

    @classmethod
    def load(cls, folder: str | Path | None = None) -> Firms:
        """Read the headline pair from ``folder`` (default: the repository's ``scenarios/``).

        Raises
        ------
        FileNotFoundError
            If the folder lacks either file; the message names the folder.
        """
        folder = Path(folder) if folder is not None else scenario_folder()
        missing = [name for name in FILES if not (folder / name).is_file()]
        if missing:
            raise FileNotFoundError(f"{folder}: no {' or '.join(missing)}")
        neutral = folder / NEUTRAL
        sales_only, full_system = (load_scenario(folder / name) for name in FILES)
        return cls(
            sales_only,
            full_system,
            neutral=load_scenario(neutral) if neutral.is_file() else None,
        )

    @property
    def currency(self) -> str:
        """The firms' currency (``money.currency``)."""
        return self.sales_only.money.currency

    @property
    def customers(self) -> int:
        """Customers the firms already have in the market (the most of either)."""
        return max(
            firm.market.segments[0].initial_customers
            for firm in (self.sales_only, self.full_system)
        )


def scenario_folder() -> Path:
    """The repository's ``scenarios/`` (beside the ``sim`` package), else ``./scenarios``."""
    beside = Path(__file__).resolve().parents[2] / "scenarios"
    return beside if (beside / FILES[0]).is_file() else Path.cwd() / "scenarios"


@dataclass(frozen=True)
class Levers:
    """What the room can change; the defaults of :meth:`article` are the scenario files."""

    sales_only_staff: int
    sales_staff: int
    marketing_staff: int
    service_staff: int
    budget_per_week: float
    cost_per_lead: float
    market_size: int
    speed_to_lead: bool = True
    feedback: bool = True
    prospecting: bool = True

    @classmethod
    def article(cls, firms: Firms) -> Levers:
        """The article's firms: every lever as the scenario files set it."""
        full, alone = firms.full_system, firms.sales_only
        size = full.market.segments[0].size
        channels = full.marketing.channels
        return cls(
            sales_only_staff=alone.sales.staff,
            sales_staff=full.sales.staff,
            marketing_staff=full.marketing.staff,
            service_staff=full.service.staff,
            budget_per_week=float(full.marketing.budget_per_week),
            cost_per_lead=float(channels[0].cost_per_lead) if channels else 0.0,
            market_size=size if isinstance(size, int) else int(LEVER_RANGES["market_size"][1]),
            speed_to_lead=full.sales.speed_to_lead.curve != "none",
            feedback=full.service.feedback.enabled,
            prospecting=alone.sales.prospecting.enabled,
        )

    def replace(self, **changes: Any) -> Levers:
        """A copy with some levers changed (unknown names are refused)."""
        return dataclasses.replace(self, **changes)


#: Slider ranges: (lowest, highest, step).  The market's lowest is below the firms'
#: customers on purpose: the app then says why it cannot run, as it must in a room.
LEVER_RANGES: Final[Mapping[str, tuple[float, float, float]]] = {
    "sales_only_staff": (0, 20, 1),
    "sales_staff": (0, 20, 1),
    "marketing_staff": (0, 5, 1),
    "service_staff": (0, 10, 1),
    "budget_per_week": (0, 15_000, 250),
    "cost_per_lead": (20, 3_000, 10),
    "market_size": (100, 50_000, 100),
}

SWITCHES: Final = ("speed_to_lead", "feedback", "prospecting")


def _tiny_market(levers: Levers, firms: Firms) -> Levers:
    # two and a half times the customers the firms have: few buyers left to find
    step = LEVER_RANGES["market_size"][2]
    return levers.replace(market_size=int(math.ceil(2.5 * firms.customers / step) * step))


#: Preset stories, in the order the app lists them; each starts from the article's firms.
PRESETS: Final[Mapping[str, Callable[[Levers, Firms], Levers]]] = {
    "article": lambda levers, firms: levers,
    "tiny_market": _tiny_market,
    "dear_leads": lambda levers, firms: levers.replace(cost_per_lead=10 * levers.cost_per_lead),
    "no_feedback": lambda levers, firms: levers.replace(feedback=False),
    "no_cooling": lambda levers, firms: levers.replace(speed_to_lead=False),
}


def preset(name: str, firms: Firms) -> Levers:
    """The levers of a preset story (see :data:`PRESETS`)."""
    if name not in PRESETS:
        raise KeyError(f"no preset {name!r}; one of: {', '.join(PRESETS)}")
    return PRESETS[name](Levers.article(firms), firms)


def problems(levers: Levers, firms: Firms) -> list[Message]:
    """Why these levers make no firm to simulate (empty when they do)."""
    found = []
    if levers.market_size < firms.customers:
        found.append(
            Message(
                "app.error.market_below_customers",
                {"size": f"{levers.market_size:,}", "customers": f"{firms.customers:,}"},
            )
        )
    if levers.sales_only_staff < 1:
        found.append(Message("app.error.no_salespeople_alone"))
    if levers.sales_staff < 1:
        found.append(Message("app.error.no_salespeople_full"))
    if firms.full_system.marketing.channels and levers.cost_per_lead <= 0:
        found.append(Message("app.error.cost_per_lead"))
    return found


def notes(levers: Levers, firms: Firms) -> list[Message]:
    """What the room should know about levers that run but do less than it may think."""
    found = []
    if levers.feedback and (levers.service_staff < 1 or levers.marketing_staff < 1):
        found.append(Message("app.note.feedback_needs_both"))
    if levers.budget_per_week > 0 and levers.marketing_staff < 1:
        found.append(Message("app.note.budget_without_marketers"))
    return found


def _overrides(levers: Levers, firms: Firms) -> tuple[dict[str, Any], dict[str, Any]]:
    """The settings each firm gets, by dotted path."""
    both: dict[str, Any] = {"market.segments.0.size": int(levers.market_size)}
    if not levers.speed_to_lead:
        both["sales.speed_to_lead"] = {"curve": "none"}
    alone = {
        **both,
        "sales.staff": int(levers.sales_only_staff),
        "sales.prospecting.enabled": bool(levers.prospecting),
    }
    full = {
        **both,
        "sales.staff": int(levers.sales_staff),
        "marketing.staff": int(levers.marketing_staff),
        "service.staff": int(levers.service_staff),
        "marketing.budget_per_week": float(levers.budget_per_week),
        "service.feedback.enabled": bool(levers.feedback),
    }
    channels = firms.full_system.marketing.channels
    if channels:
        # the first channel's price is the lever; the others keep their ratio to it
        factor = float(levers.cost_per_lead) / float(channels[0].cost_per_lead)
        for channel in channels:
            full[f"marketing.channels.{channel.name}.cost_per_lead"] = (
                float(levers.cost_per_lead)
                if channel is channels[0]
                else channel.cost_per_lead * factor
            )
    return alone, full


def scenarios(levers: Levers, firms: Firms) -> tuple[Scenario, Scenario]:
    """The sales-only firm and the full system with these levers.

    Raises
    ------
    LeverError
        If :func:`problems` finds any, or the scenarios do not validate.
    """
    found = problems(levers, firms)
    if found:
        raise LeverError(found)
    alone, full = _overrides(levers, firms)
    try:
        return with_overrides(firms.sales_only, alone), with_overrides(firms.full_system, full)
    except ScenarioError as exc:
        raise LeverError([Message("app.error.invalid", {"detail": str(exc)})]) from exc


def weekly_costs(levers: Levers, firms: Firms) -> tuple[float, float] | None:
    """Each firm's weekly cost (staff plus marketing budget); None if the levers make no firm."""
    try:
        alone, full = scenarios(levers, firms)
    except LeverError:
        return None
    return alone.weekly_cost, full.weekly_cost


@dataclass(frozen=True)
class Outcome:
    """Both firms run paired on the same seeds.

    Attributes
    ----------
    summary : pandas.DataFrame
        One row per firm and replication.
    table : pandas.DataFrame
        The comparison with the sales-only firm (``sim.Comparison.table``).
    baseline : str
        The sales-only firm's scenario name.
    currency : str
        The firms' currency.
    costs : tuple of float
        Weekly cost of the sales-only firm and of the full system.
    replications : int
        Replications of each firm.
    """

    summary: pd.DataFrame
    table: pd.DataFrame
    baseline: str
    currency: str
    costs: tuple[float, float]
    replications: int

    @property
    def weeks(self) -> float:
        """Weeks the figures cover."""
        return float(self.summary["weeks"].max())

    def row(self, figure: str, scenario: str) -> pd.Series:
        """The comparison row of one figure and firm."""
        rows = self.table[(self.table["figure"] == figure) & (self.table["scenario"] == scenario)]
        if rows.empty:
            raise KeyError(f"no {figure} for {scenario} in the comparison")
        return rows.iloc[0]

    @property
    def names(self) -> tuple[str, str]:
        """The scenario names: the sales-only firm, then the full system."""
        order = list(dict.fromkeys(self.summary["scenario"].astype(str)))
        return order[0], order[1]


def simulate(
    levers: Levers, firms: Firms, replications: int = REPLICATIONS, seed: int = SEED
) -> Outcome:
    """Run both firms with these levers, paired on the same seeds.

    Raises
    ------
    LeverError
        If the levers make no firm, or the run is refused (the message says why).
    """
    alone, full = scenarios(levers, firms)
    try:
        comparison = compare([alone, full], replications, seed=seed, keep=())
    except (ExperimentError, ScenarioError) as exc:
        raise LeverError([Message("app.error.invalid", {"detail": str(exc)})]) from exc
    log.info("ran %s for the app", levers)
    return Outcome(
        comparison.summary,
        comparison.table,
        comparison.baseline,
        alone.money.currency,
        (alone.weekly_cost, full.weekly_cost),
        comparison.replications,
    )


class Runner:
    """:func:`simulate` with a memory: levers seen before show again at once."""

    def __init__(self, firms: Firms, replications: int = REPLICATIONS, seed: int = SEED) -> None:
        self.firms = firms
        self.replications = replications
        self.seed = seed
        self._run = functools.lru_cache(maxsize=64)(self._simulate)

    def _simulate(self, levers: Levers) -> Outcome:
        return simulate(levers, self.firms, self.replications, self.seed)

    def __call__(self, levers: Levers) -> Outcome:
        """The outcome of these levers (raises :class:`LeverError` as :func:`simulate` does)."""
        return self._run(levers)
