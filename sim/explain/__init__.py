"""Where a difference comes from: Shapley values of groups of settings (``flocksim explain``).

::

    import sim
    why = sim.explain("scenarios/sales_only.toml", "scenarios/full_system.toml")
    why.contributions      # per figure: A's mean, each group's share of B - A, B's mean

``shapley`` holds the arithmetic (no model), ``groups`` the grouping of the
settings that differ, ``inert`` which runs coincide, ``core`` the experiment,
``store`` the folder it is saved in, ``report`` its table, chart and report
section.
"""

from sim.explain.core import DEFAULT_ORDERS, DEFAULT_REPLICATIONS, Explanation, explain
from sim.explain.groups import ExplainError, Group, GroupFileError
from sim.explain.shapley import EXACT_LIMIT, exact_shapley, permutation_shapley
from sim.explain.store import load_explanation, save_explanation

__all__ = [
    "DEFAULT_ORDERS",
    "DEFAULT_REPLICATIONS",
    "EXACT_LIMIT",
    "ExplainError",
    "Explanation",
    "Group",
    "GroupFileError",
    "exact_shapley",
    "explain",
    "load_explanation",
    "permutation_shapley",
    "save_explanation",
]
