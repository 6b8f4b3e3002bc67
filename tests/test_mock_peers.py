"""Clients nobody here wrote, against the mock: openai-python's own tests and the official Node SDK.

The first run downloads the pinned peers into `.cache/peers/` (PyPI and npm must be reachable: without
them these tests fail and say why); later runs take a few seconds.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import struct
import subprocess

import httpx2
import pytest
from mock_peers import (
    NODE_CLIENT,
    SAMPLE,
    PeerUnavailable,
    openai_node_package,
    run_openai_python_tests,
    serve,
    summary_counts,
)

from clientlab import answer_for
from clientlab.mock.content import embedding_vector


def test_openai_python_api_resources_sample_passes() -> None:
    try:
        with serve() as base_url:
            result = run_openai_python_tests(base_url, SAMPLE)
    except PeerUnavailable as exc:
        pytest.fail(str(exc))
    counts = summary_counts(result.stdout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    expected = sum(3 if "::TestAsync" in test else 2 for test in SAMPLE)  # loose and strict, + aiohttp when async
    assert counts == {"passed": expected}, counts


def test_official_node_sdk_against_the_mock() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    try:
        package = openai_node_package()
    except PeerUnavailable as exc:
        pytest.fail(str(exc))
    with serve() as base_url:
        env = {**os.environ, "OPENAI_SDK_DIR": str(package), "MOCK_BASE_URL": base_url}
        result = subprocess.run([node, str(NODE_CLIENT)], capture_output=True, text=True, env=env, timeout=60)
        assert result.returncode == 0, result.stderr[-3000:]
        got = json.loads(result.stdout)
        records = httpx2.get(base_url.removesuffix("/v1") + "/_mock/stats").json()["records"]
    said = answer_for("hello from node")
    assert got["chat"] == got["chat_stream"] == got["response"] == said
    assert got["response_stream"] == {"first": "response.created", "last": "response.completed", "text": said}
    expected = [embedding_vector(text, 8) for text in ("alpha", "beta")]
    assert got["embeddings_default"] == got["embeddings_float"] == expected  # default: base64, decoded by the SDK
    decoded = [list(struct.unpack("<8f", base64.b64decode(v))) for v in got["embeddings_base64"]]
    assert decoded == expected
    assert "gpt-4o-mini" in got["models"] and got["model"] == "gpt-4o-mini"
    assert got["rate_limited"]["status"] == 429 and got["rate_limited"]["code"] == "rate_limit_exceeded"
    assert got["unknown_model"]["status"] == 404 and got["unknown_model"]["code"] == "model_not_found"
    assert (got["bad_temperature"]["status"], got["bad_temperature"]["code"]) == (400, "decimal_above_max_value")
    by_request_id = {r["request_id"]: r for r in records}
    first = by_request_id[got["chat_request_id"]]  # the SDK's request id is the mock's record id
    assert first["timeout"] == 42.0 and first["user_agent"].startswith("OpenAI/JS")
    assert got["rate_limited"]["requestID"] in by_request_id
