"""Everything a connector decides, with no I/O: one logical call as a generator of actions.

`ConnectorCore.call` yields `Send` (send this request, give me the response) and `Sleep` (wait
this long) and returns the final `Response` or raises a `ConnectorError`. The sync and the async
connector in ``client.py`` only drive it: they send, sleep and loop. Retry, circuit breaker, rate
limiting, hooks, logging and metrics therefore behave identically in both (CF-LIFE-4).
"""

from __future__ import annotations

import itertools
import logging
import os
import random
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import NoReturn

import httpx

from .errors import (
    CircuitOpenError,
    ConnectorError,
    RateLimitError,
    ServerError,
    TransportError,
)
from .events import BreakerChange, Hooks, NullMetrics, RetryEvent, ThrottleEvent
from .observability import logger
from .redaction import Redactor, basic_credentials, redact_library_logs
from .resilience.breaker import BreakerState, CircuitBreaker
from .resilience.bucket import FREE, RateLimiter, Ticket
from .resilience.clock import Clock
from .resilience.retry import RetryPolicy, parse_retry_after
from .response import JSONValue, Response, ResponseMeta
from .settings import ConnectorSettings
from .transport import decode_body, describe, error_from_response

__all__ = ["Action", "CallFlow", "ConnectorCore", "ResponseInspector", "Send", "Sleep"]


@dataclass(frozen=True)
class Send:
    """Send ``request`` and resume the flow with the `httpx.Response` (or throw a `TransportError`)."""

    request: httpx.Request


@dataclass(frozen=True)
class Sleep:
    """Wait ``seconds``, then resume the flow with None."""

    seconds: float


Action = Send | Sleep
CallFlow = Generator[Action, "httpx.Response | None", Response]

#: Looks at a successful answer's decoded body and returns the error it hides, if any (for APIs
#: such as GraphQL that report failures inside HTTP 200). Returned errors go through the same
#: retry and hook steps as HTTP errors.
ResponseInspector = Callable[[httpx.Response, JSONValue], "ConnectorError | None"]


def _is_unhealthy(error: ConnectorError) -> bool:
    """Network errors, timeouts and 5xx count against the breaker; other answers show the API is up."""
    return isinstance(error, (TransportError, ServerError))


class ConnectorCore:
    """The policies of one connector instance and the flow of each call through them.

    Args:
        settings: The connector's settings.
        clock: Source of time (`resilience.SystemClock` in production).
        rng: Source of jitter.
        hooks: Callbacks and metrics.
    """

    def __init__(self, settings: ConnectorSettings, *, clock: Clock, rng: random.Random, hooks: Hooks) -> None:
        self.settings = settings
        self.clock = clock
        self.hooks = hooks
        self.inspectors: list[ResponseInspector] = []
        self._request_id_order = tuple(name.lower().encode("latin-1") for name in settings.request_id_headers)
        self._scanned_headers = frozenset({*self._request_id_order, b"content-type"})
        self._correlation_name = settings.correlation_header.lower()
        self._id_prefix = os.urandom(8).hex()
        self._ids = itertools.count()
        self._warned_reset = False
        secrets = settings.secret_values()
        if settings.auth == "basic" and settings.username and settings.password:  # echoed as Basic <base64>
            secrets.append(basic_credentials(settings.username, settings.password.get_secret_value()))
        self.redactor = Redactor(secrets, names=settings.credential_names())
        redact_library_logs(secrets)
        self.retry = RetryPolicy(
            max_retries=settings.max_retries,
            initial=settings.backoff_initial,
            multiplier=settings.backoff_multiplier,
            maximum=settings.backoff_max,
            budget=settings.retry_budget,
            rng=rng,
        )
        self.breaker = CircuitBreaker(
            threshold=settings.breaker_threshold,
            cooldown=settings.breaker_cooldown,
            probes=settings.breaker_probes,
            on_change=self._breaker_changed,
        )
        self.limiter = RateLimiter(
            now=clock.now(),
            rate=settings.rate_limit,
            burst=settings.rate_burst,
            quotas=settings.quotas(),
            adaptive=settings.adaptive_rate_limit,
            concurrency=settings.max_concurrency,
        )

    def call(
        self,
        request: httpx.Request,
        *,
        cost: float = 1.0,
        idempotent: bool | None = None,
        correlation_id: str | None = None,
    ) -> CallFlow:
        """Run one logical call: admit, throttle, send, classify, retry; return the `Response`.

        ``cost`` is what the request takes from the rate limiter (1 per request, or query points).
        ``idempotent`` overrides the method's own safety (e.g. a GraphQL query sent by POST).
        ``correlation_id`` is the caller's own ID (see `caller_correlation_id`); None: a fresh one.
        Either way it is sent in the ``correlation_header`` of every attempt (CF-REQ-4).
        """
        settings, clock, limiter = self.settings, self.clock, self.limiter
        started = clock.now()
        correlation_id = correlation_id or self.new_correlation_id()
        request.headers[settings.correlation_header] = correlation_id
        attempt = 0
        error: ConnectorError | None = None
        while True:
            attempt += 1
            now = clock.now()
            ticket = limiter.admit(now, cost, within=settings.retry_budget - (now - started))
            if ticket.wait > 0 or not ticket.granted:
                ticket = yield from self._hold(request, ticket, cost, started, attempt, correlation_id)
            settled = ticket is FREE
            try:
                try:
                    outgoing = self._before_request(request)
                except ConnectorError as exc:  # a hook aborted the call (e.g. CancelledError)
                    exc.correlation_id, exc.attempts = correlation_id, attempt
                    self._fail(exc)
                sent_at = clock.now()
                if not self.breaker.allow(sent_at):
                    # A retry refused by the breaker ends with the error that was being retried.
                    self._fail(error or self._circuit_open(describe(request), correlation_id))
                try:
                    response = yield Send(outgoing)
                except ConnectorError as exc:  # no HTTP answer: a transport error, or auth that failed first
                    error = exc
                except GeneratorExit:  # the caller was cancelled mid-send: free a half-open probe slot
                    self.breaker.release()
                    raise
                else:
                    if response is None:  # the drivers always resume a Send with a response
                        raise TypeError("a Send was resumed without a response")
                    settled = True  # _handle_response hands the ticket back first thing
                    found = self._answer_headers(response)
                    media_type = found.pop(b"content-type", b"").decode("latin-1")
                    if found:  # the others are request IDs
                        correlation_id = self._server_request_id(found, response, correlation_id) or correlation_id
                    try:
                        result = self._handle_response(
                            response, media_type, ticket, correlation_id, started, sent_at, attempt
                        )
                    except ConnectorError as exc:  # a success whose body could not be decoded
                        exc.correlation_id, exc.attempts = correlation_id, attempt
                        self._fail(exc)
                    if isinstance(result, Response):
                        return result
                    error = result
            finally:
                if not settled:  # no answer (an error, a refusal, a cancellation): hand the ticket back
                    limiter.settle(ticket, now=clock.now())
            self._record_attempt(request, error.status, clock.now() - sent_at, attempt, correlation_id)
            error.correlation_id, error.attempts = correlation_id, attempt
            if error.source is None:
                error.source = describe(request)
            if _is_unhealthy(error):
                self.breaker.record_failure(clock.now())
            else:
                self.breaker.record_success()  # the API answered: it is up (this also frees a probe slot)
            sent = not isinstance(error, TransportError) or error.request_sent
            decision = self.retry.decide(
                error,
                attempt=attempt,
                method=request.method,
                has_idempotency_key=bool(idempotent) or settings.idempotency_header in request.headers,
                sent=sent,
                elapsed=clock.now() - started,
            )
            if not decision.retry:
                self._fail(error)
            event = RetryEvent(
                request.method,
                request.url.path,
                attempt,
                decision.delay,
                error.code.value,
                error.status,
                correlation_id,
            )
            self._retrying(event)
            yield Sleep(decision.delay)

    def _hold(
        self, request: httpx.Request, ticket: Ticket, cost: float, started: float, attempt: int, correlation_id: str
    ) -> Generator[Action, httpx.Response | None, Ticket]:
        """Wait until the limiter grants the call, asking again while it cannot say yet; return the ticket.

        Fails with `RateLimitError`, without waiting, when the wait would break the retry budget.
        Hooks and the log hear of the first hold of each attempt only: asking again while a probe
        is out can take several short waits.
        """
        settings, clock, limiter = self.settings, self.clock, self.limiter
        first = True
        while True:
            left = settings.retry_budget - (clock.now() - started)
            if ticket.wait > left:
                self._fail(
                    RateLimitError(
                        f"rate limit would hold the call {ticket.wait:.1f}s, beyond the retry budget",
                        retryable=False,
                        source=describe(request),
                        correlation_id=correlation_id,
                        retry_after=ticket.wait,
                        attempts=attempt,
                    )
                )
            if first:
                self._throttled(ThrottleEvent(request.method, request.url.path, ticket.wait, correlation_id))
                first = False
            try:
                yield Sleep(ticket.wait)
            except GeneratorExit:  # cancelled while waiting: a granted ticket still goes back
                if ticket.granted:
                    limiter.settle(ticket, now=clock.now())
                raise
            if ticket.granted:
                return ticket
            now = clock.now()
            ticket = limiter.admit(now, cost, within=settings.retry_budget - (now - started))
            if ticket.granted and ticket.wait <= 0:
                return ticket

    def caller_correlation_id(self, headers: Mapping[str, str] | None) -> str | None:
        """Return the correlation ID among a caller's ``headers`` (any case), if there is one."""
        if not headers:
            return None
        name = self._correlation_name
        return next((value for key, value in headers.items() if key.lower() == name), None)

    def new_correlation_id(self) -> str:
        """Return a fresh correlation ID: 32 hex digits, random per connector, then a counter.

        Unique without a system call per request (`uuid.uuid4` reads the OS's randomness each time).
        """
        return f"{self._id_prefix}{next(self._ids):016x}"

    def add_secret(self, secret: str) -> None:
        """Redact ``secret`` from now on (a credential obtained at run time, e.g. an access token)."""
        self.redactor.add([secret])
        redact_library_logs([secret])

    # -- steps of the flow: each a plain method, shared by both connectors -----------------------

    def _circuit_open(self, source: str, correlation_id: str) -> CircuitOpenError:
        return CircuitOpenError(
            "circuit open: the API failed repeatedly; failing fast",
            source=source,
            correlation_id=correlation_id,
            retry_after=self.breaker.retry_in(self.clock.now()),
        )

    def _before_request(self, request: httpx.Request) -> httpx.Request:
        if not self.hooks.before_request:
            return request
        # Hooks get a fresh copy on every attempt: the auth flow writes credentials into the request
        # it sends, and a retry must not hand them to the hooks (CF-OBS-3).
        outgoing = httpx.Request(
            request.method,
            request.url,
            headers=request.headers,
            content=request.content,
            extensions=dict(request.extensions),
        )
        for hook in self.hooks.before_request:
            outgoing = hook(outgoing) or outgoing
        return outgoing

    def _hook_view(self, response: httpx.Response) -> httpx.Response:
        """Return the response as hooks see it: credentials removed from its request (CF-OBS-3)."""
        sent = response.request
        headers = {name: str(value) for name, value in self.redactor.mapping(dict(sent.headers)).items()}
        request = httpx.Request(sent.method, self.redactor.text(str(sent.url)), headers=headers)
        return httpx.Response(response.status_code, headers=response.headers, content=response.content, request=request)

    def _answer_headers(self, response: httpx.Response) -> dict[bytes, bytes]:
        """Return the answer's request-ID and content-type headers (lower-case names, raw values).

        One pass over the raw names, decoding nothing: this runs on every answer, and most carry
        no request ID.
        """
        wanted = self._scanned_headers
        return {name.lower(): value for name, value in response.headers.raw if name.lower() in wanted}

    def _server_request_id(self, found: dict[bytes, bytes], response: httpx.Response, sent: str) -> str | None:
        """Return the server's request ID: the first of ``request_id_headers`` present, unless it echoes ``sent``."""
        for name in self._request_id_order:
            value = found.get(name)
            if value:
                text = value.decode(response.headers.encoding)
                if text != sent:
                    return text
        return None

    def _handle_response(
        self,
        response: httpx.Response,
        media_type: str,
        ticket: Ticket,
        correlation_id: str,
        started: float,
        sent_at: float,
        attempt: int,
    ) -> Response | ConnectorError:
        now = self.clock.now()
        status = self.limiter.settle(ticket, now=now, headers=response.headers, wall=self.clock.wall())
        if status is not None and status.ignored_reset is not None:
            self._ignored_reset(status.ignored_reset)
        if self.hooks.after_response:
            view = self._hook_view(response)
            for hook in self.hooks.after_response:
                hook(view)
        code = response.status_code
        if code < 400:
            self.breaker.record_success()
            self._record_attempt(response.request, code, now - sent_at, attempt, correlation_id)
            data = decode_body(response, media_type=media_type)
            for inspect in self.inspectors:
                hidden = inspect(response, data)
                if hidden is not None:
                    return hidden
            meta = ResponseMeta(now - started, attempt, correlation_id, status)
            return Response(code, response.headers, data, meta, self.redactor.text(str(response.url)))
        retry_after = parse_retry_after(response.headers.get("retry-after"), wall=self.clock.wall())
        if code == 429 and retry_after is not None:
            self.limiter.block(now, retry_after)
        return error_from_response(
            response, redactor=self.redactor, correlation_id=correlation_id, retry_after=retry_after
        )

    def _ignored_reset(self, value: str) -> None:
        """Warn, once per connector, that the API sent a rate-limit reset that makes no sense (CF-RATE-9)."""
        if self._warned_reset:
            return
        self._warned_reset = True
        logger.warning(
            "ignoring the rate-limit reset %r: not seconds from now, nor a Unix time in seconds or "
            "milliseconds within 31 days; later ones are ignored silently",
            self.redactor.text(value)[:40],
        )

    def _record_attempt(
        self, request: httpx.Request, status: int | None, duration: float, attempt: int, correlation_id: str
    ) -> None:
        metrics = self.hooks.metrics
        if type(metrics) is not NullMetrics:  # skip building tags nobody reads
            tags = {"method": request.method, "status": str(status)}
            metrics.increment("requests", tags=tags)
            metrics.observe("request_duration", duration, tags=tags)
        if not logger.isEnabledFor(logging.DEBUG):  # skip building the record's fields
            return
        logger.debug(
            "%s %s -> %s",
            request.method,
            request.url.path,
            status,
            extra={
                "method": request.method,
                "path": request.url.path,
                "status": status,
                "duration": duration,
                "attempt": attempt,
                "correlation_id": correlation_id,
            },
        )

    def _throttled(self, event: ThrottleEvent) -> None:
        self.hooks.metrics.increment("throttled_waits")
        self.hooks.metrics.observe("throttle_wait", event.wait)
        for hook in self.hooks.on_throttle:
            hook(event)
        logger.info(
            "rate limit: holding %s %s for %.3fs",
            event.method,
            event.path,
            event.wait,
            extra={"method": event.method, "path": event.path, "correlation_id": event.correlation_id},
        )

    def _retrying(self, event: RetryEvent) -> None:
        self.hooks.metrics.increment("retries", tags={"code": event.code})
        for hook in self.hooks.on_retry:
            hook(event)
        logger.warning(
            "retrying %s %s after %s (attempt %d) in %.3fs",
            event.method,
            event.path,
            event.code,
            event.attempt,
            event.delay,
            extra={
                "method": event.method,
                "path": event.path,
                "status": event.status,
                "attempt": event.attempt,
                "correlation_id": event.correlation_id,
            },
        )

    def _fail(self, error: ConnectorError) -> NoReturn:
        """Report the final error to hooks, metrics and the log, then raise it."""
        self.hooks.metrics.increment("errors", tags={"code": error.code.value})
        for hook in self.hooks.on_error:
            hook(error)
        logger.error(
            "%s",
            self.redactor.text(str(error)),
            extra={"status": error.status, "attempt": error.attempts, "correlation_id": error.correlation_id},
        )
        raise error

    def _breaker_changed(self, old: BreakerState, new: BreakerState) -> None:
        change = BreakerChange(old.value, new.value)
        self.hooks.metrics.increment("breaker_transitions", tags={"to": new.value})
        for hook in self.hooks.on_breaker_change:
            hook(change)
        logger.warning("circuit breaker %s -> %s", old.value, new.value)
