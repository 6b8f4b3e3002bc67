"""The mock OpenAI API as a plain ASGI app (no framework: the recorder must not slow the server down).

Every request to the API is recorded; `/_mock/*` control calls (stats, reset, config) are not.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from . import content as c
from .controls import Behaviour
from .errors import APIErrorResponse, error_body
from .recorder import Recorder

log = logging.getLogger("clientlab.mock")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

MAX_BODY_BYTES = 8 * 1024 * 1024
JSON_HEADERS = [(b"content-type", b"application/json")]
SSE_HEADERS = [(b"content-type", b"text/event-stream; charset=utf-8"), (b"cache-control", b"no-cache")]

# path -> allowed methods (dynamic `/v1/models/{id}` is matched separately)
API_ROUTES: dict[str, tuple[str, ...]] = {
    "/v1/chat/completions": ("POST",),
    "/v1/responses": ("POST",),
    "/v1/embeddings": ("POST",),
    "/v1/models": ("GET",),
}


class Disconnect:
    """Watches for the client going away while the app waits (latency, stall, stream pauses)."""

    def __init__(self, receive: Receive) -> None:
        self.event = asyncio.Event()
        self._task = asyncio.ensure_future(self._watch(receive))

    async def _watch(self, receive: Receive) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        self.event.set()

    async def wait(self, seconds: float | None) -> bool:
        """Sleep up to `seconds` (forever if None); True if the client disconnected meanwhile."""
        if self.event.is_set():
            return True
        try:
            await asyncio.wait_for(self.event.wait(), seconds)
        except TimeoutError:
            return False
        return True

    def close(self) -> None:
        self._task.cancel()


class MockApp:
    """The ASGI application: the API under `/v1`, the control plane under `/_mock/`."""

    def __init__(self, recorder: Recorder | None = None, behaviour: Behaviour | None = None) -> None:
        self.recorder = recorder or Recorder()
        self.behaviour = behaviour or Behaviour()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            if scope["path"].startswith("/_mock/"):
                await self._control(scope, receive, send)
            else:
                await self._api(scope, receive, send)
        elif kind == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return

    # -- the API ------------------------------------------------------------------------------------
    async def _api(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        method, path = scope["method"], scope["path"]
        record: dict[str, Any] = {
            "method": method,
            "path": path,
            "model": None,
            "stream": False,
            "retry_count": _int_or_none(headers.get("x-stainless-retry-count")),
            "read_timeout": _float_or_none(headers.get("x-stainless-read-timeout")),
            "idempotency_key": headers.get("idempotency-key"),
            "async": _async_flag(headers.get("x-stainless-async")),
            "client_tag": headers.get("x-client-tag"),
            "user_agent": headers.get("user-agent"),
            "attempt": 0,
        }
        self.recorder.request_started(scope.get("client"), record)
        status: int | None = None
        outcome = "ok"
        waiter: Disconnect | None = None
        try:
            behaviour = self.behaviour.with_headers(headers)
            handler = self._route(method, path)
            _check_auth(headers)
            body = await _read_json(scope, receive, headers) if method == "POST" else {}
            if isinstance(body.get("model"), str):
                record["model"] = body["model"]
            record["stream"] = body.get("stream") is True
            attempt = _attempt_number(
                self.recorder, headers, method, path, body, record["retry_count"], behaviour.fail_first > 0
            )
            record["attempt"] = attempt
            failing = attempt < behaviour.fail_first
            misbehave = failing or behaviour.fail_first == 0  # stall and drop hit only the failing attempts
            if behaviour.latency_ms or (misbehave and behaviour.stall):
                waiter = Disconnect(receive)
            if misbehave and behaviour.stall:
                await waiter.wait(None)  # type: ignore[union-attr]
                outcome = "stalled"
                return
            if behaviour.latency_ms and await waiter.wait(behaviour.latency_ms / 1000):  # type: ignore[union-attr]
                outcome = "disconnected"
                return
            if misbehave and behaviour.drop:
                _drop_connection(self.recorder, scope)
                outcome = "dropped"
                return
            forced = behaviour.fail_status if failing else behaviour.status
            if forced is not None:
                status, outcome = forced, "error"
                await _send_bytes(send, status, error_body(status), _retry_headers(behaviour))
                return
            result = handler(self, body, path)
            if isinstance(result, bytes):
                status = 200
                await _send_bytes(send, 200, result)
            else:
                status = 200
                if waiter is None:
                    waiter = Disconnect(receive)
                if not await _send_stream(send, result, waiter, behaviour.chunk_interval_ms / 1000):
                    outcome = "disconnected"
                    log.info("client disconnected mid-stream (%s %s)", method, path)
        except APIErrorResponse as err:
            status, outcome = err.status, "error"
            extra = (
                [(b"allow", b", ".join(a.encode() for a in err.allow))] if isinstance(err, _MethodNotAllowed) else []
            )
            await _send_bytes(send, err.status, err.body(), extra)
        except Exception:  # a bug in the mock: say so in the API's own error shape, keep serving
            log.exception("mock error on %s %s", method, path)
            status, outcome = 500, "error"
            await _send_bytes(send, 500, error_body(500, "The mock server failed on this request (a Client Lab bug)."))
        finally:
            if waiter is not None:
                waiter.close()
            self.recorder.request_finished(record, status, outcome)

    def _route(self, method: str, path: str) -> Callable[[MockApp, dict[str, Any], str], bytes | AsyncIterator[bytes]]:
        allowed = API_ROUTES.get(path)
        if allowed is None and path.startswith("/v1/models/") and path.count("/") == 3:
            allowed = ("GET",)
        if allowed is None:
            raise APIErrorResponse(404, f"Invalid URL ({method} {path})", code="unknown_url")
        if method not in allowed:
            raise _MethodNotAllowed(method, path, allowed)
        return HANDLERS.get(path, _model_by_id)

    # -- endpoints ----------------------------------------------------------------------------------
    def chat_completions(self, body: dict[str, Any], path: str) -> bytes | AsyncIterator[bytes]:
        model = _require_str(body, "model")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise APIErrorResponse(400, "'messages' must be a non-empty array of message objects.", param="messages")
        for i, message in enumerate(messages):
            if not isinstance(message, dict) or not isinstance(message.get("role"), str):
                raise APIErrorResponse(
                    400,
                    f"Invalid message at messages[{i}]: expected an object with a 'role'.",
                    param=f"messages[{i}]",
                )
        stream = _optional_bool(body, "stream")
        prompt = c.chat_prompt(messages)
        answer = c.answer_for(prompt)
        completion_id = "chatcmpl-" + c.short_hash(model, prompt)
        usage = _usage_chat(prompt, answer)
        if not stream:
            return _dumps(
                {
                    "id": completion_id,
                    "object": "chat.completion",
                    "created": c.CREATED,
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {
                                "role": "assistant",
                                "content": answer,
                                "refusal": None,
                                "annotations": [],
                            },
                            "finish_reason": "stop",
                            "logprobs": None,
                        }
                    ],
                    "usage": usage,
                    "service_tier": "default",
                    "system_fingerprint": "fp_clientlab",
                }
            )
        options = body.get("stream_options")
        include_usage = isinstance(options, dict) and options.get("include_usage") is True
        return _chat_stream(completion_id, model, answer, usage if include_usage else None)

    def responses(self, body: dict[str, Any], path: str) -> bytes | AsyncIterator[bytes]:
        model = _require_str(body, "model")
        if "input" not in body or not isinstance(body["input"], str | list):
            raise APIErrorResponse(400, "'input' must be a string or an array of input items.", param="input")
        stream = _optional_bool(body, "stream")
        prompt = c.responses_prompt(body["input"])
        answer = c.answer_for(prompt)
        ids = c.short_hash(model, prompt)
        if not stream:
            return _dumps(_response_object(ids, model, answer, prompt, "completed"))
        return _responses_stream(ids, model, answer, prompt)

    def embeddings(self, body: dict[str, Any], path: str) -> bytes:
        model = _require_str(body, "model")
        inputs = body.get("input")
        if isinstance(inputs, str):
            texts = [inputs]
        elif isinstance(inputs, list) and inputs and all(isinstance(x, str | int | list) for x in inputs):
            texts = [x if isinstance(x, str) else json.dumps(x) for x in inputs]
        elif isinstance(inputs, list) and not inputs:
            raise APIErrorResponse(400, "'input' must not be empty.", param="input")
        else:
            raise APIErrorResponse(400, "'input' must be a string or an array of strings or tokens.", param="input")
        fmt = body.get("encoding_format", "float")
        if fmt not in ("float", "base64"):
            raise APIErrorResponse(400, "'encoding_format' must be 'float' or 'base64'.", param="encoding_format")
        dims = body.get("dimensions", c.EMBEDDING_DIMENSIONS)
        if not isinstance(dims, int) or isinstance(dims, bool) or not 1 <= dims <= 4096:
            raise APIErrorResponse(400, "'dimensions' must be an integer from 1 to 4096.", param="dimensions")
        # openai 3.x asks for base64 unless told otherwise, but in strict mode it validates the body
        # (List[float]) before its post-parser decodes base64, so a base64 answer cannot pass. Floats pass
        # either way (the post-parser leaves non-string vectors alone), so the mock always answers floats.
        data = [
            {"object": "embedding", "index": i, "embedding": c.embedding_vector(text, dims)}
            for i, text in enumerate(texts)
        ]
        tokens = sum(c.count_tokens(t) for t in texts)
        return _dumps(
            {
                "object": "list",
                "data": data,
                "model": model,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            }
        )

    def models(self, body: dict[str, Any], path: str) -> bytes:
        return _dumps({"object": "list", "data": [c.model_object(m) for m in c.MODELS]})

    # -- the control plane --------------------------------------------------------------------------
    async def _control(self, scope: Scope, receive: Receive, send: Send) -> None:
        method, path = scope["method"], scope["path"]
        try:
            if path == "/_mock/stats" and method == "GET":
                with_records = b"records=0" not in scope.get("query_string", b"")
                await _send_bytes(send, 200, _dumps(self.recorder.snapshot(with_records=with_records)))
            elif path == "/_mock/reset" and method == "POST":
                await _read_body(scope, receive, {})
                self.recorder.reset()
                await _send_bytes(send, 200, b'{"reset": true}')
            elif path == "/_mock/config" and method in ("GET", "POST"):
                if method == "POST":
                    changes = await _read_json(scope, receive, {})
                    self.behaviour = self.behaviour.updated(changes)
                await _send_bytes(send, 200, _dumps(self.behaviour.to_dict()))
            elif path == "/_mock/health" and method == "GET":
                await _send_bytes(send, 200, b'{"ok": true}')
            else:
                raise APIErrorResponse(
                    404,
                    f"Unknown control call ({method} {path}). Known: GET /_mock/stats, "
                    "POST /_mock/reset, GET|POST /_mock/config, GET /_mock/health.",
                )
        except APIErrorResponse as err:
            await _send_bytes(send, err.status, err.body())


def _model_by_id(app: MockApp, body: dict[str, Any], path: str) -> bytes:
    model_id = path.rsplit("/", 1)[1]
    if model_id not in c.MODELS:
        raise APIErrorResponse(404, f"The model '{model_id}' does not exist", param="model", code="model_not_found")
    return _dumps(c.model_object(model_id))


HANDLERS: dict[str, Callable[[MockApp, dict[str, Any], str], bytes | AsyncIterator[bytes]]] = {
    "/v1/chat/completions": MockApp.chat_completions,
    "/v1/responses": MockApp.responses,
    "/v1/embeddings": MockApp.embeddings,
    "/v1/models": MockApp.models,
}


class _MethodNotAllowed(APIErrorResponse):
    def __init__(self, method: str, path: str, allowed: tuple[str, ...]) -> None:
        super().__init__(405, f"Method {method} is not allowed for {path}; use {', '.join(allowed)}.")
        self.allow = allowed


# -- streams -----------------------------------------------------------------------------------------
async def _chat_stream(
    completion_id: str, model: str, answer: str, usage: dict[str, Any] | None
) -> AsyncIterator[bytes]:
    base = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": c.CREATED,
        "model": model,
        "system_fingerprint": "fp_clientlab",
    }
    extra = {"usage": None} if usage is not None else {}

    def chunk(delta: dict[str, Any], finish: str | None) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return _sse({**base, "choices": [choice], **extra})

    yield chunk({"role": "assistant", "content": "", "refusal": None}, None)
    for word in c.words_of(answer):
        yield chunk({"content": word}, None)
    yield chunk({}, "stop")
    if usage is not None:
        yield _sse({**base, "choices": [], "usage": usage})
    yield b"data: [DONE]\n\n"


async def _responses_stream(ids: str, model: str, answer: str, prompt: str) -> AsyncIterator[bytes]:
    item_id = "msg_" + ids
    seq = 0

    def event(kind: str, **fields: Any) -> bytes:
        nonlocal seq
        data = {"type": kind, "sequence_number": seq, **fields}
        seq += 1
        return f"event: {kind}\n".encode() + _sse(data)

    empty_item = {
        "id": item_id,
        "type": "message",
        "role": "assistant",
        "status": "in_progress",
        "content": [],
    }
    part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
    yield event("response.created", response=_response_object(ids, model, "", prompt, "in_progress"))
    yield event("response.in_progress", response=_response_object(ids, model, "", prompt, "in_progress"))
    yield event("response.output_item.added", output_index=0, item=empty_item)
    yield event("response.content_part.added", item_id=item_id, output_index=0, content_index=0, part=part)
    for word in c.words_of(answer):
        yield event(
            "response.output_text.delta",
            item_id=item_id,
            output_index=0,
            content_index=0,
            delta=word,
            logprobs=[],
        )
    yield event(
        "response.output_text.done",
        item_id=item_id,
        output_index=0,
        content_index=0,
        text=answer,
        logprobs=[],
    )
    yield event(
        "response.content_part.done",
        item_id=item_id,
        output_index=0,
        content_index=0,
        part={**part, "text": answer},
    )
    final = _response_object(ids, model, answer, prompt, "completed")
    yield event("response.output_item.done", output_index=0, item=final["output"][0])
    yield event("response.completed", response=final)


def _response_object(ids: str, model: str, answer: str, prompt: str, status: str) -> dict[str, Any]:
    output = []
    if status == "completed":
        output = [
            {
                "id": "msg_" + ids,
                "type": "message",
                "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": answer, "annotations": [], "logprobs": []}],
            }
        ]
    usage = None
    if status == "completed":
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


async def _send_stream(send: Send, chunks: AsyncIterator[bytes], waiter: Disconnect, interval: float) -> bool:
    """Send SSE chunks with `interval` seconds between them; False if the client went away.

    The last chunk goes out together with the end of the body: the SDK stops reading at `[DONE]`, and a
    terminator sent later would stay unread, so the client's pool would discard the connection.
    """
    await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
    pending: bytes | None = None
    async for chunk in chunks:
        if pending is not None:
            await send({"type": "http.response.body", "body": pending, "more_body": True})
            if interval and await waiter.wait(interval):
                return False
        if waiter.event.is_set():
            return False
        pending = chunk
    await send({"type": "http.response.body", "body": pending or b"", "more_body": False})
    return not waiter.event.is_set()


# -- small helpers -----------------------------------------------------------------------------------
def _dumps(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def _sse(data: Any) -> bytes:
    return b"data: " + _dumps(data) + b"\n\n"


async def _send_bytes(send: Send, status: int, body: bytes, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    headers = [*JSON_HEADERS, (b"content-length", str(len(body)).encode()), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _read_body(scope: Scope, receive: Receive, headers: dict[str, str]) -> bytes:
    declared = headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise APIErrorResponse(
            413,
            f"Request body too large: {declared} bytes (the mock accepts at most {MAX_BODY_BYTES} bytes).",
        )
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise APIErrorResponse(413, f"Request body too large (the mock accepts at most {MAX_BODY_BYTES} bytes).")
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _read_json(scope: Scope, receive: Receive, headers: dict[str, str]) -> dict[str, Any]:
    raw = await _read_body(scope, receive, headers)
    try:
        data = json.loads(raw) if raw else None
    except (ValueError, UnicodeDecodeError):
        raise APIErrorResponse(
            400,
            "We could not parse the JSON body of your request. (HINT: This likely means you "
            "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
        ) from None
    if not isinstance(data, dict):
        raise APIErrorResponse(400, "The request body must be a JSON object.")
    return data


def _check_auth(headers: dict[str, str]) -> None:
    auth = headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise APIErrorResponse(
            401,
            "You didn't provide an API key. You need to provide your API key in an "
            "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). "
            "The mock accepts any key.",
        )


def _require_str(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None:
        raise APIErrorResponse(
            400, f"Missing required parameter: '{name}'.", param=name, code="missing_required_parameter"
        )
    if not isinstance(value, str) or not value:
        raise APIErrorResponse(
            400, f"Invalid type for '{name}': expected a non-empty string.", param=name, code="invalid_type"
        )
    return value


def _optional_bool(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if value is not None and not isinstance(value, bool):
        raise APIErrorResponse(400, f"Invalid type for '{name}': expected a boolean.", param=name, code="invalid_type")
    return bool(value)


def _usage_chat(prompt: str, answer: str) -> dict[str, Any]:
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


def _retry_headers(behaviour: Behaviour) -> list[tuple[bytes, bytes]]:
    extra = []
    if behaviour.retry_after is not None:
        extra.append((b"retry-after", behaviour.retry_after.encode()))
    if behaviour.retry_after_ms is not None:
        extra.append((b"retry-after-ms", behaviour.retry_after_ms.encode()))
    return extra


def _attempt_number(
    recorder: Recorder,
    headers: dict[str, str],
    method: str,
    path: str,
    body: dict[str, Any],
    retry_count: int | None,
    needed: bool,
) -> int:
    """Which attempt of one logical request this is (0 for the first).

    openai 3.54 sends no Idempotency-Key (measured) but numbers its attempts in x-stainless-retry-count.
    A request carrying an Idempotency-Key (another client, or a learner's extra_headers) is grouped by the
    key; one with neither (curl) by its method, path, body and client tag, only when `needed` (fail_first
    is set), as that fingerprint costs a serialisation of the body.
    """
    key = headers.get("idempotency-key")
    if key:
        return recorder.attempt_index("key:" + key)
    if retry_count is not None:
        return retry_count
    if not needed:
        return 0
    fingerprint = c.short_hash(method, path, json.dumps(body, sort_keys=True), headers.get("x-client-tag", ""))
    return recorder.attempt_index("body:" + fingerprint)


def _drop_connection(recorder: Recorder, scope: Scope) -> None:
    conn = recorder.connection_for(scope.get("client"))
    if conn is not None and conn.transport is not None:
        conn.transport.close()


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _float_or_none(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _async_flag(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.lower() != "false"
