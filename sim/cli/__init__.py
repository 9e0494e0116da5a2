"""The ``flocksim`` command: run, compare, validate scenarios and write reports.

The command line owns the terminal: the library logs, this package prints. Bad
input (a scenario, an override, an option) ends with one line on stderr saying
which file, which field and what is allowed, and exit code 2; never a traceback.

``parser`` builds the command line and holds the entry point, ``commands`` one
function per command, ``output`` the printed tables, ``common`` what they share,
``saving`` where run and compare keep their results (``--out``, ``--force``, interrupts).
"""

from sim.cli.parser import build_parser, main

__all__ = ["build_parser", "main"]
