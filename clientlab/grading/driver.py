"""The child side of `learner.run_calls`: import the learner's file, make the calls, write JSON lines.

Run as `python -m clientlab.grading.driver SPEC.json`. Each completed call appends `{"result": ...}` to
the results file (objects that are not JSON are kept here for `$ref` and reported by type name); the
first failure appends `{"error": {...}}` and stops. `{"imported": true}` marks the end of the import, so a
hang at import time is told apart from a hang in a call.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..procs import import_file
from .learner import describe_exception


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    learner_file = Path(spec["file"])
    results = Path(spec["results"])

    def write(item: dict[str, Any]) -> None:
        with results.open("a") as out:
            out.write(json.dumps(item) + "\n")

    origin = Path(spec["origin"]) if spec.get("origin") else None
    try:
        module = import_file(learner_file, extra_path=origin)
    except BaseException as exc:
        write({"error": describe_exception(exc, learner_file, "import")})
        return 1
    write({"imported": True})

    objects: list[Any] = []
    with asyncio.Runner() as runner:
        for group in _groups(spec["calls"]):
            functions = []
            for call in group:
                name = call["fn"]
                function = _course_probe(name) if name.startswith(PROBES) else getattr(module, name, None)
                if not callable(function):
                    message = f"{learner_file.name} has no function `{name}`"
                    write({"error": {"kind": "missing", "message": message, "call": name}})
                    return 1
                functions.append(function)
            outcomes = _run_group(runner, group, functions, objects)
            for call, (value, error) in zip(group, outcomes, strict=True):
                if error is not None:
                    write({"error": describe_exception(error, learner_file, "exception", f"{call['fn']}(...)")})
                    return 1
                objects.append(value)
                write({"result": _jsonable(value)})
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


def _run_group(
    runner: asyncio.Runner, group: list[dict[str, Any]], functions: list[Any], objects: list[Any]
) -> list[tuple[Any, BaseException | None]]:
    """Make the group's calls (one: here; several: each in a thread, then their awaitables together)."""

    def start(call: dict[str, Any], function: Any) -> Any:
        args = [_decode(a, objects) for a in call["args"]]
        kwargs = {k: _decode(v, objects) for k, v in call["kwargs"].items()}
        return function(*args, **kwargs)

    started: list[tuple[Any, BaseException | None]] = []
    if len(group) == 1:
        try:
            started.append((start(group[0], functions[0]), None))
        except BaseException as exc:
            started.append((None, exc))
    else:
        with ThreadPoolExecutor(max_workers=len(group)) as pool:
            futures = [pool.submit(start, call, function) for call, function in zip(group, functions, strict=True)]
            for future in futures:
                error = future.exception()
                started.append((None, error) if error else (future.result(), None))
    pending = [i for i, (value, error) in enumerate(started) if error is None and inspect.isawaitable(value)]
    if pending:
        done = runner.run(_gather([started[i][0] for i in pending]))
        for i, outcome in zip(pending, done, strict=True):
            started[i] = (None, outcome) if isinstance(outcome, BaseException) else (outcome, None)
    return started


async def _gather(awaitables: list[Any]) -> list[Any]:
    return await asyncio.gather(*awaitables, return_exceptions=True)


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
