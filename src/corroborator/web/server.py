"""Run the web app in a background thread on 127.0.0.1, for tests and load runs.

Example:
    >>> with background_server("news.db") as base:  # doctest: +SKIP
    ...     httpx.get(base + "/api/stories").status_code
    200
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from corroborator.web import create_app

#: Seconds to wait for the server to start and to stop.
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def background_server(db_path: str | Path, port: int | None = None) -> Iterator[str]:
    """Serve `db_path` with uvicorn on 127.0.0.1 in a daemon thread; yield the base URL."""
    import uvicorn

    port = port or free_port()
    config = uvicorn.Config(create_app(db_path), host="127.0.0.1", port=port,
                            log_level="warning", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.05)
    if not server.started:
        raise RuntimeError("uvicorn did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=STOP_TIMEOUT_S)
