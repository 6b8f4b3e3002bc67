"""The order the suite's files are handed to the xdist workers: longest first.

Three workers on two cores: most of a grade or a notebook cell waits (on the mock's latency, a timeout, a
child process starting), so a third worker fills the idle CPU (measured: 3:33 against 4:36 with two).

With `--dist loadfile` a worker takes a whole file at a time, in collection order. The graders' proofs (each
file grades about twenty answers) and the notebooks take tens of seconds each; the other files a few. Started
first, the long ones overlap with the short ones; started last, one of them runs alone at the end.
"""

from __future__ import annotations

import pytest


def _rank(item: pytest.Item) -> int:
    path = item.path.as_posix()
    if "/tests/test_proofs_" in path:
        return 0
    if path.endswith(".ipynb"):
        return 1
    return 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_rank)  # stable: a file's items (a notebook's cells) keep their order
