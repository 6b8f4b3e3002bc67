"""Records a grader can rely on: which call a record is, what is still in flight, exact counts across
resets, and the peak overlap computed from records."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import httpx2
import openai
import pytest

from clientlab import MockServer
from clientlab.mock import Record, Stats, peak_in_flight

ASK = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "record me"}]}


def wait_for(condition, seconds: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


def test_a_record_says_which_call_it_is(mock: MockServer) -> None:
    long_prompt = "question 7: " + "why " * 100
    with openai.OpenAI(
        base_url=mock.base_url, api_key="k", organization="org-lab", project="proj-lab", timeout=12.5
    ) as client:
        raw = client.chat.completions.with_raw_response.create(
            model="gpt-4o-mini", messages=[{"role": "system", "content": "s"}, {"role": "user", "content": long_prompt}]
        )
    (record,) = mock.stats().records
    assert record.prompt is not None and len(record.prompt) <= 200 and record.prompt.startswith("question 7: why")
    assert (record.model, record.organization, record.project) == ("gpt-4o-mini", "org-lab", "proj-lab")
    assert (record.read_timeout, record.timeout, record.retry_count, record.attempt) == (12.5, None, 0, 0)
    assert (record.status, record.outcome, record.redirected, record.mock_headers_ignored) == (200, "ok", False, False)
    assert record.request_id == raw.request_id and record.request_id.startswith("req_")


def test_a_stream_counts_its_chunks(mock: MockServer, client: openai.OpenAI) -> None:
    chunks = list(client.chat.completions.create(**ASK, stream=True))
    (record,) = mock.stats().records
    assert record.stream and record.chunks_sent == len(chunks) + 1  # the SDK does not yield [DONE]


def test_a_snapshot_between_calls_shows_what_is_still_open(mock: MockServer) -> None:
    """A stalled call and a slow stream, both open: their records have no end, the stream its chunks so far."""

    def stalled_call() -> None:
        client = openai.OpenAI(base_url=mock.base_url, api_key="k", max_retries=0, timeout=1.5)
        with client, pytest.raises(openai.APITimeoutError):
            client.chat.completions.create(**ASK, extra_headers={"x-mock-stall": "1"})

    stalled = threading.Thread(target=stalled_call)
    stalled.start()
    with openai.OpenAI(base_url=mock.base_url, api_key="k") as client:
        stream = client.chat.completions.create(**ASK, stream=True, extra_headers={"x-mock-chunk-interval-ms": "150"})
        next(iter(stream))
        wait_for(lambda: mock.stats().in_flight == 2)
        time.sleep(0.4)
        stats = mock.stats()
        open_now = {r.stream: r for r in stats.open_records}
        assert set(open_now) == {False, True} and stats.in_flight == 2
        assert all(r.end is None and r.status is None and r.outcome is None for r in open_now.values())
        assert 2 <= open_now[True].chunks_sent < 8
        assert sum(c["open"] for c in stats.connections) == stats.connections_open == 2
        assert stats.peak() == 2 and stats.finished == []
        stream.close()
    stalled.join()
    wait_for(lambda: mock.stats().in_flight == 0)
    outcomes = sorted(r.outcome for r in mock.stats().records)
    assert outcomes == ["disconnected_mid_stream", "stalled"]


def test_reset_while_requests_are_in_flight_keeps_counts_exact(mock: MockServer) -> None:
    mock.configure(latency_ms=600)

    async def main() -> None:
        async with openai.AsyncOpenAI(base_url=mock.base_url, api_key="k") as client:
            old = [asyncio.create_task(client.chat.completions.create(**ASK)) for _ in range(3)]
            while mock.stats(records=False).in_flight < 3:
                await asyncio.sleep(0.02)
            await asyncio.to_thread(mock.reset)
            after_reset = await asyncio.to_thread(mock.stats)
            assert (after_reset.in_flight, after_reset.peak_in_flight, after_reset.requests_total) == (3, 3, 0)
            assert len(after_reset.open_records) == 3 and all(r.start < 0 for r in after_reset.open_records)
            new = [asyncio.create_task(client.chat.completions.create(**ASK)) for _ in range(2)]
            await asyncio.gather(*old, *new)

    asyncio.run(main())
    stats = mock.stats()
    assert (stats.in_flight, stats.peak_in_flight, stats.requests_total) == (0, 5, 2)
    assert len(stats.records) == 5 and len({r.id for r in stats.records}) == 5  # each finished exactly once
    assert stats.peak() == 5 and stats.status_counts == {"200": 5}
    mock.reset()
    again = mock.stats()
    assert (again.in_flight, again.peak_in_flight, again.records) == (0, 0, [])


def test_peak_from_records_counts_open_ones_and_filters_paths() -> None:
    def record(i: int, start: float, end: float | None, path: str = "/v1/chat/completions") -> Record:
        return Record.from_dict(
            {"id": i, "method": "POST", "path": path, "start": start, "end": end, "status": None, "outcome": None}
        )

    records = [
        record(1, 0.0, 1.0),
        record(2, 0.5, 1.5),
        record(3, 1.0, 2.0),  # starts as 1 ends: not an overlap
        record(4, 1.2, None),  # still in flight
        record(5, 1.3, 1.4, "/v1/embeddings"),
    ]
    assert peak_in_flight(records) == 4  # 2, 3, 4 and 5 at 1.3
    stats = Stats(0, 0, 5, 1, 4, {}, records=records)
    assert stats.peak() == 4
    assert stats.peak(paths=["/v1/chat/completions"]) == 3
    assert stats.peak(paths="/v1/embeddings") == 1
    assert [r.id for r in stats.open_records] == [4] and records[3].in_flight


def test_stats_json_lists_requests_in_flight_last_with_null_ends(mock: MockServer) -> None:
    headers = {"Authorization": "Bearer k"}
    httpx2.post(mock.base_url + "/embeddings", headers=headers, json={"model": "m", "input": "done"})
    body = b'{"model": "m", "input": "still waiting"}'
    request = (
        b"POST /v1/embeddings HTTP/1.1\r\nhost: x\r\nauthorization: Bearer k\r\nx-mock-stall: 1\r\n"
        b"content-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body)
    )
    with socket.create_connection((mock.host, mock.port)) as sock:
        sock.sendall(request)
        wait_for(lambda: mock.stats(records=False).in_flight == 1)
        data = httpx2.get(mock.url + "/_mock/stats", headers=mock.control_headers()).json()
    assert [(r["prompt"], r["end"] is None, r["outcome"]) for r in data["records"]] == [
        ("done", False, "ok"),
        ("still waiting", True, None),
    ]
    wait_for(lambda: mock.stats(records=False).in_flight == 0)
    assert mock.stats().records[-1].outcome == "stalled"
