# expect: max_keepalive_connections
"""Copies the familiar max_connections=k, max_keepalive_connections=2: between batches, k-2 connections are lost."""

import asyncio

import httpx2
import openai


def make_client(k):
    limits = httpx2.Limits(max_connections=k, max_keepalive_connections=2)
    return openai.AsyncOpenAI(http_client=openai.DefaultAsyncHttpxClient(limits=limits))


async def answer_all(client, prompts):
    async def ask(prompt):
        completion = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}]
        )
        return completion.choices[0].message.content

    return await asyncio.gather(*(ask(p) for p in prompts))
