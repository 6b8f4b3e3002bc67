"""max_retries=0, "the caller retries": one transient 503 reaches the user (lessons 01 and 04)."""

import openai
from fastapi import FastAPI

client = openai.AsyncOpenAI(max_retries=0)
app = FastAPI()


@app.get("/chat")
async def chat(q: str) -> dict[str, str]:
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content or ""}
