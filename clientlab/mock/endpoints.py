"""The API's endpoints: check what was asked (`params`), answer in the API's shape (`shapes`).

An endpoint is a plain function of the request (`Call`) returning the JSON data to send (as data, or
already serialised), or an iterator of SSE chunks for a stream. `prompt_of_*` find the text a request
is about, leniently (before any check), so that records and rules can name a call even when the mock
is told to fail it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson

from . import content as c
from . import params, shapes
from .errors import APIErrorResponse

Answer = dict[str, Any] | bytes | Iterator[bytes]
CACHED_PROMPT_CHARS = 2000


@dataclass
class Call:
    """One request to the API, parsed: what endpoints and controls need to know of it."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    path_params: dict[str, str]
    query: bytes = b""
    prompt: str = ""  # the text the request is about (its route's `prompt` function), "" if none

    @property
    def from_python_sdk(self) -> bool:
        return self.headers.get("x-stainless-lang") == "python"


def chat_completions(call: Call) -> Answer:
    ask = params.chat_request(call.body, call.prompt)
    if ask.stream:
        return shapes.chat_chunks(ask.model, ask.prompt, ask.include_usage)
    if len(ask.prompt) > CACHED_PROMPT_CHARS:  # the cache keeps its keys: only short prompts go in
        return shapes.chat_completion(ask.model, ask.prompt)
    return _chat_completion_json(ask.model, ask.prompt)


def responses(call: Call) -> Answer:
    ask = params.responses_request(call.body, call.prompt)
    if ask.stream:
        return shapes.response_events(ask.model, ask.prompt)
    return shapes.response_object(ask.model, ask.prompt)


def embeddings(call: Call) -> Answer:
    # Answer base64 when asked (the Node SDK asks by default and decodes it), except to openai-python: it
    # asks for base64 by default too, but in strict mode validates `embedding: List[float]` before decoding,
    # so only floats pass there (its decoder leaves float lists alone). It sends `x-stainless-lang: python`.
    ask = params.embeddings_request(call.body, base64_allowed=not call.from_python_sdk)
    return shapes.embedding_list(ask.model, ask.texts, ask.dimensions, ask.base64)


def models(call: Call) -> Answer:
    return shapes.model_list()


def model_by_id(call: Call) -> Answer:
    model_id = call.path_params["model"]
    if model_id not in c.MODELS:
        raise APIErrorResponse(
            404, f"The model '{model_id[:100]}' does not exist", param="model", code="model_not_found"
        )
    return c.model_object(model_id)


@lru_cache(maxsize=256)
def _chat_completion_json(model: str, prompt: str) -> bytes:
    """The same question gets the same answer: load tests and retries repeat it, so it is made once."""
    return orjson.dumps(shapes.chat_completion(model, prompt))


def prompt_of_chat(body: dict[str, Any]) -> str:
    """The last user message's text (what the mock answers); leniently, before the body is checked."""
    messages = body.get("messages")
    return c.chat_prompt([m for m in messages if isinstance(m, dict)]) if isinstance(messages, list) else ""


def prompt_of_response(body: dict[str, Any]) -> str:
    return c.responses_prompt(body.get("input"))


def prompt_of_embedding(body: dict[str, Any]) -> str:
    inputs = body.get("input")
    if isinstance(inputs, str):
        return inputs
    if isinstance(inputs, list):
        return " ".join(x for x in inputs[:16] if isinstance(x, str))
    return ""
