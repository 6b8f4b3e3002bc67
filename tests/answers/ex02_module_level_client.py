# expect: pass
"""Correct, another style: one AsyncOpenAI created at module level, shared by every request."""

from fastapi import FastAPI
from openai import AsyncOpenAI

client = AsyncOpenAI()
app = FastAPI()


@app.get("/chat")
async def chat(q: str):
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content}
