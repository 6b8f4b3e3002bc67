"""`python -m clientlab watch [EXERCISE]`: grade an exercise each time its file is saved, and move on when it passes.

File events come from watchfiles (inotify and its peers; it polls where those are missing, e.g. some network
file systems, when WATCHFILES_FORCE_POLLING is set). Each grade runs in this process like `grade` does: its
mock server and the learner's code are children that end with the grade, so Ctrl+C, even in the middle of a
grade, leaves nothing running.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from watchfiles import Change, watch

from .grading import EXERCISES, Exercise, grade
from .grading.progress import last_verdict, next_exercise, summary
from .grading.registry import course_root

CLEAR = "\033[2J\033[H"


def run(first: Exercise | None) -> int:
    """Watch until Ctrl+C; returns the exit status."""
    folder = course_root() / "exercises"
    # Ctrl+C must stop the watch even where the shell handed SIGINT down ignored (a background job's children).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    by_name = {e.filename: e for e in EXERCISES}
    current = first or next_exercise() or EXERCISES[-1]
    try:
        changes = watch(
            folder,
            watch_filter=lambda change, path: change != Change.deleted and Path(path).name in by_name,
            debounce=300,
            rust_timeout=500,
            yield_on_timeout=True,  # the first (empty) batch says the watcher is running: no save is missed
        )
        started = False
        for batch in changes:
            if not started:
                started = True
                _clear()
                print((last_verdict(current) or grade(current.id)).to_text(ladder=True))
                _footer(current)
            if not batch:
                continue
            saved = sorted({Path(path).name for _, path in batch})
            # The exercise being watched goes last, so that its verdict is the one left on screen.
            for exercise in sorted((by_name[name] for name in saved), key=lambda e: e.id == current.id):
                _clear()
                verdict = grade(exercise.id)
                print(verdict.to_text(ladder=True))
                if exercise == current and verdict.passed:
                    following = next_exercise(after=current)
                    if following is not None and following != current:
                        print(f"\n{current.id} passed: on to {following.id}, {following.title}.")
                        current = following
                _footer(current)
    except KeyboardInterrupt:
        print("\nStopped watching.", flush=True)
    return 0


def _clear() -> None:
    if sys.stdout.isatty():
        sys.stdout.write(CLEAR)


def _footer(current: Exercise) -> None:
    print(f"\nProgress: {summary()}")
    print(f"Watching exercises/{current.filename}: save it to grade it (Ctrl+C to stop).", flush=True)
