"""Sweep files: the validated, frozen description of a sweep (``scenarios/sweeps/*.toml``).

A sweep runs several scenarios paired on the same seeds (the first is the
baseline) for every *variant* of a design over *factors* (dotted paths into
the scenarios' settings). The file is checked once, at load, like a scenario
file: unknown keys are errors with a "did you mean", and every error names the
file, the field path and what is allowed. That the factors' paths reach a
setting of each scenario they apply to is checked when the variants are built
(``sim.sweeps.variants``), where the scenarios are read.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.figures import DEFAULT_FIGURES
from sim.files import FileProblem, parse_model, read_text


class SweepError(FileProblem):
    """A sweep that cannot be run: names the file, the field path and what is allowed."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Factor(_Spec):
    """One dimension of the design: a setting and the values it takes."""

    path: str = Field(min_length=1, description="Dotted path of the setting, e.g. sales.staff.")
    values: tuple[Any, ...] | None = Field(None, min_length=1, description="Values to take.")
    low: float | None = Field(None, description="Lower end of a range.")
    high: float | None = Field(None, description="Upper end of a range.")
    scale: Literal["linear", "log"] = Field("linear", description="Spacing over the range.")
    levels: int | None = Field(None, ge=2, le=1000, description="Grid points over the range.")
    integer: bool = Field(False, description="Round values to whole numbers (headcounts).")
    unit: str | None = Field(None, description="Unit written after the value, e.g. 'h'.")
    scenarios: tuple[str, ...] = Field((), description="Scenarios it applies to (empty: all).")

    @property
    def listed(self) -> tuple[Any, ...] | None:
        """The values the file lists (None for a range)."""
        return self.values  # noqa: PD011 - a field named as the file names it, not pandas

    @model_validator(mode="after")
    def _values_or_range(self) -> Factor:
        if self.listed is not None:
            if self.low is not None or self.high is not None or self.levels is not None:
                raise ValueError("give either values or low and high (with levels), not both")
            return self
        if self.low is None or self.high is None:
            raise ValueError("needs values = [...] or low and high")
        if not self.low < self.high:
            raise ValueError(f"low must be below high, got {self.low:g} and {self.high:g}")
        if self.scale == "log" and self.low <= 0:
            raise ValueError(f"scale 'log' needs low > 0, got {self.low:g}")
        return self

    @property
    def is_range(self) -> bool:
        """Whether the factor spans a range (rather than listing values)."""
        return self.listed is None


class Design(_Spec):
    """How variants are chosen."""

    method: Literal["grid", "lhs", "sobol", "morris"] = Field(
        "grid", description="grid, lhs (Latin hypercube), sobol (Saltelli), morris."
    )
    samples: int | None = Field(
        None, ge=1, le=1_000_000, description="lhs: variants; sobol: base samples N."
    )
    trajectories: int | None = Field(None, ge=2, le=10_000, description="morris: trajectories.")
    levels: int = Field(4, ge=2, le=100, description="morris: levels of each factor's grid.")

    @model_validator(mode="after")
    def _sizes(self) -> Design:
        if self.method in ("lhs", "sobol") and self.samples is None:
            raise ValueError(f"method {self.method!r} needs samples")
        samples = self.samples or 0
        if self.method == "sobol" and samples & (samples - 1):
            raise ValueError(f"sobol needs samples a power of 2 (e.g. 16, 32, 64), got {samples}")
        if self.method == "morris" and self.trajectories is None:
            raise ValueError("method 'morris' needs trajectories")
        if self.method == "grid" and (self.samples or self.trajectories):
            raise ValueError("a grid takes no samples or trajectories (each factor's levels)")
        return self


class Constraints(_Spec):
    """Conditions that keep variants comparable."""

    keep_weekly_cost: Literal["baseline"] | float | None = Field(
        None, description="'baseline' (its weekly cost in the same variant) or a number."
    )
    fill: str | None = Field(None, description="Setting adjusted to meet it, e.g. a budget.")
    scenarios: tuple[str, ...] = Field(
        (), description="Scenarios it applies to (empty: all but the baseline)."
    )

    @model_validator(mode="after")
    def _fill_given(self) -> Constraints:
        if self.keep_weekly_cost is not None and not self.fill:
            raise ValueError("keep_weekly_cost needs fill = 'a.setting' to adjust")
        if isinstance(self.keep_weekly_cost, float) and self.keep_weekly_cost <= 0:
            raise ValueError("keep_weekly_cost must be 'baseline' or a positive number")
        return self


class Analysis(_Spec):
    """What the report looks at."""

    figure: str = Field("profit", description="Figure of the threshold, sensitivity, ranking.")
    figures: tuple[str, ...] = Field(DEFAULT_FIGURES, description="Figures drawn per factor.")
    scenario: str | None = Field(
        None, description="Scenario compared with the baseline (default: the second)."
    )


class SweepSpec(_Spec):
    """A sweep file, validated."""

    name: str = Field(min_length=1, description="Sweep name.")
    description: str = Field("", description="Free text.")
    scenarios: tuple[str, ...] = Field(min_length=1, description="Scenario files; first: baseline.")
    replications: int | None = Field(
        None, ge=1, le=100_000, description="Replications per variant (or the first batch)."
    )
    precision: float | None = Field(
        None, gt=0, lt=1, description="Relative CI half-width of the paired difference."
    )
    max_replications: int = Field(50, ge=2, le=100_000, description="Cap for precision.")
    seed: int = Field(0, ge=0, description="Base seed; replication r uses (seed, r).")
    set: dict[str, Any] = Field(
        default_factory=dict, description="Overrides: 'path' for all, 'NAME:path' for one."
    )
    design: Design = Field(default_factory=Design, description="How variants are chosen.")
    factors: tuple[Factor, ...] = Field(min_length=1, description="The design's dimensions.")
    constraints: Constraints = Field(default_factory=Constraints, description="Comparability.")
    analysis: Analysis = Field(default_factory=Analysis, description="What the report shows.")

    @model_validator(mode="after")
    def _consistent(self) -> SweepSpec:
        paths = [factor.path for factor in self.factors]
        repeated = sorted({path for path in paths if paths.count(path) > 1})
        if repeated:
            raise ValueError(f"factors: each path once; repeated: {', '.join(repeated)}")
        if self.design.method == "grid":
            for index, factor in enumerate(self.factors):
                if factor.is_range and factor.levels is None:
                    raise ValueError(f"factors.{index}: a grid over a range needs levels = N")
        elif any(factor.levels is not None for factor in self.factors):
            raise ValueError(f"levels of a factor are for a grid, not {self.design.method!r}")
        if self.precision is not None and (self.replications or 5) < 2:
            raise ValueError("precision needs a first batch of at least 2 replications")
        if self.precision is not None and self.max_replications < (self.replications or 5):
            raise ValueError("max_replications is below replications")
        if self.constraints.fill in paths:
            raise ValueError("constraints.fill cannot also be a factor")
        return self

    @property
    def first_batch(self) -> int:
        """Replications of every variant before any precision rule adds more."""
        return self.replications or (5 if self.precision is not None else 10)


# ---------------------------------------------------------------- reading


def parse_sweep(text: str, source: str = "<memory>") -> SweepSpec:
    """Validate the text of a sweep file."""
    return parse_model(text, source, SweepSpec, SweepError)


def read_sweep(path: str | Path) -> tuple[SweepSpec, str]:
    """A sweep file, validated, and its text (what its hash is taken of)."""
    text = read_text(path, SweepError)
    return parse_sweep(text, str(path)), text


def text_hash(text: str) -> str:
    """SHA-256 of a sweep file's text: two folders from one file share it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


__all__ = [
    "Analysis",
    "Constraints",
    "Design",
    "Factor",
    "SweepError",
    "SweepSpec",
    "parse_sweep",
    "read_sweep",
    "text_hash",
]
