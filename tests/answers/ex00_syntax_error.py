# expect: fix the syntax error
"""Wrong: does not parse."""

def first_call(prompt: str) -> str
    return prompt
