# expect: the cap was not applied
"""Forgets the cap: the SDK's default pool allows 1000 connections, so every prompt gets its own."""

import asyncio

import openai


def make_client(k):
    return openai.AsyncOpenAI()


async def answer_all(client, prompts):
    async def ask(prompt):
        completion = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}]
        )
        return completion.choices[0].message.content

    return await asyncio.gather(*(ask(p) for p in prompts))
