"""The command line: `python -m clientlab lab | serve | load | grade | watch | hint | progress | check | stubs`."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import Any

from .mock.controls import SETTINGS, Behaviour
from .mock.errors import APIErrorResponse


def _serve(args: argparse.Namespace) -> int:
    from .mock.server import serve

    try:
        given = {s.name: getattr(args, s.name) for s in SETTINGS if getattr(args, s.name) is not None}
        if isinstance(given.get("rules"), str):
            given["rules"] = json.loads(given["rules"])
        behaviour = Behaviour().updated(given)
    except json.JSONDecodeError as exc:
        print(f"error: --rules is not valid JSON: {exc}", file=sys.stderr)
        return 2
    except APIErrorResponse as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2

    def announce(info: dict[str, Any]) -> None:
        scheme = "https" if args.tls else "http"
        base = f"{scheme}://{info['host']}:{info['port']}/v1"
        print(f"Client Lab mock OpenAI server on {base} (Ctrl+C to stop)")
        print(f"  export OPENAI_BASE_URL={base} OPENAI_API_KEY=anything")
        token = f" -H 'x-mock-control-token: {args.control_token}'" if args.control_token else ""
        print(f"  stats: curl{token} {base[:-3]}/_mock/stats    reset: curl{token} -X POST {base[:-3]}/_mock/reset")
        if info["ca_path"]:
            print(f"  TLS: trust the throwaway CA in {info['ca_path']}, e.g.")
            context = f"ssl.create_default_context(cafile='{info['ca_path']}')"
            print(f"    OpenAI(http_client=DefaultHttpxClient(verify={context}))")
        print(f"  behaviour defaults: {json.dumps(behaviour.to_dict())}", flush=True)

    try:
        serve(
            args.host,
            args.port,
            behaviour,
            args.tls,
            on_ready=announce,
            log_level=args.log_level,
            control_token=args.control_token,
        )
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


def _load(rest: list[str]) -> int:
    from .load import main as load_main

    return load_main(rest)


def _grade(args: argparse.Namespace) -> int:
    from .grading import EXERCISES, get_exercise, grade

    try:
        names = [get_exercise(args.exercise).id] if args.exercise else [e.id for e in EXERCISES]
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    if args.file and len(names) != 1:
        print("error: --file needs an EXERCISE, e.g. python -m clientlab grade 01 --file my_answer.py", file=sys.stderr)
        return 2
    verdicts = [grade(name, args.file) for name in names]
    if args.json:
        data = [v.to_dict() for v in verdicts]
        print(json.dumps(data[0] if len(data) == 1 else data, indent=2))
    else:
        print("\n\n".join(v.to_text(ladder=True) for v in verdicts))
        if not args.file:
            from .grading.progress import next_step

            print(f"\n{next_step()}")
    if any(v.error is not None for v in verdicts):
        return 3
    return 0 if all(v.passed for v in verdicts) else 1


def _check(args: argparse.Namespace) -> int:
    """Maintainers: prove every grader (stub fails, solution passes, every answer gets its verdict)."""
    from .grading import get_exercise
    from .grading.proofs import cases

    try:
        chosen = [get_exercise(name) for name in args.exercises] or None
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    failures = 0
    if args.stress:
        from .grading.stress import cpu_burners, stress_cases

        todo = stress_cases() * args.rounds
        burning = cpu_burners()
    else:
        todo = cases(chosen)
        burning = contextlib.nullcontext(0)
    with burning as count:
        if count:
            print(f"{count} CPU burners running, each in its own session; {args.rounds} rounds")
        failures = _prove(todo, args.verbose)
    print(f"\n{len(todo) - failures} passed, {failures} failed")
    return 1 if failures else 0


def _prove(todo: list[Any], verbose: bool) -> int:
    from .grading.proofs import run

    failures = 0
    for number, case in enumerate(todo, 1):
        result = run(case)
        mark = "ok  " if result.ok else "FAIL"
        status = result.verdict.status.value
        print(f"[{number:>3}/{len(todo)}] {mark} {case.label:<40} {status:<16}{result.seconds:5.1f} s")
        if not result.ok:
            failures += 1
            print("       " + (result.problem or ""))
            if verbose:
                print("       " + result.verdict.to_text().replace("\n", "\n       "))
    return failures


def _progress(args: argparse.Namespace) -> int:
    from .grading import progress_text

    print(progress_text())
    return 0


def _watch(args: argparse.Namespace) -> int:
    from .grading import get_exercise
    from .watch import run

    try:
        first = get_exercise(args.exercise) if args.exercise else None
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    return run(first)


def _hint(args: argparse.Namespace) -> int:
    from .grading import get_exercise
    from .grading.hints import current_verdict, hint_text

    try:
        exercise = get_exercise(args.exercise)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    if not exercise.exercise_path.exists():
        print(f"error: there is no exercises/{exercise.filename}", file=sys.stderr)
        return 2
    verdict, fresh = current_verdict(exercise)
    if fresh:
        print(f"(graded exercises/{exercise.filename} just now: it changed since its last grade)\n")
    print(hint_text(exercise, verdict, solution=args.solution))
    return 3 if verdict.error is not None else 0


def _stubs(args: argparse.Namespace) -> int:
    from .grading import EXERCISES
    from .grading.stubs import stub_diff, stub_state, write_stubs

    if args.write:
        changed = write_stubs()
        print("regenerated: " + (", ".join(changed) if changed else "nothing (all in sync)"))
        return 0
    problems = 0
    for exercise in (e for e in EXERCISES if e.solution_path.exists()):
        state = stub_state(exercise)
        print(f"{exercise.id}: exercises/{exercise.filename}: {state}")
        if state in ("stale stub", "unrecorded"):
            problems += 1
            print(stub_diff(exercise) or "  (run: python -m clientlab stubs --write)")
    return 1 if problems else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m clientlab", description="Client Lab command line.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the mock OpenAI server in the foreground")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0, help="0 (default) picks a free port")
    for s in SETTINGS:  # every behaviour setting of the mock, from its registry: --latency-ms, --fail-first, ...
        if s.kind == "bool" and s.name != "should_retry":
            # a bare flag turns it on; `--client-controls false` style values work too
            serve.add_argument(s.flag, nargs="?", const=True, default=None, metavar="BOOL", help=s.help)
        else:
            serve.add_argument(s.flag, default=None, metavar=s.kind.upper(), help=f"{s.help} ({s.allowed})")
    serve.add_argument("--control-token", default=None, help="require this token in x-mock-control-token on /_mock/*")
    serve.add_argument("--tls", action="store_true", help="serve HTTPS with a throwaway CA (trustme)")
    serve.add_argument("--log-level", default="warning")
    serve.set_defaults(func=_serve)

    grade = sub.add_parser(
        "grade", help="grade an exercise against a fresh mock server (exit 0 passed, 1 not yet, 3 could not grade)"
    )
    grade.add_argument("exercise", nargs="?", help="ex02, 02 or 2 (default: all exercises)")
    grade.add_argument("--file", help="grade this file instead of exercises/...")
    grade.add_argument("--json", action="store_true", help="print the verdict as JSON")
    grade.set_defaults(func=_grade)

    check = sub.add_parser("check", help="maintainers: prove the graders (stubs fail, solutions pass, answers)")
    check.add_argument("exercises", nargs="*", help="ex02, 02 or 2 (default: every exercise)")
    check.add_argument("-v", "--verbose", action="store_true", help="print the verdict of every failed proof")
    check.add_argument(
        "--stress", action="store_true", help="the solutions and ex02's anti-patterns with CPU burners running"
    )
    check.add_argument("--rounds", type=int, default=2, help="with --stress: how many times (default 2)")
    check.set_defaults(func=_check)

    prog = sub.add_parser("progress", help="every exercise, its status, its last grade, and what to do next")
    prog.set_defaults(func=_progress)

    watch = sub.add_parser("watch", help="grade an exercise each time you save it; move on when it passes")
    watch.add_argument("exercise", nargs="?", help="start with this one (default: the first not passed yet)")
    watch.set_defaults(func=_watch)

    hint = sub.add_parser("hint", help="the next step of the hint ladder for the check your file fails now")
    hint.add_argument("exercise", help="ex02, 02 or 2")
    hint.add_argument(
        "--solution", action="store_true", help="after the last step: the reference answer as a diff against your file"
    )
    hint.set_defaults(func=_hint)

    from .doctor.cli import add_parser as add_doctor  # `doctor module:app --path PATH [--json]`

    add_doctor(sub)

    stubs = sub.add_parser("stubs", help="maintainers: check (or --write) exercises/ against solutions/")
    mode = stubs.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="compare only (the default)")
    mode.add_argument("--write", action="store_true", help="regenerate exercises/ (overwrites learners' work)")
    stubs.set_defaults(func=_stubs)

    sub.add_parser("lab", help="open the course in JupyterLab (extra arguments go to jupyter lab)", add_help=False)
    sub.add_parser("load", help="hey-like load generator (see `python -m clientlab load -h`)", add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "load":
        return _load(argv[1:])
    if argv and argv[0] == "lab":
        from .lab import main as lab_main

        return lab_main(argv[1:])
    args = build_parser().parse_args(argv)
    return int(args.func(args))
