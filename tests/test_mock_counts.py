"""Exact counts and behaviour controls, checked through the real SDK."""

from __future__ import annotations

import asyncio
import time

import httpx2
import openai
import pytest

from clientlab import MockServer

ASK = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "count me"}]}


def test_sequential_calls_through_one_client_use_one_connection(mock: MockServer, client: openai.OpenAI) -> None:
    for _ in range(10):
        client.chat.completions.create(**ASK)
    stats = mock.stats()
    assert (stats.requests_total, stats.connections_opened, stats.peak_in_flight) == (10, 1, 1)
    assert {r.conn for r in stats.records} == {stats.records[0].conn}


def test_a_client_per_call_opens_a_connection_per_call(mock: MockServer) -> None:
    for _ in range(5):
        with openai.OpenAI(base_url=mock.base_url, api_key="k") as client:
            client.chat.completions.create(**ASK)
    stats = mock.stats()
    assert (stats.requests_total, stats.connections_opened, stats.connections_open) == (5, 5, 0)
    assert len({r.conn for r in stats.records}) == 5


def test_control_calls_are_not_counted(mock: MockServer) -> None:
    for _ in range(3):
        mock.stats()
    mock.configure(latency_ms=0)
    stats = mock.stats()
    assert (stats.requests_total, stats.connections_opened, stats.connections_open) == (0, 0, 0)


def test_with_options_copies_share_the_pool(mock: MockServer, client: openai.OpenAI) -> None:
    for seconds in (1, 2, 3, 4):
        client.with_options(timeout=seconds).chat.completions.create(**ASK)
    stats = mock.stats()
    assert stats.connections_opened == 1
    assert [r.read_timeout for r in stats.records] == [1.0, 2.0, 3.0, 4.0]


@pytest.mark.parametrize("k", [3, 7])
def test_pool_limited_to_k_gives_peak_k(mock: MockServer, k: int) -> None:
    mock.configure(latency_ms=100)

    async def main() -> None:
        http_client = openai.DefaultAsyncHttpxClient(
            limits=httpx2.Limits(max_connections=k, max_keepalive_connections=k)
        )
        async with openai.AsyncOpenAI(base_url=mock.base_url, api_key="k", http_client=http_client) as c:
            await asyncio.gather(*(c.chat.completions.create(**ASK) for _ in range(4 * k)))

    asyncio.run(main())
    stats = mock.stats()
    assert (stats.requests_total, stats.peak_in_flight, stats.connections_opened) == (4 * k, k, k)


def test_concurrent_requests_overlap_at_the_server(mock: MockServer) -> None:
    mock.configure(latency_ms=200)

    async def main() -> None:
        async with openai.AsyncOpenAI(base_url=mock.base_url, api_key="k") as c:
            await asyncio.gather(*(c.chat.completions.create(**ASK) for _ in range(30)))

    asyncio.run(main())
    stats = mock.stats()
    assert stats.peak_in_flight == 30 and stats.in_flight == 0


def test_fail_first_two_takes_three_attempts(mock: MockServer, client: openai.OpenAI) -> None:
    answer = client.chat.completions.create(
        **ASK, extra_headers={"x-mock-fail-first": "2", "x-mock-retry-after-ms": "10"}
    )
    assert answer.choices[0].message.content
    records = mock.stats().records
    assert [(r.attempt, r.retry_count, r.status) for r in records] == [(0, 0, 500), (1, 1, 500), (2, 2, 200)]


def test_fail_first_groups_attempts_by_idempotency_key_when_sent(mock: MockServer, client: openai.OpenAI) -> None:
    headers = {"x-mock-fail-first": "1", "x-mock-retry-after-ms": "10", "Idempotency-Key": "abc"}
    client.chat.completions.create(**ASK, extra_headers=headers)
    client.chat.completions.create(**ASK, extra_headers=headers)  # the key's second life: attempt 2 succeeds
    records = mock.stats().records
    assert [(r.attempt, r.status, r.idempotency_key) for r in records] == [
        (0, 500, "abc"),
        (1, 200, "abc"),
        (2, 200, "abc"),
    ]


def test_retries_exhausted_raise_the_status_error(mock: MockServer, client: openai.OpenAI) -> None:
    mock.configure(status=429, retry_after_ms="10")
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(**ASK)
    assert info.value.code == "rate_limit_exceeded"
    assert mock.stats().status_counts == {"429": 3}


def test_retry_after_is_honoured(mock: MockServer, client: openai.OpenAI) -> None:
    client.with_options(max_retries=1).chat.completions.create(
        **ASK, extra_headers={"x-mock-fail-first": "1", "x-mock-fail-status": "503", "x-mock-retry-after": "1"}
    )
    first, second = mock.stats().records
    # Without Retry-After the SDK's first backoff is at most 0.5 s; with it, about 1 s.
    assert second.start - first.end >= 0.9


def test_dropped_connection_raises_api_connection_error(mock: MockServer, client: openai.OpenAI) -> None:
    with pytest.raises(openai.APIConnectionError):
        client.with_options(max_retries=1).chat.completions.create(**ASK, extra_headers={"x-mock-drop": "1"})
    stats = mock.stats()
    assert stats.outcome_counts == {"dropped": 2} and stats.connections_opened == 2


def test_drop_first_attempt_then_succeed(mock: MockServer, client: openai.OpenAI) -> None:
    client.chat.completions.create(**ASK, extra_headers={"x-mock-drop": "1", "x-mock-fail-first": "1"})
    assert [r.outcome for r in mock.stats().records] == ["dropped", "ok"]


def test_stall_with_a_short_timeout_raises_api_timeout_error(mock: MockServer, client: openai.OpenAI) -> None:
    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        client.with_options(timeout=0.3, max_retries=0).chat.completions.create(
            **ASK, extra_headers={"x-mock-stall": "1"}
        )
    assert time.monotonic() - started < 3
    deadline = time.monotonic() + 3
    while mock.stats().in_flight and time.monotonic() < deadline:  # the server notices the client leaving
        time.sleep(0.05)
    stats = mock.stats()
    assert stats.in_flight == 0 and stats.records[0].outcome == "stalled"
    assert stats.records[0].read_timeout == 0.3


def test_latency_is_applied(mock: MockServer, client: openai.OpenAI) -> None:
    started = time.monotonic()
    client.chat.completions.create(**ASK, extra_headers={"x-mock-latency-ms": "300"})
    assert time.monotonic() - started >= 0.3
    assert mock.stats().records[0].duration >= 0.3


def test_chunk_interval_spreads_a_stream(mock: MockServer, client: openai.OpenAI) -> None:
    started = time.monotonic()
    chunks = list(client.chat.completions.create(**ASK, stream=True, extra_headers={"x-mock-chunk-interval-ms": "50"}))
    assert len(chunks) >= 5
    assert time.monotonic() - started >= 0.05 * (len(chunks) - 1)


def test_missing_api_key_gets_401(mock: MockServer) -> None:
    client = openai.OpenAI(base_url=mock.base_url, api_key="k", default_headers={"Authorization": ""})
    with client, pytest.raises(openai.AuthenticationError) as info:
        client.chat.completions.create(**ASK)
    assert info.value.status_code == 401 and "API key" in info.value.message


def test_client_disconnect_mid_stream_is_recorded_not_fatal(mock: MockServer, client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(**ASK, stream=True, extra_headers={"x-mock-chunk-interval-ms": "100"})
    next(iter(stream))
    stream.close()
    deadline = time.monotonic() + 3
    while mock.stats().in_flight and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mock.stats().records[0].outcome == "disconnected_mid_stream"
    assert client.chat.completions.create(**ASK).choices[0].message.content  # still serving


def test_reset_zeroes_counts_but_keeps_open_connections(mock: MockServer, client: openai.OpenAI) -> None:
    client.chat.completions.create(**ASK)
    mock.reset()
    client.chat.completions.create(**ASK)
    stats = mock.stats()
    assert (stats.requests_total, stats.connections_opened, stats.connections_open) == (1, 0, 1)


def test_server_wide_defaults_from_the_constructor() -> None:
    with MockServer(mode="thread", fail_first=1, retry_after_ms="10") as mock:
        client = openai.OpenAI(base_url=mock.base_url, api_key="k")
        client.chat.completions.create(**ASK)
        assert [r.status for r in mock.stats().records] == [500, 200]


def test_fail_first_without_sdk_headers_groups_by_request_body(mock: MockServer) -> None:
    """curl-style clients send no retry count: identical requests are attempts of one request."""
    headers = {"Authorization": "Bearer k", "x-mock-fail-first": "1"}
    first = httpx2.post(mock.base_url + "/chat/completions", headers=headers, json=ASK)
    again = httpx2.post(mock.base_url + "/chat/completions", headers=headers, json=ASK)
    other = httpx2.post(mock.base_url + "/chat/completions", headers=headers, json={**ASK, "model": "other"})
    assert (first.status_code, again.status_code, other.status_code) == (500, 200, 500)
    assert [r.attempt for r in mock.stats().records] == [0, 1, 0]
