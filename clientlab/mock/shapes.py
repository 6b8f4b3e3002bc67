"""The shapes of the API's answers, as plain functions of what was asked (no HTTP here).

Each returns JSON-able data, or for streams an iterator of server-sent-event chunks (bytes). They pass the
SDKs' strict response validation; the deterministic text, ids and numbers come from `content`.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterator
from typing import Any

import orjson

from . import content as c


def sse(data: Any, event: str | None = None) -> bytes:
    """One server-sent event carrying JSON data."""
    head = f"event: {event}\n".encode() if event else b""
    return head + b"data: " + orjson.dumps(data) + b"\n\n"


SSE_DONE = b"data: [DONE]\n\n"


# -- chat completions ------------------------------------------------------------------------------
def chat_usage(prompt: str, answer: str) -> dict[str, Any]:
    p, a = c.count_tokens(prompt), c.count_tokens(answer)
    return {
        "prompt_tokens": p,
        "completion_tokens": a,
        "total_tokens": p + a,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def chat_completion(model: str, prompt: str) -> dict[str, Any]:
    """A `ChatCompletion` answering `prompt`."""
    answer = c.answer_for(prompt)
    return {
        "id": "chatcmpl-" + c.short_hash(model, prompt),
        "object": "chat.completion",
        "created": c.CREATED,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": answer, "refusal": None, "annotations": []},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": chat_usage(prompt, answer),
        "service_tier": "default",
        "system_fingerprint": "fp_clientlab",
    }


def chat_chunks(model: str, prompt: str, include_usage: bool) -> Iterator[bytes]:
    """A chat completion as `chat.completion.chunk` events: one word a chunk, then `[DONE]`."""
    answer = c.answer_for(prompt)
    base = {
        "id": "chatcmpl-" + c.short_hash(model, prompt),
        "object": "chat.completion.chunk",
        "created": c.CREATED,
        "model": model,
        "system_fingerprint": "fp_clientlab",
    }
    extra = {"usage": None} if include_usage else {}

    def chunk(delta: dict[str, Any], finish: str | None) -> bytes:
        return sse(
            {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra}
        )

    yield chunk({"role": "assistant", "content": "", "refusal": None}, None)
    for word in c.words_of(answer):
        yield chunk({"content": word}, None)
    yield chunk({}, "stop")
    if include_usage:
        yield sse({**base, "choices": [], "usage": chat_usage(prompt, answer)})
    yield SSE_DONE


# -- responses --------------------------------------------------------------------------------------
def response_object(model: str, prompt: str, status: str = "completed") -> dict[str, Any]:
    """A `Response` answering `prompt` (`in_progress` ones have no output yet)."""
    ids = c.short_hash(model, prompt)
    answer = c.answer_for(prompt)
    done = status == "completed"
    output = []
    usage = None
    if done:
        output = [
            {
                "id": "msg_" + ids,
                "type": "message",
                "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": answer, "annotations": [], "logprobs": []}],
            }
        ]
        inp, out = c.count_tokens(prompt), c.count_tokens(answer)
        usage = {
            "input_tokens": inp,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": out,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": inp + out,
        }
    return {
        "id": "resp_" + ids,
        "object": "response",
        "created_at": c.CREATED,
        "status": status,
        "model": model,
        "output": output,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": usage,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "metadata": {},
        "temperature": 1.0,
        "top_p": 1.0,
    }


def response_events(model: str, prompt: str) -> Iterator[bytes]:
    """A response as the Responses API streams it: created, deltas of one word, completed."""
    answer = c.answer_for(prompt)
    item_id = "msg_" + c.short_hash(model, prompt)
    seq = iter(range(1_000_000))

    def event(kind: str, **fields: Any) -> bytes:
        return sse({"type": kind, "sequence_number": next(seq), **fields}, event=kind)

    where = {"item_id": item_id, "output_index": 0, "content_index": 0}
    part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
    started = response_object(model, prompt, "in_progress")
    yield event("response.created", response=started)
    yield event("response.in_progress", response=started)
    yield event(
        "response.output_item.added",
        output_index=0,
        item={"id": item_id, "type": "message", "role": "assistant", "status": "in_progress", "content": []},
    )
    yield event("response.content_part.added", **where, part=part)
    for word in c.words_of(answer):
        yield event("response.output_text.delta", **where, delta=word, logprobs=[])
    yield event("response.output_text.done", **where, text=answer, logprobs=[])
    yield event("response.content_part.done", **where, part={**part, "text": answer})
    final = response_object(model, prompt)
    yield event("response.output_item.done", output_index=0, item=final["output"][0])
    yield event("response.completed", response=final)


# -- embeddings and models -------------------------------------------------------------------------
def embedding_list(model: str, texts: list[str], dimensions: int, as_base64: bool) -> dict[str, Any]:
    """A `CreateEmbeddingResponse`; vectors as float lists, or as base64 of little-endian float32."""
    data = []
    for i, text in enumerate(texts):
        vector: list[float] | str = c.embedding_vector(text, dimensions)
        if as_base64:
            vector = base64.b64encode(struct.pack(f"<{dimensions}f", *vector)).decode()
        data.append({"object": "embedding", "index": i, "embedding": vector})
    tokens = sum(c.count_tokens(t) for t in texts)
    return {"object": "list", "data": data, "model": model, "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}


def model_list() -> dict[str, Any]:
    return {"object": "list", "data": [c.model_object(m) for m in c.MODELS]}
