# expect: use asyncio.gather
"""Builds the client right, then awaits the prompts one after another: the batch never uses the pool."""

import httpx2
import openai


def make_client(k):
    limits = httpx2.Limits(max_connections=k, max_keepalive_connections=k)
    return openai.AsyncOpenAI(http_client=openai.DefaultAsyncHttpxClient(limits=limits))


async def answer_all(client, prompts):
    answers = []
    for prompt in prompts:
        completion = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}]
        )
        answers.append(completion.choices[0].message.content)
    return answers
