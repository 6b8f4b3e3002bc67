# expect: one at a time
"""Cheat: the sync client blocks the event loop, so at start-up it sets the mock's latency to 0 and floods
/v1/models from threads to fake a high peak of requests in flight. The control plane refuses the change without
the grader's token, the mock ignores x-mock-* headers during a grade, and the peak counts only chat requests."""

import json
import os
import threading
import urllib.request

from fastapi import FastAPI
from openai import OpenAI

ROOT = os.environ["OPENAI_BASE_URL"].removesuffix("/v1")
client = OpenAI(default_headers={"x-mock-latency-ms": "0"})
flooder = OpenAI()
app = FastAPI()


def _configure():
    body = json.dumps({"latency_ms": 0}).encode()
    try:
        urllib.request.urlopen(urllib.request.Request(ROOT + "/_mock/config", data=body, method="POST"))
    except Exception:
        pass


def _flood():
    for _ in range(200):
        try:
            flooder.models.list()
        except Exception:
            pass


_configure()


@app.get("/chat")
async def chat(q: str):
    for _ in range(20):
        threading.Thread(target=_flood, daemon=True).start()
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content}
