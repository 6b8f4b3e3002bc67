"""AppServer runs a learner's ASGI app in its own uvicorn process and reports failures in the learner's terms."""

from __future__ import annotations

import json
import os
import time
import urllib.request
from pathlib import Path

import pytest

from clientlab.grading.app_server import AppServer, AppServerError

HELLO = """
import os

print("hello from the app's import")


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = os.environ.get("GREETING", "none").encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})
"""

LIFESPAN_FAILS = """
from contextlib import asynccontextmanager

from fastapi import FastAPI


@asynccontextmanager
async def lifespan(app):
    raise RuntimeError("no client today")
    yield


app = FastAPI(lifespan=lifespan)
"""

BLOCKED = """
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/block")
async def block():
    time.sleep(60)
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def get(url: str, timeout: float = 5) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode()


def test_serves_a_file_with_its_env_and_keeps_its_output(tmp_path: Path) -> None:
    path = write(tmp_path, "hello.py", HELLO)
    with AppServer(path, env={"GREETING": "hi there"}) as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert get(server.url + "/") == "hi there"
        assert server.pid != os.getpid()
    assert "hello from the app's import" in server.output
    assert not server.running


def test_serves_module_attribute_targets() -> None:
    with AppServer("clientlab.lessons.fastapi_variants:async_client_app", env={"OPENAI_API_KEY": "x"}) as server:
        assert json.loads(get(server.url + "/openapi.json"))["paths"]


@pytest.mark.parametrize(
    ("text", "kind", "message", "line"),
    [
        ("from fastapi import FastAPI\napi = FastAPI()\n", "missing", "has no `app`", None),
        ("app = 42\n", "missing", "not an ASGI app", None),
        ("import os\nraise ValueError('broken on import')\n", "import", "ValueError: broken on import", 2),
        ("def f(:\n    pass\n", "syntax", "SyntaxError", 1),
        (LIFESPAN_FAILS, "startup", "RuntimeError: no client today", 9),
    ],
    ids=["missing", "not-asgi", "import-error", "syntax-error", "lifespan-fails"],
)
def test_failures_are_reported_in_the_learners_terms(
    tmp_path: Path, text: str, kind: str, message: str, line: int | None
) -> None:
    path = write(tmp_path, "learner.py", text)
    server = AppServer(path)
    with pytest.raises(AppServerError) as caught:
        server.start()
    server.close()  # removes the sandbox's folders
    error = caught.value.error
    assert (error.kind, error.line) == (kind, line), error
    assert message in error.message


def test_stop_kills_an_app_whose_event_loop_is_blocked(tmp_path: Path) -> None:
    path = write(tmp_path, "blocked.py", BLOCKED)
    server = AppServer(path).start()
    with pytest.raises(OSError):
        get(server.url + "/block", timeout=0.5)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 3
    assert not server.running
    with pytest.raises(ProcessLookupError):
        os.kill(server.pid or 0, 0)
    server.close()


HOLDS_A_SOCKET = """
import os
import socket
from contextlib import asynccontextmanager

from fastapi import FastAPI

left_open = []


@asynccontextmanager
async def lifespan(app):
    left_open.append(socket.create_connection(("127.0.0.1", int(os.environ["PEER_PORT"]))))
    yield
    print("shutdown ran", flush=True)


app = FastAPI(lifespan=lifespan)
"""

SHUTDOWN_FAILS = """
import asyncio
from contextlib import asynccontextmanager

from fastapi import FastAPI


@asynccontextmanager
async def lifespan(app):
    yield
    {body}


app = FastAPI(lifespan=lifespan)
"""


def test_a_graceful_stop_with_hold_runs_the_shutdown_and_keeps_the_process_and_its_sockets(tmp_path: Path) -> None:
    """What the app left open is still open after its shutdown, until close(): a grader can count it."""
    import socket

    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(10)
        port = listener.getsockname()[1]
        path = write(tmp_path, "holds.py", HOLDS_A_SOCKET)
        server = AppServer(path, env={"PEER_PORT": str(port)}, hold=True).start()
        try:
            peer, _ = listener.accept()
            with peer:
                done = server.shutdown(timeout=10)
                assert (done.finished, done.error) == (True, None)
                assert server.running and "shutdown ran" in server.output
                os.kill(server.pid or 0, 0)  # alive
                peer.settimeout(0.3)
                with pytest.raises(TimeoutError):
                    peer.recv(1)  # still connected: no end of file
                server.close()
                peer.settimeout(5)
                assert peer.recv(1) == b""  # the process's exit closed it
        finally:
            server.close()
    assert not server.running


@pytest.mark.parametrize(
    ("body", "finished", "message"),
    [
        ("raise RuntimeError('no close today')", True, "RuntimeError: no close today"),
        ("await asyncio.Event().wait()", False, None),
    ],
    ids=["raises", "hangs"],
)
def test_a_shutdown_that_raises_or_hangs_is_reported(
    tmp_path: Path, body: str, finished: bool, message: str | None
) -> None:
    path = write(tmp_path, "fails.py", SHUTDOWN_FAILS.format(body=body))
    with AppServer(path, hold=True) as server:
        started = time.monotonic()
        done = server.shutdown(timeout=1.5)
        assert time.monotonic() - started < 5
        assert done.finished is finished
        if message is None:
            assert done.error is None
        else:
            assert done.error is not None and message in done.error.message, done.error
            assert (done.error.kind, done.error.line) == ("shutdown", 11)
    assert not server.running
