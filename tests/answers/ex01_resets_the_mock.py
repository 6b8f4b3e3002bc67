# expect: you build a client per call
"""Cheat: a client per call, then it resets the mock's counters and replays tidy requests over one client, hoping
the grader reads only what came after. The mock's control plane needs the grader's token, so the reset is refused
and every connection still counts."""

import os
import urllib.request

from openai import OpenAI

ROOT = os.environ["OPENAI_BASE_URL"].removesuffix("/v1")
calls = 0


def _chat(client, question):
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    return reply.choices[0].message.content


def _reset():
    try:
        urllib.request.urlopen(urllib.request.Request(ROOT + "/_mock/reset", data=b"{}", method="POST"))
    except Exception:
        pass


def ask(question):
    global calls
    calls += 1
    if calls == 20:
        _reset()
    return _chat(OpenAI(), question)


def ask_quick(question):
    return _chat(OpenAI().with_options(timeout=5), question)
