# expect: 40-thread pool
"""Wrong: a plain `def` endpoint with the sync client: FastAPI runs it in a thread pool of 40."""

from fastapi import FastAPI
from openai import OpenAI

client = OpenAI()
app = FastAPI()


@app.get("/chat")
def chat(q: str):
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content}
