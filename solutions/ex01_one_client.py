"""Exercise 01: one client per process.

Build ONE client for the whole module and serve every call with it:

- `ask(question)` sends `question` as the user message of one chat completion (model "gpt-4o-mini") and
  returns the answer's text.
- `ask_quick(question)` does the same, but this one call must give up after 5 seconds: use
  `client.with_options(timeout=5)`. The copy it returns shares the original client's connection pool, so
  the quick call reuses the same connection instead of opening a new one.

Create the client with a plain `OpenAI()` (it reads OPENAI_BASE_URL and OPENAI_API_KEY from the
environment) and leave its own settings at the SDK defaults: only the quick call gets the short timeout.

The grader makes 21 calls in one process (20 `ask`, 1 `ask_quick`) against a fresh mock server and
expects: the right answers, one request per call, ONE connection for all of them, a 5 s read timeout on
the quick call and the default 600 s on the others. It also tests the settings by what they do: one `ask`
first gets a transient 503 (the SDK's default retries must answer it), a late answer must make
`ask_quick` give up after 5 s and retry, and a 5.5 s answer must not make `ask` give up.

Grade it: python -m clientlab grade 01
"""

from openai import OpenAI

MODEL = "gpt-4o-mini"

# SOLUTION
client = OpenAI()
# STUB
# client = None  # TODO: create the one client of this module here: OpenAI() with no arguments
# END


def ask(question: str) -> str:
    """Ask the model `question` with the shared client; return the answer's text."""
    # SOLUTION
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content or ""
    # STUB
    # # TODO: one chat completion with the module's client (model=MODEL, `question` as the user message);
    # # return the text of the first choice's message. Do not create a client here.
    # raise NotImplementedError("ask: see the TODOs")
    # END


def ask_quick(question: str) -> str:
    """Like `ask`, but this call gives up after 5 seconds; same client, same connection pool."""
    # SOLUTION
    quick = client.with_options(timeout=5)
    completion = quick.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content or ""
    # STUB
    # # TODO: the same call as in `ask`, through client.with_options(timeout=5): a copy of the client
    # # with a 5-second timeout that shares the original's connection pool.
    # raise NotImplementedError("ask_quick: see the TODOs")
    # END
