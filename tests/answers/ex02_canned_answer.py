# expect: 0 chat request
"""Wrong: answers without asking the model."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/chat")
async def chat(q: str):
    return {"answer": f"You said: {q}"}
