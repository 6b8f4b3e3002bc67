"""Client Lab: learn to use the openai Python SDK under load, measured by a local mock server."""

from .mock import MOCK_API_KEY, MockServer, MockServerError, Record, Stats, answer_for

__version__ = "0.1.0"
__all__ = ["MOCK_API_KEY", "MockServer", "MockServerError", "Record", "Stats", "__version__", "answer_for"]
