"""The local mock OpenAI server: an observing ASGI app, its recorder, and ways to run it."""

from .content import answer_for
from .controls import Behaviour
from .runner import MOCK_API_KEY, MockServer, MockServerError
from .stats import Record, Stats

__all__ = ["MOCK_API_KEY", "Behaviour", "MockServer", "MockServerError", "Record", "Stats", "answer_for"]
