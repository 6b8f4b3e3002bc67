"""Exercise 03: a client capped at K concurrent connections, with the SDK's defaults kept.

`make_client(k)` returns an `AsyncOpenAI` whose connection pool opens at most `k` connections at once and
keeps all `k` alive between batches (so a new batch reuses them instead of opening new ones). Everything
else must stay as the SDK sets it: the 600 s timeout, redirects, retries.

`answer_all(client, prompts)` sends every prompt as one chat completion (model "gpt-4o-mini") through
`client`, all at once (the pool, not your code, decides how many run together), and returns the answers'
texts in the order of `prompts`.

Remember from the lesson: `AsyncOpenAI` has no `limits=` argument; limits belong to the HTTP client you
give it with `http_client=`. The grader points OPENAI_BASE_URL and OPENAI_API_KEY at a fresh mock server,
so create the client without base_url or api_key. Besides the batches it sends through `answer_all`, it sends
some requests straight through your client, answers one with a transient 503 and one with a redirect.

Grade it: python -m clientlab grade 03
"""

import asyncio

import httpx2
import openai


def make_client(k: int) -> openai.AsyncOpenAI:
    """An AsyncOpenAI whose pool is capped at `k` connections (all `k` kept alive), SDK defaults kept."""
    # SOLUTION
    limits = httpx2.Limits(max_connections=k, max_keepalive_connections=k)
    return openai.AsyncOpenAI(http_client=openai.DefaultAsyncHttpx2Client(limits=limits))
    # STUB
    # # TODO: return an openai.AsyncOpenAI whose pool allows k connections and keeps k alive.
    # # Limits go through http_client=; section 1 of the lesson shows which HTTP client keeps the SDK's defaults.
    # raise NotImplementedError("make_client: see the TODOs")
    # END


async def answer_all(client: openai.AsyncOpenAI, prompts: list[str]) -> list[str]:
    """Ask every prompt at once through `client`; return the answers' texts in the order of `prompts`."""
    # SOLUTION

    async def ask(prompt: str) -> str:
        completion = await client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": prompt}],
        )
        return completion.choices[0].message.content or ""

    return list(await asyncio.gather(*(ask(p) for p in prompts)))
    # STUB
    # # TODO: one chat completion per prompt (model="gpt-4o-mini", the prompt as the user message),
    # # all awaited together (asyncio.gather); return the texts in the order of prompts.
    # raise NotImplementedError("answer_all: see the TODOs")
    # END
