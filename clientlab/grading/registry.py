"""The one registry of exercises: it drives the CLI, the notebooks' grading cells, hints, progress and the tests.

Each exercise carries its hint ladder: for a check that can fail, the nudges a learner gets first (what to
look at, and where the lesson shows it), from the gentlest to the most pointed. The last step of every
ladder is not written here: it is the grader's own hint, chosen from the evidence of that grade, which names
the fix. `python -m clientlab hint NN` climbs the ladder of the learner's current failing check.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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
    ladder: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # check name -> nudges, gentlest first

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

    def nudges(self, check: str) -> tuple[str, ...]:
        """The steps of a failed check's ladder before the grader's own hint."""
        return self.ladder.get(check, COMMON_LADDER.get(check, ()))

    def grader_function(self) -> Callable[[Grading], None]:
        module, _, name = self.grader.partition(":")
        return getattr(importlib.import_module(module), name)


# Checks several graders share.
COMMON_LADDER: dict[str, tuple[str, ...]] = {
    "it asks for the named model": ("The exercise names the model: compare it with the model= your calls send.",),
    "one request per call": ("Count the requests one call of your function sends: it should be one chat completion.",),
    "it returns the answers' text": (
        'A completion is an object; the answer\'s text is one field inside it. Lesson 00, "Your first call", '
        "shows where.",
    ),
}

EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        id="ex00",
        title="First call",
        lesson="00_start_here.ipynb",
        filename="ex00_first_call.py",
        grader="clientlab.graders.ex00:grade",
        task="Make one chat completion with OpenAI() configured by the environment and return its text.",
        time_limit=20,
        ladder={
            "it reads the key from the environment": (
                'Where does OpenAI() look for its API key when you pass none? Lesson 00, "Your first call".',
            ),
            "it returns the answer's text": (
                "A completion is an object; the answer's text is one field inside it. Lesson 00, \"Your first "
                'call", shows where.',
            ),
            "the mock received your requests": (
                'Did your function send a request? The grader counts what reaches the mock: lesson 00, "What the '
                'server saw".',
            ),
        },
    ),
    Exercise(
        id="ex01",
        title="One client per process",
        lesson="01_one_client_per_process.ipynb",
        filename="ex01_one_client.py",
        grader="clientlab.graders.ex01:grade",
        task="Serve many calls with one client; give the one quick call its own timeout with with_options.",
        time_limit=25,
        ladder={
            "one connection for every call": (
                "How many clients does your module create, and when? Each client has a connection pool of its own: "
                'lesson 01, section 1, "What a client costs".',
            ),
            "only the quick call has a 5 s timeout": (
                'One call needs other settings than the rest, through the same client: lesson 01, section 3, "One '
                'call with other settings".',
            ),
            "a transient error is retried": (
                'What does the SDK do by default when the server answers 503? Lesson 01, section 2, "What a client '
                "carries\", lists the client's defaults.",
            ),
            "the quick call gives up on a stalled answer": (
                "The quick call's timeout must hold when the model stalls: lesson 01, section 3.",
            ),
            "ordinary calls wait for a slow answer": (
                "Does the quick call's timeout reach other calls? Lesson 01, section 3, and the trap in section 4.",
            ),
        },
    ),
    Exercise(
        id="ex02",
        title="An async endpoint that does not block",
        lesson="02_event_loop_trap.ipynb",
        filename="ex02_async_endpoint.py",
        grader="clientlab.graders.ex02:grade",
        task="A FastAPI GET /chat using one AsyncOpenAI client, so 100 concurrent requests overlap.",
        time_limit=20,
        ladder={
            "GET /chat answers": (
                'The contract: GET /chat?q=... answers JSON {"answer": "..."}; lesson 02, "The setup", '
                "shows such an app.",
            ),
            "it asks the model": ("Each GET /chat must make one chat completion through the client.",),
            "it answers with the model's text": (
                'Return the model\'s answer itself, the text inside the completion, as "answer".',
            ),
            "every answer is for its own q": ("Each request must ask the model its own q, the query parameter.",),
            "one client for every request": (
                "Where is your client created? Once per process, not per request: lesson 01, section 1, and lesson "
                "02, section 4.",
            ),
            "100 concurrent requests are answered": (
                "While one request waits for the model, can your endpoint start the next? Lesson 02, sections 1 "
                "to 4, put four endpoints under the same load.",
                'Which of lesson 02\'s endpoints does yours behave like? "The picture" shows their peaks in flight.',
            ),
            "100 concurrent requests overlap": (
                "While one request waits for the model, can your endpoint start the next? Lesson 02, sections 1 "
                "to 4, put four endpoints under the same load.",
                'Which of lesson 02\'s endpoints does yours behave like? "The picture" shows their peaks in flight.',
            ),
            "the requests reach the model together": (
                "Do the requests reach the model together, or one after another? Something in your endpoint "
                "holds each one before its call: lesson 02, section 1.",
            ),
            "a wave takes about one model latency": (
                'The model takes 0.5 s; 100 requests that overlap take about that long in all. Lesson 02, "The '
                'picture".',
            ),
            "the second wave reuses the connections": (
                "A client's pool keeps its connections between requests; a new pool opens new ones: lesson 01, "
                "section 1.",
            ),
        },
    ),
    Exercise(
        id="ex03",
        title="A client capped at K connections",
        lesson="03_connection_limits.ipynb",
        filename="ex03_connection_limits.py",
        grader="clientlab.graders.ex03:grade",
        task="Build an AsyncOpenAI capped at K connections with the SDK's defaults kept; run a batch through it.",
        time_limit=30,
        ladder={
            "the mock received one request per prompt": ("answer_all must send one chat completion per prompt.",),
            "answers are correct and in order": (
                "asyncio.gather returns the results in the order of its arguments, whatever order they finish in.",
            ),
            "the async client is used": (
                "make_client returns the client; answer_all receives it and uses it: lesson 03, section 1.",
            ),
            "peak in flight equals the cap": (
                "Where does your cap live? In the client's connection pool, every user of the client gets it: "
                'lesson 03, section 1, "limits= is not a client argument".',
                "Lesson 03, section 2, shows the classic recipe and what it keeps of the SDK; section 4 what a "
                "capped pool does to a batch.",
            ),
            "the client itself is capped": (
                "The grader also sends requests through your client directly, without answer_all: the cap must be "
                "in the client (lesson 03, section 1).",
            ),
            "connections are reused, not churned": (
                'Which connections does a pool keep when they go idle? Lesson 03, section 3, "Keep-alive below '
                'the limit causes churn".',
            ),
            "the SDK's 600 s timeout is kept": (
                "The exercise keeps the SDK's defaults: compare your http client's settings with the SDK's own "
                "(lesson 03, section 2).",
            ),
            "a transient error is retried": (
                "What does the SDK's own http client do that a plain one may not? Lesson 03, section 2.",
            ),
            "a redirect is followed": (
                "What does the SDK's own http client do that a plain one may not? Lesson 03, section 2.",
            ),
        },
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
        ladder={
            "one client, one connection pool": (
                "How many clients does your module create? The fast path can share the module's pool: lesson 04, "
                'section 8, "One call, its own settings".',
            ),
            "ask keeps the SDK's defaults (600 s, 2 retries)": (
                "The normal path keeps the defaults; only the fast path gets settings of its own (lesson 04, "
                "sections 1 and 8).",
            ),
            "ask lets errors propagate": (
                "Who decides what to do when the normal path fails? Its caller, who must see the error: lesson 04, "
                "section 4.",
            ),
            "ask_fast fits the 2 s budget": (
                'A timeout bounds each attempt, not the call: lesson 04, section 3, "Per attempt and per read: '
                'not a deadline".',
                "Add it up: R + 1 attempts of T each, plus a backoff before each retry (lesson 04, sections 3 and "
                '5, and "A recipe for production").',
            ),
            "ask_fast returns FALLBACK when the model stalls": (
                'When the SDK gives up, what does it raise? Lesson 04, section 4, "What is retried, and what you '
                'get after the last attempt".',
            ),
            "ask_fast survives one transient 503": (
                "One 503 is common, and the next attempt usually answers: how many attempts does your fast path "
                "make? Lesson 04, section 4.",
            ),
            "ask_fast returns FALLBACK when rate-limited": (
                "A 429 is not a timeout: which exception class covers both? Lesson 04, section 4.",
            ),
        },
    ),
    Exercise(
        id="ex05",
        title="Stream it, or hang up cleanly",
        lesson="05_streaming.ipynb",
        filename="ex05_streaming.py",
        grader="clientlab.graders.ex05:grade",
        task="Stream whole answers through the client you are given, and take the first words of one, closing "
        "the stream at once so its connection goes back to the small pool.",
        time_limit=20,
        ladder={
            "it returns the answers' text": (
                "A chunk is not a word: its delta may hold part of a word, a space, or nothing (None). Join the deltas "
                "into the text, then split the text into words: lesson 05, section 1.",
            ),
            "every call streams": (
                "Which argument of create(...) makes the answer come in chunks? Lesson 05, section 1.",
            ),
            "it uses the client it is given": (
                "Your functions receive a client: whose pool do your requests use? See lesson 05's exercise.",
            ),
            "stream_text reads to the end and keeps the connection": (
                "When does a stream give its connection back for the next call? Lesson 05, sections 4 and 5.",
                'Which chunk comes after the one with finish_reason "stop"? Lesson 05, section 5.',
            ),
            "nothing is left open between calls": (
                "Leaving the loop is not closing the stream: lesson 05, section 1.",
                "Dropping the stream does not free it either: lesson 05, sections 2 and 3.",
            ),
            "first_words hangs up once it has its words": (
                "How many chunks did the server send before first_words returned? Lesson 05, section 3.",
            ),
        },
    ),
    Exercise(
        id="ex06",
        title="A service that owns its client",
        lesson="06_production_lifecycle.ipynb",
        filename="ex06_lifecycle.py",
        grader="clientlab.graders.ex06:grade",
        task="A FastAPI service whose lifespan creates, stores and closes one AsyncOpenAI per worker, each worker's "
        "pool capped at its share of a global connection budget (CLIENTLAB_BUDGET // WEB_CONCURRENCY).",
        time_limit=20,
        ladder={
            "GET /chat answers": (
                "The endpoint is exercise 02's: one awaited chat completion per request, {'answer': text}.",
            ),
            "the app works in a second TestClient session": (
                "Which event loop do your client (and any asyncio object your app made) belong to? Each "
                "`with TestClient(app)` runs one of its own: "
                'lesson 06, section 1, "Event loop is closed".',
            ),
            "one client per worker": (
                "Count the clients your app creates: one per worker process, made when the app starts "
                '(lesson 06, section 2, "The fix").',
            ),
            "the SDK's defaults are kept": (
                "Limits go through http_client=, and the SDK's own HTTP client keeps everything else: lesson 03, "
                "section 2.",
            ),
            "the lifespan closes the client": (
                "What happens to the client when the app stops? Lesson 06, sections 2 and 3.",
            ),
            "each worker keeps to its share of the budget": (
                "Every worker process builds its own pool, so limits multiply: lesson 06, section 4.",
                "The budget is for the whole service: each of WEB_CONCURRENCY workers gets budget // workers "
                '(lesson 06, section 4, "One pool per worker process").',
            ),
            "connections are kept alive between bursts": (
                "Which connections does a pool keep when they go idle? Lesson 03, section 3.",
            ),
            "the uvicorn workers serve and stop cleanly": (
                "A graceful stop runs the lifespan's shutdown: lesson 06, section 2, and the uvloop part of section 3.",
            ),
        },
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
