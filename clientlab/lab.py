"""`python -m clientlab lab`: JupyterLab on lesson 00, with the course's Python first on PATH everywhere.

Two things a plain `jupyter lab` gets wrong for a course run from a virtualenv that was never activated:
- JupyterLab's terminal starts a login shell when the server's stdout is not a terminal, and a login shell's
  /etc/profile resets PATH, so `python -m clientlab grade 01` (printed by notebooks, verdicts and progress)
  finds a Python without the course. The terminal here runs the user's shell without `-l`, and bash reads an
  rc file that sources ~/.bashrc and then puts the course's Python first (a conda or pyenv line in
  ~/.bashrc cannot push it back).
- Without a browser, only the server's generic link is printed. Choosing the port and token here lets this
  command print a link straight to lesson 00 before the server starts.
"""

from __future__ import annotations

import os
import secrets
import shlex
import signal
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from .grading.registry import course_root

LESSON_00 = "notebooks/00_start_here.ipynb"


@dataclass(frozen=True)
class LabLaunch:
    argv: list[str]
    env: dict[str, str]
    link: str | None  # lesson 00's URL with the token; None when the user chose the port or token


def launch(rest: list[str]) -> LabLaunch:
    """The command, environment and lesson-00 link for JupyterLab, with the user's extra arguments last."""
    root = course_root()
    bin_dir = str(Path(sys.executable).parent)
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([bin_dir, *(p for p in env.get("PATH", "").split(os.pathsep) if p != bin_dir)])
    if sys.prefix != sys.base_prefix:
        env["VIRTUAL_ENV"] = sys.prefix
    env["CLIENTLAB_HOME"] = str(root)
    argv = [sys.executable, "-m", "jupyterlab", LESSON_00, f"--ServerApp.root_dir={root}"]
    argv.append(f"--ServerApp.terminado_settings=shell_command={shlex.join(_shell(root, bin_dir))}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")  # containers and CI machines often run as root
    link = None
    chosen = any(a.split("=")[0] in ("--port", "--ServerApp.port", "--IdentityProvider.token") for a in rest)
    if not chosen:
        port, token = _free_port(), secrets.token_hex(24)
        argv += [
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
        ]
        link = f"http://127.0.0.1:{port}/lab/tree/{LESSON_00}?token={token}"
    return LabLaunch(argv + rest, env, link)


def _shell(root: Path, bin_dir: str) -> list[str]:
    """The terminal's shell: the user's own, not a login shell; bash with an rc file that keeps our PATH."""
    shell = os.environ.get("SHELL") or "/bin/sh"
    if Path(shell).name != "bash":
        return [shell]
    rc = root / ".clientlab" / "lab-terminal.bashrc"
    rc.parent.mkdir(exist_ok=True)
    rc.write_text(
        "# Written by `python -m clientlab lab`: JupyterLab's terminal reads this instead of ~/.bashrc.\n"
        "[ -f /etc/bash.bashrc ] && . /etc/bash.bashrc\n"
        "[ -f ~/.bashrc ] && . ~/.bashrc\n"
        f'export PATH={shlex.quote(bin_dir)}:"$PATH"\n'
    )
    return [shell, "--rcfile", str(rc), "-i"]


def _free_port() -> int:
    """8888 when it is free (the port people expect), else any free one."""
    for port in (8888, 0):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise OSError("no free port on 127.0.0.1")


def main(rest: list[str]) -> int:
    """Replace this process with JupyterLab (so Ctrl+C and its shutdown prompt behave as usual)."""
    lab = launch(rest)
    os.chdir(course_root())
    # Started in the background (`... &` in a script, a container's entrypoint), a process inherits SIGINT and
    # SIGQUIT ignored, and so would every program run in JupyterLab's terminals: Ctrl+C would stop nothing.
    for number in (signal.SIGINT, signal.SIGQUIT):
        signal.signal(number, signal.SIG_DFL)
    if lab.link:
        print("Client Lab: JupyterLab is starting. Lesson 00 (if no browser opens, paste this into one):")
        print(f"    {lab.link}", flush=True)
    os.execve(sys.executable, lab.argv, lab.env)
    return 0  # pragma: no cover
