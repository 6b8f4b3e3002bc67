# expect: a new client per request
"""Wrong: a new AsyncOpenAI for every request, so every request opens its own connection."""

from fastapi import FastAPI
from openai import AsyncOpenAI

app = FastAPI()


@app.get("/chat")
async def chat(q: str):
    async with AsyncOpenAI() as client:
        completion = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
        )
    return {"answer": completion.choices[0].message.content}
