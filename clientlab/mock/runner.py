"""`MockServer`: start the mock for a notebook cell, a test or a script, and read what it saw.

By default the server runs in its own process, so the numbers a lesson shows are not distorted by
sharing the interpreter (and its GIL) with the code under test. `mode="thread"` runs it in a thread of
this process where a process is overkill.
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import shutil
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path
from typing import Any, Literal

from ..procs.service import Service, ServiceError
from ..procs.service import stop as stop_service
from .app import MockApp
from .controls import Behaviour
from .recorder import Recorder
from .server import bind_socket, build_server, run_until_stopped
from .stats import Stats
from .tls import TLSFiles, client_ssl_context, make_tls_files

MOCK_API_KEY = "mock-key"
"""The key `MockServer.env()` puts in OPENAI_API_KEY: the mock accepts any bearer token."""


class MockServerError(RuntimeError):
    """The mock server could not start, or a control call failed."""


class MockServer:
    """The local mock OpenAI server as a context manager.

    >>> with MockServer(latency_ms=50) as mock:
    ...     client = OpenAI(base_url=mock.base_url, api_key="anything")
    ...     client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    ...     mock.stats().connections_opened
    1

    Keyword arguments are the server-wide behaviour settings (the registry in `clientlab.mock.controls`),
    e.g. `latency_ms=50`, `rules=[...]`, `client_controls=False`; most can be overridden per request with
    an `x-mock-*` header. `set_env=True` points a plain `OpenAI()` at the mock (OPENAI_BASE_URL,
    OPENAI_API_KEY) until the server stops.

    Every server gets a random control token (`control_token`): its `/_mock/*` calls need it, and this
    object sends it with `stats()`, `reset()` and `configure()`, so code under test cannot reset the counts
    or change the behaviour. The token reaches a server process through its stdin.
    """

    def __init__(
        self,
        *,
        mode: Literal["process", "thread"] = "process",
        host: str = "127.0.0.1",
        port: int = 0,
        tls: bool = False,
        set_env: bool = False,
        startup_timeout: float = 30.0,
        **behaviour: Any,
    ) -> None:
        if mode not in ("process", "thread"):
            raise ValueError("mode must be 'process' or 'thread'")
        self.behaviour = Behaviour().updated(behaviour)
        self.control_token = secrets.token_urlsafe(24)
        self.mode = mode
        self.host = host
        self.tls = tls
        self.set_env = set_env
        self.startup_timeout = startup_timeout
        self.port = port
        self.pid: int | None = None
        self.ca_path: str | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self._thread_server: Any = None
        self._saved_env: dict[str, str | None] = {}
        self._ssl: ssl.SSLContext | None = None
        self._finalizer: weakref.finalize | None = None

    # -- lifecycle ----------------------------------------------------------------------------------
    def start(self) -> MockServer:
        """Start the server; returns once it accepts connections."""
        if self.running:
            return self
        if self.mode == "process":
            self._start_process()
        else:
            self._start_thread()
        self._finalizer = weakref.finalize(self, _stop_quietly, self._proc, self._thread_server, self._thread)
        atexit.register(self.stop)
        if self.set_env:
            self._saved_env = {k: os.environ.get(k) for k in ("OPENAI_BASE_URL", "OPENAI_API_KEY")}
            os.environ.update(self.env())
        return self

    def stop(self) -> None:
        """Stop the server (idempotent); restores the environment `set_env` changed."""
        atexit.unregister(self.stop)
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env = {}
        if self._finalizer is not None:
            self._finalizer()
        if self.ca_path:  # the throwaway CA's folder (the server process removes it too, if it can)
            shutil.rmtree(Path(self.ca_path).parent, ignore_errors=True)
        self._proc = None
        self._thread = None
        self._thread_server = None

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        if self._proc is not None:
            return self._proc.poll() is None
        return self._thread is not None and self._thread.is_alive()

    def _start_process(self) -> None:
        cmd = [sys.executable, "-m", "clientlab.mock.server", "--host", self.host, "--port", str(self.port)]
        cmd += ["--settings-on-stdin", *(["--tls"] if self.tls else [])]
        service = Service(cmd, {"behaviour": self.behaviour.to_dict(), "control_token": self.control_token})
        try:
            info = service.start(self.startup_timeout)
        except ServiceError as exc:
            raise MockServerError(f"the mock server did not start: {exc}") from None
        self._proc = service.proc
        self.port, self.pid, self.ca_path = info["port"], info["pid"], info["ca_path"]

    def _start_thread(self) -> None:
        import asyncio

        tls_files: TLSFiles | None = make_tls_files() if self.tls else None
        app = MockApp(Recorder(), self.behaviour, self.control_token)
        sock = bind_socket(self.host, self.port)
        self.port, self.pid = sock.getsockname()[1], os.getpid()
        self.ca_path = str(tls_files.ca_path) if tls_files else None
        server = build_server(app, tls_files)
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(run_until_stopped(server, sock, ready.set))
            except BaseException as exc:  # reported to the starting thread
                failure.append(exc)
                ready.set()

        self._thread_server = server
        self._thread = threading.Thread(target=run, name="clientlab-mock", daemon=True)
        self._thread.start()
        if not ready.wait(self.startup_timeout) or failure:
            raise MockServerError(f"the mock server did not start in a thread: {failure[:1]}")

    # -- addresses and client settings ---------------------------------------------------------------
    @property
    def url(self) -> str:
        """The server's root URL, e.g. http://127.0.0.1:PORT."""
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What the SDK's `base_url` (or OPENAI_BASE_URL) should be: the URL with `/v1`."""
        return self.url + "/v1"

    def env(self) -> dict[str, str]:
        """Environment variables that make a plain `OpenAI()` talk to this server."""
        return {"OPENAI_BASE_URL": self.base_url, "OPENAI_API_KEY": MOCK_API_KEY}

    def ssl_context(self) -> ssl.SSLContext:
        """With `tls=True`: a context trusting the throwaway CA, for `DefaultHttpxClient(verify=...)`."""
        if not self.ca_path:
            raise MockServerError("this server was started without tls=True")
        return client_ssl_context(self.ca_path)

    # -- the control plane ----------------------------------------------------------------------------
    def stats(self, records: bool = True) -> Stats:
        """What the server saw since the last reset (`records=False` skips the per-request log)."""
        return Stats.from_dict(self._control("GET", "/_mock/stats" + ("" if records else "?records=0")))

    def settled_stats(self, wait: float = 5.0) -> Stats:
        """The stats once no request is in flight any more (a request the client gave up on is recorded when
        the server notices the hang-up), or after `wait` seconds."""
        deadline = time.monotonic() + wait
        while True:
            stats = self.stats()
            if stats.in_flight <= 0 or time.monotonic() > deadline:
                return stats
            time.sleep(0.02)

    def reset(self) -> None:
        """Zero the counters and forget the records (open connections stay open)."""
        self._control("POST", "/_mock/reset")

    def configure(self, **changes: Any) -> dict[str, Any]:
        """Change server-wide behaviour settings while running (e.g. `rules=[...]`); returns them all."""
        return self._control("POST", "/_mock/config", changes)

    def control_headers(self) -> dict[str, str]:
        """The header that lets a raw HTTP call use this server's control plane."""
        return {"x-mock-control-token": self.control_token}

    def _control(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        if not self.running:
            raise MockServerError("the mock server is not running (use it inside `with MockServer() as mock:`)")
        data = json.dumps(body).encode() if body is not None else (b"{}" if method == "POST" else None)
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"content-type": "application/json", **self.control_headers()},
        )
        if self.tls and self._ssl is None:
            self._ssl = self.ssl_context()
        try:
            with urllib.request.urlopen(request, timeout=10, context=self._ssl) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as err:
            raise MockServerError(f"{method} {path}: {err.code} {err.read().decode(errors='replace')}") from None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"MockServer({self.url}, mode={self.mode!r}, {state})"


def _stop_quietly(proc: subprocess.Popen[bytes] | None, server: Any, thread: threading.Thread | None) -> None:
    if proc is not None:
        stop_service(proc)
    if server is not None:
        server.should_exit = True
        if thread is not None:
            thread.join(timeout=5)
