"""Behaviour controls: one registry behind the CLI, the headers, the config endpoint and the README; the
controls lessons and graders need (should-retry, redirect, attempt grouping, rules, client controls, the
control token)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import openai
import psutil
import pytest

from clientlab import MockServer, answer_for
from clientlab.cli import build_parser
from clientlab.mock.controls import SETTINGS, Behaviour, markdown_table

ROOT = Path(__file__).resolve().parents[1]
AUTH = {"Authorization": "Bearer k"}


def ask(text: str = "hello") -> dict:
    return {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}]}


# -- one registry ------------------------------------------------------------------------------------
def test_readme_table_of_controls_is_the_registry() -> None:
    assert markdown_table() in (ROOT / "README.md").read_text(), "paste clientlab.mock.controls.markdown_table()"


def test_every_setting_is_a_cli_flag_a_config_key_and_a_field() -> None:
    serve = next(a for a in build_parser()._subparsers._group_actions[0].choices.values() if a.prog.endswith("serve"))
    flags = {flag for action in serve._actions for flag in action.option_strings}
    assert {s.flag for s in SETTINGS} <= flags
    assert [s.name for s in SETTINGS] == list(Behaviour().to_dict())
    assert all(s.header == "x-mock-" + s.name.replace("_", "-") for s in SETTINGS if s.per_request)


def test_config_endpoint_shows_and_changes_every_setting(mock: MockServer) -> None:
    shown = mock.configure(latency_ms=5, should_retry=False, attempts_by="body")
    assert list(shown) == [s.name for s in SETTINGS]
    assert (shown["latency_ms"], shown["should_retry"], shown["attempts_by"]) == (5.0, False, "body")


def test_server_wide_only_settings_cannot_come_from_a_header(mock: MockServer) -> None:
    headers = {**AUTH, "x-mock-client-controls": "false", "x-mock-status": "503"}
    response = httpx2.post(mock.base_url + "/chat/completions", headers=headers, json=ask())
    assert response.status_code == 503  # x-mock-client-controls is no header: it is ignored, not obeyed


# -- should-retry and redirect ------------------------------------------------------------------------
def test_should_retry_false_stops_the_sdk_from_retrying_a_500(mock: MockServer, client: openai.OpenAI) -> None:
    with pytest.raises(openai.InternalServerError) as info:
        client.chat.completions.create(**ask(), extra_headers={"x-mock-status": "500", "x-mock-should-retry": "false"})
    assert info.value.response.headers["x-should-retry"] == "false"
    assert mock.stats().requests_total == 1


def test_should_retry_true_makes_the_sdk_retry_a_400(mock: MockServer, client: openai.OpenAI) -> None:
    headers = {"x-mock-status": "400", "x-mock-should-retry": "true", "x-mock-retry-after-ms": "10"}
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(**ask(), extra_headers=headers)
    assert [r.retry_count for r in mock.stats().records] == [0, 1, 2]


def test_redirect_is_answered_once_and_the_followed_request_recorded(mock: MockServer, client: openai.OpenAI) -> None:
    answer = client.chat.completions.create(**ask("follow me"), extra_headers={"x-mock-redirect": "true"})
    assert answer.choices[0].message.content == answer_for("follow me")
    first, followed = mock.stats().records
    assert (first.status, first.redirected, followed.status, followed.redirected) == (307, False, 200, True)
    assert followed.path == first.path and followed.prompt == "follow me"


def test_a_client_that_does_not_follow_redirects_leaves_no_redirected_record(mock: MockServer) -> None:
    response = httpx2.post(
        mock.base_url + "/embeddings?x=1", headers={**AUTH, "x-mock-redirect": "1"}, json={"model": "m", "input": "a"}
    )
    assert response.status_code == 307
    assert response.headers["location"] == "/v1/embeddings?x=1&mock_redirected=0"
    assert [r.redirected for r in mock.stats().records] == [False]


# -- attempts -----------------------------------------------------------------------------------------
def test_a_framework_retrying_with_fresh_calls_needs_attempts_by_body(mock: MockServer, client: openai.OpenAI) -> None:
    """Each fresh SDK call says retry count 0, so `auto` sees first attempts only; `body` groups them."""
    once = client.with_options(max_retries=0)
    for _ in range(2):
        with pytest.raises(openai.InternalServerError):
            once.chat.completions.create(**ask("fresh"), extra_headers={"x-mock-fail-first": "1"})
    headers = {"x-mock-fail-first": "1", "x-mock-attempts-by": "body"}
    with pytest.raises(openai.InternalServerError):
        once.chat.completions.create(**ask("grouped"), extra_headers=headers)
    assert once.chat.completions.create(**ask("grouped"), extra_headers=headers).choices
    assert [(r.attempt, r.status) for r in mock.stats().records] == [(0, 500), (0, 500), (0, 500), (1, 200)]


# -- rules --------------------------------------------------------------------------------------------
def test_a_rule_slows_only_the_call_it_matches() -> None:
    rules = [{"match": "the slow one", "behaviour": {"latency_ms": 400}}]
    with MockServer(rules=rules) as mock, openai.OpenAI(base_url=mock.base_url, api_key="k") as client:
        for text in ("a quick one", "this is the slow one", "another quick one"):
            client.chat.completions.create(**ask(text))
        durations = {r.prompt: r.duration for r in mock.stats().records}
    assert durations["this is the slow one"] >= 0.4
    assert durations["a quick one"] < 0.3 and durations["another quick one"] < 0.3


def test_a_rule_for_attempt_0_fails_it_and_the_retry_succeeds(mock: MockServer, client: openai.OpenAI) -> None:
    mock.configure(rules=[{"match": "flaky", "attempts": [0], "behaviour": {"status": 503, "retry_after_ms": "10"}}])
    assert client.chat.completions.create(**ask("a flaky call")).choices[0].message.content
    client.chat.completions.create(**ask("a steady call"))
    assert [(r.prompt, r.attempt, r.status) for r in mock.stats().records] == [
        ("a flaky call", 0, 503),
        ("a flaky call", 1, 200),
        ("a steady call", 0, 200),
    ]


def test_rules_match_paths_and_embedding_input_and_win_over_headers(mock: MockServer, client: openai.OpenAI) -> None:
    mock.configure(
        rules=[
            {"match": "x", "paths": ["/v1/embeddings"], "behaviour": {"status": 429, "should_retry": False}},
            {"match": "", "behaviour": {"latency_ms": 0}},
        ]
    )
    with pytest.raises(openai.RateLimitError):
        client.embeddings.create(model="m", input="x marks")
    client.chat.completions.create(**ask("x marks"), extra_headers={"x-mock-latency-ms": "2000"})
    records = mock.stats().records
    assert [(r.path, r.status) for r in records] == [("/v1/embeddings", 429), ("/v1/chat/completions", 200)]
    assert records[1].duration < 1.5  # the second rule (match anything) overrode the client's latency header


def test_a_rule_matches_anywhere_in_a_long_prompt(mock: MockServer, client: openai.OpenAI) -> None:
    mock.configure(rules=[{"match": "needle", "behaviour": {"status": 418}}])
    with pytest.raises(openai.APIStatusError) as info:
        client.chat.completions.create(**ask("hay " * 300 + "needle"))
    assert info.value.status_code == 418
    assert "needle" not in (mock.stats().records[0].prompt or "")  # the record keeps only the first 200 characters


def test_rules_can_be_set_through_the_config_endpoint(mock: MockServer) -> None:
    rule = {"match": "stall me", "attempts": [0, 1], "paths": ["/v1/responses"], "behaviour": {"stall": True}}
    response = httpx2.post(mock.url + "/_mock/config", headers=mock.control_headers(), json={"rules": [rule]})
    assert response.json()["rules"] == [rule]
    with openai.OpenAI(base_url=mock.base_url, api_key="k", timeout=0.3, max_retries=0) as client:
        with pytest.raises(openai.APITimeoutError):
            client.responses.create(model="m", input="please stall me")
        assert client.responses.create(model="m", input="do not stall").output_text


# -- who may control the mock ---------------------------------------------------------------------------
def test_client_controls_off_ignores_the_clients_headers_and_says_so() -> None:
    with MockServer(client_controls=False, mode="thread") as mock:
        with openai.OpenAI(base_url=mock.base_url, api_key="k", max_retries=0) as client:
            client.chat.completions.create(**ask(), extra_headers={"x-mock-status": "500"})
            client.chat.completions.create(**ask())
        first, second = mock.stats().records
    assert (first.status, first.mock_headers_ignored, second.mock_headers_ignored) == (200, True, False)


def test_the_control_plane_needs_the_servers_token(mock: MockServer) -> None:
    for headers in ({}, {"x-mock-control-token": "guess"}):
        for method, path in (("GET", "/_mock/stats"), ("POST", "/_mock/reset"), ("POST", "/_mock/config")):
            response = httpx2.request(method, mock.url + path, headers=headers, json={"status": 500})
            assert response.status_code == 403
            assert response.json()["error"]["code"] == "invalid_control_token"
    assert mock.configure()["status"] is None  # nothing changed
    assert httpx2.get(mock.url + "/_mock/health", headers=mock.control_headers()).json() == {"ok": True}


def test_the_token_reaches_the_server_process_through_stdin_only(mock: MockServer) -> None:
    assert mock.pid is not None and len(mock.control_token) >= 24
    child = psutil.Process(mock.pid)
    assert mock.control_token not in " ".join(child.cmdline())
    assert mock.control_token not in " ".join(f"{k}={v}" for k, v in child.environ().items())


def test_cli_serve_has_no_token_unless_given_one() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "clientlab", "serve", "--control-token", "s3cret"], stdout=subprocess.PIPE, text=True
    )
    try:
        first = proc.stdout.readline()  # type: ignore[union-attr]
        url = re.search(r"http://[\d.:]+", first).group(0)  # type: ignore[union-attr]
        assert httpx2.get(url + "/_mock/stats").status_code == 403
        assert httpx2.get(url + "/_mock/stats", headers={"x-mock-control-token": "s3cret"}).status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)


def test_cli_serve_takes_rules_as_json() -> None:
    rules = '[{"match": "x", "behaviour": {"status": 418}}]'
    result = subprocess.run(
        [sys.executable, "-m", "clientlab", "serve", "--rules", rules, "--status", "99"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "status" in result.stderr  # 99 is out of range; rules parsed first
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "clientlab", "serve", "--rules", '[{"match": 1}]'], capture_output=True, text=True
    )
    assert result.returncode == 2 and "rules[0].match" in result.stderr and time.monotonic() - started < 30
