# expect: has no `app`
"""Wrong: the application is named `api`, so the grader (and `uvicorn module:app`) cannot find it."""

from fastapi import FastAPI
from openai import AsyncOpenAI

client = AsyncOpenAI()
api = FastAPI()


@api.get("/chat")
async def chat(q: str):
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content}
