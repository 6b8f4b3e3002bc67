"""A plain httpx2 client passed to the SDK: the limits are there, the SDK's follow_redirects is lost (lesson 03)."""

import httpx2
import openai
from fastapi import FastAPI

client = openai.AsyncOpenAI(
    http_client=httpx2.AsyncClient(limits=httpx2.Limits(max_connections=200, max_keepalive_connections=200))
)
app = FastAPI()


@app.get("/chat")
async def chat(q: str) -> dict[str, str]:
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content or ""}
