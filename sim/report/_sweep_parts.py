"""What the sweep report says, before it is rendered: its charts, facts and tables.

Built by ``sim.report.sweep`` and rendered by ``sim.report._sweep_html``; a
module of its own so that neither imports the other's internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from matplotlib.figure import Figure


@dataclass
class Chart:
    """A chart of the report: its figure, caption and section."""

    figure: Figure
    title: str
    caption: str
    section: str


@dataclass
class SweepReport:
    """What the sweep report says, before it is rendered."""

    title: str
    facts: list[tuple[str, str]]
    headline: list[str]
    charts: dict[str, Chart] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


__all__ = ["Chart", "SweepReport"]
