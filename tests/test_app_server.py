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
    with pytest.raises(AppServerError) as caught:
        AppServer(path).start()
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
