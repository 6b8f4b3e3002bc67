# expect: returned the answer, as the sync OpenAI client does
"""Caps a sync OpenAI client and fans out with asyncio.to_thread: it overlaps, but blocks a thread per request."""

import asyncio

import httpx2
import openai


def make_client(k):
    limits = httpx2.Limits(max_connections=k, max_keepalive_connections=k)
    return openai.OpenAI(http_client=openai.DefaultHttpxClient(limits=limits))


async def answer_all(client, prompts):
    def ask(prompt):
        completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
        return completion.choices[0].message.content

    return await asyncio.gather(*(asyncio.to_thread(ask, p) for p in prompts))
