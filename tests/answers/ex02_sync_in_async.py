# expect: one at a time (peak 1 in flight)
"""Wrong: the sync OpenAI client inside `async def` blocks the event loop for every call."""

from fastapi import FastAPI
from openai import OpenAI

client = OpenAI()
app = FastAPI()


@app.get("/chat")
async def chat(q: str):
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content}
