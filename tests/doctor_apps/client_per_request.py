"""A new AsyncOpenAI for every request: a new connection pool, and a new connection, each time (lesson 01)."""

import openai
from fastapi import FastAPI

app = FastAPI()


@app.get("/chat")
async def chat(q: str) -> dict[str, str]:
    async with openai.AsyncOpenAI() as client:
        completion = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
        )
    return {"answer": completion.choices[0].message.content or ""}
