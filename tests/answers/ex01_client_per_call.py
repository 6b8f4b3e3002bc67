# expect: your 21 calls opened 21 connections: you build a client per call
"""Wrong: a new client inside every call, so every call pays for a new client and a new connection."""

from openai import OpenAI


def ask(question: str) -> str:
    client = OpenAI()
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    return reply.choices[0].message.content


def ask_quick(question: str) -> str:
    client = OpenAI(timeout=5)
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    return reply.choices[0].message.content
