"""Tests for clientlab.load against a tiny in-process uvicorn server."""

from __future__ import annotations

import asyncio
import json
import math
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest
import uvicorn

from clientlab.load import LoadResult, main, run_load, run_load_async


class EchoApp:
    """Raw ASGI app echoing the request as JSON; ``?sleep=S`` slows it, ``?status=N`` sets the status.

    Requests carrying ``?tag=T`` are recorded per tag: client ports (one per TCP connection),
    request details and the peak number of concurrent requests.
    """

    def __init__(self) -> None:
        self.ports: dict[str, set[int]] = defaultdict(set)
        self.seen: dict[str, list[dict]] = defaultdict(list)
        self.in_flight: dict[str, int] = defaultdict(int)
        self.peak: dict[str, int] = defaultdict(int)

    async def __call__(self, scope, receive, send) -> None:
        assert scope["type"] == "http"
        query = {k: v[0] for k, v in parse_qs(scope["query_string"].decode()).items()}
        body = b""
        while True:
            msg = await receive()
            body += msg.get("body", b"")
            if not msg.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        info = {
            "method": scope["method"],
            "query": query,
            "body": body.decode(),
            "content_type": headers.get("content-type"),
            "x_test": headers.get("x-test"),
        }
        tag = query.get("tag")
        if tag:
            self.ports[tag].add(scope["client"][1])
            self.seen[tag].append(info)
            self.in_flight[tag] += 1
            self.peak[tag] = max(self.peak[tag], self.in_flight[tag])
        try:
            if "sleep" in query:
                await asyncio.sleep(float(query["sleep"]))
            payload = json.dumps(info).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": int(query.get("status", 200)),
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": payload})
        finally:
            if tag:
                self.in_flight[tag] -= 1


class Srv:
    def __init__(self, app: EchoApp, url: str) -> None:
        self.app = app
        self.url = url


@pytest.fixture(scope="module")
def srv() -> Iterator[Srv]:
    app = EchoApp()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while not server.started:
        assert time.monotonic() < deadline, "test server did not start"
        time.sleep(0.01)
    yield Srv(app, f"http://127.0.0.1:{port}/")
    server.should_exit = True
    thread.join(timeout=3)
    sock.close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_counts_and_keepalive(srv: Srv) -> None:
    r = run_load(srv.url + "?tag=keep", n=60, concurrency=4)
    assert r.status_counts == {200: 60}
    assert r.ok == 60 and r.errors == {}
    assert len(r.latencies) == 60 and all(x > 0 for x in r.latencies)
    assert len(srv.app.seen["keep"]) == 60
    # keep-alive: 60 requests over at most 4 TCP connections
    assert 1 <= len(srv.app.ports["keep"]) <= 4
    assert r.bodies is None
    assert not any(math.isnan(x) for x in r.starts + r.ends)


def test_concurrency_closed_loop(srv: Srv) -> None:
    r = run_load(srv.url + "?tag=conc&sleep=0.2", n=20, concurrency=10)
    assert r.ok == 20
    # two rounds of 10 concurrent 200 ms requests
    assert 0.35 < r.elapsed < 0.2 * 4
    assert srv.app.peak["conc"] == 10
    assert all(0.15 < x < 0.6 for x in r.latencies)
    assert r.rps == pytest.approx(20 / r.elapsed)
    second_round = sorted(r.starts)[10:]
    assert min(second_round) > 0.15


def test_non_2xx_counted(srv: Srv) -> None:
    r = run_load(srv.url + "?status=503", n=7, concurrency=3)
    assert r.status_counts == {503: 7}
    assert r.ok == 0 and r.errors == {}
    assert len(r.latencies) == 7
    assert "[503]\t7 responses" in r.summary()


def test_connection_refused_counted_not_raised() -> None:
    t0 = time.monotonic()
    r = run_load(f"http://127.0.0.1:{closed_port()}/", n=5, concurrency=2, timeout=2)
    assert time.monotonic() - t0 < 2
    assert sum(r.errors.values()) == 5 and r.failed == 5
    assert all(k.startswith("ClientConnectorError") for k in r.errors)
    assert r.status_counts == {} and r.latencies == [] and r.ok == 0
    assert all(math.isnan(x) for x in r.starts + r.ends)
    text = r.summary()
    assert "Error distribution" in text and "Requests/sec" in text
    d = r.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["latency"]["p50"] is None and d["failed"] == 5


def test_timeout_counted(srv: Srv) -> None:
    r = run_load(srv.url + "?sleep=1", n=3, concurrency=3, timeout=0.2)
    assert r.elapsed < 0.8
    assert r.errors == {"TimeoutError": 3}
    assert r.status_counts == {} and r.ok == 0


def test_keep_bodies_in_index_order_with_url_for(srv: Srv) -> None:
    # uneven delays so completion order differs from index order
    r = run_load(
        srv.url,
        n=24,
        concurrency=6,
        keep_bodies=True,
        url_for=lambda i: f"{srv.url}?q=item{i}&sleep={0.03 * ((7 * i) % 4)}",
    )
    assert r.ok == 24 and r.bodies is not None and len(r.bodies) == 24
    assert [json.loads(b)["query"]["q"] for b in r.bodies] == [f"item{i}" for i in range(24)]
    assert r.ends != sorted(r.ends)  # really completed out of order
    assert all(s < e for s, e in zip(r.starts, r.ends, strict=True))


def test_keep_bodies_none_for_failed(srv: Srv) -> None:
    r = run_load(
        srv.url,
        n=4,
        concurrency=4,
        keep_bodies=True,
        timeout=0.3,
        url_for=lambda i: srv.url + ("?sleep=1" if i == 2 else f"?q={i}"),
    )
    assert r.bodies is not None
    assert r.bodies[2] is None and all(r.bodies[i] for i in (0, 1, 3))
    assert math.isnan(r.starts[2]) and r.ok == 3 and r.failed == 1


def test_body_kinds_and_headers(srv: Srv) -> None:
    r = run_load(
        srv.url + "?tag=dict",
        n=2,
        concurrency=1,
        method="post",
        body={"a": 1},
        headers={"X-Test": "yes"},
    )
    assert r.ok == 2
    seen = srv.app.seen["dict"]
    assert [s["method"] for s in seen] == ["POST", "POST"]
    assert seen[0]["content_type"].startswith("application/json")
    assert json.loads(seen[0]["body"]) == {"a": 1} and seen[0]["x_test"] == "yes"

    r = run_load(
        srv.url + "?tag=var",
        n=3,
        concurrency=1,
        method="PUT",
        body_for=lambda i: [b"raw", "text", None][i],
    )
    assert r.ok == 3
    assert sorted(s["body"] for s in srv.app.seen["var"]) == ["", "raw", "text"]


def test_percentiles_nearest_rank() -> None:
    r = LoadResult(n=100, concurrency=4, elapsed=2.0, latencies=[i / 100 for i in range(100, 0, -1)])
    r.status_counts = {200: 90, 500: 10}
    assert (r.p50, r.p90, r.p99, r.max) == (0.5, 0.9, 0.99, 1.0)
    assert r.percentile(10) == 0.1 and r.percentile(100) == 1.0
    assert r.mean == pytest.approx(0.505)
    assert r.rps == 50 and r.ok == 90
    d = json.loads(json.dumps(r.to_dict()))
    assert d["status_counts"] == {"200": 90, "500": 10} and d["latency"]["p99"] == 0.99
    lines = r.summary().splitlines()
    hist = lines[lines.index("Response time histogram:") + 1 : lines.index("Latency distribution:") - 1]
    assert len(hist) == 10 and sum(int(h.split("[")[1].split("]")[0]) for h in hist) == 100
    assert "  50% in 0.5000 secs" in lines


def test_main_exit_codes_and_output(srv: Srv, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([srv.url, "-n", "6", "-c", "2"]) == 0
    out = capsys.readouterr().out
    assert "Requests/sec" in out and "[200]\t6 responses" in out

    assert main([srv.url + "?status=500", "-n", "3", "-c", "3"]) == 1
    assert "[500]\t3 responses" in capsys.readouterr().out

    assert main([f"http://127.0.0.1:{closed_port()}/", "-n", "2", "-c", "1", "-t", "2"]) == 1
    assert "Error distribution" in capsys.readouterr().out

    args = [srv.url + "?tag=cli", "-n", "4", "-c", "2", "--json", '{"x": 2}', "-H", "X-Test: hi"]
    assert main([*args, "--output-json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] == 4 and data["status_counts"] == {"200": 4}
    seen = srv.app.seen["cli"]
    assert len(seen) == 4 and seen[0]["method"] == "POST" and seen[0]["x_test"] == "hi"
    assert seen[0]["content_type"] == "application/json" and json.loads(seen[0]["body"]) == {"x": 2}

    assert main([srv.url + "?tag=clid", "-n", "1", "-c", "1", "-m", "PATCH", "-d", "abc"]) == 0
    capsys.readouterr()
    assert srv.app.seen["clid"][0]["method"] == "PATCH" and srv.app.seen["clid"][0]["body"] == "abc"


def test_main_rejects_bad_header(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["http://127.0.0.1:1/", "-H", "no-colon"])
    assert "python -m clientlab load" in capsys.readouterr().err


def test_run_load_inside_running_loop(srv: Srv) -> None:
    async def notebook_cell() -> LoadResult:
        asyncio.get_running_loop()  # we are inside a loop, like a Jupyter cell
        return run_load(srv.url, n=10, concurrency=5)

    r = asyncio.run(notebook_cell())
    assert r.ok == 10


def test_run_load_async_directly(srv: Srv) -> None:
    r = asyncio.run(run_load_async(srv.url, n=5, concurrency=10))
    assert r.ok == 5 and r.concurrency == 10 and len(r.starts) == 5
