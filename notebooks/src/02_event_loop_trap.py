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
assert 25 <= stats.peak_in_flight <= 40, stats  # 40 on a quiet machine; fewer when the CPU is saturated
print(f"at most {stats.peak_in_flight} in flight at the mock")
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
print(f"peak in flight: {stats.peak_in_flight}")
print(f"min(32, os.cpu_count() + 4) here: {executor_default} ({os.cpu_count()} cores)")

# %% [markdown]
# That 6 is this machine's figure. The same code gets 12 threads on an 8-core laptop and 32 from 28 cores up,
# so a service can look fine on a developer's machine and queue on a small container. The 40 of the `def`
# endpoint, by contrast, is the same everywhere: it is anyio's default, not the CPU count's.

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
assert stats.peak_in_flight >= 60, stats  # measured 97 to 100 with the machine fully loaded
print(f"{stats.peak_in_flight} of 100 in flight at once")
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
correct = sum(text == answer_for(f"call {i}") for i, text in enumerate(texts))
print(f"answers: {len(texts)}, correct: {correct}")
assert stats.peak_in_flight >= 60, stats
print(f"{stats.peak_in_flight} of 100 in flight at once")
print(f"100 calls took {elapsed:.2f} s, about {elapsed / 0.5:.1f}× one latency")
_ = mock.configure(latency_ms=LATENCY_MS)

# %% [markdown]
# ## Measuring it yourself with `hey` or `ab`
#
# You don't need the course's tools to see the trap in your own service: point a load generator at it and
# watch your upstream (here, the mock). [`hey`](https://github.com/rakyll/hey) and ApacheBench (`ab`) are the
# usual ones (`apt-get install hey apache2-utils`, `brew install hey`); the course ships a small one with the
# same report, `python -m clientlab load`, for machines that have neither. Twenty requests at once, to the
# `AsyncOpenAI` app and to the sync-client-in-`async def` app:

# %%
import shlex
import shutil
import subprocess
import sys


def load_command(url: str, n: int = 20) -> list[str]:
    """hey if it is installed, else ab, else the course's generator: the same n requests, all at once."""
    if shutil.which("hey"):
        return ["hey", "-n", str(n), "-c", str(n), url]
    if shutil.which("ab"):
        return ["ab", "-n", str(n), "-c", str(n), url]
    return ["python", "-m", "clientlab", "load", "-n", str(n), "-c", str(n), url]


reports, seen = {}, {}
for name in ("async_client_app", "sync_in_async_app"):
    argv = load_command(f"{servers[name].url}/chat?q=hello")
    mock.reset()
    runnable = [sys.executable, *argv[1:]] if argv[0] == "python" else argv  # this kernel's Python
    ran = subprocess.run(runnable, capture_output=True, text=True, timeout=120, check=False)
    reports[name] = (shlex.join(argv).replace(servers[name].url, "http://127.0.0.1:PORT"), ran.stdout)
    seen[name] = mock.stats()

# %% nbval-ignore-output
# The reports, side by side (their timings differ every run; the next cell states what does not).
left, right = ([command, "", *report.expandtabs(4).splitlines()] for command, report in reports.values())
for a, b in zip(left, right + [""] * (len(left) - len(right)), strict=False):
    print(f"{a[:58]:<60}{b[:58]}")

# %% [markdown]
# Look at the latency distribution of each. Behind the `AsyncOpenAI` app, every request took about one model
# latency. Behind the sync client, the fastest took one latency and the slowest twenty: each request waited
# for all those before it. What the mock saw says why:

# %%
for name, stats in seen.items():
    chats = stats.status_counts.get("200", 0)
    print(f"{name:<20} {chats} answered, {stats.peak_in_flight} of 20 in flight at once")
assert seen["sync_in_async_app"].peak_in_flight == 1 and seen["async_client_app"].peak_in_flight >= 12

# %% [markdown]
# Run the same two commands against your own service, with your own upstream's latency in mind: if the
# slowest request takes about n times the fastest and your upstream never sees more than one request at a
# time, you have the trap.
#
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
    findings = list(pool.map(lambda name: examine(f"clientlab.lessons.fastapi_variants:{name}"), apps))
for name, report in zip(apps, findings, strict=True):
    print(f"{name}: exit status {report.exit_code}, found: {', '.join(report.ids) or 'nothing'}")

# %% [markdown]
# The trap, with the evidence behind the finding and everything else the probes measured:

# %%
print(findings[0].to_text())

# %% [markdown]
# The `def` endpoint's cap, then the good app: nothing found, and what was measured to say so.

# %%
print(findings[1].to_text())
print()
print(findings[2].to_text())

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
#
# A recipe for production code: one `AsyncOpenAI` per process, awaited in `async def` endpoints. (A service
# also closes it at shutdown: [lesson 06](06_production_lifecycle.ipynb) moves the client into FastAPI's
# lifespan, and shows why a client made at import time fails in a second event loop.)

# %%
from fastapi import FastAPI
from openai import AsyncOpenAI

recipe_client = AsyncOpenAI()  # once per process; OPENAI_API_KEY and OPENAI_BASE_URL from the environment
app = FastAPI()


@app.get("/chat")
async def chat(q: str) -> dict[str, str]:
    completion = await recipe_client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
    )
    return {"answer": completion.choices[0].message.content or ""}


print([route.path for route in app.routes if route.path == "/chat"], "served by", chat.__name__)

# %% [markdown]
# To read more: FastAPI's page on `async def` and `def` ([fastapi.tiangolo.com/async](https://fastapi.tiangolo.com/async/)),
# and anyio's thread limiter, the 40 above, which you can raise if you must keep sync code
# ([anyio.readthedocs.io, "Working with threads"](https://anyio.readthedocs.io/en/stable/threads.html)).

# %%
for server in servers.values():
    server.stop()
mock.stop()
await recipe_client.close()

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
