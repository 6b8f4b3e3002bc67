"""The `doctor` subcommand: arguments in, the report out, the exit status from what it found."""

from __future__ import annotations

import argparse
import sys

from . import examine


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Declare `doctor TARGET [--path PATH] [--json]` on the CLI's subparsers."""
    doctor = sub.add_parser(
        "doctor",
        help="run the course's probes against your own app (exit 0 nothing found, 1 problems, 2 could not run)",
    )
    doctor.add_argument("target", help="your ASGI app as module:attribute (importable from here, as uvicorn takes it)")
    doctor.add_argument("--path", default="/chat?q=hello", help="the URL path to probe (default: /chat?q=hello)")
    doctor.add_argument("--json", action="store_true", help="print the report as JSON (with a version)")
    doctor.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.json:
        print(f"examining {args.target} (GET {args.path}) against a fresh mock: about 15 s...", flush=True)
    try:
        report = examine(args.target, args.path)
    except KeyboardInterrupt:  # the app and the mock are already stopped: examine() cleans up on the way out
        print("interrupted: the app and the mock server were stopped", file=sys.stderr)
        return 130
    print(report.to_json() if args.json else report.to_text())
    return report.exit_code
