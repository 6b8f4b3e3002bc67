# expect: from a sync OpenAI client of your own
"""Wrong: the module uses the sync client it knows from the first lessons, ignoring the client it is given.
The functions are async, so they still return the right text, but every request blocks the event loop, and
sync chat streams discard their connection even when read to the end."""

from openai import OpenAI

MODEL = "gpt-4o-mini"
sync_client = OpenAI()


async def stream_text(client, question: str) -> str:
    text = ""
    for chunk in sync_client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    ):
        text += chunk.choices[0].delta.content or ""
    return text


async def first_words(client, question: str, n: int) -> str:
    words: list[str] = []
    with sync_client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    ) as stream:
        for chunk in stream:
            words += (chunk.choices[0].delta.content or "").split()
            if len(words) >= n:
                break
    return " ".join(words[:n])
