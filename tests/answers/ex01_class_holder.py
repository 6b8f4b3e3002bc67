# expect: pass
"""Exercise 01 in an object-oriented style.

A developer from Java/C# wraps the client in a small service class built once per module, with the
quick variant prepared in `__init__` via with_options (a copy sharing the pool). The module-level
functions delegate to the single instance. One client, SDK defaults, one pool.
"""

from openai import OpenAI

MODEL = "gpt-4o-mini"


class ChatService:
    """Holds the process's one OpenAI client and a 5-second copy of it."""

    def __init__(self, client: OpenAI, model: str = MODEL) -> None:
        self._client = client
        self._quick = client.with_options(timeout=5)
        self._model = model

    def _complete(self, client: OpenAI, question: str) -> str:
        completion = client.chat.completions.create(model=self._model, messages=[{"role": "user", "content": question}])
        return completion.choices[0].message.content or ""

    def ask(self, question: str) -> str:
        return self._complete(self._client, question)

    def ask_quick(self, question: str) -> str:
        return self._complete(self._quick, question)


client = OpenAI()
_service = ChatService(client)


def ask(question: str) -> str:
    """Ask the model `question` with the shared client; return the answer's text."""
    return _service.ask(question)


def ask_quick(question: str) -> str:
    """Like `ask`, but this call gives up after 5 seconds; same client, same connection pool."""
    return _service.ask_quick(question)
