# %% [markdown]
# # 05 · Streaming without leaking connections
#
# With `stream=True` the answer arrives word by word, and your code holds the other end of an HTTP
# response that is still being sent. Until that response is finished or closed, **it holds a connection
# of the client's pool**. Most streaming code reads every stream to the end and never notices. The code
# that stops early (it found what it wanted, the user pressed stop, an exception left the loop) is the
# code that slowly runs out of connections, and it rarely fails where the mistake is.
#
# In this lesson you will measure, against the mock server:
#
# 1. that a stream holds its connection until it is read to the end or closed, and what abandoned
#    streams do to a small pool;
# 2. why dropping a stream doesn't free it (only the garbage collector does, some time later);
# 3. `with`, `async with` and `close()`, which release it at once, and why hanging up is the right trade;
# 4. sync chat streams, which throw their connection away even when read to the end, and async ones,
#    which keep it; the sync patterns that keep it;
# 5. stopping at `finish_reason == "stop"`, which loses the connection even in async code;
# 6. what happens to streams when something fails, and what the SDK retries;
# 7. the SDK's aiohttp transport, and where it differs.
#
# The mock sends a stream one word per chunk. It echoes our ten-word question ("You said: one two ... ten"),
# so it sends 15 events per stream: the role chunk, 12 words, the stop chunk, and `[DONE]` (your loop sees the
# first 14). When a cell needs the stream to be still running, it asks the mock to pause between chunks
# (`x-mock-chunk-interval-ms`: usually 150 ms; a cell says when it uses another value), and the
# mock records whether the client went away before the end (outcome `disconnected_mid_stream`) or got
# everything (outcome `ok`).

# %%
import contextlib
import gc
import weakref
from time import perf_counter

import httpx2
import matplotlib.pyplot as plt
import openai
from openai import AsyncOpenAI, OpenAI

from clientlab import MockServer
from clientlab.lessons.streaming import (
    MODEL,
    first_chunk,
    gc_held_off,
    messages,
    open_async_stream,
    open_stream,
    quiet_stats,
    read_all,
    read_all_async,
    small_async_pool,
    small_pool,
    still_open,
    words,
)
from clientlab.lessons.timeouts import ask, describe, run, table
from clientlab.plots.streams import connection_timelines

SLOW = {"x-mock-chunk-interval-ms": "150"}  # a stream that takes about 2 s to send
mock = MockServer(set_env=True).start()
print("openai", openai.__version__, "| httpx2", httpx2.__version__)
print("mock server:", mock.base_url)

# %% [markdown]
# `open_stream(client, **options)` is `client.chat.completions.create(..., stream=True)` with our
# ten-word question; `read_all(stream)` reads a stream to the end and returns its text; `ask(client,
# question)` is the plain, non-streamed call of the earlier lessons. `small_pool()` builds an `OpenAI()`
# whose pool holds **2 connections** and waits **0.3 s** for a free one, without retries, so that running
# out of connections shows at once (lesson 03 built such clients with `http_client=`).
#
# ## 1. A stream holds its connection until it is read to the end or closed
#
# Open a stream, take its first chunk, and ask the server what it sees. Then read the rest.

# %%
client = small_pool()  # 2 connections, pool timeout 0.3 s, max_retries=0
mock.reset()
stream = open_stream(client, extra_headers={"x-mock-chunk-interval-ms": "50"})
first = next(stream)
during = mock.stats()
print(f"after the first chunk: {during.in_flight} stream in flight, {still_open(during)} connection open")
text = read_all(stream)
after = quiet_stats(mock)
print(f"read to the end: {first.choices[0].delta.role} said {text!r}")
print(f"after the last chunk: {after.in_flight} in flight, outcome {after.records[0].outcome!r}")
assert (during.in_flight, still_open(during)) == (1, 1)
assert after.in_flight == 0 and after.records[0].outcome == "ok"

# %% [markdown]
# While you hold the stream, its request is in flight and its connection is busy: nobody else can use
# it. Now the mistake. Two streams are opened and left after their first word (the loop `break`s), with
# the `Stream` objects still kept in a list, as a handler might keep them. Then a third, ordinary call
# through the same client:

# %%
mock.reset()
kept = []
for _ in range(2):
    stream = open_stream(client, extra_headers=SLOW)
    for chunk in stream:
        if words(chunk):
            break  # we have the first word: that's all we wanted
    kept.append(stream)
third = run(lambda: ask(client, "is a connection free?"))
held = mock.stats()
print(f"the third call: {third.raised}, after {third.seconds:.2f} s")
print(f"the server: {held.requests_total} requests received, {still_open(held)} connections open")
assert type(third.error) is openai.APITimeoutError and type(third.error.__cause__) is httpx2.PoolTimeout
assert held.requests_total == 2 and still_open(held) == 2

# %% [markdown]
# Both connections belong to streams nobody reads, so the third call waits for a free connection, gives up
# after its pool timeout and raises `APITimeoutError` (caused by `PoolTimeout`). It never reached the server:
# a pool timeout happens inside your process (lesson 04, section 2). With the SDK's defaults it would not
# fail fast:

# %%
defaults = OpenAI()
print(f"default pool timeout: {defaults.timeout.pool:g} s, max_retries: {defaults.max_retries}")
print(f"a call behind a full pool waits up to {(defaults.max_retries + 1) * defaults.timeout.pool / 60:g} minutes")
defaults.close()
assert defaults.timeout.pool == 600 and defaults.max_retries == 2

# %% [markdown]
# Ten minutes per attempt, three attempts: half an hour in which your service looks hung, while the culprit
# (a stream left open somewhere else) has long returned. The default pool holds 1000 connections (lesson 03),
# so it takes a lot of abandoned streams, but a busy service makes them. Close the two we kept (section 3 says more
# about `close()`):

# %%
for stream in kept:
    stream.close()
released = quiet_stats(mock)
print(f"after close(): {still_open(released)} connections open")
print("a call now:", ask(client, "is a connection free now?"))
assert still_open(released) == 0

# %% [markdown]
# ## 2. Dropping a stream does not free it
#
# "Python will clean it up when nobody refers to it" is what most people expect. Here a stream is opened,
# its first chunk read, and its only reference deleted; then `first_chunk(client)` does what a helper
# function typically does: it returns from inside the `for` loop, leaving nothing that refers to the stream.
# To see what happens without luck playing a part, the cyclic garbage collector is held off for the cell
# (`gc_held_off()` is `gc.disable()`, then `gc.enable()` at the end). Here is the helper:

# %%
import inspect

print(inspect.getsource(first_chunk))

# %%
mock.reset()
with gc_held_off():
    stream = open_stream(client, extra_headers=SLOW)
    next(stream)
    in_a_cycle = stream._iterator.gi_frame.f_locals["self"] is stream
    alive = weakref.ref(stream)
    del stream  # the last reference
    first_chunk(client, extra_headers=SLOW)  # the same, inside a function
    third = run(lambda: ask(client, "is a connection free?"))
    leaked = mock.stats()
    print(f"after del: the Stream object is {'alive' if alive() else 'freed'}")
    print(f"the frame of its generator holds {'the same Stream' if in_a_cycle else 'another object'} as `self`")
    print(f"the server: {still_open(leaked)} connections open; the third call: {third.raised}")
    gc.collect()
    collected = quiet_stats(mock)
print(f"after gc.collect(): the Stream object is {'alive' if alive() else 'freed'}")
print(f"the server: {still_open(collected)} connections open, outcomes {collected.outcome_counts}")
assert alive() is None and in_a_cycle
assert still_open(leaked) == 2 and type(third.error.__cause__) is httpx2.PoolTimeout
assert still_open(collected) == 0

# %% [markdown]
# A `Stream` keeps its own generator (`stream._iterator`), and that generator's frame refers back to the
# `Stream`: a **reference cycle**. Reference counting never frees a cycle; only the cyclic garbage
# collector does, and it runs when enough new objects have been allocated (its thresholds,
# `gc.get_threshold()`), not when you stop using something. Leaving the `for` loop early doesn't close it
# either. So an abandoned stream keeps its connection until the collector happens to run, which depends on
# what the rest of your program allocates, not on time. When it runs, the stream is closed and the connection
# goes with it, as above.
#
# An `AsyncStream` is built the same way. Here one is opened and its only reference deleted, with the
# collector held off again; this time we close it through a weak reference (which doesn't keep it alive)
# instead of waiting for the collector. (A collected async generator can only be closed by a task scheduled on
# a running loop: a best-effort path, like the one lesson 06 shows for clients.)

# %%
mock.reset()
async with small_async_pool() as async_client:
    with gc_held_off():
        async_stream = await open_async_stream(async_client, extra_headers=SLOW)
        await async_stream.__anext__()
        in_a_cycle = async_stream._iterator.ag_frame.f_locals["self"] is async_stream
        alive = weakref.ref(async_stream)
        del async_stream
        leaked = mock.stats()
        print(f"after del: the AsyncStream is {'alive' if alive() else 'freed'}")
        print(f"the frame of its generator holds {'the same AsyncStream' if in_a_cycle else 'another object'}")
        print(f"the server: {still_open(leaked)} connection open")
        await alive().close()
    closed = quiet_stats(mock)
print(f"after close(): {still_open(closed)} open, outcomes {closed.outcome_counts}")
assert in_a_cycle and still_open(leaked) == 1 and still_open(closed) == 0

# %% [markdown]
# "It will be cleaned up" is not a plan: the next section is.
#
# ## 3. `with`, `async with` and `close()` release it at once
#
# A `Stream` is a context manager: leaving the block closes it, however you leave it (`break`, `return`,
# an exception). Five streams, each left after its first chunk, through the pool of 2:

# %%
mock.reset()
for _ in range(5):
    with open_stream(client, extra_headers=SLOW) as stream:
        for chunk in stream:
            if words(chunk):
                break
closed_with = quiet_stats(mock)
print(
    f"5 streams: {closed_with.connections_opened} connections opened, {still_open(closed_with)} open now, "
    f"outcomes {closed_with.outcome_counts}"
)
cut = sum(r.chunks_sent < 15 for r in closed_with.records)
print(f"streams the mock stopped before their end (fewer than 15 events sent): {cut} of 5")
assert closed_with.connections_opened == 5 and still_open(closed_with) == 0 and cut == 5
assert closed_with.outcome_counts == {"disconnected_mid_stream": 5}

# %% [markdown]
# All five went through a pool of two. When each block ended, the stream closed its connection, which freed a
# place in the pool (five connections opened, one per stream), and the mock stopped sending as soon as the
# client hung up.
# `stream.close()` does the same where a `with` block doesn't fit (a stream handed from one function to
# another, say), and in async code `async with` and `await stream.close()`. Note the `await` right after
# `async with` (`async with await client.chat.completions.create(...)`): `create()` returns a coroutine, and
# awaiting it gives you the stream. Without the `await` you get the `TypeError` printed below.

# %%
mock.reset()
for _ in range(2):
    stream = open_stream(client, extra_headers=SLOW)
    next(stream)
    stream.close()
async with small_async_pool() as async_client:  # 2 connections, like `client`
    for _ in range(3):
        async with await open_async_stream(async_client, extra_headers=SLOW) as async_stream:
            async for chunk in async_stream:
                if words(chunk):
                    break
    for _ in range(2):
        async_stream = await open_async_stream(async_client, extra_headers=SLOW)
        await async_stream.__anext__()
        await async_stream.close()
    released = quiet_stats(mock)
print(f"7 streams: {still_open(released)} open now, outcomes {released.outcome_counts}")
assert still_open(released) == 0 and released.outcome_counts == {"disconnected_mid_stream": 7}

coroutine = async_client.chat.completions.create(model=MODEL, messages=messages(), stream=True)
try:
    async with coroutine:  # forgot the await
        pass
except TypeError as error:
    print("without await:", error)
coroutine.close()

# %% [markdown]
# Every one of them hung up on the server (`disconnected_mid_stream`), and every connection was closed.
# **Closing a stream before its end throws its connection away**: the rest of the answer is still on its
# way, and a connection can only serve the next request once the current response has been read to its end.
# Isn't that wasteful? Compare the two ways to have a connection for the next call: read the rest of the
# answer, or open a new one. (The stream below is a sync one, which throws its connection away even when read
# to the end, as section 4 shows; here only the time each way takes matters.) It pauses 50 ms between chunks:

# %%
mock.reset()
stream = open_stream(client, extra_headers={"x-mock-chunk-interval-ms": "50"})
next(stream)
started = perf_counter()
rest = sum(1 for _ in stream)  # read (and drop) the rest
drained = perf_counter() - started
started = perf_counter()
ask(client, "a call on a new connection")
fresh = perf_counter() - started
sent = [r.chunks_sent for r in quiet_stats(mock).records if r.stream]
print(f"reading the rest: {rest} more chunks, {drained:.2f} s")
print(f"a call on a new connection, connecting included: {fresh * 1000:.0f} ms")
assert rest == 13 and sent == [15] and drained > 13 * 0.05 and fresh < drained

# %% [markdown]
# Reading the rest costs the rest of the answer: as long as the model takes to finish it, seconds for a long
# answer (and for a sync chat stream it would not even save the connection: section 4). A new connection
# costs a handshake: a few milliseconds here, on loopback, and one TCP and TLS handshake to the real API.
# Hanging up is the right trade, and the server learns at once that you left (the mock stopped sending).
#
# Close the stream, not the client. `await client.close()` (lesson 01) also ends the stream, but it closes
# the client's whole pool, for good, and a `with_options` copy shares that pool (lesson 01 showed that closing
# a copy closes the original):

# %%
mock.reset()
async_client = small_async_pool()
async_stream = await open_async_stream(async_client, extra_headers=SLOW)
await async_stream.__anext__()
await async_client.with_options(timeout=5).close()  # "close what I used"
after_close = quiet_stats(mock)
try:
    await async_client.chat.completions.create(model=MODEL, messages=messages())
except RuntimeError as error:
    print(f"the next call: {type(error).__module__}.{type(error).__name__}: {error}")
    next_error = error
(record,) = after_close.records
(connection,) = [c for c in after_close.connections if c["id"] == record.conn]
state = "still open" if connection["closed"] is None else "closed"
print(f"the server: the stream's outcome {record.outcome!r}, its connection {state}")
assert connection["closed"] is not None and not isinstance(next_error, openai.APIError)

# %% [markdown]
# The stream's connection was closed, and so was the client: every later call raises a plain `RuntimeError`
# (not an `openai.APIError`, so `except openai.APIError` won't catch it).
#
# ## 4. Sync chat streams throw their connection away; async ones keep it
#
# What about streams read to the end, the well-behaved ones? Five streams, one after the other, read to the
# end, through a default sync client, a default async client, and an async client on the SDK's aiohttp
# transport (section 7). The mock pauses 5 ms between chunks, so the picture below has something to show.

# %%
QUICK = {"x-mock-chunk-interval-ms": "5"}
read_to_end = {}

mock.reset()
with OpenAI() as sync_client:
    for _ in range(5):
        read_all(open_stream(sync_client, extra_headers=QUICK))
    read_to_end["OpenAI()"] = quiet_stats(mock)

mock.reset()
async with AsyncOpenAI() as async_client:
    for _ in range(5):
        await read_all_async(await open_async_stream(async_client, extra_headers=QUICK))
    read_to_end["AsyncOpenAI()"] = quiet_stats(mock)

mock.reset()
async with AsyncOpenAI(http_client=openai.DefaultAioHttpClient()) as aiohttp_client:
    for _ in range(5):
        await read_all_async(await open_async_stream(aiohttp_client, extra_headers=QUICK))
    read_to_end["AsyncOpenAI(aiohttp)"] = quiet_stats(mock)

print(
    table(
        ["client", "streams", "outcomes", "connections opened"],
        [[k, s.requests_total, s.outcome_counts, s.connections_opened] for k, s in read_to_end.items()],
    )
)
assert [s.connections_opened for s in read_to_end.values()] == [5, 1, 1]
assert all(s.outcome_counts == {"ok": 5} for s in read_to_end.values())

# %%
connection_timelines(
    {
        "sync, read to the end": read_to_end["OpenAI()"],
        "async, read to the end": read_to_end["AsyncOpenAI()"],
        "sync, in a with block, break": closed_with,
        "sync, abandoned (a 3rd call timed out)": held,
    },
    title="Streams on the connections that carried them",
)
plt.show()

# %% [markdown]
# The server sent every stream to its end (`ok`) for all three clients, yet the sync client opened a
# connection per stream. Four timelines: async streams read to the end share one connection; sync streams
# read to the end, and sync streams closed by `with`, each get their own; abandoned streams hold theirs, which
# is the leak of section 1. A dashed line means the connection was still open when the stats were taken.
#
# Why? A chat stream ends with a `data: [DONE]` event, and after it the HTTP body ends with one last, empty
# chunk. The sync `Stream` stops reading at `[DONE]` and closes the response one step before the body's end
# (openai/openai-python#3440 traces it), and a connection whose response wasn't read to its end can't be
# reused, so the pool closes it. On an HTTP/1.1 connection (httpx2's default), the async stream reads on after
# `[DONE]` for a bounded moment (a *drain*), so its connection goes back to the pool; over HTTP/2 it has no
# need to. The SDK holds that bound in a constant:

# %%
from openai import _streaming_cleanup

print(f"openai {openai.__version__}: async streams drain for at most {_streaming_cleanup._DRAIN_TIMEOUT} s")
assert _streaming_cleanup._DRAIN_TIMEOUT == 0.1

# %% [markdown]
# The issue, [openai/openai-python#3440](https://github.com/openai/openai-python/issues/3440), is public,
# and so is the discussion of the fix: pull requests such as
# [#3520](https://github.com/openai/openai-python/pull/3520),
# [#3566](https://github.com/openai/openai-python/pull/3566) and
# [#3581](https://github.com/openai/openai-python/pull/3581) proposed to read on after `[DONE]`. The
# maintainers' concern was a server that keeps the stream open after `[DONE]`: an unbounded read could hang
# the caller. What shipped, in **openai 3.30.0**, is the bounded drain above, in async streams only. Before
# that, from 2.7.0 to 3.29.0, sync and async streams both threw their connections away (and the much older
# [#763](https://github.com/openai/openai-python/issues/763) was the opposite bug: streams that never gave
# their connection back). Re-run this lesson after an upgrade: the counts will tell you if it changed.
#
# Does it matter? To the real API, a new connection means a new TCP and TLS handshake on every streamed call.
# A sync service that streams a lot can avoid it with the patterns that read the body to its end. Three calls
# each, through a fresh client each time:

# %%
patterns = {}


def plain_for(c: OpenAI) -> None:
    for _ in c.chat.completions.create(model=MODEL, messages=messages(), stream=True):
        pass


def streaming_response_lines(c: OpenAI) -> None:
    with c.chat.completions.with_streaming_response.create(model=MODEL, messages=messages(), stream=True) as r:
        for _ in r.iter_lines():  # the raw SSE lines: you parse them yourself
            pass


def streaming_response_parse(c: OpenAI) -> None:
    with c.chat.completions.with_streaming_response.create(model=MODEL, messages=messages(), stream=True) as r:
        for _ in r.parse():  # a Stream again
            pass


def responses_api(c: OpenAI) -> None:
    for _ in c.responses.create(model=MODEL, input="one two three", stream=True):
        pass


for pattern in (plain_for, streaming_response_lines, streaming_response_parse, responses_api):
    mock.reset()
    with OpenAI() as sync_client:  # a fresh client each time: no connection left from the pattern before
        for _ in range(3):
            pattern(sync_client)
        patterns[pattern.__name__] = quiet_stats(mock).connections_opened
print(table(["sync pattern", "connections for 3 streams"], list(patterns.items())))
assert patterns == {
    "plain_for": 3,
    "streaming_response_lines": 1,
    "streaming_response_parse": 3,
    "responses_api": 1,
}

# %% [markdown]
# * `chat.completions.with_streaming_response.create(..., stream=True)` with `iter_lines()` reads the body
#   to its end and keeps the connection; the price is parsing the `data:` lines yourself.
# * The **Responses API** (`client.responses.create(..., stream=True)`) has no `[DONE]` event: its stream
#   ends with the body, so it is read to the end and the connection is kept.
# * `with_streaming_response` + `parse()` gives you a `Stream` again, with the same behaviour as a plain one.
#
# Or go async, as the exercise does.
#
# ## 5. Stopping at `finish_reason == "stop"` loses the connection, even in async
#
# A common loop stops as soon as a chunk says the answer is finished. That chunk comes one event before
# `[DONE]`, so the stream is left before its end. Three loops of five async streams each: read to the end;
# `break` on the stop chunk; `break` on the stop chunk inside `async with`. The collector is held off, so that
# what stays open is seen:

# %%


async def read_stream(async_client: AsyncOpenAI, stop_early: bool, close_it: bool) -> None:
    """One stream, read to the end or left at the stop chunk; inside `async with` when `close_it`."""
    async_stream = await open_async_stream(async_client)
    async with async_stream if close_it else contextlib.nullcontext():
        async for chunk in async_stream:
            if stop_early and chunk.choices and chunk.choices[0].finish_reason == "stop":
                break


stop_rows = []
for label, stop_early, close_it in (
    ("read to the end", False, False),
    ("break on finish_reason", True, False),
    ("break on finish_reason, in async with", True, True),
):
    mock.reset()
    async with AsyncOpenAI() as async_client:
        with gc_held_off():
            for _ in range(5):
                await read_stream(async_client, stop_early, close_it)
            stats = quiet_stats(mock)
    stop_rows.append([label, stats.connections_opened, still_open(stats)])
gc.collect()
print(table(["async loop", "connections opened", "open after the 5"], stop_rows))
assert [row[1:] for row in stop_rows] == [[1, 1], [5, 5], [5, 0]]

# %% [markdown]
# Each loop that stopped early left only `[DONE]` and the end of the body unread. Yet
# the loops that stopped early opened a connection per stream: left as it is, each stream holds its
# connection like the abandoned ones of section 1; closed by `async with`, it is closed before its end, so
# its connection is thrown away (section 3). The stop chunk is not the end of the stream: let the loop run
# out. Stop early only when you mean to hang up, and then close the stream.
#
# ## 6. Streams and failures: only the start is retried
#
# Lesson 04 (section 7) showed that the SDK retries a stream only until the response starts: a stall or a
# 503 before the first byte is retried, and nothing after it. Two failures after the start, through a client
# with the default `max_retries=2`: the mock pausing 1.5 s after the first chunk, under a 0.3 s read timeout,
# and the mock hanging up mid-stream after 3 events (`x-mock-drop-after-chunks`), as a proxy restarting or an
# upstream crash would.

# %%
failures = []


def read_until_it_fails(c: OpenAI, **options: object) -> tuple[int, openai.APIError | None]:
    """How many chunks arrived before the loop raised, and what it raised."""
    got = 0
    try:
        for _ in open_stream(c, **options):
            got += 1
    except openai.APIError as error:
        return got, error
    return got, None


mock.reset()
with OpenAI(timeout=0.3) as sync_client:
    got, error = read_until_it_fails(sync_client, extra_headers={"x-mock-chunk-interval-ms": "1500"})
    records = quiet_stats(mock).records
    failures.append(["the mock pauses mid-stream", got, describe(error), len(records), records[0].outcome])
mock.reset()
with OpenAI() as sync_client:
    got, error = read_until_it_fails(sync_client, extra_headers={"x-mock-drop-after-chunks": "3"})
    records = quiet_stats(mock).records
    failures.append(["the mock hangs up mid-stream", got, describe(error), len(records), records[0].outcome])
print(table(["failure", "chunks before it", "raised in the loop", "requests sent", "the mock recorded"], failures))
assert [row[1:4] for row in failures] == [
    [1, "APITimeoutError (cause: ReadTimeout)", 1],
    [3, "APIConnectionError (cause: RemoteProtocolError)", 1],
]

# %% [markdown]
# Both reach your loop after the chunks already received, in one request, without a retry: the SDK can't
# replay half a stream, and it has already handed you the beginning. A read timeout is an `APITimeoutError`,
# a hang-up an `APIConnectionError`; `APITimeoutError` is a subclass of `APIConnectionError`, so
# `except openai.APIConnectionError` around the loop
# catches both. If you retry, retry the whole stream, and throw away the partial answer.
#
# ## 7. The aiohttp transport
#
# The SDK ships a second async transport, on aiohttp:
# `AsyncOpenAI(http_client=openai.DefaultAioHttpClient())` (installed with `pip install "openai[aiohttp]"`;
# this course pins aiohttp, see below). It already ran in section 4, where it kept its connection for streams
# read to the end. Two differences matter for this lesson. First, of `httpx2.Limits` it passes
# `max_connections` (aiohttp's `limit`) and `keepalive_expiry`, but not `max_keepalive_connections`. With
# `max_keepalive_connections=0` (keep no idle connection), five calls in a row:

# %%
import aiohttp

print("aiohttp", aiohttp.__version__)
no_keepalive = httpx2.Limits(max_connections=2, max_keepalive_connections=0)
keepalive_rows = []
for name, factory in (("httpx2", openai.DefaultAsyncHttpx2Client), ("aiohttp", openai.DefaultAioHttpClient)):
    mock.reset()
    async with AsyncOpenAI(http_client=factory(limits=no_keepalive)) as async_client:
        for _ in range(5):
            await async_client.chat.completions.create(model=MODEL, messages=messages())
        keepalive_rows.append([name, quiet_stats(mock).connections_opened])
print(table(["transport", "connections for 5 calls, max_keepalive_connections=0"], keepalive_rows))
assert [row[1] for row in keepalive_rows] == [5, 1]

# %% [markdown]
# Second, aiohttp has no pool timeout. The transport passes the pool timeout as aiohttp's `connect`
# timeout, which covers waiting for a free connection, and reports its expiry as a **connect** timeout. The
# pool exhaustion of section 1, on both transports:

# %%
exhaustion = []
for name, on_aiohttp in (("httpx2", False), ("aiohttp", True)):
    mock.reset()
    async with small_async_pool(aiohttp=on_aiohttp) as async_client:  # 2 connections, pool timeout 0.3 s
        streams = []
        for _ in range(2):
            async_stream = await open_async_stream(async_client, extra_headers=SLOW)
            await async_stream.__anext__()
            streams.append(async_stream)
        try:
            await async_client.chat.completions.create(model=MODEL, messages=messages())
        except openai.APIError as error:
            exhaustion.append([name, describe(error), mock.stats().requests_total])
        for async_stream in streams:
            await async_stream.close()
print(table(["transport", "the third call raised", "requests the server received"], exhaustion))
assert [row[1] for row in exhaustion] == [
    "APITimeoutError (cause: PoolTimeout)",
    "APITimeoutError (cause: ConnectTimeout)",
]

# %% [markdown]
# So with aiohttp, a "connect timeout" on a healthy network may be your own pool, full of streams nobody
# closed. Both are `APITimeoutError`: catch that, and look at its `__cause__` only to tell them apart.

# %%
client.close()
mock.stop()

# %% [markdown]
# ## What to remember
#
# | | what happens |
# |---|---|
# | a stream | holds a connection of the pool until it is read to the end or closed |
# | abandoned streams | exhaust the pool: the next call waits up to the pool timeout (600 s per attempt by default) |
# | dropping a stream | doesn't free it (a reference cycle): only the garbage collector does, at an unknown time |
# | `with` / `async with` / `close()` | release it at once; before the end, the connection is discarded (cheap) |
# | sync chat streams | discard their connection even when read to the end (openai 3.54) |
# | sync patterns that keep it | the Responses API; `with_streaming_response` + `iter_lines()` |
# | async chat streams | keep their connection when read to the end (a drain of at most 0.1 s, since 3.30.0) |
# | `break` on `finish_reason == "stop"` | leaves the stream before its end, even in async: no reuse |
# | failures | retried only before the response starts; mid-stream, they are raised in your loop |
# | aiohttp transport | ignores `max_keepalive_connections`; a full pool raises a connect timeout |
#
# ## A recipe for production
#
# Give every stream an owner that closes it, and let the streams you want whole run out:
#
# ```python
# import openai
#
#
# async def relay(client: openai.AsyncOpenAI, question: str, send) -> None:
#     """Forward an answer to a caller who may go away: the stream is closed whatever happens. `client` is
#     the app's one client, created and closed in its lifespan (lesson 06)."""
#     stream = await client.chat.completions.create(
#         model="gpt-4o-mini", messages=[{"role": "user", "content": question}], stream=True
#     )
#     async with stream:  # leaving the block closes it: break, return, an exception, a cancellation
#         async for chunk in stream:  # no break on finish_reason: run out, and the connection is reused
#             if chunk.choices and chunk.choices[0].delta.content:
#                 await send(chunk.choices[0].delta.content)  # if this raises, the stream hangs up
# ```
#
# In sync code the same `with` block is the rule; if a sync service streams a lot, consider the Responses
# API, whose streams keep their connection.

# %% [markdown]
# ## Exercise 05: stream it, or hang up cleanly
#
# Open `exercises/ex05_streaming.py`. It holds two async functions, and both use the client they are given:
# the grader builds an `AsyncOpenAI` whose pool holds only **2 connections** (a call that finds both taken
# waits a second, then fails). Neither function builds a client of its own, or closes the one it is given.
#
# * `stream_text(client, question) -> str`: ask for the answer with `stream=True` (model `"gpt-4o-mini"`,
#   `question` as the user message) and return its whole text: the `delta.content` of every chunk,
#   concatenated (skip chunks with no `choices` or whose content is `None`).
# * `first_words(client, question, n) -> str`: the same streamed call, but once the text received so far has
#   at least `n` words (`text.split()`: a real model may split a word across chunks), close the stream at
#   once (`async with`, or `await stream.close()` in a `finally`: section 3), without reading the rest, and
#   return the first `n` words joined by single spaces.
#
# The grader runs your module in one process against a mock that sends one word per chunk, a few hundredths
# of a second apart, with the garbage collector held off (as in section 2), so a stream you leave open stays
# open where it can be seen. It calls `stream_text` a few times, then `first_words` a few times, with
# checkpoints in between where it asks the mock what is still open, and `stream_text` once more at the end.
# From what the mock records, it checks:
#
# * the texts: `stream_text` returns the whole answer, `first_words` exactly its first `n` words;
# * the requests: every one streamed, through the client you were given;
# * completed streams **reuse one connection**: `stream_text` reads each stream to its end (section 4, and
#   section 5 for the chunk that is not the end);
# * each `first_words` stream is **cut by the client** while the mock is still sending (section 3): its
#   connection is closed at once instead of holding a place in the pool;
# * at each checkpoint, **nothing is in flight and at most one connection is open** (the one a completed
#   stream keeps for the next call): no stream left behind holds a connection of the 2 (sections 1 and 2).
#
# Run the cell below to grade your file (or `python -m clientlab grade 05` in a terminal). Until you write
# your answer it shows what the unsolved exercise gets. Stuck? `hint("ex05")` in a cell gives one hint at a
# time, for the check your file fails now.

# %%
from clientlab.grading import grade, hint

grade("ex05")

# %% [markdown]
# Next, [**06 · production lifecycle**](06_production_lifecycle.ipynb): which event loop a client belongs to,
# closing it at shutdown in FastAPI's lifespan, and one pool per worker process.
