"""Running the mock: its own process by default, a thread on request; nothing is left running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import httpx2
import openai
import psutil
import pytest

from clientlab import MockServer

ASK = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


def wait_gone(pid: int, seconds: float = 8) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.05)
    return False


def test_process_mode_runs_elsewhere_and_stops_on_exit() -> None:
    with MockServer() as mock:
        assert mock.pid != os.getpid() and mock.running
        assert mock.url.startswith("http://127.0.0.1:") and mock.base_url.endswith("/v1")
        pid = mock.pid
    assert wait_gone(pid) and not mock.running
    with pytest.raises(httpx2.ConnectError):
        httpx2.get(mock.url + "/_mock/health", timeout=2)


def test_thread_mode_runs_in_this_process() -> None:
    with MockServer(mode="thread") as mock:
        assert mock.pid == os.getpid()
        openai.OpenAI(base_url=mock.base_url, api_key="k").chat.completions.create(**ASK)
        assert mock.stats().requests_total == 1
    assert not mock.running


def test_two_servers_get_different_free_ports() -> None:
    with MockServer(mode="thread") as a, MockServer(mode="thread") as b:
        assert a.port != b.port and a.port > 0


def test_set_env_points_a_plain_client_at_the_mock_and_restores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "before")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with MockServer(set_env=True) as mock:
        answer = openai.OpenAI().chat.completions.create(**ASK)
        assert answer.choices[0].message.content == "You said: hi"
        assert os.environ["OPENAI_BASE_URL"] == mock.base_url
    assert os.environ["OPENAI_API_KEY"] == "before" and "OPENAI_BASE_URL" not in os.environ


def test_killed_parent_leaves_no_server_behind(tmp_path: os.PathLike[str]) -> None:
    script = textwrap.dedent("""
        import sys, time
        from clientlab import MockServer
        mock = MockServer().start()
        print(mock.pid, flush=True)
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        child_pid = int(parent.stdout.readline())  # type: ignore[union-attr]
        assert psutil.pid_exists(child_pid)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=5)
        assert wait_gone(child_pid), "the mock server outlived its killed parent"
    finally:
        parent.kill()


def test_stalled_requests_do_not_keep_the_server_alive() -> None:
    with MockServer(stall=True) as mock:
        client = openai.OpenAI(base_url=mock.base_url, api_key="k", max_retries=0, timeout=0.2)
        with pytest.raises(openai.APITimeoutError):
            client.chat.completions.create(**ASK)
        pid = mock.pid
        started = time.monotonic()
    assert wait_gone(pid) and time.monotonic() - started < 8


@pytest.mark.parametrize("mode", ["process", "thread"])
def test_tls_with_a_throwaway_ca(mode: str) -> None:
    with MockServer(tls=True, mode=mode) as mock:  # type: ignore[arg-type]
        assert mock.base_url.startswith("https://")
        http_client = openai.DefaultHttpxClient(verify=mock.ssl_context())
        client = openai.OpenAI(base_url=mock.base_url, api_key="k", http_client=http_client)
        assert client.chat.completions.create(**ASK).choices[0].message.content == "You said: hi"
        with pytest.raises(openai.APIConnectionError):  # untrusted by default
            openai.OpenAI(base_url=mock.base_url, api_key="k", max_retries=0).chat.completions.create(**ASK)
        assert mock.stats().connections_opened >= 1


def test_cli_serve_prints_its_address_and_serves() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "clientlab", "serve", "--latency-ms", "5"], stdout=subprocess.PIPE, text=True
    )
    try:
        first = proc.stdout.readline()  # type: ignore[union-attr]
        assert "http://127.0.0.1:" in first
        base_url = first.split(" on ")[1].split()[0]
        client = openai.OpenAI(base_url=base_url, api_key="anything")
        assert client.chat.completions.create(**ASK).choices[0].message.content == "You said: hi"
        stats = httpx2.get(base_url.removesuffix("/v1") + "/_mock/stats").json()
        assert stats["requests_total"] == 1 and stats["records"][0]["read_timeout"] == 600.0
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0


def test_cli_serve_rejects_a_bad_setting_clearly() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "clientlab", "serve", "--latency-ms", "soon"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2 and "Invalid value 'soon' for mock setting latency_ms" in result.stderr


def test_cli_serve_applies_every_behaviour_flag() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "clientlab",
            "serve",
            "--fail-first",
            "1",
            "--fail-status",
            "503",
            "--retry-after-ms",
            "10",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        base_url = proc.stdout.readline().split(" on ")[1].split()[0]  # type: ignore[union-attr]
        openai.OpenAI(base_url=base_url, api_key="k").chat.completions.create(**ASK)
        stats = httpx2.get(base_url.removesuffix("/v1") + "/_mock/stats").json()
        assert [r["status"] for r in stats["records"]] == [503, 200]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
