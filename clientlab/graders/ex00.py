"""Grader of exercise 00: one call through OpenAI() configured by the environment."""

from __future__ import annotations

from pathlib import Path

from ..grading.checks import check_ran
from ..grading.learner import Call, run_calls
from ..grading.registry import get_exercise
from ..grading.verdict import Verdict
from ..mock import MockServer, answer_for

PROMPTS = ("Hello from the Client Lab grader", "What is a connection pool?")


def grade(path: Path) -> Verdict:
    ex = get_exercise("ex00")
    verdict = Verdict(ex.id, ex.title, path.name)
    with MockServer() as mock:
        outcome = run_calls(path, [Call("first_call", [p]) for p in PROMPTS], env=mock.env(), timeout=ex.time_limit)
        stats = mock.stats()
    if not check_ran(verdict, outcome, path.name):
        return verdict
    calls = [r for r in stats.records if r.path in ("/v1/chat/completions", "/v1/responses")]
    if not verdict.add(
        "the mock received your requests",
        len(calls) == len(PROMPTS),
        f"{len(PROMPTS)} calls of first_call sent {len(calls)} request(s) to the model",
        "first_call must send one request to the API per call: client.chat.completions.create(...)",
    ):
        return verdict
    expected = [answer_for(p) for p in PROMPTS]
    results = outcome.results
    if any(isinstance(r, dict) and "$object" in r for r in results):
        kinds = sorted({r["$object"].rsplit(".", 1)[-1] for r in results if isinstance(r, dict)})
        verdict.add(
            "it returns the answer's text",
            False,
            f"first_call returned a {', '.join(kinds)} object, not text",
            "return completion.choices[0].message.content: the text, not the whole response",
        )
    else:
        verdict.add(
            "it returns the answer's text",
            results == expected,
            f"for {PROMPTS[0]!r} it returned {results[0]!r}; the mock answered {expected[0]!r}",
            "return the text the API answered (completion.choices[0].message.content), unchanged",
        )
    return verdict
