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
from collections.abc import Callable
from time import perf_counter

import httpx2
import matplotlib.pyplot as plt
import openai
from openai import OpenAI

from clientlab import MockServer, answer_for
from clientlab.lessons.one_client import median_ms, open_connections, seen, time_calls
from clientlab.plots.latency import per_call_latency

mock = MockServer(latency_ms=20, set_env=True).start()  # each answer takes 20 ms, like a (very fast) model
print("openai", openai.__version__)
print("mock server:", mock.base_url)
print("OPENAI_BASE_URL points at it:", os.environ["OPENAI_BASE_URL"] == mock.base_url)

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
print(repr(reply), "| the mock's answer:", reply == answer_for("hello"))

# %% [markdown]
# ## 1. What a client costs
#
# Start with construction alone: no request is sent. We time 20 constructions each of `OpenAI()`, of the
# SDK's HTTP client on its own (`openai.DefaultHttpxClient()`, what `OpenAI()` builds inside), of a plain TLS
# context, and of an `OpenAI` handed an HTTP client that already exists. The fastest of the 20 is the
# fairest number on a busy machine.


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
existing_http = openai.DefaultHttpxClient()
full = build_ms(OpenAI)
http_only = build_ms(openai.DefaultHttpxClient)
tls_only = build_ms(ssl.create_default_context)
reusing = build_ms(lambda: OpenAI(http_client=existing_http))
print(f"OpenAI()                            {full:.2f} ms")
print(f"DefaultHttpxClient() alone          {http_only:.2f} ms")
print(f"ssl.create_default_context() alone  {tls_only:.2f} ms")
print(f"OpenAI(http_client=existing_http)   {reusing:.3f} ms")
print(f"a full OpenAI() costs {full / reusing:.1f}× one that reuses an HTTP client")
print("requests the mock saw meanwhile:", mock.stats().requests_total)
existing_http.close()

# %% [markdown]
# Almost all of the cost is the HTTP client, and it is of the same size as building a TLS context (which loads
# the system's trust store from disk), even though our mock speaks plain HTTP. That CPU time is nothing once per
# process, but a client per request pays it on every request.
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
# Against the real API the connection is TLS, so each new connection adds a TLS handshake over the internet
# on top of this. The discarded clients were also never closed, so their sockets wait for Python's garbage
# collector (section 4 is about closing). We force a collection and check that only the shared client's
# connection is still open:

# %%
gc.collect()
print("after gc.collect(), connections open:", open_connections(mock, expect=1), "(the shared client's)")

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
print("the copy shares the original's HTTP client:", quick._client is base._client)

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
# A client holds its connections open (the SDK lets an idle one live for 5 s, and a client never used again is
# only cleaned up by the garbage collector). Close it when you are done: use it as a context manager, or call
# `close()`. First, close the clients we still hold and check that nothing is left open:

# %%
for done in (shared, client, base):
    done.close()
print("connections open now:", open_connections(mock, expect=0))

# %%
mock.reset()
with OpenAI() as c:
    ask_with(c, "inside a with block")
    print("inside the with block, connections open:", mock.stats().connections_open)
print("after the with block, connections open: ", open_connections(mock, expect=0))

c = OpenAI()
ask_with(c, "then close() by hand")
print("before close(), connections open:", mock.stats().connections_open)
c.close()
print("after close(), connections open: ", open_connections(mock, expect=0))

# %% [markdown]
# Both drop the open count back to 0. In a script, `with OpenAI() as client:` around the work is enough; in a
# long-running service, create the client at start-up and close it at shutdown (lesson 06 shows how with
# FastAPI's lifespan).
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

print("original closed?", original.is_closed())
try:
    ask_with(original, "the original, after the copy was closed")
except RuntimeError as exc:
    print(f"{type(exc).__name__}: {exc}")
print(seen(mock))

# %% [markdown]
# The original is now closed: its next call fails with `RuntimeError` before anything is sent (the mock saw only
# the first two requests), and it is not an `openai.APIError`, so code that catches API errors will not catch
# it. The rule: **close only the client you built, once, when the process is done with it; never close a
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
