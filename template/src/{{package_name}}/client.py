"""The sync and async connectors: thin shells that send, sleep and loop around `ConnectorCore`.

Both expose the same methods with the same signatures (a test compares them); only ``close``
versus ``aclose`` semantics and ``with`` versus ``async with`` differ.
"""

from __future__ import annotations

import queue
import random
import threading
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import ClassVar, TypeVar

import anyio
import httpx

from .auth import build_auth, build_scheme_auth
from .core import CallFlow, ConnectorCore, Send, Sleep
from .errors import ConnectorError, UnsupportedError, ValidationError
from .events import Hooks
from .observability import logger, span, tracing_enabled
from .pagination import Page, PageRequest, PageSpec, PageState, Paginator
from .resilience.clock import Clock, SystemClock
from .resilience.recovery import PageRecovery
from .response import JSONValue, Response
from .settings import ConnectorSettings
from .transport import HTTPX_EXCEPTIONS, QueryParams, client_options, same_origin, translate_httpx_error

__all__ = ["AsyncConnector", "Connector"]

SyncSelf = TypeVar("SyncSelf", bound="Connector")
AsyncSelf = TypeVar("AsyncSelf", bound="AsyncConnector")


class _Base:
    """State and I/O-free steps shared by both connectors."""

    settings_class: ClassVar[type[ConnectorSettings]] = ConnectorSettings

    def __init__(
        self,
        settings: ConnectorSettings | None = None,
        *,
        hooks: Hooks | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings if settings is not None else self.settings_class()
        self.hooks = hooks if hooks is not None else Hooks()
        self.clock = clock if clock is not None else SystemClock()
        jitter = rng or random.Random()  # noqa: S311 - retry jitter, not cryptography
        self.core = ConnectorCore(self.settings, clock=self.clock, rng=jitter, hooks=self.hooks)
        self._transport = transport
        self._closed = False
        self._auth = build_auth(self.settings, self.clock.now, on_token=self.core.add_secret)
        self._scheme_auths: dict[str, httpx.Auth | None] = {"none": None}
        self._schemes_lock = threading.Lock()
        self._setup()

    def _setup(self) -> None:
        """Extend the core after construction (e.g. add `core.inspectors`); a no-op here."""

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("connected" if self.is_connected else "idle")
        return f"<{type(self).__name__} {self.settings.base_url} {state}>"

    @property
    def is_connected(self) -> bool:
        """Whether the connection pool is open."""
        raise NotImplementedError

    def _check_open(self) -> None:
        if self._closed:
            raise UnsupportedError(f"{type(self).__name__} is disconnected; create a new connector")

    def _build(
        self,
        client: httpx.Client | httpx.AsyncClient,
        method: str,
        path: str,
        params: QueryParams | None,
        json: JSONValue,
        headers: Mapping[str, str] | None,
        timeout: float | None,
    ) -> httpx.Request:
        """Build the request; refuse an absolute URL on another origin, where credentials must not go."""
        # httpx joins a path without a scheme to ``base_url``, so only an absolute URL (which
        # has "://") can leave the API's origin; the check is skipped for the rest.
        request = client.build_request(
            method,
            path,
            params=params,
            json=json,
            headers=headers,
            timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout,
        )
        if "://" in path and not same_origin(request.url, client.base_url):
            raise ValidationError(f"{request.url.host} is not the API's host; refusing to send credentials there")
        return request

    def _auth_for(self, security: str | None) -> httpx.Auth | None:
        """Return the auth flow of a call: the default, none, or a scheme of ``settings.security_schemes``.

        A scheme's flow is built on first use, so its credentials are needed only by the operations
        that use it; each flow is kept, so an OAuth2 token is fetched once (CF-AUTH-5).
        """
        if security is None:
            return self._auth
        with self._schemes_lock:
            if security not in self._scheme_auths:
                scheme = next((s for s in self.settings.security_schemes if s.name == security), None)
                if scheme is None:
                    known = ", ".join(["none", *(s.name for s in self.settings.security_schemes)])
                    raise ValidationError(f"security scheme {security!r} is not one of this connector's: {known}")
                auth = build_scheme_auth(self.settings, scheme, self.clock.now, on_token=self.core.add_secret)
                self._scheme_auths[security] = auth
            return self._scheme_auths[security]

    def _paginator(self, path: str, params: QueryParams | None, spec: PageSpec | None) -> Paginator:
        return Paginator(self.settings.pagination, path, params, self.settings, redactor=self.core.redactor, spec=spec)

    def _recovery(self) -> PageRecovery:
        return PageRecovery(budget=self.settings.page_recovery_budget, retry=self.core.retry)

    def _page_failed(self, error: ConnectorError, request: PageRequest, recovery: PageRecovery) -> float | None:
        """Return how long a walk waits before fetching a failed page again, or None to raise (CF-PAGE-6)."""
        now = self.clock.now()
        delay = recovery.after_failure(error, now=now, circuit_wait=self.core.breaker.retry_in(now))
        if delay is not None:
            self.hooks.metrics.increment("page_retries", tags={"code": error.code.value})
            path = request.path.split("?")[0]  # a next URL's query may hold anything: keep it out of logs
            logger.warning(
                "page of %s failed (%s); fetching it again in %.3fs (%.0fs of the recovery budget left)",
                path,
                error.code.value,
                delay,
                recovery.left(now) - delay,
                extra={"path": path, "status": error.status, "correlation_id": error.correlation_id},
            )
        return delay


class Connector(_Base):
    """A blocking connector. Connects on first use; use ``with`` to close it for you.

    Args:
        settings: Settings; read from the environment when omitted.
        hooks: Callbacks and metrics.
        clock: Source of time; tests pass `testing.FakeClock`.
        rng: Source of retry jitter; tests pass a seeded `random.Random`.
        transport: An `httpx.BaseTransport`, e.g. `httpx.MockTransport` in tests.
    """

    def __init__(
        self,
        settings: ConnectorSettings | None = None,
        *,
        hooks: Hooks | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(settings, hooks=hooks, clock=clock, rng=rng, transport=transport)
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()
        # One token per request in flight (CF-RATE-5); disconnect() takes them all to wait for the
        # requests to finish. A SimpleQueue is written in C: taking and returning a token costs a
        # fraction of what threading.Semaphore, written in Python, does.
        self._slots: queue.SimpleQueue[None] = queue.SimpleQueue()
        for _ in range(self.settings.max_concurrency):
            self._slots.put(None)

    @property
    def is_connected(self) -> bool:
        """Whether the connection pool is open."""
        return self._client is not None

    def connect(self) -> None:
        """Open the connection pool (done for you on first use)."""
        with self._lock:
            self._check_open()
            if self._client is None:
                transport = self._transport if isinstance(self._transport, httpx.BaseTransport) else None
                self._client = httpx.Client(transport=transport, **client_options(self.settings))  # type: ignore[arg-type]  # options are built for both clients

    def disconnect(self) -> None:
        """Let in-flight requests finish (up to ``drain_timeout``), then close the pool."""
        deadline = time.monotonic() + self.settings.drain_timeout
        taken = 0
        try:
            while taken < self.settings.max_concurrency:  # every token back: nothing is in flight
                self._slots.get(timeout=max(deadline - time.monotonic(), 0.0))
                taken += 1
        except queue.Empty:
            pass  # the drain timed out: close anyway
        with self._lock:
            client, self._client, self._closed = self._client, None, True
        if client is not None:
            client.close()
        for _ in range(taken):  # later calls find the pool closed and fail at once
            self._slots.put(None)

    def __enter__(self: SyncSelf) -> SyncSelf:
        self.connect()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.disconnect()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        json: JSONValue = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        cost: float = 1.0,
        idempotent: bool | None = None,
        security: str | None = None,
    ) -> Response:
        """Send one logical call through the resilience layer and return its `Response`.

        Args:
            method: HTTP method.
            path: Path relative to ``base_url``, or an absolute URL on the same origin.
            params: Query parameters.
            json: JSON body.
            headers: Extra headers; include the idempotency header to let POST/PATCH be retried.
            timeout: Seconds for each phase of each attempt; the settings' timeouts otherwise.
            cost: What the call takes from the rate limiter: 1 per request, or query points.
            idempotent: Whether sending the call twice is harmless; by default GET, HEAD, OPTIONS,
                PUT and DELETE are, and POST and PATCH only with the idempotency header.
            security: The security scheme of this call, when not the default ``auth``: ``"none"``,
                or the name of one of ``settings.security_schemes`` (CF-AUTH-5).

        Raises:
            ConnectorError: A subclass naming what failed, after retries where they apply.
        """
        if self._client is None:
            self.connect()
        client = self._client
        if client is None:
            raise UnsupportedError(f"{type(self).__name__} is disconnected; create a new connector")
        auth = self._auth_for(security)
        request = self._build(client, method, path, params, json, headers, timeout)
        correlation_id = self.core.caller_correlation_id(headers)
        flow = self.core.call(request, cost=cost, idempotent=idempotent, correlation_id=correlation_id)
        if not tracing_enabled():
            return self._drive(flow, client, auth)
        with span(f"{method} {request.url.path}", {"http.request.method": method, "url.path": request.url.path}):
            return self._drive(flow, client, auth)

    def _drive(self, flow: CallFlow, client: httpx.Client, auth: httpx.Auth | None) -> Response:
        try:
            action = next(flow)
            while True:
                if isinstance(action, Sleep):
                    self.clock.sleep(action.seconds)
                    action = flow.send(None)
                    continue
                try:
                    response = self._send(client, action, auth)
                except ConnectorError as error:
                    action = flow.throw(error)
                else:
                    action = flow.send(response)
        except StopIteration as stop:
            result: Response = stop.value
            return result
        finally:
            flow.close()  # an interrupted call still releases what the core reserved

    def _send(self, client: httpx.Client, action: Send, auth: httpx.Auth | None) -> httpx.Response:
        self._slots.get()
        try:
            if client.is_closed:  # disconnect() ran while this call waited to retry, or for its token
                raise UnsupportedError(f"{type(self).__name__} was disconnected during the call")
            return client.send(action.request, auth=auth)
        except HTTPX_EXCEPTIONS as exc:
            raise translate_httpx_error(exc, action.request, self.core.redactor) from exc
        finally:
            self._slots.put(None)

    def get(
        self,
        path: str,
        *,
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Response:
        """Send a GET; see `request`."""
        return self.request("GET", path, params=params, headers=headers, timeout=timeout)

    def post(
        self,
        path: str,
        *,
        json: JSONValue = None,
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Response:
        """Send a POST; retried only with an idempotency key or when it never reached the server."""
        return self.request("POST", path, params=params, json=json, headers=headers, timeout=timeout)

    def put(
        self,
        path: str,
        *,
        json: JSONValue = None,
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Response:
        """Send a PUT; see `request`."""
        return self.request("PUT", path, params=params, json=json, headers=headers, timeout=timeout)

    def patch(
        self,
        path: str,
        *,
        json: JSONValue = None,
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Response:
        """Send a PATCH; retried only with an idempotency key or when it never reached the server."""
        return self.request("PATCH", path, params=params, json=json, headers=headers, timeout=timeout)

    def delete(
        self,
        path: str,
        *,
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Response:
        """Send a DELETE; see `request`."""
        return self.request("DELETE", path, params=params, headers=headers, timeout=timeout)

    def pages(
        self,
        path: str,
        *,
        params: QueryParams | None = None,
        resume: PageState | None = None,
        headers: Mapping[str, str] | None = None,
        spec: PageSpec | None = None,
    ) -> Iterator[Page]:
        """Yield every `Page` with the state to resume after it; start from ``resume`` when given.

        ``headers`` go with every page's request; ``spec`` says how this endpoint pages when it
        differs from the settings (CF-PAGE-8). A page whose call fails is fetched again within
        ``page_recovery_budget`` (CF-PAGE-6).
        """
        pager, recovery = self._paginator(path, params, spec), self._recovery()
        request: PageRequest | None = pager.restore(resume) if resume else pager.first()
        while request is not None:
            records, request = pager.advance(self._fetch_page(request, recovery, headers))
            yield Page(records, pager.state(request) if request else None)

    def _fetch_page(self, request: PageRequest, recovery: PageRecovery, headers: Mapping[str, str] | None) -> Response:
        """GET one page; wait out a failure and fetch it again while the recovery budget lasts."""
        while True:
            try:
                # params=None keeps a next URL's own query
                response = self.get(request.path, params=request.params or None, headers=headers)
            except ConnectorError as error:
                delay = self._page_failed(error, request, recovery)
                if delay is None:
                    raise
                self.clock.sleep(delay)
            else:
                recovery.succeeded(self.clock.now())
                return response

    def paginate(
        self,
        path: str,
        *,
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
        spec: PageSpec | None = None,
    ) -> Iterator[list[JSONValue]]:
        """Yield each page's records, lazily, until the paginator stops (see ``pagination.py``)."""
        for page in self.pages(path, params=params, headers=headers, spec=spec):
            if page.records:
                yield page.records

    def items(
        self,
        path: str,
        *,
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
        spec: PageSpec | None = None,
    ) -> Iterator[JSONValue]:
        """Yield every record of every page."""
        for page in self.paginate(path, params=params, headers=headers, spec=spec):
            yield from page

    def paginate_concurrently(
        self,
        path: str,
        *,
        params: QueryParams | None = None,
        concurrency: int | None = None,
        headers: Mapping[str, str] | None = None,
        spec: PageSpec | None = None,
    ) -> Iterator[list[JSONValue]]:
        """Yield each page's records in order, fetching up to ``concurrency`` pages at once when the total is known.

        For the offset and page kinds with ``total_path`` set, the first page is fetched alone;
        the total it reports says which pages remain, and those are fetched in batches of
        ``concurrency`` (default ``max_concurrency``) on worker threads. Every page goes through
        `request`, so the rate limiter, retries and circuit breaker apply to each, and the bucket
        spaces them out; a failed page is fetched again as in `pages`. At most one batch of pages
        is held at a time. Otherwise (another kind, no total in the body) it pages one by one, as
        `paginate` does.

        The pages are planned from the first page's total: records added during the walk may be
        missed, and a short page in the middle does not end it. Concurrency hides the API's
        latency; when decoding pages already keeps this process busy (an API on the same machine),
        it gains nothing, and the async shell can then be slower than `paginate`.

        Raises:
            ValidationError: ``concurrency`` is below 1 (before anything is sent).
            ConnectorError: The error of the first page (in page order) that failed.
        """
        if concurrency is not None and concurrency < 1:
            raise ValidationError(f"concurrency must be at least 1, got {concurrency}")
        pager, recovery = self._paginator(path, params, spec), self._recovery()
        first = pager.first()
        response = self._fetch_page(first, recovery, headers)
        records = pager.records(response)
        plan = pager.remaining(response, records)
        if records:
            yield records
        if plan is None:  # no total: one page after another
            request = pager.next(response, records)
            while request is not None:
                records, request = pager.advance(self._fetch_page(request, recovery, headers))
                if records:
                    yield records
            return
        size = concurrency or self.settings.max_concurrency
        with ThreadPoolExecutor(max_workers=size, thread_name_prefix="paginate") as pool:
            for start in range(0, len(plan), size):
                batch = [
                    pool.submit(self._page_records, pager, planned, recovery, headers)
                    for planned in plan[start : start + size]
                ]
                for future in batch:
                    records = future.result()  # raises that page's error, in page order
                    if records:
                        yield records

    def _page_records(
        self, pager: Paginator, request: PageRequest, recovery: PageRecovery, headers: Mapping[str, str] | None
    ) -> list[JSONValue]:
        return pager.records(self._fetch_page(request, recovery, headers))


class AsyncConnector(_Base):
    """An asyncio (or trio) connector. Connects on first use; use ``async with`` to close it for you.

    Args:
        settings: Settings; read from the environment when omitted.
        hooks: Callbacks and metrics.
        clock: Source of time; tests pass `testing.FakeClock`.
        rng: Source of retry jitter; tests pass a seeded `random.Random`.
        transport: An `httpx.AsyncBaseTransport`, e.g. `httpx.MockTransport` in tests.
    """

    def __init__(
        self,
        settings: ConnectorSettings | None = None,
        *,
        hooks: Hooks | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(settings, hooks=hooks, clock=clock, rng=rng, transport=transport)
        self._client: httpx.AsyncClient | None = None
        # One permit per request in flight (CF-RATE-5); disconnect() takes them all to wait for the
        # requests to finish.
        self._slots = anyio.Semaphore(self.settings.max_concurrency)

    @property
    def is_connected(self) -> bool:
        """Whether the connection pool is open."""
        return self._client is not None

    async def connect(self) -> None:
        """Open the connection pool (done for you on first use)."""
        self._check_open()
        if self._client is None:
            transport = self._transport if isinstance(self._transport, httpx.AsyncBaseTransport) else None
            self._client = httpx.AsyncClient(transport=transport, **client_options(self.settings, is_async=True))  # type: ignore[arg-type]  # options are built for both clients

    async def disconnect(self) -> None:
        """Let in-flight requests finish (up to ``drain_timeout``), then close the pool."""
        taken = 0
        with anyio.move_on_after(self.settings.drain_timeout):  # on timeout: close anyway
            while taken < self.settings.max_concurrency:  # every permit back: nothing is in flight
                await self._slots.acquire()
                taken += 1
        client, self._client, self._closed = self._client, None, True
        if client is not None:
            await client.aclose()
        for _ in range(taken):  # later calls find the pool closed and fail at once
            self._slots.release()

    async def __aenter__(self: AsyncSelf) -> AsyncSelf:
        await self.connect()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.disconnect()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        json: JSONValue = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        cost: float = 1.0,
        idempotent: bool | None = None,
        security: str | None = None,
    ) -> Response:
        """Send one logical call through the resilience layer and return its `Response`.

        Args:
            method: HTTP method.
            path: Path relative to ``base_url``, or an absolute URL on the same origin.
            params: Query parameters.
            json: JSON body.
            headers: Extra headers; include the idempotency header to let POST/PATCH be retried.
            timeout: Seconds for each phase of each attempt; the settings' timeouts otherwise.
            cost: What the call takes from the rate limiter: 1 per request, or query points.
            idempotent: Whether sending the call twice is harmless; by default GET, HEAD, OPTIONS,
                PUT and DELETE are, and POST and PATCH only with the idempotency header.
            security: The security scheme of this call, when not the default ``auth``: ``"none"``,
                or the name of one of ``settings.security_schemes`` (CF-AUTH-5).

        Raises:
            ConnectorError: A subclass naming what failed, after retries where they apply.
        """
        if self._client is None:
            await self.connect()
        client = self._client
        if client is None:
            raise UnsupportedError(f"{type(self).__name__} is disconnected; create a new connector")
        auth = self._auth_for(security)
        request = self._build(client, method, path, params, json, headers, timeout)
        correlation_id = self.core.caller_correlation_id(headers)
        flow = self.core.call(request, cost=cost, idempotent=idempotent, correlation_id=correlation_id)
        if not tracing_enabled():
            return await self._drive(flow, client, auth)
        with span(f"{method} {request.url.path}", {"http.request.method": method, "url.path": request.url.path}):
            return await self._drive(flow, client, auth)

    async def _drive(self, flow: CallFlow, client: httpx.AsyncClient, auth: httpx.Auth | None) -> Response:
        try:
            action = next(flow)
            while True:
                if isinstance(action, Sleep):
                    await self.clock.asleep(action.seconds)
                    action = flow.send(None)
                    continue
                try:
                    response = await self._send(client, action, auth)
                except ConnectorError as error:
                    action = flow.throw(error)
                else:
                    action = flow.send(response)
        except StopIteration as stop:
            result: Response = stop.value
            return result
        finally:
            flow.close()  # a cancelled call still releases what the core reserved

    async def _send(self, client: httpx.AsyncClient, action: Send, auth: httpx.Auth | None) -> httpx.Response:
        try:  # a free permit is taken at once; the send that follows is where other tasks run
            self._slots.acquire_nowait()
        except anyio.WouldBlock:
            await self._slots.acquire()
        try:
            if client.is_closed:  # disconnect() ran while this call waited to retry, or for its permit
                raise UnsupportedError(f"{type(self).__name__} was disconnected during the call")
            return await client.send(action.request, auth=auth)
        except HTTPX_EXCEPTIONS as exc:
            raise translate_httpx_error(exc, action.request, self.core.redactor) from exc
        finally:
            self._slots.release()

    async def get(
        self,
        path: str,
        *,
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Response:
        """Send a GET; see `request`."""
        return await self.request("GET", path, params=params, headers=headers, timeout=timeout)

    async def post(
        self,
        path: str,
        *,
        json: JSONValue = None,
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Response:
        """Send a POST; retried only with an idempotency key or when it never reached the server."""
        return await self.request("POST", path, params=params, json=json, headers=headers, timeout=timeout)

    async def put(
        self,
        path: str,
        *,
        json: JSONValue = None,
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Response:
        """Send a PUT; see `request`."""
        return await self.request("PUT", path, params=params, json=json, headers=headers, timeout=timeout)

    async def patch(
        self,
        path: str,
        *,
        json: JSONValue = None,
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Response:
        """Send a PATCH; retried only with an idempotency key or when it never reached the server."""
        return await self.request("PATCH", path, params=params, json=json, headers=headers, timeout=timeout)

    async def delete(
        self,
        path: str,
        *,
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Response:
        """Send a DELETE; see `request`."""
        return await self.request("DELETE", path, params=params, headers=headers, timeout=timeout)

    async def pages(
        self,
        path: str,
        *,
        params: QueryParams | None = None,
        resume: PageState | None = None,
        headers: Mapping[str, str] | None = None,
        spec: PageSpec | None = None,
    ) -> AsyncIterator[Page]:
        """Yield every `Page` with the state to resume after it; start from ``resume`` when given.

        ``headers`` go with every page's request; ``spec`` says how this endpoint pages when it
        differs from the settings (CF-PAGE-8). A page whose call fails is fetched again within
        ``page_recovery_budget`` (CF-PAGE-6).
        """
        pager, recovery = self._paginator(path, params, spec), self._recovery()
        request: PageRequest | None = pager.restore(resume) if resume else pager.first()
        while request is not None:
            records, request = pager.advance(await self._fetch_page(request, recovery, headers))
            yield Page(records, pager.state(request) if request else None)

    async def _fetch_page(
        self, request: PageRequest, recovery: PageRecovery, headers: Mapping[str, str] | None
    ) -> Response:
        """GET one page; wait out a failure and fetch it again while the recovery budget lasts."""
        while True:
            try:
                # params=None keeps a next URL's own query
                response = await self.get(request.path, params=request.params or None, headers=headers)
            except ConnectorError as error:
                delay = self._page_failed(error, request, recovery)
                if delay is None:
                    raise
                await self.clock.asleep(delay)
            else:
                recovery.succeeded(self.clock.now())
                return response

    async def paginate(
        self,
        path: str,
        *,
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
        spec: PageSpec | None = None,
    ) -> AsyncIterator[list[JSONValue]]:
        """Yield each page's records, lazily, until the paginator stops (see ``pagination.py``)."""
        async for page in self.pages(path, params=params, headers=headers, spec=spec):
            if page.records:
                yield page.records

    async def items(
        self,
        path: str,
        *,
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
        spec: PageSpec | None = None,
    ) -> AsyncIterator[JSONValue]:
        """Yield every record of every page."""
        async for page in self.paginate(path, params=params, headers=headers, spec=spec):
            for record in page:
                yield record

    async def paginate_concurrently(
        self,
        path: str,
        *,
        params: QueryParams | None = None,
        concurrency: int | None = None,
        headers: Mapping[str, str] | None = None,
        spec: PageSpec | None = None,
    ) -> AsyncIterator[list[JSONValue]]:
        """Yield each page's records in order, fetching up to ``concurrency`` pages at once when the total is known.

        For the offset and page kinds with ``total_path`` set, the first page is fetched alone;
        the total it reports says which pages remain, and those are fetched in batches of
        ``concurrency`` (default ``max_concurrency``) as tasks of one task group. Every page goes
        through `request`, so the rate limiter, retries and circuit breaker apply to each, and the
        bucket spaces them out; a failed page is fetched again as in `pages`. At most one batch of
        pages is held at a time, and nothing is yielded while a batch's tasks run. Otherwise
        (another kind, no total in the body) it pages one by one, as `paginate` does.

        The pages are planned from the first page's total: records added during the walk may be
        missed, and a short page in the middle does not end it. Concurrency hides the API's
        latency; when decoding pages already keeps this process busy (an API on the same machine),
        it gains nothing, and the async shell can then be slower than `paginate`.

        Raises:
            ValidationError: ``concurrency`` is below 1 (before anything is sent).
            ConnectorError: The error of the first page (in page order) that failed; the other
                pages of its batch are cancelled.
        """
        if concurrency is not None and concurrency < 1:
            raise ValidationError(f"concurrency must be at least 1, got {concurrency}")
        pager, recovery = self._paginator(path, params, spec), self._recovery()
        first = pager.first()
        response = await self._fetch_page(first, recovery, headers)
        records = pager.records(response)
        plan = pager.remaining(response, records)
        if records:
            yield records
        if plan is None:  # no total: one page after another
            request = pager.next(response, records)
            while request is not None:
                records, request = pager.advance(await self._fetch_page(request, recovery, headers))
                if records:
                    yield records
            return
        size = concurrency or self.settings.max_concurrency
        for start in range(0, len(plan), size):
            for records in await self._fetch_batch(pager, plan[start : start + size], recovery, headers):
                if records:
                    yield records

    async def _fetch_batch(
        self,
        pager: Paginator,
        batch: list[PageRequest],
        recovery: PageRecovery,
        headers: Mapping[str, str] | None,
    ) -> list[list[JSONValue]]:
        """Fetch ``batch`` concurrently; return each page's records in order or raise the first failure."""
        pages: list[list[JSONValue]] = [[] for _ in batch]
        failures: dict[int, Exception] = {}

        async def fetch(index: int, request: PageRequest) -> None:
            try:
                pages[index] = pager.records(await self._fetch_page(request, recovery, headers))
            except Exception as error:  # re-raised below, outside the task group, in page order
                failures[index] = error
                group.cancel_scope.cancel()

        # The group is entered and left between two yields of the generator, never across one,
        # so closing the generator early cannot leave a task group open.
        async with anyio.create_task_group() as group:
            for index, request in enumerate(batch):
                group.start_soon(fetch, index, request)
        if failures:
            raise failures[min(failures)]
        return pages
