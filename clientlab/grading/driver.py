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
        for call in spec["calls"]:
            name = call["fn"]
            function = _course_probe(name) if name.startswith(PROBES) else getattr(module, name, None)
            if not callable(function):
                write(
                    {
                        "error": {
                            "kind": "missing",
                            "message": f"{learner_file.name} has no function `{name}`",
                            "call": name,
                        }
                    }
                )
                return 1
            label = f"{name}(...)"
            try:
                args = [_decode(a, objects) for a in call["args"]]
                kwargs = {k: _decode(v, objects) for k, v in call["kwargs"].items()}
                value = function(*args, **kwargs)
                if inspect.isawaitable(value):
                    value = runner.run(_await(value))
            except BaseException as exc:
                write({"error": describe_exception(exc, learner_file, "exception", label)})
                return 1
            objects.append(value)
            write({"result": _jsonable(value)})
    return 0


PROBES = "clientlab.graders.probes:"


def _course_probe(name: str) -> Any:
    """A function of the course's probes (never an arbitrary import named by the spec)."""
    from ..graders import probes

    return getattr(probes, name.removeprefix(PROBES), None)


async def _await(value: Any) -> Any:
    return await value


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
