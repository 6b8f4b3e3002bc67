"""The sandbox that runs a learner's file: results, and a readable error for every way code can go wrong."""

from __future__ import annotations

import time
from pathlib import Path

from clientlab.grading.learner import Call, Ref, run_calls


def learner_file(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "answer.py"
    path.write_text(source)
    return path


def test_calls_share_one_module_and_one_event_loop(tmp_path: Path) -> None:
    path = learner_file(
        tmp_path,
        """
import asyncio
calls = []

def make(k):
    return {"k": k, "loop": None}

async def use(box, n):
    loop = id(asyncio.get_running_loop())
    box["loop"] = box["loop"] or loop
    calls.append(n)
    return [box["k"] * n, box["loop"] == loop, len(calls)]
""",
    )
    outcome = run_calls(path, [Call("make", [3]), Call("use", [Ref(0), 2]), Call("use", [Ref(0), 5])], timeout=20)
    assert outcome.ok, outcome.error
    assert outcome.results[1:] == [[6, True, 1], [15, True, 2]]


def test_non_json_results_are_reported_by_type(tmp_path: Path) -> None:
    path = learner_file(tmp_path, "import decimal\ndef f():\n    return decimal.Decimal(1)\n")
    assert run_calls(path, [Call("f")], timeout=20).results == [{"$object": "decimal.Decimal"}]


def test_an_exception_names_the_call_and_the_learners_line(tmp_path: Path) -> None:
    path = learner_file(tmp_path, "def ok():\n    return 1\n\ndef boom(x):\n    return x / 0\n")
    outcome = run_calls(path, [Call("ok"), Call("boom", [1])], timeout=20)
    assert outcome.results == [1]
    error = outcome.error
    assert error is not None and error.kind == "exception" and error.call == "boom(...)"
    assert error.message == "ZeroDivisionError: division by zero" and error.line == 5
    assert "line 5 of answer.py: `return x / 0`" in error.describe("answer.py")


def test_a_syntax_error_is_located(tmp_path: Path) -> None:
    outcome = run_calls(learner_file(tmp_path, "def f(:\n    pass\n"), [Call("f")], timeout=20)
    assert outcome.error is not None and outcome.error.kind == "syntax" and outcome.error.line == 1


def test_an_error_at_import_and_a_missing_function(tmp_path: Path) -> None:
    broken = run_calls(learner_file(tmp_path, "import not_a_module_anywhere\n"), [Call("f")], timeout=20)
    assert broken.error is not None and broken.error.kind == "import"
    assert "ModuleNotFoundError" in broken.error.message
    missing = run_calls(learner_file(tmp_path, "def g():\n    pass\n"), [Call("f")], timeout=20)
    assert missing.error is not None and missing.error.kind == "missing" and "no function `f`" in missing.error.message


def test_a_hang_gets_a_verdict_within_the_time_limit(tmp_path: Path) -> None:
    path = learner_file(tmp_path, "import asyncio\nasync def f():\n    await asyncio.Event().wait()\n")
    started = time.monotonic()
    outcome = run_calls(path, [Call("f")], timeout=1.5)
    assert time.monotonic() - started < 6
    assert outcome.error is not None and outcome.error.kind == "timeout" and outcome.error.call == "f"
    assert "did not finish within 1.5 s" in outcome.error.message


def test_a_process_exit_is_reported_as_a_crash(tmp_path: Path) -> None:
    outcome = run_calls(learner_file(tmp_path, "import os\ndef f():\n    os._exit(3)\n"), [Call("f")], timeout=20)
    assert outcome.error is not None and outcome.error.kind == "crash" and "exit status 3" in outcome.error.message


def test_the_learners_prints_are_kept_but_never_mixed_with_results(tmp_path: Path) -> None:
    path = learner_file(tmp_path, 'def f():\n    print("{\\"result\\": 99}")\n    return 1\n')
    outcome = run_calls(path, [Call("f")], timeout=20)
    assert outcome.results == [1] and '{"result": 99}' in outcome.output


TOGETHER = """
import asyncio, os, time

def quick(x):
    return x * 2

def hang():
    time.sleep(600)

def boom():
    raise ValueError("no")

async def later(x):
    await asyncio.sleep(0.2)
    return x + 1

def leave():
    time.sleep(0.3)
    os._exit(3)
"""


def test_calls_made_together_settle_each_on_its_own(tmp_path: Path) -> None:
    """One call that hangs or raises hides nothing about the calls made with it: each result is kept."""
    path = learner_file(tmp_path, TOGETHER)
    plan = [Call("quick", [1]), Call("hang", together=True), Call("quick", [2], together=True)]
    plan += [Call("later", [5], together=True), Call("boom", together=True)]
    started = time.monotonic()
    hung = run_calls(path, plan, timeout=6)
    assert time.monotonic() - started < 20
    assert hung.results == [2] and hung.returned == {0: 2, 2: 4, 3: 6}
    assert list(hung.raised) == [4] and hung.raised[4].message == "ValueError: no"
    assert hung.timed_out and hung.stopped is not None and hung.stopped.kind == "timeout"

    raised = run_calls(path, [Call("boom", together=True), Call("later", [1], together=True), Call("quick", [1])])
    assert raised.returned == {1: 2} and raised.error is not None and raised.error.call == "boom(...)"
    assert raised.stopped is None  # the driver stops after the group of a call that raised: no crash

    crashed = run_calls(path, [Call("leave", together=True), Call("boom", together=True)], timeout=20)
    assert list(crashed.raised) == [1] and crashed.stopped is not None and crashed.stopped.kind == "crash"


HELD = """
import gc
import sys
import weakref
from pathlib import Path

refs = []


class Node:
    pass


def drop_a_cycle():
    node = Node()
    node.me = node  # only the cyclic collector frees it
    refs.append(weakref.ref(node))


def leave_a_cycle():
    drop_a_cycle()
    junk = [[i] for i in range(50_000)]  # enough allocations for the collector to run, if it may
    return len(junk)


def alive():
    return [r() is not None for r in refs]


def collect_then_alive():
    gc.collect()  # an explicit collection still runs
    return alive()


def state():
    return {"enabled": gc.isenabled(), "spec_on_disk": Path(sys.argv[-1]).exists()}
"""


def test_hold_gc_keeps_what_only_the_collector_frees_until_an_explicit_collect(tmp_path: Path) -> None:
    path = learner_file(tmp_path, HELD)
    calls = [Call("leave_a_cycle"), Call("alive"), Call("collect_then_alive"), Call("state")]
    held = run_calls(path, calls, timeout=20, hold_gc=True)
    assert held.ok, held.error
    assert held.results[1:] == [[True], [False], {"enabled": False, "spec_on_disk": False}]
    free = run_calls(path, calls, timeout=20)
    assert free.ok, free.error
    assert free.results[1] == [False]
    assert free.results[3] == {"enabled": True, "spec_on_disk": False}


def test_the_checkpoint_probe_sees_a_stream_left_open_by_the_learner(tmp_path: Path) -> None:
    """The grader's client, built in the learner's process (`small_pool_client`), then a stream the learner's code
    opens and keeps: `mock_snapshot` reads the mock's stats between calls, with the token only the grader has."""
    from clientlab import MockServer

    path = learner_file(
        tmp_path,
        """
kept = []

async def open_stream(client):
    stream = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "one two three four five six"}], stream=True
    )
    await stream.__anext__()
    kept.append(stream)
    return "opened"
""",
    )
    probe = "clientlab.graders.probes:"
    with MockServer(chunk_interval_ms=200, client_controls=False) as mock:
        calls = [
            Call(probe + "small_pool_client", [2, 1.0, 0, "tagged"]),
            Call("open_stream", [Ref(0)]),
            Call(probe + "mock_snapshot", [mock.url, mock.control_token]),
            Call(probe + "mock_snapshot", [mock.url, "not the token"]),
        ]
        outcome = run_calls(path, calls, env=mock.env(), timeout=20, hold_gc=True)
    snapshot = outcome.results[2]
    assert snapshot["in_flight"] == 1 and snapshot["connections_open"] == 1
    (record,) = snapshot["records"]
    assert record["end"] is None and record["client_tag"] == "tagged" and record["stream"] is True
    assert outcome.raised[3].message.startswith("HTTPError: HTTP Error 403")
