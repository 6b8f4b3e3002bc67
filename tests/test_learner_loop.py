"""The learner's loop, through the command line as a learner types it: grade, progress, hint, watch, stubs.

Every test works on a fork of its own (a copy of exercises/ and solutions/ named by CLIENTLAB_HOME), so the
course's files and progress are never touched. Exercise 00 grades in about 3 s, so it is the one graded
for real; the hint ladder is climbed on a stored verdict (an unchanged file is never graded twice).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from clientlab.grading import EXERCISES, get_exercise
from clientlab.grading.progress import State, progress, save, store_path
from clientlab.grading.verdict import Verdict

ROOT = Path(__file__).resolve().parents[1]
EX00, EX04 = get_exercise("ex00"), get_exercise("ex04")


@pytest.fixture
def fork(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A learner's copy of the course's exercises and solutions, with no progress yet."""
    for folder in ("exercises", "solutions"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.setenv("CLIENTLAB_HOME", str(tmp_path))
    return tmp_path


def clientlab(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -m clientlab ARGS` in the fork named by CLIENTLAB_HOME."""
    return subprocess.run(
        [sys.executable, "-m", "clientlab", *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )


def solve(fork: Path, exercise_id: str) -> None:
    ex = get_exercise(exercise_id)
    shutil.copyfile(fork / "solutions" / ex.filename, fork / "exercises" / ex.filename)


def test_grade_exit_codes_and_json(fork: Path) -> None:
    stub = clientlab("grade", "00")
    assert stub.returncode == 1, stub.stdout + stub.stderr
    assert "NOT YET" in stub.stdout and "NotImplementedError" in stub.stdout
    assert "Next: ex00, First call" in stub.stdout  # the footer points at the exercise to do
    solve(fork, "ex00")
    passed = clientlab("grade", "0", "--json")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    data = json.loads(passed.stdout)
    assert (data["version"], data["status"], data["exercise"]) == (2, "passed", "ex00")
    unknown = clientlab("grade", "42")
    assert unknown.returncode == 2 and "no exercise '42'" in unknown.stderr
    both = clientlab("grade", "--file", "x.py")
    assert both.returncode == 2 and "--file needs an EXERCISE" in both.stderr


def test_progress_tells_every_state_and_points_at_the_next_exercise(fork: Path) -> None:
    """not started -> not yet -> passed -> passed, edited since; the footer follows; it survives a restart
    (a new process reads the store) and a store of the first version is still read."""
    states = {s.exercise.id: s.state for s in progress()}
    assert set(states.values()) == {State.NOT_STARTED}
    path = fork / "exercises" / EX00.filename
    save(EX00, path, _verdict(passed=False))
    assert {s.exercise.id: s.state for s in progress()}["ex00"] is State.NOT_YET
    path.write_text(path.read_text() + "\n# trying something\n")
    assert {s.exercise.id: s.state for s in progress()}["ex00"] is State.NOT_YET_CHANGED
    save(EX00, path, _verdict(passed=True))
    assert {s.exercise.id: s.state for s in progress()}["ex00"] is State.PASSED
    path.write_text(path.read_text() + "# and more\n")
    assert {s.exercise.id: s.state for s in progress()}["ex00"] is State.PASSED_CHANGED
    other = fork / "exercises" / get_exercise("ex02").filename
    other.write_text(other.read_text() + "\n# started\n")

    shown = clientlab("progress")
    assert shown.returncode == 0, shown.stderr
    rows = {line.split()[0]: line for line in shown.stdout.splitlines() if line.startswith("ex0")}
    assert "passed, edited since" in rows["ex00"] and time.strftime("%Y-%m-%d") in rows["ex00"]
    assert "not started" in rows["ex01"] and "edited, not graded" in rows["ex02"]
    assert f"1 of {len(EXERCISES)} passed. Next: ex01, One client per process" in shown.stdout
    assert "python -m clientlab grade 01" in shown.stdout

    sha = json.loads(store_path().read_text())["exercises"]["ex00"]["last"]["sha"]
    store_path().write_text(json.dumps({"ex00": {"passed": True, "sha": sha, "when": "2026-01-02 03:04"}}))
    assert {s.exercise.id: s.state for s in progress()}["ex00"] is State.PASSED_CHANGED


def test_the_hint_ladder_climbs_for_the_failing_check_and_offers_the_solution_last(fork: Path) -> None:
    """Nudges first, then the grader's own hint from the evidence; a new failure starts a new ladder; the
    reference answer only at the end, only when asked, as a diff against the learner's file."""
    path = fork / "exercises" / EX04.filename
    path.write_text(path.read_text().replace("raise NotImplementedError", "return 'x'  # raise NotImplementedError"))
    budget = "ask_fast fits the 2 s budget"
    save(EX04, path, _verdict(failed=budget, hint="the timeout is not a deadline: choose T and R together", ex="ex04"))
    nudges = EX04.nudges(budget)
    assert len(nudges) == 2

    early = clientlab("hint", "04", "--solution")
    assert "Not yet: the reference answer comes after the last hint, and 3 step(s)" in early.stdout
    seen = [clientlab("hint", "04").stdout for _ in range(4)]
    assert "Hint 1 of 3: " + nudges[0] in seen[0] and "The next step: python -m clientlab hint 04" in seen[0]
    assert "Hint 2 of 3: " + nudges[1] in seen[1]
    assert "Hint 3 of 3: the timeout is not a deadline" in seen[2] and "--solution" in seen[2]
    assert "Hint 3 of 3" in seen[3]  # the last step stays the last
    assert "graded" not in "".join(seen)  # the stored verdict was used: the file did not change
    diff = clientlab("hint", "04", "--solution").stdout
    assert "+++ the reference answer" in diff and "+    fast = client.with_options(timeout=0.7, max_retries=1)" in diff
    assert "# SOLUTION" not in diff and "# STUB" not in diff

    save(
        EX04,
        path,
        _verdict(failed="ask_fast survives one transient 503", hint="give the fast path one retry", ex="ex04"),
    )
    again = clientlab("hint", "04").stdout
    assert "«ask_fast survives one transient 503»" in again and "Hint 1 of 2" in again


def test_a_stub_gets_its_fix_and_no_solution(fork: Path) -> None:
    first = clientlab("hint", "00")
    assert "graded exercises/ex00_first_call.py just now" in first.stdout  # never graded: graded now
    assert "Hint 1 of 1: The stub still raises NotImplementedError" in first.stdout
    assert "Then save the file and grade it" in first.stdout
    refused = clientlab("hint", "00", "--solution")
    assert "Try it first" in refused.stdout and "+++" not in refused.stdout


def test_stubs_command_tells_a_learners_answer_from_a_stale_stub(fork: Path) -> None:
    assert clientlab("stubs").returncode == 0
    solve(fork, "ex01")
    answered = clientlab("stubs")
    assert answered.returncode == 0 and "ex01: exercises/ex01_one_client.py: learner's work" in answered.stdout
    history = json.loads((fork / "exercises" / ".stubs.json").read_text())
    history["ex02"].insert(0, "0" * 64)  # the solution changed and nobody ran --write
    (fork / "exercises" / ".stubs.json").write_text(json.dumps(history))
    stale = clientlab("stubs")
    assert stale.returncode == 1 and "ex02: exercises/ex02_async_endpoint.py: unrecorded" in stale.stdout


@pytest.fixture
def watching(fork: Path) -> Iterator[subprocess.Popen[str]]:
    # Started the way a background job's children are (SIGINT ignored): Ctrl+C must still stop it.
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "clientlab", "watch", "00"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def read_until(proc: subprocess.Popen[str], text: str, timeout: float = 60) -> str:
    """What the process printed up to a line containing `text`."""
    assert proc.stdout is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        seen += line
        if text in line:
            return seen
    raise AssertionError(f"no {text!r} within {timeout} s:\n{seen}")


def test_watch_grades_on_save_moves_on_and_ctrl_c_leaves_nothing(fork: Path, watching: subprocess.Popen[str]) -> None:
    first = read_until(watching, "Watching exercises/ex00_first_call.py")
    assert "ex00 First call: NOT YET" in first
    solve(fork, "ex00")
    moved = read_until(watching, "Watching exercises/ex01_one_client.py")
    assert "ex00 First call: PASSED" in moved and "ex00 passed: on to ex01" in moved
    assert f"Progress: 1 of {len(EXERCISES)} passed" in moved

    solve(fork, "ex01")  # about 10 s of grading: interrupted in the middle
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not _course_children(watching.pid):
        time.sleep(0.1)
    time.sleep(1.5)  # the mock server and the learner's code are running
    grading = _course_children(watching.pid)
    assert len(grading) >= 2, f"the grade of ex01 is not under way: {grading}"
    watching.send_signal(signal.SIGINT)
    assert "Stopped watching." in read_until(watching, "Stopped watching.", timeout=20)
    assert watching.wait(timeout=20) == 0
    assert _still_running(grading) == []
    assert _left_running(fork) == []


def _course_children(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _still_running(procs: list[psutil.Process], wait: float = 10.0) -> list[str]:
    """Those of `procs` still alive after `wait` seconds."""
    _, alive = psutil.wait_procs(procs, timeout=wait)
    return [" ".join(p.cmdline()) for p in alive if _alive(p)]


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _left_running(fork: Path, wait: float = 10.0) -> list[str]:
    """Processes that still carry this fork in their environment (the grade's mock server, the learner's
    code), after giving them `wait` seconds to go."""
    deadline = time.monotonic() + wait
    while True:
        left = []
        for proc in psutil.process_iter(["pid", "cmdline"]):
            try:
                ours = proc.pid != os.getpid() and proc.environ().get("CLIENTLAB_HOME") == str(fork)
                if ours and proc.status() != psutil.STATUS_ZOMBIE:
                    left.append(" ".join(proc.info["cmdline"] or []))
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


def _verdict(passed: bool = False, failed: str = "your code ran", hint: str = "a hint", ex: str = "ex00") -> Verdict:
    exercise = get_exercise(ex)
    verdict = Verdict(exercise.id, exercise.title, f"exercises/{exercise.filename}")
    if passed:
        verdict.add("your code ran", True, "it ran")
    else:
        verdict.add(failed, False, "what the mock saw", hint)
    return verdict
