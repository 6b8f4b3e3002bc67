# %% [markdown]
# # 04 · Timeouts and retries
#
# Sooner or later the model doesn't answer: the network drops a connection, the API returns a 503, you hit
# your rate limit, or a request simply hangs. The SDK handles all of this for you with two settings,
# `timeout` and `max_retries`, and it is worth knowing exactly what they do, because **neither of them is
# a deadline**. With the defaults, a call to a server that never answers takes about half an hour to fail.
#
# In this lesson you will measure, against the mock server:
#
# 1. the defaults, and what a `timeout` sets, as opposed to what reaches the server;
# 2. the four phases a timeout covers (connect, write, read, pool), each timing out on its own;
# 3. why the timeout is per attempt and per read, so the worst case is (R+1)·T plus the backoffs;
# 4. which failures are retried, and which exception you get after the last attempt;
# 5. the backoff between attempts, with its jitter, on a timeline;
# 6. `Retry-After`, which the SDK obeys to the millisecond, up to two minutes;
# 7. streams, which are retried only until the response starts;
# 8. giving one call its own timeout and retries with `with_options`;
# 9. a real deadline in async code with `asyncio.timeout()`.
#
# The mock records every attempt the client makes, with the two headers the SDK sends about them:
# `x-stainless-retry-count` (0 for the first attempt, 1 for the first retry...) and
# `x-stainless-read-timeout` (the read timeout, in seconds). Most cells below show counts from those
# records. Where a cell shows a time, it shows it next to what the formula predicts.

# %%
import asyncio
from time import perf_counter

import httpx2
import matplotlib.pyplot as plt
import openai
from openai import AsyncOpenAI, OpenAI

from clientlab import MockServer
from clientlab.lessons.timeouts import (
    MODEL,
    ask,
    at_once,
    backoff_range,
    closed_port,
    counted_http_client,
    deaf_server,
    describe,
    gaps,
    retry_sleeps_recorded,
    run,
    seconds,
    settle,
    table,
    unanswered_port,
    worst_case,
)
from clientlab.plots.retries import attempts_timeline, wall_time_vs_retries

mock = MockServer(set_env=True).start()
client = OpenAI()  # configured by OPENAI_BASE_URL / OPENAI_API_KEY, which point at the mock
print("openai", openai.__version__, "| httpx2", httpx2.__version__)
print("mock server:", mock.base_url)
print(ask(client, "hello"))

# %% [markdown]
# `ask(client, question, **options)` is the one-line helper of the earlier lessons: a chat completion
# through `client`, returning the text; `options` go to `create(...)`, for example `extra_headers=` to
# make the mock misbehave on purpose.
#
# ## 1. The defaults, and what `timeout` sets
#
# Lesson 01 read them from a client:

# %%
print("timeout    ", client.timeout)
print("max_retries", client.max_retries)

# %% [markdown]
# The timeout is not one number but four, one per phase of a request:
#
# | phase | how long the client waits for... | default |
# |---|---|---|
# | connect | the TCP (and TLS) connection to be set up | 5 s |
# | write | each chunk of the request to be sent | 600 s |
# | read | each chunk of the response to arrive | 600 s |
# | pool | a free connection in its own pool | 600 s |
#
# What does `timeout=2.5` change, then? And what does the server learn about it? To see the first, we
# give the client an HTTP client that keeps every request it sends (`counted_http_client()`, the SDK's
# own `DefaultHttpxClient` with a hook): each request carries its timeouts in `request.extensions`. The
# second is in the mock's records.

# %%
http_client, sent = counted_http_client()
probe = OpenAI(http_client=http_client)
settings = {
    "(default)": {},
    "timeout=2.5": {"timeout": 2.5},
    "timeout=httpx2.Timeout(10, read=3)": {"timeout": httpx2.Timeout(10, read=3)},
    "timeout=None": {"timeout": None},
}
mock.reset()
for options in settings.values():
    ask(probe, "what is my timeout?", **options)
rows = []
for label, request, record in zip(settings, sent, mock.stats().records, strict=True):
    phases = request.extensions["timeout"]
    wire = "(no header)" if record.read_timeout is None else f"{record.read_timeout:g}"
    rows.append([label, *(f"{phases[p]}" for p in ("connect", "write", "read", "pool")), wire])
print(table(["create(..., <this>)", "connect", "write", "read", "pool", "x-stainless-read-timeout"], rows))

# %% [markdown]
# A number sets **all four phases**, connect included: `timeout=2.5` gives up on a slow connection after
# 2.5 s, and on a slow answer after 2.5 s. An `httpx2.Timeout` sets them one by one (its first argument is
# the default for those you don't name). `None` means wait forever.
#
# The server only ever learns the **read** timeout: that is the one header the SDK sends. Connect, write and
# pool timeouts never leave your process. Keep that in mind for the exercise: the grader can check your read
# timeout and your retries from what it records, and nothing else.
#
# ## 2. Four phases, four timeouts
#
# Each phase can time out on its own, and each needs a different kind of broken server. We build one for
# each, all on 127.0.0.1, and give each client a 0.3 s timeout for that phase only (600 s for the others):
#
# * **connect**: a port whose listening socket has a full queue of connections nobody accepts, so the
#   operating system ignores new ones (`unanswered_port()`);
# * **write**: a server that accepts the connection and never reads it (`deaf_server()`), and a 16 MB
#   request: once the socket buffers are full, sending blocks;
# * **read**: the mock, told to accept the request and never answer (`x-mock-stall`);
# * **pool**: a client whose pool allows 1 connection, held by a stream we leave open.
#
# Each client counts its own attempts (the hook fires before every attempt, even one that never reaches a
# server). The four experiments run at the same time to save you a few seconds; they share nothing.


# %%
def phase_timeout(**phase: float) -> httpx2.Timeout:
    """600 s for every phase, except the one named."""
    return httpx2.Timeout(600, **phase)


mock.reset()
read_http, read_sent = counted_http_client()
read_client = OpenAI(http_client=read_http, timeout=phase_timeout(read=0.3))

pool_http, pool_sent = counted_http_client(limits=httpx2.Limits(max_connections=1))
pool_client = OpenAI(http_client=pool_http, timeout=phase_timeout(pool=0.3))
held = pool_client.chat.completions.create(
    model=MODEL, messages=[{"role": "user", "content": "hold the line"}], stream=True
)
next(held)  # the stream is open: it holds the pool's only connection
pool_sent.clear()

with unanswered_port() as silent_port, deaf_server() as (deaf_port, accepted):
    connect_http, connect_sent = counted_http_client()
    connect_client = OpenAI(
        base_url=f"http://127.0.0.1:{silent_port}/v1", http_client=connect_http, timeout=phase_timeout(connect=0.3)
    )
    write_http, write_sent = counted_http_client()
    write_client = OpenAI(
        base_url=f"http://127.0.0.1:{deaf_port}/v1", http_client=write_http, timeout=phase_timeout(write=0.3)
    )
    big_input = "x" * 16_000_000  # a 16 MB request body
    outcomes = at_once(
        {
            "connect": lambda: connect_client.models.list(),
            "write": lambda: write_client.embeddings.create(model="text-embedding-3-small", input=big_input),
            "read": lambda: ask(
                read_client, "anyone there?", extra_headers={"x-mock-stall": "1", "x-client-tag": "read"}
            ),
            "pool": lambda: ask(pool_client, "is a connection free?", extra_headers={"x-client-tag": "pool"}),
        }
    )
    deaf_accepted = len(accepted)
held.close()
records = settle(mock).records
tags = [r.client_tag for r in records]
read_conns = {r.conn for r in records if r.client_tag == "read"}

server_saw = {
    "connect": "no connection accepted",
    "write": f"{deaf_accepted} connections accepted, no request read",
    "read": f"{tags.count('read')} requests on {len(read_conns)} connections, none answered",
    "pool": f"{tags.count('pool')} requests",
}
attempts = {"connect": connect_sent, "write": write_sent, "read": read_sent, "pool": pool_sent}
print(
    table(
        ["phase", "raised", "attempts", "what the server saw"],
        [[phase, outcome.raised, len(attempts[phase]), server_saw[phase]] for phase, outcome in outcomes.items()],
    )
)

# %% [markdown]
# All four end the same way for the caller: **`openai.APITimeoutError`**, with httpx2's own exception
# (`ConnectTimeout`, `WriteTimeout`, `ReadTimeout`, `PoolTimeout`) as its `__cause__`. And **all four are
# retried**: 3 attempts each, the default 2 retries. Two details worth keeping:
#
# * each write and read attempt opened a **new connection**: a connection that timed out is thrown away;
# * the pool attempts **never reached the server**: no server log will ever show them (lesson 03 met this
#   with a slow batch).
#
# ## 3. Per attempt and per read: not a deadline
#
# The SDK's retry loop runs up to R+1 attempts (R = `max_retries`), and **every attempt gets the whole
# timeout again**. Between attempts it sleeps (section 5 measures how long: 0.5 s, then 1 s, 2 s, 4 s,
# at most 8 s, each shortened by up to 25 % at random). Against a server that never answers, a call
# therefore takes
#
# **(R+1)·T + the R backoffs**
#
# We measure it for T = 0.2 s and 0.6 s and R from 0 to 3 against the stalling mock. The eight calls run
# at the same time, each tagged with an `x-client-tag` header so that the mock's records tell them apart.

# %%
stall = {"x-mock-stall": "1"}
grid = [(timeout, retries) for timeout in (0.2, 0.6) for retries in (0, 1, 2, 3)]
mock.reset()
calls = {
    (timeout, retries): lambda timeout=timeout, retries=retries: ask(
        client.with_options(timeout=timeout, max_retries=retries),
        "anyone there?",
        extra_headers={**stall, "x-client-tag": f"T={timeout} R={retries}"},
    )
    for timeout, retries in grid
}
outcomes = at_once(calls)
records = settle(mock).records
rows, measured = [], {}
for (timeout, retries), outcome in outcomes.items():
    mine = [r for r in records if r.client_tag == f"T={timeout} R={retries}"]
    low, high = worst_case(timeout, retries)
    measured[(timeout, retries)] = outcome.seconds
    rows.append(
        [
            f"{timeout:g}",
            retries,
            len(mine),
            sorted({r.retry_count for r in mine}),
            sorted({r.read_timeout for r in mine}),
            f"{low:.3f} to {high:.3f}",
            f"{outcome.seconds:.2f} s",
        ]
    )
print(table(["T", "R", "attempts", "retry counts", "read timeout sent", "formula (s)", "measured"], rows))

# %%
wall_time_vs_retries(measured, worst_case, title="A server that never answers: wall time of one call")
plt.show()

# %% [markdown]
# The attempts are exact: R+1 of them, numbered 0 to R, each announcing the same read timeout. The wall
# times sit inside the formula's band (or a few hundredths above it: the client's own work and the new
# connection each attempt opens). The backoffs grow fast: with T = 0.2 s and R = 3, the call spends most
# of its time sleeping between attempts.
#
# Now scale it up to the defaults, T = 600 s and R = 2. The same formula:

# %%
low, high = worst_case(600, 2)
print(f"default client, a server that never answers: {low:.1f} to {high:.1f} s = {high / 60:.0f} minutes")
low, high = worst_case(30, 2)
print(f"timeout=30 with the default retries: {low:.2f} to {high:.2f}")
low, high = worst_case(0.6, 2)
print(
    f"the same call with T = 0.6 s (1/1000 of it): formula {low:.3f} to {high:.3f}, measured {measured[(0.6, 2)]:.2f} s"
)

# %% [markdown]
# **Thirty minutes.** The row T = 0.6 s, R = 2 above is the default client at one thousandth of the scale:
# same 3 attempts, same backoffs. Nothing in the SDK stops the clock earlier. And a `timeout=30` with the
# default retries is not "30 seconds": it is up to 91.5 s (openai/openai-python#3828 is that surprise).
#
# And "per read" means what it says: the read timeout restarts with every piece of the answer that
# arrives. A stream whose chunks trickle in more often than T never times out, however long it takes in
# total. The mock sends a chunk every 150 ms, under a 0.4 s timeout:

# %%
mock.reset()
started = perf_counter()
trickle = client.with_options(timeout=0.4).chat.completions.create(
    model=MODEL,
    messages=[{"role": "user", "content": "one two three four five six seven eight nine ten"}],
    stream=True,
    extra_headers={"x-mock-chunk-interval-ms": "150"},
)
chunks = sum(1 for _ in trickle)
took = perf_counter() - started
print(f"{chunks} chunks in {took:.2f} s, {took / 0.4:.1f}× the 0.4 s timeout, no error")
print("attempts the server saw:", mock.stats().requests_total)

# %% [markdown]
# So a timeout limits how long the client waits **for the next piece of the answer**, not how long the
# call takes. For a real deadline, see section 9.
#
# ## 4. What is retried, and what you get after the last attempt
#
# The SDK retries an attempt that timed out or lost its connection, and an answer with one of these
# statuses: **408** (request timeout), **409** (conflict), **429** (rate limit) and **every 5xx**. Every other
# error is raised at once. Each status below is sent on every attempt, with a `retry-after-ms: 1` header so
# the retries don't wait (section 6 explains why that works).

# %%
rows = []
for status in [400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504]:
    mock.reset()
    outcome = run(
        lambda status=status: ask(
            client, "hi", extra_headers={"x-mock-status": str(status), "x-mock-retry-after-ms": "1"}
        )
    )
    rows.append([status, mock.stats().requests_total, type(outcome.error).__name__])
print(table(["status", "attempts", "raised after the last attempt"], rows))

# %% [markdown]
# Statuses 408, 409, 429 and 5xx got 3 attempts; the others 1. Each status has its own exception class,
# except two: **408 and 413 raise a plain `openai.APIStatusError`**, so `except openai.RateLimitError` or a
# check on the class name won't see them; `error.status_code` always will.
#
# Failures below HTTP are retried too. Two of them, at the same time: the mock closing the connection
# without answering (`x-mock-drop`), and a port where nothing listens.

# %%
refused_http, refused_sent = counted_http_client()
refused_client = OpenAI(base_url=f"http://127.0.0.1:{closed_port()}/v1", http_client=refused_http)
mock.reset()
outcomes = at_once(
    {
        "the server hangs up": lambda: ask(client, "hi", extra_headers={"x-mock-drop": "1"}),
        "nothing listens": lambda: refused_client.models.list(),
    }
)
attempts = {"the server hangs up": settle(mock).requests_total, "nothing listens": len(refused_sent)}
print(table(["failure", "attempts", "raised"], [[k, attempts[k], o.raised] for k, o in outcomes.items()]))

# %% [markdown]
# Both are `openai.APIConnectionError`, after 3 attempts. The exception classes form a small tree, and one
# branch matters more than it looks: **`APITimeoutError` is a kind of `APIConnectionError`**, so
# `except openai.APIConnectionError` catches timeouts too.

# %%
for error_class in (openai.APITimeoutError, openai.RateLimitError, openai.InternalServerError, openai.APIStatusError):
    lineage = error_class.__mro__[: error_class.__mro__.index(openai.OpenAIError) + 1]
    print(" → ".join(c.__name__ for c in lineage))

# %% [markdown]
# So `except openai.APIError` catches everything the SDK raises for a failed request: connection errors,
# timeouts and error statuses alike.
#
# A server can overrule the status rule with a header of its own, `x-should-retry: true` or `false` (not a
# standard header: the SDK reads it before it looks at the status). The mock sends it when a request asks
# with `x-mock-should-retry`:

# %%
rows = []
quick = {"x-mock-retry-after-ms": "1"}  # no backoff wait when a retry happens
for label, headers in {
    "400, x-should-retry: true": {"x-mock-status": "400", "x-mock-should-retry": "true", **quick},
    "503, x-should-retry: false": {"x-mock-status": "503", "x-mock-should-retry": "false", **quick},
    "429, x-should-retry: false": {"x-mock-status": "429", "x-mock-should-retry": "false", **quick},
    "429, x-should-retry: true, Retry-After: 121": {
        "x-mock-status": "429",
        "x-mock-should-retry": "true",
        "x-mock-retry-after": "121",
    },
}.items():
    mock.reset()
    outcome = run(lambda headers=headers: ask(client, "hi", extra_headers=headers))
    rows.append([label, mock.stats().requests_total, type(outcome.error).__name__])
print(table(["the answer carried", "attempts", "raised"], rows))

# %% [markdown]
# `true` retries even a 400, `false` stops a 503 or a 429 at once; a Retry-After above 120 s (section 6)
# still wins over `true`.
#
# One more detail: the SDK retries a POST too (a chat completion is one), although POST is not idempotent.
# The server above received all 3 attempts of the call it hung up on: if the first attempt reached the
# model and only the answer got lost, the retry runs it again.
#
# ## 5. Backoff, with jitter
#
# Between attempts the sync client calls `time.sleep`. Retry number n waits `min(0.5 × 2^(n-1), 8)`
# seconds, shortened by a random 0 to 25 %:

# %%
for retry in range(1, 7):
    low, high = backoff_range(retry)
    print(f"retry #{retry}: between {low:.3f} and {high:.3f} s")

# %% [markdown]
# The randomness (the **jitter**) keeps many clients that failed together from retrying together. Three
# callers now fail at the same moment against a server that answers 500 to everything, each with
# `max_retries=3`. The timeline is drawn from the mock's records: a mark for each attempt's arrival, and
# after each attempt the window in which the backoff allows the next one.

# %%
callers = ["caller 1", "caller 2", "caller 3"]
mock.reset()
at_once(
    {
        name: lambda name=name: ask(
            client.with_options(max_retries=3), "hi", extra_headers={"x-mock-status": "500", "x-client-tag": name}
        )
        for name in callers
    }
)
records = mock.stats().records
by_caller = {name: [r for r in records if r.client_tag == name] for name in callers}
for name, mine in by_caller.items():
    print(f"{name}: {len(mine)} attempts, retry counts {[r.retry_count for r in mine]}, waits {seconds(gaps(mine))}")

# %%
attempts_timeline(by_caller, backoff_range, title="Three callers, max_retries=3, every answer a 500")
plt.show()

# %% [markdown]
# Each wait lands in its window, and no two callers wait exactly as long. The backoff itself can't be
# configured (openai/openai-python#1102); what you choose is how many retries, and, on the server side,
# `Retry-After`.
#
# ## 6. `Retry-After`: obeyed exactly, up to two minutes
#
# An error answer can tell the client when to come back: `retry-after-ms` (milliseconds, an OpenAI
# extension) or `Retry-After` (seconds). The SDK reads `retry-after-ms` first. A value
# between 0 and 120 s replaces the backoff **exactly, without jitter**; zero, negative or unreadable values
# fall back to the backoff. The mock answers the first attempt with a 429 carrying the header, and the
# second normally; the wait is measured on the server's clock. The last case has a 0.5 s timeout and
# 1 retry, so (R+1)·T = 1 s.

# %%
fail_once = {"x-mock-fail-first": "1", "x-mock-fail-status": "429"}
cases = {
    "Retry-After: 1": ({"x-mock-retry-after": "1"}, "1 s"),
    "retry-after-ms: 250": ({"x-mock-retry-after-ms": "250"}, "0.25 s"),
    "retry-after-ms: 250 + Retry-After: 3": ({"x-mock-retry-after-ms": "250", "x-mock-retry-after": "3"}, "0.25 s"),
    "Retry-After: 0": ({"x-mock-retry-after": "0"}, "backoff, 0.375 to 0.5"),
    "Retry-After: -5": ({"x-mock-retry-after": "-5"}, "backoff, 0.375 to 0.5"),
    "Retry-After: soon": ({"x-mock-retry-after": "soon"}, "backoff, 0.375 to 0.5"),
    "Retry-After: 2, timeout=0.5": ({"x-mock-retry-after": "2"}, "2 s"),
}
mock.reset()
outcomes = at_once(
    {
        label: lambda label=label, headers=headers: ask(
            client.with_options(timeout=0.5, max_retries=1) if "timeout" in label else client,
            "hi",
            extra_headers={**fail_once, **headers, "x-client-tag": label},
        )
        for label, (headers, _) in cases.items()
    }
)
records = mock.stats().records
rows = []
for label, (_, expected) in cases.items():
    mine = [r for r in records if r.client_tag == label]
    result = "answered" if outcomes[label].error is None else outcomes[label].raised
    rows.append([label, len(mine), expected, seconds(gaps(mine)), result])
print(table(["the 429 carried", "attempts", "expected wait", "measured wait", "result"], rows))
print(f"the last call took {outcomes['Retry-After: 2, timeout=0.5'].seconds:.2f} s; (R+1)·T is 1")

# %% [markdown]
# The server sets the pace, to the millisecond. And the `timeout` does not bound this wait: the last call
# slept 2 s although its timeout was 0.5 s. With `Retry-After`, the worst case becomes (R+1)·T + R × 120 s.
#
# What about more than two minutes? We can't wait that long here, so for the next cell the SDK's sleep
# between attempts is **recorded instead of slept** (`retry_sleeps_recorded()` swaps the `time.sleep` the
# SDK calls; the retry then happens at once). What the SDK asked for, and what the server saw:

# %%
rows = []
for label, headers in {
    "Retry-After: 120": {"x-mock-retry-after": "120"},
    "retry-after-ms: 120000": {"x-mock-retry-after-ms": "120000"},
    "Retry-After: 121": {"x-mock-retry-after": "121"},
    "retry-after-ms: 120001": {"x-mock-retry-after-ms": "120001"},
}.items():
    mock.reset()
    with retry_sleeps_recorded() as asked:
        outcome = run(lambda headers=headers: ask(client, "hi", extra_headers={**fail_once, **headers}))
    sleep = ", ".join(f"{s:g} s" for s in asked) or "(no retry)"
    result = "answered" if outcome.error is None else outcome.raised
    rows.append([label, mock.stats().requests_total, sleep, result])
print(table(["the 429 carried", "attempts", "the SDK's sleep", "result"], rows))

# %% [markdown]
# Up to 120 s, the SDK waits exactly as long as it is told. **Above 120 s, it does not retry at all**: you
# get the `RateLimitError` at once, and it's up to you to come back later. This changed in openai 2.52.0
# (PR #3555): before, the limit was 60 s, and a longer `Retry-After` was ignored in favour of the short
# backoff, so the client retried within a second.
#
# ## 7. Streams are retried only until the response starts
#
# With `stream=True`, the retry loop covers the request up to the response's headers. A stall before the
# first byte is retried like any other request. The mock stalls the first attempt only:


# %%
def text_of(stream: openai.Stream) -> str:
    """Every piece of text in a chat completion stream, joined."""
    return "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)


question = [{"role": "user", "content": "tell me a story"}]
mock.reset()
stream = client.with_options(timeout=0.5).chat.completions.create(
    model=MODEL, messages=question, stream=True, extra_headers={"x-mock-fail-first": "1", "x-mock-stall": "1"}
)
print(repr(text_of(stream)))
print("attempts:", [(r.retry_count, r.outcome) for r in settle(mock).records])

# %% [markdown]
# Error statuses before the stream starts are retried the same way: two 503s, then the stream.

# %%
mock.reset()
stream = client.chat.completions.create(
    model=MODEL,
    messages=question,
    stream=True,
    extra_headers={"x-mock-fail-first": "2", "x-mock-fail-status": "503", "x-mock-retry-after-ms": "10"},
)
print(repr(text_of(stream)))
print("attempts:", [(r.retry_count, r.status) for r in mock.stats().records])

# %% [markdown]
# You get one stream, and never see the failed attempts. But once the first chunk has arrived, the SDK has
# handed you the stream, and **a failure after that lands in your `for` loop**. Here the mock sends the
# first chunk, then pauses 1.5 s before the next, with a read timeout of 0.5 s:

# %%
mock.reset()
received = []
try:
    for chunk in client.with_options(timeout=0.5).chat.completions.create(
        model=MODEL, messages=question, stream=True, extra_headers={"x-mock-chunk-interval-ms": "1500"}
    ):
        received.append(chunk)
except openai.APITimeoutError as error:
    print(f"raised inside the loop, after {len(received)} chunk(s): {describe(error)}")
print("attempts:", [(r.retry_count, r.outcome) for r in settle(mock).records])

# %% [markdown]
# One attempt, no retry: the SDK can't replay half a stream. If a partial answer is no use to you, catch
# the error around the loop and start again yourself (and throw away what you received).
#
# ## 8. One call, its own settings: `with_options`
#
# Lesson 01 showed `with_options(timeout=...)`: a copy of the client, with some settings changed, sharing
# the original's connection pool. It takes `max_retries=` too. `create(...)` accepts `timeout=` per call,
# but not `max_retries=`:

# %%
try:
    client.chat.completions.create(model=MODEL, messages=question, max_retries=0)
except TypeError as error:
    print(f"TypeError: {error}")

# %% [markdown]
# Three calls: the client as it is, a copy with `max_retries=0, timeout=3`, and a per-call `timeout=4`.
# Then the same 503 through the client and through a copy with `max_retries=0`:

# %%
mock.reset()
ask(client, "with the defaults")
ask(client.with_options(max_retries=0, timeout=3), "quick")
ask(client, "per call", timeout=4)
records = mock.stats().records
print("read timeouts:", ", ".join(f"{r.read_timeout:g} s" for r in records))
print("connections used by the 3 calls:", len({r.conn for r in records}))

failing = {"x-mock-status": "503", "x-mock-retry-after-ms": "1"}
for label, which in {
    "client": client,
    "client.with_options(max_retries=0)": client.with_options(max_retries=0),
}.items():
    mock.reset()
    outcome = run(lambda which=which: ask(which, "hi", extra_headers=failing))
    print(f"{label}: {mock.stats().requests_total} attempt(s), then {outcome.raised}")

# %% [markdown]
# One pool for all of them, and each call with its own settings. That is how to give one path of your
# program a short timeout and few retries while the rest keeps the defaults (the exercise asks for exactly
# that).
#
# ## 9. A real deadline: `asyncio.timeout()` in async code
#
# In async code you can have a true deadline: `asyncio.timeout(seconds)` cancels whatever is awaited inside
# it when the time is up, attempts, backoff sleeps and all. Here around a default client (600 s, 2 retries)
# and a server that never answers:

# %%
mock.reset()
async with AsyncOpenAI() as async_client:
    started = perf_counter()
    try:
        async with asyncio.timeout(0.5):
            await async_client.chat.completions.create(model=MODEL, messages=question, extra_headers=stall)
    except TimeoutError as error:
        caught, took = error, perf_counter() - started
    stats = settle(mock)
print(f"raised {type(caught).__module__}.{type(caught).__name__} after {took:.2f} s")
record = stats.records[0]
(connection,) = [c for c in stats.connections if c["id"] == record.conn]
print(
    f"the server: {stats.requests_total} attempt, read timeout sent {record.read_timeout:g} s, outcome {record.outcome}"
)
print("its connection:", "still open" if connection["closed"] is None else "closed by the client")

# %% [markdown]
# The call ended at the deadline and the cancellation closed its connection, so the server stopped waiting
# too. Note what was raised: the built-in **`TimeoutError`**, not `openai.APITimeoutError`. They are
# unrelated classes, so an `except openai.APIError` won't catch it:

# %%
for error_class in (TimeoutError, openai.APITimeoutError):
    print(" → ".join(c.__name__ for c in error_class.__mro__[:-2]))

# %% [markdown]
# Catch both, `except (TimeoutError, openai.APIError)`.
#
# Sync code has no such thing. A wall-clock guard around a sync call, such as a thread pool's
# `future.result(timeout=...)`, stops *you* waiting but not the call: it keeps running in its thread,
# with its own timeout and retries. Here the guard is 0.5 s, and the mock takes 1.5 s to answer:

# %%
from concurrent.futures import ThreadPoolExecutor

mock.reset()
with ThreadPoolExecutor(max_workers=1) as executor:
    future = executor.submit(ask, client, "slow one", extra_headers={"x-mock-latency-ms": "1500"})
    started = perf_counter()
    try:
        future.result(timeout=0.5)
    except TimeoutError:
        print(f"the caller gave up after {perf_counter() - started:.2f} s")
    record = settle(mock).records[0]
print(f"the server: the request ran for {record.duration:.2f} s and was answered ({record.status})")
print(f"the read timeout it carried: {record.read_timeout:g} s")

# %% [markdown]
# The request ran to the end; against a server that never answers, the thread would be stuck for the full
# 30 minutes of section 3, holding a thread and a connection all along. In sync code, the only way to
# bound a call is to choose T and R so that the formula fits your budget.

# %%
for c in (client, probe, read_client, pool_client, connect_client, write_client, refused_client):
    c.close()
mock.stop()

# %% [markdown]
# ## What to remember
#
# | | what the SDK does |
# |---|---|
# | defaults | `Timeout(600, connect=5)`, `max_retries=2` |
# | `timeout=T` (a number) | T for connect, write, read and pool; only the read timeout goes on the wire |
# | each phase | times out on its own: `APITimeoutError` (an `APIConnectionError`), retried |
# | worst case | **(R+1)·T + backoffs**, + up to 120 s per retry with `Retry-After`; defaults: 30 minutes |
# | read timeout | per read: a trickling stream never times out |
# | retried | timeouts, connection errors, 408, 409, 429, 5xx; 408 and 413 raise plain `APIStatusError` |
# | backoff | 0.5, 1, 2, 4, 8 s at most, each minus up to 25 % jitter; not configurable |
# | `Retry-After` / `retry-after-ms` | obeyed exactly up to 120 s; above 120 s, no retry at all (since 2.52.0) |
# | streams | retried until the response starts; a failure mid-stream is raised in your loop |
# | per call | `client.with_options(timeout=..., max_retries=...)` shares the pool; `create(timeout=...)` too |
# | a deadline | async: `asyncio.timeout()` (raises the built-in `TimeoutError`); sync: only T and R |
#
# ## A recipe for production
#
# Keep the defaults where a slow answer is better than none, and give the paths with a budget their own
# T and R, chosen from the formula:
#
# ```python
# import openai
# from openai import OpenAI
#
# client = OpenAI()  # the normal path: 600 s per read, 2 retries
#
# # A path that must answer within about 2 s: (1+1) × 0.75 + 0.5 = 2.0 s at worst, one retry
# # for a transient 503 (plus whatever Retry-After the server asks for, up to 120 s).
# fast = client.with_options(timeout=0.75, max_retries=1)  # same connection pool
#
#
# def answer_fast(question: str) -> str | None:
#     try:
#         completion = fast.chat.completions.create(
#             model="gpt-4o-mini", messages=[{"role": "user", "content": question}]
#         )
#     except openai.APIError:  # timeouts, connection errors, error statuses: all of them
#         return None  # the caller's fallback
#     return completion.choices[0].message.content
# ```
#
# In async code, add the deadline the formula can't give you, for `Retry-After` included:
#
# ```python
# async def answer_fast(question: str) -> str | None:
#     try:
#         async with asyncio.timeout(2.0):
#             completion = await fast.chat.completions.create(...)  # fast = async_client.with_options(...)
#     except (TimeoutError, openai.APIError):
#         return None
#     return completion.choices[0].message.content
# ```

# %% [markdown]
# ## Exercise 04: a fast path with a latency budget
#
# Open `exercises/ex04_latency_budget.py`. It is a sync module with one client and two functions:
#
# * `ask(question)`, the normal path: one chat completion (model `"gpt-4o-mini"`) with the SDK's
#   defaults, 600 s and 2 retries. Its errors are the caller's business: let them propagate.
# * `ask_fast(question)`, the fast path: the same call, which must return within `BUDGET_S = 2.0`
#   seconds at worst, counted with the formula of section 3 from the read timeout and the retries it
#   uses. It must survive one transient 503 (so at least one retry), and return the module's `FALLBACK`
#   string instead of raising when the model can't answer in time: a stalled server, an unreachable one,
#   errors that persist, a rate limit.
#
# Both use the one client of the module, `OpenAI()`, configured by `OPENAI_BASE_URL` and
# `OPENAI_API_KEY`. The grader runs your module once against a mock server whose answer depends on the
# question, and judges from what the mock records: the read timeout and the retry count of each attempt,
# the attempts per call, the connections, and the values your functions return. It computes your worst
# case from those settings; it doesn't time you.
#
# Five scenarios: first the normal calls one after the other, then the four others at the same time, each
# in a thread of its own (so one call that hangs doesn't hide the rest). It checks:
#
# * **normal** (answers take 100 ms): `ask`, `ask_fast`, `ask`, `ask_fast` return the answers, over one
#   connection; `ask`'s requests announce the SDK's 600 s;
# * **stalled** (no answer, ever): `ask_fast` returns `FALLBACK`; its attempts give T and R, and
#   (R+1)·T + the backoffs must be at most 2.0 s;
# * **one 503, then the answer**: `ask_fast` retries and returns the answer;
# * **429 on every attempt**: `ask_fast` returns `FALLBACK`, nothing escapes;
# * **the normal path against a steady 503**: `ask` raises the SDK's error, after its 3 attempts.
#
# Run the cell below to grade your file (or `python -m clientlab grade 04` in a terminal). Until you write
# your answer it shows what the unsolved exercise gets.

# %%
from clientlab.grading import grade, hint

grade("ex04")

# %% [markdown]
# Next, [**05 · streaming without leaking connections**](05_streaming.ipynb): a stream holds a connection
# until you read it to the end or close it, and what that does to a pool.
