"""Everything a connector decides, with no I/O: one logical call as a generator of actions.

`ConnectorCore.call` yields `Send` (send this request, give me the response) and `Sleep` (wait
this long) and returns the final `Response` or raises a `ConnectorError`. The sync and the async
connector in ``client.py`` only drive it: they send, sleep and loop. Retry, circuit breaker, rate
limiting, hooks, logging and metrics therefore behave identically in both (CF-LIFE-4).
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable, Generator
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
from .events import BreakerChange, Hooks, RetryEvent, ThrottleEvent
from .observability import logger
from .redaction import Redactor, basic_credentials, redact_library_logs
from .resilience.breaker import BreakerState, CircuitBreaker
from .resilience.bucket import RateLimiter
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
        self._request_id_headers = tuple(name.lower() for name in settings.request_id_headers)
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
        )

    def call(self, request: httpx.Request, *, cost: float = 1.0, idempotent: bool | None = None) -> CallFlow:
        """Run one logical call: admit, throttle, send, classify, retry; return the `Response`.

        ``cost`` is what the request takes from the rate limiter (1 per request, or query points).
        ``idempotent`` overrides the method's own safety (e.g. a GraphQL query sent by POST).
        """
        settings, clock = self.settings, self.clock
        started = clock.now()
        correlation_id = request.headers.get(settings.correlation_header) or uuid.uuid4().hex
        request.headers[settings.correlation_header] = correlation_id
        has_key = settings.idempotency_header in request.headers or bool(idempotent)
        source = describe(request)
        attempt = 0
        error: ConnectorError | None = None
        while True:
            attempt += 1
            left = settings.retry_budget - (clock.now() - started)
            wait = self.limiter.reserve(clock.now(), cost, within=left)  # books nothing beyond the budget
            if wait > 0:
                if wait > left:
                    self._fail(
                        RateLimitError(
                            f"rate limit would hold the call {wait:.1f}s, beyond the retry budget",
                            retryable=False,
                            source=source,
                            correlation_id=correlation_id,
                            retry_after=wait,
                            attempts=attempt,
                        )
                    )
                self._throttled(ThrottleEvent(request.method, request.url.path, wait, correlation_id))
                yield Sleep(wait)
            try:
                outgoing = self._before_request(request)
            except ConnectorError as exc:  # a hook aborted the call (e.g. CancelledError)
                exc.correlation_id, exc.attempts = correlation_id, attempt
                self._fail(exc)
            if not self.breaker.allow(clock.now()):
                # A retry refused by the breaker ends with the error that was being retried.
                self._fail(error or self._circuit_open(source, correlation_id))
            sent_at = clock.now()
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
                correlation_id = self._server_request_id(response) or correlation_id
                try:
                    result = self._handle_response(response, correlation_id, started, attempt)
                except ConnectorError as exc:  # a success whose body could not be decoded
                    exc.correlation_id, exc.attempts = correlation_id, attempt
                    self._fail(exc)
                if isinstance(result, Response):
                    return result
                error = result
            self._record_attempt(request, error.status, sent_at, attempt, correlation_id)
            error.correlation_id, error.attempts = correlation_id, attempt
            if error.source is None:
                error.source = source
            if _is_unhealthy(error):
                self.breaker.record_failure(clock.now())
            else:
                self.breaker.record_success()  # the API answered: it is up (this also frees a probe slot)
            sent = not isinstance(error, TransportError) or error.request_sent
            decision = self.retry.decide(
                error,
                attempt=attempt,
                method=request.method,
                has_idempotency_key=has_key,
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

    def _server_request_id(self, response: httpx.Response) -> str | None:
        present = response.headers.keys()  # lower-case names, read in one pass
        for name in self._request_id_headers:
            if name not in present:
                continue
            value = response.headers.get(name)
            if value and value != response.request.headers.get(self.settings.correlation_header):
                return str(value)
        return None

    def _handle_response(
        self, response: httpx.Response, correlation_id: str, started: float, attempt: int
    ) -> Response | ConnectorError:
        now = self.clock.now()
        status = self.limiter.observe(response.headers, now=now, wall=self.clock.wall())
        if self.hooks.after_response:
            view = self._hook_view(response)
            for hook in self.hooks.after_response:
                hook(view)
        if response.status_code < 400:
            self.breaker.record_success()
            self._record_attempt(response.request, response.status_code, now, attempt, correlation_id)
            data = decode_body(response, describe(response.request))
            for inspect in self.inspectors:
                hidden = inspect(response, data)
                if hidden is not None:
                    return hidden
            meta = ResponseMeta(now - started, attempt, correlation_id, status)
            return Response(response.status_code, response.headers, data, meta, self.redactor.text(str(response.url)))
        retry_after = parse_retry_after(response.headers.get("retry-after"), wall=self.clock.wall())
        if response.status_code == 429 and retry_after is not None:
            self.limiter.block(now, retry_after)
        return error_from_response(
            response, redactor=self.redactor, correlation_id=correlation_id, retry_after=retry_after
        )

    def _record_attempt(
        self, request: httpx.Request, status: int | None, sent_at: float, attempt: int, correlation_id: str
    ) -> None:
        duration = self.clock.now() - sent_at
        tags = {"method": request.method, "status": str(status)}
        self.hooks.metrics.increment("requests", tags=tags)
        self.hooks.metrics.observe("request_duration", duration, tags=tags)
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
