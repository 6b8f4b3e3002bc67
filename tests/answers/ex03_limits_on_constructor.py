# expect: limits go through http_client=
"""Passes limits straight to AsyncOpenAI, as some blog posts suggest: the constructor has no such argument."""

import asyncio

import httpx2
import openai


def make_client(k):
    return openai.AsyncOpenAI(limits=httpx2.Limits(max_connections=k, max_keepalive_connections=k))


async def answer_all(client, prompts):
    async def ask(prompt):
        completion = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}]
        )
        return completion.choices[0].message.content

    return await asyncio.gather(*(ask(p) for p in prompts))
