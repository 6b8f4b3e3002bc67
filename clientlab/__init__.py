"""Client Lab: learn to use the openai Python SDK under load, measured by a local mock server.

The names below are imported on first use (PEP 562): the processes the graders start for every grade (the
sandbox's supervisor, the driver that runs a learner's calls) import `clientlab.procs` or
`clientlab.grading.driver` and must not pay for the mock server's web stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .mock import MOCK_API_KEY, MockServer, MockServerError, Record, Stats, answer_for

__version__ = "0.1.0"
__all__ = ["MOCK_API_KEY", "MockServer", "MockServerError", "Record", "Stats", "__version__", "answer_for"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import mock

        return getattr(mock, name)
    raise AttributeError(f"module 'clientlab' has no attribute {name!r}")
