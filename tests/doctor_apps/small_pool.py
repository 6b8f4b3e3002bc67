"""A pool capped below the load: DefaultAsyncHttpx2Client(limits=...) with max_connections=8 (lesson 03)."""

import httpx2
import openai
from fastapi import FastAPI

client = openai.AsyncOpenAI(
    http_client=openai.DefaultAsyncHttpx2Client(limits=httpx2.Limits(max_connections=8, max_keepalive_connections=8))
)
app = FastAPI()


@app.get("/chat")
async def chat(q: str) -> dict[str, str]:
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content or ""}
