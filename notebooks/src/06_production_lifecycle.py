# %% [markdown]
# # 06 · Production lifecycle: event loops, processes and workers
#
# Lessons 01 to 03 settled *how many* clients you need (one per process), *which* one (`AsyncOpenAI` in async
# code) and *how big* its pool is. This lesson is about its life: where it is created, which event loop and
# which process it belongs to, and who closes it. Get that wrong and the code still works when you try it,
# then fails in the test suite, leaks connections at shutdown, or breaks the moment you add workers.
#
# You will measure, against the mock server:
#
# 1. "Event loop is closed": one `AsyncOpenAI` used from two event loops, in a script and in FastAPI's tests;
# 2. the fix: the client created and closed in the loop that uses it (`async with`, FastAPI's lifespan);
# 3. what closing releases, what a dropped client holds until the garbage collector runs, and how uvloop
#    hides a client nobody closed;
# 4. one pool per worker process: `uvicorn --workers N` multiplies every limit, so a global budget B
#    means B // N per worker;
# 5. a client created before `fork()`, which mixes up the answers of two processes.
#
# The mock server records, as in every lesson, each connection and each request; the services below tag
# their requests with the PID of the process that sent them (`x-client-tag: worker-<pid>`), so the mock's
# records say which process did what.

# %%
import asyncio
import gc
import inspect
import warnings
import weakref

import httpx2
import matplotlib.pyplot as plt
import openai
import uvicorn
import uvloop
from openai import AsyncOpenAI

from clientlab import MockServer, answer_for
from clientlab.lessons import lifecycle_app
from clientlab.lessons.lifecycle import (
    STOPPED,
    describe,
    fork_scenarios,
    in_a_thread_of_its_own,
    left_open,
    open_connections,
    per_worker,
    served_in_a_thread,
    staggered_load,
    testclient_sessions,
    uvicorn_workers,
    worker_names,
)
from clientlab.lessons.timeouts import at_once, table
from clientlab.plots.workers import connections_per_worker

mock = MockServer(set_env=True).start()  # OPENAI_BASE_URL / OPENAI_API_KEY point at it, here and in child processes
print("openai", openai.__version__, "| uvicorn", uvicorn.__version__, "| uvloop", uvloop.__version__)
print("mock server:", mock.base_url)

# %% [markdown]
# ## 1. "Event loop is closed"
#
# ### One client, two `asyncio.run()` calls
#
# A script that creates its client once (lesson 01's rule) and then calls `asyncio.run()` twice: a command
# line tool with two steps, a job queue worker that runs each task in `asyncio.run()`, a test suite with one
# event loop per test. Each `asyncio.run()` creates a new event loop and closes it when it returns.
#
# (A notebook already runs an event loop in its main thread, where `asyncio.run()` refuses to start, so
# `in_a_thread_of_its_own()` runs the script in a fresh thread, with no loop yet: exactly a script's
# situation.)

# %%
client = AsyncOpenAI()  # once, at the top of the script


async def ask(question: str) -> str:
    completion = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": question}]
    )
    return completion.choices[0].message.content or ""


def script() -> list[str | Exception]:
    results = []
    for question in ("first run", "second run"):
        try:
            results.append(asyncio.run(ask(question)))
        except Exception as error:
            results.append(error)
    return results


mock.reset()
first, second = in_a_thread_of_its_own(script).value
records = mock.settled_stats().records
print("first asyncio.run(): ", first)
print("second asyncio.run():", describe(second))
caught = "caught" if isinstance(second, openai.APIError) else "not caught"
print(f"  {caught} by `except openai.APIError`; the client's max_retries: {client.max_retries}")
print(f"the mock: {len(records)} requests on {len({r.conn for r in records})} connection")
for r in records:
    print(f"  {r.prompt!r}: retry count {r.retry_count}, outcome {r.outcome} (status {r.status})")
assert first == answer_for("first run") and isinstance(second, RuntimeError)
assert not isinstance(second, openai.APIError) and [r.outcome for r in records] == ["ok", "ok"]
assert [r.retry_count for r in records] == [0, 0] and len({r.conn for r in records}) == 1

# %% [markdown]
# The second run fails with a **bare `RuntimeError: Event loop is closed`**. Three things make it worse than
# it looks:
#
# * it is **not an `openai.APIError`**, so `except openai.APIError` doesn't catch it;
# * it is **not retried**: the SDK retries connection errors and timeouts (lesson 04), not this. The mock saw
#   the second question once, with retry count 0, although the client allows 2 retries;
# * **the server received the request and answered it** (outcome `ok`, status 200). The call failed for the
#   caller *after* it was sent: a request that costs tokens, or changes something, happened anyway.
#
# Why: the first run left its connection in the client's pool, open and ready for reuse. That connection
# belongs to the first run's event loop, which `asyncio.run()` closed when it returned. The second run takes
# the connection from the pool, sends its request on it, and then needs the dead loop to wait for the answer.
#
# ### The same trap in FastAPI's tests
#
# A FastAPI app that creates its client at module level (as lesson 02's apps did; `module_client_app()`
# builds one such app):

# %%
print(inspect.getsource(lifecycle_app.module_client_app))

# %% [markdown]
# Starlette's `TestClient` runs the app in an event loop of its own, started when the `with TestClient(app)`
# block begins and closed when it ends. A test suite has many such blocks; here are two, against the same app,
# each sending one `GET /chat`. After each, we ask the mock how many of the connections it served are still
# open.

# %%
trap_app = lifecycle_app.module_client_app()
mock.reset()
sessions = testclient_sessions(trap_app, mock)
records = mock.stats().records
for number, session in enumerate(sessions, 1):
    print(f"session {number}: {session.result} | connections left open: {session.open_after}")
print(f"the mock: {len(records)} requests, both answered: {[r.status for r in records]}")
assert sessions[0].result.startswith("HTTP 200") and isinstance(sessions[1].error, RuntimeError)
assert [s.open_after for s in sessions] == [1, 1] and [r.status for r in records] == [200, 200]

# %% [markdown]
# The first test passes, the second fails with the same `RuntimeError`, and once again the mock answered the
# request. Run either test alone and it passes, which makes this a classic "fails only in the full suite"
# bug (openai/openai-python#1777 is one report). The connection the first session opened also stays open
# after its loop is gone: nothing will ever close it but the garbage collector.
#
# ## 2. The fix: create the client in the loop that uses it, close it there
#
# In a script, open the client inside the coroutine that `asyncio.run()` runs, with `async with`, which
# closes it before the loop ends:


# %%
async def main(question: str) -> str:
    async with AsyncOpenAI() as client:  # created in this run's loop, closed before it ends
        completion = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": question}]
        )
        return completion.choices[0].message.content or ""


mock.reset()
results = in_a_thread_of_its_own(lambda: [asyncio.run(main(q)) for q in ("first run", "second run")]).value
stats = mock.stats()
print("answers:", results)
print(f"the mock: {stats.requests_total} requests, {stats.connections_opened} connections opened")
print("connections left open:", open_connections(mock))
assert results == [answer_for("first run"), answer_for("second run")] and open_connections(mock) == 0

# %% [markdown]
# One client per run, one connection per run, and nothing left open. (Inside one run, keep sharing the one
# client across all your calls, as lesson 01 taught.)
#
# In FastAPI, the place is the app's **lifespan**: the code before its `yield` runs when the server starts,
# in the event loop that will serve the requests, and the code after it runs at shutdown. Create the client
# there with `async with`, and put it on `app.state`, where every request finds it as
# `request.app.state.openai` (lesson 02 wrote the `async def` endpoint itself):

# %%
print(inspect.getsource(lifecycle_app.lifespan))
print(inspect.getsource(lifecycle_app.chat))

# %% [markdown]
# (Ignore `LESSON_MAX_CONNECTIONS` for now: section 4 uses it.) The same two test sessions, against this app:

# %%
mock.reset()
sessions = testclient_sessions(lifecycle_app.app, mock)
for number, session in enumerate(sessions, 1):
    print(f"session {number}: {session.result} | connections left open: {session.open_after}")
stats = mock.stats()
print(f"the mock: {stats.requests_total} requests, {stats.connections_opened} connections opened")
assert all(s.result.startswith("HTTP 200") for s in sessions) and [s.open_after for s in sessions] == [0, 0]

# %% [markdown]
# Both sessions pass. Each ran the lifespan: a client made in that session's loop, and closed at its end, so
# no connection is left behind. The app object is the same; only where the client is born changed.
#
# ## 3. Closing, and what a dropped client holds
#
# Closing a client (`await client.close()`, or leaving `async with`) closes its HTTP client, whose pool closes
# every connection it holds: the server's count drops to 0. Lesson 01 measured this for `OpenAI`; here is
# `AsyncOpenAI`, then a call on the closed client:

# %%
mock.reset()
closing = AsyncOpenAI()
await closing.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
before = open_connections(mock)
print("before close(), connections open:", before)
await closing.close()
after = open_connections(mock)
print("after close(), connections open: ", after)
try:
    await closing.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "again"}])
except RuntimeError as error:
    closed_error = error
    print("a call on the closed client:", describe(error))
print("requests the mock saw:", mock.stats().requests_total)
assert (before, after, mock.stats().requests_total) == (1, 0, 1) and isinstance(closed_error, RuntimeError)

# %% [markdown]
# Again a plain `RuntimeError`, raised before anything is sent.
#
# ### A dropped client is not closed when you drop it
#
# What if you never close it? A client refers to its resources (`client.chat`...), which refer back to the
# client: a reference cycle. So dropping the last reference (`del`, or the function that made it returning)
# does not free it; only Python's cyclic garbage collector does, whenever its allocation counters say so.
# Three calls, each with a client of its own that is dropped at once, the collector paused meanwhile:

# %%
mock.reset()
gc.disable()  # the collector's timing is not ours: pause it to see what the dropped clients hold
try:
    refs = []
    for _ in range(3):
        dropped = AsyncOpenAI()
        await dropped.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
        refs.append(weakref.ref(dropped))
        del dropped
    alive, held = sum(r() is not None for r in refs), open_connections(mock)
    print(f"after del: dropped clients still in memory: {alive} of 3, connections left open: {held}")
    gc.collect()
    for _ in range(100):  # let this loop run what the collector scheduled (the closes are tasks on it)
        await asyncio.sleep(0.02)
        if mock.stats().connections_open == 0:
            break
    after = sum(r() is not None for r in refs), open_connections(mock)
    print(f"after gc.collect(): {after[0]} of 3 in memory, connections left open: {after[1]}")
finally:
    gc.enable()
assert (alive, held) == (3, 3) and after == (0, 0)

# %% [markdown]
# Three clients, three connections held open until the collector ran. Then the SDK's own cleanup closed them.
# That cleanup is a `__del__` method on the HTTP client the SDK builds for you:

# %%
print(inspect.getsource(openai._base_client.AsyncHttpxClientWrapper.__del__))

# %% [markdown]
# It is **best effort**: it needs a running event loop (it schedules `aclose()` on it), and it swallows every
# exception. Above, it ran inside this notebook's loop, so it worked. When the loop is gone, as for a client
# left over after `asyncio.run()` returned, `get_running_loop()` fails, the `except` hides it, and the socket
# is only closed by its own finalizer, with a `ResourceWarning` that nobody sees by default:

# %%
mock.reset()
leftover = {}


async def use_and_forget() -> None:
    leftover["client"] = AsyncOpenAI()  # never closed
    await leftover["client"].chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])


in_a_thread_of_its_own(lambda: asyncio.run(use_and_forget()))
held = open_connections(mock)
print("asyncio.run() returned; connections left open:", held)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", ResourceWarning)
    in_a_thread_of_its_own(lambda: (leftover.clear(), gc.collect()))  # dropped and collected outside any loop
print("after gc.collect() outside any loop: connections left open:", open_connections(mock))
for text in sorted({f"{w.category.__name__}: {str(w.message).split(' fd=')[0]}" for w in caught}):
    print(f"  {text} ...")
assert held == 1 and open_connections(mock) == 0 and any("unclosed" in str(w.message) for w in caught)

# %% [markdown]
# The connection was closed, but by the socket's finalizer, after a warning about an unclosed socket and
# transport: the SDK's `aclose()` never ran. Closing was never graceful, and it happened only because the
# collector happened to run. Don't rely on `__del__`: own the client explicitly, with `async with` around a
# script's work or in the app's lifespan.
#
# ### uvloop hides a client nobody closed
#
# uvicorn's default event loop (`loop="auto"`) is **uvloop** when it is installed, and the course's
# `uvicorn[standard]` installs it:

# %%
from fastapi.testclient import TestClient

default_loop = uvicorn.Config(app=None).get_loop_factory().__module__
print("uvicorn's default loop factory comes from:", default_loop)
with TestClient(lifecycle_app.app) as http:
    test_loop = type(http.portal.call(asyncio.get_running_loop))
print("TestClient's loop:", test_loop.__module__, test_loop.__name__)
assert default_loop == "uvloop" and test_loop.__module__.startswith("asyncio")

# %% [markdown]
# Each app of this lesson is now served by uvicorn in a thread of this process, once on asyncio's loop and
# once on uvloop's: three requests, a graceful shutdown (the lifespan's end runs), then the mock's count of
# open connections while the process is still alive, as in a test suite or a reloading server:

# %%
rows, served_apps = [], {}
for loop in ("asyncio", "uvloop"):
    for label in ("module-level client", "lifespan client"):
        app = lifecycle_app.module_client_app() if label.startswith("module") else lifecycle_app.app
        served_apps[loop, label] = app  # kept: a collected client would run its cleanup in some other loop
        mock.reset()
        with served_in_a_thread(app, loop) as url:
            statuses = [httpx2.get(f"{url}/chat", params={"q": "hi"}).status_code for _ in range(3)]
            during = open_connections(mock)
        rows.append([loop, label, statuses.count(200), during, open_connections(mock)])
print(table(["loop", "app", "answered", "open while serving", "open after shutdown"], rows))
assert [row[-1] for row in rows] == [1, 0, 0, 0]

# %% [markdown]
# On asyncio's loop, the module-level client's connection **outlives the server**; the lifespan client's
# doesn't. On uvloop, both show 0: uvloop closes every transport when its loop closes, so the leak is hidden
# in production and appears in your tests (`TestClient` runs asyncio's loop) or in any check that serves
# the app on asyncio, as the course's grader does. A clean count under uvloop proves nothing; the lifespan
# makes it true on both.
#
# ## 4. One pool per worker process
#
# `uvicorn --workers N` starts N worker processes. They are *spawned*: each is a fresh Python interpreter
# that imports your app and runs its lifespan. So each worker has its own client and **its own pool, with
# its own limits**. Every limit you set (lesson 03) is per worker, and the upstream sees N times as many
# connections.
#
# Say the upstream allows a global budget of **B = 8** connections (your rate limit, a proxy, a self-hosted
# model). We serve the lifespan app with 2 workers, twice:
#
# * each worker's pool capped at B, as an app that doesn't know about the workers would do; this run uses
#   `uvicorn --workers 2`;
# * each worker's pool capped at **B // N = 4**; this run sets `WEB_CONCURRENCY=2` instead of `--workers`,
#   since uvicorn's `--workers` defaults to `$WEB_CONCURRENCY`, which the app can read too.
#
# The two runs go at the same time, each against a mock server of its own that answers in 200 ms. Each gets
# 48 requests, one started every 10 ms, each on a new connection, which the operating system hands to one
# worker or the other. (Not evenly: if a worker gets too few to fill its pool, the wave is repeated, at
# most 4 times.) Every worker tags its requests with its PID, so the mock's records give each worker's
# figures. At the end, SIGTERM: uvicorn stops its workers gracefully, and each runs its lifespan's shutdown.

# %%
BUDGET, WORKERS = 8, 2


def budget_run(env: dict[str, str], workers_flag: int | None) -> tuple[dict, object, int]:
    """Serve the lifespan app with 2 workers against a mock of its own (answers in 200 ms) and load it;
    returns the figures per worker, the mock's totals and how many workers ran their lifespan shutdown."""
    cap = int(env["LESSON_MAX_CONNECTIONS"])
    with MockServer(latency_ms=200) as upstream:
        env = {**env, **upstream.env()}
        with uvicorn_workers("clientlab.lessons.lifecycle_app:app", env=env, workers=workers_flag) as served:
            upstream.reset()
            for _ in range(4):  # until both workers have filled their pools at the same time
                answered = staggered_load(f"{served.url}/chat?q=hi", n=48, gap=0.01)
                stats = upstream.settled_stats()
                figures = worker_names(per_worker(stats.records))
                if sorted(f.peak for f in figures.values()) == [cap] * WORKERS and stats.peak_in_flight == cap * 2:
                    break
        assert answered == 48, answered
        return figures, stats, served.count(STOPPED)


runs = {
    "pool = B in each worker (--workers 2)": ({"LESSON_MAX_CONNECTIONS": str(BUDGET)}, WORKERS),
    "pool = B // N (WEB_CONCURRENCY=2)": (
        {"LESSON_MAX_CONNECTIONS": str(BUDGET // WORKERS), "WEB_CONCURRENCY": str(WORKERS)},
        None,
    ),
}
outcomes = at_once({label: lambda args=args: budget_run(*args) for label, args in runs.items()})
measured, rows = {}, []
for label, outcome in outcomes.items():
    if outcome.error is not None:
        raise outcome.error
    figures, stats, stopped = outcome.value
    cap = int(runs[label][0]["LESSON_MAX_CONNECTIONS"])
    measured[label] = {name: f.connections for name, f in figures.items()}
    for name, f in figures.items():
        rows.append([label, name, cap, f.connections, f.peak])
    rows.append([label, "all workers", "", stats.connections_opened, stats.peak_in_flight])
    print(f"{label}: {stopped} of {WORKERS} workers ran their lifespan shutdown")
    assert len(figures) == WORKERS and stopped == WORKERS and stats.peak_in_flight == WORKERS * cap
    assert all(f.connections == f.peak == cap for f in figures.values()), figures
print(table(["run", "worker", "pool cap", "connections", "peak in flight"], rows))

# %%
connections_per_worker(measured, budget=BUDGET, title=f"2 workers against a budget of {BUDGET} connections")
plt.show()

# %% [markdown]
# With the budget in each worker, every worker used its 8 connections: **16 at the upstream**, twice the
# budget. Split as B // N, each worker used 4 and the total is exactly B. Each worker also kept its
# connections for the whole run (connections = pool cap): the pools work, there are just two of them.
#
# So a worker must know N to compute its share: read it from `WEB_CONCURRENCY`, and start the server with
# that variable rather than with `--workers` alone (the first run's workers had no way to know they were
# two). Round down, and keep at least 1: `max(1, B // N)`. With B = 9 and 3 workers that is 3 each; with 4
# workers, 2 each (8 in all, under the budget).
#
# The operating system spreads new connections between the workers as it likes, not evenly: how many
# requests each worker got differs from run to run (which is why the cell doesn't print it). With a cap per
# worker, a worker that receives more requests queues them in its pool while the other may have room: the
# price of a hard budget.
#
# ## 5. A client created before `fork()`
#
# uvicorn's workers are spawned, so nothing crosses from the parent to a worker:

# %%
import multiprocessing

import uvicorn._subprocess

print("uvicorn starts its workers with:", uvicorn._subprocess.spawn.get_start_method())
print("multiprocessing's default here:", multiprocessing.get_start_method())

# %% [markdown]
# Other servers and tools *fork*: gunicorn with `--preload` imports your app once and then forks its workers,
# and `multiprocessing` on Linux forks by default up to Python 3.13 (3.14 switched to `forkserver`). A forked
# child is a copy of its parent, **including the client, its pool and the open sockets in it**. Parent and child
# then believe they each own the same TCP connection.
#
# Here is what that does, deterministically. A process makes a call, then forks. One of the two processes
# asks a question that the mock answers late (1.2 s), and gives up after 0.3 s (a sync `OpenAI` with
# `timeout=0.3` and `max_retries=0`, so no retry): its answer is
# still on its way. Then the other process asks its own question, on what its pool believes is its own idle
# connection. Each scenario runs in a child process of its own (forking this notebook's kernel is not safe),
# and a process that hangs is killed (the course's supervisor ends it, and anything it forked).

# %%
scenarios = [("before", "child"), ("before", "parent"), ("after", "child")]
mock.reset()
reports = fork_scenarios(mock, scenarios)
rows = []
for report in reports:
    asker = "parent" if report["giver"] == "child" else "child"
    got = report["got"][asker]
    whose = next((who for who, q in report["questions"].items() if got == answer_for(q)), "nobody")
    rows.append(
        [f"{report['when']} the fork", report["giver"], report["got"][report["giver"]], asker, f"the {whose}'s"]
    )
print(table(["client created", "who gave up", "its call", "then asked", "the answer it got was"], rows))
records, used = mock.stats().records, []
for when, giver in scenarios:
    mine = [r for r in records if r.prompt.startswith(f"{when}/{giver}:")]
    used.append(len({r.conn for r in mine}))
    print(f"{when}/{giver}: the mock saw {len(mine)} requests on {used[-1]} connection(s)")
assert [row[-1] for row in rows] == ["the child's", "the parent's", "the parent's"] and used == [1, 1, 2]

# %% [markdown]
# With the client created before the fork, **the second process received the answer to the first one's
# question**, and took it as its own: a 200, a well-formed completion, no exception, the wrong text. It works
# both ways (the child reads the parent's answer, or the parent the child's). The mock saw every request on
# one connection: the warm-up, the abandoned question and the other process's question, in that order, so
# the answers came back in that order too.
#
# With the client created **after** the fork, each process has its own connection and its own answers.
#
# The rule: create the client in the process that uses it, after any fork. The lifespan does this for you:
# it runs in each worker when the worker starts serving. In an app that is preloaded and then forked, keep
# the client out of the module's top level.

# %%
mock.stop()

# %% [markdown]
# ## What to remember
#
# - **One `AsyncOpenAI` across `asyncio.run()` calls or `TestClient` sessions** fails with `RuntimeError: Event
#   loop is closed`: not an `openai.APIError`, not retried, and raised after the server got the request.
#   Create the client in the loop that uses it: `async with` inside the coroutine, or the app's lifespan.
# - **In FastAPI**, own the client in the lifespan: `async with AsyncOpenAI() as client:`, `app.state.openai =
#   client`, `yield`. It is created in the serving loop, in each worker, and closed at shutdown.
# - **A dropped client** holds its connections until the cyclic garbage collector runs, and its `__del__`
#   cleanup needs a running loop. Close clients yourself: `async with`, or `await client.close()`.
# - **uvloop** (uvicorn's default when installed) closes transports with its loop, so a leak looks clean there;
#   asyncio's loop (your tests, the grader) shows it.
# - **`--workers N` or `WEB_CONCURRENCY=N`** means N processes, N pools: every limit × N. For a global budget B,
#   give each worker `max(1, B // N)`, with N read from `WEB_CONCURRENCY`.
# - **A client created before `fork()`** shares its connections with the child: answers go to the wrong
#   process. Create it after the fork (the lifespan does).
#
# ## A recipe for production
#
# ```python
# from contextlib import asynccontextmanager
#
# import openai
# from fastapi import FastAPI, Request
#
#
# @asynccontextmanager
# async def lifespan(app: FastAPI):
#     # runs in each worker, in the loop that serves it, after any fork
#     async with openai.AsyncOpenAI(timeout=60.0) as client:  # lesson 04: choose your timeout
#         app.state.client = client
#         yield
#     # closed here, at shutdown (SIGTERM or Ctrl+C to uvicorn)
#
#
# app = FastAPI(lifespan=lifespan)
#
#
# @app.get("/chat")
# async def chat(request: Request, q: str) -> dict[str, str]:
#     completion = await request.app.state.client.chat.completions.create(
#         model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
#     )
#     return {"answer": completion.choices[0].message.content or ""}
# ```
#
# Give it connection limits the way lesson 03 did, with each worker's share of your budget.
#
# To read more: FastAPI's page on lifespan events
# ([fastapi.tiangolo.com/advanced/events](https://fastapi.tiangolo.com/advanced/events/)), uvicorn's
# deployment page on workers ([uvicorn.dev/deployment](https://uvicorn.dev/deployment/)), and the SDK issues
# behind this lesson: openai/openai-python#1254 ("Event loop is closed"), #1777 (a client shared across async
# tests) and #2440 (the `__del__` cleanup and threads).

# %% [markdown]
# ## Exercise 06: a service that owns its client
#
# Open `exercises/ex06_lifecycle.py` and build `app`, a FastAPI application with one endpoint, `GET /chat?q=...`,
# answering `{"answer": "..."}` with the text of one chat completion (model `"gpt-4o-mini"`, `q` as the user
# message), like exercise 02's. This time the app owns its client:
#
# * its **lifespan** creates one `AsyncOpenAI` per worker, stores it as `app.state.client` (the stub's `chat`
#   reads it from `request.app.state.client`), and closes it at shutdown; no client at module level;
# * each worker's pool gets its share of a global budget: `max_connections` and `max_keepalive_connections`
#   both `max(1, CLIENTLAB_BUDGET // WEB_CONCURRENCY)`, read from those two environment variables (unset, they
#   default to 8 and 1), set through lesson 03's `openai.DefaultAsyncHttpx2Client(limits=httpx2.Limits(...))`
#   (or its older name,
#   `DefaultAsyncHttpxClient`), so the SDK's other defaults are kept;
# * `AsyncOpenAI()` reads `OPENAI_BASE_URL` and `OPENAI_API_KEY` from the environment.
#
# The grader runs your file in two ways, against one mock that tells the requests apart by their questions:
#
# * **in FastAPI's `TestClient`, twice in one process**, as a test suite does, with `WEB_CONCURRENCY=3` and
#   `CLIENTLAB_BUDGET=14` (a share of 4). The first session sends three questions in a row (one client: one
#   connection), one the mock redirects and one it answers 503 first (the SDK's default HTTP client follows the
#   redirect, and the SDK retries the 503; a plain `httpx2.AsyncClient` would not follow the redirect), and
#   two bursts of 8 at once (at most 4 in flight, the second burst on the first's connections).
#   The second session sends a burst of 8 too (sections 1 and 2: a client, or any asyncio object such as a
#   `Semaphore`, made in the first session's loop fails there). After each session, every connection the
#   session used must already be closed: the lifespan closed its client (section 3);
# * **served by uvicorn as 2 worker processes**, with `WEB_CONCURRENCY=2` and `CLIENTLAB_BUDGET=5` (a share of
#   2), each on its own port, so the grader decides where the load goes: 6 questions at once to each worker must
#   reach 2 in flight and never more (section 4). Then a graceful stop that keeps the processes alive while
#   the mock counts what each worker left open: nothing, if the lifespan's shutdown closed the client
#   (on asyncio's loop, where a forgotten client shows: section 3).
#
# The two shares differ, so a limit that does not follow the environment fails one of them, whatever the
# number of CPUs of the machine that grades it; and neither budget divides evenly, so only a share rounded
# down keeps the service within its budget.
#
# Run the cell below to grade your file (or `python -m clientlab grade 06` in a terminal). Until you write
# your answer it shows what the unsolved exercise gets. Stuck? `hint("ex06")` in a cell gives one hint at a
# time, for the check your file fails now.

# %%
from clientlab.grading import grade, hint

grade("ex06")

# %% [markdown]
# That is the course. Its tools stay useful on your own services: `python -m clientlab serve` for the mock,
# `python -m clientlab load` for load, and `python -m clientlab doctor` for an app's endpoints (lesson 02).
