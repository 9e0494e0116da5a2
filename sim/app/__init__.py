"""The browser app for a workshop room: the two firms side by side, with sliders.

Two layers, so that the part worth testing needs no browser:

- :mod:`sim.app.model` turns the levers a business owner understands
  (salespeople, marketers, service agents, budget, cost per lead, market size,
  three switches) into the pair of scenarios, checks the combination, runs both
  firms paired on the same seeds through :func:`sim.compare` and tells what came
  out (the verdict, profit and customers won with their intervals, where the
  salespeople's hours go) in either language.  Plain Python, unit-tested.
- :mod:`sim.app.ui` is the Shiny page over it (imports Shiny, the ``app`` extra):
  controls, a language switch, presets, and the outputs.

``flocksim app`` (``sim.cli.app``) starts it; ``docs/app.md`` says why Shiny.
Nothing here imports Shiny at import time.
"""
