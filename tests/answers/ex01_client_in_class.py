# expect: pass
"""Right, in another style: a small class owns the client; the module keeps one instance of it."""

from openai import OpenAI


class Assistant:
    def __init__(self) -> None:
        self.client = OpenAI()

    def answer(self, question: str, timeout: float | None = None) -> str:
        client = self.client if timeout is None else self.client.with_options(timeout=timeout)
        reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
        return reply.choices[0].message.content


assistant = Assistant()


def ask(question: str) -> str:
    return assistant.answer(question)


def ask_quick(question: str) -> str:
    return assistant.answer(question, timeout=5)
