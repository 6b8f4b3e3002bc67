"""The mock OpenAI API as a plain ASGI app (no framework: the recorder must not slow the server down).

A request's life is a few small steps: `parse` (route, auth, body), `decide` (the behaviour in force for
this attempt: defaults, the client's `x-mock-*` headers, the first matching rule), `answer` (misbehave
as told, else the endpoint's answer) and `record`. Any step may raise an `APIErrorResponse`, which
carries its whole answer. Requests to the API are recorded; `/_mock/*` control calls are not.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

import orjson

from . import routes
from .control import check_token
from .controls import BY_HEADER, Behaviour
from .endpoints import Call
from .errors import APIErrorResponse, ClientGone, Headers, error_body
from .recorder import Recorder
from .records import PROMPT_CHARS, cut, new_record, shared

log = logging.getLogger("clientlab.mock")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_JSON_DEPTH = 64
REDIRECT_MARKER = b"mock_redirected="
JSON_TYPE = (b"content-type", b"application/json")
SSE_HEADERS = [(b"content-type", b"text/event-stream; charset=utf-8"), (b"cache-control", b"no-cache")]


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
        """Sleep `seconds` (forever if None), never less; True if the client disconnected meanwhile.

        The event loop's timers can fire a little early (uvloop counts whole milliseconds), so a short
        wake-up is topped up: a latency of 200 ms is never recorded as 199.6 ms.
        """
        if self.event.is_set():
            return True
        deadline = None if seconds is None else time.perf_counter() + seconds
        while True:
            try:
                await asyncio.wait_for(self.event.wait(), seconds)
            except TimeoutError:
                seconds = deadline - time.perf_counter()  # type: ignore[operator]
                if seconds <= 0:
                    return False
            else:
                return True

    def close(self) -> None:
        self._task.cancel()


class Exchange:
    """One request and its answer as they happen: what was sent, how it ended, what waits on the client."""

    __slots__ = ("extra", "outcome", "receive", "record", "request_id", "send", "status", "waiter")

    def __init__(self, receive: Receive, send: Send, request_id: str) -> None:
        self.receive, self.send, self.request_id = receive, send, request_id
        self.record: dict[str, Any] | None = None
        self.status: int | None = None
        self.outcome = "ok"
        self.waiter: Disconnect | None = None
        self.extra: Headers = []  # headers every answer of this request carries (x-should-retry)

    def watch(self) -> Disconnect:
        if self.waiter is None:
            self.waiter = Disconnect(self.receive)
        return self.waiter

    async def send_json(self, status: int, body: bytes, headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
        self.status = status
        self.outcome = "ok" if status < 400 else "error"
        out = [JSON_TYPE, (b"content-length", str(len(body)).encode()), (b"x-request-id", self.request_id.encode())]
        await self.send({"type": "http.response.start", "status": status, "headers": [*out, *self.extra, *headers]})
        await self.send({"type": "http.response.body", "body": body})

    async def send_error(self, err: APIErrorResponse) -> None:
        await self.send_json(err.status, err.body(), err.headers)

    async def send_stream(
        self, chunks: Iterator[bytes], interval: float, drop_after: int = 0, hang_up: Callable[[], None] | None = None
    ) -> None:
        """Send SSE chunks `interval` seconds apart, counting them in the record; with `drop_after`, call
        `hang_up` (close the connection) once that many have gone out, as a proxy or a crash would mid-body.

        The last chunk goes out together with the end of the body: the SDK stops reading at `[DONE]`, and a
        terminator sent later would stay unread, so the client's pool would discard the connection.
        """
        waiter = self.watch()
        record = self.record
        assert record is not None
        self.status = 200
        head = [*SSE_HEADERS, (b"x-request-id", self.request_id.encode()), *self.extra]
        await self.send({"type": "http.response.start", "status": 200, "headers": head})
        pending: bytes | None = None
        for chunk in chunks:
            if pending is not None:
                await self.send({"type": "http.response.body", "body": pending, "more_body": True})
                record["chunks_sent"] += 1
                if drop_after and hang_up is not None and record["chunks_sent"] >= drop_after:
                    hang_up()
                    self.outcome = "dropped"
                    return
                if interval and await waiter.wait(interval):
                    break
            if waiter.event.is_set():
                break
            pending = chunk
        else:
            await self.send({"type": "http.response.body", "body": pending or b"", "more_body": False})
            record["chunks_sent"] += 1
            if not waiter.event.is_set():
                return
        self.outcome = "disconnected_mid_stream"
        log.info("client disconnected mid-stream (%s)", record["path"])


class MockApp:
    """The ASGI application: the API under `/v1`, the control plane under `/_mock/`."""

    def __init__(
        self, recorder: Recorder | None = None, behaviour: Behaviour | None = None, control_token: str | None = None
    ) -> None:
        self.recorder = recorder or Recorder()
        self.behaviour = behaviour or Behaviour()
        self.control_token = control_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            ex = Exchange(receive, send, "req_" + os.urandom(16).hex())
            if routes.is_control_path(scope["path"]):
                await self._control(scope, ex)
            else:
                await self._api(scope, ex)
        elif scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return

    # -- a request to the API: parse, decide, answer, record -----------------------------------------
    async def _api(self, scope: Scope, ex: Exchange) -> None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        record = new_record(scope["method"], scope["path"], headers, ex.request_id)
        ex.record = self.recorder.request_started(scope.get("client"), record)
        try:
            route, call = await self._parse(scope, ex, headers)
            behaviour = self._decide(call, record, scope.get("query_string", b""))
            await self._answer(scope, ex, route, call, behaviour)
        except APIErrorResponse as err:
            await ex.send_error(err)
        except ClientGone:
            if scope.get("mock.timed_out"):
                ex.outcome, ex.status = "timed_out", 408
            elif record.get("chunks_sent"):  # a send found the client gone after the stream began
                ex.outcome = "disconnected_mid_stream"
            else:
                ex.outcome, ex.status = "disconnected", None
        except Exception:  # a bug in the mock: say so in the API's own error shape, keep serving
            log.exception("mock error on %s %s", scope["method"], scope["path"])
            await ex.send_json(500, error_body(500, "The mock server failed on this request (a Client Lab bug)."))
        finally:
            if ex.waiter is not None:
                ex.waiter.close()
            self.recorder.request_finished(record, ex.status, ex.outcome)

    async def _parse(self, scope: Scope, ex: Exchange, headers: dict[str, str]) -> tuple[routes.Route, Call]:
        """Which endpoint, whether the caller may use it, and the request body as JSON."""
        method = scope["method"]
        route, path_params = routes.match(method, scope["path"])
        _check_auth(headers)
        body = await read_json(scope, ex.receive, headers) if route.reads_body else {}
        record = ex.record
        assert record is not None
        model = body.get("model")
        if isinstance(model, str):
            record["model"] = shared(cut(model))
        record["stream"] = body.get("stream") is True
        prompt = route.prompt(body) if route.prompt is not None else ""
        record["prompt"] = cut(prompt, PROMPT_CHARS) if route.prompt is not None else None
        return route, Call(method, scope["path"], headers, body, path_params, scope.get("query_string", b""), prompt)

    def _decide(self, call: Call, record: dict[str, Any], query: bytes) -> Behaviour:
        """The behaviour for this attempt: server defaults, then the client's headers, then the first rule."""
        behaviour = self.behaviour
        if behaviour.client_controls:
            behaviour = behaviour.with_headers(call.headers)
        elif any(name in BY_HEADER for name in call.headers):
            record["mock_headers_ignored"] = True
        marker = query.find(REDIRECT_MARKER)
        if marker >= 0:
            record["redirected"] = True
            record["attempt"] = _int_at(query, marker + len(REDIRECT_MARKER))
        else:
            record["attempt"] = self._attempt(call, record, behaviour)
        for rule in behaviour.rules:
            if rule.applies(call.prompt, call.path, record["attempt"]):
                behaviour = replace(behaviour, **dict(rule.behaviour))
                break
        return behaviour

    def _attempt(self, call: Call, record: dict[str, Any], behaviour: Behaviour) -> int:
        """Which attempt of one logical request this is (0 for the first); see `attempts_by`.

        openai 3.54 sends no Idempotency-Key (measured) but numbers its attempts in x-stainless-retry-count.
        `auto` groups by the key when sent, else by that count, else (curl, or a framework that retries with
        a fresh SDK call, so every try says 0) by method, path, body and client tag; `body` always groups by
        the body. The body fingerprint costs a serialisation, so it is taken only when needed.
        """
        if behaviour.attempts_by == "auto":
            key = call.headers.get("idempotency-key")
            if key:
                return self.recorder.attempt_index("key:" + key[:200])
            if record["retry_count"] is not None:
                return record["retry_count"]
            if not behaviour.needs_attempts:
                return 0
        digest = hashlib.blake2b(digest_size=12)
        for part in (call.method, call.path, call.headers.get("x-client-tag", "")):
            digest.update(part.encode("utf-8", "replace") + b"\x1f")
        digest.update(orjson.dumps(call.body, option=orjson.OPT_SORT_KEYS))
        return self.recorder.attempt_index("body:" + digest.hexdigest())

    async def _answer(self, scope: Scope, ex: Exchange, route: routes.Route, call: Call, b: Behaviour) -> None:
        """Misbehave as the behaviour says, else send the endpoint's answer."""
        record = ex.record
        assert record is not None
        if b.should_retry is not None:
            ex.extra.append((b"x-should-retry", b"true" if b.should_retry else b"false"))
        failing = record["attempt"] < b.fail_first
        misbehave = failing or b.fail_first == 0  # stall and drop hit only the failing attempts
        if misbehave and b.stall:
            await ex.watch().wait(None)
            ex.outcome = "stalled"
            return
        if b.latency_ms and await ex.watch().wait(b.latency_ms / 1000):
            ex.outcome = "disconnected"
            return
        if misbehave and b.drop:
            _drop_connection(self.recorder, scope)
            ex.outcome = "dropped"
            return
        if b.redirect and not record["redirected"]:
            await ex.send_json(307, b"", [(b"location", _redirect_location(scope, record["attempt"]))])
            return
        forced = b.fail_status if failing else b.status
        if forced is not None:
            raise APIErrorResponse(forced, headers=_retry_headers(b))
        answer = route.handler(call)
        if isinstance(answer, bytes):
            await ex.send_json(200, answer)
        elif isinstance(answer, dict):
            await ex.send_json(200, orjson.dumps(answer))
        else:
            drop_after = b.drop_after_chunks if misbehave else 0
            await ex.send_stream(
                answer, b.chunk_interval_ms / 1000, drop_after, lambda: _drop_connection(self.recorder, scope)
            )

    # -- the control plane ---------------------------------------------------------------------------
    async def _control(self, scope: Scope, ex: Exchange) -> None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            check_token(self.control_token, headers)
            method = scope["method"]
            try:
                route, path_params = routes.match(method, scope["path"])
            except APIErrorResponse as err:
                raise APIErrorResponse(
                    err.status,
                    f"Unknown control call ({method} {scope['path'][:100]}). Known: {routes.control_calls()}.",
                    headers=err.headers,
                ) from None
            body = await read_json(scope, ex.receive, headers, empty_ok=True) if route.reads_body else {}
            call = Call(method, scope["path"], headers, body, path_params, scope.get("query_string", b""))
            await ex.send_json(200, orjson.dumps(route.handler(self, call)))
        except APIErrorResponse as err:
            await ex.send_error(err)
        except ClientGone:
            pass
        except Exception:  # a bug in the mock: say so, keep serving
            log.exception("mock error on control call %s", scope["path"])
            await ex.send_json(500, error_body(500, "The mock server failed on this control call (a Client Lab bug)."))


# -- reading requests ---------------------------------------------------------------------------------
async def read_body(receive: Receive, headers: dict[str, str]) -> bytes:
    """The whole request body, at most MAX_BODY_BYTES; ClientGone if the client leaves before its end.

    A client too slow to send its body is answered 408 by the protocol (`protocol.py`), which ends this.
    """
    declared = headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise APIErrorResponse(
            413, f"Request body too large: {declared[:20]} bytes (the mock accepts at most {MAX_BODY_BYTES} bytes)."
        )
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise APIErrorResponse(413, f"Request body too large (the mock accepts at most {MAX_BODY_BYTES} bytes).")
        chunks.append(chunk)
        if not message.get("more_body"):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def read_json(scope: Scope, receive: Receive, headers: dict[str, str], empty_ok: bool = False) -> dict[str, Any]:
    """The body as a JSON object: strict JSON (no NaN, no lone surrogates), nested at most MAX_JSON_DEPTH deep."""
    raw = await read_body(receive, headers)
    if not raw:
        if empty_ok:
            return {}
        raise APIErrorResponse(400, "The request body must be a JSON object; it was empty.", code="invalid_json")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "depth" in str(exc):
            raise _too_deep() from None
        raise APIErrorResponse(
            400,
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
            f"HTTP library correctly. The OpenAI API expects a JSON payload.) Detail: {str(exc)[:120]}",
            code="invalid_json",
        ) from None
    if not isinstance(data, dict):
        raise APIErrorResponse(400, "The request body must be a JSON object.", code="invalid_json")
    if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and _depth(data) > MAX_JSON_DEPTH:
        raise _too_deep()
    return data


def _too_deep() -> APIErrorResponse:
    message = f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."
    return APIErrorResponse(400, message, code="invalid_json")


def _depth(data: Any) -> int:
    """How deeply JSON data nests, without recursion (stops counting past MAX_JSON_DEPTH)."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > MAX_JSON_DEPTH:
                break
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _check_auth(headers: dict[str, str]) -> None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise APIErrorResponse(
            401,
            "You didn't provide an API key. You need to provide your API key in an "
            "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). "
            "The mock accepts any key.",
        )


# -- misbehaviour helpers -----------------------------------------------------------------------------
def _retry_headers(behaviour: Behaviour) -> Headers:
    extra = []
    if behaviour.retry_after is not None:
        extra.append((b"retry-after", behaviour.retry_after.encode()))
    if behaviour.retry_after_ms is not None:
        extra.append((b"retry-after-ms", behaviour.retry_after_ms.encode()))
    return extra


def _redirect_location(scope: Scope, attempt: int) -> bytes:
    query = scope.get("query_string", b"")
    marker = REDIRECT_MARKER + str(attempt).encode()
    path = scope.get("raw_path") or scope["path"].encode("utf-8", "replace")
    return path + b"?" + (query + b"&" + marker if query else marker)


def _int_at(text: bytes, start: int) -> int:
    end = start
    while end < len(text) and end - start < 7 and 48 <= text[end] <= 57:
        end += 1
    return int(text[start:end]) if end > start else 0


def _drop_connection(recorder: Recorder, scope: Scope) -> None:
    conn = recorder.connection_for(scope.get("client"))
    if conn is not None and conn.transport is not None:
        conn.transport.close()
