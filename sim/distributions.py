"""Distribution specs of the scenario files and the batched samplers behind them.

Every random quantity in a scenario is a distribution spec (MODEL.md, "Clock
and units"): ``fixed``, ``exponential``, ``gamma`` and ``lognormal`` (by mean
and sd), ``triangular``, ``uniform`` and ``empirical`` (samples, or values with
weights). A bare number, or a duration string such as ``"15 min"``, means
``fixed``.

Parameters are bounded so that every block samples finitely (``sim.limits``):
money at most ``MAX_MONEY``, durations at most 100 years, a gamma's or
lognormal's sd / mean between ``MIN_SD_RATIO`` and ``MAX_SD_RATIO`` (or sd 0, a
fixed value), and empirical weights that add up to 1, as channel shares do:
weights are never rescaled behind the writer's back.

Samplers draw from their own named stream in blocks (STYLE.md: "draw in
batches where a stream is hot"): one numpy call fills a block, turned into a
Python list so that each draw is a plain ``float`` handed out by a C-level
iterator. The sequence is the same as drawing one value at a time from the same
generator, which ``tests/test_determinism.py`` guards.
"""

from __future__ import annotations

import difflib
import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from sim.limits import MAX_MONEY, MAX_SD_RATIO, MIN_SD_RATIO, WEIGHTS_TOLERANCE
from sim.units import UnitError, parse_duration

Quantity = Literal["duration", "money", "number", "probability"]

BLOCK = 1024

# Parameters each kind takes; the first entries are required.
_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fixed": (("value",), ()),
    "exponential": (("mean",), ()),
    "gamma": (("mean", "sd"), ()),
    "lognormal": (("mean", "sd"), ()),
    "triangular": (("low", "mode", "high"), ()),
    "uniform": (("low", "high"), ()),
    "empirical": ((), ("samples", "values", "weights")),
}
DIST_KINDS = tuple(_KINDS)


@dataclass(frozen=True)
class Dist:
    """A validated distribution: its kind and parameters, already in model units.

    Durations are in working hours, money in the scenario's currency.
    """

    kind: str
    params: tuple[tuple[str, Any], ...]

    def param(self, name: str) -> Any:
        """One parameter by name."""
        return dict(self.params)[name]

    @property
    def mean(self) -> float:
        """The distribution's mean (used by reports and the theory checks)."""
        p = dict(self.params)
        if self.kind == "fixed":
            return float(p["value"])
        if self.kind in ("exponential", "gamma", "lognormal"):
            return float(p["mean"])
        if self.kind == "triangular":
            return (p["low"] + p["mode"] + p["high"]) / 3.0
        if self.kind == "uniform":
            return (p["low"] + p["high"]) / 2.0
        values = np.asarray(p["values"], dtype=float)
        weights = np.asarray(p["weights"], dtype=float)
        return float(np.dot(values, weights))

    @property
    def is_zero(self) -> bool:
        """True for ``fixed`` 0: the work it times does not happen at all."""
        return self.kind == "fixed" and self.param("value") == 0

    @classmethod
    def fixed(cls, value: float) -> Dist:
        """A constant."""
        return cls("fixed", (("value", float(value)),))


def _number(raw: object, quantity: Quantity, week_hours: float, where: str) -> float:
    if quantity == "duration":
        try:
            return parse_duration(raw, week_hours)
        except UnitError as exc:
            raise ValueError(f"{where}: {exc}") from None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError(f"{where}: expected a number, got {raw!r}")
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError(f"{where}: expected a finite number, got {raw!r}")
    if quantity != "number" and value < 0:
        raise ValueError(f"{where}: cannot be negative, got {raw!r}")
    if quantity == "probability" and value > 1:
        raise ValueError(f"{where}: a probability is between 0 and 1, got {raw!r}")
    if quantity == "money" and value > MAX_MONEY:
        raise ValueError(f"{where}: money is at most {MAX_MONEY:.0f}, got {raw!r}")
    return value


def parse_dist(raw: object, quantity: Quantity, week_hours: float) -> Dist:
    """Turn a scenario value into a :class:`Dist`, raising ``ValueError`` if invalid.

    The message says what is allowed; pydantic adds the field path.
    """
    if not isinstance(raw, dict):
        return Dist.fixed(_number(raw, quantity, week_hours, "value"))
    spec = dict(raw)
    kind = spec.pop("dist", None)
    if kind is None:
        raise ValueError(
            f"a distribution table needs 'dist', one of: {', '.join(DIST_KINDS)}; "
            "or write a bare value for a fixed quantity"
        )
    if kind not in _KINDS:
        hint = difflib.get_close_matches(str(kind), DIST_KINDS, n=1)
        did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
        raise ValueError(f"unknown dist {kind!r}{did_you_mean}; allowed: {', '.join(DIST_KINDS)}")
    required, optional = _KINDS[kind]
    allowed = required + optional
    for key in spec:
        if key not in allowed:
            hint = difflib.get_close_matches(key, allowed, n=1)
            did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ValueError(
                f"unknown key {key!r} for dist {kind!r}{did_you_mean}; "
                f"allowed: {', '.join(allowed)}"
            )
    missing = [key for key in required if key not in spec]
    if missing:
        raise ValueError(f"dist {kind!r} needs {', '.join(missing)}")
    if kind == "empirical":
        return _parse_empirical(spec, quantity, week_hours)
    params = {key: _number(spec[key], quantity, week_hours, key) for key in required}
    _check_shape(kind, params)
    if kind in ("gamma", "lognormal") and params["sd"] == 0:
        return Dist.fixed(params["mean"])
    return Dist(kind, tuple(params.items()))


def _check_shape(kind: str, params: dict[str, float]) -> None:
    if kind in ("exponential", "gamma", "lognormal") and params["mean"] <= 0:
        raise ValueError(f"dist {kind!r} needs mean > 0")
    if kind in ("gamma", "lognormal") and params["sd"] < 0:
        raise ValueError(f"dist {kind!r} needs sd >= 0")
    if kind in ("gamma", "lognormal") and params["sd"] > 0:
        ratio = params["sd"] / params["mean"]
        # a hair of tolerance, so that sd written as exactly 100 x mean passes
        if not MIN_SD_RATIO * (1 - 1e-9) <= ratio <= MAX_SD_RATIO * (1 + 1e-9):
            raise ValueError(
                f"dist {kind!r} needs sd / mean between {MIN_SD_RATIO:g} and {MAX_SD_RATIO:g} "
                f"(or sd = 0 for a fixed value), got {ratio:.3g}"
            )
    if kind == "triangular" and not params["low"] <= params["mode"] <= params["high"]:
        raise ValueError("dist 'triangular' needs low <= mode <= high")
    if kind == "triangular" and params["low"] == params["high"]:
        raise ValueError("dist 'triangular' needs low < high (use a fixed value instead)")
    if kind == "uniform" and not params["low"] < params["high"]:
        raise ValueError("dist 'uniform' needs low < high")


def _parse_empirical(spec: dict[str, Any], quantity: Quantity, week_hours: float) -> Dist:
    if ("samples" in spec) == ("values" in spec):
        raise ValueError("dist 'empirical' needs either 'samples' or 'values' (with 'weights')")
    raw_values = spec.get("samples", spec.get("values"))
    if not isinstance(raw_values, list) or not raw_values:
        raise ValueError("dist 'empirical' needs a non-empty list of values")
    values = [_number(v, quantity, week_hours, "values") for v in raw_values]
    if "samples" in spec:
        if "weights" in spec:
            raise ValueError("dist 'empirical' takes 'weights' only with 'values'")
        weights = [1.0 / len(values)] * len(values)
    else:
        raw_weights = spec.get("weights")
        if not isinstance(raw_weights, list) or len(raw_weights) != len(values):
            raise ValueError("dist 'empirical' needs 'weights', one per value")
        weights = [_number(w, "number", week_hours, "weights") for w in raw_weights]
        if any(w < 0 for w in weights):
            raise ValueError("dist 'empirical' needs weights that are not negative")
        total = sum(weights)  # not fsum: it raises on overflow, a plain sum says inf
        if not abs(total - 1.0) <= WEIGHTS_TOLERANCE:
            raise ValueError(
                f"dist 'empirical' needs weights that add up to 1, got {total:.12g} "
                "(write shares, e.g. [0.75, 0.25])"
            )
    return Dist("empirical", (("values", tuple(values)), ("weights", tuple(weights))))


def batched(draw_block: Callable[[], np.ndarray]) -> Iterator[Any]:
    """Hand out a block's values one at a time as Python numbers, drawing the next when empty."""
    while True:
        yield from draw_block().tolist()


def sampler(dist: Dist, rng: np.random.Generator | None, block: int = BLOCK) -> Callable[[], float]:
    """A zero-argument callable returning the next draw of ``dist`` as a float.

    A constant needs no generator (``rng`` may be None for ``fixed``).
    """
    p = dict(dist.params)
    if dist.kind == "fixed":
        return itertools.repeat(float(p["value"])).__next__
    if rng is None:
        raise ValueError(f"a {dist.kind} distribution needs a random generator")
    draw: Callable[[], np.ndarray]
    if dist.kind == "exponential":
        mean = p["mean"]

        def draw() -> np.ndarray:
            return rng.exponential(mean, block)

    elif dist.kind == "gamma":
        shape = (p["mean"] / p["sd"]) ** 2
        scale = p["sd"] ** 2 / p["mean"]

        def draw() -> np.ndarray:
            return rng.gamma(shape, scale, block)

    elif dist.kind == "lognormal":
        sigma2 = math.log1p((p["sd"] / p["mean"]) ** 2)
        mu = math.log(p["mean"]) - sigma2 / 2.0
        sigma = math.sqrt(sigma2)

        def draw() -> np.ndarray:
            return rng.lognormal(mu, sigma, block)

    elif dist.kind == "triangular":
        low, mode, high = p["low"], p["mode"], p["high"]

        def draw() -> np.ndarray:
            return rng.triangular(low, mode, high, block)

    elif dist.kind == "uniform":
        low, high = p["low"], p["high"]

        def draw() -> np.ndarray:
            return rng.uniform(low, high, block)

    else:
        values = np.asarray(p["values"], dtype=float)
        weights = np.asarray(p["weights"], dtype=float)

        def draw() -> np.ndarray:
            return rng.choice(values, size=block, p=weights)

    return batched(draw).__next__


def uniforms(rng: np.random.Generator, block: int = BLOCK) -> Callable[[], float]:
    """Batched U(0, 1) draws: the coin flips (win, qualify, complain, ...)."""
    return batched(lambda: rng.random(block)).__next__
