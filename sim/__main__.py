"""``python -m sim`` is the ``flocksim`` command."""

from sim.cli import main

raise SystemExit(main())
