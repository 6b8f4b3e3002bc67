# expect: replaces the SDK's 600 s
"""The classic recipe with the 30 s timeout many tutorials add: the SDK adopts it instead of its own 600 s."""

import asyncio

import httpx
import openai


def make_client(k):
    http_client = httpx.AsyncClient(limits=httpx.Limits(max_connections=k, max_keepalive_connections=k), timeout=30.0)
    return openai.AsyncOpenAI(http_client=http_client)


async def answer_all(client, prompts):
    async def ask(prompt):
        completion = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}]
        )
        return completion.choices[0].message.content

    return await asyncio.gather(*(ask(p) for p in prompts))
