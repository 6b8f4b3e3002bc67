"""Deterministic answers of the mock: the same input always gets the same ids, text and numbers.

Notebook outputs stay stable across runs, and a grader can compute the answer a learner's code must
return (`answer_for(prompt)`) without asking the server.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

CREATED = 1_700_000_000
"""The fixed `created` timestamp of every object the mock returns."""

MODELS: tuple[str, ...] = (
    "gpt-4o-mini",
    "gpt-4.1-mini",
    "gpt-5-mini",
    "text-embedding-3-small",
)
"""Models listed by `GET /v1/models`; any model name is accepted by the other endpoints."""

EMBEDDING_DIMENSIONS = 8
"""Vector length of an embedding when the request does not ask for `dimensions`."""

MAX_ECHO_CHARS = 200


def answer_for(prompt: str) -> str:
    """The mock's answer to a prompt: derived from it, so a grader can check it end to end."""
    text = " ".join(prompt.split())
    if len(text) > MAX_ECHO_CHARS:
        text = text[: MAX_ECHO_CHARS - 3] + "..."
    return f"You said: {text}" if text else "You said nothing."


def short_hash(*parts: str) -> str:
    """A stable 24-hex-digit id fragment from the given strings."""
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:24]


def count_tokens(text: str) -> int:
    """A rough, deterministic token count: one token per word, at least one."""
    return max(1, len(text.split()))


def text_of_content(content: Any) -> str:
    """The text of a message's `content`: a string, or a list of parts with `text` fields."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def chat_prompt(messages: list[dict[str, Any]]) -> str:
    """The prompt the mock answers: the text of the last user message (or of the last message)."""
    for message in reversed(messages):
        if message.get("role") == "user":
            return text_of_content(message.get("content"))
    return text_of_content(messages[-1].get("content")) if messages else ""


def responses_prompt(input_: Any) -> str:
    """The prompt of a Responses API request: `input` as a string, or the last user item's text."""
    if isinstance(input_, str):
        return input_
    if isinstance(input_, list):
        return chat_prompt([item for item in input_ if isinstance(item, dict)])
    return ""


def words_of(answer: str) -> list[str]:
    """The answer split into stream deltas: one word (with its leading space) per chunk."""
    words = answer.split(" ")
    return [words[0]] + [" " + w for w in words[1:]]


def embedding_vector(text: str, dimensions: int) -> list[float]:
    """A deterministic unit-ish vector for a text, with values exactly representable in float32."""
    digest = hashlib.sha256(text.encode()).digest()
    values = []
    for i in range(dimensions):
        byte = digest[i % len(digest)] ^ (i * 37 & 0xFF)
        values.append(round((byte - 127.5) / 128.0, 4))
    # Round-trip through float32 so the numbers equal what a base64 (float32) answer would decode to.
    return list(struct.unpack(f"<{dimensions}f", struct.pack(f"<{dimensions}f", *values)))


def model_object(model_id: str) -> dict[str, Any]:
    """A `Model` as `GET /v1/models` returns it."""
    return {"id": model_id, "object": "model", "created": CREATED, "owned_by": "clientlab-mock"}
