"""Checks and hints shared by the graders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..mock import Record
from .learner import LearnerError, Outcome
from .verdict import Verdict

if TYPE_CHECKING:
    from .harness import Grading

MODEL_PATHS = ("/v1/chat/completions", "/v1/responses")

# Exception class name (or error kind) -> what to do about it, in the learner's terms.
HINTS: dict[str, str] = {
    "NotImplementedError": "The stub still raises NotImplementedError: replace the TODOs in {file} with your code.",
    "APIConnectionError": "Your client could not reach the mock server. Create it with OpenAI() / AsyncOpenAI() and "
    "no base_url or api_key arguments: the grader points OPENAI_BASE_URL and OPENAI_API_KEY at the mock.",
    "APITimeoutError": "A request timed out: check the timeout you set (it must leave room for the mock's latency).",
    "AuthenticationError": "The mock refused the request for lack of an API key: let OpenAI() read OPENAI_API_KEY.",
    "OpenAIError": "The client could not be created: let OpenAI() read OPENAI_API_KEY and OPENAI_BASE_URL from the "
    "environment instead of passing your own values.",
    "APIRemovedInV1": "openai.ChatCompletion and openai.Completion are the 0.x API, removed in 1.0: create a client, "
    "client = OpenAI(), and call client.chat.completions.create(...).",
    "syntax": "Python could not read {file}: fix the syntax error on the line shown.",
    "import": "{file} failed while being imported: the error is in its module-level code.",
    "import-timeout": "Code at the top level of {file} never finished: module-level code runs at import, so keep "
    "it to definitions and creating the client; no calls that wait, no loops, no input().",
    "MemoryError": "Your code asked for more memory than the grader allows (8 GB of address space): look for a "
    "loop that keeps growing a list or a string.",
    "missing": "Keep the function names the exercise defines: the grader calls them by name.",
    "timeout": "Your code never finished. Common causes: a blocking call in async code, awaiting something that "
    "never completes, or a connection pool too small for the work with no pool timeout.",
    "crash": "Your code ended the Python process (sys.exit or os._exit?): return values instead.",
}


# A phrase in the error message -> the hint (checked before the exception class).
MESSAGE_HINTS: dict[str, str] = {
    "object is not subscriptable": "The SDK answers with objects, not dicts (since openai 1.0): read attributes, "
    "completion.choices[0].message.content, not completion['choices'][0]['message']['content'].",
    "cannot access local variable": "A function assigns to a module-level name, which makes it local to the "
    "function: add `global client` in the function that creates it (or create the client at module level, once).",
    "cannot be called from a running event loop": "Your async function already runs inside an event loop: await "
    "the work directly (`return await asyncio.gather(...)`), never asyncio.run() inside it.",
    "client has been closed": "A call found the client closed: something closed the shared client (client.close(), "
    "or a `with` block around it or around a with_options copy, which shares its HTTP client). Create the client "
    "once and leave it open while the module serves calls.",
}


def hint_for(error: LearnerError, filename: str) -> str:
    """The hint for an error: by a phrase of its message, then by exception class, then by kind."""
    for phrase, text in MESSAGE_HINTS.items():
        if phrase in error.message:
            return text.format(file=filename)
    exc_name = error.message.split(":", 1)[0]
    text = HINTS.get(exc_name) or HINTS.get(error.kind) or "Read the error above and the exercise's TODOs."
    return text.format(file=filename)


def check_ran(verdict: Verdict, outcome: Outcome, filename: str, extra_hints: dict[str, str] | None = None) -> bool:
    """The first check of every grader: did the learner's code run to the end?"""
    if outcome.ok:
        return verdict.add("your code ran", True, f"{filename} imported and every call returned")
    assert outcome.error is not None
    error = outcome.error
    hint = None
    for needle, text in (extra_hints or {}).items():
        if needle in error.message:
            hint = text
            break
    return verdict.add("your code ran", False, error.describe(filename), hint or hint_for(error, filename))


def check_model(g: Grading, records: list[Record], model: str, caller: str) -> bool:
    """Every request asked for the model the exercise names (the mock records the body's `model`)."""
    used = sorted({r.model or "(none)" for r in records})
    if used == [model] or not records:
        return g.check("it asks for the named model", True, f"every request asked for {model}")
    others = [m for m in used if m != model]
    return g.check(
        "it asks for the named model",
        False,
        f"{caller} asked for {', '.join(others)}; the exercise names {model}",
        f'use model="{model}", as the exercise says: graders (and your bill) depend on the model you name',
    )


def model_records(records: list[Record], paths: tuple[str, ...] = MODEL_PATHS) -> list[Record]:
    """The requests to the model endpoints a grader judges, in arrival order (other endpoints don't count)."""
    return sorted((r for r in records if r.path in paths), key=lambda r: (r.start, r.id))
