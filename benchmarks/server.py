"""The benchmarks' HTTP/1.1 server: asyncio, keep-alive, run in its own process on 127.0.0.1.

It runs in a separate process so that it never shares the client's GIL, and it parses only what
the benchmarks send (GET, no body), so that it is not the bottleneck being measured.

Routes (all GET, all JSON):

``/ping``
    ``{"ok": true}``: the per-request overhead benchmark.
``/cursor/items?limit=L&cursor=C``
    ``{"data": [...], "next_cursor": "C+L" or null}``.
``/page/items?per_page=L&page=P``
    ``{"data": [...], "total": R, "total_pages": T}``, pages numbered from 1.
``/quota/sliding``
    At most ``rate`` requests in any second, counted by arrival (a sliding log): 200 while the
    last second holds fewer, else 429 with ``Retry-After`` (whole seconds until a place frees,
    rounded up). Every answer carries ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and
    ``X-RateLimit-Reset``, the Unix time in milliseconds (rounded up) at which the oldest request
    of the last second leaves it.
``/quota/fixed``
    At most ``rate`` requests in each fixed second, counted from the last reset: the same
    answers, with the IETF names ``RateLimit-Limit``, ``RateLimit-Remaining`` and
    ``RateLimit-Reset``, the seconds until the current second ends (rounded up to the millisecond).
``/_control/reset?records=R&rate=N&window=W&latency=L``
    Sets the collection size and the quota rate (emptying both quota windows), zeroes the
    counters, and delays every later answer (control routes excepted) by ``L`` seconds, a
    stand-in for the network latency a remote API adds (0 by default).
``/_control/stats``
    ``{"ok": <2xx answers>, "limited": <429 answers>}`` counted in the ``window`` seconds after the
    last reset (answers after it are not counted).

Records are invented: ``{"id", "name", "email", "amount", "active", "updated_at"}``, about 130
bytes each as JSON.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import json
import math
import subprocess
import sys
import time
from types import TracebackType
from urllib.parse import parse_qsl

__all__ = ["LocalServer", "page_body", "serve"]

_REASONS = {200: b"OK", 400: b"Bad Request", 404: b"Not Found", 429: b"Too Many Requests"}


@functools.lru_cache(maxsize=4096)
def _records(start: int, stop: int) -> bytes:
    """Return records ``start`` to ``stop - 1`` as the inside of a JSON array."""
    return b",".join(
        b'{"id":%d,"name":"record %d","email":"user%d@example.invalid","amount":%d.25,"active":%s,'
        b'"updated_at":"2026-01-%02dT%02d:%02d:%02dZ"}'
        % (n, n, n, n % 10_000, b"true" if n % 3 else b"false", n % 28 + 1, n // 3600 % 24, n // 60 % 60, n % 60)
        for n in range(start, stop)
    )


def page_body(kind: str, query: dict[str, str], total: int) -> bytes:
    """Return the JSON body of one page of a ``total``-record collection, paged by ``kind``."""
    if kind == "cursor":
        size = int(query.get("limit", 100))
        start = int(query.get("cursor", 0))
        stop = min(start + size, total)
        cursor = b'"%d"' % stop if stop < total else b"null"
        return b'{"data":[%s],"next_cursor":%s}' % (_records(start, max(start, stop)), cursor)
    size = int(query.get("per_page", 100))
    page = int(query.get("page", 1))
    start = (page - 1) * size
    stop = min(start + size, total)
    pages = math.ceil(total / size)
    return b'{"data":[%s],"total":%d,"total_pages":%d}' % (_records(start, max(start, stop)), total, pages)


class _State:
    """What the server remembers between requests: the collection size, the quotas, the counters."""

    def __init__(self) -> None:
        self.records = 100_000
        self.rate = 50
        self.ok = 0
        self.limited = 0
        self.started = time.monotonic()
        self.window = math.inf
        self.latency = 0.0
        self.recent: collections.deque[float] = collections.deque()  # sliding: arrivals in the last second
        self.second = -1  # fixed: the current second, counted from the reset, and its arrivals
        self.in_second = 0

    def counts(self) -> bool:
        """Whether an answer given now falls in the counting window."""
        return time.monotonic() - self.started <= self.window

    def reset(self, query: dict[str, str]) -> None:
        self.records = int(query.get("records", self.records))
        self.rate = int(float(query.get("rate", self.rate)))
        self.window = float(query.get("window", math.inf))
        self.latency = float(query.get("latency", 0.0))
        self.started = time.monotonic()
        self.recent.clear()
        self.second, self.in_second = -1, 0
        self.ok = self.limited = 0

    def sliding(self) -> tuple[int, dict[str, str]]:
        """Admit a request if the last second holds fewer than ``rate``; return the status and headers."""
        now = time.monotonic()
        recent = self.recent
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        status = 200 if len(recent) < self.rate else 429
        if status == 200:
            recent.append(now)
        frees = recent[0] + 1.0 - now  # when the oldest leaves the window
        headers = {
            "X-RateLimit-Limit": str(self.rate),
            "X-RateLimit-Remaining": str(self.rate - len(recent)),
            "X-RateLimit-Reset": str(math.ceil((time.time() + frees) * 1000)),
        }
        if status == 429:
            headers["Retry-After"] = str(max(1, math.ceil(frees)))
        return status, headers

    def fixed(self) -> tuple[int, dict[str, str]]:
        """Admit a request if the current second holds fewer than ``rate``; return the status and headers."""
        elapsed = time.monotonic() - self.started
        second = math.floor(elapsed)
        if second != self.second:
            self.second, self.in_second = second, 0
        status = 200 if self.in_second < self.rate else 429
        self.in_second += status == 200
        ends = second + 1 - elapsed
        headers = {
            "RateLimit-Limit": str(self.rate),
            "RateLimit-Remaining": str(self.rate - self.in_second),
            "RateLimit-Reset": f"{math.ceil(ends * 1000) / 1000:.3f}",
        }
        if status == 429:
            headers["Retry-After"] = str(max(1, math.ceil(ends)))
        return status, headers


def _response(status: int, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    head = [b"HTTP/1.1 %d %s" % (status, _REASONS.get(status, b"")), b"Content-Type: application/json"]
    head.append(b"Content-Length: %d" % len(body))
    for name, value in (headers or {}).items():
        head.append(f"{name}: {value}".encode("latin-1"))
    return b"\r\n".join(head) + b"\r\n\r\n" + body


class _Protocol(asyncio.Protocol):
    """One keep-alive connection: parse request heads as they arrive and answer each in order."""

    def __init__(self, state: _State) -> None:
        self.state = state
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            target = request_line.split(" ")[1] if " " in request_line else "/"
            assert self.transport is not None
            try:
                answer = self.answer(target)
            except ValueError as exc:  # a malformed query: say so rather than drop the connection
                answer = _response(400, json.dumps({"message": str(exc)}).encode())
            if self.state.latency and not target.startswith("/_control/"):
                # Clients send one request at a time per connection, so delayed answers stay in order.
                asyncio.get_running_loop().call_later(self.state.latency, self.transport.write, answer)
            else:
                self.transport.write(answer)

    def answer(self, target: str) -> bytes:
        path, _, raw_query = target.partition("?")
        query = dict(parse_qsl(raw_query))
        state = self.state
        if path == "/ping":
            state.ok += 1
            return _response(200, b'{"ok":true}')
        if path in ("/cursor/items", "/page/items"):
            state.ok += 1
            return _response(200, page_body(path[1:].split("/")[0], query, state.records))
        if path in ("/quota/sliding", "/quota/fixed"):
            status, headers = state.sliding() if path == "/quota/sliding" else state.fixed()
            counted = state.counts()
            if status == 429:
                state.limited += counted
                return _response(429, b'{"message":"rate limit exceeded"}', headers)
            state.ok += counted
            return _response(200, b'{"ok":true}', headers)
        if path == "/_control/reset":
            state.reset(query)
            return _response(200, b'{"reset":true}')
        if path == "/_control/stats":
            return _response(200, json.dumps({"ok": state.ok, "limited": state.limited}).encode())
        return _response(404, b'{"message":"not found"}')


def serve() -> None:
    """Run the server until the process is terminated; print its port as the first line."""

    async def main() -> None:
        state = _State()
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _Protocol(state), "127.0.0.1", 0, backlog=512)
        print(server.sockets[0].getsockname()[1], flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


class LocalServer:
    """Start the server in a child process: ``with LocalServer() as server: server.url``.

    The child runs this file as a script (standard library only), so it never shares the
    benchmark's interpreter or GIL and needs nothing imported from the caller.
    """

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> LocalServer:
        self._process = subprocess.Popen([sys.executable, __file__], stdout=subprocess.PIPE, text=True)
        assert self._process.stdout is not None
        port = self._process.stdout.readline().strip()
        if not port.isdigit():
            self._process.kill()
            raise RuntimeError("the benchmark server did not start")
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stdout is not None:
                self._process.stdout.close()

    def control(self, action: str, **query: float) -> dict[str, int]:
        """Call ``/_control/<action>`` with ``query`` and return its JSON answer."""
        import httpx

        params = {name: str(int(value)) if float(value).is_integer() else str(value) for name, value in query.items()}
        answer: dict[str, int] = httpx.get(f"{self.url}/_control/{action}", params=params, timeout=10).json()
        return answer


if __name__ == "__main__":
    serve()
