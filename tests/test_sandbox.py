"""The sandbox always comes back and leaves nothing behind: whatever the learner's code starts is ended
when the grade ends, when the grader is interrupted, and when the grader is killed; output is bounded,
memory capped, and the code runs in a scratch folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from clientlab.grading.learner import Call, run_calls

MARK = "clientlab-sandbox-test-sleeper"


def sleepers(tag: str) -> list[psutil.Process]:
    """Processes started by a test file (their command line carries the tag)."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if tag in " ".join(proc.info["cmdline"] or []) and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except psutil.Error:
            pass
    return found


def gone(tag: str, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not sleepers(tag):
            return True
        time.sleep(0.1)
    return False


def answer(tmp_path: Path, body: str, name: str = "answer.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


SLEEPER = f"[sys.executable, '-c', 'import time; time.sleep(120)  # {MARK}-{{tag}}']"


@pytest.mark.parametrize(
    "how",
    [
        "child = subprocess.Popen({sleeper})",  # a helper process holding our stdout
        "child = subprocess.Popen({sleeper}, start_new_session=True, stdout=subprocess.DEVNULL)",  # a daemon
    ],
    ids=["helper-holding-stdout", "own-session-daemon"],
)
def test_processes_the_code_starts_are_ended_and_do_not_hold_the_grade(tmp_path: Path, how: str) -> None:
    tag = f"{MARK}-{tmp_path.name}"
    path = answer(
        tmp_path,
        f"""
        import subprocess, sys
        {how.format(sleeper=SLEEPER.format(tag=tmp_path.name))}
        def f():
            return 1
        """,
    )
    started = time.monotonic()
    outcome = run_calls(path, [Call("f")], timeout=20)
    assert outcome.ok and outcome.results == [1], outcome.error
    assert time.monotonic() - started < 15, "a process holding the output must not make the grade wait"
    assert outcome.strays == 1
    assert gone(tag)


def test_a_double_forked_daemon_is_found_and_ended(tmp_path: Path) -> None:
    tag = f"{MARK}-{tmp_path.name}"
    path = answer(
        tmp_path,
        f"""
        import os, sys
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv(sys.executable, {SLEEPER.format(tag=tmp_path.name)})
            os._exit(0)
        def f():
            return 2
        """,
    )
    outcome = run_calls(path, [Call("f")], timeout=20)
    assert outcome.results == [2]
    assert gone(tag), "an orphan re-parented away from the sandbox survived"


def test_output_is_bounded_and_the_cut_is_said(tmp_path: Path) -> None:
    path = answer(tmp_path, "def f():\n    for _ in range(200_000):\n        print('x' * 499)\n    return 3\n")
    outcome = run_calls(path, [Call("f")], timeout=30)
    assert outcome.results == [3]
    assert len(outcome.output) < 100_000
    assert "output cut" in outcome.output and "100,000,000 bytes printed" in outcome.output


def test_memory_is_capped(tmp_path: Path) -> None:
    path = answer(tmp_path, "def f():\n    block = bytearray(64 * 1024**3)\n    return len(block)\n")
    outcome = run_calls(path, [Call("f")], timeout=20)
    assert outcome.error is not None and outcome.error.message.startswith("MemoryError")


def test_the_code_runs_on_a_copy_in_a_scratch_folder(tmp_path: Path) -> None:
    path = answer(tmp_path, "import os\nos.remove(__file__)\ndef f():\n    return os.getcwd()\n")
    outcome = run_calls(path, [Call("f")], timeout=20)
    assert path.exists(), "the learner's file was deleted by its own code"
    assert outcome.results and Path(outcome.results[0]).resolve() != tmp_path.resolve()


def test_a_sibling_module_still_imports(tmp_path: Path) -> None:
    answer(tmp_path, "VALUE = 41\n", name="helper_module.py")
    path = answer(tmp_path, "import helper_module\ndef f():\n    return helper_module.VALUE + 1\n")
    assert run_calls(path, [Call("f")], timeout=20).results == [42]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGKILL], ids=["interrupted", "killed"])
def test_a_grader_interrupted_or_killed_leaves_nothing_running(tmp_path: Path, signum: int) -> None:
    """The grader (here a separate process) runs a learner file that hangs after starting a helper; the
    grader is interrupted (Ctrl+C, "interrupt kernel") or killed: the learner's processes end with it."""
    tag = f"{MARK}-{tmp_path.name}"
    learner = answer(
        tmp_path,
        f"""
        import subprocess, sys, time
        child = subprocess.Popen({SLEEPER.format(tag=tmp_path.name)})
        def f():
            time.sleep(120)  # {tag}-learner
        """,
    )
    grader = answer(
        tmp_path,
        f"""
        import signal
        from pathlib import Path
        from clientlab.grading.learner import Call, run_calls
        signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with SIGINT ignored
        run_calls(Path({str(learner)!r}), [Call("f")], timeout=100)
        """,
        name="grader.py",
    )
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}  # where the sandbox makes its folders
    proc = subprocess.Popen([sys.executable, str(grader)], start_new_session=True, env=env)
    deadline = time.monotonic() + 30
    while not sleepers(tag) and time.monotonic() < deadline:  # the learner's code has started its helper
        time.sleep(0.1)
    assert sleepers(tag), "the learner's code did not start"
    time.sleep(0.5)  # the learner's call is running
    assert sorted(p.name.rsplit("-", 1)[0] for p in temp.iterdir()) == ["clientlab-run", "clientlab-scratch"]
    proc.send_signal(signum)
    proc.wait(timeout=20)
    assert gone(tag, within=10), [p.info["cmdline"] for p in sleepers(tag)]
    deadline = time.monotonic() + 10
    while any(temp.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(temp.iterdir()) == [], "the sandbox's folders were left behind"


def test_the_mock_stops_when_its_parent_dies_even_after_a_fork(tmp_path: Path) -> None:
    script = answer(
        tmp_path,
        """
        import os, sys, time
        from clientlab import MockServer
        mock = MockServer().start()
        print(mock.pid, flush=True)
        if os.fork() == 0:  # the fork inherits the pipe the mock watches
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.dup2(quiet, 2)
            time.sleep(60)
            os._exit(0)
        os._exit(0)  # the parent dies at once, without cleaning up
        """,
        name="parent.py",
    )
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip(), run.stderr[-2000:]
    mock_pid = int(run.stdout.split()[0])
    deadline = time.monotonic() + 10
    while psutil.pid_exists(mock_pid) and time.monotonic() < deadline:
        try:
            if psutil.Process(mock_pid).status() == psutil.STATUS_ZOMBIE:
                break
        except psutil.Error:
            break
        time.sleep(0.1)
    alive = psutil.pid_exists(mock_pid) and psutil.Process(mock_pid).status() != psutil.STATUS_ZOMBIE
    for proc in psutil.process_iter(["cmdline"]):  # the test's own fork
        if str(script) in " ".join(proc.info["cmdline"] or []):
            proc.kill()
    assert not alive, "the mock outlived its parent"
