# expect: 0 request(s)
"""Wrong: never calls the API, returns a made-up answer."""


def first_call(prompt: str) -> str:
    return f"You said: {prompt}"
