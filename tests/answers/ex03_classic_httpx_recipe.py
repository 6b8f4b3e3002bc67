# expect: does not follow redirects
"""Wrong now: the classic tutorial recipe on legacy httpx, timeout set back to 600 s, but a plain httpx client
does not follow redirects as the SDK's does (the grader redirects one request)."""

import asyncio

import httpx
import openai


def make_client(k):
    http_client = httpx.AsyncClient(
        limits=httpx.Limits(max_connections=k, max_keepalive_connections=k),
        timeout=httpx.Timeout(600, connect=5.0),
    )
    return openai.AsyncOpenAI(http_client=http_client)


async def answer_all(client, prompts):
    async def ask(prompt):
        completion = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}]
        )
        return completion.choices[0].message.content

    return await asyncio.gather(*(ask(p) for p in prompts))
