"""Other clients' own tests against the mock: openai-python's `tests/api_resources` and the Node SDK.

    python tests/mock_peers.py            # the representative sample the course's test runs
    python tests/mock_peers.py --all      # all 135 tests of the endpoints the mock serves

The openai-python source comes from PyPI as an sdist (pinned, sha256 checked) and the Node SDK from npm
(pinned); both are cached in `.cache/peers/` (git-ignored). Each run starts `python -m clientlab serve`
and points the tests at it with `TEST_API_BASE_URL`, as openai-python's own CI points them at its mock.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "peers"
OPENAI_PYTHON = "openai==3.54.0"
OPENAI_PYTHON_SHA256 = "2e393e63f8a38be6452806f9ef0b6534fecd6d41ab3b2165180dfce3599249cd"
OPENAI_NODE = "openai@6.49.0"
NODE_CLIENT = Path(__file__).resolve().with_name("mock_node_client.cjs")

API_FILES = [
    "tests/api_resources/chat/test_completions.py",
    "tests/api_resources/test_responses.py",
    "tests/api_resources/test_models.py",
    "tests/api_resources/test_embeddings.py",
]
ALL = "(create or list or path_params_retrieve) and not (Completions and list)"
"""The tests of what the mock serves: 135 (27 tests, each with loose, strict and aiohttp clients)."""
SAMPLE = [
    "tests/api_resources/chat/test_completions.py::TestCompletions::test_method_create_with_all_params_overload_1",
    "tests/api_resources/chat/test_completions.py::TestCompletions::test_streaming_response_create_overload_2",
    "tests/api_resources/chat/test_completions.py::TestAsyncCompletions::test_raw_response_create_overload_1",
    "tests/api_resources/test_responses.py::TestResponses::test_method_create_overload_1",
    "tests/api_resources/test_responses.py::TestResponses::test_method_create_overload_2",
    "tests/api_resources/test_responses.py::TestAsyncResponses::test_method_create_with_all_params_overload_1",
    "tests/api_resources/test_embeddings.py::TestEmbeddings::test_method_create_with_all_params",
    "tests/api_resources/test_embeddings.py::TestAsyncEmbeddings::test_streaming_response_create",
    "tests/api_resources/test_models.py::TestModels::test_method_list",
    "tests/api_resources/test_models.py::TestAsyncModels::test_raw_response_list",
]
"""A representative sample: every endpoint, streams, raw responses, no-model responses, sync and async."""


class PeerUnavailable(RuntimeError):
    """A peer client could not be fetched or installed (the message says why)."""


def openai_python_source() -> Path:
    """openai-python's sdist unpacked (tests included), downloaded once and checked against its sha256."""
    target = CACHE / OPENAI_PYTHON.replace("==", "-")
    if (target / "tests" / "conftest.py").exists():
        return target
    downloads = CACHE / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    sdist = downloads / (OPENAI_PYTHON.replace("==", "-") + ".tar.gz")
    if not sdist.exists():
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", OPENAI_PYTHON, "-d",
             str(downloads), "-q"],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if result.returncode != 0 or not sdist.exists():
            raise PeerUnavailable(f"pip could not download the {OPENAI_PYTHON} sdist: {result.stderr[-1500:]}")
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != OPENAI_PYTHON_SHA256:
        sdist.unlink()
        raise PeerUnavailable(f"{sdist.name} has sha256 {digest}, expected {OPENAI_PYTHON_SHA256}")
    partial = target.with_suffix(".partial")
    shutil.rmtree(partial, ignore_errors=True)
    with tarfile.open(sdist) as archive:
        prefix = sdist.name.removesuffix(".tar.gz") + "/"
        members = [m for m in archive.getmembers() if m.name.startswith(prefix + "tests/") or m.name in (
            prefix + "pyproject.toml",)]  # fmt: skip
        for member in members:
            member.name = member.name.removeprefix(prefix)
        archive.extractall(partial, members=members, filter="data")
    partial.rename(target)
    return target


def openai_node_package() -> Path:
    """The Node SDK's package folder, installed once with npm."""
    prefix = CACHE / ("node-" + OPENAI_NODE.replace("@", "-"))
    package = prefix / "node_modules" / "openai"
    if (package / "package.json").exists():
        return package
    npm = shutil.which("npm")
    if npm is None:
        raise PeerUnavailable("npm is not installed (node is): install npm to run the Node SDK against the mock")
    prefix.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--no-save", OPENAI_NODE],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if result.returncode != 0 or not (package / "package.json").exists():
        raise PeerUnavailable(f"npm could not install {OPENAI_NODE}: {result.stderr[-1500:]}")
    return package


@contextmanager
def serve(*args: str) -> Iterator[str]:
    """`python -m clientlab serve` on a free port, as a user starts it; yields its base URL (with /v1)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "clientlab", "serve", *args], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        first = proc.stdout.readline() if proc.stdout else ""
        found = re.search(r"(http://127\.0\.0\.1:\d+/v1)", first)
        if not found:
            raise RuntimeError(f"the mock did not start: {first!r}")
        yield found.group(1)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_openai_python_tests(base_url: str, selection: list[str] | str) -> subprocess.CompletedProcess[str]:
    """Run openai-python's tests (node ids, or a -k expression over API_FILES) against the mock."""
    source = openai_python_source()
    args = selection if isinstance(selection, list) else [*API_FILES, "-k", selection]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "OPENAI_"))}
    env["TEST_API_BASE_URL"] = base_url
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", *args],
        cwd=source, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def summary_counts(output: str) -> dict[str, int]:
    """{'passed': N, 'failed': M, ...} from pytest's closing line."""
    return {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|failed|error|errors|skipped)", output)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tests/mock_peers.py", description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="all 135 tests instead of the sample")
    args = parser.parse_args(argv)
    with serve() as base_url:
        result = run_openai_python_tests(base_url, ALL if args.all else SAMPLE)
    print(result.stdout[-4000:], result.stderr[-2000:], sep="\n")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
