"""TCP_NODELAY on every connection the server accepts.

Werkzeug writes a response's headers and body in separate writes; with Nagle's algorithm
on, a client's delayed ACK can hold the body back for 40 ms (Linux's minimum), at random.
This changes nothing an AWS client can see but the timing, and makes that steady
(see tcp(7): https://man7.org/linux/man-pages/man7/tcp.7.html, TCP_NODELAY).
"""

import socket

from werkzeug import serving

_setup = serving.WSGIRequestHandler.setup


def _setup_without_nagle(self) -> None:  # type: ignore[no-untyped-def]
    _setup(self)
    self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def apply() -> None:
    serving.WSGIRequestHandler.setup = _setup_without_nagle
