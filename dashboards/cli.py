"""``alliance-dashboard`` (or ``python -m dashboards``): serve the workshop dashboard.

An installed copy has no ``dashboards/app.py`` to hand to ``solara run``, so this serves the
module ``dashboards.app`` from wherever the package is installed, after compiling the model's
kernels (as ``make dashboard`` does) so that the first page does not wait for them.
"""

from __future__ import annotations

import argparse
import socket
import sys

APP = "dashboards.app"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def build_parser() -> argparse.ArgumentParser:
    """The options an educator needs: where to listen, and whether to compile or open a browser."""
    parser = argparse.ArgumentParser(
        prog="alliance-dashboard",
        description="Serve the workshop dashboard (Solara); Ctrl-C stops it.")
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help="address to listen on (default %(default)s; 0.0.0.0 shows it to "
                             "other machines, with no login)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help="port to listen on (default %(default)s)")
    parser.add_argument("--no-compile", action="store_true",
                        help="do not compile the model's kernels first (the first page then "
                             "waits for them, about 15 s once after each change of the model)")
    parser.add_argument("--no-open", action="store_true",
                        help="do not open the page in a web browser")
    return parser


def unusable_address(host: str, port: int) -> str | None:
    """Why the server could not listen at ``host``:``port``, or None if it can right now."""
    if not 1 <= port <= 65535:
        return f"--port = {port} is not allowed: expected an integer from 1 to 65535"
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as err:
        reason = getattr(err, "strerror", None) or str(err)
        return (f"--host = {host!r} is not allowed: not an address of this machine ({reason}); "
                "expected e.g. 127.0.0.1 or 0.0.0.0")
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            probe.bind(address)
        except OSError as err:
            return (f"--host = {host!r}, --port = {port}: cannot listen there ({err.strerror}); "
                    "choose another port, or stop what uses it")
    return None


def main(argv: list[str] | None = None) -> int:
    """Check the address, compile the kernels, then run Solara's server until it is stopped."""
    args = build_parser().parse_args(argv)
    problem = unusable_address(args.host, args.port)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if not args.no_compile:
        from model.numerics.jit import cache_dir
        from model.run import compile_kernels

        print(f"model kernels ready ({compile_kernels():.1f} s), cached in {cache_dir()}",
              flush=True)
    print(f"Dashboard at http://{args.host}:{args.port}/  (Ctrl-C stops it)", flush=True)
    import solara.__main__ as solara_cli
    from click.exceptions import Abort

    # solara==1.58.2 is pinned for offline rooms (pyproject.toml): its advice to upgrade, after
    # a request to pypi.org, would mislead.
    solara_cli._check_version = lambda: None
    command = ["run", APP, "--host", args.host, "--port", str(args.port), "--production"]
    if args.no_open:
        command.append("--no-open")
    try:
        solara_cli.cli.main(command, prog_name="solara", standalone_mode=False)
    except (KeyboardInterrupt, Abort):  # Ctrl-C before the server caught it
        pass
    return 0
