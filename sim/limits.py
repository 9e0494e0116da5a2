"""The bounds a scenario must keep so that every replication it validates can run.

Validation refuses what the model could not run to the end: a value that makes
a computation overflow, divide by zero or leave numpy's domain, and a scenario
whose expected work (leads, customers, orders) would take hours or gigabytes.
Each bound is stated here once, with why, and the README's "Limits" paragraph
lists them (a test checks the two agree). Nothing here imports from the rest of
the package, so the units, the distributions and the schema can all use it.
"""

from __future__ import annotations

# -- time ------------------------------------------------------------------------
MAX_HORIZON_WEEKS = 5200
"""Longest horizon, and longest duration anywhere: 100 years of 52 working weeks."""

MAX_WEEK_HOURS = 168.0
"""A working week cannot be longer than a calendar week."""

MIN_RATE_PER_HOUR = 1e-12
"""A rate that is not 0 is at least this (per working hour): less is 0 within any
horizon, and its reciprocal (a mean time between events) must stay finite."""

# -- money -----------------------------------------------------------------------
MAX_MONEY = 1e12
"""Largest amount of one item (a deal, a weekly cost, a budget, a cost per lead):
sums over millions of orders and thousands of weeks stay far from overflow."""

MIN_COST_PER_LEAD = 0.01
"""Cheapest list price of a lead: a lead that costs nothing would be infinitely many."""

MAX_COST_STRENGTH = 0.95
"""Insight lowers the cost per lead by at most this share, so a lead never costs
less than 5% of its list price (at 1, full insight would make leads free)."""

# -- sizes -----------------------------------------------------------------------
MAX_SEGMENT_SIZE = 1_000_000
"""Most potential buyers (and initial customers) in one segment."""

MAX_HEADCOUNT = 10_000
"""Most staff in one department."""

MAX_DIALS_PER_BLOCK = 10_000
"""Most calls in one prospecting block."""

MAX_MEETINGS = 20
"""Most closing meetings one lead can take (needed, or before 'no decision')."""

MAX_RECORD_WEIGHT = 1000.0
"""Largest weight of one feedback record (a complaint may tell more than a re-order)."""

MAX_CARRYOVER = 0.99
"""Largest share of a week's advertising effect carried into the next: at 1 the
effect would never build up (the adstock of the first week would stay 0)."""

MAX_WORK = 20_000_000
"""Ceiling on the expected leads, customers and orders of one replication (see
``sim.scenario.schema.expected_work``): about a few minutes and a few gigabytes."""

# -- distributions ---------------------------------------------------------------
MAX_SD_RATIO = 100.0
"""Largest sd / mean of a gamma or lognormal. numpy samples far beyond it without
overflow, but a gamma with sd / mean above about 1,000 draws only zeros, so its
draws no longer have the mean written."""

MIN_SD_RATIO = 1e-6
"""Smallest sd / mean that is not 0 (a fixed value): below it the gamma shape
``(mean / sd) ** 2`` overflows for small enough sd."""

WEIGHTS_TOLERANCE = 1e-9
"""How far the weights of an empirical distribution may add up away from 1."""

# -- files -----------------------------------------------------------------------
MAX_FILE_BYTES = 1024 * 1024
"""Largest scenario file read (1 MiB); a scenario is a page or two of TOML."""

MAX_EXTENDS_DEPTH = 32
"""Longest chain of ``extends`` (a file, its parent, its grandparent, ...)."""

MAX_NESTING = 32
"""Deepest nesting of tables and lists in a scenario (the schema needs about 6)."""
