"""Grader of exercise 00: one call through OpenAI() configured by the environment."""

from __future__ import annotations

from ..grading.checks import check_model, model_records
from ..grading.harness import Grading
from ..grading.learner import Call
from ..mock import answer_for
from ..mock.records import key_fingerprint
from ..mock.runner import MOCK_API_KEY

PROMPTS = ("Hello from the Client Lab grader", "What is a connection pool?")
MODEL = "gpt-4o-mini"


def grade(g: Grading) -> None:
    mock = g.mock()
    outcome = g.run_calls([Call("first_call", [p]) for p in PROMPTS], mock)
    calls = model_records(mock.stats().records)
    if not g.ran(outcome):
        return
    if not g.check(
        "the mock received your requests",
        len(calls) == len(PROMPTS),
        f"{len(PROMPTS)} calls of first_call sent {len(calls)} request(s) to the model",
        "first_call must send one request to the API per call: client.chat.completions.create(...)",
    ):
        return
    check_model(g, calls, MODEL, "first_call")
    sent = {r.key for r in calls}
    g.check(
        "it reads the key from the environment",
        sent == {key_fingerprint(MOCK_API_KEY)},
        "the requests carried the key the grader put in OPENAI_API_KEY"
        if sent == {key_fingerprint(MOCK_API_KEY)}
        else "the requests carried another API key than OPENAI_API_KEY's: your code reads the key from your source",
        "create the client with a plain OpenAI(): it reads OPENAI_API_KEY itself. A key written in code ends up in "
        "git history and screenshots; keep it in the environment (or a secrets manager)",
    )
    expected = [answer_for(p) for p in PROMPTS]
    results = outcome.results
    if any(isinstance(r, dict) and "$object" in r for r in results):
        kinds = sorted({r["$object"].rsplit(".", 1)[-1] for r in results if isinstance(r, dict)})
        g.check(
            "it returns the answer's text",
            False,
            f"first_call returned a {', '.join(kinds)} object, not text",
            "return completion.choices[0].message.content: the text, not the whole response",
        )
        return
    g.check(
        "it returns the answer's text",
        results == expected,
        f"for {PROMPTS[0]!r} it returned {results[0]!r}; the mock answered {expected[0]!r}",
        "return the text the API answered (completion.choices[0].message.content), unchanged",
    )
