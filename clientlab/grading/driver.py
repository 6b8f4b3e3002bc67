"""The child side of `learner.run_calls`: import the learner's file, make the calls, write JSON lines.

Run as `python -m clientlab.grading.driver SPEC.json`. Each call appends `{"call": i, "result": ...}` or
`{"call": i, "error": {...}}` to the results file the moment it settles (objects that are not JSON are kept
here for `$ref` and reported by type name). A failure stops the script after its group: the calls made
together with it still settle and are written, so one call that hangs or raises does not hide the others.
`{"imported": true}` marks the end of the import, so a hang at import time is told apart from a hang in a call.

The spec file is removed once read: a probe's arguments (the mock's control token, for one) stay out of the
learner's reach on disk. With `hold_gc`, the cyclic garbage collector does not run on its own while the calls
run (an explicit `gc.collect()` still does): what only the collector would free, such as a stream the
learner's code dropped without closing (it holds itself in a reference cycle), stays as the code left it,
whatever the collector's timing.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import json
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..procs import import_file
from .learner import describe_exception


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    with contextlib.suppress(OSError):
        Path(spec_path).unlink()
    learner_file = Path(spec["file"])
    results = Path(spec["results"])

    lock = threading.Lock()  # calls made together settle in their own threads

    def write(item: dict[str, Any]) -> None:
        with lock, results.open("a") as out:
            out.write(json.dumps(item) + "\n")

    origin = Path(spec["origin"]) if spec.get("origin") else None
    try:
        module = import_file(learner_file, extra_path=origin)
    except BaseException as exc:
        write({"error": describe_exception(exc, learner_file, "import")})
        return 1
    write({"imported": True})
    if spec.get("hold_gc"):
        gc.disable()

    objects: list[Any] = []
    with asyncio.Runner() as runner:
        index = 0
        for group in _groups(spec["calls"]):
            functions = []
            for call in group:
                name = call["fn"]
                function = _course_probe(name) if name.startswith(PROBES) else getattr(module, name, None)
                if not callable(function):
                    message = f"{learner_file.name} has no function `{name}`"
                    write({"call": index, "error": {"kind": "missing", "message": message, "call": name}})
                    return 1
                functions.append(function)

            def settled(
                i: int, value: Any, error: BaseException | None, first: int = index, calls: list = group
            ) -> None:
                call = calls[i]
                if error is None:
                    write({"call": first + i, "result": _jsonable(value)})
                else:
                    described = describe_exception(error, learner_file, "exception", f"{call['fn']}(...)")
                    write({"call": first + i, "error": described})

            outcomes = _run_group(runner, group, functions, objects, settled)
            if any(error is not None for _, error in outcomes):
                return 1
            objects.extend(value for value, _ in outcomes)
            index += len(group)
    return 0


def _groups(calls: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Calls in order; consecutive calls marked `together` form one group, made at the same time."""
    groups: list[list[dict[str, Any]]] = []
    for call in calls:
        if call.get("together") and groups and groups[-1][-1].get("together"):
            groups[-1].append(call)
        else:
            groups.append([call])
    return groups


Settled = Callable[[int, Any, BaseException | None], None]


def _run_group(
    runner: asyncio.Runner, group: list[dict[str, Any]], functions: list[Any], objects: list[Any], settled: Settled
) -> list[tuple[Any, BaseException | None]]:
    """Make the group's calls (one: here; several: each in a thread, then their awaitables together), telling
    `settled` about each call as soon as it has returned or raised."""

    def start(call: dict[str, Any], function: Any) -> Any:
        args = [_decode(a, objects) for a in call["args"]]
        kwargs = {k: _decode(v, objects) for k, v in call["kwargs"].items()}
        return function(*args, **kwargs)

    outcomes: list[tuple[Any, BaseException | None]] = [(None, None)] * len(group)

    def done(i: int, value: Any, error: BaseException | None) -> None:
        outcomes[i] = (value, error)
        settled(i, value, error)

    if len(group) == 1:  # in this thread, as a program would call it
        try:
            value = start(group[0], functions[0])
            if inspect.isawaitable(value):
                value = runner.run(_awaited(value))
        except BaseException as exc:
            done(0, None, exc)
        else:
            done(0, value, None)
        return outcomes
    # Not a `with` block: its exit would wait for a call that never returns.
    pool = ThreadPoolExecutor(max_workers=len(group))
    futures = [pool.submit(start, call, fn) for call, fn in zip(group, functions, strict=True)]
    runner.run(_settle_each(futures, done))
    pool.shutdown(wait=False)
    return outcomes


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


async def _settle_each(futures: list[Future[Any]], done: Settled) -> None:
    """Each call started in its thread; what it returns is awaited here if it is awaitable (a coroutine is run on
    the one event loop); each call is reported the moment it ends, so one that never does hides nothing."""

    async def one(i: int, future: Future[Any]) -> None:
        try:
            value = await asyncio.wrap_future(future)
            if inspect.isawaitable(value):
                value = await value
        except BaseException as exc:
            done(i, None, exc)
        else:
            done(i, value, None)

    await asyncio.gather(*(one(i, f) for i, f in enumerate(futures)))


PROBES = "clientlab.graders.probes:"


def _course_probe(name: str) -> Any:
    """A function of the course's probes (never an arbitrary import named by the spec)."""
    from ..graders import probes

    return getattr(probes, name.removeprefix(PROBES), None)


def _decode(value: Any, objects: list[Any]) -> Any:
    if isinstance(value, dict) and set(value) == {"$ref"}:
        return objects[value["$ref"]]
    if isinstance(value, list):
        return [_decode(v, objects) for v in value]
    if isinstance(value, dict):
        return {k: _decode(v, objects) for k, v in value.items()}
    return value


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return {"$object": f"{type(value).__module__}.{type(value).__qualname__}"}


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
