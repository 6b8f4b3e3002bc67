# %% [markdown]
# # 03 · Custom connection limits
#
# Every client owns a **connection pool**: a set of open TCP connections it reuses, with two limits. The
# first, `max_connections`, caps how many requests can be on the wire at once; the requests beyond it wait
# in the pool. The second, `max_keepalive_connections`, says how many idle connections stay open for the
# next request instead of being closed.
#
# The SDK's defaults (1000 and 100) suit most programs. You change them when the other side can't take
# 1000 requests at once: your rate limit, a proxy, a small self-hosted model. Five sections:
#
# 1. where limits go (not where most people try first), which HTTP client keeps the SDK's other defaults,
#    and how to read the limit a client really has;
# 2. the classic `httpx.AsyncClient(limits=...)` recipe on openai 3.x, and what it changes;
# 3. keep-alive below the limit, and the connections it throws away;
# 4. a pool that is too small: queueing, and `PoolTimeout`;
# 5. throughput against `max_connections`, and when "5 to 10 connections" is enough.
#
# As before, the mock server counts every connection and every request in flight. Its answers take
# 100 ms, so a batch of requests really does overlap. Each connection carries one request at a time (the
# SDK speaks HTTP/1.1, lesson 01), so requests in flight and busy connections are the same count here.

# %%
import asyncio
import importlib.metadata
import inspect
import re
import time

import httpcore
import httpx
import httpx2
import matplotlib.pyplot as plt
import openai
from openai import AsyncOpenAI, OpenAI

from clientlab import MockServer
from clientlab.lessons.limits import ask, batch, churn_formula, measure, settings_table
from clientlab.plots.pool import connections_vs_keepalive, throughput_vs_max_connections

mock = MockServer(latency_ms=100, set_env=True).start()
print("openai", openai.__version__, "| httpx2", httpx2.__version__, "| legacy httpx", httpx.__version__)
print("mock server:", mock.base_url)

# %% [markdown]
# ## 1. `limits=` is not a client argument
#
# Several answers online show the limits passed straight to the client. Try it:

# %%
try:
    OpenAI(limits=httpx2.Limits(max_connections=5, max_keepalive_connections=5))
except TypeError as error:
    print(f"{type(error).__name__}: {error}")

# %% [markdown]
# `OpenAI` and `AsyncOpenAI` have no `limits` argument. Limits belong to the **HTTP client**, and you hand
# the SDK your own HTTP client with `http_client=`.
#
# The SDK gives you one ready-made for this. Its README names it `openai.DefaultAsyncHttpx2Client(...)`
# (`DefaultHttpx2Client` for sync code): an `httpx2.AsyncClient` that starts from the SDK's own settings, so
# you change only what you pass. The older names, `DefaultAsyncHttpxClient` and `DefaultHttpxClient`, still
# exist and build the same thing (they are classes, the new names functions that also accept legacy `httpx`
# limits). Compare it with a plain `httpx2.AsyncClient` given the same limits.
#
# Where do the limits end up? Not in public attributes: on the pool inside the HTTP client's transport, as
# `_max_connections` and `_max_keepalive_connections`. This is the check that circulates in articles, run
# as it is:

# %%
five = httpx2.Limits(max_connections=5, max_keepalive_connections=5)
capped = AsyncOpenAI(http_client=openai.DefaultAsyncHttpx2Client(limits=five))
pool = capped._client._transport._pool
print(type(pool).__module__.split(".")[0], type(pool).__name__)
print("max_connections:", pool._max_connections, "| max_keepalive_connections:", pool._max_keepalive_connections)
older = openai.DefaultAsyncHttpxClient(limits=five)
print(f"the older name: a {type(older).__name__}, subclass of httpx2.{type(older).__mro__[1].__name__},", end=" ")
print(f"max_connections {older._transport._pool._max_connections}")

# %% [markdown]
# Private names can change between versions, so use this for checking, never in your program. And it can read
# something other than the pool your requests use:
#
# * a **proxy mount** (`mounts={"http://": transport}`) sends matching URLs through the mount's own pool;
#   `_transport` is only the default one;
# * the **aiohttp transport** (`openai.DefaultAioHttpClient()`, from `pip install openai[aiohttp]`) has no
#   httpcore pool at all.

# %%
mounted = openai.DefaultAsyncHttpx2Client(
    limits=five, mounts={"http://": httpx2.AsyncHTTPTransport(limits=httpx2.Limits(max_connections=50))}
)
mount_pool = next(iter(mounted._mounts.values()))._pool
print("with a mount for http://: _transport says", mounted._transport._pool._max_connections, end="")
print(", but http:// requests go through a pool of", mount_pool._max_connections)
try:
    openai.DefaultAioHttpClient()._transport._pool
except AttributeError as error:
    print(f"aiohttp transport: {type(error).__name__}: {error}")
await mounted.aclose()

# %% [markdown]
# The server's count is the check that cannot be fooled: this course reads the peak of requests in flight at
# the mock. Meanwhile a small helper, `settings_table`, reads the pool and the settings above for several
# clients at once:

# %%
clients = {
    "AsyncOpenAI()": AsyncOpenAI(),
    "DefaultAsyncHttpx2Client": capped,
    "httpx2.AsyncClient": AsyncOpenAI(http_client=httpx2.AsyncClient(limits=five)),
}
print(settings_table(clients))

# %% [markdown]
# Both custom clients have the cap of 5. The plain one differs in two places:
#
# * **redirects are off** (`follow_redirects=False`): the SDK's clients follow redirects, plain httpx2 doesn't.
# * **its own timeout is httpx's 5 s**, against the SDK's 600 s for reads.
#
# Yet the last column says the SDK will still use 600 s. Introspection alone doesn't settle it, so ask the
# wire. Every request the SDK sends carries its read timeout in the `x-stainless-read-timeout` header, and
# the mock records it. We send one request through each client, plus two more: a plain client given
# `timeout=30`, and one given `timeout=5.0` on purpose.

# %%
clients["httpx2.AsyncClient(timeout=30)"] = AsyncOpenAI(http_client=httpx2.AsyncClient(limits=five, timeout=30))
clients["httpx2.AsyncClient(timeout=5.0)"] = AsyncOpenAI(http_client=httpx2.AsyncClient(limits=five, timeout=5.0))
for name, client in clients.items():
    mock.reset()
    await ask(client, "what is my timeout?")
    (record,) = mock.stats().records
    print(f"{name:<32} http client says {client._client.timeout!s:<40} the wire says {record.read_timeout:g} s")

# %% [markdown]
# The SDK wins, and the rule is in its source: **if your HTTP client's timeout differs from httpx's default
# 5 s, the SDK adopts it; if it equals 5 s, the SDK assumes you never set it and keeps its own 600 s.** So a
# plain client does not cost you the SDK's timeout, contrary to what some tutorials say. But:
#
# * a timeout you do set on the HTTP client (30 s here) replaces the SDK's;
# * a timeout of exactly 5 s is silently ignored. To mean 5 s, say so to the SDK:
#   `AsyncOpenAI(timeout=5.0, ...)`.
#
# What a plain client does lose is `follow_redirects`, plus the SDK's default limits when you pass none
# (you'd get httpx's 100/20). `DefaultAsyncHttpx2Client(limits=...)` changes the limits and nothing else:
# use it.

# %%
for client in clients.values():
    await client.close()

# %% [markdown]
# ## 2. The classic recipe still works on openai 3.x
#
# Many tutorials print this recipe, written for openai 1.x, when the SDK was built on `httpx`:
#
# ```python
# http_client = httpx.AsyncClient(limits=httpx.Limits(max_connections=10, max_keepalive_connections=5))
# client = AsyncOpenAI(http_client=http_client)
# ```
#
# openai 3.x runs on `httpx2`, and `httpx` is no longer among its requirements:

# %%
needs = [re.match(r"[\w.-]+", r).group() for r in importlib.metadata.requires("openai") if "extra" not in r]
print("openai requires:", ", ".join(needs))

# %% [markdown]
# It still accepts a legacy `httpx` client when you install httpx yourself (this course does). Let's check
# the limit this recipe really sets, first by introspection:

# %%
classic = AsyncOpenAI(
    http_client=httpx.AsyncClient(limits=httpx.Limits(max_connections=10, max_keepalive_connections=5))
)
print(settings_table({"classic recipe": classic}))
classic_pool = classic._client._transport._pool
library = type(classic_pool).__module__.split(".")[0]
print(f"the classic recipe's pool: {library}, max_connections {classic_pool._max_connections}")

# %% [markdown]
# Then by the server's count. Two batches of 30 requests at once, one after the other. If the cap holds,
# the mock never sees more than 10 requests in flight.

# %%
first = await measure(mock, "batch 1", classic, 30)
second = await measure(mock, "batch 2", classic, 30)
for run in (first, second):
    print(f"{run.label}: {run.requests} requests, peak in flight {run.peak}, new connections {run.connections}")
await classic.close()

# %% [markdown]
# The cap holds: peak 10. But look at the connections: **30 requests opened 30 connections**, and the second
# batch opened 25 more. Keep-alive was 5, below the limit of 10. Give httpx2, the SDK's own client, exactly
# the same limits, built by a small function you will see again (it is most of exercise 03):


# %%
def capped_client(max_connections: int, keepalive: int | None = None) -> AsyncOpenAI:
    """An AsyncOpenAI whose pool allows `max_connections` and keeps `keepalive` alive (default: all of them),
    with every other setting the SDK's."""
    limits = httpx2.Limits(
        max_connections=max_connections,
        max_keepalive_connections=max_connections if keepalive is None else keepalive,
    )
    return AsyncOpenAI(http_client=openai.DefaultAsyncHttpx2Client(limits=limits))


same_limits = capped_client(10, keepalive=5)
first = await measure(mock, "batch 1", same_limits, 30)
second = await measure(mock, "batch 2", same_limits, 30)
for run in (first, second):
    print(f"{run.label}: {run.requests} requests, peak in flight {run.peak}, new connections {run.connections}")
await same_limits.close()

# %% [markdown]
# 10, then 5 new: httpx2 reuses connections within a batch and only loses the 5 it doesn't keep alive
# between batches. Legacy httpx 0.28 uses `httpcore` 1.0, whose pool decides that an idle connection is
# "surplus" by comparing the number of *all* its connections, not the idle ones, with
# `max_keepalive_connections`:

# %%
source = inspect.getsource(httpcore.AsyncConnectionPool._assign_requests_to_connections)
print("httpcore", httpcore.__version__)
print("\n".join(line.strip() for line in source.splitlines() if "len([connection.is_idle()" in line))

# %% [markdown]
# `len([...])` counts every connection, so once the pool holds more than 5, each connection that goes
# idle is closed at once and the next queued request opens a new one. So the classic recipe differs from
# `DefaultAsyncHttpx2Client(limits=...)` in several ways:
#
# * it's a legacy `httpx` pool (`httpcore`, not `httpcore2`), which churns connections whenever
#   `max_keepalive_connections` is below `max_connections`, even inside one batch;
# * redirects are off;
# * its own timeout is httpx's 5 s. As measured above, that's harmless (the SDK keeps 600 s), unless you set
#   some other value, which then replaces the SDK's.
#
# If you keep the recipe, set both limits to the same number and pass `follow_redirects=True` (exercise 03's
# grader sends a redirect, and the recipe as printed fails it). Better, move to
# `openai.DefaultAsyncHttpx2Client(limits=httpx2.Limits(...))`.

# %% [markdown]
# ## 3. Keep-alive below the limit causes churn
#
# Even on httpx2, keep-alive below the limit costs connections between bursts. Picture R rounds of N
# requests at once, each round after the previous one ends: a batch job, a burst of traffic. With
# `max_connections=N`, the first round opens N connections. When it ends, only `keepalive` of
# them stay open, so each later round opens `N - keepalive` new ones:
#
# **connections = N + (R - 1) × (N - keepalive)**
#
# Each new connection costs a TCP handshake (plus TLS against the real API). We measure R = 3 rounds of
# N = 20 for several keep-alive settings. The answers take 150 ms here, so each round fully overlaps.

# %%
mock.configure(latency_ms=150)
keepalives = [0, 2, 5, 10, 15, 20]
opened = []
for keepalive in keepalives:
    client = capped_client(20, keepalive)
    run = await measure(mock, f"keepalive {keepalive}", client, 20, rounds=3)
    await client.close()
    opened.append(run.connections)
    expected = churn_formula(20, keepalive, 3)
    print(f"max_keepalive_connections={keepalive:<3} opened {run.connections:>3}   formula {expected}")

# %%
connections_vs_keepalive(keepalives, opened, concurrency=20, rounds=3)
plt.show()

# %% [markdown]
# The mock's counts match the formula exactly: 60 connections with no keep-alive, 56 with 2, 20 when
# keep-alive equals the limit. **Set `max_keepalive_connections` equal to `max_connections`.**
#
# The other setting in the tables above, `keepalive_expiry` (5 s), works lazily, as lesson 01 showed: an idle
# connection is dropped only when the next request finds it expired. So rounds more than 5 s apart reopen
# every connection, whatever `max_keepalive_connections` says; within 5 s, the formula holds.

# %% [markdown]
# ## 4. A pool too small: requests wait
#
# What happens to requests beyond the cap? They wait in the pool for a free connection. Six requests
# through a pool of 2, answers taking 500 ms:

# %%
mock.configure(latency_ms=500)
mock.reset()
small = capped_client(2)
started = time.perf_counter()
answers = await batch(small, 6)
waited = time.perf_counter() - started
stats = mock.stats(records=False)
print(f"answered: {sum(isinstance(a, str) for a in answers)} of 6 | peak in flight {stats.peak_in_flight}")
print(f"took {waited:.2f} s, {waited / 0.5:.1f}× one answer: three rounds of two")

# %% [markdown]
# No error, just queueing. How long will a request wait for a slot? The SDK's timeout has four parts,
# and the **pool** part (how long to wait for a free connection) is 600 s too:

# %%
print(small.timeout)
await small.close()

# %% [markdown]
# So an exhausted pool makes requests wait up to ten minutes before anything fails. To fail fast instead,
# give the SDK a short pool timeout. Below, two slow requests (3.5 s) fill a pool of 2; then four more
# arrive with a pool timeout of 0.2 s. An event hook counts every attempt the client makes, whether it
# reaches the server or not.

# %%
mock.reset()
attempts = []


async def count_attempt(request: httpx2.Request) -> None:
    """Called by httpx2 before each attempt, even one that never gets a connection."""
    attempts.append(request.url.path)


limits = httpx2.Limits(max_connections=2, max_keepalive_connections=2)
tight = AsyncOpenAI(
    http_client=openai.DefaultAsyncHttpx2Client(limits=limits, event_hooks={"request": [count_attempt]}),
    timeout=httpx2.Timeout(600, connect=5, pool=0.2),
)
slow = asyncio.ensure_future(batch(tight, 2, tag="slow", extra_headers={"x-mock-latency-ms": "3500"}))
await asyncio.sleep(0.2)  # the slow pair now holds both connections
waiting = await batch(tight, 4, tag="waiting")
for outcome in waiting[:1]:
    print(type(outcome).__name__, "caused by", type(outcome.__cause__).__name__, "-", outcome)
print("the four waiting requests:", [type(o).__name__ for o in waiting])
print("the slow pair:", [type(o).__name__ for o in await slow])
stats = mock.stats(records=False)
print(f"attempts by the client: {len(attempts)} | requests the server saw: {stats.requests_total}")
await tight.close()

# %% [markdown]
# Each waiting request got `APITimeoutError`, wrapping httpx2's `PoolTimeout`. The SDK counts a pool
# timeout like any other timeout and **retries it** (2 retries by default, with backoff), so the client
# made 2 + 4 × 3 = 14 attempts. The server saw only the 2 slow requests: the other 12 attempts never got a
# connection, so **no server log will ever show them**. If your service reports timeouts the provider
# can't see, look at your pool.

# %% [markdown]
# ## 5. Throughput against `max_connections`
#
# A last picture: 30 requests at once, answers taking 150 ms, with caps from 2 to 30. With a cap of k, the
# batch runs in about ceil(30 / k) rounds.

# %%
mock.configure(latency_ms=150)
caps = [2, 3, 5, 10, 15, 30]
runs = []
for cap in caps:
    client = capped_client(cap)
    runs.append(await measure(mock, f"k={cap}", client, 30))
    await client.close()
print("requests answered per run:", ", ".join(str(r.requests) for r in runs))
within = sum(r.peak <= k for r, k in zip(runs, caps, strict=True))
print(f"runs whose peak in flight stayed within their cap: {within} of {len(runs)}")

# %%
throughput_vs_max_connections(caps, [r.rps for r in runs], requests=30, latency_ms=150)
plt.show()

# %% [markdown]
# Throughput rises with the cap. At small caps it follows the ideal: the batch is ceil(30 / k) rounds of
# waiting for the model. At large caps it falls below it, and that is this machine, not the pool: opening up to
# 30 connections and building, sending and parsing 30 requests in Python costs the client tens of milliseconds
# on 2 shared cores, as much as a round of 150 ms answers. With answers of seconds, as a real model gives, that
# overhead disappears in the waiting. And a cap above the number of requests you ever have at once changes
# nothing.
#
# ### Is "5 to 10 connections" enough?
#
# Articles often suggest 5 to 10 connections for most applications. Whether that holds depends on one product:
# requests in flight = requests per second × seconds per answer (Little's law). A cap of k carries at most
# k / latency requests per second; anything beyond waits in the pool (section 4). Model answers take seconds,
# not milliseconds; at half a second per answer, 20 requests at once:

# %%
mock.configure(latency_ms=500)
for cap in (5, 10, 20):
    client = capped_client(cap)
    run = await measure(mock, f"k={cap}", client, 20)
    await client.close()
    print(f"k={cap:<3} 20 answers in {run.seconds:.1f} s: {run.rps:.1f} req/s (ceiling k / latency = {2 * cap} req/s)")

# %% [markdown]
# Ten connections carry 20 requests per second of half-second answers, 2 per second of 5-second ones. If that is
# more than your service ever needs at once, 5 to 10 is plenty, and a smaller cap protects the other side.
# If your traffic times your answer time is above the cap, the cap starves your throughput: requests queue in
# the pool for up to its 600 s timeout. Pick the cap from what the other side allows (your rate limit, a
# proxy's limit) and check it against rate × latency. Remember that each process has its own pool, so four
# workers (`uvicorn --workers 4`) with a cap of 10 can open 40 connections ([lesson 06](06_production_lifecycle.ipynb),
# section 4, measures it and splits a budget between workers). A stream your code leaves open holds one of
# those connections until it is closed: [lesson 05](05_streaming.ipynb).
#
# ## What to remember
#
# - Limits go on the HTTP client: `AsyncOpenAI(http_client=openai.DefaultAsyncHttpx2Client(limits=...))`. It
#   keeps the SDK's timeout, redirects and defaults; a plain `httpx2`/`httpx` client loses redirects (and the
#   SDK's limits when you pass none).
# - Set `max_keepalive_connections` equal to `max_connections`, or connections churn.
# - A pool too small queues requests for up to 600 s; a short `pool=` timeout fails fast, and its retries
#   never reach the server.
# - The cap bounds throughput at cap / latency: check it against your traffic.
# - Check the limit in force from the server's side (peak in flight), not only from private attributes.
#
# A recipe for production code:

# %%
import httpx2
import openai

MAX_CONNECTIONS = 10  # what the other side allows; at least requests per second x seconds per answer

limits = httpx2.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS)
client = openai.AsyncOpenAI(http_client=openai.DefaultAsyncHttpx2Client(limits=limits))  # once per process
print(client._client._transport._pool._max_connections, "connections at most")
await client.close()  # at shutdown

# %% [markdown]
# To read more: the SDK's README, "Configuring the HTTP client"
# ([github.com/openai/openai-python](https://github.com/openai/openai-python#configuring-the-http-client)), and
# httpx2's pool limits (`httpx2.Limits`), which work as httpx's always have
# ([python-httpx.org/advanced/resource-limits](https://www.python-httpx.org/advanced/resource-limits/)).

# %%
mock.stop()

# %% [markdown]
# ## Exercise 03: a client capped at K connections
#
# Open `exercises/ex03_connection_limits.py` and write two functions:
#
# * `make_client(k)` returns an `AsyncOpenAI` whose pool allows **k** connections at once and keeps all k
#   alive between batches, with the SDK's other defaults kept (600 s timeout, redirects, retries).
# * `async def answer_all(client, prompts)` sends every prompt as one chat completion through `client`,
#   all at once (`asyncio.gather`), and returns the answers' texts in the order of `prompts`.
#
# The grader starts its own mock server (answers take 100 ms), calls `make_client(5)`, runs two batches
# of 10 prompts through it, then `make_client(3)` and one batch of 6. It checks, from what the mock saw:
#
# * every answer is right and in order, and the requests came from the async client;
# * the peak of requests in flight equals the cap: 5, then 3;
# * no churn: 5 connections for both batches of the first client, 3 for the second;
# * every request kept the SDK's 600 s read timeout.
#
# Run the cell below to grade your file (or `python -m clientlab grade 03` in a terminal). Until you write
# your answer it shows what the unsolved exercise gets.

# %%
from clientlab.grading import grade, hint

grade("ex03")
