"""Helpers for lesson 05 (streaming without leaking connections): clients with a small pool, streams
opened and read (or not) in the ways people write them, a server that hangs up mid-stream, and the
mock's figures once the hang-ups it has to notice have arrived."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import openai

from ..mock import MockServer, Stats

MODEL = "gpt-4o-mini"
QUESTION = "one two three four five six seven eight nine ten"
"""Ten words: the mock echoes them, one word a chunk, so a stream has 14 chunks (role, 11 words, stop, [DONE])."""


def messages(question: str = QUESTION) -> list[dict[str, str]]:
    """The `messages=` of a one-question chat."""
    return [{"role": "user", "content": question}]


def small_pool(*, connections: int = 2, pool_timeout: float = 0.3, max_retries: int = 0) -> openai.OpenAI:
    """A sync client whose pool holds `connections` connections and waits `pool_timeout` s for a free one
    (600 s for the other phases, as the SDK's default), configured by the environment like `OpenAI()`."""
    http_client = openai.DefaultHttpxClient(limits=httpx2.Limits(max_connections=connections))
    return openai.OpenAI(
        http_client=http_client, timeout=httpx2.Timeout(600, connect=5, pool=pool_timeout), max_retries=max_retries
    )


def small_async_pool(
    *, connections: int = 2, pool_timeout: float = 0.3, max_retries: int = 0, aiohttp: bool = False
) -> openai.AsyncOpenAI:
    """The async twin of `small_pool`; `aiohttp=True` gives it the SDK's aiohttp transport
    (`DefaultAioHttpClient`) instead of httpx2's."""
    factory = openai.DefaultAioHttpClient if aiohttp else openai.DefaultAsyncHttpx2Client
    http_client = factory(limits=httpx2.Limits(max_connections=connections))
    return openai.AsyncOpenAI(
        http_client=http_client, timeout=httpx2.Timeout(600, connect=5, pool=pool_timeout), max_retries=max_retries
    )


def open_stream(client: openai.OpenAI, question: str = QUESTION, **options: Any) -> openai.Stream[Any]:
    """A streamed chat completion, not read yet."""
    return client.chat.completions.create(model=MODEL, messages=messages(question), stream=True, **options)


async def open_async_stream(
    client: openai.AsyncOpenAI, question: str = QUESTION, **options: Any
) -> openai.AsyncStream[Any]:
    """A streamed chat completion through an async client, not read yet."""
    return await client.chat.completions.create(model=MODEL, messages=messages(question), stream=True, **options)


def words(chunk: Any) -> str:
    """The text a chat completion chunk carries ('' for the role and stop chunks)."""
    return (chunk.choices[0].delta.content or "") if chunk.choices else ""


def read_all(stream: openai.Stream[Any]) -> str:
    """Every piece of text in a stream, joined: reads it to the end."""
    return "".join(words(chunk) for chunk in stream)


async def read_all_async(stream: openai.AsyncStream[Any]) -> str:
    """The async twin of `read_all`."""
    return "".join([words(chunk) async for chunk in stream])


def first_chunk(client: openai.OpenAI, **options: Any) -> Any:
    """The usual way to leak a stream: return from inside the loop, leaving nothing that refers to it."""
    for chunk in open_stream(client, **options):
        return chunk
    return None


def quiet_stats(mock: MockServer, wait: float = 3.0) -> Stats:
    """The mock's stats once nothing is in flight and the count of open connections has stopped moving
    (a client's hang-up reaches the server a moment later), or after `wait` seconds."""
    deadline = time.monotonic() + wait
    previous = mock.stats()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        stats = mock.stats()
        if stats.in_flight == 0 and stats.connections_open == previous.connections_open:
            return stats
        previous = stats
    return previous


def still_open(stats: Stats) -> int:
    """How many of the connections that carried the recorded requests are still open (connections left
    open by earlier cells, which a reset doesn't close, are not counted)."""
    used = {r.conn for r in stats.records}
    return sum(1 for c in stats.connections if c["id"] in used and c["closed"] is None)


@contextlib.contextmanager
def gc_held_off() -> Iterator[None]:
    """Inside the block the cyclic garbage collector does not run by itself (only `gc.collect()` runs it),
    so what it would free at some unknown moment stays alive until we say so."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
