"""``flocksim app``: the workshop's browser app on a local web server (``sim.app``)."""

from __future__ import annotations

import argparse
import contextlib
import errno
import socket
from typing import Any

from sim.cli.common import EXIT_OK, UsageError, whole_number
from sim.i18n import LANGUAGES

DEFAULT_PORT = 8050


def add_app_command(commands: Any) -> None:
    """Register ``app`` on the parser's subcommands."""
    app = commands.add_parser(
        "app", help="start the workshop's browser app (sliders, both firms side by side)"
    )
    app.add_argument(
        "--port",
        type=whole_number(1),
        default=DEFAULT_PORT,
        help=f"port to serve on (default {DEFAULT_PORT})",
    )
    app.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to serve on (default 127.0.0.1: this computer only; "
        "0.0.0.0 lets others on the network open it)",
    )
    app.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="en",
        help="language the page opens in (default en; zh: simplified Chinese; "
        "the page has a switch too)",
    )
    app.set_defaults(handler=cmd_app)


def _check_free(host: str, port: int) -> None:
    """Refuse a port that is taken or an address this computer does not have, in one line."""
    if port > 65535:
        raise UsageError(f"--port {port}: a port is at most 65535")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UsageError(f"--host {host}: not an address of this computer") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # as the server will: a port whose last connections are closing is free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(
                    f"--port {port}: already in use on {host}; "
                    f"choose another, e.g. --port {port + 1}"
                ) from None
            raise UsageError(
                f"--host {host} --port {port}: cannot serve there ({exc.strerror})"
            ) from None


def cmd_app(args: argparse.Namespace) -> int:
    """Serve the app until Ctrl-C."""
    try:
        from sim.app.model import Firms
        from sim.app.ui import serve
    except ImportError as exc:
        raise UsageError(
            f"the app needs Shiny ({exc.name} is missing): pip install -e '.[app]', "
            "or run `make app`"
        ) from None
    _check_free(args.host, args.port)
    try:
        Firms.load()
    except FileNotFoundError as exc:
        raise UsageError(f"{exc}; run flocksim app from the project's folder") from None
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"flocksim app: open http://{shown}:{args.port}/ in a browser (Ctrl-C stops it)", flush=True
    )
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a room stops it
        serve(args.host, args.port, args.lang)
    return EXIT_OK
