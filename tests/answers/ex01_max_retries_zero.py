# expect: keep max_retries at its default
"""Exercise 01 "tuned for fail-fast".

A blog post on latency budgets says to turn off the SDK's retries and handle them yourself; the learner
adds `max_retries=0` to the one client. With a healthy server nothing on the wire changes (one
request per call, one connection, the right timeouts), so only a grader that makes the server fail
once, or inspects the client, can see that a call which the default client would have retried now
raises. The exercise says: leave the client's settings at the SDK defaults.
"""

from openai import OpenAI

MODEL = "gpt-4o-mini"

client = OpenAI(max_retries=0)


def ask(question: str) -> str:
    """Ask the model `question` with the shared client; return the answer's text."""
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content


def ask_quick(question: str) -> str:
    """Like `ask`, but this call gives up after 5 seconds; same client, same connection pool."""
    completion = client.with_options(timeout=5).chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}]
    )
    return completion.choices[0].message.content
