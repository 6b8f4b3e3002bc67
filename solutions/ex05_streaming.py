"""Exercise 05: stream it, or hang up cleanly.

Two async functions that use the client they are given, an `AsyncOpenAI` with a small connection pool
(the grader builds it: two connections, and a call that finds both taken waits one second, then fails):

- `stream_text(client, question) -> str`: one chat completion (model "gpt-4o-mini", `question` as the user
  message) with `stream=True`; read the stream to its end and return the whole answer's text.
- `first_words(client, question, n) -> str`: the same streamed call, but return only the first `n` words of
  the answer, joined by single spaces, and give the connection back at once: close the stream as soon as you
  have them, do not read the rest.

A stream holds its connection until it is read to the end or closed. Leaving the `async for` loop early does
neither, and dropping the stream does not free it either (it holds itself in a reference cycle, so only the
garbage collector, whenever it runs, would close it). Close it yourself, the way lesson 05 shows.

The grader runs your module against a mock server that sends one word per chunk, a few hundredths of a
second apart. It calls stream_text and first_words several times through the same small pool and checks
what the mock records: that every request streamed, which connection it came on, whether the server sent
the whole answer or the client hung up, and what was still open between your calls.

Grade it: python -m clientlab grade 05
"""

from openai import AsyncOpenAI

MODEL = "gpt-4o-mini"


async def stream_text(client: AsyncOpenAI, question: str) -> str:
    """Stream the answer to `question` through `client` and return its whole text."""
    # SOLUTION
    parts: list[str] = []
    stream = await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    )
    async for chunk in stream:  # to the end: the SDK then reads the end of the body and keeps the connection
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
    return "".join(parts)
    # STUB
    # # TODO: one chat completion through `client` (model=MODEL, `question` as the user message) with
    # # stream=True; read every chunk and join the text of chunk.choices[0].delta.content (it is None or
    # # empty in some chunks). Read the stream to its end.
    # raise NotImplementedError("stream_text: see the TODOs")
    # END


async def first_words(client: AsyncOpenAI, question: str, n: int) -> str:
    """Stream the answer to `question`; return its first `n` words joined by single spaces, and close the
    stream as soon as they are in, so the connection is released at once."""
    # SOLUTION
    words: list[str] = []
    text = ""
    async with await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    ) as stream:  # leaving the block closes the stream, however it is left
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                text += chunk.choices[0].delta.content
                words = text.split()
                if len(words) > n or (len(words) == n and text[-1].isspace()):
                    break
    return " ".join(words[:n])
    # STUB
    # # TODO: the same streamed call. Collect the text as it comes; as soon as you have n words, stop reading
    # # and close the stream (lesson 05, section 3, shows two ways that also hold when your code
    # # returns or raises mid-loop). Return the first n words joined by single spaces.
    # raise NotImplementedError("first_words: see the TODOs")
    # END
