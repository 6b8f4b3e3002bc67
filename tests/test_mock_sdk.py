"""The real openai SDK against the mock: every endpoint, streamed and not, sync and async, every transport,
all in strict response validation."""

from __future__ import annotations

import asyncio
import base64
import struct

import httpx
import httpx2
import openai
import pytest

from clientlab import MockServer, answer_for
from clientlab.mock.content import embedding_vector

MESSAGES = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hello lab"}]


def exercise_sync(client: openai.OpenAI) -> list[str]:
    """Call every endpoint once through a sync client; return the texts it got."""
    texts = [client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES).choices[0].message.content]
    stream = client.chat.completions.create(
        model="gpt-4o-mini", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0
    texts.append("".join(c.choices[0].delta.content or "" for c in chunks if c.choices))
    texts.append(client.responses.create(model="gpt-4o-mini", input="hello lab").output_text)
    with client.responses.stream(model="gpt-4o-mini", input="hello lab") as events:
        kinds = [e.type for e in events]
        texts.append(events.get_final_response().output_text)
    assert kinds[0] == "response.created" and kinds[-1] == "response.completed"
    raw = list(client.responses.create(model="gpt-4o-mini", input="hello lab", stream=True))
    texts.append(raw[-1].response.output_text)
    vectors = client.embeddings.create(model="text-embedding-3-small", input=["a", "b"])
    assert [len(d.embedding) for d in vectors.data] == [8, 8]
    assert client.embeddings.create(model="m", input="a", dimensions=4).data[0].embedding == pytest.approx(
        client.embeddings.create(model="m", input="a", dimensions=4, encoding_format="float").data[0].embedding
    )
    assert "gpt-4o-mini" in [m.id for m in client.models.list()]
    assert client.models.retrieve("gpt-4o-mini").owned_by == "clientlab-mock"
    return texts


async def exercise_async(client: openai.AsyncOpenAI) -> list[str]:
    """Call every endpoint once through an async client; return the texts it got."""
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    texts = [completion.choices[0].message.content]
    stream = await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True)
    texts.append("".join([c.choices[0].delta.content or "" async for c in stream if c.choices]))
    texts.append((await client.responses.create(model="gpt-4o-mini", input="hello lab")).output_text)
    async with client.responses.stream(model="gpt-4o-mini", input="hello lab") as events:
        async for _ in events:
            pass
        texts.append((await events.get_final_response()).output_text)
    raw = [e async for e in await client.responses.create(model="gpt-4o-mini", input="hello lab", stream=True)]
    texts.append(raw[-1].response.output_text)
    vectors = await client.embeddings.create(model="text-embedding-3-small", input="a")
    assert len(vectors.data[0].embedding) == 8
    assert len((await client.models.list()).data) >= 3
    return texts


def test_sync_client_default_httpx2_transport(mock: MockServer) -> None:
    with openai.OpenAI(base_url=mock.base_url, api_key="k", _strict_response_validation=True) as client:
        assert isinstance(client._client, httpx2.Client)
        assert exercise_sync(client) == [answer_for("hello lab")] * 5
    records = mock.stats().records
    assert {r.path for r in records} == {
        "/v1/chat/completions",
        "/v1/responses",
        "/v1/embeddings",
        "/v1/models",
        "/v1/models/gpt-4o-mini",
    }
    assert all(r.status == 200 and r.is_async is False for r in records)


def test_async_client_default_httpx2_transport(mock: MockServer) -> None:
    async def main() -> list[str]:
        async with openai.AsyncOpenAI(base_url=mock.base_url, api_key="k", _strict_response_validation=True) as c:
            return await exercise_async(c)

    assert asyncio.run(main()) == [answer_for("hello lab")] * 5
    assert all(r.is_async is True for r in mock.stats().records)


def test_legacy_httpx_clients_are_accepted(mock: MockServer) -> None:
    with openai.OpenAI(
        base_url=mock.base_url, api_key="k", http_client=httpx.Client(), _strict_response_validation=True
    ) as client:
        assert exercise_sync(client)[0] == answer_for("hello lab")

    async def main() -> list[str]:
        async with openai.AsyncOpenAI(
            base_url=mock.base_url, api_key="k", http_client=httpx.AsyncClient(), _strict_response_validation=True
        ) as c:
            return await exercise_async(c)

    assert asyncio.run(main())[1] == answer_for("hello lab")


def test_aiohttp_transport(mock: MockServer) -> None:
    async def main() -> list[str]:
        async with openai.AsyncOpenAI(
            base_url=mock.base_url,
            api_key="k",
            http_client=openai.DefaultAioHttpClient(),
            _strict_response_validation=True,
        ) as c:
            return await exercise_async(c)

    assert asyncio.run(main()) == [answer_for("hello lab")] * 5


def test_content_is_deterministic(client: openai.OpenAI) -> None:
    first = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    again = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    other = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "other"}])
    assert first.id == again.id != other.id
    assert first.created == again.created == 1_700_000_000
    assert first.usage is not None and first.usage.total_tokens == first.usage.prompt_tokens + 4


def test_recorder_fields(mock: MockServer, client: openai.OpenAI) -> None:
    client.with_options(timeout=7.5).chat.completions.create(
        model="gpt-4o-mini", messages=MESSAGES, extra_headers={"x-client-tag": "lesson-1"}
    )
    (record,) = mock.stats().records
    assert (record.method, record.path, record.model, record.stream) == (
        "POST",
        "/v1/chat/completions",
        "gpt-4o-mini",
        False,
    )
    assert (record.read_timeout, record.retry_count, record.client_tag) == (7.5, 0, "lesson-1")
    assert record.user_agent.startswith("OpenAI/Python") and record.conn is not None
    assert 0 <= record.start <= record.end


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "loose"])
def test_python_sdk_embeddings_default_to_base64_and_get_floats(mock: MockServer, strict: bool) -> None:
    """openai-python asks for base64 unless told otherwise; in strict mode it could not take base64 back."""
    with openai.OpenAI(base_url=mock.base_url, api_key="k", _strict_response_validation=strict) as client:
        default = client.embeddings.create(model="m", input=["alpha", "beta"]).data
        floats = client.embeddings.create(model="m", input=["alpha", "beta"], encoding_format="float").data
    assert (
        [d.embedding for d in default]
        == [d.embedding for d in floats]
        == [embedding_vector(t, 8) for t in ("alpha", "beta")]
    )


def test_other_clients_get_base64_when_they_ask(mock: MockServer) -> None:
    body = {"model": "m", "input": ["alpha"], "encoding_format": "base64", "dimensions": 4}
    for lang in ("js", None):
        headers = {"Authorization": "Bearer k", **({"x-stainless-lang": lang} if lang else {})}
        vector = httpx2.post(mock.base_url + "/embeddings", headers=headers, json=body).json()["data"][0]["embedding"]
        assert list(struct.unpack("<4f", base64.b64decode(vector))) == embedding_vector("alpha", 4)
    python = {"Authorization": "Bearer k", "x-stainless-lang": "python"}
    floats = httpx2.post(mock.base_url + "/embeddings", headers=python, json=body).json()["data"][0]["embedding"]
    assert floats == embedding_vector("alpha", 4)


def test_errors_carry_the_request_id_and_the_apis_codes(mock: MockServer, client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, temperature=99)
    error = info.value
    assert (error.code, error.param, error.type) == ("decimal_above_max_value", "temperature", "invalid_request_error")
    assert error.request_id is not None and error.request_id == mock.stats().records[0].request_id
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "wizard", "content": "x"}])
    assert (info.value.code, info.value.param) == ("invalid_value", "messages[0].role")
    with pytest.raises(openai.RateLimitError) as info:
        client.with_options(max_retries=0).responses.create(input="x", extra_headers={"x-mock-status": "429"})
    assert info.value.code == "rate_limit_exceeded"


def test_a_wrong_method_on_a_known_path_is_answered_as_the_api_does(mock: MockServer) -> None:
    response = httpx2.get(mock.base_url + "/chat/completions", headers={"Authorization": "Bearer k"})
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert response.json()["error"]["message"].startswith("Invalid method for URL (GET /v1/chat/completions)")
    assert response.headers["x-request-id"].startswith("req_")


def test_responses_need_no_model(client: openai.OpenAI) -> None:
    """Every field of a response request is optional in the API's schema (a stored prompt can carry them)."""
    assert client.responses.create().output_text == answer_for("")
    assert client.responses.create(input="hi").model == "gpt-4o-mini"


def test_a_stream_dropped_mid_body_reaches_the_loop_without_a_retry(mock: MockServer) -> None:
    """`drop_after_chunks`: the stream starts (200, three events), then the connection closes mid-body; the SDK
    raises in the loop and does not retry, and the mock records the drop and what it had sent."""
    mock.reset()
    client = openai.OpenAI(base_url=mock.base_url, api_key="sk-mock", max_retries=2)
    got, raised = 0, None
    try:
        for _ in client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "one two three four five"}],
            stream=True,
            extra_headers={"x-mock-drop-after-chunks": "3"},
        ):
            got += 1
    except openai.APIConnectionError as exc:
        raised = exc
    assert got == 3 and type(raised) is openai.APIConnectionError
    assert type(raised.__cause__) is httpx2.RemoteProtocolError
    records = mock.settled_stats().records
    assert [(r.outcome, r.chunks_sent) for r in records] == [("dropped", 3)]
    assert client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    client.close()
