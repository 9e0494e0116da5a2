"""The simulation model: one module per concept (market, leads, segments, marketing,
sales, service, customers, ledger), wired together in :mod:`sim.model.firm`."""

from sim.model.firm import simulate

__all__ = ["simulate"]
