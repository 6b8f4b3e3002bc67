"""A learner's fork, with the exercises solved, keeps the README's test command green.

The test copies the course (the files git tracks, as they are now) to a temporary folder, copies every
solution over its exercise, as a learner's fork holds them at the end of the course, and runs there the
part of the test command whose outcome can depend on exercises/: the lint and format checks, the check
that exercises/ are stubs or the learner's work, and lesson 00 under strict nbval (its grading cell then
grades a passing answer). The other tests grade solutions and stubs from their own copies, never
exercises/, which `test_nothing_else_reads_exercises` keeps true.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clientlab.grading import EXERCISES

ROOT = Path(__file__).resolve().parents[1]
DEPENDS_ON_EXERCISES = [
    "tests/test_repo.py::test_ruff_is_clean",
    "tests/test_repo.py::test_ruff_format_is_clean",
    "tests/test_stubs.py",
    "notebooks/00_start_here.ipynb",
]


def tracked_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [name for name in listed.decode().split("\0") if name and (ROOT / name).exists()]


@pytest.mark.slow
def test_a_fork_with_every_exercise_solved_stays_green(tmp_path: Path) -> None:
    fork = tmp_path / "fork"
    for name in tracked_files():
        target = fork / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    for exercise in EXERCISES:
        shutil.copyfile(exercise.solution_path, fork / "exercises" / exercise.filename)
    env = {**os.environ, "CLIENTLAB_HOME": str(fork), "PYTHONPATH": str(fork)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", *DEPENDS_ON_EXERCISES],
        cwd=fork,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout.splitlines()[-1]


def test_nothing_else_reads_exercises() -> None:
    """Only the files above may depend on exercises/ (the graders' proofs grade their own copies)."""
    readers = []
    for path in [*ROOT.glob("tests/test_*.py"), *ROOT.glob("clientlab/**/*.py")]:
        text = path.read_text()
        if "exercise_path" in text or '"exercises"' in text:
            readers.append(str(path.relative_to(ROOT)))
    allowed = {
        "tests/test_fork.py",
        "tests/test_stubs.py",
        "tests/test_graders.py",  # checks the files exist
        "clientlab/grading/registry.py",
        "clientlab/grading/stubs.py",
        "clientlab/grading/harness.py",  # grades exercises/ only when no file is given
        "clientlab/grading/progress.py",
        "clientlab/grading/hints.py",  # the learner's tools read the learner's file
        "clientlab/watch.py",
        "clientlab/cli.py",
        "tests/test_learner_loop.py",  # on a fork of its own (CLIENTLAB_HOME)
    }
    assert sorted(set(readers) - allowed) == []
