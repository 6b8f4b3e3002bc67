# expect: transport=
"""Adds a custom transport (for connection retries) next to limits=: httpx2 then ignores limits= silently."""

import asyncio

import httpx2
import openai


def make_client(k):
    http_client = openai.DefaultAsyncHttpxClient(
        transport=httpx2.AsyncHTTPTransport(retries=2),
        limits=httpx2.Limits(max_connections=k, max_keepalive_connections=k),
    )
    return openai.AsyncOpenAI(http_client=http_client)


async def answer_all(client, prompts):
    async def ask(prompt):
        completion = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}]
        )
        return completion.choices[0].message.content

    return await asyncio.gather(*(ask(p) for p in prompts))
