"""A timeout on the http client replaces the SDK's 600 s: 1 s here, shorter than a slow answer (lessons 03, 04)."""

import openai
from fastapi import FastAPI

client = openai.AsyncOpenAI(http_client=openai.DefaultAsyncHttpx2Client(timeout=1.0))
app = FastAPI()


@app.get("/chat")
async def chat(q: str) -> dict[str, str]:
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content or ""}
