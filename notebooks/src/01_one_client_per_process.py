# %% [markdown]
# # 01 · One client per process
#
# An `OpenAI()` object looks like a thin handle you can create wherever you need one. It is not: it owns an
# HTTP client with a **connection pool** and a **TLS (SSL) context**, and it carries the configuration every
# request is sent with (key, base URL, timeout, retries). Build it once per process, reuse it everywhere, and
# close it when the process is done.
#
# In this lesson you will measure, against the course's local mock server:
#
# 1. what building a client costs, and what a client per call does to your connections;
# 2. what configuration a client carries, and its defaults;
# 3. how `with_options(...)` gives one call different settings while reusing the same pool;
# 4. how to close a client, and the trap of closing a copy.
#
# No API key and no network are needed: everything runs against the mock, which counts every TCP connection
# and records every request.

# %%
import gc
import os
import ssl
import warnings
from collections.abc import Callable
from time import perf_counter, sleep

import httpx2
import matplotlib.pyplot as plt
import openai
from openai import OpenAI

from clientlab import MockServer, answer_for
from clientlab.lessons.one_client import median_ms, seen, time_calls
from clientlab.plots.latency import per_call_latency

mock = MockServer(latency_ms=20, set_env=True).start()  # each answer takes 20 ms, like a (very fast) model
print("openai", openai.__version__)
print("mock server:", mock.base_url)
print("OPENAI_BASE_URL:", os.environ["OPENAI_BASE_URL"])

# %% [markdown]
# `set_env=True` sets `OPENAI_BASE_URL` and `OPENAI_API_KEY` for this kernel, so a plain `OpenAI()` talks to
# the mock. A small function keeps the cells short: one chat completion, return the text.


# %%
def ask_with(client: OpenAI, question: str) -> str:
    """One chat completion through `client`; the answer's text."""
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content


with OpenAI() as warm_up:  # the first request of a process imports a few modules: keep that out of the timings
    reply = ask_with(warm_up, "hello")
print(f"{reply!r} (the mock repeats what it is told: {answer_for('hello')!r})")

# %% [markdown]
# ## 1. What a client costs
#
# Start with construction alone: no request is sent. We time 20 constructions each of `OpenAI()`, of an HTTP
# client with the SDK's defaults on its own (`openai.DefaultHttpx2Client()`, like the one `OpenAI()` builds
# inside), of a plain TLS context, and of an `OpenAI` handed an HTTP client that already exists. The fastest of
# the 20 is the fairest number on a busy machine.


# %%
def build_ms(make: Callable[[], object], n: int = 20) -> float:
    """The fastest of `n` runs of `make()`, in milliseconds."""
    times = []
    for _ in range(n):
        started = perf_counter()
        make()
        times.append((perf_counter() - started) * 1000)
    return min(times)


mock.reset()
existing_http = openai.DefaultHttpx2Client()
full = build_ms(OpenAI)
http_only = build_ms(openai.DefaultHttpx2Client)
tls_only = build_ms(ssl.create_default_context)
reusing = build_ms(lambda: OpenAI(http_client=existing_http))
print(f"OpenAI()                            {full:.2f} ms")
print(f"DefaultHttpx2Client() alone         {http_only:.2f} ms")
print(f"ssl.create_default_context() alone  {tls_only:.2f} ms")
print(f"OpenAI(http_client=existing_http)   {reusing:.3f} ms")
print(f"a full OpenAI() costs {full / reusing:.1f}× one that reuses an HTTP client")
print("requests the mock saw meanwhile:", mock.stats().requests_total)
existing_http.close()

# %% [markdown]
# Almost all of the cost is the HTTP client, and it is of the same size as building a TLS context (which loads
# the system's trust store from disk), even though our mock speaks plain HTTP. That CPU time is nothing once per
# process, but a client per request pays it on every request. These figures are this machine's (Linux, where
# the trust store is a bundle of files to parse; 2 shared cores): on another OS or a faster CPU the numbers
# differ, the ratio much less.
#
# Now make 30 calls two ways: a new client inside every call (a pattern that is common in real code), and one
# client shared by all 30. We reset the mock's counters before each run and read what it saw.

# %%
N = 30


def ask_new_client(question: str) -> str:
    """The anti-pattern: a fresh client for every call."""
    client = OpenAI()
    return ask_with(client, question)


mock.reset()
per_call_ms = time_calls(ask_new_client, N)
per_call_stats = mock.stats()

mock.reset()
shared = OpenAI()
shared_ms = time_calls(lambda question: ask_with(shared, question), N)
shared_stats = mock.stats()

print(f"{'':<18}{'requests':>9}{'connections opened':>20}   median per call")
for label, stats, times in [
    ("client per call", per_call_stats, per_call_ms),
    ("one shared client", shared_stats, shared_ms),
]:
    print(f"{label:<18}{stats.requests_total:>9}{stats.connections_opened:>20}   {median_ms(times):.1f} ms")
print(f"\nper call, the client-per-call version is {median_ms(per_call_ms) / median_ms(shared_ms):.1f}× slower")

# %% [markdown]
# The counts are exact and the same every run: **30 calls with a client per call opened 30 TCP connections;
# the shared client opened 1** and kept reusing it. The timings vary with the machine, but the shape does not:
# every per-call client pays for its construction and for a new connection before it can send anything, and
# the mock's own 20 ms of "model time" is the same for both.

# %%
per_call_latency(
    {"client per call": per_call_ms, "one shared client": shared_ms},
    {"client per call": per_call_stats.connections_opened, "shared client": shared_stats.connections_opened},
    title=f"{N} sequential calls",
    floor_ms=20,
)
plt.show()

# %% [markdown]
# The discarded clients were never closed, so their sockets wait for Python's garbage collector (section 4 is
# about closing). The server notices a closed socket a moment after the client closes it, so this small
# function, used for the rest of the lesson, reads the mock's count of open connections once it has held still:


# %%
def connections_open(mock: MockServer, settle: float = 0.3, wait: float = 5.0) -> int:
    """The mock's count of open connections, once unchanged for `settle` seconds (or after `wait`)."""
    deadline = perf_counter() + wait
    last, since = -1, perf_counter()
    while perf_counter() < deadline:
        now_open = mock.stats(records=False).connections_open
        if now_open != last:
            last, since = now_open, perf_counter()
        elif perf_counter() - since >= settle:
            break
        sleep(0.02)
    return last


gc.collect()
print("after gc.collect(), connections open:", connections_open(mock), "(the shared client's)")

# %% [markdown]
# ### Over TLS, every new connection is also a handshake
#
# The real API is HTTPS. A client per call opens a new TLS connection every time, and a TLS handshake is
# CPU on both sides plus at least one network round trip before the request can go (TLS 1.3; two with TLS
# 1.2). The mock speaks TLS too (`MockServer(tls=True)`, with a throwaway certificate authority), so we can
# measure the handshake itself: the same 30 calls, a client per call, over HTTP and over HTTPS, then one client
# over HTTPS. Every client here reuses one TLS context built beforehand (so building a client costs little
# this time), and the only difference between the first two rows is the handshake.

# %%
tls_mock = MockServer(latency_ms=20, tls=True).start()
tls_context = tls_mock.ssl_context()  # trusts the mock's throwaway CA


def client_for(server: MockServer) -> OpenAI:
    """A client of `server`, with an HTTP client that trusts the mock's CA (plain HTTP ignores it)."""
    return OpenAI(base_url=server.base_url, http_client=openai.DefaultHttpx2Client(verify=tls_context))


def per_call_over(server: MockServer) -> list[float]:
    """30 calls, a new client for each (closed after it)."""

    def one(question: str) -> str:
        with client_for(server) as fresh:
            return ask_with(fresh, question)

    server.reset()
    return time_calls(one, N)


with client_for(tls_mock) as warm:  # the first TLS connection of the process loads a few modules
    ask_with(warm, "warm up")
http_per_call = per_call_over(mock)
http_opened = mock.stats(records=False).connections_opened
https_per_call = per_call_over(tls_mock)
https_opened = tls_mock.stats(records=False).connections_opened
tls_mock.reset()
with client_for(tls_mock) as one_tls_client:
    https_shared = time_calls(lambda question: ask_with(one_tls_client, question), N)
https_shared_opened = tls_mock.stats(records=False).connections_opened
for label, times, opened in [
    ("HTTP, client per call", http_per_call, http_opened),
    ("HTTPS, client per call", https_per_call, https_opened),
    ("HTTPS, one client", https_shared, https_shared_opened),
]:
    print(f"{label:<24}{opened:>3} connections   median {median_ms(times):.1f} ms per call")
handshake = median_ms(https_per_call) - median_ms(http_per_call)
print(f"the handshake, on loopback: about {max(handshake, 0):.1f} ms of CPU per new connection")
tls_mock.stop()

# %% [markdown]
# On loopback the handshake is only CPU, a few milliseconds. Over the internet add a round trip to the API's
# servers for each new connection, tens of milliseconds, before the first byte of the request, and a public
# certificate chain to verify. One client pays it once; a client per call pays it every time, on top of building
# the client.
#
# Every connection in this course carries one request at a time: the SDK's HTTP client speaks HTTP/1.1 (its
# pool has HTTP/2 off, as `client._client._transport._pool._http2` shows). With HTTP/2 many requests would share
# one connection, and "one connection per request in flight" would no longer hold.

# %% [markdown]
# ## 2. What a client carries
#
# Everything a client needs comes from its constructor arguments, or, when they are left out, from the
# environment and the SDK's defaults. You can read it back from the client itself:

# %%
client = OpenAI()
print("api_key       ", "(from OPENAI_API_KEY)" if client.api_key == os.environ["OPENAI_API_KEY"] else "(given)")
print("organization  ", repr(client.organization), "  <- OPENAI_ORG_ID when set")
print("project       ", repr(client.project), "  <- OPENAI_PROJECT_ID when set")
print("base_url      ", client.base_url, "  <- OPENAI_BASE_URL")
print("timeout       ", client.timeout)
print("max_retries   ", client.max_retries)
print("SDK defaults  ", f"DEFAULT_TIMEOUT={openai.DEFAULT_TIMEOUT}, DEFAULT_MAX_RETRIES={openai.DEFAULT_MAX_RETRIES}")
print("pool limits   ", openai.DEFAULT_CONNECTION_LIMITS)

# %% [markdown]
# Two defaults deserve attention. The **timeout is 600 s** for reading, writing and waiting for a pool slot
# (5 s to connect): a stuck request can hold a caller for ten minutes. And **`max_retries` is 2**, so a
# failing call can be tried three times. [Lesson 04](04_timeouts_and_retries.ipynb) is about choosing better
# values; here we only need to know that they belong to the client.
#
# `organization` and `project` are `None` here because their environment variables are not set. Set them and a
# new client picks them up (the values below are made up):

# %%
os.environ["OPENAI_ORG_ID"], os.environ["OPENAI_PROJECT_ID"] = "org-lab-demo", "proj-lab-demo"
print(OpenAI().organization, OpenAI().project)
del os.environ["OPENAI_ORG_ID"], os.environ["OPENAI_PROJECT_ID"]

# %% [markdown]
# The read timeout even travels with every request: the SDK sends it in an `x-stainless-read-timeout` header,
# which the mock records. One call with the default client:

# %%
mock.reset()
ask_with(client, "what is my timeout?")
record = mock.stats().records[0]
print(f"read timeout the mock saw: {record.read_timeout:g} s")

# %% [markdown]
# ### The whole configuration, as production code writes it
#
# Production code often spells every setting out, so that a reader sees them and nothing depends on a
# default changing. Each argument has an effect you can see, on the client or on the wire. (In real code the
# key comes from a secret store or the environment, never from the source; the values here are made up.)

# %%
mock.reset()
configured = OpenAI(
    api_key="sk-lab-demo-key",  # else OPENAI_API_KEY
    organization="org-lab-demo",  # else OPENAI_ORG_ID; sent as the OpenAI-Organization header
    project="proj-lab-demo",  # else OPENAI_PROJECT_ID; sent as the OpenAI-Project header
    base_url=mock.base_url,  # else OPENAI_BASE_URL, else https://api.openai.com/v1
    timeout=60.0,  # the default is 600 s
    max_retries=2,  # the default
)
ask_with(configured, "who am I?")
wire = mock.stats().records[0]
print("the mock received:")
print(f"  POST {wire.path} on {mock.base_url.split('//')[1].split('/')[0]}")
print(f"  OpenAI-Organization: {wire.organization}   OpenAI-Project: {wire.project}")
print(f"  a bearer key ending in ...{configured.api_key[-4:]}, read timeout {wire.read_timeout:g} s")
failed = configured.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "and when it fails?"}],
    extra_headers={"x-mock-fail-first": "1", "x-mock-retry-after-ms": "10"},  # the mock fails the first attempt
)
print(f"  max_retries=2: a failed first attempt was retried: {[r.status for r in mock.stats().records[1:]]}")
configured.close()

# %% [markdown]
# ## 3. One call with other settings: `with_options`
#
# Suppose one call in your program must give up after 5 seconds while the others keep the defaults. Building a
# second client for it would bring a second pool (and its construction cost). Instead, `with_options(...)`
# returns a **copy** of the client with some settings changed, and the copy **shares the original's HTTP
# client, so its pool**.
#
# Ten copies, each used for one call, and a look at what the mock saw:

# %%
mock.reset()
base = OpenAI()  # a new client: its pool is empty
for i in range(10):
    quick = base.with_options(timeout=5)
    ask_with(quick, f"quick question {i + 1}")
ask_with(base, "and a normal one")  # the original, unchanged

records = mock.stats().records
print(seen(mock))
print("read timeouts:", ", ".join(f"{r.read_timeout:g} s" for r in records))
print("distinct connections these 11 requests used:", len({r.conn for r in records}))
print("the last copy's HTTP client is the original's:", "yes" if quick._client is base._client else "no")

# %% [markdown]
# **Ten copies and the original, one connection**: no new pool, no new TLS context. The mock saw `5 s` on each
# quick request and the default `600 s` on the original's, so the override applies to the copy only; the
# original is unchanged.
#
# A per-request `timeout=` argument to `create(...)` does the same for a single call, and it reaches the server
# identically (again no new connection: the request reuses `base`'s pool):

# %%
mock.reset()
base.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], timeout=5)
print(seen(mock), "| read timeout:", f"{mock.stats().records[0].read_timeout:g} s")

# %% [markdown]
# `with_options` takes every setting the constructor does. A copy that may wait longer and try harder, for a
# call that matters more than its latency, is `client.with_options(max_retries=5, timeout=120.0)`. The mock
# fails the first four attempts of this request (the `x-mock-*` headers are the course's, not the API's):

# %%
mock.reset()
patient = base.with_options(max_retries=5, timeout=120.0)
patient.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "worth waiting for"}],
    extra_headers={"x-mock-fail-first": "4", "x-mock-retry-after-ms": "10"},
)
attempts = mock.stats().records
for r in attempts:
    print(f"attempt {r.retry_count}: status {r.status}, read timeout {r.read_timeout:g} s, connection {r.conn}")
print(seen(mock), "| the copy's pool is the original's:", "yes" if patient._client is base._client else "no")
try:
    base.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "the original, same failures"}],
        extra_headers={"x-mock-fail-first": "4", "x-mock-retry-after-ms": "10"},
    )
except openai.InternalServerError as exc:
    print(f"the original, with its 2 retries, gave up after 3 attempts: {type(exc).__name__}")

# %% [markdown]
# Five attempts by the copy (the first and 4 of its 5 retries), each announcing 120 s, all over one connection,
# the original's; the original itself still gives up after its default 3. (The SDK waited 10 ms between
# attempts because the mock asked it to, with a `retry-after-ms` header; lesson 04 shows its own backoff.)
#
# One option breaks the sharing: `http_client=`. A copy given its own HTTP client uses that client's pool, so
# `with_options(http_client=httpx2.Client())` in every call is a client per call in disguise. Five calls:

# %%
mock.reset()
for i in range(5):
    with httpx2.Client() as own_http:
        ask_with(base.with_options(http_client=own_http), f"question {i + 1}")
print(seen(mock))

# %% [markdown]
# Five calls, five connections. Give `http_client=` to the client you build once (lesson 03 does exactly that
# to set connection limits), not to per-call copies.
#
# ## 4. Closing clients
#
# A client holds its connections open, and a client never used again is only cleaned up by the garbage
# collector. Close it when you are done: use it as a context manager, or call `close()`. First, close the
# clients we still hold and check that nothing is left open:

# %%
for done in (shared, client, base):
    done.close()
print("connections open now:", connections_open(mock))

# %%
mock.reset()
with OpenAI() as c:
    ask_with(c, "inside a with block")
    print("inside the with block, connections open:", mock.stats().connections_open)
print("after the with block, connections open: ", connections_open(mock))

c = OpenAI()
ask_with(c, "then close() by hand")
print("before close(), connections open:", mock.stats().connections_open)
c.close()
print("after close(), connections open: ", connections_open(mock))

# %% [markdown]
# Both drop the open count back to 0. In a script, `with OpenAI() as client:` around the work is enough; in a
# long-running service, create the client at start-up and close it at shutdown
# ([lesson 06](06_production_lifecycle.ipynb) shows how with FastAPI's lifespan, and what a client left open holds).
#
# ### An idle connection is not closed after 5 s, but at the next request
#
# The SDK's pool keeps an idle connection for 5 s (its keep-alive expiry). That does not mean a timer closes it
# after 5 s: httpcore2, the connection pool under httpx2, checks for expired connections only when the next
# request comes. One call, then 5.5 s of silence:

# %%
mock.reset()
idle = OpenAI()
ask_with(idle, "before the pause")
print("after the call:            open", connections_open(mock), "| opened", mock.stats().connections_opened)
sleep(5.5)
print("5.5 s later, still idle:   open", connections_open(mock), "| opened", mock.stats().connections_opened)
ask_with(idle, "after the pause")
print("after the next call:       open", connections_open(mock), "| opened", mock.stats().connections_opened)
idle.close()

# %% [markdown]
# The idle connection was still open 5.5 s later; the next request found it expired, closed it and opened a new
# one. Two consequences: a quiet client keeps its connections (and the server's) open until it is used or
# closed, and bursts more than 5 s apart reopen every connection, whatever pool size you chose.
#
# ### Who closes an HTTP client you pass in
#
# When you give a client your own `http_client=`, the SDK client takes ownership: closing the SDK client closes
# yours. So two SDK clients built on one HTTP client close each other:

# %%
mock.reset()
one_http = httpx2.Client()
first, second = OpenAI(http_client=one_http), OpenAI(http_client=one_http)
ask_with(first, "one")
ask_with(second, "two")
first.close()
print("after first.close(): the shared HTTP client is", "closed" if one_http.is_closed else "open")
try:
    ask_with(second, "second, after first.close()")
except RuntimeError as exc:
    print(f"second's next call: {type(exc).__name__}: {exc}")

# %% [markdown]
# Build one SDK client per HTTP client and close that one. And close it: an HTTP client of your own is not
# cleaned up the way the SDK's own is. When the garbage collector takes an unclosed `OpenAI()`, the SDK's
# wrapper around its HTTP client closes it; a plain `httpx2.Client` has no such hook, and its sockets are
# closed by their own finalizers, which warn about it:

# %%
makers = {"OpenAI()": OpenAI, "OpenAI(http_client=httpx2.Client())": lambda: OpenAI(http_client=httpx2.Client())}
for label, make in makers.items():
    mock.reset()
    dropped = make()
    ask_with(dropped, "never closed")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        del dropped
        gc.collect()
    unclosed = [w for w in caught if issubclass(w.category, ResourceWarning)]
    print(f"{label:<38} open after gc: {connections_open(mock)}, ResourceWarnings: {len(unclosed)}")
#
# ### The trap: closing a copy
#
# Because a `with_options` copy shares the original's HTTP client, **closing the copy closes the original's
# pool too**. A natural-looking `with client.with_options(...) as quick:` does exactly that when the block ends:

# %%
mock.reset()
original = OpenAI()
ask_with(original, "first call on the original")

with original.with_options(timeout=5) as quick:
    ask_with(quick, "one quick call")

print("after the with block, the original is", "closed" if original.is_closed() else "open")
try:
    ask_with(original, "the original, after the copy was closed")
except RuntimeError as exc:
    print(f"{type(exc).__name__}: {exc}")
print(seen(mock))

# %% [markdown]
# The original is now closed: its next call fails with `RuntimeError` before anything is sent (the mock saw only
# the first two requests), and it is not an `openai.APIError`, so code that catches API errors will not catch
# it. (openai 1.x behaved differently: measured on 1.109.1, it retried the closed client's request twice and
# then raised `APIConnectionError`, whose cause was this same `RuntimeError`. Code written for 1.x that catches
# `APIConnectionError` misses it on 3.x.)
#
# The rule: **close only the client you built, once, when the process is done with it; never close a
# `with_options` copy.**
#
# ## Public evidence
#
# This is not a lab curiosity. In the SDK's issue tracker, people building a new client for every request
# (openai/openai-python issues #820 and #874) were told by the maintainers to create the client once and reuse
# it. In #2359 a user asked to share the TLS context between clients because building a new one per client is
# expensive; the maintainer's answer was `client.with_options()`, which copies the client but keeps its HTTP
# client. You measured both facts above on openai 3.54: the construction cost, and one pool behind any number
# of `with_options` copies.

# %% [markdown]
# ## What to remember
#
# - Build one client per process and share it: 30 calls, 1 connection instead of 30, and no client setup or
#   TLS handshake per call.
# - Different settings for some calls: `client.with_options(...)`, a copy on the same pool. Never close a copy;
#   never give copies an `http_client=` of their own.
# - Spell the configuration out once, where the client is built; the key comes from the environment.
# - Close the client when the process is done with it (`with`, or `close()` at shutdown). An HTTP client you
#   pass in is closed with it.
# - Idle connections expire lazily, at the next request after 5 s.
#
# A recipe for production code (sync; lesson 02 has the async one for web servers):

# %%
import openai

# One client per process, at import time, configured by the environment (OPENAI_API_KEY, OPENAI_BASE_URL).
client = openai.OpenAI(timeout=60.0, max_retries=2)
quick = client.with_options(timeout=5.0)  # same pool: for calls that must give up quickly


def ask(question: str) -> str:
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content or ""


print(ask("recipe check"))
client.close()  # at shutdown (in a script: use `with openai.OpenAI(...) as client:` instead)

# %% [markdown]
# To read more: the SDK's README sections on timeouts, retries and "Configuring the HTTP client"
# ([github.com/openai/openai-python](https://github.com/openai/openai-python#configuring-the-http-client)).

# %%
mock.stop()
print("mock server stopped")

# %% [markdown]
# ## Exercise 01: one client, one connection
#
# Open `exercises/ex01_one_client.py`. It defines two functions for a module that answers many questions:
#
# - `ask(question)` returns the answer's text of one chat completion (model `"gpt-4o-mini"`, the question as the
#   user message);
# - `ask_quick(question)` does the same, but this call must give up after **5 seconds**: use
#   `client.with_options(timeout=5)`.
#
# Create **one** client for the module with a plain `OpenAI()` (the grader points the environment at a fresh
# mock server) and leave its settings at the defaults. The grader makes 21 calls in one process (20 `ask`,
# 1 `ask_quick`) and checks what the mock saw: the right answers, one request per call, **one connection for
# all 21 calls**, a 5 s read timeout on the quick call and the default 600 s on the others.
#
# Run the cell below after editing the file (or `python -m clientlab grade 01` in a terminal). Until you do, it
# shows the verdict for the unsolved exercise.

# %%
from clientlab.grading import grade, hint

grade("ex01")
