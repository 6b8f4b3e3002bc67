"""The doctor's probes: the learner's app served against a fresh mock, then the course's scenarios in turn.

Each phase is a wave (`clientlab.grading.waves`), the ex02 grader's own measurement: requests to the app's
path, and the model calls the mock saw because of them. The phases that only need a request or three come
first, so an app that blocks under load cannot spoil them:

1. sequential: three requests in a row (50 ms upstream): does it answer, call the model, keep one client?
2. fails-then-recovers: every first attempt gets a 503, the retry an answer: are there retries?
3. redirect: every first attempt gets a 307: is it followed, as the SDK's http client does?
4. slow upstream: a 2 s answer: the read timeout the client announced, and what it did with it.
5. two waves of 100 concurrent requests (500 ms upstream), as the ex02 grader sends them.

The doctor cannot choose the prompt the app sends, so every rule matches all prompts (`match: ""`) and
picks the attempt instead; the behaviour changes between phases through the mock's control plane.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from ..grading.app_server import AppServer, AppServerError
from ..grading.waves import CUTOFF_S, LATENCY_MS, WAVE, Wave, run_wave
from ..mock import MockServer
from ..procs import Target

SEQUENTIAL = 3
SEQUENTIAL_LATENCY_MS = 50
SLOW_MS = 2000
STARTUP_S = 20.0
SINGLE_TIMEOUT_S = 30.0  # one request through retries and backoffs (a 1 s timeout, 3 attempts: about 5 s)
API_PATHS = ("/v1/chat/completions", "/v1/responses", "/v1/completions", "/v1/embeddings")
FAIL_ONCE = {"match": "", "attempts": [0], "behaviour": {"status": 503, "retry_after_ms": "10"}}
REDIRECT_ONCE = {"match": "", "attempts": [0], "behaviour": {"redirect": True}}


class CouldNotRun(RuntimeError):
    """The doctor could not examine the app (bad target, the app did not start, the path does not answer)."""


@dataclass
class Evidence:
    """Everything the probes measured, phase by phase (a phase not run is None or absent)."""

    target: str
    path: str
    sequential: Wave
    failing: Wave
    redirect: Wave
    slow: Wave
    waves: list[Wave] = field(default_factory=list)
    wave_size: int = WAVE


def parse_target(text: str) -> Target:
    """`module:attribute` (as uvicorn takes it, importable from `cwd`) or a Python file; CouldNotRun if neither."""
    if not text.strip():
        raise CouldNotRun("no target: give the app as module:attribute, e.g. main:app")
    target = Target.parse(text)
    if target.file is not None and not target.file.is_file():
        raise CouldNotRun(f"{text!r} is neither module:attribute (e.g. main:app) nor a Python file")
    if target.module is not None and not all(part.isidentifier() for part in target.module.split(".")):
        raise CouldNotRun(f"{text!r}: {target.module!r} is not a module name (give module:attribute, e.g. main:app)")
    if not target.attribute.isidentifier():
        raise CouldNotRun(f"{text!r}: {target.attribute!r} is not an attribute name")
    return target


def measure(target: Target, path: str, *, cwd: Path | None = None, wave: int = WAVE) -> Evidence:
    """Serve the app against a fresh mock and run every phase; everything started is stopped on return or
    interruption (Ctrl+C)."""
    if not path.startswith("/"):
        raise CouldNotRun(f"--path must start with '/', e.g. /chat?q=hello (got {path!r})")
    with ExitStack() as stack:
        mock = stack.enter_context(MockServer(latency_ms=SEQUENTIAL_LATENCY_MS, client_controls=False))
        server = AppServer(target.as_argument(), env=mock.env(), startup_timeout=STARTUP_S, cwd=cwd)
        stack.callback(server.close)
        try:
            server.start()
        except AppServerError as exc:
            raise CouldNotRun(f"the app did not start: {exc.error.describe(target.label)}") from None
        evidence = _phases(target, path, mock, server, wave)
    return evidence


def _phases(target: Target, path: str, mock: MockServer, server: AppServer, size: int) -> Evidence:
    def send(
        name: str, n: int = 1, concurrency: int = 1, timeout: float = SINGLE_TIMEOUT_S, settle: float = 0.0
    ) -> Wave:
        return run_wave(
            name,
            mock,
            server.url,
            [path] * n,
            lambda p: server.url + p,
            concurrency=concurrency,
            timeout=timeout,
            latency_ms=LATENCY_MS,
            paths=API_PATHS,
            settle=settle,
        )

    sequential = send("sequential", SEQUENTIAL, timeout=10.0)
    _check_answers(sequential, path, server)
    mock.configure(rules=[FAIL_ONCE])
    failing = send("fails-then-recovers", settle=2.0)
    mock.configure(rules=[REDIRECT_ONCE])
    redirect = send("redirect", settle=2.0)
    mock.configure(rules=[], latency_ms=SLOW_MS)
    slow = send("slow-upstream", settle=2.0)
    mock.configure(latency_ms=LATENCY_MS)
    waves = [send("wave-1", size, size, CUTOFF_S)]
    if waves[0].complete:  # after a cut-off wave the app still works through its backlog: a second would lie
        waves.append(send("wave-2", size, size, CUTOFF_S))
    return Evidence(target.label, path, sequential, failing, redirect, slow, waves, size)


def _check_answers(sequential: Wave, path: str, server: AppServer) -> None:
    """The doctor needs a path that answers and calls the model; say clearly when it does not."""
    result = sequential.result
    if result.completed < len(sequential.queries):
        error = next(iter(result.errors), "no response")
        raise CouldNotRun(f"GET {path} got no answer within 10 s ({error})")
    bad = sorted(s for s in result.status_counts if not 200 <= s < 300)
    if bad:
        detail = f"GET {path} answered HTTP {bad[0]}"
        raised = server.last_exception() if bad[0] >= 500 else None
        if raised:
            detail += f"; the app raised {raised}"
        raise CouldNotRun(f"{detail}: give --path a URL of the app that answers 200 and calls the model")
    if not sequential.chats:
        raise CouldNotRun(
            f"GET {path} answered without calling the model (the mock saw no request): give --path a URL of the "
            "app whose handler calls the OpenAI API with OPENAI_BASE_URL/OPENAI_API_KEY from the environment"
        )
