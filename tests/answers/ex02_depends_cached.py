# expect: pass
"""Correct, another style: a dependency returning one cached AsyncOpenAI."""

from functools import lru_cache
from typing import Annotated

from fastapi import Depends, FastAPI
from openai import AsyncOpenAI

app = FastAPI()


@lru_cache
def get_client() -> AsyncOpenAI:
    return AsyncOpenAI()


@app.get("/chat")
async def chat(q: str, client: Annotated[AsyncOpenAI, Depends(get_client)]):
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content}
