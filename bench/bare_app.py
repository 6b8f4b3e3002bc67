"""The benchmark's baseline: a bare Starlette app answering one fixed chat completion.

It does the minimum a chat endpoint must do (read the request body, return a JSON body of the
same shape and size as the mock's answer), so the mock's throughput can be compared with it.

Run it with ``python -m uvicorn bench.bare_app:app --loop uvloop --http httptools`` or
``python bench/bare_app.py --port 8001`` (``--fd N`` serves on an already bound socket).
"""

from __future__ import annotations

import argparse
import socket

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

COMPLETION = {
    "id": "chatcmpl-x",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "gpt-4o-mini",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "You said: hello", "refusal": None},
            "finish_reason": "stop",
            "logprobs": None,
        }
    ],
    "usage": {"prompt_tokens": 1, "completion_tokens": 3, "total_tokens": 4},
}


async def chat_completions(request: Request) -> JSONResponse:
    """Read the body, like the mock does, then answer the fixed completion."""
    await request.body()
    return JSONResponse(COMPLETION)


app = Starlette(routes=[Route("/v1/chat/completions", chat_completions, methods=["POST"])])


def main(argv: list[str] | None = None) -> None:
    """Serve the app with uvicorn (httptools + uvloop, log level warning)."""
    import uvicorn

    parser = argparse.ArgumentParser(prog="python bench/bare_app.py")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--fd", type=int, default=None, help="serve on this already bound TCP socket")
    args = parser.parse_args(argv)
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        ws="none",
        lifespan="off",
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    if args.fd is None:
        server.run()
    else:
        server.run(sockets=[socket.socket(fileno=args.fd)])


if __name__ == "__main__":
    main()
