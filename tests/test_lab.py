"""`python -m clientlab lab` as a learner meets it: a link straight to lesson 00, and a JupyterLab terminal in
which the commands the course prints work as written.

The real test starts JupyterLab the hard way: from a shell whose PATH lacks the course's Python (the virtualenv
was never activated), with its output to a pipe (no terminal: JupyterLab then asks for a login shell, whose
/etc/profile resets PATH), and as a background job (SIGINT ignored, which every program in its terminals
would inherit: Ctrl+C would stop nothing there). It opens a terminal through JupyterLab's own API, as the
browser does, and types `python -m clientlab progress` there.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from tornado.websocket import websocket_connect

from clientlab.grading.registry import EXERCISES
from clientlab.lab import LESSON_00, launch

ROOT = Path(__file__).resolve().parents[1]


def test_the_launch_puts_the_course_first_and_links_lesson_00(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setenv("SHELL", "/bin/bash")
    lab = launch(["--no-browser"])
    assert lab.env["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)
    assert lab.link is not None and f"/lab/tree/{LESSON_00}?token=" in lab.link
    assert lab.argv[-1] == "--no-browser"
    shell = next(a for a in lab.argv if a.startswith("--ServerApp.terminado_settings="))
    assert "--rcfile" in shell and " -l" not in shell
    assert launch(["--port=9999"]).link is None  # the user chose: no link we can vouch for


@pytest.mark.timeout(120)
def test_commands_the_course_prints_work_in_jupyterlabs_terminal(tmp_path: Path) -> None:
    env = {
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "PATH": "/usr/bin:/bin",
        "SHELL": "/bin/bash",
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
    }
    lab = subprocess.Popen(
        [sys.executable, "-m", "clientlab", "lab", "--no-browser"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_as_a_background_job,
    )
    shells: list[psutil.Process] = []
    try:
        assert lab.stdout is not None
        lines = [lab.stdout.readline(), lab.stdout.readline()]
        link = lines[1].strip()
        assert "Lesson 00" in lines[0] and link.startswith("http://127.0.0.1:"), lines
        assert f"/lab/tree/{LESSON_00}?token=" in link
        _wait_until_served(link)
        typed = asyncio.run(
            _type_in_a_terminal(link, "which python; grep SigIgn /proc/self/status; python -m clientlab progress")
        )
        assert "ModuleNotFoundError" not in typed, typed
        ignored = int(typed.split("SigIgn:")[1].split()[0], 16)
        assert not ignored & (1 << (signal.SIGINT - 1)), f"Ctrl+C is ignored in the terminal: {typed}"
        assert str(Path(sys.executable).parent / "python") in typed, typed
        assert f"of {len(EXERCISES)} passed. " in typed or "Every exercise has passed" in typed, typed
        shells = [p for p in psutil.Process(lab.pid).children(recursive=True) if "bash" in p.name()]
        assert shells, "the terminal's shell is not a child of JupyterLab"
    finally:
        lab.send_signal(signal.SIGTERM)
        lab.wait(timeout=30)
    _, alive = psutil.wait_procs(shells, timeout=10)
    assert alive == []


def _as_a_background_job() -> None:
    """What a shell does to `command &` without job control: SIGINT and SIGQUIT ignored, inherited."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGQUIT, signal.SIG_IGN)


def _wait_until_served(link: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(link, timeout=5) as answer:
                assert answer.status == 200
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


async def _type_in_a_terminal(link: str, command: str, timeout: float = 60) -> str:
    """Open a JupyterLab terminal, type `command`, and return what it printed."""
    base, token = link.split("/lab/", 1)[0], link.rsplit("token=", 1)[1]
    opened = urllib.request.Request(f"{base}/api/terminals?token={token}", method="POST", data=b"")
    with urllib.request.urlopen(opened, timeout=10) as answer:
        name = json.loads(answer.read())["name"]
    socket = await websocket_connect(f"ws{base.removeprefix('http')}/terminals/websocket/{name}?token={token}")
    await socket.write_message(json.dumps(["stdin", f"{command}; echo END-$((20+22))\r"]))
    printed = ""
    async with asyncio.timeout(timeout):
        while "END-42" not in printed:
            message = await socket.read_message()
            if message is None:
                break
            kind, *data = json.loads(message)
            if kind == "stdout":
                printed += data[0]
    socket.close()
    return printed
