# %% [markdown]
# # 00 · Start here
#
# Welcome to **Client Lab**, a hands-on course about using the official `openai` Python SDK well
# when real traffic arrives: in a FastAPI service, a batch job or a notebook.
#
# We won't ask you to take anything on trust. Every lesson runs against a **local mock OpenAI
# server** that sits on your machine and watches the client: how many TCP connections it opens, how
# many requests are in flight at once, how often it retries, which timeout it sent. When a lesson
# says "this opens a connection per call", a cell shows you the count.
#
# You need no API key and no network. Each lesson ends with a small exercise, graded by what actually
# crossed the wire.
#
# | lesson | what you learn |
# |---|---|
# | 00 start here | the mock server, your first call, how grading works |
# | 01 one client per process | what a client costs, and why you build it once |
# | 02 the event-loop trap | a sync client inside `async def` stalls a whole FastAPI server |
# | 03 custom connection limits | capping connections without losing the SDK's defaults |
# | 04 timeouts and retries | what a timeout bounds, what is retried, a latency budget you can compute |
# | 05 streaming without leaking connections | a stream holds a connection until it is read or closed |
# | 06 production lifecycle | event loops, closing at shutdown, one pool per worker process, `fork()` |

# %% [markdown]
# ## Which SDK are we running?
#
# The lessons are executed against a pinned version of the SDK, and they say which one. If your
# version differs, re-run the cells: the numbers come from your machine, not from the text.

# %%
import openai

print("openai", openai.__version__)

# %% [markdown]
# Since 3.0, `openai` runs on **httpx2**, the successor of httpx. A plain `pip install openai` no
# longer installs httpx at all (this course installs it next to httpx2, on purpose). You will still meet
# `httpx` in older tutorials; lesson 03 shows that recipe working, and what differs.

# %%
import importlib.metadata

for name in ("httpx2", "httpx"):
    try:
        print(f"{name:7} {importlib.metadata.version(name)}")
    except importlib.metadata.PackageNotFoundError:
        print(f"{name:7} not installed")
sdk_http_client = openai.OpenAI(api_key="x", base_url="http://127.0.0.1:9/v1")._client
bases = [c for c in type(sdk_http_client).__mro__ if c.__module__.split(".")[0] in ("httpx2", "httpx")]
print(f"the SDK's HTTP client: {type(sdk_http_client).__name__}, built on {bases[0].__module__}.{bases[0].__name__}")

# %% [markdown]
# ## The mock server
#
# `MockServer` starts the course's mock OpenAI server in its own process, on a free port of
# 127.0.0.1, and stops it when you are done (or when this notebook's kernel goes away).
#
# With `set_env=True` it also sets the two environment variables the SDK reads, `OPENAI_BASE_URL` and
# `OPENAI_API_KEY`, so that a plain `OpenAI()` talks to it. That is exactly how you would configure a
# real deployment: no URLs or keys in the code.

# %%
from clientlab import MockServer

mock = MockServer(set_env=True).start()
mock

# %% [markdown]
# ## Your first call
#
# `OpenAI()` with no arguments picks up the environment. The mock answers deterministically: it
# repeats what you said, so you can check an answer end to end.

# %%
from openai import OpenAI

client = OpenAI()
completion = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "Hello, Client Lab!"}],
)
print(completion.choices[0].message.content)
print(completion.usage.total_tokens, "tokens")

# %% [markdown]
# ## What the server saw
#
# Now the interesting part. `mock.stats()` returns the server's own records: one per request, plus
# counters. The connection counts come from the server's TCP connection events, not from guesses.

# %%
stats = mock.stats()
print(stats)
record = stats.records[-1]
print("path:", record.path, "| model:", record.model, "| status:", record.status)
print("client:", "AsyncOpenAI" if record.is_async else "OpenAI (sync)")
print("read timeout the client announced:", record.read_timeout, "seconds")

# %% [markdown]
# That last line is worth a pause. The SDK tells the server which read timeout it is using, in a
# header, and the default is **600 seconds**: ten minutes. Lesson 01 comes back to it.
#
# Let's make four more calls through the same client and count connections again.

# %%
mock.reset()
for question in ["one", "two", "three", "four"]:
    client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
print(mock.stats())

# %% [markdown]
# Four requests and **no new connection**: all four went over the connection the first call opened,
# which is still open. (`reset()` zeroes the counters but leaves open connections alone.) The client
# keeps its connection and reuses it; lesson 01 shows what happens when code throws that away.
#
# ## The same, async, with the Responses API
#
# The SDK's own README starts elsewhere: with the **async** client and the **Responses API**. Here is what
# the installed package says about the two APIs (read from its metadata, not from memory):

# %%
description = importlib.metadata.metadata("openai").get_payload()
for line in description.splitlines():
    if line.startswith(("The primary API", "The previous standard")):
        print(line.split(" is the [")[0] + " is the " + line.split(" is the [")[1].split("]")[0])

# %% [markdown]
# `AsyncOpenAI` has the same methods as `OpenAI`; each call returns something to `await`. A notebook
# cell can `await` directly (in a script you would wrap it in `asyncio.run(main())`):

# %%
from openai import AsyncOpenAI

async_client = AsyncOpenAI()
response = await async_client.responses.create(model="gpt-4o-mini", input="Hello!")
print(response.output_text)
seen = mock.stats().records[-1]
print(f"the server saw: POST {seen.path}, from {'AsyncOpenAI' if seen.is_async else 'OpenAI (sync)'}")

# %% [markdown]
# Which one should you use? Both are supported, and both go through the same client: the same connection
# pool, timeouts and retries, which are what this course is about, so everything the lessons measure
# applies to both. The Responses API is where OpenAI adds new features (built-in tools, conversation state
# kept on the server); Chat Completions is what most OpenAI-compatible servers and existing code speak, so
# the exercises use it. Sync or async matters more than which API: lesson 02 shows why a web server needs
# the async client.
#
# ## The server can misbehave on purpose
#
# Real APIs fail. The mock fails when you ask it to, through `x-mock-*` headers (per request) or
# settings (server-wide). Here the first two attempts of a request get a 500 error:

# %%
mock.reset()
answer = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "are you there?"}],
    extra_headers={"x-mock-fail-first": "2", "x-mock-retry-after-ms": "10"},
)
print(answer.choices[0].message.content)
for r in mock.stats().records:
    print(f"attempt {r.attempt}: status {r.status}, x-stainless-retry-count {r.retry_count}")

# %% [markdown]
# The call succeeded, but the server saw **three** attempts. The SDK retried twice (its default
# `max_retries` is 2) and numbered its attempts in a header. [Lesson 04](04_timeouts_and_retries.ipynb) is
# about budgeting for that.
#
# ## How grading works
#
# Each lesson has an exercise file in `exercises/`. You edit it, then grade it, here or in a terminal:
#
# ```bash
# python -m clientlab grade 00          # exit status 0 when it passes
# python -m clientlab watch             # grade on every save, and move on when it passes
# python -m clientlab hint 00           # the next hint for the check your file fails now
# python -m clientlab progress          # every exercise, its status, and what is next
# ```
#
# The grader runs your file in its own process against a fresh mock server, with a time limit, and
# judges what the server saw. Its verdict lists each check with the evidence and, when a check fails,
# a first hint: a nudge towards the part of the lesson that explains it. Ask for more when you want it
# (`hint("ex00")` in a cell, or `python -m clientlab hint 00`): each step is more specific, the last one
# names the fix the evidence calls for, and only after it can you ask to see the reference answer.
#
# These commands work in a terminal of this JupyterLab (File > New > Terminal) as written: `python -m
# clientlab lab` puts the course's Python first on the terminal's PATH.
#
# ## Exercise 00: your first call
#
# Open `exercises/ex00_first_call.py` and complete `first_call(prompt)`: send `prompt` as the user
# message of one chat completion (model `gpt-4o-mini`) and return the answer's text. Create the client
# with a plain `OpenAI()`: the grader points the environment at its own mock server.
#
# The cell below grades your file. Until you fill in the TODOs, it tells you so.

# %%
from clientlab.grading import grade, hint

grade("ex00")

# %% [markdown]
# ## Using the real API instead
#
# Everything here works against the real API too: unset `OPENAI_BASE_URL` and set your own
# `OPENAI_API_KEY` before starting Jupyter. The lessons' measurements need the mock (the real API
# won't tell you its connection counts), so the notebooks always start their own.
#
# ## What to remember
#
# - Configure the client from the environment (`OPENAI_API_KEY`, `OPENAI_BASE_URL`): no keys in code.
# - A client keeps its connection and reuses it; by default the SDK retries a failed attempt twice and
#   waits up to 600 s for an answer. The next lessons put numbers on each of these.
# - `OpenAI` for scripts and sync code, `AsyncOpenAI` (awaited) for async code; Chat Completions and the
#   Responses API share all of it.
#
# A starting point for production code, which the next lessons refine:

# %%
# One client for the whole process, configured by the environment (OPENAI_API_KEY, OPENAI_BASE_URL).
from openai import OpenAI

client = OpenAI()


def ask(question: str) -> str:
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content or ""


print(ask("Ready for lesson 01?"))

# %% [markdown]
# Done for now: close the clients and stop the server. Next,
# [**01 · one client per process**](01_one_client_per_process.ipynb).

# %%
client.close()
await async_client.close()
mock.stop()
mock
