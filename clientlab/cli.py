"""The command line: `python -m clientlab lab | serve | load | grade | progress | stubs`."""

from __future__ import annotations

import argparse
import json
import os
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


def _lab(rest: list[str]) -> int:
    """Open JupyterLab on lesson 00, in this environment (never returns when it starts)."""
    from .grading.registry import course_root

    root = course_root()
    command = [sys.executable, "-m", "jupyterlab", "notebooks/00_start_here.ipynb", f"--ServerApp.root_dir={root}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI machines often run as root
    os.chdir(root)
    os.execv(sys.executable, command + rest)
    return 0  # pragma: no cover


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
        print("\n\n".join(v.to_text() for v in verdicts))
    return 0 if all(v.passed for v in verdicts) else 1


def _progress(args: argparse.Namespace) -> int:
    from .grading import progress_text

    print(progress_text())
    return 0


def _stubs(args: argparse.Namespace) -> int:
    from .grading import EXERCISES
    from .grading.stubs import stub_diff, write_stubs

    if args.write:
        changed = write_stubs()
        print("regenerated: " + (", ".join(changed) if changed else "nothing (all in sync)"))
        return 0
    diffs = [d for d in (stub_diff(e) for e in EXERCISES) if d]
    print("".join(diffs) if diffs else "exercises/ matches solutions/")
    return 1 if diffs else 0


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

    grade = sub.add_parser("grade", help="grade an exercise against a fresh mock server (exit 0 when it passes)")
    grade.add_argument("exercise", nargs="?", help="ex02, 02 or 2 (default: all exercises)")
    grade.add_argument("--file", help="grade this file instead of exercises/...")
    grade.add_argument("--json", action="store_true", help="print the verdict as JSON")
    grade.set_defaults(func=_grade)

    prog = sub.add_parser("progress", help="every exercise and its status")
    prog.set_defaults(func=_progress)

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
        return _lab(argv[1:])
    args = build_parser().parse_args(argv)
    return int(args.func(args))
