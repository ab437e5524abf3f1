"""An httpx transport whose every network step waits only for what is left of one deadline.

httpx's timeouts apply to each socket operation, so a server that sends its status
line and headers one byte a second never trips them. Here the sockets themselves
carry the deadline: connecting, each read and write (status line, headers, body, every
redirect hop) waits at most until it passes, then fails as a timeout. A TLS handshake
is one call of many reads, so a timer shuts its socket when the deadline passes.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx


class DeadlineTransport(httpx.HTTPTransport):
    """`httpx.HTTPTransport` whose connections all end by the monotonic time `deadline`.

    httpx does not take a network backend, so the connection pool it builds is
    replaced by one on `DeadlineBackend` with the same TLS context and retries
    (httpx is pinned; tests/test_trust_http.py fails if this stops working).
    """

    def __init__(self, deadline: float, verify: ssl.SSLContext, retries: int) -> None:
        super().__init__(verify=verify, retries=retries)
        self._pool = httpcore.ConnectionPool(ssl_context=verify, retries=retries,
                                             network_backend=DeadlineBackend(deadline))


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's blocking socket backend, bounded by one deadline."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        """Connect within the time left (and `timeout`, when shorter)."""
        left = time_left(self.deadline, timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, left, local_address, socket_options)
        return DeadlineStream(stream, self.deadline)

    def sleep(self, seconds: float) -> None:
        """Wait between connection retries, never past the deadline."""
        time.sleep(max(0.0, min(seconds, self.deadline - time.monotonic())))


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose reads and writes end by the deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float) -> None:
        self._stream, self.deadline = stream, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Read once, waiting at most until the deadline."""
        return self._stream.read(max_bytes, time_left(self.deadline, timeout,
                                                      httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Write, waiting at most until the deadline."""
        self._stream.write(buffer, time_left(self.deadline, timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        """Close the socket."""
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        """Do the TLS handshake; the socket is shut when the deadline passes mid-way."""
        left = time_left(self.deadline, timeout, httpcore.ConnectTimeout)
        raw: socket.socket = self._stream.get_extra_info("socket")
        timer = threading.Timer(left, _shut, (raw,))
        timer.daemon = True
        timer.start()
        try:
            stream = self._stream.start_tls(ssl_context, server_hostname, left)
        except httpcore.ConnectError:
            if time.monotonic() >= self.deadline:
                raise httpcore.ConnectTimeout("deadline passed during the TLS handshake") \
                    from None
            raise
        finally:
            timer.cancel()
        return DeadlineStream(stream, self.deadline)

    def get_extra_info(self, info: str) -> Any:
        """What the underlying stream knows (the socket, the TLS object, ...)."""
        return self._stream.get_extra_info(info)


def time_left(deadline: float, timeout: float | None, error: type[Exception]) -> float:
    """Seconds until `deadline` (or `timeout`, when shorter); `error` when none are left."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("deadline passed")
    return left if timeout is None else min(timeout, left)


def _shut(sock: socket.socket) -> None:
    """End a blocked handshake by shutting its socket (it may already be closed)."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
