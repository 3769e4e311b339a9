"""A real HTTP/1.1 server on 127.0.0.1 whose behaviour each test scripts.

`FaultServer` answers every path with ``{"ok": true, "path": ...}`` unless a test queued replies
for it with `FaultServer.script`: statuses, headers, raw or JSON bodies, delays beyond a client
timeout, malformed JSON, and connection resets (the socket is closed with no answer). It also
serves a collection of records under ``/<kind>/items`` for each pagination kind, can enforce a
server-side token bucket (429 with ``Retry-After`` above the quota), fail at random (`chaos`),
echo a query parameter back in its next links (``echo_param``, as APIs that repeat the key do),
and records every request.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["FaultServer", "Received", "Reply"]


@dataclass(frozen=True)
class Reply:
    """One scripted answer."""

    status: int = 200
    json: Any = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    reset: bool = False


@dataclass(frozen=True)
class Received:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


class _ResetError(Exception):
    """Raised by the handler to drop the connection without answering."""


class FaultServer:
    """Start with ``with FaultServer() as server:``; ``server.url`` is its base URL."""

    def __init__(self, records: int = 45) -> None:
        self.records: list[dict[str, Any]] = [
            {"id": n, "name": f"record {n}", "updated_at": f"2026-01-01T00:{n // 60 % 60:02d}:{n % 60:02d}Z"}
            for n in range(records)
        ]
        self.received: list[Received] = []
        self.quota: tuple[float, float] | None = None  # (requests per second, burst)
        self.repeat_cursor = False
        self.echo_param: str | None = None  # copied from each request into the next links it gets
        self.fault_rate = 0.0
        self.in_flight = 0
        self.peak_in_flight = 0
        self.collection_delay = 0.0  # seconds each collection page takes to answer
        self._scripts: dict[str, deque[Reply]] = defaultdict(deque)
        self._later: list[tuple[str, int, tuple[Reply, ...]]] = []
        self._lock = threading.Lock()
        self._tokens = 0.0
        self._refilled = time.monotonic()
        self._random = __import__("random").Random(2026)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321``."""
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def script(self, path: str, *replies: Reply) -> None:
        """Answer the next requests to ``path`` (``"*"``: any path) with ``replies``, in order; then the default."""
        with self._lock:
            self._scripts[path].extend(replies)

    def script_after(self, path: str, count: int, *replies: Reply) -> None:
        """Like `script`, but only once ``count`` more requests to ``path`` have been answered."""
        with self._lock:
            due = sum(1 for r in self.received if r.path == path) + count
            self._later.append((path, due, replies))

    def chaos(self, *, server_errors: float, resets: float, rate_limits: float = 0.0, seed: int = 7) -> None:
        """Fail a fraction of requests at random: 503s, connection resets and 429s (``Retry-After: 1``)."""
        self.fault_rate = server_errors + resets + rate_limits
        self._chaos = (server_errors, resets, rate_limits)
        self._random.seed(seed)

    def requests_to(self, path: str) -> list[Received]:
        """Return the requests received for ``path``."""
        return [r for r in self.received if r.path == path]

    # -- answering ------------------------------------------------------------------------------

    def _next_reply(self, path: str) -> Reply | None:
        with self._lock:
            for entry in [e for e in self._later if e[0] == path]:
                if sum(1 for r in self.received if r.path == path) > entry[1]:
                    self._scripts[path].extend(entry[2])
                    self._later.remove(entry)
            queue = self._scripts.get(path) or self._scripts.get("*")
            return queue.popleft() if queue else None

    def _throttled(self) -> Reply | None:
        if self.quota is None:
            return None
        rate, burst = self.quota
        with self._lock:
            now = time.monotonic()
            self._tokens = min(burst, self._tokens + (now - self._refilled) * rate)
            self._refilled = now
            remaining = int(self._tokens)
            headers = {"X-RateLimit-Limit": str(int(burst)), "X-RateLimit-Reset": "1"}
            if self._tokens < 1:
                headers.update({"Retry-After": "1", "X-RateLimit-Remaining": "0"})
                return Reply(429, {"message": "slow down"}, headers=headers)
            self._tokens -= 1
            headers["X-RateLimit-Remaining"] = str(remaining - 1)
            return Reply(200, None, headers=headers)

    def _random_fault(self) -> Reply | None:
        if not self.fault_rate:
            return None
        server_errors, resets, rate_limits = self._chaos
        with self._lock:
            draw = self._random.random()
        if draw < resets:
            return Reply(reset=True)
        if draw < resets + server_errors:
            return Reply(503, {"message": "try again"})
        if draw < resets + server_errors + rate_limits:
            return Reply(429, {"message": "slow down"}, headers={"Retry-After": "1"})
        return None

    def _collection(self, kind: str, query: dict[str, list[str]]) -> Reply:
        def number(name: str, default: int) -> int:
            return int(query.get(name, [str(default)])[0])

        size = number("limit", number("per_page", 10))
        if kind == "offset":
            start = number("offset", 0)
        elif kind == "page":
            start = (number("page", 1) - 1) * size
        else:
            start = 0 if self.repeat_cursor else number("cursor", 0)
        chunk = self.records[start : start + size]
        after = start + size
        more = after < len(self.records)
        body: dict[str, Any] = {"data": chunk, "total": len(self.records)}
        headers: dict[str, str] = {}
        echo = f"&{self.echo_param}={query[self.echo_param][0]}" if self.echo_param in query else ""
        if kind == "cursor":
            body["next_cursor"] = str(after) if more else None
        elif kind == "next_url":
            body["next"] = f"{self.url}/next_url/items?cursor={after}&limit={size}{echo}" if more else None
        elif kind == "link_header" and more:
            headers["Link"] = f'<{self.url}/link_header/items?cursor={after}&limit={size}{echo}>; rel="next"'
        return Reply(200, body, headers=headers, delay=self.collection_delay)

    def _answer(self, method: str, path: str, query: dict[str, list[str]]) -> Reply:
        scripted = self._next_reply(path)
        if scripted is not None:
            return scripted
        throttle = self._throttled()
        if throttle is not None and throttle.status == 429:
            return throttle
        fault = self._random_fault()
        if fault is not None:
            return fault
        kind, _, rest = path.strip("/").partition("/")
        if rest == "items":
            reply = self._collection(kind, query)
        else:
            reply = Reply(200, {"ok": True, "path": path, "method": method})
        if throttle is not None:
            reply = Reply(reply.status, reply.json, reply.body, {**reply.headers, **throttle.headers})
        return reply

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body leave at once: no 40 ms delayed-ACK stall

            def _handle(self) -> None:
                with server._lock:
                    server.in_flight += 1
                    server.peak_in_flight = max(server.peak_in_flight, server.in_flight)
                try:
                    self._answer()
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                with server._lock:
                    server.received.append(Received(self.command, parts.path, query, dict(self.headers), body))
                reply = server._answer(self.command, parts.path, query)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.reset:
                    # SO_LINGER 0: close with a TCP reset instead of an orderly shutdown.
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    raise _ResetError
                payload = reply.body if reply.body is not None else b""
                if reply.json is not None:
                    payload = json.dumps(reply.json).encode()
                self.send_response(reply.status)
                if reply.json is not None or reply.body is not None:
                    self.send_header("Content-Type", reply.headers.get("Content-Type", "application/json"))
                for name, value in reply.headers.items():
                    if name != "Content-Type":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle  # noqa: N815 - http.server's naming

            def handle_one_request(self) -> None:
                try:
                    super().handle_one_request()
                except _ResetError:
                    self.close_connection = True
                    self.connection.close()

            def log_message(self, format: str, *args: object) -> None:
                """Keep test output quiet."""

        return Handler
