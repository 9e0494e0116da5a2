"""The simulation model: one module per concept (market, marketing, sales, service,
customers, ledger), wired together in :mod:`sim.model.firm`."""

from sim.model.firm import TABLES, simulate

__all__ = ["TABLES", "simulate"]
