"""Output analysis of simulation replications, one module per concept.

Everything here works on the output tables (plain arrays and pandas DataFrames,
see ``docs/tables.md``) and knows nothing of the simulation model:

``intervals``
    t-based confidence intervals of a mean (:func:`mean_ci`), paired comparisons of
    scenarios run on common random numbers (:func:`paired_difference`) and the
    unpaired Welch interval (:func:`welch_difference`).
``ratio``
    How many times one scenario's mean is another's, with a delta-method interval on
    paired replications (:func:`paired_ratio`).
``comparison``
    Every scenario against a baseline, figure by figure
    (:func:`compare_to_baseline`, :func:`baseline_of`).
``run_length``
    Replications needed for a relative precision (:func:`replications_needed`) and
    the sequential procedure that adds them until it is met
    (:func:`sequential_replications`).
``warmup``
    Weeks to discard: Welch's moving average and MSER-5.
``theory``
    Closed forms the model is validated against: Erlang C, Erlang A, Bass, Little.

``tables`` holds what the modules read from the tables (column checks, pairing by
replication); its helpers are public so that no module imports another's private
names, but they are not re-exported here. Which figures are better when lower, and
which figures each command shows, is the vocabulary of :mod:`sim.figures`.
"""

from sim.analysis.comparison import COMPARISON_COLUMNS, baseline_of, compare_to_baseline
from sim.analysis.intervals import (
    Interval,
    PairedDifference,
    mean_ci,
    paired_difference,
    pairing_strength,
    welch_difference,
    wilson_interval,
)
from sim.analysis.ratio import Ratio, paired_ratio
from sim.analysis.run_length import (
    PrecisionFunction,
    SequentialResult,
    precision_of_differences,
    precision_of_means,
    replications_needed,
    sequential_replications,
)
from sim.analysis.theory import (
    ErlangA,
    ErlangC,
    bass_cdf,
    bass_pdf,
    erlang_a,
    erlang_c,
    little_law_residual,
)
from sim.analysis.warmup import MSER_BATCH_SIZE, mser5, warmup_weeks, welch_moving_average

__all__ = [
    "COMPARISON_COLUMNS",
    "MSER_BATCH_SIZE",
    "ErlangA",
    "ErlangC",
    "Interval",
    "PairedDifference",
    "PrecisionFunction",
    "Ratio",
    "SequentialResult",
    "baseline_of",
    "bass_cdf",
    "bass_pdf",
    "compare_to_baseline",
    "erlang_a",
    "erlang_c",
    "little_law_residual",
    "mean_ci",
    "mser5",
    "paired_difference",
    "paired_ratio",
    "pairing_strength",
    "precision_of_differences",
    "precision_of_means",
    "replications_needed",
    "sequential_replications",
    "warmup_weeks",
    "welch_difference",
    "wilson_interval",
    "welch_moving_average",
]
