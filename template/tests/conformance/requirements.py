"""The SPEC.md requirements: ID, level and one line each. `conftest.py` reports against this list."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["REQUIREMENTS", "Requirement"]


class Requirement(NamedTuple):
    """One numbered requirement of SPEC.md."""

    id: str
    level: str
    text: str


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("CF-LIFE-1", "MUST", "connect lazily on first request; also connect() and is_connected."),
    Requirement("CF-LIFE-2", "MUST", "support `with` / `async with`, closing the pool on exit."),
    Requirement(
        "CF-LIFE-3",
        "MUST",
        "disconnect() lets in-flight requests finish (drain_timeout 30 s), then closes; any later use raises "
        "UnsupportedError (UNSUPPORTED).",
    ),
    Requirement(
        "CF-LIFE-4",
        "MUST",
        "the sync and async connectors expose the same public methods with the same signatures.",
    ),
    Requirement(
        "CF-REQ-1",
        "MUST",
        "every call goes through request(method, path, *, params, json, headers, timeout).",
    ),
    Requirement("CF-REQ-2", "MUST", "get/post/put/patch/delete helpers built on request."),
    Requirement(
        "CF-REQ-3",
        "MUST",
        "Response keeps status, headers, data and meta (duration, attempts, correlation_id, rate_limit).",
    ),
    Requirement(
        "CF-REQ-4",
        "MUST",
        "a fresh correlation ID per logical call is sent as X-Correlation-ID (same on every attempt) and "
        "replaced by the server's request ID (X-Request-ID, Request-ID) when it returns one.",
    ),
    Requirement(
        "CF-REQ-5",
        "SHOULD",
        "JSON bodies are decoded; other media types give text; an empty body gives None.",
    ),
    Requirement(
        "CF-REQ-6",
        "SHOULD",
        "generated methods send the Accept their operation declares (JSON and *+json media types of its responses).",
    ),
    Requirement(
        "CF-CONF-1",
        "MUST",
        "every setting can be passed as a keyword argument or an environment variable <PREFIX>_<FIELD>.",
    ),
    Requirement(
        "CF-CONF-2",
        "MUST",
        "credentials are read only at run time (env or argument), held as SecretStr; the template never asks "
        "for or stores them.",
    ),
    Requirement("CF-CONF-3", "MUST", "invalid settings are rejected when the config is built, naming the field."),
    Requirement(
        "CF-AUTH-1",
        "MUST",
        "support none, api_key_header, api_key_query, bearer, basic, oauth2_client_credentials.",
    ),
    Requirement(
        "CF-AUTH-2",
        "MUST",
        "a missing credential raises AuthError (AUTH_FAILED) naming the environment variable, before anything is sent.",
    ),
    Requirement(
        "CF-AUTH-3",
        "MUST",
        "OAuth2 client-credentials tokens are cached, refreshed 30 s before expiry, and refreshed once on a 401.",
    ),
    Requirement("CF-AUTH-4", "MUST", "401 and 403 raise AuthError and are not retried."),
    Requirement(
        "CF-AUTH-5",
        "MUST",
        "an operation whose security differs from the default is sent with its own scheme, from credentials of their "
        "own (<PREFIX>_<SCHEME>_TOKEN, ...), held as SecretStr and redacted.",
    ),
    Requirement(
        "CF-RETRY-1",
        "MUST",
        "retry network errors, timeouts and 408, 425, 429, 500, 502, 503, 504; never other 4xx.",
    ),
    Requirement("CF-RETRY-2", "MUST", "3 retries by default (4 attempts), configurable."),
    Requirement(
        "CF-RETRY-3",
        "MUST",
        "exponential backoff with equal jitter: cap = min(backoff_max 30, backoff_initial 1 * "
        "backoff_multiplier 2 ** (n-1)); delay uniform in [cap/2, cap].",
    ),
    Requirement("CF-RETRY-4", "MUST", "Retry-After in seconds or as an HTTP date replaces the backoff delay."),
    Requirement(
        "CF-RETRY-5",
        "MUST",
        "a total retry budget per logical call (60 s) ends retries before the attempt limit; rate-limit waits"
        " count against it.",
    ),
    Requirement(
        "CF-RETRY-6",
        "MUST",
        "POST and PATCH are retried only with an Idempotency-Key header or when the request never reached the"
        " server (connect failure).",
    ),
    Requirement("CF-RETRY-7", "MUST", "every retry fires the on_retry hooks with a RetryEvent and logs a warning."),
    Requirement("CF-RETRY-8", "MUST", "when retries run out the last error is raised, with attempts set."),
    Requirement(
        "CF-BREAK-1",
        "MUST",
        "opens after 5 consecutive unhealthy failures (network errors, timeouts, 5xx); other 4xx and 429 do "
        "not count and reset the count.",
    ),
    Requirement(
        "CF-BREAK-2",
        "MUST",
        "while open, calls fail fast with CircuitOpenError (CIRCUIT_OPEN) without touching the network.",
    ),
    Requirement(
        "CF-BREAK-3",
        "MUST",
        "after 60 s it half-opens and admits a limited number of probes (1); a success closes it, a failure "
        "reopens it.",
    ),
    Requirement(
        "CF-BREAK-4",
        "MUST",
        "state changes are logged and reported to the metrics hook and on_breaker_change hooks.",
    ),
    Requirement(
        "CF-RATE-1",
        "MUST",
        "a token bucket with rate and burst holds requests back (waits) instead of failing.",
    ),
    Requirement(
        "CF-RATE-2",
        "SHOULD",
        "quotas per minute, hour and day are never exceeded in any window of that length.",
    ),
    Requirement(
        "CF-RATE-3",
        "MUST",
        "adapts from X-RateLimit-Limit/Remaining/Reset and IETF RateLimit-* headers: with remaining 0 it "
        "waits until the reset.",
    ),
    Requirement("CF-RATE-4", "MUST", "a 429 with Retry-After pauses every call of the connector for that long."),
    Requirement("CF-RATE-5", "MUST", "at most max_concurrency (10) requests are in flight at once."),
    Requirement(
        "CF-RATE-6",
        "SHOULD",
        "API-specific headers and cost-based limits plug in (header_parser; cost per request).",
    ),
    Requirement(
        "CF-RATE-7",
        "MUST",
        "rate_limit=N alone never lets more than N requests reach the server in any second, each slot freed a "
        "second after the answer that held it; rate_burst opts into a token bucket that starts full.",
    ),
    Requirement(
        "CF-RATE-8",
        "MUST",
        "the remaining count the API reports is shared by concurrent calls: each reserves its share before it is "
        "sent and holds it until answered; before the first count and after each reset, one call at a time.",
    ),
    Requirement(
        "CF-RATE-9",
        "MUST",
        "a reset is read as seconds from now, a Unix time in seconds or in milliseconds; one more than 31 days "
        "away or not a number is ignored with one warning; a wait beyond the retry budget fails at once.",
    ),
    Requirement(
        "CF-ERR-1",
        "MUST",
        "one hierarchy rooted at ConnectorError; everything raised at run time subclasses it.",
    ),
    Requirement(
        "CF-ERR-2",
        "MUST",
        "each error has a stable code from: NETWORK_ERROR, TIMEOUT, AUTH_FAILED, RATE_LIMIT, INVALID_REQUEST,"
        " NOT_FOUND, SERVER_ERROR, PARSING_ERROR, VALIDATION_ERROR, CANCELLED, UNSUPPORTED, CIRCUIT_OPEN.",
    ),
    Requirement(
        "CF-ERR-3",
        "MUST",
        "errors carry status, retryable, correlation_id, source, details; the original exception is chained.",
    ),
    Requirement("CF-ERR-4", "MUST", "every httpx exception class is translated at one boundary."),
    Requirement("CF-ERR-5", "MUST", "a success response whose JSON is malformed raises ParsingError (PARSING_ERROR)."),
    Requirement("CF-PAGE-1", "MUST", "paginate() yields pages (lists of records) lazily; items() flattens them."),
    Requirement(
        "CF-PAGE-2",
        "MUST",
        "offset, page, cursor, next_url and link_header pagination are selected by settings.",
    ),
    Requirement(
        "CF-PAGE-3",
        "MUST",
        "pagination always terminates: empty page, short page, repeated cursor or next URL, or max_pages (10 000).",
    ),
    Requirement(
        "CF-PAGE-4",
        "MUST",
        "next-page URLs on another origin are refused, so credentials never leave the API.",
    ),
    Requirement(
        "CF-PAGE-5",
        "MUST",
        "cycles end pagination: the first page's URL or cursor counts as seen, every cursor or next URL read is"
        " kept (at most max_pages), and a page equal to the previous one is not read twice.",
    ),
    Requirement(
        "CF-PAGE-6",
        "MUST",
        "walks (pages, items, extract, dlt) fetch a failed page again, waiting out an open circuit, within"
        " page_recovery_budget (900 s); single calls still fail fast. Under 20 % 5xx, 5 % resets and 5 % 429s a"
        " 10 000-record walk with default settings loses and repeats nothing.",
    ),
    Requirement(
        "CF-PAGE-7",
        "MUST",
        "extract writes its checkpoint before its output and after each page; whatever stops it (a failed first"
        " request, Ctrl-C, SIGKILL), the same command resumes or starts cleanly.",
    ),
    Requirement(
        "CF-PAGE-8",
        "MUST",
        "pages/paginate/items take a PageSpec that pages one endpoint its own way; generated iterators pass the one "
        "inferred from the description.",
    ),
    Requirement(
        "CF-HOOK-1",
        "MUST",
        "hooks run in this order: before_request (each attempt), after_response (each answer), on_retry "
        "(before each wait), on_error (once, on final failure).",
    ),
    Requirement(
        "CF-HOOK-2",
        "MUST",
        "a before_request hook can replace the request, and can abort the call by raising (CancelledError).",
    ),
    Requirement(
        "CF-OBS-1",
        "MUST",
        "logs go to the package logger (stdlib logging) with structured fields method, path, status, "
        "duration, attempt, correlation_id; the root logger is never configured.",
    ),
    Requirement(
        "CF-OBS-2",
        "MUST",
        "a metrics hook receives counters (requests, errors, retries, breaker_transitions, throttled_waits) "
        "and latencies (request_duration).",
    ),
    Requirement(
        "CF-OBS-3",
        "MUST",
        "secret values and values of sensitive names are redacted in logs, exception messages, reprs and hook"
        " payloads.",
    ),
    Requirement(
        "CF-OBS-4",
        "SHOULD",
        "OpenTelemetry spans are emitted when opentelemetry is installed, with no hard dependency.",
    ),
    Requirement(
        "CF-TIME-1",
        "MUST",
        "connect/read/write/pool timeouts come from settings (30 s each) and can be overridden per call.",
    ),
    Requirement("CF-TIME-2", "MUST", "a timeout raises RequestTimeoutError (TIMEOUT), which is retryable."),
    Requirement("CF-TIME-3", "SHOULD", "cancelling an async call propagates and frees its concurrency slot."),
    Requirement(
        "CF-VAL-1",
        "MUST",
        "settings are validated: base_url is an absolute http(s) URL, numbers are in range.",
    ),
    Requirement(
        "CF-VAL-2",
        "SHOULD",
        "typed resource methods validate arguments before sending, raising ValidationError (VALIDATION_ERROR).",
    ),
    Requirement(
        "CF-VAL-3",
        "SHOULD",
        "enums in answer models are open (an unknown value parses and is kept); arguments and request bodies stay "
        "closed.",
    ),
    Requirement(
        "CF-SEC-1",
        "MUST",
        "secrets never appear in logs, printed output, exceptions or reprs (tested by planting a secret).",
    ),
    Requirement("CF-SEC-2", "MUST", "TLS verification cannot be turned off; a private CA bundle can be added."),
    Requirement(
        "CF-SEC-3",
        "MUST",
        "messages name method, host, path and status, never query strings, headers or bodies.",
    ),
    Requirement(
        "CF-SEC-4",
        "MUST",
        "values from the answers and the API description enter code only as escaped literals and docstrings.",
    ),
    Requirement(
        "CF-SEC-5",
        "MUST",
        "no credentials in URLs: a base_url or token_url with user:password@ is refused, naming the variables "
        "to use, and never repeated.",
    ),
    Requirement(
        "CF-SEC-6",
        "MUST",
        "secrets the API echoes are hidden: in error details (Basic credentials and percent-encoded keys"
        " too) and in the records of every logger under httpx and httpcore; username and client_id stay out of"
        " repr and model_dump.",
    ),
    Requirement(
        "CF-SEC-7",
        "MUST",
        "kept URLs hold no credential: it is stripped from next links before Page, PageState, before_request"
        " hooks or checkpoints see them, and sent once; checkpoints are mode 0600.",
    ),
    Requirement("CF-TEST-1", "MUST", "the tests run offline against a real local HTTP server on 127.0.0.1."),
    Requirement(
        "CF-TEST-2",
        "MUST",
        "a conformance suite marks each test with its requirement ID and prints a compliance report.",
    ),
    Requirement(
        "CF-TEST-3",
        "SHOULD",
        "generated methods are checked against the API description itself: from OpenAPI, every method and iterator "
        "against Prism serving api/ (static and dynamic answers), skipped with the install command without Prism; "
        "from GraphQL, every operation document validates against api/schema.graphql.",
    ),
    Requirement(
        "CF-TEST-4",
        "SHOULD",
        "every generated model parses the instances hypothesis-jsonschema draws from its description's schema.",
    ),
    Requirement(
        "CF-DOC-1",
        "MUST",
        "the README covers install, configuration (env vars), sync and async use, errors, pagination and updating.",
    ),
    Requirement("CF-DOC-2", "MUST", "every public name has a docstring."),
)
