"""Bad input never crashes the mock and never gets a 500: each case gets a 4xx with OpenAI's error shape,
and the server keeps serving. Cases an HTTP library will not send go over a raw socket."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import httpx2
import orjson
import psutil
import pytest

from clientlab import MockServer
from clientlab.mock import protocol

AUTH = {"Authorization": "Bearer k"}
CHAT = "/v1/chat/completions"
EMB = "/v1/embeddings"
USER = '"messages": [{"role": "user", "content": "x"}]'
DEEP = "[" * 5000 + "]" * 5000


def chat(extra: str) -> bytes:
    return ('{"model": "m", ' + USER + (", " + extra if extra else "") + "}").encode()


CASES = [
    # (name, method, path, headers, body, status, param or message fragment)
    ("malformed JSON", "POST", CHAT, AUTH, b'{"model": "x", "messages": [', 400, "parse the JSON"),
    ("JSON that is not an object", "POST", CHAT, AUTH, b"[1, 2]", 400, "JSON object"),
    ("empty body", "POST", CHAT, AUTH, b"", 400, "JSON object"),
    ("missing model", "POST", CHAT, AUTH, b'{"messages": [{"role": "user", "content": "x"}]}', 400, "model"),
    ("model of the wrong type", "POST", CHAT, AUTH, b'{"model": 5, "messages": []}', 400, "model"),
    ("messages not a list", "POST", CHAT, AUTH, b'{"model": "m", "messages": "hi"}', 400, "messages"),
    ("message without role", "POST", CHAT, AUTH, b'{"model": "m", "messages": [{"content": "x"}]}', 400, "messages[0]"),
    (
        "stream not a boolean",
        "POST",
        CHAT,
        AUTH,
        b'{"model": "m", "messages": [{"role": "user", "content": "x"}], "stream": "yes"}',
        400,
        "stream",
    ),
    ("responses input of a number", "POST", "/v1/responses", AUTH, b'{"input": 5}', 400, "input"),
    ("embeddings of a number", "POST", "/v1/embeddings", AUTH, b'{"model": "m", "input": 5}', 400, "input"),
    (
        "embeddings with bad dimensions",
        "POST",
        "/v1/embeddings",
        AUTH,
        b'{"model": "m", "input": "x", "dimensions": 0}',
        400,
        "dimensions",
    ),
    ("unknown model id", "GET", "/v1/models/nope", AUTH, None, 404, "model"),
    ("wrong method", "GET", CHAT, AUTH, None, 405, "Invalid method for URL (GET /v1/chat/completions)"),
    ("unknown path", "POST", "/v1/nothing/here", AUTH, b"{}", 404, "Invalid URL"),
    ("path outside /v1", "GET", "/", AUTH, None, 404, "Invalid URL"),
    ("no Authorization header", "POST", CHAT, {}, b'{"model": "m", "messages": []}', 401, "API key"),
    ("not a bearer token", "POST", CHAT, {"Authorization": "Basic abc"}, b"{}", 401, "API key"),
    ("bad control header", "POST", CHAT, {**AUTH, "x-mock-latency-ms": "soon"}, b"{}", 400, "latency_ms"),
    ("unknown control call", "GET", "/_mock/nothing", {}, None, 404, "Unknown control call"),
    ("unknown mock setting", "POST", "/_mock/config", {}, b'{"speed": 3}', 400, "speed"),
    # text the API cannot take: lone surrogates, JSON nested thousands deep inside a field
    ("lone surrogate in a message", "POST", CHAT, AUTH, rb'{"model": "m", "messages": [{"role": "user", '
     rb'"content": "a\ud800b"}]}', 400, "surrogate"),
    ("lone surrogate in the model", "POST", CHAT, AUTH, rb'{"model": "\udfff", ' + USER.encode() + b"}", 400,
     "surrogate"),
    ("lone surrogate in embeddings", "POST", EMB, AUTH, rb'{"model": "m", "input": ["ok", "\ud800"]}', 400,
     "surrogate"),
    ("JSON nested 5,000 deep in a field", "POST", CHAT, AUTH, chat('"metadata": ' + DEEP), 400, "nested"),
    ("JSON nested 5,000 deep in embeddings", "POST", EMB, AUTH, b'{"model": "m", "input": ' + DEEP.encode() + b"}",
     400, "nested"),
    # types and ranges, with the API's param and code
    ("temperature 99", "POST", CHAT, AUTH, chat('"temperature": 99'), 400, "decimal_above_max_value temperature"),
    ("negative max_tokens", "POST", CHAT, AUTH, chat('"max_tokens": -5'), 400, "integer_below_min_value max_tokens"),
    ("n as a string", "POST", CHAT, AUTH, chat('"n": "2"'), 400, "invalid_type n"),
    ("top_p as a string", "POST", "/v1/responses", AUTH, b'{"top_p": "1"}', 400, "invalid_type top_p"),
    ("an unknown role", "POST", CHAT, AUTH, b'{"model": "m", "messages": [{"role": "wizard", "content": "x"}]}', 400,
     "invalid_value messages[0].role"),
    ("empty messages", "POST", CHAT, AUTH, b'{"model": "m", "messages": []}', 400, "empty_array messages"),
    ("2,049 embedding inputs", "POST", EMB, AUTH, orjson.dumps({"model": "m", "input": ["a"] * 2049}), 400,
     "array_above_max_length input"),
    ("a million one-character embedding inputs", "POST", EMB, AUTH,
     orjson.dumps({"model": "m", "input": ["a"] * 10**6}), 400, "array_above_max_length input"),
    ("an embedding input over 8,192 tokens", "POST", EMB, AUTH, orjson.dumps({"model": "m", "input": "a " * 9000}), 400,
     "context_length_exceeded input[0]"),
    ("a 4 MB model name", "POST", CHAT, AUTH, b'{"model": "' + b"m" * 4_000_000 + b'", ' + USER.encode() + b"}", 400,
     "string_above_max_length model"),
    ("encoding_format of another kind", "POST", EMB, AUTH, b'{"model": "m", "input": "x", "encoding_format": "hex"}',
     400, "invalid_value encoding_format"),
    # the control plane
    ("config status Infinity", "POST", "/_mock/config", {}, b'{"status": Infinity}', 400, "parse the JSON"),
    ("config fail_first 1e400", "POST", "/_mock/config", {}, b'{"fail_first": 1e400}', 400, "parse the JSON"),
    ("config fail_first huge", "POST", "/_mock/config", {}, b'{"fail_first": 1e300}', 400, "fail_first"),
    ("config nested 5,000 deep", "POST", "/_mock/config", {}, b'{"rules": ' + DEEP.encode() + b"}", 400, "nested"),
    ("config Retry-After with CRLF", "POST", "/_mock/config", {}, b'{"retry_after": "1\\r\\nx-evil: 1"}', 400,
     "retry_after"),
    ("config status 204", "POST", "/_mock/config", {}, b'{"status": 204}', 400, "status"),
    ("config rules not a list", "POST", "/_mock/config", {}, b'{"rules": "slow"}', 400, "rules"),
    ("config rule without a match", "POST", "/_mock/config", {}, b'{"rules": [{"behaviour": {}}]}', 400,
     "rules[0].match"),
    ("config rule with a bad behaviour", "POST", "/_mock/config", {}, b'{"rules": [{"match": "x", "behaviour": '
     b'{"latency_ms": -1}}]}', 400, "latency_ms"),
    ("config as a list", "POST", "/_mock/config", {}, b"[1]", 400, "JSON object"),
    # statuses that cannot carry an error body
    *[(f"x-mock-status {code}", "POST", CHAT, {**AUTH, "x-mock-status": str(code)}, chat(""), 400, "status")
      for code in (100, 101, 204, 304, 200, 99, 600)],
    ("x-mock-fail-status 302", "POST", CHAT, {**AUTH, "x-mock-fail-first": "1", "x-mock-fail-status": "302"}, chat(""),
     400, "fail_status"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "method", "path", "headers", "body", "status", "hint"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input_gets_an_openai_style_error(
    mock: MockServer,
    name: str,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes | None,
    status: int,
    hint: str,
) -> None:
    if path.startswith("/_mock/"):
        headers = {**headers, **mock.control_headers()}
    response = httpx2.request(method, mock.url + path, headers=headers, content=body, timeout=10)
    assert response.status_code == status
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert hint in f"{error['message']} {error['code']} {error['param']}"
    assert response.headers["x-request-id"].startswith("req_")
    assert_alive(mock)


def assert_alive(mock: MockServer) -> None:
    """The server still answers, never answered 500, and its stats are strict JSON."""
    assert httpx2.get(mock.base_url + "/models", headers=AUTH, timeout=5).status_code == 200
    raw = httpx2.get(mock.url + "/_mock/stats", headers=mock.control_headers(), timeout=5).content
    stats = json.loads(raw, parse_constant=lambda name: pytest.fail(f"stats contain {name}"))
    assert "500" not in stats["status_counts"]


def test_huge_body_gets_413_and_the_server_keeps_serving(mock: MockServer) -> None:
    huge = b'{"model": "m", "input": "' + b"x" * (9 * 1024 * 1024) + b'"}'
    response = httpx2.post(mock.base_url + "/embeddings", headers=AUTH, content=huge, timeout=10)
    assert response.status_code == 413 and "too large" in response.json()["error"]["message"]
    ok = httpx2.post(mock.base_url + "/embeddings", headers=AUTH, json={"model": "m", "input": "x"}, timeout=5)
    assert ok.status_code == 200


def test_wrong_method_says_which_method_is_allowed(mock: MockServer) -> None:
    response = httpx2.delete(mock.base_url + "/embeddings", headers=AUTH)
    assert response.status_code == 405 and response.headers["allow"] == "POST"


def test_forced_status_answers_have_the_error_shape_and_retry_headers(mock: MockServer) -> None:
    headers = {**AUTH, "x-mock-status": "429", "x-mock-retry-after": "2", "x-mock-retry-after-ms": "1500"}
    response = httpx2.post(mock.base_url + "/chat/completions", headers=headers, json={})
    assert response.status_code == 429
    assert (response.headers["retry-after"], response.headers["retry-after-ms"]) == ("2", "1500")
    error = response.json()["error"]
    assert (error["type"], error["code"]) == ("requests", "rate_limit_exceeded")


# -- raw HTTP: what an SDK will not send --------------------------------------------------------------
@pytest.fixture
def quick_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockServer]:
    """A mock in this process whose slow-client timeouts are short enough to test."""
    monkeypatch.setattr(protocol, "HEAD_TIMEOUT", 0.5)
    monkeypatch.setattr(protocol, "BODY_TIMEOUT", 0.5)
    monkeypatch.setattr(protocol, "IDLE_TIMEOUT", 0.5)
    monkeypatch.setattr(protocol, "CHECK_INTERVAL", 0.05)
    with MockServer(mode="thread") as mock:
        yield mock


def raw(mock: MockServer, *parts: bytes, pause: float = 0.0, half_close: bool = False) -> tuple[int, dict]:
    """Send `parts` (pausing between them), read the answer until the server closes: (status, JSON body)."""
    with socket.create_connection((mock.host, mock.port), timeout=10) as sock:
        for i, part in enumerate(parts):
            if i and pause:
                time.sleep(pause)
            sock.sendall(part)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    if not received:
        return 0, {}
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def head(path: str = CHAT, length: int = 0, extra: bytes = b"") -> bytes:
    return (
        (
            f"POST {path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer k\r\ncontent-type: application/json\r\n"
            f"content-length: {length}\r\n"
        ).encode()
        + extra
        + b"\r\n"
    )


def last_record(mock: MockServer) -> dict:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        stats = mock.stats()
        if stats.records and stats.in_flight == 0:
            return stats.records[-1].__dict__
        time.sleep(0.05)
    raise AssertionError("the request never finished")


def test_headers_over_64_kb_get_431(quick_guard: MockServer) -> None:
    status, body = raw(quick_guard, head(extra=b"x-big: " + b"a" * 1_000_000 + b"\r\n"))
    assert (status, body["error"]["type"]) == (431, "invalid_request_error")
    assert_alive(quick_guard)


def test_headers_sent_too_slowly_get_408(quick_guard: MockServer) -> None:
    status, body = raw(quick_guard, b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n", b"x-slow: 1\r\n", pause=1.0)
    assert status == 408 and "headers" in body["error"]["message"]
    assert_alive(quick_guard)


def test_a_body_sent_too_slowly_gets_408_and_is_recorded(quick_guard: MockServer) -> None:
    status, body = raw(quick_guard, head(length=100) + b'{"model":', b'"m"', pause=1.0)
    assert status == 408 and "body" in body["error"]["message"]
    record = last_record(quick_guard)
    assert (record["status"], record["outcome"]) == (408, "timed_out")
    assert_alive(quick_guard)


def test_a_silent_connection_is_closed(quick_guard: MockServer) -> None:
    with socket.create_connection((quick_guard.host, quick_guard.port), timeout=5) as sock:
        assert sock.recv(10) == b""  # closed by the server, not by our timeout
    assert quick_guard.stats().requests_total == 0


def test_a_client_leaving_mid_body_is_recorded_as_disconnected(quick_guard: MockServer) -> None:
    with socket.create_connection((quick_guard.host, quick_guard.port), timeout=5) as sock:
        sock.sendall(head(length=1000) + b'{"model": "m", ')
        time.sleep(0.1)
    record = last_record(quick_guard)
    assert (record["status"], record["outcome"]) == (None, "disconnected")


def test_a_body_that_never_finished_is_not_answered(quick_guard: MockServer) -> None:
    whole = b'{"model": "m", "messages": [{"role": "user", "content": "x"}]}'
    status, _ = raw(quick_guard, head(length=len(whole) + 50) + whole, half_close=True)
    assert status == 0
    record = last_record(quick_guard)
    assert (record["status"], record["outcome"]) == (None, "disconnected")


def test_invalid_http_gets_400_json(quick_guard: MockServer) -> None:
    status, body = raw(quick_guard, b"GARBAGE / NOTHTTP\r\n\r\n")
    assert status == 400 and body["error"]["type"] == "invalid_request_error"
    assert_alive(quick_guard)


def test_nan_timeouts_are_recorded_as_none_and_stats_stay_strict_json(mock: MockServer) -> None:
    headers = {**AUTH, "x-stainless-read-timeout": "nan", "x-stainless-timeout": "inf"}
    assert httpx2.post(mock.base_url + "/chat/completions", headers=headers, content=chat("")).status_code == 200
    record = mock.stats().records[0]
    assert (record.read_timeout, record.timeout) == (None, None)
    assert_alive(mock)


def test_a_million_embedding_inputs_do_not_block_the_server(mock: MockServer) -> None:
    body = orjson.dumps({"model": "m", "input": ["a"] * 10**6})
    started = time.monotonic()
    response = httpx2.post(mock.base_url + "/embeddings", headers=AUTH, content=body, timeout=30)
    assert response.status_code == 400 and time.monotonic() - started < 3
    assert_alive(mock)


def test_memory_stays_bounded_with_huge_fields_and_headers(mock: MockServer) -> None:
    """40 requests with a 4 MB model name, a 4 MB prompt and 60 KB headers: records keep a few hundred bytes."""
    assert mock.pid is not None
    process = psutil.Process(mock.pid)
    before = process.memory_info().rss
    big = {**AUTH, "x-client-tag": "t" * 30_000, "user-agent": "u" * 30_000}
    model = "m" * 4_000_000
    with httpx2.Client(timeout=30) as http:
        for i in range(40):
            body = {
                "model": model if i % 2 else "m",
                "messages": [{"role": "user", "content": f"{i}" + "p" * 4_000_000}],
            }
            response = http.post(mock.base_url + "/chat/completions", headers=big, content=orjson.dumps(body))
            assert response.status_code == (400 if i % 2 else 200)
    stats = httpx2.get(mock.url + "/_mock/stats", headers=mock.control_headers(), timeout=10)
    assert len(stats.content) < 100_000, len(stats.content)
    assert all(len(r["prompt"] or "") <= 200 and len(r["client_tag"]) <= 200 for r in stats.json()["records"])
    assert process.memory_info().rss - before < 40_000_000  # it was +226 MB before records were bounded
