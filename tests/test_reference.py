"""The README's scenario reference is generated from the schema and kept current."""

from __future__ import annotations

import typing
from pathlib import Path

from pydantic import BaseModel

from sim.distributions import Dist
from sim.reference import END, START, reference
from sim.scenario import Scenario
from sim.scenario.fields import kind_of

README = Path(__file__).resolve().parents[1] / "README.md"


def _block() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split(START, 1)[1].split(END, 1)[0].strip()


def test_readme_reference_is_current():
    """If this fails: flocksim reference --write README.md"""
    assert _block() == reference().strip()


def test_reference_lists_every_key_of_every_section():
    text = reference()
    assert "`sales.staff`" in text
    assert "`market.segments.N.size`" in text
    assert "`marketing.channels.N.cost_per_lead`" in text
    assert "`service.feedback.review_period`" in text
    for name, field in Scenario.model_fields.items():
        if name not in ("clock", "money", "market", "marketing", "sales", "service", "retention"):
            assert f"`{name}`" in text, name
        assert field.description, name


def test_reference_says_units_and_defaults():
    rows = {line.split("|")[1].strip(): line for line in reference().splitlines() if "| `" in line}
    assert "duration" in rows["`clock.horizon`"]
    assert "104 w" in rows["`clock.horizon`"]
    assert "rate" in rows["`market.segments.N.q`"]
    assert "distribution of a duration" in rows["`sales.first_contact`"]
    assert "required" in rows["`sales.first_contact`"]
    assert "share, 0 to 1" in rows["`money.gross_margin`"]


def test_readme_opens_with_the_two_commands():
    lines = [line for line in README.read_text(encoding="utf-8").splitlines() if line.strip()]
    fence = lines.index("```sh")
    assert lines[fence + 1].startswith("make run")
    assert lines[fence + 2].startswith("make test")
    assert fence <= 2  # right after the title


def _leaf_fields(model: type[BaseModel], prefix: str = "") -> dict[str, typing.Any]:
    leaves = {}
    for name, field in model.model_fields.items():
        subs = [
            arg
            for arg in (field.annotation, *typing.get_args(field.annotation))
            if isinstance(arg, type) and issubclass(arg, BaseModel) and arg is not Dist
        ]
        if subs:
            leaves |= _leaf_fields(subs[0], f"{prefix}{name}.")
        else:
            leaves[f"{prefix}{name}"] = field
    return leaves


def test_every_field_declares_its_kind():
    """The reference reads kinds from the schema; a field without one must not slip by."""
    leaves = _leaf_fields(Scenario)
    assert "market.segments.size" in leaves
    assert "sales.speed_to_lead.points" in leaves
    undeclared = [path for path, field in leaves.items() if not kind_of(field)]
    assert not undeclared, undeclared


def test_reference_states_the_limits_of_bounded_fields():
    rows = {line.split("|")[1].strip(): line for line in reference().splitlines() if "| `" in line}
    assert "0 to 0.95" in rows["`marketing.insight.cost_strength`"]
    assert "0.01 to 1,000,000,000,000" in rows["`marketing.channels.N.cost_per_lead`"]
    assert "money" in rows["`sales.cost_per_head`"]
    assert "0 to 10,000" in rows["`sales.staff`"]
    assert "one of 'none', 'half_life', 'table'" in rows["`sales.speed_to_lead.curve`"]
