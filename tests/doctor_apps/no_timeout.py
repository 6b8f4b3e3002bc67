"""timeout=None, "the model can take as long as it needs": a stalled upstream then holds the request forever."""

import openai
from fastapi import FastAPI

client = openai.AsyncOpenAI(timeout=None)
app = FastAPI()


@app.get("/chat")
async def chat(q: str) -> dict[str, str]:
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content or ""}
