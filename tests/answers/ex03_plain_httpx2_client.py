# expect: does not follow redirects
"""Wrong: a plain httpx2.AsyncClient with the cap. The SDK treats httpx2's default 5 s timeout as "not set" and
keeps its own 600 s, but follow_redirects=True is lost: the grader's redirected request reaches the code as an error."""

import asyncio

import httpx2
import openai


def make_client(k):
    http_client = httpx2.AsyncClient(limits=httpx2.Limits(max_connections=k, max_keepalive_connections=k))
    return openai.AsyncOpenAI(http_client=http_client)


async def answer_all(client, prompts):
    async def ask(prompt):
        completion = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}]
        )
        return completion.choices[0].message.content

    return await asyncio.gather(*(ask(p) for p in prompts))
