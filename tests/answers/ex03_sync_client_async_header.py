# expect: returned the answer, as the sync OpenAI client does
"""A sync client in threads, dressed up: it claims to be async in its own headers, but each call still makes
its request in the calling thread and returns the answer."""

import asyncio

import httpx2
import openai


def make_client(k):
    limits = httpx2.Limits(max_connections=k, max_keepalive_connections=k)
    http_client = openai.DefaultHttpxClient(limits=limits)
    return openai.OpenAI(http_client=http_client, default_headers={"X-Stainless-Async": "async:asyncio"})


async def answer_all(client, prompts):
    def ask(prompt):
        completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
        return completion.choices[0].message.content

    return await asyncio.gather(*(asyncio.to_thread(ask, p) for p in prompts))
