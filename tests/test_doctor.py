"""The doctor names each of the course's anti-patterns by the finding the lessons would give it, from what the
mock recorded: the four lesson-02 apps, and small apps built on the clients lesson 03 warns about
(tests/doctor_apps). Every app is examined once, two at a time in threads (most of a run is waiting), in a
module fixture, with the targets it cannot run; the command line runs through a subprocess, with --json,
with a bad target, and interrupted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil
import pytest

from clientlab.doctor import VERSION, Report, examine

APPS = Path(__file__).parent / "doctor_apps"
VARIANTS = "clientlab.lessons.fastapi_variants"
WAVE = 70  # smaller than the CLI's 100, still well apart: def endpoints stop at 40, a right answer nears 70

EXPECTED: dict[str, tuple[list[str], float | None]] = {  # the longest runs first: they set the total
    f"{VARIANTS}:to_thread_app": (["thread-pool-cap"], min(32, (os.cpu_count() or 1) + 4)),
    "small_pool:app": (["pool-limit"], 8),
    f"{VARIANTS}:sync_in_async_app": (["event-loop-blocked"], 1),
    f"{VARIANTS}:def_endpoint_app": (["def-endpoint-threads"], None),
    f"{VARIANTS}:async_client_app": ([], None),
    "keepalive_churn:app": (["connection-churn"], None),
    "plain_httpx2:app": (["redirects-not-followed"], None),
    "no_retries:app": (["no-retries"], 0),
    "no_timeout:app": (["no-timeout"], None),
    "client_per_request:app": (["client-per-request"], 3),
}
BAD_TARGETS = {  # (a module that does not import: through the command line, below)
    "small_pool:nothing": "has no `nothing`",
    "not a target": "neither module:attribute",
}
CLI_TARGET = "custom_timeout:app"  # examined through the command line, with --json
CLI_EXPECTED = (["custom-timeout"], 1.0)


def doctor_cli(*args: str, **popen: Any) -> subprocess.Popen[str]:
    """`python -m clientlab doctor ...` run from the apps' folder, as a learner runs it from theirs."""
    command = [sys.executable, "-m", "clientlab", "doctor", *args]
    return subprocess.Popen(command, cwd=APPS, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def run_cli(*args: str) -> tuple[int, str, str]:
    proc = doctor_cli(*args)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def run_cli_interrupted() -> dict[str, Any]:
    """Ctrl+C once the app and the mock run: the doctor exits and leaves no process behind."""
    proc = doctor_cli(f"{VARIANTS}:sync_in_async_app", start_new_session=True)
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60
    children: list[psutil.Process] = []
    while time.monotonic() < deadline and proc.poll() is None:
        children = parent.children(recursive=True)
        if len(children) >= 3:  # the mock, the app's supervisor and the app
            break
        time.sleep(0.1)
    time.sleep(1.0)
    children = parent.children(recursive=True)
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    time.sleep(0.5)
    alive = [c.pid for c in children if _running(c)]
    return {"children": len(children), "alive": alive, "returncode": proc.returncode, "stderr": err[-500:]}


def _running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    jobs: dict[str, Callable[[], Any]] = {
        "cli-json": lambda: run_cli(CLI_TARGET, "--path", "/chat?q=hello", "--json"),
        "cli-interrupted": run_cli_interrupted,
    }
    for target in EXPECTED:
        jobs[target] = lambda t=target: examine(t, "/chat?q=hello", cwd=APPS, wave=WAVE)
    for target in BAD_TARGETS:
        jobs[f"bad:{target}"] = lambda t=target: examine(t, cwd=APPS)
    jobs["cli-bad"] = lambda: run_cli("no_such_module:app")
    with ThreadPoolExecutor(max_workers=2) as pool:  # as loaded as ex02's proofs: neighbours keep their timing
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("target", list(EXPECTED))
def test_each_app_is_named(target: str, results: dict[str, Any]) -> None:
    report: Report = results[target]
    ids, value = EXPECTED[target]
    assert report.error is None, report.to_text()
    assert report.ids == ids, report.to_text()
    assert report.exit_code == (1 if ids else 0)
    if value is not None:
        assert report.findings[0].value == value, report.to_text()
    for finding in report.findings:
        assert finding.lesson.startswith("lesson 0") and finding.lesson.endswith(".ipynb")
        assert (Path(__file__).parents[1] / finding.lesson.split(", ")[1]).is_file()


def test_a_clean_app_reports_what_was_measured(results: dict[str, Any]) -> None:
    report: Report = results[f"{VARIANTS}:async_client_app"]
    text = report.to_text()
    assert "nothing found" in text
    assert "[503, 200], the app answered 200" in text
    assert "redirects (307): followed" in text
    assert "read timeout announced: 600 s" in text
    assert sum(line.startswith("  - wave-") for line in text.splitlines()) == 2


def test_the_churn_is_counted(results: dict[str, Any]) -> None:
    """Keep-alive 5 under a pool of 1000: the client closes all but 5 of the first wave's connections."""
    finding = results["keepalive_churn:app"].findings[0]
    assert finding.value is not None and finding.value >= WAVE * 0.6 - 5
    assert f"used {int(finding.value) + 5} connections; the client closed {int(finding.value)}" in finding.evidence


def test_the_cli_prints_versioned_json(results: dict[str, Any]) -> None:
    code, out, err = results["cli-json"]
    data = json.loads(out)
    assert data["version"] == VERSION
    assert [f["id"] for f in data["findings"]] == CLI_EXPECTED[0], out + err
    assert data["findings"][0]["value"] == CLI_EXPECTED[1]
    assert "given up on after 1.0 s" in data["findings"][0]["evidence"]
    assert data["status"] == "problems found" and code == data["exit_code"] == 1


def test_ctrl_c_leaves_nothing_running(results: dict[str, Any]) -> None:
    outcome = results["cli-interrupted"]
    assert outcome["children"] >= 3, outcome
    assert outcome["alive"] == [], outcome
    assert outcome["returncode"] == 130, outcome


@pytest.mark.parametrize(("target", "message"), BAD_TARGETS.items())
def test_a_bad_target_cannot_run(target: str, message: str, results: dict[str, Any]) -> None:
    report: Report = results[f"bad:{target}"]
    assert report.exit_code == 2 and report.status == "could not run"
    assert message in (report.error or ""), report.error
    assert report.to_text().endswith(f"could not run: {report.error}")


def test_the_cli_says_why_it_could_not_run(results: dict[str, Any]) -> None:
    code, out, err = results["cli-bad"]
    assert code == 2, out + err
    assert "could not run: the app did not start" in out and "No module named 'no_such_module'" in out
