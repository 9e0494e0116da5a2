"""The README's scenario reference is generated from the schema and kept current."""

from __future__ import annotations

from pathlib import Path

from sim.reference import END, START, reference
from sim.scenario import Scenario

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
