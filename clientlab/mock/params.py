"""What a request asks for, checked as the API checks it: type and range errors are 400s with the API's
`param` and `code` (`invalid_type`, `decimal_above_max_value`, `array_above_max_length`, ...).

Only the fields the mock uses or that learners commonly get wrong are checked; others pass through, as
the API's schema makes almost every field optional.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import content as c
from .errors import APIErrorResponse

MAX_MODEL_CHARS = 256
MAX_EMBEDDING_INPUTS = 2048
MAX_EMBEDDING_INPUT_TOKENS = 8192
MAX_EMBEDDING_REQUEST_TOKENS = 300_000
CHAT_ROLES = ("system", "assistant", "user", "function", "tool", "developer")
DEFAULT_RESPONSES_MODEL = "gpt-4o-mini"
"""The model a Responses answer names when the request names none (a stored prompt could carry one)."""

# name -> (integer?, minimum, maximum): numeric fields of chat completions and responses
CHAT_NUMBERS: dict[str, tuple[bool, float, float]] = {
    "temperature": (False, 0, 2),
    "top_p": (False, 0, 1),
    "presence_penalty": (False, -2, 2),
    "frequency_penalty": (False, -2, 2),
    "n": (True, 1, 128),
    "max_tokens": (True, 0, 2**31),
    "max_completion_tokens": (True, 0, 2**31),
    "top_logprobs": (True, 0, 20),
}
RESPONSES_NUMBERS: dict[str, tuple[bool, float, float]] = {
    "temperature": (False, 0, 2),
    "top_p": (False, 0, 1),
    "max_output_tokens": (True, 0, 2**31),
    "top_logprobs": (True, 0, 20),
}
_JSON_TYPES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    list: "an array",
    dict: "an object",
    type(None): "null",
}


@dataclass(frozen=True)
class Ask:
    """A checked request for text: which model, the prompt the mock answers, streamed or not."""

    model: str
    prompt: str
    stream: bool = False
    include_usage: bool = False


@dataclass(frozen=True)
class EmbeddingAsk:
    """A checked embeddings request."""

    model: str
    texts: list[str]
    dimensions: int
    base64: bool


def chat_request(body: dict[str, Any], prompt: str) -> Ask:
    """`POST /v1/chat/completions`: model and messages are required. `prompt`: `content.chat_prompt`'s."""
    model = _model(body, required=True)
    messages = body.get("messages")
    if messages is None:
        raise _missing("messages")
    if not isinstance(messages, list):
        raise _wrong_type("messages", "an array", messages)
    if not messages:
        raise APIErrorResponse(
            400,
            "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
            param="messages",
            code="empty_array",
        )
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            raise _wrong_type(f"messages[{i}]", "an object", message)
        role = message.get("role")
        if role is None:
            raise _missing(f"messages[{i}].role")
        if role not in CHAT_ROLES:
            supported = ", ".join(f"'{r}'" for r in CHAT_ROLES[:-1]) + f", and '{CHAT_ROLES[-1]}'"
            raise APIErrorResponse(
                400,
                f"Invalid value: {_show(role)}. Supported values are: {supported}.",
                param=f"messages[{i}].role",
                code="invalid_value",
            )
    _numbers(body, CHAT_NUMBERS)
    stream = _boolean(body, "stream")
    options = body.get("stream_options")
    if options is not None and not isinstance(options, dict):
        raise _wrong_type("stream_options", "an object", options)
    include_usage = stream and isinstance(options, dict) and options.get("include_usage") is True
    return Ask(model, prompt, stream, include_usage)


def responses_request(body: dict[str, Any], prompt: str) -> Ask:
    """`POST /v1/responses`: every field is optional (a stored prompt can carry the model and input)."""
    model = _model(body, required=False) or DEFAULT_RESPONSES_MODEL
    input_ = body.get("input")
    if input_ is not None and not isinstance(input_, str | list):
        raise _wrong_type("input", "a string or an array of input items", input_)
    _numbers(body, RESPONSES_NUMBERS)
    return Ask(model, prompt, _boolean(body, "stream"))


def embeddings_request(body: dict[str, Any], base64_allowed: bool) -> EmbeddingAsk:
    """`POST /v1/embeddings`, with the API's input limits (2048 inputs, 8192 tokens each, 300,000 in all)."""
    model = _model(body, required=True)
    inputs = body.get("input")
    if inputs is None:
        raise _missing("input")
    if isinstance(inputs, str | list):
        texts = _embedding_inputs([inputs] if isinstance(inputs, str) else inputs)
    else:
        raise _wrong_type("input", "a string or an array of strings or token arrays", inputs)
    fmt = body.get("encoding_format", "float")
    if fmt not in ("float", "base64"):
        raise APIErrorResponse(
            400,
            f"Invalid value: {_show(fmt)}. Supported values are: 'float' and 'base64'.",
            param="encoding_format",
            code="invalid_value",
        )
    dims = body.get("dimensions")
    dims = c.EMBEDDING_DIMENSIONS if dims is None else int(_number_in(body, "dimensions", True, 1, 4096))
    return EmbeddingAsk(model, texts, dims, fmt == "base64" and base64_allowed)


def _embedding_inputs(inputs: list[Any]) -> list[str]:
    if not inputs:
        raise APIErrorResponse(
            400,
            "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.",
            param="input",
            code="empty_array",
        )
    if len(inputs) > MAX_EMBEDDING_INPUTS:
        raise APIErrorResponse(
            400,
            f"Invalid 'input': array too long. Expected an array with maximum length {MAX_EMBEDDING_INPUTS}, "
            f"but got an array with length {len(inputs)} instead.",
            param="input",
            code="array_above_max_length",
        )
    if all(isinstance(x, int) and not isinstance(x, bool) for x in inputs):
        inputs = [inputs]  # one text given as tokens
    texts: list[str] = []
    total = 0
    for i, item in enumerate(inputs):
        if isinstance(item, str):
            tokens = c.count_tokens(item)
            text = item
        elif isinstance(item, list) and item and all(isinstance(t, int) and not isinstance(t, bool) for t in item):
            tokens = len(item)
            text = " ".join(map(str, item[:MAX_EMBEDDING_INPUT_TOKENS]))
        else:
            raise _wrong_type(f"input[{i}]", "a string or an array of token integers", item)
        if tokens > MAX_EMBEDDING_INPUT_TOKENS:
            raise APIErrorResponse(
                400,
                f"This model's maximum context length is {MAX_EMBEDDING_INPUT_TOKENS} tokens, however you "
                f"requested {tokens} tokens in input[{i}]. Please reduce your prompt.",
                param=f"input[{i}]",
                code="context_length_exceeded",
            )
        total += tokens
        texts.append(text)
    if total > MAX_EMBEDDING_REQUEST_TOKENS:
        raise APIErrorResponse(
            400,
            f"Requested {total} tokens, max {MAX_EMBEDDING_REQUEST_TOKENS} tokens per request.",
            param="input",
            code="max_tokens_per_request",
        )
    return texts


def _model(body: dict[str, Any], *, required: bool) -> str | None:
    value = body.get("model")
    if value is None:
        if required:
            raise _missing("model")
        return None
    if not isinstance(value, str):
        raise _wrong_type("model", "a string", value)
    if not value or len(value) > MAX_MODEL_CHARS:
        raise APIErrorResponse(
            400,
            f"Invalid 'model': string length {len(value)}. Expected a string of 1 to {MAX_MODEL_CHARS} characters.",
            param="model",
            code="string_above_max_length" if value else "empty_string",
        )
    return value


def _numbers(body: dict[str, Any], table: dict[str, tuple[bool, float, float]]) -> None:
    for name in body.keys() & table.keys():
        if body[name] is not None:
            _number_in(body, name, *table[name])


def _number_in(body: dict[str, Any], name: str, integer: bool, low: float, high: float) -> float:
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or (integer and not isinstance(value, int)):
        raise _wrong_type(name, "an integer" if integer else "a number", value)
    kind = "integer" if integer else "decimal"
    if value < low:
        raise APIErrorResponse(
            400,
            f"Invalid '{name}': {kind} below minimum value. Expected a value >= {low:g}, but got {value:g} instead.",
            param=name,
            code=f"{kind}_below_min_value",
        )
    if value > high:
        raise APIErrorResponse(
            400,
            f"Invalid '{name}': {kind} above maximum value. Expected a value <= {high:g}, but got {value:g} instead.",
            param=name,
            code=f"{kind}_above_max_value",
        )
    return value


def _boolean(body: dict[str, Any], name: str) -> bool:
    value = body.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _wrong_type(name, "a boolean", value)
    return value


def _missing(name: str) -> APIErrorResponse:
    return APIErrorResponse(
        400, f"Missing required parameter: '{name}'.", param=name, code="missing_required_parameter"
    )


def _wrong_type(name: str, expected: str, value: Any) -> APIErrorResponse:
    got = _JSON_TYPES.get(type(value), "a value of another type")
    return APIErrorResponse(
        400,
        f"Invalid type for '{name}': expected {expected}, but got {got} instead.",
        param=name,
        code="invalid_type",
    )


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "..."
