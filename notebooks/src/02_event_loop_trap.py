# %% [markdown]
# # 02 · The event-loop trap: sync vs async
#
# You have a FastAPI service with an `async def` endpoint that calls the model. It works perfectly
# when you try it by hand. Then a hundred users arrive at once and the service answers them **one at
# a time**.
#
# This lesson shows why, by measurement. We serve the same `GET /chat?q=...` endpoint four ways, each
# in its own uvicorn process, send it 100 concurrent requests, and let the mock server tell us how many
# of those requests were waiting on the model *at the same moment* ("peak in flight"). One number per
# variant tells the whole story.

# %%
import openai

print("openai", openai.__version__)

# %% [markdown]
# ## The setup
#
# A mock server that takes 250 ms to answer every chat completion, like a (fast) real model. With
# `set_env=True`, any `OpenAI()` or `AsyncOpenAI()` created in this kernel, or in a process started
# from it, talks to the mock.

# %%
from clientlab import MockServer, answer_for

LATENCY_MS = 250
mock = MockServer(latency_ms=LATENCY_MS, set_env=True).start()
print(f"mock server at {mock.url}, answering in {LATENCY_MS} ms")

# %% [markdown]
# The four apps live in `clientlab/lessons/fastapi_variants.py`. All of them build their client once,
# at import (lesson 01 showed why). Here is the endpoint that most people write first: an `async def`
# that calls the **sync** client.

# %%
import inspect

from clientlab.lessons import fastapi_variants as variants

print(inspect.getsource(variants.chat_sync_in_async))

# %% [markdown]
# Each app gets its own uvicorn process (`AppServer`, the same runner the grader uses), all four
# started at once. Then a small helper fires concurrent requests at one of them with the course's load
# generator (`run_load`, a small `hey`), checks the answers, and keeps what the mock saw for a plot at
# the end.

# %%
import json

from clientlab.grading.app_server import AppServer
from clientlab.load import run_load

names = ["sync_in_async_app", "def_endpoint_app", "to_thread_app", "async_client_app"]
servers = dict(
    zip(names, AppServer.start_all([AppServer(f"clientlab.lessons.fastapi_variants:{n}") for n in names]), strict=True)
)
timelines = {}


def try_variant(name, label, n=100):
    """Send n concurrent requests to one app; returns (load result, what the mock saw)."""
    url = servers[name].url
    mock.reset()
    result = run_load(url, n=n, concurrency=n, url_for=lambda i: f"{url}/chat?q=question-{i}", keep_bodies=True)
    stats = mock.stats()
    answers = [json.loads(body)["answer"] for body in result.bodies]
    correct = sum(answer == answer_for(f"question-{i}") for i, answer in enumerate(answers))
    timelines[label] = [r for r in stats.records if r.path == "/v1/chat/completions"]
    print(f"{n} concurrent requests: {correct} correct answers in {result.elapsed:.2f} s")
    return result, stats


# %% [markdown]
# ## 1. A sync client inside `async def`
#
# 100 requests at 250 ms each, one at a time, would take 25 s, so we send this one only 8.

# %%
result, stats = try_variant("sync_in_async_app", "sync client in async def", n=8)
print("peak in flight at the mock:", stats.peak_in_flight)
print(f"wall time / one model latency: {result.elapsed / (LATENCY_MS / 1000):.1f}×")

# %% [markdown]
# **Peak 1.** Eight requests arrived together, yet the model only ever saw one at a time, and the
# batch took about eight latencies.
#
# Here is why. An `async def` endpoint runs *on* the event loop, the single thread that serves every
# request of this process. `sync_client.chat.completions.create(...)` does not `await`: it blocks that
# thread until the answer arrives. While it waits, the loop cannot accept a connection, parse a request
# or start another handler. The server is not slow; it is stopped, 250 ms at a time.
#
# Nothing warns you: no error, no log line, and a single request by hand is exactly as fast as it
# should be. It only shows under concurrency.

# %% [markdown]
# ## 2. A plain `def` endpoint
#
# FastAPI treats a `def` endpoint differently: it runs it in a worker thread, so the blocking call
# blocks that thread, not the loop.

# %%
print(inspect.getsource(variants.chat_def))
result, stats = try_variant("def_endpoint_app", "def endpoint")
print("peak in flight at the mock:", stats.peak_in_flight)
print(f"wall time / one model latency: {result.elapsed / (LATENCY_MS / 1000):.1f}×")

# %% [markdown]
# Much better, but **capped at 40**. The worker threads come from anyio's default thread limiter,
# which allows 40 at a time; request 41 waits for a free thread. So 100 requests need at least three
# rounds of the model's latency. The cap is a property of the server, not of the model or the SDK:

# %%
import anyio.to_thread


async def default_thread_limit():
    return anyio.to_thread.current_default_thread_limiter().total_tokens


print("anyio's default thread limit:", await default_thread_limit())

# %% [markdown]
# (That cell used a top-level `await`: Jupyter runs an event loop for you, so a notebook cell can
# `await` directly. More on that below.)
#
# ## 3. `asyncio.to_thread`
#
# A common fix is to keep the `async def` and push the sync call off the loop with
# `asyncio.to_thread`.

# %%
print(inspect.getsource(variants.chat_to_thread))
result, stats = try_variant("to_thread_app", "asyncio.to_thread")
print(f"wall time / one model latency: {result.elapsed / (LATENCY_MS / 1000):.1f}×")

# %% [markdown]
# Slower than the `def` endpoint! `asyncio.to_thread` uses the event loop's *default executor*, a
# `ThreadPoolExecutor` whose size in Python 3.11 is `min(32, os.cpu_count() + 4)`: just 6 threads on
# a 2-core machine. Let's compare the peak with that formula on this machine:

# %%
import os

executor_default = min(32, (os.cpu_count() or 1) + 4)
print("peak in flight equals min(32, os.cpu_count() + 4):", stats.peak_in_flight == executor_default)

# %% [markdown]
# `to_thread` is the right tool for a short blocking call you cannot avoid (a sync library, a file
# read). For network calls that last as long as a model answer, it just moves the queue from the loop
# to a small thread pool.
#
# ## 4. `AsyncOpenAI`
#
# The fix is to use the async client and `await` it. While one request waits for the model, the loop
# serves the others.

# %%
print(inspect.getsource(variants.chat_async))
result, stats = try_variant("async_client_app", "AsyncOpenAI")
print("at least 90 of the 100 requests in flight at once:", stats.peak_in_flight >= 90)
print(f"wall time / one model latency: {result.elapsed / (LATENCY_MS / 1000):.1f}×")

# %% [markdown]
# All of them overlap at the model: no threads needed, and no pool of 40 or 6 to queue for.
#
# Why is the wall time still several latencies, about the same as the `def` endpoint's? Not because of
# waiting. Here the app, the mock and the load generator share two CPU cores, and the app's own work for
# 100 requests (HTTP parsing, the SDK building and parsing each call) adds up to about as much as a few
# 250 ms latencies. The `def` endpoint pays that too, *plus* its rounds of 40. With a real model, whose
# answers take seconds, the CPU time is small next to the wait: the top-level `await` cell below uses a
# 500 ms latency and the ratio drops accordingly.
#
# ## The picture
#
# Each bar is one request, from its arrival at the mock to its answer; rows are sorted by arrival.
# The time axis is shared, so you can compare the widths directly.

# %%
import matplotlib.pyplot as plt

from clientlab.plots.timeline import plot_timelines

plot_timelines(timelines, title=f"Concurrent requests to GET /chat, as the model saw them ({LATENCY_MS} ms each)")
plt.show()

# %% [markdown]
# One request at a time; waves of at most 40; small steps of 6; one solid block. Same endpoint, same
# model, same machine: only the way the endpoint waits for the model changed.

# %% [markdown]
# ## Top-level `await` in Jupyter
#
# In a notebook you don't need FastAPI to use `AsyncOpenAI`. Jupyter already runs an event loop, so
# you can `await` in a cell (in a script you would wrap this in `asyncio.run(main())`). Here, 100 calls
# at once from this kernel, through one client. We give the mock a longer latency for this cell so that
# the overlap is unmistakable even on a busy machine.

# %%
import asyncio
import time

from openai import AsyncOpenAI

_ = mock.configure(latency_ms=500)
mock.reset()
started = time.perf_counter()
async with AsyncOpenAI() as client:
    completions = await asyncio.gather(
        *(
            client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": f"call {i}"}])
            for i in range(100)
        )
    )
elapsed = time.perf_counter() - started
stats = mock.stats()
texts = [c.choices[0].message.content for c in completions]
print("answers:", len(texts), "all correct:", texts == [answer_for(f"call {i}") for i in range(100)])
print("at least 90 in flight at once:", stats.peak_in_flight >= 90)
print(f"100 calls took {elapsed:.2f} s, about {elapsed / 0.5:.1f}× one latency")
_ = mock.configure(latency_ms=LATENCY_MS)

# %% [markdown]
# ## Measuring it yourself with `hey` or `ab`
#
# You don't need the course's tools to see the trap in your own service. Point a load generator at
# it with 100 concurrent requests and watch your upstream (here, the mock):

# %%
import shlex
import shutil
import subprocess

url = f"{servers['async_client_app'].url}/chat?q=hello"
commands = [
    ["hey", "-n", "100", "-c", "100", url],
    ["ab", "-q", "-n", "100", "-c", "100", url],
    ["python", "-m", "clientlab", "load", url, "-n", "100", "-c", "100"],
]
for argv in commands:
    print("$", shlex.join(argv))

mock.reset()
installed = next((argv for argv in commands[:2] if shutil.which(argv[0])), None)
if installed:
    subprocess.run(installed, capture_output=True, timeout=60, check=False)
else:  # neither hey nor ab here: the course's generator does the same job
    run_load(url, n=100, concurrency=100)
stats = mock.stats()
answered = stats.status_counts.get("200", 0)
print("the mock answered", answered, "chat requests; at least 90 at once:", stats.peak_in_flight >= 90)

# %% [markdown]
# The cell runs `hey` or `ab` when one is installed, else the course's generator; whichever ran, the
# mock saw the same thing. On your own service, the same experiment
# against the sync-in-`async def` version shows requests queueing: latency grows with every request in
# the batch while the upstream sees one at a time.

# %%
for server in servers.values():
    server.stop()
mock.stop()

# %% [markdown]
# ## The doctor: this lesson's measurement on your own app
#
# Everything this lesson measured comes as one command for your own service:
#
# ```bash
# python -m clientlab doctor main:app --path '/chat?q=hello'
# ```
#
# It serves the app in its own process against a fresh mock (as the grader does), sends this lesson's
# waves of 100 concurrent requests and the other lessons' probes (an upstream that fails once, one that
# redirects, a slow one), and names what the wire showed, each finding with the lesson that explains it.
# Exit status 0 means nothing found, 1 a problem, 2 that it could not run; `--json` is for CI. Here it
# examines two of this lesson's apps and the good one, two at a time (most of a run is waiting):

# %%
from concurrent.futures import ThreadPoolExecutor

from clientlab.doctor import examine

apps = ["sync_in_async_app", "def_endpoint_app", "async_client_app"]
with ThreadPoolExecutor(max_workers=2) as pool:
    reports = list(pool.map(lambda name: examine(f"clientlab.lessons.fastapi_variants:{name}"), apps))
for name, report in zip(apps, reports, strict=True):
    print(f"{name}: exit status {report.exit_code}, found: {', '.join(report.ids) or 'nothing'}")

# %% [markdown]
# The trap, with the evidence behind the finding and everything else the probes measured:

# %%
print(reports[0].to_text())

# %% [markdown]
# The `def` endpoint's cap, then the good app: nothing found, and what was measured to say so.

# %%
print(reports[1].to_text())
print()
print(reports[2].to_text())

# %% [markdown]
# ## What to remember
#
# | endpoint | peak in flight (100 concurrent) | why |
# |---|---|---|
# | `async def` + sync `OpenAI` | 1 | the blocking call stops the event loop |
# | `def` + sync `OpenAI` | 40 | anyio's default thread limiter |
# | `async def` + `asyncio.to_thread` | min(32, cpus + 4), 6 on 2 cores | the loop's default executor |
# | `async def` + `AsyncOpenAI` | all of them | the loop waits for many answers at once |
#
# In `async def`, everything slow must be awaited. Anything else that blocks (a `time.sleep`, a sync
# HTTP library, creating a client per request) stalls every request of the process, not just its own.

# %% [markdown]
# ## Exercise 02: an async endpoint that does not block
#
# Open `exercises/ex02_async_endpoint.py` and build `app`, a FastAPI application with one endpoint,
# `GET /chat?q=...`, answering `{"answer": "..."}` with the text of one chat completion
# (model `"gpt-4o-mini"`, `q` as the user message).
#
# - Use `AsyncOpenAI`, awaited, in an `async def` endpoint.
# - Create the client **once**: in the app's lifespan (the stub's way), at module level, or in a
#   cached dependency. `AsyncOpenAI()` with no arguments reads `OPENAI_BASE_URL` and `OPENAI_API_KEY`.
#
# The grader serves your app with uvicorn against a fresh mock answering in 500 ms. It checks three
# requests in a row (correct answers, one connection), then sends two waves of 100 concurrent
# requests: they must overlap at the mock, each wave must finish in about one latency, and the second
# wave must reuse the first wave's connections.
#
# Run the cell below after each change (or `python -m clientlab grade 02` in a terminal). Until you
# write the code, it shows the stub's verdict.

# %%
from clientlab.grading import grade, hint

grade("ex02")
