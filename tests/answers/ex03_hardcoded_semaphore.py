# expect: the cap does not follow k
"""Leaves the SDK's pool alone and caps concurrency with a semaphore of 5 written into answer_all."""

import asyncio

import openai


def make_client(k):
    return openai.AsyncOpenAI()


async def answer_all(client, prompts):
    gate = asyncio.Semaphore(5)

    async def ask(prompt):
        async with gate:
            completion = await client.chat.completions.create(
                model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}]
            )
        return completion.choices[0].message.content

    return await asyncio.gather(*(ask(p) for p in prompts))
