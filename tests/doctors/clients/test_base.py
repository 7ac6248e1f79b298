"""The shared plumbing: rate limiter, retries with backoff, cache and offline behaviour."""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx
import pytest

from secondopinion.doctors.clients.base import (
    ApiError,
    JsonFetcher,
    MemoryCache,
    OfflineError,
    RateLimiter,
    as_int,
    cache_key,
)

URL = "https://example.test/api"


def make_fetcher(clock, limiter, cache=None, **kw) -> JsonFetcher:
    return JsonFetcher(
        source="the test service",
        limiter=limiter,
        cache=cache,
        sleep=clock.sleep,
        now=clock.now,
        **kw,
    )


def assert_budget_kept(times: list[float], max_calls: int, period: float) -> None:
    ordered = sorted(times)
    for i in range(len(ordered) - max_calls):
        # Any max_calls + 1 consecutive calls must span at least one period.
        assert ordered[i + max_calls] - ordered[i] >= period - 1e-9


# --- rate limiter -----------------------------------------------------------------------------


def test_it_never_exceeds_the_budget_over_a_burst(clock):
    limiter = RateLimiter(3, 1.0, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(30):
        limiter.acquire()
        starts.append(clock())  # the moment the call would really go out
    assert_budget_kept(starts, 3, 1.0)
    # ...and it is not needlessly slow: 30 calls at 3 a second (plus the 0.1 s safety margin
    # per window) start within 9.9 seconds.
    assert starts[-1] == pytest.approx(9.9)


def test_it_keeps_the_budget_when_many_threads_burst_at_once(clock):
    limiter = RateLimiter(10, 1.0, clock=clock, sleep=lambda _s: None)
    slots: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(25):
            slot = limiter.acquire()
            with lock:
                slots.append(slot)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(slots) == 200
    assert_budget_kept(slots, 10, 1.0)


def test_it_lets_calls_through_at_once_when_the_budget_allows(clock):
    limiter = RateLimiter(3, 1.0, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        limiter.acquire()
    assert clock.sleeps == []


def test_it_refuses_a_nonsense_budget():
    with pytest.raises(ValueError):
        RateLimiter(0, 1.0)


# --- retries ----------------------------------------------------------------------------------


def test_it_retries_a_timeout_then_succeeds(api, clock, limiter):
    route = api.get(URL).mock(
        side_effect=[httpx.ReadTimeout("slow"), httpx.Response(200, json={"ok": True})]
    )
    fetched = make_fetcher(clock, limiter).get_json(URL, {"q": "x"})
    assert fetched.data == {"ok": True}
    assert route.call_count == 2
    assert clock.sleeps[0] == pytest.approx(0.5)  # first backoff step


def test_it_retries_429_then_succeeds_and_honours_retry_after(api, clock, limiter):
    route = api.get(URL).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "2"}, json={"error": "slow down"}),
            httpx.Response(200, json={"ok": True}),
        ]
    )
    fetched = make_fetcher(clock, limiter).get_json(URL, {})
    assert fetched.data == {"ok": True}
    assert route.call_count == 2
    assert 2.0 in clock.sleeps


def test_it_backs_off_exponentially_on_server_errors(api, clock, limiter):
    api.get(URL).mock(
        side_effect=[httpx.Response(503), httpx.Response(502), httpx.Response(200, json=[])]
    )
    make_fetcher(clock, limiter).get_json(URL, {})
    assert clock.sleeps[:2] == [0.5, 1.0]


def test_it_gives_up_on_lasting_server_trouble_with_a_plain_message(api, clock, limiter):
    route = api.get(URL).mock(return_value=httpx.Response(500))
    with pytest.raises(ApiError) as info:
        make_fetcher(clock, limiter, attempts=3).get_json(URL, {})
    assert route.call_count == 3
    assert info.value.transient
    assert "having trouble" in info.value.message


def test_it_does_not_retry_a_bad_request(api, clock, limiter):
    route = api.get(URL).mock(return_value=httpx.Response(400, text="bad"))
    with pytest.raises(ApiError) as info:
        make_fetcher(clock, limiter).get_json(URL, {})
    assert route.call_count == 1
    assert not info.value.transient


def test_it_reports_no_connection_as_offline(api, clock, limiter):
    api.get(URL).mock(side_effect=httpx.ConnectError("no route"))
    with pytest.raises(OfflineError) as info:
        make_fetcher(clock, limiter).get_json(URL, {})
    assert "internet" in info.value.message


def test_it_says_unreadable_answers_plainly(api, clock, limiter):
    api.get(URL).mock(return_value=httpx.Response(200, text="<html>maintenance</html>"))
    with pytest.raises(ApiError, match="could not read"):
        make_fetcher(clock, limiter).get_json(URL, {})


# --- cache ------------------------------------------------------------------------------------


def test_it_answers_from_a_fresh_cache_without_the_network(api, clock, limiter, cache):
    route = api.get(URL).mock(return_value=httpx.Response(200, json={"n": 1}))
    fetcher = make_fetcher(clock, limiter, cache)
    first = fetcher.get_json(URL, {"q": "x"})
    clock.advance(days=6)
    second = fetcher.get_json(URL, {"q": "x"})
    assert route.call_count == 1
    assert second.from_cache and not second.stale
    assert second.fetched_at == first.fetched_at


def test_it_refreshes_an_entry_older_than_seven_days(api, clock, limiter, cache):
    route = api.get(URL).mock(return_value=httpx.Response(200, json={"n": 1}))
    fetcher = make_fetcher(clock, limiter, cache)
    fetcher.get_json(URL, {})
    clock.advance(days=7, seconds=1)
    again = fetcher.get_json(URL, {})
    assert route.call_count == 2
    assert not again.from_cache


def test_it_falls_back_to_the_old_copy_when_offline(api, clock, limiter, cache):
    route = api.get(URL).mock(return_value=httpx.Response(200, json={"n": 1}))
    fetcher = make_fetcher(clock, limiter, cache)
    first = fetcher.get_json(URL, {})
    clock.advance(days=30)
    route.mock(side_effect=httpx.ConnectError("offline"))
    old = fetcher.get_json(URL, {})
    assert old.data == {"n": 1}
    assert old.stale and old.from_cache
    assert old.fetched_at == first.fetched_at


def test_it_raises_offline_when_nothing_was_saved(api, clock, limiter, cache):
    api.get(URL).mock(side_effect=httpx.ConnectTimeout("offline"))
    with pytest.raises(OfflineError):
        make_fetcher(clock, limiter, cache).get_json(URL, {})


def test_it_never_caches_an_error_hidden_in_a_200(api, clock, limiter, cache):
    api.get(URL).mock(return_value=httpx.Response(200, json={"Errors": ["x"]}))

    def check(data):
        if "Errors" in data:
            raise ApiError("no", source="t")

    with pytest.raises(ApiError):
        make_fetcher(clock, limiter, cache).get_json(URL, {}, check=check)
    assert len(cache) == 0


def test_it_leaves_identity_params_out_of_the_cache_key():
    base = {"term": "smith", "tool": "a", "email": "x@example.org"}
    assert cache_key(URL, base) == cache_key(URL, dict(base, api_key="k", email="y@example.org"))
    assert cache_key(URL, base) != cache_key(URL, dict(base, term="jones"))


def test_it_reads_numbers_sent_as_strings_or_ints():
    assert as_int("31") == 31
    assert as_int(31) == 31
    assert as_int(" 7 ") == 7
    assert as_int(None) == 0
    assert as_int("n/a", default=-1) == -1


def test_memory_cache_keeps_the_date_it_was_given(clock):
    cache = MemoryCache()
    cache.set("k", [1], stored_at=clock.now())
    entry = cache.get("k")
    assert entry is not None and entry.value == [1]
    assert clock.now() - entry.stored_at < timedelta(seconds=1)


def test_it_starts_sentences_with_a_capital(api, clock, limiter):
    api.get(URL).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(OfflineError) as info:
        make_fetcher(clock, limiter).get_json(URL, {})
    assert info.value.message.startswith("The test service did not answer in time.")
