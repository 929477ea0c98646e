"""A real police endpoint on a local port (http.server in a thread), not a mock of urllib:
it answers as told and keeps every request it was sent."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class PoliceEndpoint:
    url: str
    status: int = 201
    answer: object = field(default_factory=lambda: {"reference": "INTEL-2026-0042"})
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)


@contextmanager
def police_endpoint(**behaviour: object) -> Iterator[PoliceEndpoint]:
    endpoint = PoliceEndpoint(url="", **behaviour)  # type: ignore[arg-type]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            endpoint.received.append(Received(self.path, dict(self.headers.items()), body))
            if endpoint.delay:
                time.sleep(endpoint.delay)
            data = (
                endpoint.answer
                if isinstance(endpoint.answer, bytes)
                else json.dumps(endpoint.answer).encode()
            )
            try:
                self.send_response(endpoint.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the timeout test)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    endpoint.url = f"http://127.0.0.1:{server.server_address[1]}/intelligence"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield endpoint
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
