"""The local mock OpenAI server: an observing ASGI app, its recorder, and ways to run it."""

from .content import answer_for
from .controls import SETTINGS, Behaviour
from .runner import MOCK_API_KEY, MockServer, MockServerError
from .stats import Record, Stats, peak_in_flight

__all__ = [
    "MOCK_API_KEY",
    "SETTINGS",
    "Behaviour",
    "MockServer",
    "MockServerError",
    "Record",
    "Stats",
    "answer_for",
    "peak_in_flight",
]
