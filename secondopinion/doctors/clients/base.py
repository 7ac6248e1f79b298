"""Shared plumbing for the public-registry clients: errors, rate limiting, caching, HTTP.

Pure Python (httpx + tenacity), nothing from Django. Every client goes through
`JsonFetcher.get_json`, which:

1. looks in the cache; a fresh entry (younger than `max_age`) is returned without any network;
2. otherwise waits for the host's shared rate limiter, asks the server, and retries transient
   failures (timeouts, connection errors, HTTP 429 and 5xx) with exponential backoff;
3. lets the caller check the body (several of these APIs report errors inside HTTP 200) before
   anything is cached;
4. when the server cannot be reached and an older cached copy exists, returns that copy marked
   `stale`, so the page can say "we could not refresh this; here is what we found on <date>".
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
)

USER_AGENT = "SecondOpinionNavigator/0.1 (open-source patient tool)"
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
CACHE_MAX_AGE = timedelta(days=7)
TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})

# Parameters that identify the caller, not the question: they never become part of a cache key,
# so setting an API key later does not throw away what is already cached.
_NOT_IN_CACHE_KEY = frozenset({"tool", "email", "api_key"})


# --- errors -------------------------------------------------------------------------------------


class LookupFailed(Exception):
    """Base class. `message` is a plain sentence that can be shown to a patient."""

    def __init__(self, message: str, *, source: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.source = source


class OfflineError(LookupFailed):
    """The service could not be reached (no internet, timeouts, DNS), even after retries."""


class ApiError(LookupFailed):
    """The service answered, but with an error (bad request, error inside HTTP 200, 5xx).

    `transient` is true for server trouble that may pass (429, 5xx after retries); such
    failures may fall back to a cached copy, like OfflineError.
    """

    def __init__(
        self, message: str, *, source: str = "", status: int | None = None, transient: bool = False
    ) -> None:
        super().__init__(message, source=source)
        self.status = status
        self.transient = transient


class _RetryableStatus(Exception):
    """Internal: an HTTP status worth retrying; carries Retry-After when the server sent it."""

    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


# --- rate limiting ------------------------------------------------------------------------------


class RateLimiter:
    """At most `max_calls` calls in any window of `period` seconds. Thread-safe.

    A sliding log of reserved start times: each caller reserves the earliest slot that keeps the
    budget, under the lock, then sleeps outside it. Because slots are handed out under one lock,
    no interleaving of threads can exceed the budget. `clock` and `sleep` are injectable so tests
    run instantly.

    `margin` widens the window a little: a thread leaves the lock, wakes from sleep and sends its
    request a moment after its slot, so without it a server counting arrival times could see one
    call too many (bench/doctors_limiter.py measured 5 in a second for a 3-a-second budget).
    """

    def __init__(
        self,
        max_calls: int,
        period: float = 1.0,
        *,
        margin: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_calls < 1 or period <= 0 or margin < 0:
            raise ValueError("max_calls must be >= 1, period > 0 and margin >= 0")
        self.max_calls = max_calls
        self.period = period + margin
        self._clock = clock
        self._sleep = sleep
        self._slots: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Block until a call is allowed; return the reserved slot time (clock units)."""
        with self._lock:
            now = self._clock()
            if len(self._slots) < self.max_calls:
                slot = now
            else:
                slot = max(now, self._slots[0] + self.period)
                self._slots.popleft()
            # Slots are non-decreasing, so the deque stays sorted oldest-first.
            if self._slots and slot < self._slots[-1]:
                slot = self._slots[-1]
            self._slots.append(slot)
        wait = slot - now
        if wait > 0:
            self._sleep(wait)
        return slot


_limiters: dict[str, RateLimiter] = {}
_limiters_lock = threading.Lock()


def shared_limiter(name: str, *, max_calls: int, period: float = 1.0) -> RateLimiter:
    """One limiter per (name, budget) for the whole process, shared by every client instance.

    Background workers run several lookups at once; sharing the limiter keeps the process as a
    whole polite, not each lookup separately.
    """
    key = f"{name}:{max_calls}/{period}"
    with _limiters_lock:
        limiter = _limiters.get(key)
        if limiter is None:
            limiter = _limiters[key] = RateLimiter(max_calls, period)
        return limiter


# --- cache --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CacheEntry:
    stored_at: datetime
    value: Any


class Cache(Protocol):
    """Where raw JSON answers are kept. The Django app provides a database implementation."""

    def get(self, key: str) -> CacheEntry | None: ...

    def set(self, key: str, value: Any, *, stored_at: datetime) -> None: ...


class MemoryCache:
    """In-process cache, for tests and the command line without a database."""

    def __init__(self) -> None:
        self._data: dict[str, CacheEntry] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> CacheEntry | None:
        with self._lock:
            return self._data.get(key)

    def set(self, key: str, value: Any, *, stored_at: datetime) -> None:
        with self._lock:
            self._data[key] = CacheEntry(stored_at=stored_at, value=value)

    def __len__(self) -> int:
        return len(self._data)


class NoCache:
    """Never stores anything (for `--live` smoke runs that must hit the network)."""

    def get(self, key: str) -> CacheEntry | None:
        return None

    def set(self, key: str, value: Any, *, stored_at: datetime) -> None:
        return None


def cache_key(url: str, params: Mapping[str, Any]) -> str:
    kept = {k: str(v) for k, v in params.items() if k not in _NOT_IN_CACHE_KEY}
    raw = url + "?" + json.dumps(kept, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()


# --- fetching -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    """A JSON body with where it came from: `fetched_at` is when the server sent it."""

    data: Any
    fetched_at: datetime
    from_cache: bool = False
    stale: bool = False


def real_sleep(seconds: float) -> None:
    time.sleep(seconds)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _is_transient(exc: BaseException) -> bool:
    return isinstance(exc, _RetryableStatus | httpx.TimeoutException | httpx.TransportError)


def _parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # HTTP-date form: fall back to our own backoff


class _Backoff:
    """Exponential backoff (base, 2*base, 4*base ... capped); honours Retry-After on 429/503."""

    def __init__(self, base: float, cap: float) -> None:
        self.base = base
        self.cap = cap

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _RetryableStatus) and exc.retry_after is not None:
            return float(min(exc.retry_after, self.cap))
        return float(min(self.base * 2 ** (state.attempt_number - 1), self.cap))


class JsonFetcher:
    """GET JSON politely: cache, shared rate limit, timeouts, retries with backoff.

    `source` is the human name used in error messages ("PubMed").
    """

    def __init__(
        self,
        *,
        source: str,
        limiter: RateLimiter,
        cache: Cache | None = None,
        client: httpx.Client | None = None,
        attempts: int = 4,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        sleep: Callable[[float], None] | None = None,
        now: Callable[[], datetime] = utc_now,
        max_age: timedelta = CACHE_MAX_AGE,
    ) -> None:
        self.source = source
        self.limiter = limiter
        self.cache: Cache = cache if cache is not None else NoCache()
        self.client = client or httpx.Client(
            timeout=DEFAULT_TIMEOUT, headers={"User-Agent": USER_AGENT}, follow_redirects=True
        )
        self.attempts = attempts
        self._backoff = _Backoff(backoff_base, backoff_cap)
        # Looked up at construction, not import, so tests can swap the module's real_sleep.
        self._sleep = sleep if sleep is not None else real_sleep
        self._now = now
        self.max_age = max_age

    @property
    def source_start(self) -> str:
        """The source name at the start of a sentence ("the NPI registry" -> "The NPI registry")."""
        return self.source[:1].upper() + self.source[1:]

    def get_json(
        self,
        url: str,
        params: Mapping[str, Any],
        *,
        check: Callable[[Any], None] | None = None,
    ) -> Fetched:
        """Return the JSON body for url+params. `check` raises ApiError on an error body."""
        key = cache_key(url, params)
        entry = self.cache.get(key)
        now = self._now()
        if entry is not None and now - entry.stored_at < self.max_age:
            return Fetched(entry.value, entry.stored_at, from_cache=True)
        try:
            data = self._get_with_retries(url, params)
            if check is not None:
                check(data)
        except (OfflineError, ApiError) as exc:
            can_fall_back = isinstance(exc, OfflineError) or exc.transient
            if entry is not None and can_fall_back:
                return Fetched(entry.value, entry.stored_at, from_cache=True, stale=True)
            raise
        fetched_at = self._now()
        self.cache.set(key, data, stored_at=fetched_at)
        return Fetched(data, fetched_at)

    def _get_once(self, url: str, params: Mapping[str, Any]) -> Any:
        self.limiter.acquire()
        response = self.client.get(url, params=dict(params))
        if response.status_code in TRANSIENT_STATUSES:
            raise _RetryableStatus(
                response.status_code, _parse_retry_after(response.headers.get("Retry-After"))
            )
        if response.status_code >= 400:
            raise ApiError(
                f"{self.source_start} turned the request down (error {response.status_code}).",
                source=self.source,
                status=response.status_code,
            )
        try:
            return response.json()
        except ValueError:
            raise ApiError(
                f"{self.source_start} sent an answer we could not read.", source=self.source
            ) from None

    def _get_with_retries(self, url: str, params: Mapping[str, Any]) -> Any:
        retrying = Retrying(
            retry=retry_if_exception(_is_transient),
            stop=stop_after_attempt(self.attempts),
            wait=self._backoff,
            sleep=self._sleep,
            reraise=True,
        )
        try:
            return retrying(self._get_once, url, params)
        except _RetryableStatus as exc:
            if exc.status == 429:
                message = f"{self.source_start} is busy and asked us to slow down. Try again later."
            else:
                message = f"{self.source_start} is having trouble right now. Try again later."
            raise ApiError(message, source=self.source, status=exc.status, transient=True) from None
        except httpx.TimeoutException:
            raise OfflineError(
                f"{self.source_start} did not answer in time. Check the internet connection.",
                source=self.source,
            ) from None
        except httpx.TransportError:
            raise OfflineError(
                f"Could not reach {self.source}. Check the internet connection.",
                source=self.source,
            ) from None


def as_int(value: Any, default: int = 0) -> int:
    """Numbers arrive as strings ("31") or ints depending on the API version; accept both."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default
