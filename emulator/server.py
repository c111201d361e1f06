"""cfclone's AWS emulator: moto 5.2.1 in server mode with the project's patches loaded in
its process (cfclone_emulator/), so that it is as strict as AWS where cfclone depends on
it, plus a control API for faults, latency and a log of calls (see README.md here).

Usage: python emulator/server.py --port PORT [--host 127.0.0.1] [--latency-ms MS]
       python emulator/server.py PORT
Ready when GET /moto-api/ answers.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("port_arg", nargs="?", type=int, metavar="PORT")
    parser.add_argument("-p", "--port", type=int)
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("--latency-ms", type=float, default=0,
                        help="wait this long before answering every AWS call")
    args = parser.parse_args(argv)
    port = args.port if args.port is not None else args.port_arg
    if port is None:
        parser.error("give the port: --port PORT (or PORT)")
    os.environ.setdefault("MOTO_PORT", str(port))  # as moto's own server does

    import cfclone_emulator
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import run_simple

    cfclone_emulator.apply()
    app = cfclone_emulator.wrap(DomainDispatcherApplication(create_backend_app),
                                latency_ms=args.latency_ms)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    run_simple(args.host, port, app, threaded=True)


if __name__ == "__main__":
    main()
