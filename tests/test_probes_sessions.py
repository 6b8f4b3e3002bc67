"""The TestClient probes exercise 06 runs in the learner's process: sessions of the learner's own app, and a
lifespan shutdown that never finishes told within seconds, not at the time limit."""

from __future__ import annotations

import time
from pathlib import Path

from clientlab.grading.learner import Call, Ref, run_calls

PROBES = "clientlab.graders.probes:"

APP = """
import asyncio
from contextlib import asynccontextmanager

from fastapi import FastAPI

starts = []


@asynccontextmanager
async def lifespan(app):
    starts.append(id(asyncio.get_running_loop()))
    yield
    if len(starts) == 2:
        await asyncio.Event().wait()  # the second shutdown never finishes


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str):
    if q == "boom":
        raise RuntimeError("the endpoint failed")
    return {"answer": f"{q} from session {len(starts)}, loops {len(set(starts))}"}
"""


def test_sessions_answer_and_report_errors_and_a_hung_shutdown_ends_the_process(tmp_path: Path) -> None:
    path = tmp_path / "sessions_app.py"
    path.write_text(APP)
    calls = [
        Call(PROBES + "open_session", ["sessions_app"]),
        Call(PROBES + "ask", [Ref(0), ["a", "boom"]]),
        Call(PROBES + "open_session", ["sessions_app"]),  # a second app start while the first still runs
        Call(PROBES + "ask", [Ref(2), ["b", "c"], True]),
        Call(PROBES + "close_session", [Ref(2), "marker", 1.0]),
        Call(PROBES + "ask", [Ref(0), ["d"]]),  # the script goes on; the process ends half a second later
    ]
    started = time.monotonic()
    outcome = run_calls(path, calls, timeout=30)
    assert time.monotonic() - started < 15, "the hung shutdown must end the process, not the time limit"
    returned = outcome.returned
    assert returned[1] == [
        {"status": 200, "answer": "a from session 1, loops 1"},
        {"error": "RuntimeError: the endpoint failed"},
    ]
    assert returned[3] == [{"status": 200, "answer": f"{q} from session 2, loops 2"} for q in "bc"]
    assert returned[4] == {"hung": 1.0, "raised": None}
    assert not outcome.timed_out
