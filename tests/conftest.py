"""Shared fixtures: one mock server per test module, reset before every test that uses it.

The suite runs on two pytest-xdist workers, a file at a time (`--dist loadfile`): a notebook's cells share
one kernel, so they stay together, in order; the graders' proofs are split into one file per exercise."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest

from clientlab import MockServer
from clientlab.mock import Behaviour


@pytest.fixture(scope="module")
def module_mock() -> Iterator[MockServer]:
    with MockServer() as mock:
        yield mock


@pytest.fixture
def mock(module_mock: MockServer) -> MockServer:
    """The module's mock server, reset to defaults and zero counts."""
    module_mock.configure(**Behaviour().to_dict())
    module_mock.reset()
    return module_mock


@pytest.fixture
def client(mock: MockServer) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=mock.base_url, api_key="test", _strict_response_validation=True) as c:
        yield c
