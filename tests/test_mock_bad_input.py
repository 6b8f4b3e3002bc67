"""Bad input never crashes the mock and never gets a 500: each case gets a 4xx with OpenAI's error shape."""

from __future__ import annotations

import httpx2
import pytest

from clientlab import MockServer

AUTH = {"Authorization": "Bearer k"}
CHAT = "/v1/chat/completions"

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
]


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
    response = httpx2.request(method, mock.url + path, headers=headers, content=body, timeout=5)
    assert response.status_code == status
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert hint in (error["message"] + " " + str(error["param"]))
    assert mock.stats().status_counts.get("500") is None


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
