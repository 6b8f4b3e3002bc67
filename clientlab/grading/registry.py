"""The one registry of exercises: it drives the CLI, the notebooks' grading cells, progress and the tests."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .harness import Grading


def course_root() -> Path:
    """The course checkout (CLIENTLAB_HOME overrides; the package is installed editable from it)."""
    return Path(os.environ.get("CLIENTLAB_HOME") or Path(__file__).resolve().parents[2])


@dataclass(frozen=True)
class Exercise:
    """One graded exercise: its lesson, the learner's file, the reference answer and the grader."""

    id: str  # "ex01"
    title: str
    lesson: str  # notebook file name in notebooks/
    filename: str  # same name in exercises/ and solutions/
    grader: str  # "module:function" taking a harness.Grading and adding its checks
    task: str  # one sentence: what the learner builds
    time_limit: float  # seconds the learner's code may run (an app: take to start) before it is stopped

    @property
    def number(self) -> str:
        return self.id.removeprefix("ex")

    @property
    def exercise_path(self) -> Path:
        return course_root() / "exercises" / self.filename

    @property
    def solution_path(self) -> Path:
        return course_root() / "solutions" / self.filename

    @property
    def lesson_path(self) -> Path:
        return course_root() / "notebooks" / self.lesson

    def grader_function(self) -> Callable[[Grading], None]:
        module, _, name = self.grader.partition(":")
        return getattr(importlib.import_module(module), name)


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        id="ex00",
        title="First call",
        lesson="00_start_here.ipynb",
        filename="ex00_first_call.py",
        grader="clientlab.graders.ex00:grade",
        task="Make one chat completion with OpenAI() configured by the environment and return its text.",
        time_limit=20,
    ),
    Exercise(
        id="ex01",
        title="One client per process",
        lesson="01_one_client_per_process.ipynb",
        filename="ex01_one_client.py",
        grader="clientlab.graders.ex01:grade",
        task="Serve many calls with one client; give the one quick call its own timeout with with_options.",
        time_limit=25,
    ),
    Exercise(
        id="ex02",
        title="An async endpoint that does not block",
        lesson="02_event_loop_trap.ipynb",
        filename="ex02_async_endpoint.py",
        grader="clientlab.graders.ex02:grade",
        task="A FastAPI GET /chat using one AsyncOpenAI client, so 100 concurrent requests overlap.",
        time_limit=20,
    ),
    Exercise(
        id="ex03",
        title="A client capped at K connections",
        lesson="03_connection_limits.ipynb",
        filename="ex03_connection_limits.py",
        grader="clientlab.graders.ex03:grade",
        task="Build an AsyncOpenAI capped at K connections with the SDK's defaults kept; run a batch through it.",
        time_limit=30,
    ),
    Exercise(
        id="ex04",
        title="A fast path with a latency budget",
        lesson="04_timeouts_and_retries.ipynb",
        filename="ex04_latency_budget.py",
        grader="clientlab.graders.ex04:grade",
        task="Keep the SDK's defaults on the normal path; bound the fast path within 2 s by its timeout and "
        "retries, with a fallback when the model can't answer in time.",
        time_limit=20,
    ),
)


def get_exercise(name: str) -> Exercise:
    """Find an exercise by id or number: 'ex02', '02', '2' or 'EX2' all work."""
    wanted = name.strip().lower().removeprefix("ex")
    for exercise in EXERCISES:
        if wanted.isdigit() and int(wanted) == int(exercise.number):
            return exercise
    known = ", ".join(e.id for e in EXERCISES)
    raise KeyError(f"no exercise {name!r}; the exercises are {known}")
