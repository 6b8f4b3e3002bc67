# expect: blocks the event loop
"""Wrong: a blocking "rate limiter" (time.sleep) before the await stops the whole event loop each time."""

import time

from fastapi import FastAPI
from openai import AsyncOpenAI

client = AsyncOpenAI()
app = FastAPI()


@app.get("/chat")
async def chat(q: str):
    time.sleep(0.02)  # "be gentle with the API"
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content}
